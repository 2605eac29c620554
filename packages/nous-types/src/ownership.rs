//! The `UpdateOwnership` arm every contract of the suite shares: cw-ownable's two-step
//! transfer (propose, accept, renounce), answered with the new ownership as attributes.
//! Written once here so that the six contracts handle it the same way.

use cosmwasm_std::{Addr, BlockInfo, DepsMut, Response};
use cw_ownable::{Action, OwnershipError};

/// Applies `action` for `sender`; the caller's funds policy runs before (no funds).
pub fn update_ownership(
    deps: DepsMut,
    block: &BlockInfo,
    sender: &Addr,
    action: Action,
) -> Result<Response, OwnershipError> {
    let ownership = cw_ownable::update_ownership(deps, block, sender, action)?;
    Ok(Response::new()
        .add_attribute("action", "update_ownership")
        .add_attributes(ownership.into_attributes()))
}
