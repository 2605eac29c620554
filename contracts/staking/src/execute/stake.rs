//! Reputer self-stake.

use cosmwasm_std::{Addr, DepsMut, Env, Response, Uint128};
use nous_types::staking::RemovalKind;
use nous_types::topic_registry::{Role, TopicRegistryContract};

use crate::execute::change_stake;
use crate::state::{CONFIG, STAKES};
use crate::ContractError;

/// A registered reputer (operator key `staker`) adds `amount` of self-stake in a topic.
pub fn add_stake(
    deps: DepsMut,
    env: Env,
    staker: Addr,
    amount: Uint128,
    topic_id: u64,
) -> Result<Response, ContractError> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let config = CONFIG.load(deps.storage)?;
    let registry = TopicRegistryContract(config.registry);
    if registry
        .registration(&deps.querier, topic_id, Role::Reputer, &staker)?
        .is_none()
    {
        return Err(ContractError::NotRegisteredReputer {
            topic_id,
            address: staker,
        });
    }
    let required = registry
        .staking_params(&deps.querier)?
        .required_minimum_stake;
    let current = STAKES
        .may_load(deps.storage, (topic_id, &staker))?
        .unwrap_or_default()
        .self_stake;
    let resulting = current.checked_add(amount)?;
    if resulting < required {
        return Err(ContractError::BelowMinimumStake {
            required,
            resulting,
        });
    }
    let totals = change_stake(
        deps.storage,
        env.block.height,
        topic_id,
        &staker,
        RemovalKind::SelfStake,
        amount,
        true,
    )?;
    Ok(Response::new()
        .add_attribute("action", "add_stake")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("address", staker.as_str())
        .add_attribute("amount", amount)
        .add_attribute("self_stake", totals.self_stake))
}
