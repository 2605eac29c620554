//! Turning a [`Tx`] into signed bytes: messages as protobuf `Any`s, the signer's account
//! number and sequence, SIGN_MODE_DIRECT signing and the simulation of the signed bytes.

use std::str::FromStr;

use cosmrs::cosmwasm::MsgExecuteContract;
use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use cosmrs::tx::{self, Fee, Msg as _, SignDoc, SignerInfo};
use cosmrs::{AccountId, Any};
use cosmwasm_std::{Addr, Attribute, Coin, Event};
use nous_chain::{ChainError, Msg, Tx, TxOutcome};

use super::RpcChain;

impl RpcChain {
    pub(super) fn account_id(&self, a: &Addr) -> Result<AccountId, ChainError> {
        AccountId::from_str(a.as_str()).map_err(|e| ChainError::Encode(format!("address {a}: {e}")))
    }

    pub(super) fn coins(&self, funds: &[Coin]) -> Result<Vec<cosmrs::Coin>, ChainError> {
        funds
            .iter()
            .map(|c| {
                Ok(cosmrs::Coin {
                    denom: c
                        .denom
                        .parse()
                        .map_err(|e| ChainError::Encode(format!("denom {}: {e}", c.denom)))?,
                    amount: c.amount.u128(),
                })
            })
            .collect()
    }

    pub(super) fn to_any(&self, sender: &Addr, m: &Msg) -> Result<Any, ChainError> {
        let sender_id = self.account_id(sender)?;
        let any = match m {
            Msg::Execute {
                contract,
                msg,
                funds,
            } => MsgExecuteContract {
                sender: sender_id,
                contract: self.account_id(contract)?,
                msg: msg.to_vec(),
                funds: self.coins(funds)?,
            }
            .to_any(),
            Msg::Send { to, amount } => cosmrs::bank::MsgSend {
                from_address: sender_id,
                to_address: self.account_id(to)?,
                amount: self.coins(amount)?,
            }
            .to_any(),
        };
        any.map_err(|e| ChainError::Encode(e.to_string()))
    }

    pub(super) fn tx_msgs(&self, tx: &Tx) -> Result<Vec<Any>, ChainError> {
        tx.msgs.iter().map(|m| self.to_any(&tx.sender, m)).collect()
    }

    /// (account number, next sequence) of `a`, from the node the first time.
    pub(super) fn account(&mut self, a: &Addr) -> Result<(u64, u64), ChainError> {
        if let Some(acc) = self.accounts.get(a) {
            return Ok(*acc);
        }
        let acc = self.read_account(a)?;
        self.accounts.insert(a.clone(), acc);
        Ok(acc)
    }

    pub(super) fn sign(
        &self,
        sender: &Addr,
        msgs: &[Any],
        (number, sequence): (u64, u64),
        gas: u64,
        timeout_height: u64,
    ) -> Result<(Vec<u8>, Vec<Coin>), ChainError> {
        let key = self
            .keys
            .get(sender)
            .ok_or_else(|| ChainError::NoKey(sender.to_string()))?;
        let price = &self.settings.gas_price;
        let amount = price.fee(gas);
        let fee_coin = cosmrs::Coin {
            denom: price
                .denom
                .parse()
                .map_err(|e| ChainError::Encode(format!("fee denom: {e}")))?,
            amount,
        };
        let timeout = u32::try_from(timeout_height)
            .map_err(|_| ChainError::Encode(format!("timeout height {timeout_height}")))?;
        let body = tx::Body::new(msgs.to_vec(), "", timeout);
        let auth = SignerInfo::single_direct(Some(key.public), sequence)
            .auth_info(Fee::from_amount_and_gas(fee_coin, gas));
        let chain_id = self
            .chain_id
            .parse()
            .map_err(|e| ChainError::Encode(format!("chain id: {e}")))?;
        let doc = SignDoc::new(&body, &auth, &chain_id, number)
            .map_err(|e| ChainError::Encode(e.to_string()))?;
        let raw = doc
            .sign(key.signing())
            .map_err(|e| ChainError::Encode(e.to_string()))?;
        let bytes = raw
            .to_bytes()
            .map_err(|e| ChainError::Encode(e.to_string()))?;
        let fee = if amount == 0 {
            vec![]
        } else {
            vec![Coin::new(amount, &price.denom)]
        };
        Ok((bytes, fee))
    }

    /// `msgs` signed with the fee they will really carry, simulated.
    pub(super) fn simulate_signed(
        &self,
        sender: &Addr,
        msgs: &[Any],
        account: (u64, u64),
        timeout_height: u64,
    ) -> Result<Result<SimulateResponse, (u32, String)>, ChainError> {
        // A provisional limit only sizes the fee; the fee's bytes barely change the gas.
        let (bytes, _) = self.sign(sender, msgs, account, 500_000, timeout_height)?;
        #[allow(deprecated)]
        let req = SimulateRequest {
            tx: None,
            tx_bytes: bytes,
        };
        let r: Result<SimulateResponse, _> = self
            .node
            .abci("/cosmos.tx.v1beta1.Service/Simulate", &req)?;
        Ok(r.map_err(|f| (f.code, f.log)))
    }
}

/// A simulation's gas and events as an outcome (no hash, height or fee).
pub(super) fn simulated(r: &SimulateResponse) -> TxOutcome {
    let (log, events) = match &r.result {
        Some(res) => (
            res.log.clone(),
            res.events
                .iter()
                .map(|e| {
                    let mut ev = Event::new(e.r#type.clone());
                    ev.attributes = e
                        .attributes
                        .iter()
                        .map(|a| Attribute {
                            key: a.key.clone(),
                            value: a.value.clone(),
                        })
                        .collect();
                    ev
                })
                .collect(),
        ),
        None => (String::new(), vec![]),
    };
    TxOutcome {
        gas_wanted: r.gas_info.as_ref().map_or(0, |g| g.gas_wanted),
        gas_used: r.gas_info.as_ref().map_or(0, |g| g.gas_used),
        log,
        events,
        ..TxOutcome::default()
    }
}

/// The sequence in "account sequence mismatch, expected 7, got 6".
pub(super) fn expected_sequence(log: &str) -> Option<u64> {
    let rest = &log[log.find("account sequence mismatch, expected ")? + 36..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_expected_sequence() {
        assert_eq!(
            expected_sequence(
                "account sequence mismatch, expected 7, got 6: incorrect account sequence"
            ),
            Some(7)
        );
        assert_eq!(expected_sequence("out of gas"), None);
    }
}
