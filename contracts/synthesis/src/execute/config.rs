//! The owner's configuration change.

use cosmwasm_std::{DepsMut, MessageInfo, Response};

use crate::error::ContractError;
use crate::state::CONFIG;

/// Owner: set the reward-distribution contract (source of the topic activity flag).
pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    reward_distribution: Option<String>,
) -> Result<Response, ContractError> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let mut config = CONFIG.load(deps.storage)?;
    let mut response = Response::new().add_attribute("action", "update_config");
    if let Some(addr) = reward_distribution {
        let addr = deps.api.addr_validate(&addr)?;
        response = response.add_attribute("reward_distribution", addr.as_str());
        config.reward_distribution = Some(addr);
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(response)
}
