//! Instantiation: owner, token, optional fee-vault, whitelists and the validated global
//! parameters; the first topic id is 1.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response};
use nous_types::funds::denom_label;
use nous_types::topic_registry::InstantiateMsg;

use crate::state::{Config, CONFIG, CONTRACT_NAME, CONTRACT_VERSION, NEXT_TOPIC_ID, PARAMS};
use crate::validation::validate_denom;
use crate::ContractError;

pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    let ownership = cw_ownable::initialize_owner(deps.storage, deps.api, Some(&owner))?;
    let denom = validate_denom(deps.api, &msg.denom)?;
    let fee_vault = msg
        .fee_vault
        .map(|v| deps.api.addr_validate(&v))
        .transpose()?;
    msg.params.validate()?;

    CONFIG.save(
        deps.storage,
        &Config {
            denom: denom.clone(),
            fee_vault: fee_vault.clone(),
            synthesis: None,
            whitelists_enabled: msg.whitelists_enabled,
        },
    )?;
    PARAMS.save(deps.storage, &msg.params)?;
    NEXT_TOPIC_ID.save(deps.storage, &1)?;

    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute(
            "owner",
            ownership.owner.map(String::from).unwrap_or_default(),
        )
        .add_attribute("denom", denom_label(&denom))
        .add_attribute("token_decimals", msg.params.token_decimals.to_string())
        .add_attribute("fee_vault", fee_vault.map(String::from).unwrap_or_default())
        .add_attribute(
            "whitelist_topic_creators",
            msg.whitelists_enabled.topic_creators.to_string(),
        )
        .add_attribute(
            "whitelist_workers",
            msg.whitelists_enabled.workers.to_string(),
        )
        .add_attribute(
            "whitelist_reputers",
            msg.whitelists_enabled.reputers.to_string(),
        ))
}
