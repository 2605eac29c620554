//! The reputer role: when synthesis says a reputer window is open, read the nonce's stored
//! network inference, ask the ground-truth source, and submit the complete loss bundle
//! built by `LossBundle::from_inference` with the topic's loss method — once per nonce.

use std::str::FromStr;

use nous_chain::{Chain, ChainError, Msg};
use nous_math::LossMethod;
use nous_types::synthesis::{self as syn, LossBundle};
use nous_types::topic_registry::Role;
use serde_json::json;

use crate::config::ReputerConfig;
use crate::ctx::{Ctx, Next};
use crate::ops::{ensure_registered, ensure_stake, Registration};
use crate::refusal::Refusal;
use crate::source::parse_number;

/// Blocks between two stake checks once the stake is there.
const STAKE_CHECK_BLOCKS: u64 = 50;

pub struct Reputer {
    pub cfg: ReputerConfig,
    key: String,
    registration: Registration,
    /// The topic's loss method, or why it cannot be used.
    method: Option<Result<LossMethod, String>>,
    next_stake_check: u64,
}

impl Reputer {
    pub fn new(cfg: ReputerConfig) -> Reputer {
        Reputer {
            key: format!("reputer/{}", cfg.topic),
            cfg,
            registration: Registration::default(),
            method: None,
            next_stake_check: 0,
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
            Role::Reputer,
            self.cfg.register,
            self.cfg.owner.as_deref(),
            height,
        )?
        else {
            return Ok(());
        };
        if let Some(target) = &self.cfg.stake {
            if height >= self.next_stake_check {
                let staked = ensure_stake(ctx, topic, target, height)?;
                self.next_stake_check = height + if staked { STAKE_CHECK_BLOCKS } else { 5 };
            }
        }
        let method = match self.loss_method(ctx, topic)? {
            Ok(m) => m,
            Err(_) => return Ok(()),
        };
        let open = match ctx.suite.open_windows(&ctx.chain, topic) {
            Ok(open) => open,
            // no payload yet: nothing to report until the topic's first epoch
            Err(ChainError::Query(log)) if Refusal::of(&log) == Refusal::TopicNotSeen => {
                return Ok(())
            }
            Err(e) => return Err(e.to_string()),
        };
        let Some(window) = open.reputer else {
            return Ok(());
        };
        let nonce = window.nonce;
        match ctx.resolve_nonce("reputer", topic, &self.key, nonce)? {
            Next::Done | Next::Wait => return Ok(()),
            Next::Retry => {}
        }
        if open.height + 1 >= window.window.end {
            return ctx.skip(
                "reputer",
                topic,
                &self.key,
                nonce,
                "the window closes before a transaction could be included",
            );
        }
        if ctx
            .suite
            .loss_bundle(&ctx.chain, topic, nonce, index)
            .map_err(|e| e.to_string())?
            .is_some()
        {
            ctx.log.warn(
                "already_on_chain",
                json!({"role": "reputer", "topic": topic, "nonce": nonce}),
            );
            return ctx
                .state
                .set(
                    &self.key,
                    nonce,
                    crate::state::NonceState::Submitted {
                        tx: String::new(),
                        height: 0,
                    },
                )
                .map_err(|e| e.to_string());
        }
        let inference = match ctx.suite.network_inference(&ctx.chain, topic, nonce) {
            Ok(ni) => ni,
            Err(ChainError::Query(log)) => {
                return match Refusal::of(&log) {
                    // the keeper (anyone) has not closed the worker window yet
                    Refusal::NotClosedYet => Ok(()),
                    Refusal::NoInference => ctx.skip(
                        "reputer",
                        topic,
                        &self.key,
                        nonce,
                        "the nonce has no network inference",
                    ),
                    _ => Err(log),
                };
            }
            Err(e) => return Err(e.to_string()),
        };
        let context = json!({
            "topic_id": topic,
            "nonce": nonce,
            "height": open.height,
            "epoch_start": inference.epoch_start,
            "worker_window": inference.worker_window,
            "reputer_window": window.window,
        });
        let truth = match ctx
            .sources
            .ask(&self.cfg.truth, &context)
            .and_then(|a| parse_number(&a))
        {
            Ok(t) => t,
            Err(e) => {
                ctx.source_failed("reputer", topic, nonce, "truth", &e.to_string());
                return ctx.skip(
                    "reputer",
                    topic,
                    &self.key,
                    nonce,
                    "the truth source failed",
                );
            }
        };
        let bundle = match LossBundle::from_inference(&inference, truth, &method) {
            Ok(b) => b,
            Err(e) => {
                let reason = format!("cannot compute the losses: {e}");
                return ctx.skip("reputer", topic, &self.key, nonce, &reason);
            }
        };
        let msg = Msg::execute(
            &ctx.suite.synthesis,
            &syn::ExecuteMsg::SubmitLossBundle {
                topic_id: topic,
                nonce,
                bundle,
            },
            vec![],
        )
        .map_err(|e| e.to_string())?;
        let timeout = ctx.timeout_in_window(open.height, window.window.end);
        let sent = ctx.send_for_nonce("reputer", &self.key, nonce, vec![msg], timeout);
        ctx.record_sent("reputer", topic, &self.key, nonce, sent)
    }

    /// The topic's `loss_method` from the library, read once. An unknown one is logged
    /// once: this reputer cannot report for the topic.
    fn loss_method<C: Chain>(
        &mut self,
        ctx: &mut Ctx<C>,
        topic: u64,
    ) -> Result<Result<LossMethod, String>, String> {
        if self.method.is_none() {
            let t = ctx
                .suite
                .topic(&ctx.chain, topic)
                .map_err(|e| e.to_string())?;
            let m = LossMethod::from_str(&t.params.loss_method).map_err(|e| e.to_string());
            match &m {
                Ok(m) => ctx.log.info(
                    "loss_method",
                    json!({"topic": topic, "loss_method": m.to_string()}),
                ),
                Err(e) => ctx.log.error(
                    "unknown_loss_method",
                    json!({"topic": topic, "error": e,
                        "action": "this reputer cannot report for the topic; ask its creator to use a method of the library"}),
                ),
            }
            self.method = Some(m);
        }
        Ok(self.method.clone().unwrap_or_else(|| Err(String::new())))
    }
}
