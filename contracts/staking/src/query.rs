//! Queries. Stake "at height h" means as of the START of block h (changes made in block h
//! are visible from h + 1); a height after the current block is refused.

use cosmwasm_std::{to_json_binary, Addr, Binary, Deps, Env, Order, StdError, StdResult, Uint128};
use cw_storage_plus::Bound;
use nous_types::pagination::page_size;
use nous_types::staking::{
    DelegationCursor, DelegationResponse, DelegationsResponse, DueRemovalsResponse, PendingRemoval,
    PoolResponse, QueryMsg, QueueCursor, RemovalKind, RemovalsResponse, ReputerStake,
    ReputerStakeResponse, ReputerStakesResponse, TopicStakeResponse, TotalsResponse,
};

use crate::accrual;
use crate::state::{
    Delegation, ReputerTotals, CONFIG, DELEGATIONS, LAST_DEPOSIT_SNAPSHOT, PENDING, POOLS, QUEUE,
    REWARD_FUNDS, STAKES, TOPIC_STAKE, TOTAL_STAKED,
};

pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::ReputerStakes {
            topic_id,
            reputers,
            height,
        } => to_json_binary(&reputer_stakes(deps, env, topic_id, reputers, height)?),
        QueryMsg::TopicStake { topic_id, height } => {
            to_json_binary(&topic_stake(deps, env, topic_id, height)?)
        }
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?),
        QueryMsg::ReputerStake { topic_id, reputer } => {
            to_json_binary(&reputer_stake(deps, topic_id, reputer)?)
        }
        QueryMsg::Delegation {
            topic_id,
            reputer,
            delegator,
        } => to_json_binary(&delegation(deps, topic_id, reputer, delegator)?),
        QueryMsg::DelegationsByDelegator {
            delegator,
            start_after,
            limit,
        } => to_json_binary(&delegations_by_delegator(
            deps,
            delegator,
            start_after,
            limit,
        )?),
        QueryMsg::PendingRemovals { start_after, limit } => {
            to_json_binary(&pending_removals(deps, start_after, limit)?)
        }
        QueryMsg::DueRemovals { height, limit } => {
            to_json_binary(&due_removals(deps, env, height, limit)?)
        }
        QueryMsg::Pool { topic_id, reputer } => to_json_binary(&pool(deps, topic_id, reputer)?),
        QueryMsg::Totals {} => to_json_binary(&totals(deps)?),
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?),
    }
}

fn check_height(env: &Env, height: Option<u64>) -> StdResult<Option<u64>> {
    match height {
        Some(h) if h > env.block.height => Err(StdError::generic_err(format!(
            "height {h} is in the future: the current height is {}",
            env.block.height
        ))),
        other => Ok(other),
    }
}

fn totals_at(
    deps: Deps,
    topic_id: u64,
    reputer: &Addr,
    height: Option<u64>,
) -> StdResult<ReputerTotals> {
    let totals = match height {
        Some(h) => STAKES.may_load_at_height(deps.storage, (topic_id, reputer), h)?,
        None => STAKES.may_load(deps.storage, (topic_id, reputer))?,
    };
    Ok(totals.unwrap_or_default())
}

pub fn reputer_stakes(
    deps: Deps,
    env: Env,
    topic_id: u64,
    reputers: Vec<String>,
    height: Option<u64>,
) -> StdResult<ReputerStakesResponse> {
    let height = check_height(&env, height)?;
    let stakes = reputers
        .iter()
        .map(|r| {
            let reputer = deps.api.addr_validate(r)?;
            let t = totals_at(deps, topic_id, &reputer, height)?;
            Ok(ReputerStake {
                reputer,
                self_stake: t.self_stake,
                delegated: t.delegated,
                total: t.self_stake.checked_add(t.delegated)?,
            })
        })
        .collect::<StdResult<Vec<_>>>()?;
    Ok(ReputerStakesResponse { stakes })
}

pub fn topic_stake(
    deps: Deps,
    env: Env,
    topic_id: u64,
    height: Option<u64>,
) -> StdResult<TopicStakeResponse> {
    let total = match check_height(&env, height)? {
        Some(h) => TOPIC_STAKE.may_load_at_height(deps.storage, topic_id, h)?,
        None => TOPIC_STAKE.may_load(deps.storage, topic_id)?,
    };
    Ok(TopicStakeResponse {
        topic_id,
        total: total.unwrap_or_default(),
    })
}

fn pending(
    deps: Deps,
    staker: &Addr,
    topic_id: u64,
    reputer: &Addr,
    kind: RemovalKind,
) -> StdResult<Option<PendingRemoval>> {
    let Some(key) = PENDING.may_load(deps.storage, (staker, topic_id, reputer))? else {
        return Ok(None);
    };
    Ok(QUEUE
        .may_load(deps.storage, key)?
        .filter(|r| r.kind == kind))
}

pub fn reputer_stake(
    deps: Deps,
    topic_id: u64,
    reputer: String,
) -> StdResult<ReputerStakeResponse> {
    let reputer = deps.api.addr_validate(&reputer)?;
    let t = totals_at(deps, topic_id, &reputer, None)?;
    let pool = POOLS
        .may_load(deps.storage, (topic_id, &reputer))?
        .unwrap_or_default();
    Ok(ReputerStakeResponse {
        topic_id,
        pending_removal: pending(deps, &reputer, topic_id, &reputer, RemovalKind::SelfStake)?,
        reputer,
        self_stake: t.self_stake,
        delegated: t.delegated,
        total: t.self_stake.checked_add(t.delegated)?,
        delegated_pending_removal: pool.undelegating,
    })
}

fn delegation_response(
    deps: Deps,
    delegator: Addr,
    topic_id: u64,
    reputer: Addr,
    delegation: Option<Delegation>,
) -> StdResult<DelegationResponse> {
    // what a touch would settle now, without writing it
    let settled = delegation
        .map(|mut d| {
            accrual::settle(deps.storage, topic_id, &reputer, &mut d)
                .map(|_| d)
                .map_err(|e| StdError::generic_err(e.to_string()))
        })
        .transpose()?;
    let (amount, pending_rewards, counted_amount, pending_changes) = match settled {
        Some(d) => (d.current(), d.rewards, d.amount, d.pending),
        None => (Uint128::zero(), Uint128::zero(), Uint128::zero(), vec![]),
    };
    Ok(DelegationResponse {
        pending_undelegation: pending(
            deps,
            &delegator,
            topic_id,
            &reputer,
            RemovalKind::Delegation,
        )?,
        topic_id,
        reputer,
        delegator,
        amount,
        pending_rewards,
        counted_amount,
        pending_changes,
    })
}

pub fn delegation(
    deps: Deps,
    topic_id: u64,
    reputer: String,
    delegator: String,
) -> StdResult<DelegationResponse> {
    let reputer = deps.api.addr_validate(&reputer)?;
    let delegator = deps.api.addr_validate(&delegator)?;
    let d = DELEGATIONS.may_load(deps.storage, (&delegator, topic_id, &reputer))?;
    delegation_response(deps, delegator, topic_id, reputer, d)
}

pub fn delegations_by_delegator(
    deps: Deps,
    delegator: String,
    start_after: Option<DelegationCursor>,
    limit: Option<u32>,
) -> StdResult<DelegationsResponse> {
    let delegator = deps.api.addr_validate(&delegator)?;
    let cursor = start_after
        .map(|c| -> StdResult<(u64, Addr)> {
            Ok((c.topic_id, deps.api.addr_validate(&c.reputer)?))
        })
        .transpose()?;
    let min = cursor
        .as_ref()
        .map(|(topic_id, reputer)| Bound::exclusive((*topic_id, reputer)));
    let page: Vec<((u64, Addr), Delegation)> = DELEGATIONS
        .sub_prefix(&delegator)
        .range(deps.storage, min, None, Order::Ascending)
        .take(page_size(limit))
        .collect::<StdResult<_>>()?;
    let delegations = page
        .into_iter()
        .map(|((topic_id, reputer), d)| {
            delegation_response(deps, delegator.clone(), topic_id, reputer, Some(d))
        })
        .collect::<StdResult<Vec<_>>>()?;
    Ok(DelegationsResponse { delegations })
}

pub fn pending_removals(
    deps: Deps,
    start_after: Option<QueueCursor>,
    limit: Option<u32>,
) -> StdResult<RemovalsResponse> {
    let min = start_after.map(|c| Bound::exclusive((c.due_height, c.sequence)));
    let removals = QUEUE
        .range(deps.storage, min, None, Order::Ascending)
        .take(page_size(limit))
        .map(|item| item.map(|(_, r)| r))
        .collect::<StdResult<_>>()?;
    Ok(RemovalsResponse { removals })
}

pub fn due_removals(
    deps: Deps,
    env: Env,
    height: Option<u64>,
    limit: Option<u32>,
) -> StdResult<DueRemovalsResponse> {
    let height = height.unwrap_or(env.block.height);
    let size = page_size(limit);
    let mut removals: Vec<PendingRemoval> = QUEUE
        .range(
            deps.storage,
            None,
            Some(Bound::inclusive((height, u64::MAX))),
            Order::Ascending,
        )
        .take(size.saturating_add(1))
        .map(|item| item.map(|(_, r)| r))
        .collect::<StdResult<_>>()?;
    let more = removals.len() > size;
    removals.truncate(size);
    Ok(DueRemovalsResponse {
        height,
        removals,
        more,
    })
}

pub fn pool(deps: Deps, topic_id: u64, reputer: String) -> StdResult<PoolResponse> {
    let reputer = deps.api.addr_validate(&reputer)?;
    let pool = POOLS
        .may_load(deps.storage, (topic_id, &reputer))?
        .unwrap_or_default();
    let total_delegated = totals_at(deps, topic_id, &reputer, None)?.delegated;
    Ok(PoolResponse {
        topic_id,
        reputer,
        total_delegated,
        reward_per_share: pool.reward_per_share,
        last_deposit_snapshot: LAST_DEPOSIT_SNAPSHOT.may_load(deps.storage, topic_id)?,
    })
}

pub fn totals(deps: Deps) -> StdResult<TotalsResponse> {
    Ok(TotalsResponse {
        total_staked: TOTAL_STAKED.may_load(deps.storage)?.unwrap_or_default(),
        reward_funds: REWARD_FUNDS.may_load(deps.storage)?.unwrap_or_default(),
    })
}
