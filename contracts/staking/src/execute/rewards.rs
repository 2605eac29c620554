//! Deposits of the delegators' share of reputer rewards (reward-distribution only).

use cosmwasm_std::{Addr, DepsMut, Event, Response, Uint128};
use nous_types::staking::ReputerReward;

use crate::rewards::credit_pool;
use crate::state::{CONFIG, POOLS, REWARD_FUNDS, STAKES};
use crate::ContractError;

/// `payer` (must be the reward distributor) paid `received`, which must equal the sum of
/// `rewards`; each amount is credited to the (topic, reputer) pool's reward-per-share.
pub fn deposit(
    deps: DepsMut,
    payer: Addr,
    received: Uint128,
    topic_id: u64,
    rewards: Vec<ReputerReward>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    match &config.reward_distributor {
        None => return Err(ContractError::RewardDistributorNotSet {}),
        Some(distributor) if *distributor != payer => {
            return Err(ContractError::NotRewardDistributor { sender: payer })
        }
        Some(_) => {}
    }
    let mut expected = Uint128::zero();
    for reward in &rewards {
        expected = expected.checked_add(reward.amount)?;
    }
    if expected != received {
        return Err(ContractError::RewardFundsMismatch { expected, received });
    }

    let mut events = Vec::with_capacity(rewards.len());
    for reward in rewards {
        let reputer = deps.api.addr_validate(&reward.reputer)?;
        if reward.amount.is_zero() {
            continue;
        }
        let delegated = STAKES
            .may_load(deps.storage, (topic_id, &reputer))?
            .unwrap_or_default()
            .delegated;
        let mut pool = POOLS
            .may_load(deps.storage, (topic_id, &reputer))?
            .unwrap_or_default();
        credit_pool(&mut pool, reward.amount, delegated)?;
        POOLS.save(deps.storage, (topic_id, &reputer), &pool)?;
        events.push(
            Event::new("delegator_rewards_credited")
                .add_attribute("topic_id", topic_id.to_string())
                .add_attribute("reputer", reputer.as_str())
                .add_attribute("amount", reward.amount)
                .add_attribute("total_delegated", delegated)
                .add_attribute("reward_per_share", pool.reward_per_share.to_string())
                .add_attribute("undistributed", pool.undistributed),
        );
    }
    let funds = REWARD_FUNDS.may_load(deps.storage)?.unwrap_or_default();
    REWARD_FUNDS.save(deps.storage, &funds.checked_add(expected)?)?;
    Ok(Response::new()
        .add_events(events)
        .add_attribute("action", "deposit_delegator_rewards")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("amount", expected))
}
