//! Paying a suite contract in the suite's token: native coins attached to the execute
//! message, or for a cw20 deployment a cw20 `Send` to the contract carrying the contract's
//! `ReceiveMsg` hook.

use cosmwasm_std::{coins, to_json_binary, Addr, Uint128};
use cw20::{Cw20ExecuteMsg, Denom};
use serde::Serialize;

use crate::chain::{ChainError, Msg};

/// The message that runs `msg` on `contract` paying `amount` of `denom` (`receive_msg` is
/// the same call as a cw20 hook).
pub fn pay<E: Serialize, R: Serialize>(
    denom: &Denom,
    contract: &Addr,
    amount: u128,
    msg: &E,
    receive_msg: &R,
) -> Result<Msg, ChainError> {
    match denom {
        Denom::Native(d) => {
            let funds = if amount == 0 {
                vec![]
            } else {
                coins(amount, d)
            };
            Msg::execute(contract, msg, funds)
        }
        Denom::Cw20(token) => Msg::execute(
            token,
            &Cw20ExecuteMsg::Send {
                contract: contract.to_string(),
                amount: Uint128::new(amount),
                msg: to_json_binary(receive_msg).map_err(|e| ChainError::Encode(e.to_string()))?,
            },
            vec![],
        ),
    }
}
