//! What every role works with: the chain, the suite, the key's address, the state file,
//! metrics, logs and sources, and the two ways to send a transaction — for a nonce (its
//! hash recorded in the state file before it leaves) or for an operation whose effect the
//! chain shows (registration, stake, keeper cranks).

use std::time::Duration;

use cosmwasm_std::Addr;
use nous_chain::{Chain, Msg, Tx};
use nous_rpc::GasPrice;
use serde_json::json;

use crate::log::Logger;
use crate::metrics::Metrics;
use crate::refusal::Refusal;
use crate::reveal::{SaltKey, SALT_BYTES};
use crate::source::Sources;
use crate::state::{NonceState, StateFile};
use crate::submit::{self, look_up, Lookup, Policy, Sent};
use crate::suite::Suite;

pub struct Ctx<C: Chain> {
    pub chain: C,
    pub suite: Suite,
    /// The key's address: the operator of every registration.
    pub me: Addr,
    pub gas_price: GasPrice,
    pub state: StateFile,
    pub metrics: Metrics,
    pub log: Logger,
    pub sources: Sources,
    pub policy: Policy,
    /// A transaction's timeout height is at most this many blocks after it is signed.
    pub timeout_blocks: u64,
    /// Recent nonces in a worker's context.
    pub history: u32,
    /// The chain's block gas limit, if it has one.
    pub block_gas: Option<u64>,
    /// Waits (backoff, polling); tests replace it.
    pub pause: Box<dyn FnMut(Duration)>,
    /// The secret of commit–reveal salts, derived from the key (src/reveal.rs).
    pub salt_key: SaltKey,
}

/// What a tracked transaction puts on the chain: the `kind` label of
/// `nous_node_submissions_total`.
pub const KIND_PAYLOAD: &str = "payload";
pub const KIND_BUNDLE: &str = "bundle";
/// Commit–reveal topics: the commitment (worker window) and the reveal (reveal window),
/// which is the payload's arrival.
pub const KIND_COMMITMENT: &str = "commitment";
pub const KIND_REVEAL: &str = "reveal";

/// What to do with a nonce whose transaction was in flight.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Nothing more for this nonce (included, or refused for good).
    Done,
    /// Its transaction may still be included: look again later.
    Wait,
    /// It will not be included: the nonce may be submitted (after the on-chain check).
    Retry,
}

impl<C: Chain> Ctx<C> {
    /// The salt of this key's payload for (`topic`, `nonce`) on a commit–reveal topic:
    /// secret until the reveal, the same after a restart (src/reveal.rs).
    pub fn salt(&self, topic: u64, nonce: u64) -> [u8; SALT_BYTES] {
        self.salt_key.salt(
            &self.state.state.chain_id,
            self.suite.synthesis.as_str(),
            self.me.as_str(),
            topic,
            nonce,
        )
    }

    /// Sends `msgs` for `nonce` of the role `key`: every signed version is recorded as in
    /// flight in the state file before it is broadcast.
    pub fn send_for_nonce(
        &mut self,
        role: &str,
        key: &str,
        nonce: u64,
        msgs: Vec<Msg>,
        timeout_height: u64,
    ) -> Sent {
        let tx = Tx::new(&self.me, msgs);
        let Ctx {
            chain,
            state,
            log,
            policy,
            metrics,
            pause,
            ..
        } = self;
        let mut record = |hash: &str| -> Result<(), String> {
            state
                .set(
                    key,
                    nonce,
                    NonceState::InFlight {
                        tx: hash.to_string(),
                        timeout_height,
                    },
                )
                .map_err(|e| e.to_string())?;
            log.debug(
                "signed",
                json!({"role": key, "nonce": nonce, "tx": hash, "timeout_height": timeout_height}),
            );
            Ok(())
        };
        submit::send(
            chain,
            role,
            &tx,
            timeout_height,
            policy,
            metrics,
            &mut record,
            &mut **pause,
        )
    }

    /// Sends `msgs` for an operation tracked under `key` (nonce 0) while in flight.
    pub fn send_op(&mut self, role: &str, key: &str, msgs: Vec<Msg>, height: u64) -> Sent {
        let timeout = height + self.timeout_blocks;
        let sent = self.send_for_nonce(role, key, 0, msgs, timeout);
        if !matches!(sent, Sent::Unknown { .. }) {
            if let Err(e) = self.state.clear(key, 0) {
                self.log
                    .error("state_file", json!({"error": e.to_string()}));
            }
        }
        sent
    }

    /// Sends keeper cranks: nothing is tracked (a crank sent twice closes or settles
    /// nothing the second time; its simulation refuses it before it costs anything).
    pub fn send_untracked(&mut self, role: &str, msgs: Vec<Msg>, height: u64) -> Sent {
        let tx = Tx::new(&self.me, msgs);
        let timeout = height + self.timeout_blocks;
        let Ctx {
            chain,
            policy,
            metrics,
            pause,
            ..
        } = self;
        submit::send(
            chain,
            role,
            &tx,
            timeout,
            policy,
            metrics,
            &mut |_| Ok(()),
            &mut **pause,
        )
    }

    /// Resolves an operation in flight under `key` (nonce 0): `true` when the caller may
    /// read the chain and act again, `false` while it may still be included.
    pub fn op_settled(&mut self, key: &str) -> Result<bool, String> {
        let Some(NonceState::InFlight { tx, timeout_height }) = self.state.get(key, 0).cloned()
        else {
            return Ok(true);
        };
        let found = look_up(&self.chain, &tx, timeout_height).map_err(|e| e.to_string())?;
        self.metrics.inc(
            "nous_node_lookups_total",
            &[("result", lookup_name(&found))],
        );
        if found == Lookup::Pending {
            return Ok(false);
        }
        self.log.info(
            "looked_up",
            json!({"role": key, "tx": tx, "result": lookup_name(&found)}),
        );
        self.state.clear(key, 0).map_err(|e| e.to_string())?;
        Ok(true)
    }

    /// Resolves the in-flight transaction of (`key`, `nonce`) by its hash.
    pub fn resolve_nonce(
        &mut self,
        role: &str,
        topic: u64,
        key: &str,
        nonce: u64,
    ) -> Result<Next, String> {
        self.resolve_nonce_as(role, kind_of(role), topic, key, nonce)
    }

    /// [`Ctx::resolve_nonce`] of a transaction of `kind` (`KIND_*`).
    pub fn resolve_nonce_as(
        &mut self,
        role: &str,
        kind: &str,
        topic: u64,
        key: &str,
        nonce: u64,
    ) -> Result<Next, String> {
        let Some(NonceState::InFlight { tx, timeout_height }) = self.state.get(key, nonce).cloned()
        else {
            return Ok(match self.state.get(key, nonce) {
                Some(s) if s.is_final() => Next::Done,
                _ => Next::Retry,
            });
        };
        let found = look_up(&self.chain, &tx, timeout_height).map_err(|e| e.to_string())?;
        self.metrics.inc(
            "nous_node_lookups_total",
            &[("result", lookup_name(&found))],
        );
        let fields = json!({"role": role, "topic": topic, "nonce": nonce, "tx": tx,
            "result": lookup_name(&found)});
        match found {
            Lookup::Pending => Ok(Next::Wait),
            Lookup::Landed(o) => {
                self.log.info("looked_up", fields);
                submit::paid(&self.metrics, role, &o);
                self.record_included(role, kind, topic, key, nonce, &tx, o.height)?;
                Ok(Next::Done)
            }
            Lookup::Dropped => {
                self.log.warn("looked_up", fields);
                self.state.clear(key, nonce).map_err(|e| e.to_string())?;
                Ok(Next::Retry)
            }
            Lookup::Failed(o) => {
                self.log.warn("looked_up", fields);
                submit::paid(&self.metrics, role, &o);
                let refusal = Refusal::of(&o.log);
                self.record_refusal(role, topic, key, nonce, refusal, &o.log)
            }
        }
    }

    /// Records the result of a send for (`key`, `nonce`) in the state file, the metrics
    /// and the log.
    pub fn record_sent(
        &mut self,
        role: &str,
        topic: u64,
        key: &str,
        nonce: u64,
        sent: Sent,
    ) -> Result<(), String> {
        self.record_sent_as(role, kind_of(role), topic, key, nonce, sent)
    }

    /// [`Ctx::record_sent`] of a transaction of `kind` (`KIND_*`): logged as `submitted`,
    /// or `committed` / `revealed` on a commit–reveal topic.
    pub fn record_sent_as(
        &mut self,
        role: &str,
        kind: &str,
        topic: u64,
        key: &str,
        nonce: u64,
        sent: Sent,
    ) -> Result<(), String> {
        match sent {
            Sent::Included(o) => {
                self.log.info(
                    included_event(kind),
                    json!({"role": role, "topic": topic, "nonce": nonce, "tx": o.hash,
                        "height": o.height, "gas_used": o.gas_used}),
                );
                self.record_included(role, kind, topic, key, nonce, &o.hash, o.height)
            }
            Sent::Refused {
                refusal, log: text, ..
            } => self
                .record_refusal(role, topic, key, nonce, refusal, &text)
                .map(|_| ()),
            Sent::Unknown { hash } => {
                self.metrics.inc(
                    "nous_node_unknown_results_total",
                    &[("role", role), ("topic", &topic.to_string())],
                );
                self.log.warn(
                    "unknown_result",
                    json!({"role": role, "topic": topic, "nonce": nonce, "tx": hash,
                        "action": "kept in flight; looked up by hash before anything is sent again"}),
                );
                Ok(())
            }
            Sent::Failed(error) => {
                self.log.warn(
                    "not_sent",
                    json!({"role": role, "topic": topic, "nonce": nonce, "error": error}),
                );
                Ok(())
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn record_included(
        &mut self,
        role: &str,
        kind: &str,
        topic: u64,
        key: &str,
        nonce: u64,
        tx: &str,
        height: u64,
    ) -> Result<(), String> {
        let t = topic.to_string();
        self.metrics.inc(
            "nous_node_submissions_total",
            &[("topic", &t), ("role", role), ("kind", kind)],
        );
        // a commitment alone is not a submission yet: the nonce counts once revealed
        if kind != KIND_COMMITMENT {
            self.metrics.set(
                "nous_node_last_nonce",
                &[("topic", &t), ("role", role)],
                u128::from(nonce),
            );
        }
        self.state
            .set(
                key,
                nonce,
                NonceState::Submitted {
                    tx: tx.to_string(),
                    height,
                },
            )
            .map_err(|e| e.to_string())
    }

    /// A refusal of (`key`, `nonce`): already on the chain (done: a payload, a bundle or a
    /// commitment of this key is there), worth another try later (forgotten), or final
    /// (recorded).
    fn record_refusal(
        &mut self,
        role: &str,
        topic: u64,
        key: &str,
        nonce: u64,
        refusal: Refusal,
        text: &str,
    ) -> Result<Next, String> {
        let t = topic.to_string();
        self.metrics.inc(
            "nous_node_refusals_total",
            &[("topic", &t), ("role", role), ("error", refusal.code())],
        );
        let fields = json!({"role": role, "topic": topic, "nonce": nonce,
            "error": refusal.code(), "log": text});
        if refusal.is_on_chain() {
            self.log.warn("already_on_chain", fields);
            self.state
                .set(
                    key,
                    nonce,
                    NonceState::Submitted {
                        tx: String::new(),
                        height: 0,
                    },
                )
                .map_err(|e| e.to_string())?;
            return Ok(Next::Done);
        }
        if refusal.is_transient() {
            self.log.warn("refused_for_now", fields);
            self.state.clear(key, nonce).map_err(|e| e.to_string())?;
            return Ok(Next::Retry);
        }
        if refusal == Refusal::TooLate {
            // the node was slower than the window (a slow source or a busy node): a
            // warning, not a contract error
            self.log.warn("too_late", fields);
        } else {
            self.log.error("refused", fields);
        }
        self.state
            .set(
                key,
                nonce,
                NonceState::Refused {
                    error: text.chars().take(300).collect(),
                },
            )
            .map_err(|e| e.to_string())?;
        Ok(Next::Done)
    }

    /// Records that nothing will be sent for (`key`, `nonce`).
    pub fn skip(
        &mut self,
        role: &str,
        topic: u64,
        key: &str,
        nonce: u64,
        reason: &str,
    ) -> Result<(), String> {
        self.log.warn(
            "skipped",
            json!({"role": role, "topic": topic, "nonce": nonce, "reason": reason}),
        );
        self.state
            .set(
                key,
                nonce,
                NonceState::Skipped {
                    reason: reason.to_string(),
                },
            )
            .map_err(|e| e.to_string())
    }

    /// A source failed: logged and counted.
    pub fn source_failed(&mut self, role: &str, topic: u64, nonce: u64, which: &str, error: &str) {
        self.metrics.inc(
            "nous_node_source_failures_total",
            &[
                ("topic", &topic.to_string()),
                ("role", role),
                ("source", which),
            ],
        );
        self.log.error(
            "source_failed",
            json!({"role": role, "topic": topic, "nonce": nonce, "source": which, "error": error}),
        );
    }

    /// The timeout height of a submission at `height` into a window ending at
    /// `window_end`: never past the window's last block.
    pub fn timeout_in_window(&self, height: u64, window_end: u64) -> u64 {
        (height + self.timeout_blocks).min(window_end.saturating_sub(1))
    }
}

fn lookup_name(l: &Lookup) -> &'static str {
    match l {
        Lookup::Landed(_) => "landed",
        Lookup::Failed(_) => "failed",
        Lookup::Pending => "pending",
        Lookup::Dropped => "dropped",
    }
}

fn kind_of(role: &str) -> &'static str {
    match role {
        "worker" => KIND_PAYLOAD,
        "reputer" => KIND_BUNDLE,
        _ => "other",
    }
}

/// The log event of an included transaction of `kind`.
fn included_event(kind: &str) -> &'static str {
    match kind {
        KIND_COMMITMENT => "committed",
        KIND_REVEAL => "revealed",
        _ => "submitted",
    }
}
