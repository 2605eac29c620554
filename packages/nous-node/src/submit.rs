//! Sending one transaction so that it happens at most once, and as reliably as the chain
//! allows:
//! - every signed version's hash is handed to the caller *before* it is broadcast (the
//!   roles write it to the state file), and the transaction carries a timeout height;
//! - an account-sequence mismatch is repaired by nous-rpc (it signs again with the
//!   sequence the node expects); when that keeps failing, the whole send is tried again
//!   after a backoff;
//! - a transaction that ran out of gas (included, failed, fee paid) is simulated and sent
//!   again with a 1.5x larger gas adjustment;
//! - a connection error before anything was signed is retried after a backoff; after a
//!   signature the result is *unknown*: the caller keeps the hash and looks it up
//!   ([`look_up`]) before it ever sends the action again;
//! - any other refusal is returned with its kind ([`Refusal`]).

use std::time::Duration;

use cosmwasm_std::Decimal;
use nous_chain::{Chain, ChainError, SendOptions, Tx, TxOutcome};

use crate::metrics::Metrics;
use crate::refusal::Refusal;

/// What the node's answers say. Their ABCI codes alone are ambiguous (wasmd's "execute
/// wasm contract failed" and the SDK's "insufficient funds" are both code 5, in two
/// codespaces the RPC answer does not carry), so the texts decide.
fn out_of_gas(log: &str) -> bool {
    log.contains("out of gas")
}
fn wrong_sequence(log: &str) -> bool {
    log.contains("account sequence mismatch")
        || log.contains("incorrect account sequence")
        || log.contains("kept changing")
}
fn mempool_full(log: &str) -> bool {
    log.contains("mempool is full")
}
fn already_in_mempool(log: &str) -> bool {
    log.contains("tx already in mempool") || log.contains("tx already exists in cache")
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub max_attempts: u32,
    /// The first backoff; doubled after each attempt.
    pub backoff: Duration,
    pub gas_adjustment: Decimal,
}

/// What became of a send.
#[derive(Clone, Debug, PartialEq)]
pub enum Sent {
    /// In a block, succeeded.
    Included(TxOutcome),
    /// Refused: by the simulation (nothing paid, `paid` is `None`) or in a block (`paid`:
    /// the failed transaction, its fee charged).
    Refused {
        refusal: Refusal,
        log: String,
        paid: Option<Box<TxOutcome>>,
    },
    /// Signed and perhaps broadcast; whether it will be included is not known.
    Unknown { hash: String },
    /// Nothing could be sent now (connection, repeated sequence errors): try later.
    Failed(String),
}

/// How `on_signed` is told about a signed version; its error stops the send before the
/// broadcast (a state file that cannot be written must not let a transaction out).
pub type OnSigned<'a> = &'a mut dyn FnMut(&str) -> Result<(), String>;

/// Sends `tx` (see the module documentation).
#[allow(clippy::too_many_arguments)]
pub fn send<C: Chain + ?Sized>(
    chain: &mut C,
    role: &str,
    tx: &Tx,
    timeout_height: u64,
    policy: &Policy,
    metrics: &Metrics,
    on_signed: OnSigned<'_>,
    pause: &mut dyn FnMut(Duration),
) -> Sent {
    let mut adjustment = policy.gas_adjustment;
    let mut backoff = policy.backoff;
    let mut last_error = String::from("no attempt");
    for attempt in 0..policy.max_attempts {
        if attempt > 0 {
            pause(backoff);
            backoff = backoff.saturating_mul(2);
        }
        let mut signed: Option<String> = None;
        let mut record_failure: Option<String> = None;
        let options = SendOptions {
            timeout_height,
            gas_adjustment: Some(adjustment),
        };
        let result = chain.execute_tracked(tx, &options, &mut |hash: &str| {
            if let Err(e) = on_signed(hash) {
                record_failure = Some(e.clone());
                return Err(ChainError::Other(format!("not sent: {e}")));
            }
            signed = Some(hash.to_string());
            Ok(())
        });
        match &result {
            Ok(o) => paid(metrics, role, o),
            Err(ChainError::TxFailed(o)) => paid(metrics, role, o),
            Err(_) => {}
        }
        if let Some(e) = record_failure {
            return Sent::Failed(format!(
                "the state file could not record the transaction: {e}"
            ));
        }
        match result {
            Ok(o) => return Sent::Included(o),
            Err(ChainError::TxFailed(o)) if out_of_gas(&o.log) => {
                metrics.inc("nous_node_retries_total", &[("reason", "out_of_gas")]);
                adjustment *= Decimal::percent(150);
                last_error = o.log.clone();
            }
            Err(ChainError::TxFailed(o)) => {
                return Sent::Refused {
                    refusal: Refusal::of(&o.log),
                    log: o.log.clone(),
                    paid: Some(o),
                }
            }
            Err(ChainError::NotIncluded { hash, .. }) => return Sent::Unknown { hash },
            Err(ChainError::Refused { log, .. }) if wrong_sequence(&log) => {
                metrics.inc("nous_node_retries_total", &[("reason", "sequence")]);
                last_error = log;
            }
            Err(ChainError::Refused { log, .. }) if mempool_full(&log) => {
                metrics.inc("nous_node_retries_total", &[("reason", "mempool_full")]);
                last_error = log;
            }
            // The same bytes are already in the mempool: it is in flight.
            Err(ChainError::Refused { log, .. })
                if already_in_mempool(&log) && signed.is_some() =>
            {
                return Sent::Unknown {
                    hash: signed.unwrap_or_default(),
                }
            }
            Err(ChainError::Refused { log, .. }) => {
                return Sent::Refused {
                    refusal: Refusal::of(&log),
                    log,
                    paid: None,
                }
            }
            Err(e @ (ChainError::NoKey(_) | ChainError::Encode(_))) => {
                return Sent::Failed(e.to_string())
            }
            // Connection, query and decoding errors: after a signature the transaction may
            // have left; before one, nothing did.
            Err(e) => {
                if let Some(hash) = signed {
                    return Sent::Unknown { hash };
                }
                metrics.inc("nous_node_retries_total", &[("reason", "connection")]);
                last_error = e.to_string();
            }
        }
    }
    Sent::Failed(format!(
        "gave up after {} attempts: {last_error}",
        policy.max_attempts
    ))
}

/// Counts the gas and fee of an included transaction (succeeded or failed).
pub fn paid(metrics: &Metrics, role: &str, o: &TxOutcome) {
    metrics.add(
        "nous_node_gas_used_total",
        &[("role", role)],
        u128::from(o.gas_used),
    );
    for c in &o.fee {
        metrics.add(
            "nous_node_fees_paid_total",
            &[("denom", c.denom.as_str())],
            c.amount.u128(),
        );
    }
}

/// What the chain says about a transaction whose result was unknown.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup {
    /// Included and succeeded.
    Landed(TxOutcome),
    /// Included and failed (its fee was paid).
    Failed(TxOutcome),
    /// Not found yet, and it may still be included.
    Pending,
    /// Not found, and the chain is past its timeout height: it never will be.
    Dropped,
}

/// Looks `hash` up. A transaction not found while the chain is at or below
/// `timeout_height + 1` (one block of margin for the node's transaction indexer) may still
/// appear.
pub fn look_up<C: Chain + ?Sized>(
    chain: &C,
    hash: &str,
    timeout_height: u64,
) -> Result<Lookup, ChainError> {
    Ok(match chain.find_tx(hash)? {
        Some(o) if o.is_ok() => Lookup::Landed(o),
        Some(o) => Lookup::Failed(o),
        None => {
            let height = chain.block()?.height;
            if timeout_height > 0 && height > timeout_height.saturating_add(1) {
                Lookup::Dropped
            } else {
                Lookup::Pending
            }
        }
    })
}
