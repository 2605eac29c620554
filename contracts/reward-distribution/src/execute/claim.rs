//! `Claim {}`: pay the sender what it may claim (state zeroed before the transfer).

use cosmwasm_std::{DepsMut, MessageInfo, Response};
use nous_types::funds::transfer_msg;

use crate::error::ContractError;
use crate::execute::ledger;
use crate::state::CONFIG;

pub fn claim(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let amount = ledger::take_claimable(deps.storage, deps.api, &info.sender)?;
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim {
            address: info.sender.to_string(),
        });
    }
    Ok(Response::new()
        .add_message(transfer_msg(&config.denom, &info.sender, amount)?)
        .add_attribute("action", "claim")
        .add_attribute("address", info.sender)
        .add_attribute("amount", amount))
}
