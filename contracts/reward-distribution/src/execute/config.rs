//! The owner's configuration changes.

use cosmwasm_std::{DepsMut, MessageInfo, Response};
use nous_types::reward_distribution::{EmissionParams, MAX_EPOCHS_PER_CALL, MAX_TOPICS_PER_CALL};

use crate::error::ContractError;
use crate::state::CONFIG;
use crate::validate::{validate_addr, validate_emission, validate_limit};

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    chain_security_recipient: Option<String>,
    emission: Option<EmissionParams>,
    max_epochs_per_call: Option<u32>,
    max_topics_per_call: Option<u32>,
) -> Result<Response, ContractError> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    if chain_security_recipient.is_none()
        && emission.is_none()
        && max_epochs_per_call.is_none()
        && max_topics_per_call.is_none()
    {
        return Err(ContractError::NothingToUpdate {});
    }
    let mut config = CONFIG.load(deps.storage)?;
    let mut res = Response::new().add_attribute("action", "update_config");
    if let Some(r) = chain_security_recipient {
        config.chain_security_recipient = validate_addr(deps.api, "chain_security_recipient", &r)?;
        res = res.add_attribute(
            "chain_security_recipient",
            config.chain_security_recipient.as_str(),
        );
    }
    if let Some(e) = emission {
        validate_emission(&e)?;
        config.emission = e;
        res = res.add_attribute("emission", "updated");
    }
    if let Some(n) = max_epochs_per_call {
        config.max_epochs_per_call = validate_limit("max_epochs_per_call", n, MAX_EPOCHS_PER_CALL)?;
        res = res.add_attribute("max_epochs_per_call", n.to_string());
    }
    if let Some(n) = max_topics_per_call {
        config.max_topics_per_call = validate_limit("max_topics_per_call", n, MAX_TOPICS_PER_CALL)?;
        res = res.add_attribute("max_topics_per_call", n.to_string());
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(res)
}
