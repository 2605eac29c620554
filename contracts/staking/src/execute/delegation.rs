//! Delegation and the delegators' reward claims. Claims never query the registry, so a
//! delegator can claim whatever its reputer's status.

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, Uint128};
use nous_types::funds::transfer_msg;
use nous_types::staking::RemovalKind;
use nous_types::topic_registry::{Role, TopicRegistryContract};

use crate::accrual;
use crate::ledger::{change_stake, load_pending, store_delegation};
use crate::rewards::{check_room, new_delegation, record_change};
use crate::state::{CONFIG, DELEGATIONS, POOLS, REWARD_FUNDS};
use crate::ContractError;

/// `delegator` delegates `amount` (at least `min_delegation`) to a registered reputer of
/// a topic. It counts for stake snapshots after this block, and so for their rewards.
pub fn delegate(
    deps: DepsMut,
    env: Env,
    delegator: Addr,
    amount: Uint128,
    topic_id: u64,
    reputer: String,
) -> Result<Response, ContractError> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let reputer = deps.api.addr_validate(&reputer)?;
    if reputer == delegator {
        return Err(ContractError::SelfDelegation {});
    }
    let config = CONFIG.load(deps.storage)?;
    if amount < config.min_delegation {
        return Err(ContractError::BelowMinimumDelegation {
            minimum: config.min_delegation,
            amount,
        });
    }
    if TopicRegistryContract(config.registry)
        .registration(&deps.querier, topic_id, Role::Reputer, &reputer)?
        .is_none()
    {
        return Err(ContractError::NotRegisteredReputer {
            topic_id,
            address: reputer,
        });
    }
    let key = (&delegator, topic_id, &reputer);
    let mut delegation = match DELEGATIONS.may_load(deps.storage, key)? {
        Some(d) => d,
        None => {
            let pool = POOLS
                .may_load(deps.storage, (topic_id, &reputer))?
                .unwrap_or_default();
            new_delegation(&pool)
        }
    };
    accrual::settle(deps.storage, topic_id, &reputer, &mut delegation)?;
    // Keep room for the payouts that must stay possible: a whole-position exit, and the
    // payout of a pending undelegation.
    let removal_pending = load_pending(
        deps.storage,
        &delegator,
        topic_id,
        &reputer,
        RemovalKind::Delegation,
    )?
    .is_some();
    let height = env.block.height;
    check_room(&delegation, Some(height), 1 + u32::from(removal_pending))?;
    let now = delegation.current().checked_add(amount)?;
    record_change(&mut delegation, height, now);
    DELEGATIONS.save(deps.storage, key, &delegation)?;
    let totals = change_stake(
        deps.storage,
        height,
        topic_id,
        &reputer,
        RemovalKind::Delegation,
        amount,
        true,
    )?;
    Ok(Response::new()
        .add_attribute("action", "delegate")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("address", delegator.as_str())
        .add_attribute("reputer", reputer.as_str())
        .add_attribute("amount", amount)
        .add_attribute("delegation", now)
        .add_attribute("delegated", totals.delegated)
        .add_attribute("counted_from_height", height.saturating_add(1).to_string()))
}

/// The sender claims its rewards from the (topic, reputer) pool.
pub fn claim(
    mut deps: DepsMut,
    info: MessageInfo,
    topic_id: u64,
    reputer: String,
) -> Result<Response, ContractError> {
    let reputer = deps.api.addr_validate(&reputer)?;
    let delegator = info.sender;
    let mut delegation = DELEGATIONS
        .may_load(deps.storage, (&delegator, topic_id, &reputer))?
        .ok_or_else(|| ContractError::NoDelegation {
            topic_id,
            reputer: reputer.clone(),
        })?;
    accrual::settle(deps.storage, topic_id, &reputer, &mut delegation)?;
    let amount = delegation.rewards;
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim {});
    }
    delegation.rewards = Uint128::zero();
    store_delegation(&mut deps, &delegator, topic_id, &reputer, &delegation)?;
    let funds = REWARD_FUNDS.may_load(deps.storage)?.unwrap_or_default();
    REWARD_FUNDS.save(deps.storage, &funds.checked_sub(amount)?)?;
    let config = CONFIG.load(deps.storage)?;
    Ok(Response::new()
        .add_message(transfer_msg(&config.denom, &delegator, amount)?)
        .add_attribute("action", "claim_delegator_rewards")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("address", delegator.as_str())
        .add_attribute("reputer", reputer.as_str())
        .add_attribute("amount", amount))
}
