//! Broadcasting signed transactions and waiting for blocks to include them; a stale
//! account sequence is repaired by signing again with the one the node expects.

use std::time::Instant;

use cosmrs::Any;
use cosmwasm_std::{Addr, Attribute, Checksum, Coin, Decimal, Event};
use nous_chain::{ChainError, OnSigned, TxOutcome};

use super::settings::gas_limit;
use super::sign::expected_sequence;
use super::RpcChain;

/// ABCI code of the SDK's "account sequence mismatch".
pub(super) const WRONG_SEQUENCE: u32 = 32;

/// A transaction accepted into the mempool, not yet seen in a block.
pub(super) struct Broadcast {
    hash: String,
    fee: Vec<Coin>,
}

/// How `broadcast` sends one transaction.
pub(super) struct Sending<'a> {
    /// A fixed gas limit, or `None`: simulate and multiply by `adjustment`.
    pub(super) gas: Option<u64>,
    pub(super) adjustment: Decimal,
    /// Last height of inclusion (0: none).
    pub(super) timeout_height: u64,
    /// Told each signed version's hash before it is broadcast.
    pub(super) on_signed: Option<OnSigned<'a>>,
}

impl RpcChain {
    /// The plain way to send: simulate, the default adjustment, no timeout, no tracking.
    pub(super) fn plain(&self, gas: Option<u64>) -> Sending<'static> {
        Sending {
            gas,
            adjustment: self.settings.gas_adjustment,
            timeout_height: 0,
            on_signed: None,
        }
    }

    /// Simulates (unless `gas` is given), signs and broadcasts; repairs a stale sequence.
    pub(super) fn broadcast(
        &mut self,
        sender: &Addr,
        msgs: &[Any],
        mut how: Sending<'_>,
    ) -> Result<Broadcast, ChainError> {
        let mut account = self.account(sender)?;
        for _ in 0..4 {
            let limit = match how.gas {
                Some(g) => g,
                None => match self.simulate_signed(sender, msgs, account, how.timeout_height)? {
                    Ok(r) => {
                        let used = r.gas_info.map(|g| g.gas_used).unwrap_or(0);
                        gas_limit(used, how.adjustment, self.settings.gas_headroom)
                    }
                    Err((_, log)) if expected_sequence(&log).is_some() => {
                        account.1 = expected_sequence(&log).unwrap_or(account.1);
                        continue;
                    }
                    Err((code, log)) => return Err(ChainError::Refused { code, log }),
                },
            };
            let (bytes, fee) = self.sign(sender, msgs, account, limit, how.timeout_height)?;
            let hash = Checksum::generate(&bytes).to_hex().to_uppercase();
            if let Some(tell) = how.on_signed.as_mut() {
                tell(&hash)?;
            }
            let r = self.node.broadcast_sync(bytes)?;
            let code = r.code.value();
            if code == 0 {
                self.accounts
                    .insert(sender.clone(), (account.0, account.1 + 1));
                return Ok(Broadcast { hash, fee });
            }
            if code == WRONG_SEQUENCE {
                account.1 = match expected_sequence(&r.log) {
                    Some(s) => s,
                    None => self.read_account(sender)?.1,
                };
                continue;
            }
            return Err(ChainError::Refused { code, log: r.log });
        }
        Err(ChainError::Refused {
            code: WRONG_SEQUENCE,
            log: format!("account sequence of {sender} kept changing"),
        })
    }

    pub(super) fn outcome(
        &self,
        r: &cosmrs::rpc::endpoint::tx::Response,
        fee: Vec<Coin>,
    ) -> TxOutcome {
        let res = &r.tx_result;
        TxOutcome {
            tx_bytes: r.tx.len() as u64,
            code: res.code.value(),
            log: res.log.clone(),
            height: r.height.value(),
            gas_wanted: u64::try_from(res.gas_wanted).unwrap_or(0),
            gas_used: u64::try_from(res.gas_used).unwrap_or(0),
            fee,
            hash: r.hash.to_string(),
            events: res
                .events
                .iter()
                .map(|e| {
                    let mut ev = Event::new(e.kind.clone());
                    // A struct literal: the chain's own keys start with '_', which
                    // `Attribute::new` reserves for contracts.
                    ev.attributes = e
                        .attributes
                        .iter()
                        .map(|a| Attribute {
                            key: a.key_str().unwrap_or_default().to_string(),
                            value: a.value_str().unwrap_or_default().to_string(),
                        })
                        .collect();
                    ev
                })
                .collect(),
        }
    }

    /// Waits until every broadcast transaction is in a block.
    pub(super) fn wait_all(
        &self,
        pending: Vec<Result<Broadcast, ChainError>>,
    ) -> Vec<Result<TxOutcome, ChainError>> {
        let started = Instant::now();
        let mut results: Vec<Option<Result<TxOutcome, ChainError>>> =
            pending.iter().map(|_| None).collect();
        for (i, p) in pending.iter().enumerate() {
            if let Err(e) = p {
                results[i] = Some(Err(e.clone()));
            }
        }
        while results.iter().any(Option::is_none) {
            for (i, p) in pending.iter().enumerate() {
                let (Ok(b), None) = (p, &results[i]) else {
                    continue;
                };
                match self.node.tx(&b.hash) {
                    Ok(Some(r)) => {
                        let o = self.outcome(&r, b.fee.clone());
                        results[i] = Some(if o.is_ok() {
                            Ok(o)
                        } else {
                            Err(ChainError::TxFailed(Box::new(o)))
                        });
                    }
                    Ok(None) => {}
                    Err(e) => results[i] = Some(Err(e)),
                }
            }
            if results.iter().all(Option::is_some) {
                break;
            }
            if started.elapsed() > self.settings.inclusion_timeout {
                for (i, p) in pending.iter().enumerate() {
                    if let (Ok(b), None) = (p, &results[i]) {
                        results[i] = Some(Err(ChainError::NotIncluded {
                            hash: b.hash.clone(),
                            waited_secs: started.elapsed().as_secs(),
                        }));
                    }
                }
                break;
            }
            self.node.sleep(self.settings.poll_interval);
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(ChainError::Other("no result".into()))))
            .collect()
    }

    pub(super) fn run(
        &mut self,
        sender: &Addr,
        msgs: Vec<Any>,
        how: Sending<'_>,
    ) -> Result<TxOutcome, ChainError> {
        let b = self.broadcast(sender, &msgs, how);
        self.wait_all(vec![b])
            .pop()
            .unwrap_or_else(|| Err(ChainError::Other("no result".into())))
    }
}
