//! The admin's configuration: global parameters and the peer contracts' addresses.

use cosmwasm_std::{DepsMut, MessageInfo, Response};
use nous_types::topic_registry::GlobalParams;

use crate::state::{bump_params_version, CONFIG, PARAMS};
use crate::ContractError;

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
    let version = bump_params_version(deps.storage)?;
    Ok(Response::new()
        .add_attribute("action", "update_params")
        .add_attribute("params_version", version.to_string())
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
        // synthesis caches the vault (where payload fees go) with the parameters: a new
        // version makes it read them again
        let version = bump_params_version(deps.storage)?;
        response = response.add_attribute("params_version", version.to_string());
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
