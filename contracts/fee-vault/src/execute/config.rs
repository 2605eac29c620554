//! The owner's configuration changes.

use cosmwasm_std::{DepsMut, MessageInfo, Response, Uint128};
use nous_types::fee_vault::Config;

use crate::state::CONFIG;
use crate::ContractError;

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    mut config: Config,
    registry: Option<String>,
    reward_distributor: Option<String>,
    read_fee: Option<Uint128>,
) -> Result<Response, ContractError> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    if let Some(registry) = registry {
        config.registry = deps.api.addr_validate(&registry)?;
    }
    if let Some(distributor) = reward_distributor {
        config.reward_distributor = Some(deps.api.addr_validate(&distributor)?);
    }
    if let Some(fee) = read_fee {
        config.read_fee = fee;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("registry", config.registry.as_str())
        .add_attribute(
            "reward_distributor",
            config
                .reward_distributor
                .as_ref()
                .map_or("none", |a| a.as_str()),
        )
        .add_attribute("read_fee", config.read_fee))
}
