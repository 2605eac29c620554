//! Instantiation: the guards (at least one, each topic once), the history limit, the
//! peers and the cw2 version.

use std::collections::BTreeSet;

use cosmwasm_std::{DepsMut, Response};

use crate::msg::{Config, InstantiateMsg, DEFAULT_HISTORY_LIMIT, MAX_GUARDS, MAX_HISTORY_LIMIT};
use crate::state::{CONFIG, CONTRACT_NAME, CONTRACT_VERSION};
use crate::ContractError;

pub fn instantiate(deps: DepsMut, msg: InstantiateMsg) -> Result<Response, ContractError> {
    if msg.guards.is_empty() {
        return Err(ContractError::NoGuards {});
    }
    if msg.guards.len() > MAX_GUARDS as usize {
        return Err(ContractError::TooManyGuards { max: MAX_GUARDS });
    }
    let mut seen = BTreeSet::new();
    if let Some(g) = msg.guards.iter().find(|g| !seen.insert(g.topic_id)) {
        return Err(ContractError::DuplicateGuard {
            topic_id: g.topic_id,
        });
    }
    let history_limit = msg.history_limit.unwrap_or(DEFAULT_HISTORY_LIMIT);
    if history_limit == 0 || history_limit > MAX_HISTORY_LIMIT {
        return Err(ContractError::InvalidHistoryLimit {
            limit: history_limit,
            max: MAX_HISTORY_LIMIT,
        });
    }
    let config = Config {
        fee_vault: deps.api.addr_validate(&msg.fee_vault)?,
        synthesis: deps.api.addr_validate(&msg.synthesis)?,
        guards: msg.guards,
        max_age: msg.max_age,
        history_limit,
    };
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    CONFIG.save(deps.storage, &config)?;
    let topic_ids: Vec<String> = config
        .guards
        .iter()
        .map(|g| g.topic_id.to_string())
        .collect();
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("fee_vault", config.fee_vault.as_str())
        .add_attribute("synthesis", config.synthesis.as_str())
        .add_attribute("topic_ids", topic_ids.join(","))
        .add_attribute("max_age", config.max_age.to_string())
        .add_attribute("history_limit", config.history_limit.to_string()))
}
