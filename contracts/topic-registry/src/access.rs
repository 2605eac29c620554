//! Who may act: the optional whitelists of topic creators, workers and reputers.

use cosmwasm_std::{Addr, Storage};
use nous_types::topic_registry::{WhitelistFlags, WhitelistKind};

use crate::state::WHITELISTS;
use crate::ContractError;

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
