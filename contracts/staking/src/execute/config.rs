//! Configuration: validated at instantiate and on every admin update.

use cosmwasm_std::{DepsMut, MessageInfo, Response, Uint128};
use nous_types::staking::Config;

use crate::state::CONFIG;
use crate::ContractError;

/// Refuses a configuration the contract cannot work with.
pub fn validate(config: &Config) -> Result<(), ContractError> {
    if config.unbonding_blocks == 0 {
        return Err(ContractError::ZeroUnbondingDelay {});
    }
    if config.max_removals_per_call == 0 {
        return Err(ContractError::ZeroRemovalCap {});
    }
    // Every new position is at least min_delegation >= min_removal, and a partial removal
    // leaves 0 or at least min_delegation: a removal below min_removal (allowed only for a
    // whole position) is then one of a position older than the configuration, never dust
    // a staker can create at will to fill the queue.
    if config.min_delegation.is_zero() || config.min_delegation < config.min_removal {
        return Err(ContractError::InvalidMinimumDelegation {
            min_delegation: config.min_delegation,
            min_removal: config.min_removal,
        });
    }
    Ok(())
}

/// The fields an `UpdateConfig` may change (`None`: keep).
pub struct Changes {
    pub registry: Option<String>,
    pub reward_distributor: Option<String>,
    pub unbonding_blocks: Option<u64>,
    pub max_removals_per_call: Option<u32>,
    pub min_removal: Option<Uint128>,
    pub min_delegation: Option<Uint128>,
}

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    changes: Changes,
) -> Result<Response, ContractError> {
    let Changes {
        registry,
        reward_distributor,
        unbonding_blocks,
        max_removals_per_call,
        min_removal,
        min_delegation,
    } = changes;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let mut config = CONFIG.load(deps.storage)?;
    if let Some(registry) = registry {
        config.registry = deps.api.addr_validate(&registry)?;
    }
    if let Some(distributor) = reward_distributor {
        config.reward_distributor = Some(deps.api.addr_validate(&distributor)?);
    }
    if let Some(blocks) = unbonding_blocks {
        config.unbonding_blocks = blocks;
    }
    if let Some(cap) = max_removals_per_call {
        config.max_removals_per_call = cap;
    }
    if let Some(min) = min_removal {
        config.min_removal = min;
    }
    if let Some(min) = min_delegation {
        config.min_delegation = min;
    }
    validate(&config)?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("registry", config.registry.as_str())
        .add_attribute(
            "reward_distributor",
            config
                .reward_distributor
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_else(|| "none".to_string()),
        )
        .add_attribute("unbonding_blocks", config.unbonding_blocks.to_string())
        .add_attribute(
            "max_removals_per_call",
            config.max_removals_per_call.to_string(),
        )
        .add_attribute("min_removal", config.min_removal)
        .add_attribute("min_delegation", config.min_delegation))
}
