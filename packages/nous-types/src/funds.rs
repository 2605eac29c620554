//! The suite's one token, `cw20::Denom` (a native denom or a cw20 address), and the
//! payment rules every contract applies to it. A message pays either with attached native
//! coins or, for a cw20 deployment, through `Receive` (cw20 `Send` with a hook message).

use cosmwasm_std::{
    to_json_binary, Addr, BankMsg, Coin, CosmosMsg, MessageInfo, StdResult, Uint128, WasmMsg,
};
use cw20::{Cw20ExecuteMsg, Cw20ReceiveMsg, Denom};
use serde::Serialize;
use thiserror::Error;

/// Who paid how much of the suite's token for the current message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub payer: Addr,
    pub amount: Uint128,
}

#[derive(Error, Debug, PartialEq, Eq)]
pub enum PaymentError {
    #[error("this message accepts no funds")]
    UnexpectedFunds {},

    #[error("wrong denomination: expected {expected}, got {got}")]
    WrongDenom { expected: String, got: String },

    #[error("send exactly one coin of {expected}")]
    MultipleDenoms { expected: String },

    #[error("no funds sent: expected {expected}")]
    NoFunds { expected: String },

    #[error("this deployment uses the cw20 token {token}: pay with cw20 Send")]
    UseCw20Send { token: String },

    #[error("this deployment uses the native denom {denom}: attach the coins instead")]
    UseNativeFunds { denom: String },

    #[error("cw20 hook from {got}, but the accepted token is {expected}")]
    WrongCw20Token { expected: String, got: String },
}

/// Human-readable form of a denom for errors and events.
pub fn denom_label(denom: &Denom) -> String {
    match denom {
        Denom::Native(d) => d.clone(),
        Denom::Cw20(a) => a.to_string(),
    }
}

/// The message must carry no native coins.
pub fn nonpayable(info: &MessageInfo) -> Result<(), PaymentError> {
    if info.funds.is_empty() {
        Ok(())
    } else {
        Err(PaymentError::UnexpectedFunds {})
    }
}

/// Native coins attached to `info`, which must be exactly one coin of the suite's denom.
/// `Ok(0)` when nothing was attached (callers decide whether zero is acceptable).
pub fn native_payment(info: &MessageInfo, denom: &Denom) -> Result<Uint128, PaymentError> {
    let expected = match denom {
        Denom::Native(d) => d,
        Denom::Cw20(token) => {
            return if info.funds.is_empty() {
                Ok(Uint128::zero())
            } else {
                Err(PaymentError::UseCw20Send {
                    token: token.to_string(),
                })
            }
        }
    };
    match info.funds.as_slice() {
        [] => Ok(Uint128::zero()),
        [Coin { denom, amount }] if denom == expected => Ok(*amount),
        [Coin { denom, .. }] => Err(PaymentError::WrongDenom {
            expected: expected.clone(),
            got: denom.clone(),
        }),
        _ => Err(PaymentError::MultipleDenoms {
            expected: expected.clone(),
        }),
    }
}

/// Like [`native_payment`] but the payment must be non-zero.
pub fn must_pay(info: &MessageInfo, denom: &Denom) -> Result<Payment, PaymentError> {
    let amount = native_payment(info, denom)?;
    if amount.is_zero() {
        return Err(match denom {
            Denom::Native(d) => PaymentError::NoFunds {
                expected: d.clone(),
            },
            Denom::Cw20(t) => PaymentError::UseCw20Send {
                token: t.to_string(),
            },
        });
    }
    Ok(Payment {
        payer: info.sender.clone(),
        amount,
    })
}

/// The payment carried by a cw20 `Receive` hook: the calling contract must be the suite's
/// cw20 token, and no native coins may ride along.
pub fn cw20_payment(
    info: &MessageInfo,
    denom: &Denom,
    wrapper: &Cw20ReceiveMsg,
) -> Result<Payment, PaymentError> {
    nonpayable(info)?;
    match denom {
        Denom::Cw20(token) if *token == info.sender => Ok(Payment {
            payer: Addr::unchecked(wrapper.sender.clone()),
            amount: wrapper.amount,
        }),
        Denom::Cw20(token) => Err(PaymentError::WrongCw20Token {
            expected: token.to_string(),
            got: info.sender.to_string(),
        }),
        Denom::Native(d) => Err(PaymentError::UseNativeFunds { denom: d.clone() }),
    }
}

/// A plain transfer of `amount` of the suite's token to `recipient`.
pub fn transfer_msg(denom: &Denom, recipient: &Addr, amount: Uint128) -> StdResult<CosmosMsg> {
    Ok(match denom {
        Denom::Native(d) => BankMsg::Send {
            to_address: recipient.to_string(),
            amount: vec![Coin::new(amount, d.clone())],
        }
        .into(),
        Denom::Cw20(token) => WasmMsg::Execute {
            contract_addr: token.to_string(),
            msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
                recipient: recipient.to_string(),
                amount,
            })?,
            funds: vec![],
        }
        .into(),
    })
}

/// Calls `contract` while paying it `amount` of the suite's token: for a native denom the
/// coins ride on `execute_msg`; for a cw20 token a `Send` delivers `receive_msg` to the
/// contract's `Receive` hook. A zero amount calls `execute_msg` with no funds (banks and
/// cw20 tokens both refuse zero transfers).
pub fn pay_contract_msg<E: Serialize, R: Serialize>(
    denom: &Denom,
    contract: &Addr,
    amount: Uint128,
    execute_msg: &E,
    receive_msg: &R,
) -> StdResult<CosmosMsg> {
    if amount.is_zero() {
        return Ok(WasmMsg::Execute {
            contract_addr: contract.to_string(),
            msg: to_json_binary(execute_msg)?,
            funds: vec![],
        }
        .into());
    }
    Ok(match denom {
        Denom::Native(d) => WasmMsg::Execute {
            contract_addr: contract.to_string(),
            msg: to_json_binary(execute_msg)?,
            funds: vec![Coin::new(amount, d.clone())],
        }
        .into(),
        Denom::Cw20(token) => WasmMsg::Execute {
            contract_addr: token.to_string(),
            msg: to_json_binary(&Cw20ExecuteMsg::Send {
                contract: contract.to_string(),
                amount,
                msg: to_json_binary(receive_msg)?,
            })?,
            funds: vec![],
        }
        .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::message_info;
    use cosmwasm_std::{coin, coins};

    fn native() -> Denom {
        Denom::Native("unous".into())
    }

    #[test]
    fn native_payment_accepts_one_coin_of_the_denom() {
        let who = Addr::unchecked("a");
        assert_eq!(
            native_payment(&message_info(&who, &coins(5, "unous")), &native()),
            Ok(Uint128::new(5))
        );
        assert_eq!(
            native_payment(&message_info(&who, &[]), &native()),
            Ok(Uint128::zero())
        );
        assert!(matches!(
            native_payment(&message_info(&who, &coins(5, "uatom")), &native()),
            Err(PaymentError::WrongDenom { .. })
        ));
        assert!(matches!(
            native_payment(
                &message_info(&who, &[coin(1, "unous"), coin(1, "uatom")]),
                &native()
            ),
            Err(PaymentError::MultipleDenoms { .. })
        ));
        assert!(matches!(
            must_pay(&message_info(&who, &[]), &native()),
            Err(PaymentError::NoFunds { .. })
        ));
    }

    #[test]
    fn cw20_payment_checks_the_token() {
        let token = Addr::unchecked("token");
        let denom = Denom::Cw20(token.clone());
        let hook = Cw20ReceiveMsg {
            sender: "alice".into(),
            amount: Uint128::new(7),
            msg: Default::default(),
        };
        let p = cw20_payment(&message_info(&token, &[]), &denom, &hook).unwrap();
        assert_eq!(p.amount, Uint128::new(7));
        assert_eq!(p.payer, Addr::unchecked("alice"));
        assert!(matches!(
            cw20_payment(&message_info(&Addr::unchecked("other"), &[]), &denom, &hook),
            Err(PaymentError::WrongCw20Token { .. })
        ));
        assert!(matches!(
            cw20_payment(&message_info(&token, &[]), &native(), &hook),
            Err(PaymentError::UseNativeFunds { .. })
        ));
        assert!(matches!(
            native_payment(&message_info(&token, &coins(1, "unous")), &denom),
            Err(PaymentError::UseCw20Send { .. })
        ));
    }
}
