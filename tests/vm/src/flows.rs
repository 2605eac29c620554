//! The flows the gas report measures, each operation of the suite run in the VM with its
//! meter read.
//!
//! - [`economic_rows`]: the economic operations on a fresh suite (no active set).
//! - [`synthesis_rows`]: a topic's **first** nonces at one active-set size (payload, bundle
//!   and both closes of its first nonce, the settlement of its first rewarded epoch, a
//!   claim; at the smallest size also a registration with synthesis wired and a dApp's
//!   paid read through the example consumer). `tests/full_epoch.rs` runs the smallest size
//!   as a test, so every contract's main flow also runs in the VM in CI.
//! - [`steady_run`]: the same topic carried on to [`STEADY_NONCES`] scored nonces, every
//!   actor submitting every nonce (so every actor is experienced and the last nonces run on
//!   the weighted path), the keeper settling each epoch as it becomes due; the **last**
//!   nonce's operations are measured, with probes that isolate parts of the closes, the
//!   size of the latest-inference answer and the operations around a steady topic (claim,
//!   pay-per-read, register, stake, delegate, a dApp's read).
//!
//! `src/bin/bench.rs` writes BENCHMARKS.md and `benchmarks/vm.csv` from them.

use anyhow::{anyhow, ensure, Result};
use cosmwasm_std::{to_json_vec, Addr, SignedDecimal};
use example_consumer::msg as consumer_msg;
use nous_types::params::Rules;
use nous_types::reward_distribution as rd_msg;
use nous_types::synthesis as syn;
use nous_types::topic_registry::{self as registry_msg, Role};
use nous_types::{fee_vault as vault_msg, staking as staking_msg};
use serde::Serialize;

use crate::chain::{funds, TxResult};
use crate::floor::{self, Floor, Size};
use crate::report::{Phase, Row};
use crate::storage::Meter;
use crate::suite::{topic_params, Deploy, VmSuite, DENOM};

/// Measures one transaction alone: the meter is reset before it and read after it.
pub fn measure<M: Serialize>(
    s: &VmSuite,
    sender: &Addr,
    contract: &Addr,
    msg: &M,
    amount: u128,
) -> Result<Meter> {
    measure_tx(s, sender, contract, msg, amount).map(|(m, _)| m)
}

/// [`measure`] and what the transaction returned.
fn measure_tx<M: Serialize>(
    s: &VmSuite,
    sender: &Addr,
    contract: &Addr,
    msg: &M,
    amount: u128,
) -> Result<(Meter, TxResult)> {
    s.chain.reset_meter();
    let tx = s
        .chain
        .execute(sender, contract, msg, &funds(amount, DENOM))?;
    Ok((s.chain.meter(), tx))
}

/// Bytes of a message's JSON: what goes into `MsgExecuteContract.msg`, which the sender
/// signs.
pub fn request_bytes<M: Serialize>(msg: &M) -> Result<u64> {
    Ok(to_json_vec(msg)?.len() as u64)
}

/// [`measure`] and the message's [`request_bytes`].
fn measure_req<M: Serialize>(
    s: &VmSuite,
    sender: &Addr,
    contract: &Addr,
    msg: &M,
    amount: u128,
) -> Result<(Meter, u64)> {
    Ok((
        measure(s, sender, contract, msg, amount)?,
        request_bytes(msg)?,
    ))
}

pub fn economic_rows(rows: &mut Vec<Row>) -> Result<()> {
    let mut s = VmSuite::new(Deploy::default())?;
    // Warm up: a first topic and registration, so that the measured ones are typical.
    let t0 = s.create_topic("creator", topic_params(12, 4, 24))?;
    s.register("worker0", t0, Role::Worker)?;
    let params = s.params()?;
    let (registry, vault, staking) = (s.registry.clone(), s.vault.clone(), s.staking.clone());

    let creator = s.account("creator");
    let msg = registry_msg::ExecuteMsg::CreateTopic {
        params: topic_params(12, 4, 24),
    };
    let (m, b) = measure_req(
        &s,
        &creator,
        &registry,
        &msg,
        params.registry.create_topic_fee.u128(),
    )?;
    rows.push(
        Row::new("create topic", "-", m)
            .note("fee forwarded to fee-vault")
            .request(b),
    );
    let t = 2;

    let worker = s.account("worker1");
    let msg = registry_msg::ExecuteMsg::Register {
        topic_id: t,
        role: Role::Worker,
        owner: None,
    };
    let (m, b) = measure_req(
        &s,
        &worker,
        &registry,
        &msg,
        params.registry.registration_fee.u128(),
    )?;
    rows.push(
        Row::new("register", "-", m)
            .note("worker; fee forwarded to fee-vault; registry not wired to synthesis")
            .request(b),
    );

    let consumer = s.account("consumer");
    let msg = vault_msg::ExecuteMsg::FundTopic { topic_id: t };
    let (m, b) = measure_req(&s, &consumer, &vault, &msg, 50_000)?;
    rows.push(Row::new("fund topic", "-", m).request(b));

    let read_fee = s.read_fee(t)?;
    let dapp = s.account("dapp");
    let msg = vault_msg::ExecuteMsg::PayForRead { topic_id: t };
    // The first read of an epoch creates its revenue record; measure a later one.
    s.chain
        .execute(&dapp, &vault, &msg, &funds(read_fee, DENOM))?;
    let (m, b) = measure_req(&s, &dapp, &vault, &msg, read_fee)?;
    rows.push(Row::new("pay-per-read", "-", m).request(b));

    s.register("reputer1", t, Role::Reputer)?;
    let reputer = s.account("reputer1");
    let msg = staking_msg::ExecuteMsg::AddStake { topic_id: t };
    let (m, b) = measure_req(
        &s,
        &reputer,
        &staking,
        &msg,
        params.staking.required_minimum_stake.u128(),
    )?;
    rows.push(
        Row::new("add stake", "-", m)
            .note("queries the registry")
            .request(b),
    );

    let delegator = s.account("delegator1");
    let msg = staking_msg::ExecuteMsg::Delegate {
        topic_id: t,
        reputer: reputer.to_string(),
    };
    let (m, b) = measure_req(&s, &delegator, &staking, &msg, 5_000)?;
    rows.push(Row::new("delegate", "-", m).request(b));
    Ok(())
}

/// Active-set sizes of the report: inferers / forecasters / reputers.
pub const SIZES: [(u32, u32, u32); 4] = [(8, 2, 2), (32, 6, 6), (64, 12, 12), (128, 24, 24)];

/// Nonces of the first phase (its rows are measured on the first; the settlement row is
/// the first rewarded epoch among them).
pub const FIRST_NONCES: usize = 3;
/// Scored nonces of a steady run: actors become experienced after `1/alpha_regret` = 10
/// scored inclusions, so from the 13th nonce on the topic runs the weighted path; the
/// 16th is measured.
pub const STEADY_NONCES: usize = 16;

/// The synthesis operation names of the report (shared by the rows and the tests).
pub mod op {
    pub const PAYLOAD: &str = "worker payload (inference + 12-element forecast)";
    /// On a commit–reveal topic: the commitment in the worker window, then the payload
    /// revealed (the same payload as [`PAYLOAD`], checked against the commitment).
    pub const COMMIT: &str = "worker commitment (commit–reveal topic)";
    pub const REVEAL: &str = "worker reveal (inference + 12-element forecast)";
    pub const WORKER_CLOSE: &str = "close of a worker window";
    pub const BUNDLE: &str = "reputer bundle";
    pub const REPUTER_CLOSE: &str = "close of a reputer window";
    pub const SETTLEMENT: &str = "settlement of one epoch";
    pub const CLAIM: &str = "claim";
    pub const PAY_PER_READ: &str = "pay-per-read";
    pub const REGISTER_WIRED: &str = "register, registry wired to synthesis";
    pub const STAKE: &str = "add stake";
    pub const DELEGATE: &str = "delegate";
    pub const DAPP_READ: &str = "dApp read through example-consumer";
}

fn dec(v: i128) -> SignedDecimal {
    // v / 1000, a small deterministic spread of values
    SignedDecimal::raw(v * 1_000_000_000_000_000)
}

fn wv(list: &[syn::WorkerValue], f: impl Fn(u32) -> i128) -> Vec<syn::WorkerValue> {
    list.iter()
        .map(|v| syn::WorkerValue {
            worker: v.worker,
            value: dec(f(v.worker)),
        })
        .collect()
}

/// What the steady run measured besides its rows.
#[derive(Clone, Debug, Default)]
pub struct SteadyExtras {
    /// The latest-inference answer a consumer reads (`LatestNetworkInference`).
    pub answer: Option<Answer>,
    /// Probes of the last nonce's closes: (name, meter), see [`Net::run_nonce`].
    pub probes: Vec<(String, Meter)>,
    /// Inference path of the measured nonce and its number among the topic's nonces.
    pub path: String,
    pub nonce_ordinal: usize,
    /// The number (1-based) of the first nonce on the weighted path.
    pub weighted_from: Option<usize>,
    /// Operations that could not be measured, with the reason.
    pub missing: Vec<String>,
}

/// The size of a query answer and of the VM query result that carries it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Answer {
    /// The answer's JSON bytes.
    pub bytes: u64,
    /// The contract's query result as the VM reads it: `{"ok":"<base64 of the answer>"}`.
    pub result_bytes: u64,
}

/// Probe names (see [`Net::run_nonce`]).
pub mod probe {
    pub const WORKER_ALL_NEW: &str = "worker close, all-new mode (weights skipped)";
    pub const REPUTER_ITERS_1: &str = "reputer close, 1 consensus iteration";
    pub const REPUTER_ITERS_2: &str = "reputer close, 2 consensus iterations";
}

/// One topic of one active-set size with every contract deployed, driven nonce by nonce.
pub struct Net {
    pub s: VmSuite,
    pub size: (u32, u32, u32),
    pub label: String,
    pub synthesis: Addr,
    pub rd: Addr,
    pub topic: u64,
    workers: Vec<String>,
    reputers: Vec<String>,
    /// Actor index of each worker, then of each reputer.
    actors: Vec<u32>,
    reputer_actors: Vec<u32>,
    pub nonces: Vec<u64>,
    keeper: Addr,
    rd_checked: bool,
    activated: bool,
    /// The topic's reveal window (0: payloads in the clear).
    reveal_window: u64,
}

/// The meters of one nonce's operations when it is measured.
pub struct NonceMeters {
    /// The payload, or on a commit–reveal topic its reveal.
    pub payload: (Meter, u64),
    /// The commitment, on a commit–reveal topic.
    pub commit: Option<(Meter, u64)>,
    pub worker_close: (Meter, u64),
    pub bundle: (Meter, u64),
    pub reputer_close: (Meter, u64),
}

impl Net {
    /// Deploys the suite, synthesis and reward-distribution and a topic whose `ni` workers
    /// (the first `nf` also forecast) and `nr` reputers are registered and staked.
    pub fn deploy(size: (u32, u32, u32)) -> Result<Net> {
        Net::deploy_with(size, Rules::REFERENCE)
    }

    /// [`Net::deploy`] with a topic under the given rules.
    pub fn deploy_with(size: (u32, u32, u32), rules: Rules) -> Result<Net> {
        Net::deploy_topic(size, rules, 0)
    }

    /// [`Net::deploy_with`] on a commit–reveal topic when `reveal_window > 0`.
    pub fn deploy_topic(
        (ni, nf, nr): (u32, u32, u32),
        rules: Rules,
        reveal_window: u64,
    ) -> Result<Net> {
        let size = format!("{ni}/{nf}/{nr}");
        let mut deploy = Deploy::default();
        deploy.params.synthesis.max_top_inferers_to_reward = ni;
        deploy.params.synthesis.max_top_forecasters_to_reward = nf;
        deploy.params.synthesis.max_top_reputers_to_reward = nr;
        // The bench's stakes and fees are small next to the default activation threshold.
        deploy.params.rewards.min_topic_weight = cosmwasm_std::Decimal::raw(1);
        let mut s = VmSuite::new(deploy)?;
        let synthesis = s.deploy_synthesis()?;
        // reward-distribution, stored without the static checks when it fails them
        // (measured, and flagged in the report, but not deployable as it is).
        let rd_checked = s.chain.store_artifact("reward-distribution").is_ok();
        if !rd_checked {
            s.chain.store_artifact_unchecked("reward-distribution")?;
        }
        let security = s.account("security");
        let rd = s.chain.instantiate(
            "reward-distribution",
            &s.admin,
            &rd_msg::InstantiateMsg {
                owner: None,
                denom: cw20::Denom::Native(DENOM.into()),
                topic_registry: s.registry.to_string(),
                fee_vault: s.vault.to_string(),
                staking: s.staking.to_string(),
                synthesis: synthesis.to_string(),
                chain_security_recipient: security.to_string(),
                emission: rd_msg::EmissionParams {
                    total_supply: cosmwasm_std::Uint128::new(1_000_000_000_000_000),
                    circulating_supply: cosmwasm_std::Uint128::new(100_000_000_000_000),
                    emission_rate: cosmwasm_std::Decimal::permille(25),
                    max_monthly_percentage_yield: cosmwasm_std::Decimal::raw(9_500_000_000_000_000),
                    one_month_smoothing_degree: cosmwasm_std::Decimal::percent(10),
                    default_reputer_share: cosmwasm_std::Decimal::from_ratio(1u128, 3u128),
                    // The bench's own stakes (a few times the minimum) are far too small for
                    // a whole block's emission: stake outside the suite (validators) makes it
                    // one.
                    external_stake: cosmwasm_std::Uint128::new(10_000_000_000_000),
                },
                max_epochs_per_call: None,
                max_topics_per_call: None,
            },
            &[],
        )?;
        let admin = s.admin.clone();
        s.chain.execute(
            &admin,
            &s.vault,
            &vault_msg::ExecuteMsg::UpdateConfig {
                registry: None,
                reward_distributor: Some(rd.to_string()),
                read_fee: None,
            },
            &[],
        )?;
        s.chain.execute(
            &admin,
            &s.staking,
            &staking_msg::ExecuteMsg::UpdateConfig {
                registry: None,
                reward_distributor: Some(rd.to_string()),
                unbonding_blocks: None,
                max_removals_per_call: None,
                min_removal: None,
                min_delegation: None,
            },
            &[],
        )?;
        s.fund_treasury("sponsor", 100_000_000_000)?;
        let mut tp = topic_params(12, 4, 24);
        tp.allow_negative = true;
        tp.active_inferer_quantile = cosmwasm_std::Decimal::percent(99);
        tp.active_forecaster_quantile = cosmwasm_std::Decimal::percent(99);
        tp.active_reputer_quantile = cosmwasm_std::Decimal::percent(99);
        tp.rules = Some(rules);
        tp.reveal_window = reveal_window;
        let t = s.create_topic("creator", tp)?;
        let min = s.params()?.staking.required_minimum_stake.u128();
        let workers: Vec<String> = (0..ni).map(|i| format!("w{i}")).collect();
        for w in &workers {
            s.register(w, t, Role::Worker)?;
        }
        let reputers: Vec<String> = (0..nr).map(|i| format!("r{i}")).collect();
        for (i, r) in reputers.iter().enumerate() {
            s.register(r, t, Role::Reputer)?;
            s.add_stake(r, t, min + 100 * i as u128)?;
        }
        let actor_of = |s: &VmSuite, name: &str| -> Result<u32> {
            let r: registry_msg::ActorIndexResponse = s.chain.query(
                &s.registry,
                &registry_msg::QueryMsg::ActorIndex {
                    topic_id: t,
                    address: s.chain.addr(name).to_string(),
                },
            )?;
            Ok(r.actor_index.unwrap_or_default())
        };
        let actors = workers
            .iter()
            .map(|w| actor_of(&s, w))
            .collect::<Result<_>>()?;
        let reputer_actors = reputers
            .iter()
            .map(|r| actor_of(&s, r))
            .collect::<Result<_>>()?;
        s.chain.advance_blocks(1);
        s.fund_topic("consumer", t, 1_000_000)?;
        let keeper0 = s.account("keeper");
        let activated = s
            .chain
            .execute(
                &keeper0,
                &rd,
                &rd_msg::ExecuteMsg::ActivateTopic { topic_id: t },
                &[],
            )
            .map_err(|e| eprintln!("activate {size}: {e:#}"))
            .is_ok();
        let keeper = s.account("keeper");
        Ok(Net {
            s,
            size: (ni, nf, nr),
            label: size,
            synthesis,
            rd,
            topic: t,
            workers,
            reputers,
            actors,
            reputer_actors,
            nonces: vec![],
            keeper,
            rd_checked,
            activated,
            reveal_window,
        })
    }

    fn open(&self) -> Result<syn::OpenWindowsResponse> {
        self.s.chain.query(
            &self.synthesis,
            &syn::QueryMsg::OpenWindows {
                topic_id: self.topic,
            },
        )
    }

    fn close_msg(&self) -> syn::ExecuteMsg {
        syn::ExecuteMsg::CloseWindows {
            topic_id: self.topic,
            limit: Some(1),
        }
    }

    /// Runs one nonce through both windows: every worker's payload (forecasters send an
    /// inference and a forecast naming 12 inferers, or all of them when fewer), the worker
    /// close, every reputer's bundle with every list filled, the reputer close. With
    /// `measure`, the last payload and bundle sent (worker 0, reputer 0) and both closes
    /// are measured, and with `probes` the probes of both closes run first (rolled back).
    /// Returns the nonce's inference path and the meters.
    pub fn run_nonce(
        &mut self,
        round: usize,
        measure: bool,
        probes: Option<&mut Vec<(String, Meter)>>,
    ) -> Result<(syn::InferencePath, Option<NonceMeters>)> {
        let (_, nf, _) = self.size;
        let mut guard = 0;
        let w = loop {
            if let Some(w) = self
                .open()?
                .worker
                .filter(|w| self.nonces.last().is_none_or(|l| w.nonce > *l))
            {
                break w;
            }
            self.s.chain.advance_blocks(1);
            guard += 1;
            ensure!(guard < 80, "no worker window (nonce {})", round + 1);
        };
        let nonce = w.nonce;
        self.nonces.push(nonce);
        let elements = 12.min(self.actors.len());
        let payloads: Vec<(
            Addr,
            Option<SignedDecimal>,
            Option<Vec<syn::ForecastElement>>,
        )> = (0..self.workers.len())
            .rev()
            .map(|i| {
                let forecast = (i < nf as usize).then(|| {
                    (0..elements)
                        .map(|e| syn::ForecastElement {
                            inferer: self.actors[(i + 1 + e) % self.actors.len()],
                            value: dec(((i * 7 + e * 13 + round * 5) % 50) as i128 + 1),
                        })
                        .collect::<Vec<_>>()
                });
                let inference = Some(dec(((i * 37 + round * 11) % 200) as i128 - 100));
                (self.s.account(&self.workers[i]), inference, forecast)
            })
            .collect();
        // the last one sent is worker 0's: the one measured
        let last = payloads.len().saturating_sub(1);
        let salt = |sender: &Addr| -> Vec<u8> {
            let mut salt = format!("{sender}/{nonce}").into_bytes();
            salt.resize(32, 7);
            salt
        };
        let mut commit = None;
        if self.reveal_window > 0 {
            for (i, (sender, inference, forecast)) in payloads.iter().enumerate() {
                let commitment = syn::payload_commitment(
                    self.topic,
                    nonce,
                    sender.as_str(),
                    *inference,
                    forecast.as_deref(),
                    &salt(sender),
                );
                let msg = syn::ExecuteMsg::CommitWorkerPayload {
                    topic_id: self.topic,
                    nonce,
                    commitment: commitment.to_vec().into(),
                };
                if i == last && measure {
                    commit = Some(measure_req(&self.s, sender, &self.synthesis, &msg, 0)?);
                } else {
                    self.s.chain.execute(sender, &self.synthesis, &msg, &[])?;
                }
            }
            self.s.chain.set_height(w.window.end);
        }
        let mut payload = None;
        for (i, (sender, inference, forecast)) in payloads.into_iter().enumerate() {
            let msg = if self.reveal_window > 0 {
                syn::ExecuteMsg::RevealWorkerPayload {
                    topic_id: self.topic,
                    nonce,
                    inference,
                    forecast,
                    salt: salt(&sender).into(),
                }
            } else {
                syn::ExecuteMsg::SubmitWorkerPayload {
                    topic_id: self.topic,
                    nonce,
                    inference,
                    forecast,
                }
            };
            if i == last && measure {
                payload = Some(measure_req(&self.s, &sender, &self.synthesis, &msg, 0)?);
            } else {
                self.s.chain.execute(&sender, &self.synthesis, &msg, &[])?;
            }
        }
        self.s.chain.set_height(w.window.end + self.reveal_window);
        let mut probes = probes;
        let close = self.close_msg();
        let worker_close = if measure {
            if let Some(p) = probes.as_deref_mut() {
                p.push((
                    probe::WORKER_ALL_NEW.into(),
                    self.probe_worker_close_all_new()?,
                ));
            }
            Some(measure_req(
                &self.s,
                &self.keeper,
                &self.synthesis,
                &close,
                0,
            )?)
        } else {
            self.s
                .chain
                .execute(&self.keeper, &self.synthesis, &close, &[])?;
            None
        };
        // The reputers' view of the inference: read without the VM's query-size limit
        // (the largest sets exceed it; the report measures that separately).
        let inf: syn::NetworkInferenceResponse = self.s.chain.query_unlimited(
            &self.synthesis,
            &syn::QueryMsg::NetworkInference {
                topic_id: self.topic,
                nonce,
            },
        )?;
        let inf = inf.inference;
        let path = inf.path;
        let rw = loop {
            if let Some(r) = self.open()?.reputer.filter(|r| r.nonce == nonce) {
                break r;
            }
            self.s.chain.advance_blocks(1);
            guard += 1;
            ensure!(guard < 160, "no reputer window (nonce {nonce})");
        };
        let mut bundle = None;
        for m_i in (0..self.reputers.len()).rev() {
            let off = m_i as i128 + round as i128;
            let b = syn::LossBundle {
                combined: dec(10 + off),
                naive: dec(12 + off),
                inferers: wv(&inf.inferences, |w| 5 + (w as i128 + off) % 9),
                forecasters: wv(&inf.forecast_implied, |w| 6 + (w as i128 + off) % 7),
                one_out_inferers: wv(&inf.one_out_inferers, |w| 9 + (w as i128 + off) % 5),
                one_out_forecasters: wv(&inf.one_out_forecasters, |w| 9 + (w as i128 + off) % 4),
                one_in_forecasters: wv(&inf.one_in_forecasters, |w| 11 + (w as i128 + off) % 3),
                one_out_implied: inf
                    .one_out_implied
                    .iter()
                    .map(|v| syn::WithheldValue {
                        withheld: v.withheld,
                        forecaster: v.forecaster,
                        value: dec(7 + (v.withheld as i128 + v.forecaster as i128 + off) % 6),
                    })
                    .collect(),
            };
            let sender = self.s.account(&self.reputers[m_i]);
            let msg = syn::ExecuteMsg::SubmitLossBundle {
                topic_id: self.topic,
                nonce,
                bundle: b,
            };
            if m_i == 0 && measure {
                bundle = Some(measure_req(&self.s, &sender, &self.synthesis, &msg, 0)?);
            } else {
                self.s.chain.execute(&sender, &self.synthesis, &msg, &[])?;
            }
        }
        self.s.chain.set_height(rw.window.end);
        let reputer_close = if measure {
            if let Some(p) = probes.as_deref_mut() {
                // 1 and 2, not 0 and 1: the parameters refuse 0 iterations, and a close
                // whose maths is refused skips the nonce (a far cheaper path)
                for (name, iters) in [(probe::REPUTER_ITERS_1, 1), (probe::REPUTER_ITERS_2, 2)] {
                    p.push((name.into(), self.probe_reputer_close_iters(iters)?));
                }
            }
            Some(measure_req(
                &self.s,
                &self.keeper,
                &self.synthesis,
                &close,
                0,
            )?)
        } else {
            self.s
                .chain
                .execute(&self.keeper, &self.synthesis, &close, &[])?;
            None
        };
        let meters = match (payload, worker_close, bundle, reputer_close) {
            (Some(payload), Some(worker_close), Some(bundle), Some(reputer_close)) => {
                Some(NonceMeters {
                    payload,
                    commit,
                    worker_close,
                    bundle,
                    reputer_close,
                })
            }
            _ => None,
        };
        Ok((path, meters))
    }

    /// A probe: `edit` changes synthesis's stored state, the pending close runs and is
    /// measured, and everything (the edit included) is rolled back, so the run goes on
    /// exactly as without it.
    /// A probe whose close skipped its nonce (the edit made the maths refuse it) is an
    /// error: it would measure another path.
    fn probe(&self, edit: impl FnOnce(&Net) -> Result<()>) -> Result<Meter> {
        let cp = self.s.chain.checkpoint();
        let run = || -> Result<Meter> {
            edit(self)?;
            let (meter, tx) =
                measure_tx(&self.s, &self.keeper, &self.synthesis, &self.close_msg(), 0)?;
            let skipped = tx
                .events
                .iter()
                .flat_map(|e| &e.attributes)
                .any(|a| a.key == "status" && a.value == "skipped");
            ensure!(
                !skipped,
                "a probe's close skipped its nonce: {:?}",
                tx.attr("reason")
            );
            Ok(meter)
        };
        let out = run();
        self.s.chain.rollback(cp);
        out
    }

    /// The pending worker close with the topic initial regret set to 0: the all-new mode of
    /// MATH.md §3.3/§4 (plain means and medians, no regret-informed weights), on the same
    /// payloads and state.
    fn probe_worker_close_all_new(&self) -> Result<Meter> {
        self.probe(|net| {
            let key = map_key("topics", &net.topic.to_be_bytes());
            net.edit_synthesis_json(&key, "initial_regret", "\"0\"")
        })
    }

    /// The pending reputer close with the consensus search cut to `iters` iterations
    /// (synthesis's cached `gradient_descent_max_iters`, at least 1).
    fn probe_reputer_close_iters(&self, iters: u32) -> Result<Meter> {
        self.probe(|net| {
            net.edit_synthesis_json(b"globals", "gradient_descent_max_iters", &iters.to_string())
        })
    }

    /// Replaces the JSON value of `field` in synthesis's record under `key`.
    fn edit_synthesis_json(&self, key: &[u8], field: &str, value: &str) -> Result<()> {
        let raw =
            self.s.chain.raw(&self.synthesis, key).ok_or_else(|| {
                anyhow!("synthesis has no record for the probe's edit of {field}")
            })?;
        let edited = replace_json_value(&raw, field, value)?;
        self.s.chain.set_raw(&self.synthesis, key, &edited);
        Ok(())
    }

    /// How many epochs synthesis scored `actor` in for `class`, from its record in the class's
    /// hot record (`actor_scores_hot`, where the last reputer close put it) or else under its
    /// own key (`actor_scores`); the layouts are synthesis's `actor_scores` module's.
    fn inclusions(&self, class: u8, actor: u32) -> u64 {
        let mut key = map_key("actor_scores_hot", &[]);
        key.extend([0, 8]);
        key.extend(self.topic.to_be_bytes());
        key.push(class);
        if let Some(record) = self.s.chain.raw(&self.synthesis, &key) {
            if let Some(n) = hot_inclusions(&record, actor) {
                return n;
            }
        }
        let mut key = map_key("actor_scores", &[]);
        key.extend([0, 8]);
        key.extend(self.topic.to_be_bytes());
        key.extend([0, 1, class]);
        key.extend(actor.to_be_bytes());
        let Some(record) = self.s.chain.raw(&self.synthesis, &key) else {
            return 0;
        };
        // the third varint, after the EMA and its height
        let count = varints(&record).nth(2).unwrap_or(0);
        count as u64
    }

    /// Every inferer, forecaster and reputer has been scored in at least `1/alpha_regret`
    /// epochs (experienced, MATH.md §6.3).
    fn least_inclusions(&self) -> u64 {
        let (_, nf, _) = self.size;
        let inferers = self.actors.iter().map(|a| self.inclusions(0, *a));
        let forecasters = self.actors[..nf as usize]
            .iter()
            .map(|a| self.inclusions(1, *a));
        let reputers = self.reputer_actors.iter().map(|a| self.inclusions(2, *a));
        inferers
            .chain(forecasters)
            .chain(reputers)
            .min()
            .unwrap_or(0)
    }

    fn epoch_outcome(&self, epoch: u64) -> Result<Option<rd_msg::EpochOutcome>> {
        let r: rd_msg::EpochRewardResponse = self.s.chain.query(
            &self.rd,
            &rd_msg::QueryMsg::EpochReward {
                topic_id: self.topic,
                epoch,
            },
        )?;
        Ok(r.reward.map(|r| r.outcome))
    }

    fn settle_msg(&self) -> rd_msg::ExecuteMsg {
        rd_msg::ExecuteMsg::Settle {
            topic_id: Some(self.topic),
            limit: Some(1),
        }
    }

    /// Settles the topic's due epochs one call at a time, until none is due; returns the
    /// meter of the call that settled `epoch` (`None` if it was settled before). Fails if
    /// `epoch` is left unsettled or is settled as anything but `Rewarded`.
    fn settle_due(&self, epoch: u64) -> Result<Option<(Meter, u64)>> {
        let settle = self.settle_msg();
        let mut found = None;
        let mut stopped = String::new();
        for _ in 0..256 {
            let before = self.epoch_outcome(epoch)?;
            let m = match measure(&self.s, &self.keeper, &self.rd, &settle, 0) {
                Ok(m) => m,
                // nothing left to settle (or a refusal, reported below if it matters)
                Err(e) => {
                    stopped = format!("{e:#}");
                    break;
                }
            };
            if before.is_none() {
                if let Some(o) = self.epoch_outcome(epoch)? {
                    ensure!(
                        o == rd_msg::EpochOutcome::Rewarded,
                        "epoch {epoch} settled as {o:?}"
                    );
                    found = Some((m, request_bytes(&settle)?));
                }
            }
        }
        ensure!(
            self.epoch_outcome(epoch)?.is_some(),
            "epoch {epoch} was not settled; the last settle call said: {stopped}"
        );
        Ok(found)
    }

    /// The rows of a measured nonce's worker messages: the payload, or on a commit–reveal
    /// topic the commitment and the reveal (the floor is the plain payload's).
    fn payload_rows(&self, rows: &mut Vec<Row>, m: &NonceMeters, payload_floor: Option<Floor>) {
        let size = &self.label;
        if let Some((meter, bytes)) = &m.commit {
            rows.push(Row::new(op::COMMIT, size, meter.clone()).request(*bytes));
        }
        let name = if m.commit.is_some() {
            op::REVEAL
        } else {
            op::PAYLOAD
        };
        let mut row = Row::new(name, size, m.payload.0.clone()).request(m.payload.1);
        if let Some(f) = payload_floor {
            row = row.floor(f);
        }
        rows.push(row);
    }

    /// The first phase as the report has always measured it: [`FIRST_NONCES`] nonces, the
    /// first one measured; the settlement of the first rewarded epoch; a claim; at the
    /// smallest size a registration with synthesis wired and a dApp's read.
    pub fn first_phase(&mut self, rows: &mut Vec<Row>) -> Result<()> {
        let size = self.label.clone();
        let (ni, nf, nr) = self.size;
        for round in 0..FIRST_NONCES {
            if let (_, Some(m)) = self.run_nonce(round, round == 0, None)? {
                self.payload_rows(rows, &m, None);
                rows.push(
                    Row::new(op::WORKER_CLOSE, &size, m.worker_close.0).request(m.worker_close.1),
                );
                rows.push(Row::new(op::BUNDLE, &size, m.bundle.0).request(m.bundle.1));
                rows.push(
                    Row::new(op::REPUTER_CLOSE, &size, m.reputer_close.0)
                        .note("losses, regrets, scores")
                        .request(m.reputer_close.1),
                );
            }
        }

        // Settlement in reward-distribution, one epoch per call, in order. The calls before
        // the first rewarded epoch (the NoLossYet nonce, epochs without a nonce) are cranked
        // through unreported; the call that settles the first `Rewarded` epoch is the row.
        ensure!(
            self.activated,
            "reward-distribution did not activate the topic"
        );
        let flag = if self.rd_checked {
            ""
        } else {
            "artifact fails the static checks"
        };
        let settle = self.settle_msg();
        let mut outcomes: Vec<String> = vec![];
        let mut settled = None;
        for call in 0..64u32 {
            let before: Vec<_> = self
                .nonces
                .iter()
                .map(|n| self.epoch_outcome(*n))
                .collect::<Result<_>>()?;
            let m = match measure(&self.s, &self.keeper, &self.rd, &settle, 0) {
                Ok(m) => m,
                Err(e) => {
                    outcomes.push(format!("settle call {} failed: {e:#}", call + 1));
                    break;
                }
            };
            for (i, n) in self.nonces.iter().enumerate() {
                let now = self.epoch_outcome(*n)?;
                if before[i].is_none() {
                    if let Some(o) = now {
                        outcomes.push(format!("nonce {n}: {o:?}"));
                        if o == rd_msg::EpochOutcome::Rewarded && settled.is_none() {
                            settled = Some((*n, i + 1, m.clone()));
                        }
                    }
                }
            }
            if settled.is_some() || outcomes.len() >= self.nonces.len() {
                break;
            }
        }
        let Some((epoch, ordinal, m)) = settled else {
            anyhow::bail!(
                "settlement: no epoch of the topic's first {} scored nonces settled as `Rewarded` ({})",
                self.nonces.len(),
                outcomes.join(", ")
            );
        };
        // The first rewarded epoch of the month also writes the month's emission record.
        let mut note = format!(
            "`Rewarded` epoch {epoch}, scored nonce {ordinal} of {FIRST_NONCES}; with the month's emission record"
        );
        if !flag.is_empty() {
            note = format!("{note}; {flag}");
        }
        rows.push(
            Row::new(op::SETTLEMENT, &size, m)
                .calls(1)
                .note(note)
                .request(request_bytes(&settle)?),
        );
        let claimer = self.claimer()?;
        let (m, b) = measure_req(
            &self.s,
            &claimer,
            &self.rd,
            &rd_msg::ExecuteMsg::Claim {},
            0,
        )?;
        rows.push(Row::new(op::CLAIM, &size, m).note(flag).request(b));

        // Registration as deployed: the registry also tells synthesis (one more instance).
        if (ni, nf, nr) == SIZES[0] {
            let (m, b) = self.register_new_worker("late-worker")?;
            rows.push(
                Row::new(op::REGISTER_WIRED, "-", m)
                    .note("worker; fee to fee-vault, copy to synthesis")
                    .request(b),
            );
            // A dApp's paid read through the example consumer: it asks the vault for the
            // fee, reads the latest inference from synthesis and pays the vault, in one
            // transaction.
            let (m, b) = self.dapp_read("dapp-user")?;
            rows.push(
                Row::new(op::DAPP_READ, "-", m)
                    .note("fee from fee-vault, inference from synthesis, payment to fee-vault")
                    .request(b),
            );
        }
        Ok(())
    }

    /// The first owner with a claimable balance.
    fn claimer(&self) -> Result<Addr> {
        let c: rd_msg::ClaimablesResponse = self.s.chain.query(
            &self.rd,
            &rd_msg::QueryMsg::Claimables {
                start_after: None,
                limit: Some(1),
            },
        )?;
        c.claimables
            .first()
            .map(|c| c.address.clone())
            .ok_or_else(|| anyhow!("claim: nothing claimable"))
    }

    /// A new worker registers (the registry forwards the fee and tells synthesis).
    fn register_new_worker(&mut self, name: &str) -> Result<(Meter, u64)> {
        let late = self.s.account(name);
        let msg = registry_msg::ExecuteMsg::Register {
            topic_id: self.topic,
            role: Role::Worker,
            owner: None,
        };
        let fee = self.s.params()?.registry.registration_fee.u128();
        let registry = self.s.registry.clone();
        measure_req(&self.s, &late, &registry, &msg, fee)
    }

    /// A dApp's read of the latest inference through a new example consumer; the reading
    /// must be of the latest nonce.
    fn dapp_read(&mut self, reader: &str) -> Result<(Meter, u64)> {
        let consumer = self.s.chain.instantiate(
            "example-consumer",
            &self.s.admin,
            &consumer_msg::InstantiateMsg {
                fee_vault: self.s.vault.to_string(),
                synthesis: self.synthesis.to_string(),
                guards: vec![consumer_msg::Guard {
                    topic_id: self.topic,
                    threshold: SignedDecimal::zero(),
                }],
                max_age: 10_000,
                history_limit: None,
            },
            &[],
        )?;
        let fee = self.s.read_fee(self.topic)?;
        let reader = self.s.account(reader);
        let msg = consumer_msg::ExecuteMsg::UseLatestInference {
            topic_id: self.topic,
            max_age: None,
        };
        let out = measure_req(&self.s, &reader, &consumer, &msg, fee)?;
        let last: consumer_msg::LastReadingResponse = self.s.chain.query(
            &consumer,
            &consumer_msg::QueryMsg::LastReading {
                topic_id: self.topic,
            },
        )?;
        let latest = self.nonces.last().copied();
        ensure!(
            last.reading.as_ref().map(|r| r.nonce) == latest,
            "the consumer's reading {:?} is not of the latest nonce {latest:?}",
            last.reading
        );
        Ok(out)
    }

    /// Carries the topic on to [`STEADY_NONCES`] nonces (after [`Net::first_phase`]): a
    /// delegator behind every reputer, every actor submitting every nonce, the keeper
    /// settling each epoch as it becomes due. The last nonce is measured (with probes), then
    /// its settlement and the operations around a steady topic.
    pub fn steady_phase(&mut self, rows: &mut Vec<Row>) -> Result<SteadyExtras> {
        let size = self.label.clone();
        let fs = Size::new(self.size);
        let mut extras = SteadyExtras::default();
        // Delegators stake behind every reputer, so settlement also pays delegators.
        for i in 0..self.reputers.len() {
            let r = self.reputers[i].clone();
            self.s.delegate(&format!("d{i}"), self.topic, &r, 10_000)?;
        }
        if let Some(last) = self.nonces.last().copied() {
            self.settle_due(last)?;
        }
        let first = self.nonces.len();
        for round in first..STEADY_NONCES {
            let last = round + 1 == STEADY_NONCES;
            if last {
                let least = self.least_inclusions();
                ensure!(
                    least >= 10,
                    "an actor was scored in only {least} epochs before the measured nonce"
                );
            }
            let mut probes = vec![];
            let (path, m) = self.run_nonce(round, last, last.then_some(&mut probes))?;
            extras.probes.extend(probes);
            if path == (syn::InferencePath::Full { all_new: false }) {
                extras.weighted_from.get_or_insert(self.nonces.len());
            }
            let nonce = *self.nonces.last().ok_or_else(|| anyhow!("no nonce"))?;
            let settled = self.settle_due(nonce)?;
            if let Some(m) = m {
                extras.path = format!("{path:?}");
                extras.nonce_ordinal = self.nonces.len();
                ensure!(
                    path == syn::InferencePath::Full { all_new: false },
                    "the measured nonce ran the {path:?} path, not the weighted one"
                );
                self.payload_rows(rows, &m, Some(floor::worker_payload(fs)));
                rows.push(
                    Row::new(op::WORKER_CLOSE, &size, m.worker_close.0)
                        .request(m.worker_close.1)
                        .floor(floor::worker_close(fs)),
                );
                rows.push(
                    Row::new(op::BUNDLE, &size, m.bundle.0)
                        .request(m.bundle.1)
                        .floor(floor::reputer_bundle(fs)),
                );
                rows.push(
                    Row::new(op::REPUTER_CLOSE, &size, m.reputer_close.0)
                        .request(m.reputer_close.1)
                        .floor(floor::reputer_close(fs)),
                );
                match settled {
                    Some((m, b)) => rows.push(
                        Row::new(op::SETTLEMENT, &size, m)
                            .request(b)
                            .floor(floor::settlement(fs)),
                    ),
                    None => extras.missing.push(format!(
                        "{} at {size}: the last nonce's epoch was not settled as `Rewarded`",
                        op::SETTLEMENT
                    )),
                }
            }
        }

        let claimer = self.claimer()?;
        let (m, b) = measure_req(
            &self.s,
            &claimer,
            &self.rd,
            &rd_msg::ExecuteMsg::Claim {},
            0,
        )?;
        rows.push(
            Row::new(op::CLAIM, &size, m)
                .request(b)
                .floor(floor::claim()),
        );

        let read_fee = self.s.read_fee(self.topic)?;
        let dapp = self.s.account("steady-dapp");
        let msg = vault_msg::ExecuteMsg::PayForRead {
            topic_id: self.topic,
        };
        // The first read of an epoch creates its revenue record; measure a later one.
        self.s
            .chain
            .execute(&dapp, &self.s.vault, &msg, &funds(read_fee, DENOM))?;
        let vault = self.s.vault.clone();
        let (m, b) = measure_req(&self.s, &dapp, &vault, &msg, read_fee)?;
        rows.push(
            Row::new(op::PAY_PER_READ, &size, m)
                .request(b)
                .floor(floor::pay_per_read()),
        );

        extras.answer = Some(self.latest_inference_answer()?);
        match self.dapp_read("steady-dapp-user") {
            Ok((m, b)) => rows.push(Row::new(op::DAPP_READ, &size, m).request(b)),
            Err(e) => extras
                .missing
                .push(format!("{} at {size}: {e:#}", op::DAPP_READ)),
        }

        let (m, b) = self.register_new_worker("steady-late-worker")?;
        rows.push(Row::new(op::REGISTER_WIRED, &size, m).request(b));

        let min = self.s.params()?.staking.required_minimum_stake.u128();
        let r0 = self.s.account(&self.reputers[0]);
        let msg = staking_msg::ExecuteMsg::AddStake {
            topic_id: self.topic,
        };
        let staking = self.s.staking.clone();
        let (m, b) = measure_req(&self.s, &r0, &staking, &msg, min)?;
        rows.push(Row::new(op::STAKE, &size, m).request(b));

        let delegator = self.s.account("steady-delegator");
        let msg = staking_msg::ExecuteMsg::Delegate {
            topic_id: self.topic,
            reputer: r0.to_string(),
        };
        let (m, b) = measure_req(&self.s, &delegator, &staking, &msg, 5_000)?;
        rows.push(Row::new(op::DELEGATE, &size, m).request(b));
        Ok(extras)
    }

    /// The latest-inference answer a consumer reads, and the VM query result carrying it.
    pub fn latest_inference_answer(&self) -> Result<Answer> {
        let raw = self.s.chain.query_result_raw(
            &self.synthesis,
            &syn::QueryMsg::LatestNetworkInference {
                topic_id: self.topic,
                max_age: None,
            },
        )?;
        let result: cosmwasm_std::ContractResult<cosmwasm_std::Binary> =
            cosmwasm_std::from_json(&raw)?;
        let answer = result
            .into_result()
            .map_err(|e| anyhow!("latest inference: {e}"))?;
        Ok(Answer {
            bytes: answer.len() as u64,
            result_bytes: raw.len() as u64,
        })
    }
}

/// A cw-storage-plus key: the namespace with its length, then `rest`.
fn map_key(namespace: &str, rest: &[u8]) -> Vec<u8> {
    let mut key = (namespace.len() as u16).to_be_bytes().to_vec();
    key.extend(namespace.as_bytes());
    key.extend(rest);
    key
}

/// `json` with the value of its (first) field `field` — a string or a number — replaced by
/// the JSON literal `value`.
fn replace_json_value(json: &[u8], field: &str, value: &str) -> Result<Vec<u8>> {
    let text = std::str::from_utf8(json)?;
    let tag = format!("\"{field}\":");
    let start = text
        .find(&tag)
        .ok_or_else(|| anyhow!("no field {field} in the record"))?
        + tag.len();
    let rest = &text[start..];
    let len = if let Some(s) = rest.strip_prefix('"') {
        s.find('"')
            .map(|i| i + 2)
            .ok_or_else(|| anyhow!("unterminated string in {field}"))?
    } else {
        rest.find([',', '}']).unwrap_or(rest.len())
    };
    Ok(format!("{}{}{}", &text[..start], value, &rest[len..]).into_bytes())
}

/// The first phase at one size: `Net::deploy` + `Net::first_phase`.
pub fn synthesis_rows(rows: &mut Vec<Row>, size: (u32, u32, u32)) -> Result<()> {
    let mut net = Net::deploy(size)?;
    net.first_phase(rows)
}

/// Both phases at one size: the first-phase rows, then the steady-state rows.
pub struct SizeRun {
    pub first: Vec<Row>,
    pub steady: Vec<Row>,
    pub extras: SteadyExtras,
    /// The topic, as the run left it.
    pub net: Net,
}

pub fn steady_run(size: (u32, u32, u32)) -> Result<SizeRun> {
    steady_run_with(size, Rules::REFERENCE)
}

/// [`steady_run`] with a topic under the given rules.
pub fn steady_run_with(size: (u32, u32, u32), rules: Rules) -> Result<SizeRun> {
    steady_run_topic(size, rules, 0)
}

/// The reveal window of the bench's commit–reveal topic (its worker window is 4 of 12 blocks).
pub const COMMIT_REVEAL_WINDOW: u64 = 3;

/// [`steady_run_with`] on a commit–reveal topic when `reveal_window > 0`.
pub fn steady_run_topic(
    size: (u32, u32, u32),
    rules: Rules,
    reveal_window: u64,
) -> Result<SizeRun> {
    let mut net = Net::deploy_topic(size, rules, reveal_window)?;
    let mut first = vec![];
    net.first_phase(&mut first)?;
    let mut steady = vec![];
    let extras = net.steady_phase(&mut steady)?;
    for r in &mut steady {
        r.phase = Phase::Steady;
    }
    Ok(SizeRun {
        first,
        steady,
        extras,
        net,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_are_replaced_in_place() {
        let j = br#"{"a":"-1.5","initial_regret":"-2.25","n":10,"m":{"x":3}}"#;
        assert_eq!(
            replace_json_value(j, "initial_regret", "\"0\"").unwrap(),
            br#"{"a":"-1.5","initial_regret":"0","n":10,"m":{"x":3}}"#
        );
        assert_eq!(
            replace_json_value(j, "n", "1").unwrap(),
            br#"{"a":"-1.5","initial_regret":"-2.25","n":1,"m":{"x":3}}"#
        );
        assert_eq!(
            replace_json_value(br#"{"x":3}"#, "x", "4").unwrap(),
            br#"{"x":4}"#
        );
        assert!(replace_json_value(j, "missing", "1").is_err());
        assert_eq!(map_key("ab", &[1]), vec![0, 2, b'a', b'b', 1]);
    }
}

/// The LEB128 varints of a record, in order (a byte below 0x80 ends one).
fn varints(record: &[u8]) -> impl Iterator<Item = u128> + '_ {
    record.split_inclusive(|b| *b < 0x80).map(|v| {
        v.iter()
            .rev()
            .fold(0u128, |n, b| (n << 7) | u128::from(b & 0x7f))
    })
}

/// `actor`'s inclusion count in a class's hot record: the largest height, the count, then per
/// entry the id's zigzag distance from the previous one, the EMA, the height's distance, the
/// count, a flag byte (0 or 1, itself a one-byte varint) and the listening coefficient when
/// the flag is 1.
fn hot_inclusions(record: &[u8], actor: u32) -> Option<u64> {
    let mut v = varints(record).skip(1);
    let entries = v.next()?;
    let mut id: i128 = 0;
    for _ in 0..entries {
        let step = v.next()?;
        id += (step >> 1) as i128 ^ -((step & 1) as i128);
        let (_ema, _back, inclusions, flag) = (v.next()?, v.next()?, v.next()?, v.next()?);
        if flag == 1 {
            v.next()?;
        }
        if id == i128::from(actor) {
            return u64::try_from(inclusions).ok();
        }
    }
    None
}
