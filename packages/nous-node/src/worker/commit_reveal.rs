//! The worker on a commit–reveal topic: the commitment in the worker window (its payload
//! kept in the state file first), the reveal in the reveal window, and what happens to a
//! payload whose reveal window passed (see the parent module's doc).

use cosmwasm_std::HexBinary;
use nous_chain::{Chain, Msg};
use nous_types::clock::{EpochClock, HeightWindow};
use nous_types::synthesis::{self as syn, payload_commitment, OpenWindow, OpenWindowsResponse};
use serde_json::json;

use super::{paid_msg, state_err, Payload, Worker};
use crate::ctx::{Ctx, Next, KIND_COMMITMENT, KIND_REVEAL};
use crate::state::{NonceState, PendingReveal};

impl Worker {
    /// A commit–reveal topic, in the worker window: one `CommitWorkerPayload`, its payload
    /// kept in the state file before it leaves.
    pub(super) fn commit<C: Chain>(
        &mut self,
        ctx: &mut Ctx<C>,
        topic: u64,
        index: u32,
        window: &OpenWindow,
        height: u64,
        clock: &EpochClock,
    ) -> Result<(), String> {
        let nonce = window.nonce;
        match ctx.resolve_nonce_as("worker", KIND_COMMITMENT, topic, &self.commit_key, nonce)? {
            Next::Done | Next::Wait => return Ok(()),
            Next::Retry => {}
        }
        if height + 1 >= window.window.end {
            // nothing of this nonce is committed: a payload kept from an attempt that did
            // not land goes too
            ctx.state.drop_reveal(&self.key, nonce).map_err(state_err)?;
            return ctx.skip(
                "worker",
                topic,
                &self.commit_key,
                nonce,
                "the window closes before a transaction could be included",
            );
        }
        let reveal_window = clock
            .reveal_window(nonce)
            .ok_or_else(|| format!("nonce {nonce} of topic {topic} has no reveal window"))?;
        // An earlier attempt's payload (its commitment did not land, or is not known to
        // have): the commitment must not change, the sources are not asked again.
        let payload = match ctx.state.reveal(&self.key, nonce) {
            Some(p) => Payload {
                inference: p.inference,
                forecast: p.forecast.clone(),
            },
            None => match self.ask(ctx, topic, index, window, height, Some(reveal_window))? {
                Some(p) => p,
                None => {
                    return ctx.skip(
                        "worker",
                        topic,
                        &self.commit_key,
                        nonce,
                        "no source gave a value",
                    )
                }
            },
        };
        let salt = ctx.salt(topic, nonce);
        let commitment = HexBinary::from(
            payload_commitment(
                topic,
                nonce,
                ctx.me.as_str(),
                payload.inference,
                payload.forecast.as_deref(),
                &salt,
            )
            .to_vec(),
        );
        let pending = PendingReveal {
            inference: payload.inference,
            forecast: payload.forecast,
            commitment: commitment.clone(),
            reveal_window,
        };
        // The chain is the authority: a commitment there is never sent again. It is ours
        // when this payload and salt hash to it (an earlier attempt, or a deterministic
        // source asked again after a lost state file).
        if let Some(on_chain) = ctx
            .suite
            .worker_commitment(&ctx.chain, topic, nonce, index)
            .map_err(|e| e.to_string())?
        {
            if on_chain == commitment {
                ctx.log.warn(
                    "already_on_chain",
                    json!({"role": "worker", "topic": topic, "nonce": nonce,
                        "kind": KIND_COMMITMENT}),
                );
                ctx.state
                    .set_reveal(&self.key, nonce, pending)
                    .map_err(state_err)?;
                return ctx
                    .state
                    .set(
                        &self.commit_key,
                        nonce,
                        NonceState::Submitted {
                            tx: String::new(),
                            height: 0,
                        },
                    )
                    .map_err(state_err);
            }
            ctx.log.error(
                "unknown_commitment",
                json!({"role": "worker", "topic": topic, "nonce": nonce,
                    "on_chain": on_chain, "ours": commitment,
                    "action": "a commitment of this key that this node cannot reveal (its payload is not in the state file): the nonce is skipped"}),
            );
            ctx.state.drop_reveal(&self.key, nonce).map_err(state_err)?;
            return ctx.skip(
                "worker",
                topic,
                &self.commit_key,
                nonce,
                "a commitment this node cannot reveal is on the chain",
            );
        }
        // Kept before the commitment leaves: the reveal shows this payload, after a
        // restart too.
        ctx.state
            .set_reveal(&self.key, nonce, pending)
            .map_err(state_err)?;
        // the commitment pays the topic's payload fee; the reveal pays nothing
        let msg = paid_msg(
            ctx,
            topic,
            &syn::ExecuteMsg::CommitWorkerPayload {
                topic_id: topic,
                nonce,
                commitment,
            },
        )?;
        let timeout = ctx.timeout_in_window(height, window.window.end);
        let sent = ctx.send_for_nonce("worker", &self.commit_key, nonce, vec![msg], timeout);
        ctx.record_sent_as(
            "worker",
            KIND_COMMITMENT,
            topic,
            &self.commit_key,
            nonce,
            sent,
        )?;
        if matches!(
            ctx.state.get(&self.commit_key, nonce),
            Some(NonceState::Refused { .. } | NonceState::Skipped { .. })
        ) {
            // refused for good: nothing will be revealed
            ctx.state.drop_reveal(&self.key, nonce).map_err(state_err)?;
        }
        Ok(())
    }

    /// A commit–reveal topic, every block: each pending payload whose commitment is on the
    /// chain is revealed once synthesis says its reveal window is open, or given up once
    /// that window has passed.
    pub(super) fn reveal_pending<C: Chain>(
        &mut self,
        ctx: &mut Ctx<C>,
        topic: u64,
        index: u32,
        open: &OpenWindowsResponse,
    ) -> Result<(), String> {
        let height = open.height;
        for (nonce, pending) in ctx.state.reveals(&self.key) {
            if !self.committed(ctx, topic, index, nonce, &pending, open)? {
                continue;
            }
            match ctx.resolve_nonce_as("worker", KIND_REVEAL, topic, &self.key, nonce)? {
                Next::Wait => continue,
                Next::Done => {
                    // revealed, or refused for good
                    ctx.state.drop_reveal(&self.key, nonce).map_err(state_err)?;
                    continue;
                }
                Next::Retry => {}
            }
            let window = pending.reveal_window;
            // A transaction sent now lands in the next block at the earliest.
            if height + 1 >= window.end {
                self.missed(ctx, topic, index, nonce, window, height)?;
                continue;
            }
            // synthesis says when
            if open.reveal.as_ref().is_none_or(|r| r.nonce != nonce) {
                continue;
            }
            if self.payload_on_chain(ctx, topic, index, nonce)? {
                ctx.state.drop_reveal(&self.key, nonce).map_err(state_err)?;
                continue;
            }
            let msg = Msg::execute(
                &ctx.suite.synthesis,
                &syn::ExecuteMsg::RevealWorkerPayload {
                    topic_id: topic,
                    nonce,
                    inference: pending.inference,
                    forecast: pending.forecast.clone(),
                    salt: HexBinary::from(ctx.salt(topic, nonce).to_vec()),
                },
                vec![],
            )
            .map_err(|e| e.to_string())?;
            let timeout = ctx.timeout_in_window(height, window.end);
            let sent = ctx.send_for_nonce("worker", &self.key, nonce, vec![msg], timeout);
            ctx.record_sent_as("worker", KIND_REVEAL, topic, &self.key, nonce, sent)?;
            if ctx
                .state
                .get(&self.key, nonce)
                .is_some_and(NonceState::is_final)
            {
                ctx.state.drop_reveal(&self.key, nonce).map_err(state_err)?;
            }
        }
        Ok(())
    }

    /// Whether the commitment of a pending payload is on the chain (as far as the node can
    /// tell); a payload whose commitment was refused or never landed is dropped.
    pub(super) fn committed<C: Chain>(
        &mut self,
        ctx: &mut Ctx<C>,
        topic: u64,
        index: u32,
        nonce: u64,
        pending: &PendingReveal,
        open: &OpenWindowsResponse,
    ) -> Result<bool, String> {
        match ctx.resolve_nonce_as("worker", KIND_COMMITMENT, topic, &self.commit_key, nonce)? {
            Next::Wait => Ok(false),
            Next::Done => {
                if matches!(
                    ctx.state.get(&self.commit_key, nonce),
                    Some(NonceState::Submitted { .. })
                ) {
                    return Ok(true);
                }
                // refused or skipped: nothing to reveal
                ctx.state.drop_reveal(&self.key, nonce).map_err(state_err)?;
                Ok(false)
            }
            Next::Retry => {
                // Nothing landed as far as the state file knows. While the worker window
                // is open the commit step sends it (again).
                if open.worker.as_ref().is_some_and(|w| w.nonce == nonce) {
                    return Ok(false);
                }
                // After it, the chain is the authority: a commitment that landed without
                // the node seeing it (a lost result past its timeout) is revealed.
                let on_chain = ctx
                    .suite
                    .worker_commitment(&ctx.chain, topic, nonce, index)
                    .map_err(|e| e.to_string())?;
                if on_chain.as_ref() == Some(&pending.commitment) {
                    ctx.log.warn(
                        "already_on_chain",
                        json!({"role": "worker", "topic": topic, "nonce": nonce,
                            "kind": KIND_COMMITMENT}),
                    );
                    ctx.state
                        .set(
                            &self.commit_key,
                            nonce,
                            NonceState::Submitted {
                                tx: String::new(),
                                height: 0,
                            },
                        )
                        .map_err(state_err)?;
                    return Ok(true);
                }
                ctx.state.drop_reveal(&self.key, nonce).map_err(state_err)?;
                ctx.skip(
                    "worker",
                    topic,
                    &self.commit_key,
                    nonce,
                    "the commitment did not land in the worker window",
                )?;
                Ok(false)
            }
        }
    }

    /// The reveal window of a committed payload has passed without its reveal: logged,
    /// counted, recorded and dropped (the chain drops the commitment).
    pub(super) fn missed<C: Chain>(
        &mut self,
        ctx: &mut Ctx<C>,
        topic: u64,
        index: u32,
        nonce: u64,
        window: HeightWindow,
        height: u64,
    ) -> Result<(), String> {
        // a reveal that landed without the node seeing it is not missed
        if !self.payload_on_chain(ctx, topic, index, nonce)? {
            ctx.metrics.inc(
                "nous_node_missed_reveals_total",
                &[("topic", &topic.to_string())],
            );
            ctx.log.error(
                "reveal_missed",
                json!({"role": "worker", "topic": topic, "nonce": nonce, "height": height,
                    "reveal_window": window,
                    "action": "the chain drops the commitment: this worker takes no part in this nonce"}),
            );
            ctx.state
                .set(
                    &self.key,
                    nonce,
                    NonceState::Skipped {
                        reason: "the reveal window passed before the payload was revealed".into(),
                    },
                )
                .map_err(state_err)?;
        }
        ctx.state.drop_reveal(&self.key, nonce).map_err(state_err)
    }
}
