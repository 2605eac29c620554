//! The keeper role: on its schedule, activates the topic once its weight allows, closes due
//! windows, settles closed epochs and (if asked) processes due stake removals. Each crank
//! is simulated first: a simulation that does nothing (no window due, nothing to settle)
//! costs nothing and sends nothing, and the crank's `limit` is the largest (halving from
//! `max_limit`) whose simulated gas fits `max_gas_per_call` and half the block's gas limit.

use nous_chain::{Chain, ChainError, Msg, Tx, TxOutcome};
use nous_types::reward_distribution as rd;
use nous_types::staking as st;
use nous_types::synthesis as syn;
use serde_json::json;

use crate::config::KeeperConfig;
use crate::ctx::Ctx;
use crate::refusal::Refusal;
use crate::submit::Sent;

pub struct Keeper {
    pub cfg: KeeperConfig,
    last_run: Option<u64>,
    /// The last refusal logged per duty (a waiting topic is logged once, not every block).
    quiet: std::collections::BTreeMap<&'static str, Refusal>,
}

/// One crank: its name, the message for a given limit, and whether a simulation shows it
/// doing something.
struct Duty {
    name: &'static str,
    build: Box<dyn Fn(u32) -> Result<Msg, ChainError>>,
    does_work: fn(&TxOutcome) -> bool,
}

fn attr_not_zero(o: &TxOutcome, key: &str) -> bool {
    o.attr("wasm", key).is_some_and(|v| v != "0")
}

impl Keeper {
    pub fn new(cfg: KeeperConfig) -> Keeper {
        Keeper {
            cfg,
            last_run: None,
            quiet: Default::default(),
        }
    }

    pub fn tick<C: Chain>(&mut self, ctx: &mut Ctx<C>, height: u64) -> Result<(), String> {
        if self
            .last_run
            .is_some_and(|l| height < l + self.cfg.every_blocks)
        {
            return Ok(());
        }
        self.last_run = Some(height);
        let topic = self.cfg.topic;
        if self.cfg.activate {
            let status = ctx
                .suite
                .topic_status(&ctx.chain, topic)
                .map_err(|e| e.to_string())?;
            if !status.active {
                let rewards = ctx.suite.rewards.clone();
                self.run(
                    ctx,
                    height,
                    Duty {
                        name: "activate",
                        build: Box::new(move |_| {
                            Msg::execute(
                                &rewards,
                                &rd::ExecuteMsg::ActivateTopic { topic_id: topic },
                                vec![],
                            )
                        }),
                        does_work: |_| true,
                    },
                )?;
            }
        }
        if self.cfg.close_windows {
            let synthesis = ctx.suite.synthesis.clone();
            self.run(
                ctx,
                height,
                Duty {
                    name: "close_windows",
                    build: Box::new(move |limit| {
                        Msg::execute(
                            &synthesis,
                            &syn::ExecuteMsg::CloseWindows {
                                topic_id: topic,
                                limit: Some(limit),
                            },
                            vec![],
                        )
                    }),
                    does_work: |o| attr_not_zero(o, "closed"),
                },
            )?;
        }
        if self.cfg.settle {
            let rewards = ctx.suite.rewards.clone();
            self.run(
                ctx,
                height,
                Duty {
                    name: "settle",
                    build: Box::new(move |limit| {
                        Msg::execute(
                            &rewards,
                            &rd::ExecuteMsg::Settle {
                                topic_id: Some(topic),
                                limit: Some(limit),
                            },
                            vec![],
                        )
                    }),
                    does_work: |o| attr_not_zero(o, "epochs_settled"),
                },
            )?;
        }
        if self.cfg.process_removals {
            let staking = ctx.suite.staking.clone();
            self.run(
                ctx,
                height,
                Duty {
                    name: "process_removals",
                    build: Box::new(move |limit| {
                        Msg::execute(
                            &staking,
                            &st::ExecuteMsg::ProcessRemovals { limit: Some(limit) },
                            vec![],
                        )
                    }),
                    does_work: |o| attr_not_zero(o, "processed"),
                },
            )?;
        }
        Ok(())
    }

    /// The gas one crank may use.
    fn budget<C: Chain>(&self, ctx: &Ctx<C>) -> u64 {
        match ctx.block_gas {
            Some(block) => self.cfg.max_gas_per_call.min(block / 2),
            None => self.cfg.max_gas_per_call,
        }
    }

    fn run<C: Chain>(&mut self, ctx: &mut Ctx<C>, height: u64, duty: Duty) -> Result<(), String> {
        let topic = self.cfg.topic;
        let limit = match choose_limit(ctx, &duty, self.cfg.max_limit, self.budget(ctx))? {
            Choice::Idle => return Ok(()),
            Choice::Refused(r, log) => {
                if self.quiet.get(duty.name) != Some(&r) {
                    self.quiet.insert(duty.name, r);
                    ctx.log.info(
                        "keeper_waits",
                        json!({"topic": topic, "duty": duty.name, "reason": r.code(), "log": log}),
                    );
                }
                return Ok(());
            }
            Choice::Send { limit, gas } => {
                if gas > self.budget(ctx) {
                    ctx.log.warn(
                        "over_budget",
                        json!({"topic": topic, "duty": duty.name, "gas": gas,
                            "budget": self.budget(ctx),
                            "action": "one item alone needs more gas: raise max_gas_per_call"}),
                    );
                }
                limit
            }
        };
        self.quiet.remove(duty.name);
        let msg = (duty.build)(limit).map_err(|e| e.to_string())?;
        let t = topic.to_string();
        match ctx.send_untracked("keeper", vec![msg], height) {
            Sent::Included(o) => {
                ctx.metrics.inc(
                    "nous_node_submissions_total",
                    &[("topic", &t), ("role", "keeper"), ("kind", duty.name)],
                );
                ctx.log.info(
                    "cranked",
                    json!({"topic": topic, "duty": duty.name, "limit": limit, "tx": o.hash,
                        "height": o.height, "gas_used": o.gas_used}),
                );
            }
            Sent::Refused {
                refusal, log: text, ..
            } => {
                ctx.metrics.inc(
                    "nous_node_refusals_total",
                    &[("topic", &t), ("role", "keeper"), ("error", refusal.code())],
                );
                ctx.log.warn(
                    "refused",
                    json!({"topic": topic, "duty": duty.name, "error": refusal.code(), "log": text}),
                );
            }
            Sent::Unknown { hash } => {
                ctx.metrics.inc(
                    "nous_node_unknown_results_total",
                    &[("role", "keeper"), ("topic", &t)],
                );
                ctx.log.warn(
                    "unknown_result",
                    json!({"topic": topic, "duty": duty.name, "tx": hash,
                        "action": "the next round simulates again: a crank that already ran does nothing"}),
                );
            }
            Sent::Failed(error) => ctx.log.warn(
                "not_sent",
                json!({"topic": topic, "duty": duty.name, "error": error}),
            ),
        }
        Ok(())
    }
}

#[derive(Debug, PartialEq)]
enum Choice {
    /// Nothing due.
    Idle,
    /// The simulation refused (the topic waits for something).
    Refused(Refusal, String),
    Send {
        limit: u32,
        gas: u64,
    },
}

/// Simulates the duty at `max_limit`, halving until its gas fits `budget` (a limit of 1
/// is sent even above the budget: the work must progress).
fn choose_limit<C: Chain>(
    ctx: &mut Ctx<C>,
    duty: &Duty,
    max_limit: u32,
    budget: u64,
) -> Result<Choice, String> {
    let mut limit = max_limit.max(1);
    loop {
        let msg = (duty.build)(limit).map_err(|e| e.to_string())?;
        match ctx.chain.simulate(&Tx::new(&ctx.me, vec![msg])) {
            Ok(sim) if !(duty.does_work)(&sim) => return Ok(Choice::Idle),
            Ok(sim) if sim.gas_used > budget && limit > 1 => limit /= 2,
            Ok(sim) => {
                return Ok(Choice::Send {
                    limit,
                    gas: sim.gas_used,
                })
            }
            Err(ChainError::Refused { log, .. }) => {
                return Ok(match Refusal::of(&log) {
                    Refusal::NothingToSettle | Refusal::TopicNotSeen | Refusal::AlreadyActive => {
                        Choice::Idle
                    }
                    r => Choice::Refused(r, log),
                })
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}
