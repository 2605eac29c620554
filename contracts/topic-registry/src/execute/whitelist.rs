//! The admin's whitelist changes: membership and on/off switches.

use cosmwasm_std::{Addr, DepsMut, Empty, MessageInfo, Response};
use nous_types::pagination::MAX_LIMIT;
use nous_types::topic_registry::WhitelistKind;

use crate::state::{CONFIG, WHITELISTS};
use crate::ContractError;

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
