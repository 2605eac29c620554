//! The worker role: when synthesis says a worker window is open (the `OpenWindows` query —
//! never a guess from block times), ask the inference and forecast sources and submit one
//! payload for that nonce, once.
//!
//! On a commit–reveal topic (its clock has a reveal window, read once from the registry:
//! the timing fields of a topic cannot change after its creation) the payload goes out in
//! two transactions, each tracked in the state file like a plain submission:
//! 1. in the worker window, `CommitWorkerPayload` with `payload_commitment(topic, nonce,
//!    address, payload, salt)`, under the state key `commit/<topic>`. The payload is
//!    written to the state file (a [`crate::state::PendingReveal`]) *before* the commitment is
//!    broadcast; an attempt that does not land is sent again with that same payload;
//! 2. in the reveal window, when synthesis says it is open, `RevealWorkerPayload` with the
//!    stored payload and the salt, under `worker/<topic>` (where a plain topic's payload
//!    is recorded). The salt is never stored: it is derived again from the key
//!    (src/reveal.rs), after a restart too.
//!
//! The pending payload is dropped once revealed (or refused for good), when its commitment
//! was refused or never landed, and when the reveal window passed without a reveal: that
//! last one is a `reveal_missed` error and `nous_node_missed_reveals_total` (the chain
//! drops the commitment; the worker takes no part in that nonce). `SubmitWorkerPayload` is
//! never sent to a commit–reveal topic.

use std::collections::BTreeMap;

use cosmwasm_std::SignedDecimal;
use nous_chain::{Chain, Msg};
use nous_types::clock::{EpochClock, HeightWindow};
use nous_types::synthesis::{
    self as syn, ForecastElement, LossBundle, NetworkInference, OpenWindow,
};
use nous_types::topic_registry::Role;
use serde_json::{json, Value};

use crate::config::WorkerConfig;
use crate::ctx::{Ctx, Next};
use crate::ops::{ensure_registered, Registration};
use crate::source::{parse_forecast, parse_number};
use crate::state::NonceState;

mod commit_reveal;

/// What the sources gave for one nonce (at least one of the two).
struct Payload {
    inference: Option<SignedDecimal>,
    forecast: Option<Vec<ForecastElement>>,
}

/// What the node knows of the topic from the registry.
struct TopicInfo {
    loss_method: String,
    clock: EpochClock,
}

pub struct Worker {
    pub cfg: WorkerConfig,
    /// `worker/<topic>`: the payloads (plain, or revealed), and the pending reveals.
    key: String,
    /// `commit/<topic>`: the commitments of a commit–reveal topic.
    commit_key: String,
    registration: Registration,
    /// Read once: the loss method for the sources' context, the clock for commit–reveal.
    topic: Option<TopicInfo>,
    /// Recent network inferences and their losses (once scored), by nonce.
    recent: BTreeMap<u64, (NetworkInference, Option<LossBundle>)>,
}

/// A payload or commitment to synthesis, carrying the fee synthesis charges now.
fn paid_msg<C: Chain>(ctx: &Ctx<C>, topic: u64, msg: &syn::ExecuteMsg) -> Result<Msg, String> {
    let fee = ctx
        .suite
        .payload_fee(&ctx.chain, topic)
        .map_err(|e| e.to_string())?;
    Msg::execute(&ctx.suite.synthesis, msg, fee).map_err(|e| e.to_string())
}

fn state_err(e: crate::state::StateError) -> String {
    e.to_string()
}

impl Worker {
    pub fn new(cfg: WorkerConfig) -> Worker {
        Worker {
            key: format!("worker/{}", cfg.topic),
            commit_key: format!("commit/{}", cfg.topic),
            cfg,
            registration: Registration::default(),
            topic: None,
            recent: BTreeMap::new(),
        }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// The state key of this worker's commitments (commit–reveal topics).
    pub fn commit_key(&self) -> &str {
        &self.commit_key
    }

    pub fn tick<C: Chain>(&mut self, ctx: &mut Ctx<C>, height: u64) -> Result<(), String> {
        let topic = self.cfg.topic;
        let Some(index) = ensure_registered(
            ctx,
            &mut self.registration,
            topic,
            Role::Worker,
            self.cfg.register,
            self.cfg.owner.as_deref(),
            height,
        )?
        else {
            return Ok(());
        };
        let open = ctx
            .suite
            .open_windows(&ctx.chain, topic)
            .map_err(|e| e.to_string())?;
        let clock = self.topic_info(ctx, topic)?.clock;
        if clock.commit_reveal() {
            self.reveal_pending(ctx, topic, index, &open)?;
            if let Some(window) = &open.worker {
                self.commit(ctx, topic, index, window, open.height, &clock)?;
            }
            return Ok(());
        }
        let Some(window) = open.worker else {
            return Ok(());
        };
        self.submit(ctx, topic, index, &window, open.height)
    }

    /// The topic's loss method and clock, read from the registry the first time.
    fn topic_info<C: Chain>(&mut self, ctx: &mut Ctx<C>, topic: u64) -> Result<&TopicInfo, String> {
        if self.topic.is_none() {
            let t = ctx
                .suite
                .topic(&ctx.chain, topic)
                .map_err(|e| e.to_string())?;
            let clock = t.clock();
            if clock.commit_reveal() {
                ctx.log.info(
                    "commit_reveal",
                    json!({"role": "worker", "topic": topic,
                        "worker_window": clock.worker_window, "reveal_window": clock.reveal_window,
                        "action": "payloads are committed in the worker window and revealed after it"}),
                );
            }
            self.topic = Some(TopicInfo {
                loss_method: t.params.loss_method,
                clock,
            });
        }
        self.topic
            .as_ref()
            .ok_or_else(|| "the topic is not known".to_string())
    }

    /// A plain topic: one `SubmitWorkerPayload` in the worker window.
    fn submit<C: Chain>(
        &mut self,
        ctx: &mut Ctx<C>,
        topic: u64,
        index: u32,
        window: &OpenWindow,
        height: u64,
    ) -> Result<(), String> {
        let nonce = window.nonce;
        match ctx.resolve_nonce("worker", topic, &self.key, nonce)? {
            Next::Done | Next::Wait => return Ok(()),
            Next::Retry => {}
        }
        // A transaction sent now lands in the next block at the earliest.
        if height + 1 >= window.window.end {
            return ctx.skip(
                "worker",
                topic,
                &self.key,
                nonce,
                "the window closes before a transaction could be included",
            );
        }
        // The chain is the authority: a payload there (sent before a lost state file, or
        // by an earlier run) is never sent again.
        if self.payload_on_chain(ctx, topic, index, nonce)? {
            return Ok(());
        }
        let Some(payload) = self.ask(ctx, topic, index, window, height, None)? else {
            return ctx.skip("worker", topic, &self.key, nonce, "no source gave a value");
        };
        let msg = paid_msg(
            ctx,
            topic,
            &syn::ExecuteMsg::SubmitWorkerPayload {
                topic_id: topic,
                nonce,
                inference: payload.inference,
                forecast: payload.forecast,
            },
        )?;
        let timeout = ctx.timeout_in_window(height, window.window.end);
        let sent = ctx.send_for_nonce("worker", &self.key, nonce, vec![msg], timeout);
        ctx.record_sent("worker", topic, &self.key, nonce, sent)
    }

    /// `true` (and the nonce recorded as submitted) when this worker's payload for `nonce`
    /// is on the chain already.
    fn payload_on_chain<C: Chain>(
        &self,
        ctx: &mut Ctx<C>,
        topic: u64,
        index: u32,
        nonce: u64,
    ) -> Result<bool, String> {
        let Some(p) = ctx
            .suite
            .worker_payload(&ctx.chain, topic, nonce, index)
            .map_err(|e| e.to_string())?
        else {
            return Ok(false);
        };
        ctx.log.warn(
            "already_on_chain",
            json!({"role": "worker", "topic": topic, "nonce": nonce,
                "submitted_at": p.submitted_at}),
        );
        ctx.state
            .set(
                &self.key,
                nonce,
                NonceState::Submitted {
                    tx: String::new(),
                    height: p.submitted_at,
                },
            )
            .map_err(state_err)?;
        Ok(true)
    }

    /// Asks the inference and forecast sources; `None` when neither gave a value.
    fn ask<C: Chain>(
        &mut self,
        ctx: &mut Ctx<C>,
        topic: u64,
        index: u32,
        window: &OpenWindow,
        height: u64,
        reveal_window: Option<HeightWindow>,
    ) -> Result<Option<Payload>, String> {
        let nonce = window.nonce;
        let context = self.context(ctx, topic, index, window, reveal_window, height)?;
        let inference = match &self.cfg.inference {
            Some(src) => match ctx
                .sources
                .ask(src, &context)
                .and_then(|a| parse_number(&a))
            {
                Ok(v) => Some(v),
                Err(e) => {
                    ctx.source_failed("worker", topic, nonce, "inference", &e.to_string());
                    None
                }
            },
            None => None,
        };
        let forecast = match &self.cfg.forecast {
            Some(src) => match ctx
                .sources
                .ask(src, &context)
                .and_then(|a| parse_forecast(&a))
            {
                Ok(f) if f.is_empty() => {
                    ctx.log
                        .info("empty_forecast", json!({"topic": topic, "nonce": nonce}));
                    None
                }
                Ok(f) => Some(f),
                Err(e) => {
                    ctx.source_failed("worker", topic, nonce, "forecast", &e.to_string());
                    None
                }
            },
            None => None,
        };
        if inference.is_none() && forecast.is_none() {
            return Ok(None);
        }
        Ok(Some(Payload {
            inference,
            forecast,
        }))
    }

    /// The JSON a source reads on stdin: the topic, the nonce and its window (and its
    /// reveal window on a commit–reveal topic), this worker's actor index, the topic's loss
    /// method, and the recent network inferences with their network losses once scored
    /// (newest first).
    fn context<C: Chain>(
        &mut self,
        ctx: &mut Ctx<C>,
        topic: u64,
        index: u32,
        window: &OpenWindow,
        reveal_window: Option<HeightWindow>,
        height: u64,
    ) -> Result<Value, String> {
        let loss_method = self.topic_info(ctx, topic)?.loss_method.clone();
        let latest = ctx
            .suite
            .latest_inference_nonce(&ctx.chain, topic)
            .map_err(|e| e.to_string())?;
        let mut recent = vec![];
        if let Some(latest) = latest {
            let oldest = latest.saturating_sub(u64::from(ctx.history.max(1)) - 1);
            self.recent.retain(|n, _| *n >= oldest);
            for n in (oldest..=latest).rev() {
                let cached = self.recent.get(&n).map(|(_, l)| l.is_some());
                match cached {
                    Some(true) => {}
                    Some(false) => {
                        // the inference is final; its losses come once it is scored
                        let losses = ctx.suite.network_losses(&ctx.chain, topic, n);
                        if let Some(entry) = self.recent.get_mut(&n) {
                            entry.1 = losses;
                        }
                    }
                    None => {
                        // a nonce without payloads has no inference: it is left out
                        if let Ok(ni) = ctx.suite.network_inference(&ctx.chain, topic, n) {
                            let losses = ctx.suite.network_losses(&ctx.chain, topic, n);
                            self.recent.insert(n, (ni, losses));
                        }
                    }
                }
                if let Some((ni, losses)) = self.recent.get(&n) {
                    recent.push(json!({"nonce": n, "inference": ni, "losses": losses}));
                }
            }
        }
        let mut context = json!({
            "topic_id": topic,
            "nonce": window.nonce,
            "height": height,
            "worker_window": window.window,
            "worker": index,
            "loss_method": loss_method,
            "recent": recent,
        });
        if let Some(w) = reveal_window {
            context["reveal_window"] = json!(w);
        }
        Ok(context)
    }
}
