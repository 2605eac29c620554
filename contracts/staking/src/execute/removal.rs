//! The unbonding queue: requests, cancels, the permissionless crank and a staker's own
//! withdrawal of a due removal.
//!
//! Rules:
//! - One pending removal per (staker, topic) for self-stake and per (delegator, topic,
//!   reputer) for a delegation; a second request while one is pending is refused (cancel
//!   it first).
//! - Stake under removal keeps counting (snapshots, rewards) until it is paid; the payout
//!   re-reads the stake and pays at most what is still there.
//! - A removal requested at height h is due at h + unbonding_blocks and is paid by any
//!   call at a height >= due (never "due exactly now").
//! - Undelegation, its cancel and its payout never query the registry.
//! - A removal below `min_removal` is allowed only for a whole position; a partial
//!   undelegation leaves 0 or at least `min_delegation` (and min_delegation >=
//!   min_removal), so only positions older than the configuration can be removed below
//!   min_removal, one queue entry each: nobody can fill the queue with dust.
//! - A delegation's payout is a change of its amount in the payout's block (see
//!   `crate::rewards`): snapshots up to that block still count the old amount.

use cosmwasm_std::{
    Addr, CosmosMsg, DepsMut, Env, Event, MessageInfo, Order, OverflowError, OverflowOperation,
    Response, Storage, Uint128,
};
use cw20::Denom;
use cw_storage_plus::Bound;
use nous_types::funds::transfer_msg;
use nous_types::staking::{PendingRemoval, RemovalKind};
use nous_types::topic_registry::TopicRegistryContract;

use crate::accrual;
use crate::execute::change_stake;
use crate::execute::delegation::store_delegation;
use crate::rewards::{check_room, record_change};
use crate::state::{CONFIG, DELEGATIONS, PENDING, POOLS, QUEUE, REMOVAL_SEQ, STAKES};
use crate::ContractError;

/// The pending removal of `staker` in `topic_id` from `reputer` of the given kind.
pub(crate) fn load_pending(
    storage: &dyn Storage,
    staker: &Addr,
    topic_id: u64,
    reputer: &Addr,
    kind: RemovalKind,
) -> Result<Option<PendingRemoval>, ContractError> {
    let Some(key) = PENDING.may_load(storage, (staker, topic_id, reputer))? else {
        return Ok(None);
    };
    let removal = QUEUE.may_load(storage, key)?;
    Ok(removal.filter(|r| r.kind == kind))
}

/// Checks the amount rules shared by both kinds of removal.
fn check_amount(
    amount: Uint128,
    available: Uint128,
    min_removal: Uint128,
) -> Result<Uint128, ContractError> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    if amount > available {
        return Err(ContractError::InsufficientStake {
            available,
            requested: amount,
        });
    }
    let remaining = available.checked_sub(amount)?;
    if !remaining.is_zero() && amount < min_removal {
        return Err(ContractError::RemovalBelowMinimum {
            minimum: min_removal,
            requested: amount,
        });
    }
    Ok(remaining)
}

/// What a staker asks to remove.
struct Request<'a> {
    kind: RemovalKind,
    staker: &'a Addr,
    topic_id: u64,
    reputer: &'a Addr,
    amount: Uint128,
}

/// Puts a removal in the queue and indexes it by staker.
fn enqueue(
    storage: &mut dyn Storage,
    env: &Env,
    unbonding_blocks: u64,
    request: Request,
) -> Result<PendingRemoval, ContractError> {
    let sequence = REMOVAL_SEQ
        .may_load(storage)?
        .unwrap_or_default()
        .checked_add(1)
        .ok_or(OverflowError::new(OverflowOperation::Add))?;
    REMOVAL_SEQ.save(storage, &sequence)?;
    let due_height = env
        .block
        .height
        .checked_add(unbonding_blocks)
        .ok_or(OverflowError::new(OverflowOperation::Add))?;
    let removal = PendingRemoval {
        kind: request.kind,
        staker: request.staker.clone(),
        topic_id: request.topic_id,
        reputer: request.reputer.clone(),
        amount: request.amount,
        requested_height: env.block.height,
        due_height,
        sequence,
    };
    QUEUE.save(storage, (due_height, sequence), &removal)?;
    PENDING.save(
        storage,
        (request.staker, request.topic_id, request.reputer),
        &(due_height, sequence),
    )?;
    Ok(removal)
}

fn removal_event(name: &str, removal: &PendingRemoval) -> Event {
    Event::new(name)
        .add_attribute(
            "kind",
            match removal.kind {
                RemovalKind::SelfStake => "self_stake",
                RemovalKind::Delegation => "delegation",
            },
        )
        .add_attribute("address", removal.staker.as_str())
        .add_attribute("topic_id", removal.topic_id.to_string())
        .add_attribute("reputer", removal.reputer.as_str())
        .add_attribute("amount", removal.amount)
        .add_attribute("due_height", removal.due_height.to_string())
        .add_attribute("sequence", removal.sequence.to_string())
}

/// A reputer asks to remove `amount` of its self-stake.
pub fn remove_stake(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    topic_id: u64,
    amount: Uint128,
) -> Result<Response, ContractError> {
    let staker = info.sender;
    if let Some(pending) = load_pending(
        deps.storage,
        &staker,
        topic_id,
        &staker,
        RemovalKind::SelfStake,
    )? {
        return Err(ContractError::RemovalAlreadyPending {
            due_height: pending.due_height,
        });
    }
    let config = CONFIG.load(deps.storage)?;
    let available = STAKES
        .may_load(deps.storage, (topic_id, &staker))?
        .unwrap_or_default()
        .self_stake;
    let remaining = check_amount(amount, available, config.min_removal)?;
    if !remaining.is_zero() {
        let required = TopicRegistryContract(config.registry.clone())
            .staking_params(&deps.querier)?
            .required_minimum_stake;
        if remaining < required {
            return Err(ContractError::RemainingStakeBelowMinimum {
                required,
                remaining,
            });
        }
    }
    let removal = enqueue(
        deps.storage,
        &env,
        config.unbonding_blocks,
        Request {
            kind: RemovalKind::SelfStake,
            staker: &staker,
            topic_id,
            reputer: &staker,
            amount,
        },
    )?;
    Ok(Response::new()
        .add_event(removal_event("stake_removal_requested", &removal))
        .add_attribute("action", "remove_stake")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("address", staker.as_str())
        .add_attribute("amount", amount)
        .add_attribute("due_height", removal.due_height.to_string()))
}

/// A delegator asks to remove `amount` of its delegation to `reputer`.
pub fn undelegate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    topic_id: u64,
    reputer: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    let reputer = deps.api.addr_validate(&reputer)?;
    let delegator = info.sender;
    let mut delegation = DELEGATIONS
        .may_load(deps.storage, (&delegator, topic_id, &reputer))?
        .filter(|d| !d.current().is_zero())
        .ok_or_else(|| ContractError::NoDelegation {
            topic_id,
            reputer: reputer.clone(),
        })?;
    if let Some(pending) = load_pending(
        deps.storage,
        &delegator,
        topic_id,
        &reputer,
        RemovalKind::Delegation,
    )? {
        return Err(ContractError::RemovalAlreadyPending {
            due_height: pending.due_height,
        });
    }
    let config = CONFIG.load(deps.storage)?;
    let remaining = check_amount(amount, delegation.current(), config.min_removal)?;
    if !remaining.is_zero() && remaining < config.min_delegation {
        return Err(ContractError::RemainingDelegationBelowMinimum {
            minimum: config.min_delegation,
            remaining,
        });
    }
    // Room for this removal's payout, and for a later whole exit if it is partial.
    accrual::settle(deps.storage, topic_id, &reputer, &mut delegation)?;
    check_room(&delegation, None, 1 + u32::from(!remaining.is_zero()))?;
    DELEGATIONS.save(deps.storage, (&delegator, topic_id, &reputer), &delegation)?;
    let removal = enqueue(
        deps.storage,
        &env,
        config.unbonding_blocks,
        Request {
            kind: RemovalKind::Delegation,
            staker: &delegator,
            topic_id,
            reputer: &reputer,
            amount,
        },
    )?;
    let mut pool = POOLS
        .may_load(deps.storage, (topic_id, &reputer))?
        .unwrap_or_default();
    pool.undelegating = pool.undelegating.checked_add(amount)?;
    POOLS.save(deps.storage, (topic_id, &reputer), &pool)?;
    Ok(Response::new()
        .add_event(removal_event("stake_removal_requested", &removal))
        .add_attribute("action", "undelegate")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("address", delegator.as_str())
        .add_attribute("reputer", reputer.as_str())
        .add_attribute("amount", amount)
        .add_attribute("due_height", removal.due_height.to_string()))
}

/// Deletes a removal from the queue and the index (and from the pool's undelegating sum).
fn forget(storage: &mut dyn Storage, removal: &PendingRemoval) -> Result<(), ContractError> {
    QUEUE.remove(storage, (removal.due_height, removal.sequence));
    PENDING.remove(
        storage,
        (&removal.staker, removal.topic_id, &removal.reputer),
    );
    if removal.kind == RemovalKind::Delegation {
        let key = (removal.topic_id, &removal.reputer);
        let mut pool = POOLS.may_load(storage, key)?.unwrap_or_default();
        pool.undelegating = pool.undelegating.checked_sub(removal.amount)?;
        POOLS.save(storage, key, &pool)?;
    }
    Ok(())
}

/// The sender cancels its pending removal (`reputer` None: self-stake).
pub fn cancel(
    deps: DepsMut,
    info: MessageInfo,
    topic_id: u64,
    reputer: Option<String>,
) -> Result<Response, ContractError> {
    let (reputer, kind, action) = match reputer {
        None => (
            info.sender.clone(),
            RemovalKind::SelfStake,
            "cancel_remove_stake",
        ),
        Some(r) => (
            deps.api.addr_validate(&r)?,
            RemovalKind::Delegation,
            "cancel_undelegate",
        ),
    };
    let removal = load_pending(deps.storage, &info.sender, topic_id, &reputer, kind)?
        .ok_or(ContractError::NoPendingRemoval {})?;
    forget(deps.storage, &removal)?;
    Ok(Response::new()
        .add_event(removal_event("stake_removal_cancelled", &removal))
        .add_attribute("action", action)
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("address", info.sender.as_str())
        .add_attribute("reputer", reputer.as_str())
        .add_attribute("amount", removal.amount))
}

/// Pays one due removal: state first (stake, delegation, rewards settled, record deleted),
/// then the transfer message. Pays at most what is still staked.
fn pay(
    deps: &mut DepsMut,
    env: &Env,
    denom: &Denom,
    removal: &PendingRemoval,
) -> Result<(Option<CosmosMsg>, Event), ContractError> {
    forget(deps.storage, removal)?;
    let paid = match removal.kind {
        RemovalKind::SelfStake => {
            let staked = STAKES
                .may_load(deps.storage, (removal.topic_id, &removal.reputer))?
                .unwrap_or_default()
                .self_stake;
            removal.amount.min(staked)
        }
        RemovalKind::Delegation => {
            let key = (&removal.staker, removal.topic_id, &removal.reputer);
            match DELEGATIONS.may_load(deps.storage, key)? {
                None => Uint128::zero(),
                Some(mut delegation) => {
                    accrual::settle(
                        deps.storage,
                        removal.topic_id,
                        &removal.reputer,
                        &mut delegation,
                    )?;
                    let current = delegation.current();
                    let paid = removal.amount.min(current);
                    if !paid.is_zero() {
                        // room was kept for it when the removal was requested
                        record_change(
                            &mut delegation,
                            env.block.height,
                            current.checked_sub(paid)?,
                        );
                    }
                    store_delegation(
                        deps,
                        &removal.staker,
                        removal.topic_id,
                        &removal.reputer,
                        &delegation,
                    )?;
                    paid
                }
            }
        }
    };
    if !paid.is_zero() {
        change_stake(
            deps.storage,
            env.block.height,
            removal.topic_id,
            &removal.reputer,
            removal.kind,
            paid,
            false,
        )?;
    }
    let event = removal_event("stake_removal_paid", removal).add_attribute("paid", paid);
    let msg = if paid.is_zero() {
        None
    } else {
        Some(transfer_msg(denom, &removal.staker, paid)?)
    };
    Ok((msg, event))
}

/// Anyone pays the removals due up to now, oldest due first, at most
/// min(limit, max_removals_per_call); the next call resumes with what is left.
pub fn process_removals(
    mut deps: DepsMut,
    env: Env,
    limit: Option<u32>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let cap = match limit {
        Some(0) => return Err(ContractError::ZeroLimit {}),
        Some(l) => l.min(config.max_removals_per_call),
        None => config.max_removals_per_call,
    } as usize;
    let due_bound = Some(Bound::inclusive((env.block.height, u64::MAX)));
    let due: Vec<PendingRemoval> = QUEUE
        .range(deps.storage, None, due_bound.clone(), Order::Ascending)
        .take(cap)
        .map(|item| item.map(|(_, removal)| removal))
        .collect::<Result<_, _>>()?;
    let mut response = Response::new();
    for removal in &due {
        let (msg, event) = pay(&mut deps, &env, &config.denom, removal)?;
        if let Some(msg) = msg {
            response = response.add_message(msg);
        }
        response = response.add_event(event);
    }
    let more_due = QUEUE
        .keys(deps.storage, None, due_bound, Order::Ascending)
        .next()
        .is_some();
    Ok(response
        .add_attribute("action", "process_removals")
        .add_attribute("processed", due.len().to_string())
        .add_attribute("more_due", more_due.to_string()))
}

/// The sender takes its own due removal now (`reputer` None: self-stake).
pub fn withdraw_due(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    topic_id: u64,
    reputer: Option<String>,
) -> Result<Response, ContractError> {
    let (reputer, kind) = match reputer {
        None => (info.sender.clone(), RemovalKind::SelfStake),
        Some(r) => (deps.api.addr_validate(&r)?, RemovalKind::Delegation),
    };
    let removal = load_pending(deps.storage, &info.sender, topic_id, &reputer, kind)?
        .ok_or(ContractError::NoPendingRemoval {})?;
    if removal.due_height > env.block.height {
        return Err(ContractError::RemovalNotDue {
            due_height: removal.due_height,
            height: env.block.height,
        });
    }
    let denom = CONFIG.load(deps.storage)?.denom;
    let (msg, event) = pay(&mut deps, &env, &denom, &removal)?;
    let mut response = Response::new()
        .add_event(event)
        .add_attribute("action", "withdraw_due")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("address", info.sender.as_str())
        .add_attribute("reputer", reputer.as_str());
    if let Some(msg) = msg {
        response = response.add_message(msg);
    }
    Ok(response)
}
