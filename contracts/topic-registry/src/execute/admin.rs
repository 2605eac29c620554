//! Instantiation and the admin's messages: global parameters, the fee-vault address,
//! whitelists and the cw-ownable two-step admin transfer.

use cosmwasm_std::{Addr, DepsMut, Empty, Env, MessageInfo, Response, Storage};
use nous_types::funds::denom_label;
use nous_types::pagination::MAX_LIMIT;
use nous_types::topic_registry::{GlobalParams, InstantiateMsg, WhitelistFlags, WhitelistKind};

use crate::contract::{CONTRACT_NAME, CONTRACT_VERSION};
use crate::state::{Config, CONFIG, NEXT_TOPIC_ID, PARAMS, WHITELISTS};
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

/// `address` passes `list` when the list is off or the address is on it.
pub fn assert_whitelisted(
    storage: &dyn Storage,
    flags: &WhitelistFlags,
    list: WhitelistKind,
    address: &Addr,
) -> Result<(), ContractError> {
    if flags.is_enabled(list) && !WHITELISTS.has(storage, (list.as_str(), address)) {
        return Err(ContractError::NotWhitelisted {
            list: list.as_str().to_string(),
            address: address.to_string(),
        });
    }
    Ok(())
}

/// Admin: replace the global parameters after validating the whole set; the token's
/// decimals cannot change (every stored amount is in base units of that token). Existing
/// topics keep their parameters (they were valid when set; the next update re-validates
/// them).
pub fn update_params(
    deps: DepsMut,
    info: MessageInfo,
    params: GlobalParams,
) -> Result<Response, ContractError> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    params.validate()?;
    let decimals = PARAMS.load(deps.storage)?.token_decimals;
    if params.token_decimals != decimals {
        return Err(ContractError::TokenDecimalsFixed {
            decimals,
            got: params.token_decimals,
        });
    }
    PARAMS.save(deps.storage, &params)?;
    Ok(Response::new()
        .add_attribute("action", "update_params")
        .add_attribute("create_topic_fee", params.registry.create_topic_fee)
        .add_attribute("registration_fee", params.registry.registration_fee))
}

/// Admin: set or change the fee-vault; set the synthesis contract (once: the copies of
/// registrations it holds are kept current only while the registry tells it of changes).
pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    fee_vault: Option<String>,
    synthesis: Option<String>,
) -> Result<Response, ContractError> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    if fee_vault.is_none() && synthesis.is_none() {
        return Err(ContractError::NothingToUpdate {});
    }
    let mut config = CONFIG.load(deps.storage)?;
    let mut response = Response::new().add_attribute("action", "update_config");
    if let Some(vault) = fee_vault {
        let vault = deps.api.addr_validate(&vault)?;
        response = response.add_attribute("fee_vault", vault.as_str());
        config.fee_vault = Some(vault);
    }
    if let Some(synthesis) = synthesis {
        if let Some(current) = config.synthesis {
            return Err(ContractError::SynthesisAlreadySet {
                synthesis: current.to_string(),
            });
        }
        let synthesis = deps.api.addr_validate(&synthesis)?;
        response = response.add_attribute("synthesis", synthesis.as_str());
        config.synthesis = Some(synthesis);
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(response)
}

/// Admin: add then remove addresses (at most `MAX_LIMIT` changes per message, so the
/// message's gas stays bounded).
pub fn update_whitelist(
    deps: DepsMut,
    info: MessageInfo,
    list: WhitelistKind,
    add: Vec<String>,
    remove: Vec<String>,
) -> Result<Response, ContractError> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let changes = (add.len() as u64).saturating_add(remove.len() as u64);
    if changes == 0 {
        return Err(ContractError::NothingToUpdate {});
    }
    if changes > u64::from(MAX_LIMIT) {
        return Err(ContractError::TooManyWhitelistChanges {
            max: MAX_LIMIT,
            got: changes,
        });
    }
    // Validate everything before writing anything.
    let add = add
        .iter()
        .map(|a| deps.api.addr_validate(a))
        .collect::<Result<Vec<_>, _>>()?;
    let remove = remove
        .iter()
        .map(|a| deps.api.addr_validate(a))
        .collect::<Result<Vec<_>, _>>()?;
    for a in &add {
        WHITELISTS.save(deps.storage, (list.as_str(), a), &Empty {})?;
    }
    for a in &remove {
        WHITELISTS.remove(deps.storage, (list.as_str(), a));
    }
    let join = |v: &[Addr]| v.iter().map(Addr::as_str).collect::<Vec<_>>().join(",");
    Ok(Response::new()
        .add_attribute("action", "update_whitelist")
        .add_attribute("list", list.as_str())
        .add_attribute("added", join(&add))
        .add_attribute("removed", join(&remove)))
}

/// Admin: switch a whitelist on or off (idempotent).
pub fn set_whitelist_enabled(
    deps: DepsMut,
    info: MessageInfo,
    list: WhitelistKind,
    enabled: bool,
) -> Result<Response, ContractError> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    CONFIG.update(deps.storage, |mut c| -> Result<_, ContractError> {
        c.whitelists_enabled.set(list, enabled);
        Ok(c)
    })?;
    Ok(Response::new()
        .add_attribute("action", "set_whitelist_enabled")
        .add_attribute("list", list.as_str())
        .add_attribute("enabled", enabled.to_string()))
}

/// cw-ownable's two-step admin transfer (propose / accept / renounce).
pub fn update_ownership(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    action: cw_ownable::Action,
) -> Result<Response, ContractError> {
    let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)?;
    Ok(Response::new()
        .add_attribute("action", "update_ownership")
        .add_attributes(ownership.into_attributes()))
}
