//! Deposits of the delegators' share of reputer rewards (reward-distribution only).

use cosmwasm_std::{Addr, DepsMut, Env, Event, Response, Uint128};
use nous_types::staking::ReputerReward;

use crate::rewards::credit_pool;
use crate::state::{CONFIG, LAST_DEPOSIT_SNAPSHOT, POOLS, REWARD_FUNDS, RPS_HISTORY, STAKES};
use crate::ContractError;

/// `payer` (must be the reward distributor) paid `received`, which must equal the sum of
/// `rewards`. Each entry is credited to the delegations its snapshot counted (see
/// `crate::rewards`): its snapshot height is not in the future and not below the topic's
/// last deposit, and its delegated total is the one staking's own snapshot holds.
/// Costs one snapshot read and two writes per entry; no delegation is read.
pub fn deposit(
    deps: DepsMut,
    env: Env,
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

    let mut last = LAST_DEPOSIT_SNAPSHOT.may_load(deps.storage, topic_id)?;
    let mut events = Vec::with_capacity(rewards.len());
    for reward in rewards {
        let reputer = deps.api.addr_validate(&reward.reputer)?;
        let snapshot_height = reward.snapshot_height;
        if snapshot_height > env.block.height {
            return Err(ContractError::SnapshotInFuture {
                snapshot_height,
                height: env.block.height,
            });
        }
        if let Some(last) = last.filter(|l| *l > snapshot_height) {
            return Err(ContractError::DepositOutOfOrder {
                topic_id,
                last,
                snapshot_height,
            });
        }
        last = Some(snapshot_height);
        if reward.amount.is_zero() {
            continue;
        }
        let actual = STAKES
            .may_load_at_height(deps.storage, (topic_id, &reputer), snapshot_height)?
            .unwrap_or_default()
            .delegated;
        if actual != reward.delegated {
            return Err(ContractError::SnapshotMismatch {
                reputer,
                snapshot_height,
                claimed: reward.delegated,
                actual,
            });
        }
        if actual.is_zero() {
            return Err(ContractError::NoDelegationsAtSnapshot {
                reputer,
                snapshot_height,
                amount: reward.amount,
            });
        }
        let mut pool = POOLS
            .may_load(deps.storage, (topic_id, &reputer))?
            .unwrap_or_default();
        credit_pool(&mut pool, reward.amount, actual)?;
        POOLS.save(deps.storage, (topic_id, &reputer), &pool)?;
        RPS_HISTORY.save(
            deps.storage,
            (topic_id, &reputer, snapshot_height),
            &pool.reward_per_share,
        )?;
        events.push(
            Event::new("delegator_rewards_credited")
                .add_attribute("topic_id", topic_id.to_string())
                .add_attribute("reputer", reputer.as_str())
                .add_attribute("amount", reward.amount)
                .add_attribute("snapshot_height", snapshot_height.to_string())
                .add_attribute("total_delegated", actual)
                .add_attribute("reward_per_share", pool.reward_per_share.to_string()),
        );
    }
    if let Some(last) = last {
        LAST_DEPOSIT_SNAPSHOT.save(deps.storage, topic_id, &last)?;
    }
    let funds = REWARD_FUNDS.may_load(deps.storage)?.unwrap_or_default();
    REWARD_FUNDS.save(deps.storage, &funds.checked_add(expected)?)?;
    Ok(Response::new()
        .add_events(events)
        .add_attribute("action", "deposit_delegator_rewards")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("amount", expected))
}
