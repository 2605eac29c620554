//! Instantiation: the owner (the sender unless named), the peer contracts and the cw2
//! version.

use cosmwasm_std::{DepsMut, MessageInfo, Response};

use crate::error::ContractError;
use crate::msg::InstantiateMsg;
use crate::state::{Config, CONFIG, CONTRACT_NAME, CONTRACT_VERSION};

pub fn instantiate(
    deps: DepsMut,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(&owner))?;
    let config = Config {
        topic_registry: deps.api.addr_validate(&msg.topic_registry)?,
        staking: deps.api.addr_validate(&msg.staking)?,
        reward_distribution: None,
    };
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", owner)
        .add_attribute("topic_registry", config.topic_registry)
        .add_attribute("staking", config.staking))
}
