//! The worker role: when synthesis says a worker window is open (the `OpenWindows` query —
//! never a guess from block times), ask the inference and forecast sources and submit one
//! payload for that nonce, once.

use std::collections::BTreeMap;

use nous_chain::{Chain, Msg};
use nous_types::synthesis::{self as syn, LossBundle, NetworkInference, OpenWindow};
use nous_types::topic_registry::Role;
use serde_json::{json, Value};

use crate::config::WorkerConfig;
use crate::ctx::{Ctx, Next};
use crate::ops::{ensure_registered, Registration};
use crate::source::{parse_forecast, parse_number};

pub struct Worker {
    pub cfg: WorkerConfig,
    key: String,
    registration: Registration,
    loss_method: Option<String>,
    /// Recent network inferences and their losses (once scored), by nonce.
    recent: BTreeMap<u64, (NetworkInference, Option<LossBundle>)>,
}

impl Worker {
    pub fn new(cfg: WorkerConfig) -> Worker {
        Worker {
            key: format!("worker/{}", cfg.topic),
            cfg,
            registration: Registration::default(),
            loss_method: None,
            recent: BTreeMap::new(),
        }
    }

    pub fn key(&self) -> &str {
        &self.key
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
        let Some(window) = open.worker else {
            return Ok(());
        };
        let nonce = window.nonce;
        match ctx.resolve_nonce("worker", topic, &self.key, nonce)? {
            Next::Done | Next::Wait => return Ok(()),
            Next::Retry => {}
        }
        // A transaction sent now lands in the next block at the earliest.
        if open.height + 1 >= window.window.end {
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
        if let Some(p) = ctx
            .suite
            .worker_payload(&ctx.chain, topic, nonce, index)
            .map_err(|e| e.to_string())?
        {
            ctx.log.warn(
                "already_on_chain",
                json!({"role": "worker", "topic": topic, "nonce": nonce,
                    "submitted_at": p.submitted_at}),
            );
            return ctx
                .state
                .set(
                    &self.key,
                    nonce,
                    crate::state::NonceState::Submitted {
                        tx: String::new(),
                        height: p.submitted_at,
                    },
                )
                .map_err(|e| e.to_string());
        }
        let context = self.context(ctx, topic, index, &window, open.height)?;
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
            return ctx.skip("worker", topic, &self.key, nonce, "no source gave a value");
        }
        let msg = Msg::execute(
            &ctx.suite.synthesis,
            &syn::ExecuteMsg::SubmitWorkerPayload {
                topic_id: topic,
                nonce,
                inference,
                forecast,
            },
            vec![],
        )
        .map_err(|e| e.to_string())?;
        let timeout = ctx.timeout_in_window(open.height, window.window.end);
        let sent = ctx.send_for_nonce("worker", &self.key, nonce, vec![msg], timeout);
        ctx.record_sent("worker", topic, &self.key, nonce, sent)
    }

    /// The JSON a source reads on stdin: the topic, the nonce and its window, this
    /// worker's actor index, the topic's loss method, and the recent network inferences
    /// with their network losses once scored (newest first).
    fn context<C: Chain>(
        &mut self,
        ctx: &mut Ctx<C>,
        topic: u64,
        index: u32,
        window: &OpenWindow,
        height: u64,
    ) -> Result<Value, String> {
        if self.loss_method.is_none() {
            let t = ctx
                .suite
                .topic(&ctx.chain, topic)
                .map_err(|e| e.to_string())?;
            self.loss_method = Some(t.params.loss_method);
        }
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
        Ok(json!({
            "topic_id": topic,
            "nonce": window.nonce,
            "height": height,
            "worker_window": window.window,
            "worker": index,
            "loss_method": self.loss_method,
            "recent": recent,
        }))
    }
}
