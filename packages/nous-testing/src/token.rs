//! [`TestToken`]: the suite's token in a test — a native denom or a cw20-base contract —
//! with the three things every test folder does with it: instantiate it, pay a contract in
//! it (coins attached, or a cw20 `Send` carrying the contract's hook message) and read a
//! balance.

use cosmwasm_std::{coins, to_json_binary, Addr, StdResult, Uint128};
use cw20::{Cw20Coin, Cw20ExecuteMsg, Denom, MinterResponse};
use cw_multi_test::AppResponse;
use serde::Serialize;

use crate::app::{AnyResult, SuiteApp};

#[derive(Clone, Debug, PartialEq)]
pub struct TestToken(pub Denom);

impl TestToken {
    pub fn native(denom: impl Into<String>) -> Self {
        TestToken(Denom::Native(denom.into()))
    }

    /// A new cw20-base token (`NOUS`, `decimals`) holding `balances`, `creator` its minter.
    pub fn cw20<A: SuiteApp>(
        app: &mut A,
        creator: &Addr,
        decimals: u8,
        balances: &[(Addr, u128)],
    ) -> AnyResult<Self> {
        let code = app.store_cw20_code(creator);
        let msg = cw20_base::msg::InstantiateMsg {
            name: "Nous token".into(),
            symbol: "NOUS".into(),
            decimals,
            initial_balances: balances
                .iter()
                .map(|(a, amount)| Cw20Coin {
                    address: a.to_string(),
                    amount: Uint128::new(*amount),
                })
                .collect(),
            mint: Some(MinterResponse {
                minter: creator.to_string(),
                cap: None,
            }),
            marketing: None,
        };
        let token =
            app.instantiate_raw(creator, code, to_json_binary(&msg)?, "nous-token", None)?;
        Ok(TestToken(Denom::Cw20(token)))
    }

    /// The cw20 contract, `None` for a native denom.
    pub fn cw20_addr(&self) -> Option<&Addr> {
        match &self.0 {
            Denom::Cw20(a) => Some(a),
            Denom::Native(_) => None,
        }
    }

    /// Runs `msg` on `contract` as `sender`, paying `amount`: coins attached (none when
    /// zero), or for a cw20 a `Send` of `amount` carrying `hook` (even of zero, which
    /// cw20-base refuses: tests of refusals rely on it).
    pub fn pay<A: SuiteApp, E: Serialize, R: Serialize>(
        &self,
        app: &mut A,
        sender: &Addr,
        contract: &Addr,
        amount: u128,
        msg: &E,
        hook: &R,
    ) -> AnyResult<AppResponse> {
        match &self.0 {
            Denom::Native(_) if amount == 0 => app.execute(sender, contract, msg, vec![]),
            Denom::Native(d) => app.execute(sender, contract, msg, coins(amount, d)),
            Denom::Cw20(token) => app.execute(
                sender,
                token,
                &Cw20ExecuteMsg::Send {
                    contract: contract.to_string(),
                    amount: Uint128::new(amount),
                    msg: to_json_binary(hook)?,
                },
                vec![],
            ),
        }
    }

    /// Creates `amount` in `to`'s account: a bank mint, or the cw20's `Mint` by `minter`.
    pub fn mint<A: SuiteApp>(
        &self,
        app: &mut A,
        minter: &Addr,
        to: &Addr,
        amount: u128,
    ) -> AnyResult<()> {
        if amount == 0 {
            return Ok(());
        }
        match &self.0 {
            Denom::Native(d) => app.mint_native(to, coins(amount, d)),
            Denom::Cw20(token) => app
                .execute(
                    minter,
                    token,
                    &Cw20ExecuteMsg::Mint {
                        recipient: to.to_string(),
                        amount: Uint128::new(amount),
                    },
                    vec![],
                )
                .map(|_| ()),
        }
    }

    /// `who`'s balance.
    pub fn balance<A: SuiteApp>(&self, app: &A, who: &Addr) -> StdResult<u128> {
        match &self.0 {
            Denom::Native(d) => app.native_balance(who, d),
            Denom::Cw20(token) => {
                let r: cw20::BalanceResponse = app.query(
                    token,
                    &cw20::Cw20QueryMsg::Balance {
                        address: who.to_string(),
                    },
                )?;
                Ok(r.balance.u128())
            }
        }
    }
}
