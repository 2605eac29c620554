//! The driver: deploys the suite, creates topics and participants from a scenario, then
//! steps block by block — workers submit when a worker window opens, the keeper closes
//! windows and settles, reputers report once the ground truth is out, consumers pay —
//! and records everything the report needs.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{Context, Result};
use cosmwasm_std::SignedDecimal;
use nous_types::synthesis::{
    InferencePath, LossBundle, NetworkInference, WithheldValue, WorkerValue,
};
use nous_types::topic_registry::{GlobalParams, Role, TopicParams};

use crate::actors::{self, ForecasterMemory, Revealed};
use crate::network::{dec, num, Network, Payload, TxStat, TOKEN, TOKEN_DECIMALS};
use crate::rng::Rng;
use crate::scenario::{Behaviour, Model, Scenario};
use crate::world::{self, Series};
use cosmwasm_std::Uint128;
use nous_chain::{Chain, SuiteConfig};
use nous_tests::{AppChain, EmbeddedChain, SuiteBuilder};

/// What a participant is, for the report.
#[derive(Clone, Debug)]
pub struct Actor {
    pub name: &'static str,
    pub class: &'static str,
    pub kind: String,
}

/// One epoch of one topic.
#[derive(Clone, Debug, Default)]
pub struct EpochRecord {
    pub epoch: u64,
    pub regime: usize,
    pub truth: f64,
    /// Submitted inferences by inferer name (None: skipped this epoch).
    pub submitted: BTreeMap<&'static str, f64>,
    /// Forecast-implied inferences stored by the network, by forecaster name.
    pub implied: BTreeMap<&'static str, f64>,
    pub network: Option<f64>,
    pub naive: Option<f64>,
    pub path: String,
    pub admitted_inferers: usize,
    pub forecast_implied: usize,
    pub scored: bool,
    pub drawn: u128,
    pub paid_inferers: u128,
    pub paid_forecasters: u128,
    pub paid_reputers: u128,
    pub delegators: u128,
    pub chain_security: u128,
    pub outcome: String,
}

pub struct TopicRun {
    pub id: u64,
    pub name: String,
    pub epoch_length: u64,
    pub start: u64,
    pub epochs: u64,
    pub window: u64,
    pub lag: u64,
    pub series: Series,
    pub records: Vec<EpochRecord>,
    pub worker_index: BTreeMap<&'static str, u32>,
    pub reputer_index: BTreeMap<&'static str, u32>,
    /// Listening coefficient per reputer after the last scored epoch.
    pub listening: BTreeMap<&'static str, f64>,
    pub listening_sum: BTreeMap<&'static str, (f64, u32)>,
    pub weight: String,
    /// Consumer funding and paid reads of this topic (base units, count).
    pub funding: u128,
    pub reads: u64,
    memories: Vec<ForecasterMemory>,
    last_scored: Option<u64>,
    /// The chain's nonce of the simulation's epoch 0: the first epoch of the topic whose
    /// worker window opens after setup (0 on the embedded chain, where setup takes no
    /// blocks; on a node the setup's transactions take some). `start` is its start.
    pub nonce0: u64,
}

/// Token flows seen by the driver.
#[derive(Clone, Debug, Default)]
pub struct Flows {
    pub treasury_start: u128,
    pub treasury_end: u128,
    pub creation_fees: u128,
    pub registration_fees: u128,
    pub topic_funding: u128,
    pub read_fees: u128,
    pub reads: u64,
    pub failed_reads: u64,
    pub drawn: u128,
    pub chain_security: u128,
    pub paid_inferers: u128,
    pub paid_forecasters: u128,
    pub paid_reputers: u128,
    pub delegators: u128,
    pub dust_net: i128,
    pub claimed: BTreeMap<&'static str, u128>,
    pub rejected: BTreeMap<String, u64>,
    pub conservation: String,
}

pub struct Run {
    pub scenario: Scenario,
    pub actors: Vec<Actor>,
    pub topics: Vec<TopicRun>,
    pub flows: Flows,
    /// Every transaction sent while driving (gas and fees are zero on the embedded chain).
    pub txs: Vec<TxStat>,
    /// Gas fees paid in the suite token (a node only).
    pub fees_paid: u128,
    /// The deliberate refusals the scenario sent (`chain.refusals_at_epoch`).
    pub refusals: Vec<crate::refusals::Refusal>,
    /// (gas used, bytes) of the overhead probe (a node only; see gas.rs).
    pub probe: Option<(u64, u64)>,
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn dparse(s: &str) -> Result<cosmwasm_std::Decimal> {
    use std::str::FromStr;
    cosmwasm_std::Decimal::from_str(s).with_context(|| format!("not a decimal: {s}"))
}

/// Progress on stderr: a bar redrawn in place.
struct Progress {
    total: u64,
    last: u64,
    enabled: bool,
}

impl Progress {
    fn tick(&mut self, done: u64) {
        if !self.enabled {
            return;
        }
        let pct = done * 100 / self.total.max(1);
        if pct == self.last && done != self.total {
            return;
        }
        self.last = pct;
        let width = 40;
        let filled = (pct as usize * width) / 100;
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r  [{}{}] {:>3}%  block {}/{}",
            "#".repeat(filled),
            "-".repeat(width - filled),
            pct,
            done,
            self.total
        );
        if done >= self.total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }
}

/// The simulated participants of a scenario: every actor for the report, the inferer
/// instances (Sybil clones expanded) and every account name, service accounts included.
pub struct Participants {
    pub actors: Vec<Actor>,
    pub inferer_instances: Vec<(&'static str, usize)>,
    pub names: Vec<&'static str>,
}

/// Accounts that are not actors: the treasury funder, the topic creator, the consumer, the
/// dApp's user and the keeper (and, when the scenario sends deliberate refusals, an
/// account that never registers).
pub const SERVICE_ACCOUNTS: [&str; 5] = [
    "foundation",
    "topic-creator",
    "consumer",
    "dapp-user",
    "keeper",
];
pub const INTRUDER: &str = "intruder";

pub fn participants(sc: &Scenario) -> Participants {
    let mut actors: Vec<Actor> = vec![];
    let mut inferer_instances: Vec<(&'static str, usize)> = vec![];
    for (i, spec) in sc.inferers.iter().enumerate() {
        for c in 0..spec.clones.max(1) {
            let name = if spec.clones > 1 {
                leak(format!("{}-{}", spec.name, c + 1))
            } else {
                leak(spec.name.clone())
            };
            inferer_instances.push((name, i));
            actors.push(Actor {
                name,
                class: "inferer",
                kind: spec.kind.clone(),
            });
        }
    }
    for f in &sc.forecasters {
        actors.push(Actor {
            name: leak(f.name.clone()),
            class: "forecaster",
            kind: format!("forecaster ({:?})", f.context).to_lowercase(),
        });
    }
    for r in &sc.reputers {
        let kind = match r.behaviour {
            Behaviour::Honest => "honest",
            Behaviour::Noisy { .. } => "noisy",
            Behaviour::Lazy => "lazy",
            Behaviour::Malicious => "malicious",
        };
        actors.push(Actor {
            name: leak(r.name.clone()),
            class: "reputer",
            kind: format!("reputer {kind}"),
        });
    }
    for d in &sc.delegators {
        actors.push(Actor {
            name: leak(d.name.clone()),
            class: "delegator",
            kind: "delegator".into(),
        });
    }
    let mut names: Vec<&'static str> = actors.iter().map(|a| a.name).collect();
    names.extend_from_slice(&SERVICE_ACCOUNTS);
    if sc.chain.refusals_at_epoch.is_some() {
        names.push(INTRUDER);
    }
    Participants {
        actors,
        inferer_instances,
        names,
    }
}

/// Every account's starting balance on the embedded chain (and what the simulator funds
/// each account with on a node).
pub const INITIAL_BALANCE: u128 = 1_000_000_000 * TOKEN;

/// The scenario's deployment settings on top of `config` (the tests' defaults): fees,
/// minimum stake, blocks per month, read fee and emission rates.
pub fn apply_scenario(sc: &Scenario, config: &mut SuiteConfig) -> Result<()> {
    // The suite's defaults for the simulated token (fees of 10 and 1 tokens, a minimum
    // stake of 100 tokens) with the scenario's month.
    config.params = GlobalParams::defaults(TOKEN_DECIMALS);
    config.params.rewards.blocks_per_month = sc.chain.blocks_per_month;
    config.read_fee = Uint128::new(sc.chain.read_fee * TOKEN / 1000);
    Ok(())
}

/// The emission rates of the scenario, applied after deployment as an admin
/// `UpdateConfig` (as a deployer tuning a live suite would).
pub fn scenario_emission(
    sc: &Scenario,
    total_supply: u128,
) -> Result<nous_types::reward_distribution::EmissionParams> {
    let mut emission = nous_chain::reference_emission(total_supply);
    emission.emission_rate = dparse(&sc.chain.emission_rate)?;
    emission.max_monthly_percentage_yield = dparse(&sc.chain.max_monthly_percentage_yield)?;
    Ok(emission)
}

/// The suite deployed on cw-multi-test (through the deploy plan) with the scenario's
/// accounts, each funded with [`INITIAL_BALANCE`].
pub fn embedded(sc: &Scenario, names: &[&'static str]) -> Result<Network<EmbeddedChain>> {
    let sc2 = sc.clone();
    let suite = SuiteBuilder::new()
        .with_accounts(names)
        .with_initial_balance(INITIAL_BALANCE)
        .with_config(move |c| {
            let _ = apply_scenario(&sc2, c);
        })
        .build();
    let accounts = suite.accounts.iter().cloned().collect();
    let admin = suite.admin.clone();
    let rewards = suite.rewards.clone();
    let emission = scenario_emission(sc, suite.genesis_supply)?;
    let mut net = Network::new(AppChain::owned(suite.app), suite.deployment, accounts)?;
    net.chain.execute(&nous_chain::Tx::new(
        &admin,
        vec![nous_chain::Msg::execute(
            &rewards,
            &nous_types::reward_distribution::ExecuteMsg::UpdateConfig {
                chain_security_recipient: None,
                emission: Some(emission),
                max_epochs_per_call: None,
                max_topics_per_call: None,
            },
            vec![],
        )?],
    ))?;
    Ok(net)
}

/// Runs `scenario` on the embedded chain.
pub fn run(scenario: &Scenario, progress: bool) -> Result<Run> {
    let parts = participants(scenario);
    let mut net = embedded(scenario, &parts.names)?;
    drive(&mut net, scenario, parts, progress)
}

/// Drives the scenario's actors on a deployed network: topics and registrations, then
/// block by block workers, keeper, reputers and consumers, then the final claims.
pub fn drive<C: Chain>(
    chain: &mut Network<C>,
    scenario: &Scenario,
    parts: Participants,
    progress: bool,
) -> Result<Run> {
    let sc = scenario.clone();
    let Participants {
        actors,
        inferer_instances,
        ..
    } = parts;
    let min_len = sc.topics.iter().map(|t| t.epoch_length).min().unwrap_or(12);
    let total_blocks = sc.epochs * min_len;

    let params = chain.params()?;
    let mut flows = Flows::default();
    chain.fund_treasury("foundation", sc.chain.treasury * TOKEN)?;
    flows.treasury_start = chain.treasury()?;
    // ---- topics and participants ---------------------------------------------------------
    let mut topics: Vec<TopicRun> = vec![];
    for (ti, t) in sc.topics.iter().enumerate() {
        let lag = t.lag_epochs * t.epoch_length;
        let p = TopicParams {
            metadata: t.name.clone(),
            loss_method: LOSS_METHOD.into(),
            epoch_length: t.epoch_length,
            worker_submission_window: t.worker_window,
            ground_truth_lag: lag,
            p_norm: dparse(&t.p_norm)?,
            alpha_regret: dparse(&t.alpha_regret)?,
            ..nous_tests::topic_params(t.epoch_length, t.worker_window, lag)
        };
        let (id, start) = chain.create_topic("topic-creator", p)?;
        flows.creation_fees += params.registry.create_topic_fee.u128();
        let epochs = total_blocks / t.epoch_length;
        let series = world::generate(&sc, ti, t, epochs)?;
        let mut run = TopicRun {
            id,
            name: t.name.clone(),
            epoch_length: t.epoch_length,
            start,
            epochs,
            window: t.worker_window,
            lag,
            series,
            records: vec![],
            worker_index: BTreeMap::new(),
            reputer_index: BTreeMap::new(),
            listening: BTreeMap::new(),
            listening_sum: BTreeMap::new(),
            weight: String::new(),
            funding: 0,
            reads: 0,
            memories: vec![ForecasterMemory::default(); sc.forecasters.len()],
            last_scored: None,
            nonce0: 0,
        };
        for (name, _) in &inferer_instances {
            let idx = chain.register(name, id, Role::Worker)?;
            run.worker_index.insert(name, idx);
            flows.registration_fees += params.registry.registration_fee.u128();
        }
        for f in &sc.forecasters {
            let name = leak(f.name.clone());
            let idx = chain.register(name, id, Role::Worker)?;
            run.worker_index.insert(name, idx);
            flows.registration_fees += params.registry.registration_fee.u128();
        }
        for r in &sc.reputers {
            let name = leak(r.name.clone());
            let idx = chain.register(name, id, Role::Reputer)?;
            run.reputer_index.insert(name, idx);
            flows.registration_fees += params.registry.registration_fee.u128();
            chain.add_stake(name, id, r.stake * TOKEN)?;
        }
        for d in &sc.delegators {
            chain.delegate(
                leak(d.name.clone()),
                id,
                leak(d.reputer.clone()),
                d.amount * TOKEN,
            )?;
        }
        // Consumers' first payment gives the topic fee revenue, so it can be activated.
        let first = t.fund_per_epoch.max(1) * 5 * TOKEN;
        chain.fund_topic("consumer", id, first)?;
        flows.topic_funding += first;
        run.funding += first;
        chain.activate_topic("keeper", id)?;
        topics.push(run);
    }
    let guarded: Vec<u64> = sc
        .topics
        .iter()
        .zip(&topics)
        .filter(|(s, _)| s.reads_per_epoch > 0)
        .map(|(_, t)| t.id)
        .collect();
    let max_age = sc
        .topics
        .iter()
        .map(|t| t.epoch_length * 2)
        .max()
        .unwrap_or(24);
    chain.deploy_consumer(&guarded, max_age)?;

    // ---- the living network --------------------------------------------------------------
    let begin = chain.height()?;
    for t in topics.iter_mut() {
        if begin > t.start {
            t.nonce0 = (begin - t.start).div_ceil(t.epoch_length);
            t.start += t.nonce0 * t.epoch_length;
            // The windows that passed during setup are closed before the first payload.
            let _ = chain.close_windows("keeper", t.id);
        }
    }
    let end = topics
        .iter()
        .map(|t| t.start + (t.epochs + 1) * t.epoch_length + t.lag + 1)
        .max()
        .unwrap_or(begin);
    let mut bar = Progress {
        total: end - begin,
        last: u64::MAX,
        enabled: progress,
    };
    let mut rngs: BTreeMap<String, Rng> = BTreeMap::new();
    let mut refusals = vec![];

    for h in begin..=end {
        chain.advance_to(h)?;
        bar.tick(h - begin);
        #[allow(clippy::needless_range_loop)]
        for ti in 0..topics.len() {
            let spec = &sc.topics[ti];
            let (start, len, window, lag, epochs, id) = {
                let t = &topics[ti];
                (t.start, t.epoch_length, t.window, t.lag, t.epochs, t.id)
            };
            if h < start {
                continue;
            }
            let rel = h - start;
            // 1. keeper: reputer window of k closed -> scores, settlement.
            if rel >= lag + len && (rel - lag - len) % len == 0 {
                let k = (rel - lag - len) / len;
                if k < epochs {
                    let _ = chain.close_windows("keeper", id);
                    collect_scores(chain, &mut topics[ti], k, &mut flows);
                }
            }
            // 2. keeper: worker window of k closed -> network inference stored; dApp reads.
            if rel >= window && (rel - window) % len == 0 {
                let k = (rel - window) / len;
                if k < epochs {
                    let _ = chain.close_windows("keeper", id);
                    let ni = chain.network_inference(id, topics[ti].nonce0 + k);
                    let worker_names = topics[ti].worker_index.clone();
                    let rec = &mut topics[ti].records[k as usize];
                    if let Some(ni) = ni {
                        rec.network = Some(num(&ni.combined));
                        rec.naive = Some(num(&ni.naive));
                        rec.path = match ni.path {
                            InferencePath::Single => "single".into(),
                            InferencePath::NoLossYet => "no-loss-yet".into(),
                            InferencePath::Full { all_new: false } => "full".into(),
                            InferencePath::Full { all_new: true } => "full-all-new".into(),
                        };
                        rec.admitted_inferers = ni.inferences.len();
                        rec.forecast_implied = ni.forecast_implied.len();
                        for w in &ni.forecast_implied {
                            if let Some((name, _)) =
                                worker_names.iter().find(|(_, i)| **i == w.worker)
                            {
                                rec.implied.insert(name, num(&w.value));
                            }
                        }
                    }
                    for _ in 0..spec.reads_per_epoch {
                        match chain.paid_read("dapp-user", id) {
                            Ok(fee) => {
                                flows.read_fees += fee;
                                flows.reads += 1;
                                topics[ti].reads += 1;
                            }
                            Err(_) => flows.failed_reads += 1,
                        }
                    }
                }
            }
            // 3. ground truth of k is out: forecasters learn, reputers report.
            if rel >= lag && (rel - lag) % len == 0 {
                let k = (rel - lag) / len;
                if k < epochs {
                    reveal(chain, &sc, &mut topics[ti], k, &mut rngs, &mut flows);
                }
            }
            // 4. worker window of k opens: consumers pay, workers submit.
            if rel % len == 0 {
                let k = rel / len;
                if k < epochs {
                    if ti == 0 {
                        chain.steady = k >= sc.warmup_epochs;
                    }
                    let funding = (spec.fund_per_epoch > 0).then_some(spec.fund_per_epoch * TOKEN);
                    submit_workers(
                        chain,
                        &sc,
                        &inferer_instances,
                        &mut topics[ti],
                        k,
                        funding,
                        &mut rngs,
                        &mut flows,
                    );
                    if ti == 0 && sc.chain.refusals_at_epoch == Some(k) {
                        refusals =
                            crate::refusals::send(chain, &topics[ti], topics[ti].nonce0 + k)?;
                    }
                }
            }
        }
    }
    // Drain: settle what is left, then everyone claims.
    for _ in 0..5 {
        for t in &topics {
            let _ = chain.close_windows("keeper", t.id);
            let _ = chain.settle("keeper", t.id);
        }
    }
    for t in topics.iter_mut() {
        let last = t.epochs.saturating_sub(1);
        pull_rewards(chain, t, 0, last);
        let status = chain.topic_status(t.id).ok();
        t.weight = status.map(|s| s.weight.to_string()).unwrap_or_default();
    }
    for t in &topics {
        for r in &t.records {
            flows.drawn += r.drawn;
            flows.chain_security += r.chain_security;
            flows.paid_inferers += r.paid_inferers;
            flows.paid_forecasters += r.paid_forecasters;
            flows.paid_reputers += r.paid_reputers;
            flows.delegators += r.delegators;
        }
    }
    for a in &actors {
        let got = if a.class == "delegator" {
            let d = sc
                .delegators
                .iter()
                .find(|d| d.name == a.name)
                .expect("delegator");
            let mut sum = 0;
            for t in &topics {
                sum += chain.claim_delegator(a.name, t.id, leak(d.reputer.clone()))?;
            }
            sum
        } else {
            chain.claim(a.name)?
        };
        flows.claimed.insert(a.name, got);
    }
    flows.treasury_end = chain.treasury()?;
    flows.conservation = chain.conservation()?;
    let rd_totals = chain.reward_totals()?;
    flows.dust_net = rd_totals.dust.u128() as i128;
    Ok(Run {
        scenario: sc,
        actors,
        topics,
        flows,
        txs: std::mem::take(&mut chain.txs),
        fees_paid: chain.fees_paid,
        refusals,
        probe: chain.probe,
    })
}

fn apply_reward(rec: &mut EpochRecord, r: &nous_types::reward_distribution::EpochReward) {
    rec.drawn = r.drawn.u128();
    rec.chain_security = r.chain_security.u128();
    rec.paid_inferers = r.paid_inferers.u128();
    rec.paid_forecasters = r.paid_forecasters.u128();
    rec.paid_reputers = r.paid_reputers.u128();
    rec.delegators = r.delegators.u128();
    rec.outcome = format!("{:?}", r.outcome).to_lowercase();
}

fn collect_scores<C: Chain>(chain: &mut Network<C>, t: &mut TopicRun, k: u64, _flows: &mut Flows) {
    if let Some(s) = chain.epoch_scores(t.id, t.nonce0 + k) {
        t.records[k as usize].scored = true;
        t.last_scored = Some(k);
        for r in &s.reputers {
            if let Some((name, _)) = t.reputer_index.iter().find(|(_, i)| **i == r.reputer) {
                let v = num(&r.listening_coefficient);
                t.listening.insert(name, v);
                let e = t.listening_sum.entry(name).or_insert((0.0, 0));
                e.0 += v;
                e.1 += 1;
            }
        }
    }
    let _ = chain.settle("keeper", t.id);
    pull_rewards(chain, t, k.saturating_sub(8), k);
}

/// Copies the reward breakdowns of settled epochs `from..=to` not yet recorded
/// (reward-distribution keeps only the most recent ones, so they are read as they come).
fn pull_rewards<C: Chain>(chain: &Network<C>, t: &mut TopicRun, from: u64, to: u64) {
    for e in from..=to.min(t.epochs.saturating_sub(1)) {
        let rec = &mut t.records[e as usize];
        if !rec.outcome.is_empty() {
            continue;
        }
        if let Some(r) = chain.epoch_reward(t.id, t.nonce0 + e) {
            apply_reward(rec, &r);
        }
    }
}

fn rng(rngs: &mut BTreeMap<String, Rng>, seed: u64, label: String) -> &mut Rng {
    rngs.entry(label.clone())
        .or_insert_with(|| Rng::derive(seed, &label))
}

/// A worker's payload with its forecast owned (see `network::Payload`).
type OwnedPayload = (&'static str, Option<f64>, Vec<(u32, f64)>);

/// Epoch `k` of a topic opens: the consumer pays its funding (if any) and every worker
/// submits, all in one batch (on a node they share blocks).
#[allow(clippy::too_many_arguments)]
fn submit_workers<C: Chain>(
    chain: &mut Network<C>,
    sc: &Scenario,
    instances: &[(&'static str, usize)],
    t: &mut TopicRun,
    k: u64,
    funding: Option<u128>,
    rngs: &mut BTreeMap<String, Rng>,
    flows: &mut Flows,
) {
    let mut rec = EpochRecord {
        epoch: k,
        regime: t.series.regime(k),
        truth: t.series.truth(k),
        ..Default::default()
    };
    // Model outputs: one stream per *spec* so that Sybil clones submit identical values.
    let mut by_spec: BTreeMap<usize, (f64, bool)> = BTreeMap::new();
    for (i, spec) in sc.inferers.iter().enumerate() {
        if matches!(spec.model, Model::Copycat { .. }) {
            continue;
        }
        let r = rng(rngs, sc.seed, format!("inferer/{}/{}", t.id, spec.name));
        let v = actors::infer(&spec.model, &t.series, k, r);
        let skip = spec.skip_probability > 0.0 && r.chance(spec.skip_probability);
        by_spec.insert(i, (v, skip));
    }
    for (i, spec) in sc.inferers.iter().enumerate() {
        if let Model::Copycat { of, jitter } = &spec.model {
            let src = sc.inferers.iter().position(|o| &o.name == of).unwrap_or(0);
            let r = rng(rngs, sc.seed, format!("inferer/{}/{}", t.id, spec.name));
            let (v, skip) = by_spec.get(&src).copied().unwrap_or((0.0, true));
            by_spec.insert(i, (v + jitter * r.normal(), skip));
        }
    }
    // (class, payload): inferers first, then forecasters, in scenario order.
    let mut forecasts: Vec<OwnedPayload> = vec![];
    let mut classes: Vec<&'static str> = vec![];
    for (name, si) in instances {
        let (v, skip) = by_spec[si];
        if skip {
            continue;
        }
        forecasts.push((name, Some(v), vec![]));
        classes.push("worker");
    }
    for (fi, f) in sc.forecasters.iter().enumerate() {
        let name: &'static str = t
            .worker_index
            .keys()
            .find(|n| **n == f.name)
            .copied()
            .unwrap_or("");
        let forecast = t.memories[fi].forecast(&f.context, &t.series, k);
        let inference = if f.also_infers {
            Some(*t.series.known_before(k).last().unwrap_or(&0.0))
        } else {
            None
        };
        if forecast.is_empty() && inference.is_none() {
            continue;
        }
        forecasts.push((name, inference, forecast));
        classes.push("forecaster");
    }
    let payloads: Vec<Payload> = forecasts
        .iter()
        .map(|(n, i, f)| (*n, *i, f.as_slice()))
        .collect();
    let (funded, results) = chain.submit_workers(
        t.id,
        t.nonce0 + k,
        funding.map(|a| ("consumer", a)),
        &payloads,
    );
    if let (Some(amount), Some(Ok(()))) = (funding, funded) {
        flows.topic_funding += amount;
        t.funding += amount;
    }
    for ((class, p), r) in classes.iter().zip(&payloads).zip(results) {
        match r {
            Ok(()) => {
                if *class == "worker" {
                    if let Some(v) = p.1 {
                        rec.submitted.insert(p.0, v);
                    }
                }
            }
            Err(e) => {
                *flows
                    .rejected
                    .entry(format!("{class}: {}", root(&e)))
                    .or_insert(0) += 1
            }
        }
    }
    t.records.push(rec);
}

fn root(e: &anyhow::Error) -> String {
    let s = e.root_cause().to_string();
    let s = match e.root_cause().downcast_ref::<nous_chain::ChainError>() {
        Some(nous_chain::ChainError::Refused { log, .. }) => log.clone(),
        _ => s,
    };
    // A node wraps the contract's error: "... message index: 0: <error>: execute wasm
    // contract failed".
    let s = match s.rfind("message index: ") {
        Some(i) => s[i..]
            .split_once(": ")
            .map(|(_, rest)| rest.trim_end_matches(": execute wasm contract failed"))
            .unwrap_or(&s)
            .to_string(),
        None => s,
    };
    s.chars().take(90).collect()
}

/// The loss method of every simulated topic (its `loss_method`): the reputers report
/// `log10` of the squared error, as the forecasters' `actors::log_loss` predicts it.
const LOSS_METHOD: &str = "mse";

/// Losses of every variant of `ni` measured against `truth`: the bundle an operator's
/// reputer builds (`LossBundle::from_inference`, the shared reporting convention).
fn honest_bundle(ni: &NetworkInference, truth: f64) -> Result<LossBundle> {
    let method: nous_math::LossMethod = LOSS_METHOD.parse()?;
    Ok(LossBundle::from_inference(ni, dec(truth), &method)?)
}

fn map_bundle(b: &LossBundle, f: &mut dyn FnMut(f64) -> f64) -> LossBundle {
    let m = |x: &SignedDecimal, f: &mut dyn FnMut(f64) -> f64| dec(f(num(x)));
    let wv = |v: &[WorkerValue], f: &mut dyn FnMut(f64) -> f64| -> Vec<WorkerValue> {
        v.iter()
            .map(|w| WorkerValue {
                worker: w.worker,
                value: m(&w.value, f),
            })
            .collect()
    };
    LossBundle {
        combined: m(&b.combined, f),
        naive: m(&b.naive, f),
        inferers: wv(&b.inferers, f),
        forecasters: wv(&b.forecasters, f),
        one_out_inferers: wv(&b.one_out_inferers, f),
        one_out_forecasters: wv(&b.one_out_forecasters, f),
        one_in_forecasters: wv(&b.one_in_forecasters, f),
        one_out_implied: b
            .one_out_implied
            .iter()
            .map(|w| WithheldValue {
                withheld: w.withheld,
                forecaster: w.forecaster,
                value: m(&w.value, f),
            })
            .collect(),
    }
}

fn all_values(b: &LossBundle) -> Vec<f64> {
    let mut v = vec![num(&b.combined), num(&b.naive)];
    for l in [
        &b.inferers,
        &b.forecasters,
        &b.one_out_inferers,
        &b.one_out_forecasters,
        &b.one_in_forecasters,
    ] {
        v.extend(l.iter().map(|w| num(&w.value)));
    }
    v.extend(b.one_out_implied.iter().map(|w| num(&w.value)));
    v
}

/// A lazy reputer's bundle: the last consensus losses where it has them for a worker, the
/// network value measured against itself (a loss of the floor) elsewhere.
fn lazy_bundle(ni: &NetworkInference, prev: Option<&LossBundle>) -> Result<LossBundle> {
    let Some(p) = prev else {
        return honest_bundle(ni, num(&ni.combined));
    };
    let mut b = honest_bundle(ni, num(&ni.combined))?;
    let pick = |list: &mut Vec<WorkerValue>, from: &[WorkerValue], default: SignedDecimal| {
        for w in list.iter_mut() {
            w.value = from
                .iter()
                .find(|x| x.worker == w.worker)
                .map(|x| x.value)
                .unwrap_or(default);
        }
    };
    b.combined = p.combined;
    b.naive = p.naive;
    pick(&mut b.inferers, &p.inferers, p.combined);
    pick(&mut b.forecasters, &p.forecasters, p.combined);
    pick(&mut b.one_out_inferers, &p.one_out_inferers, p.combined);
    pick(
        &mut b.one_out_forecasters,
        &p.one_out_forecasters,
        p.combined,
    );
    pick(&mut b.one_in_forecasters, &p.one_in_forecasters, p.naive);
    for w in b.one_out_implied.iter_mut() {
        w.value = p
            .one_out_implied
            .iter()
            .find(|x| x.withheld == w.withheld && x.forecaster == w.forecaster)
            .map(|x| x.value)
            .unwrap_or(p.combined);
    }
    Ok(b)
}

fn reveal<C: Chain>(
    chain: &mut Network<C>,
    sc: &Scenario,
    t: &mut TopicRun,
    k: u64,
    rngs: &mut BTreeMap<String, Rng>,
    flows: &mut Flows,
) {
    let Some(ni) = chain.network_inference(t.id, t.nonce0 + k) else {
        return;
    };
    let truth = t.series.truth(k);
    let revealed = Revealed {
        epoch: k,
        truth,
        regime: t.series.regime(k),
        inferences: ni
            .inferences
            .iter()
            .map(|w| (w.worker, num(&w.value)))
            .collect(),
    };
    for (fi, f) in sc.forecasters.iter().enumerate() {
        t.memories[fi].learn(&f.context, &t.series, f.learning_rate, &revealed);
    }
    let prev = t
        .last_scored
        .and_then(|n| chain.network_losses(t.id, t.nonce0 + n))
        .map(|r| r.losses);
    let mut bundles = vec![];
    for r in &sc.reputers {
        let name: &'static str = t
            .reputer_index
            .keys()
            .find(|n| **n == r.name)
            .copied()
            .unwrap_or("");
        let bundle = match &r.behaviour {
            Behaviour::Honest => honest_bundle(&ni, truth),
            Behaviour::Noisy { .. } => {
                let g = rng(rngs, sc.seed, format!("reputer/{}/{}", t.id, r.name));
                let seen = actors::reputer_truth(&r.behaviour, &t.series, k, g);
                honest_bundle(&ni, seen)
            }
            Behaviour::Lazy => lazy_bundle(&ni, prev.as_ref()),
            Behaviour::Malicious => honest_bundle(&ni, truth).map(|honest| {
                let mut vals = all_values(&honest);
                let m = vals.iter().sum::<f64>() / vals.len().max(1) as f64;
                actors::invert(&mut vals);
                map_bundle(&honest, &mut |x| 2.0 * m - x)
            }),
        };
        match bundle {
            Ok(b) => bundles.push((name, b)),
            Err(e) => {
                *flows
                    .rejected
                    .entry(format!("reputer: {}", root(&e)))
                    .or_insert(0) += 1
            }
        }
    }
    for r in chain.submit_losses(t.id, t.nonce0 + k, bundles) {
        if let Err(e) = r {
            *flows
                .rejected
                .entry(format!("reputer: {}", root(&e)))
                .or_insert(0) += 1;
        }
    }
}
