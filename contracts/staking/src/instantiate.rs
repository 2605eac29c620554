//! Instantiation: the validated config, zero totals, the owner and the cw2 version.

use cosmwasm_std::{DepsMut, Response, Uint128};

use crate::execute::config;
use crate::msg::{Config, InstantiateMsg};
use crate::state::{
    CONFIG, CONTRACT_NAME, CONTRACT_VERSION, REMOVAL_SEQ, REWARD_FUNDS, TOTAL_STAKED,
};
use crate::ContractError;

pub fn instantiate(deps: DepsMut, msg: InstantiateMsg) -> Result<Response, ContractError> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let denom = match msg.denom {
        cw20::Denom::Cw20(token) => cw20::Denom::Cw20(deps.api.addr_validate(token.as_str())?),
        native => native,
    };
    let config = Config {
        denom,
        registry: deps.api.addr_validate(&msg.registry)?,
        reward_distributor: msg
            .reward_distributor
            .map(|d| deps.api.addr_validate(&d))
            .transpose()?,
        unbonding_blocks: msg.unbonding_blocks,
        max_removals_per_call: msg.max_removals_per_call,
        min_removal: msg.min_removal,
        min_delegation: msg.min_delegation,
    };
    config::validate(&config)?;
    CONFIG.save(deps.storage, &config)?;
    TOTAL_STAKED.save(deps.storage, &Uint128::zero())?;
    REWARD_FUNDS.save(deps.storage, &Uint128::zero())?;
    REMOVAL_SEQ.save(deps.storage, &0)?;
    let ownership = cw_ownable::initialize_owner(deps.storage, deps.api, msg.owner.as_deref())?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("registry", config.registry.as_str())
        .add_attribute("unbonding_blocks", config.unbonding_blocks.to_string())
        .add_attribute(
            "max_removals_per_call",
            config.max_removals_per_call.to_string(),
        )
        .add_attribute("min_removal", config.min_removal)
        .add_attribute("min_delegation", config.min_delegation)
        .add_attributes(ownership.into_attributes()))
}
