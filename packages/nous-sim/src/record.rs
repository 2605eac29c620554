//! What a run records: per topic and epoch the truth, the submissions, the network's
//! answer, the scores and the rewards; the token flows; every transaction. The driver
//! writes it; the report, the chain checks and the gas table read it.

use std::collections::BTreeMap;

use crate::actors::roster::Actor;
use crate::network::TxStat;
use crate::scenario::Scenario;
use crate::world::Series;

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
    /// Listening coefficient of each reputer scored in this epoch.
    pub listening: BTreeMap<&'static str, f64>,
    /// Rewards credited to each owner for this epoch (inferers', forecasters' and
    /// reputers' own parts, base units).
    pub credited: BTreeMap<&'static str, u128>,
    /// The topic's weight after this epoch's settlement.
    pub weight: Option<f64>,
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
    /// Blocks of the reveal window after the worker window (0: payloads in the clear, no
    /// commit–reveal).
    pub reveal_window: u64,
    /// Base units a worker attaches to each payload (or commitment); 0: free.
    pub payload_fee: u128,
    /// The ground-truth lag, in blocks.
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
    /// The chain's nonce of the simulation's epoch 0: the first epoch of the topic whose
    /// worker window opens after setup (0 on the embedded chain, where setup takes no
    /// blocks; on a node the setup's transactions take some). `start` is its start.
    pub nonce0: u64,
}

impl TopicRun {
    /// The name of the worker with this actor index.
    pub fn worker_name(&self, index: u32) -> Option<&'static str> {
        self.worker_index
            .iter()
            .find(|(_, i)| **i == index)
            .map(|(n, _)| *n)
    }

    /// The name of the reputer with this actor index.
    pub fn reputer_name(&self, index: u32) -> Option<&'static str> {
        self.reputer_index
            .iter()
            .find(|(_, i)| **i == index)
            .map(|(n, _)| *n)
    }
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
    /// Payload fees paid into topic revenue, in all and by worker.
    pub payload_fees: u128,
    pub payload_fees_by: BTreeMap<&'static str, u128>,
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
    /// Transactions refused before a block, by "class: reason".
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
    pub refusals: Vec<Refusal>,
    /// (gas used, bytes) of the overhead probe (a node only; see gas/).
    pub probe: Option<(u64, u64)>,
    /// What the Sybil clones earned together ÷ what one identity of the same model earned
    /// in a counterfactual run ([`crate::counterfactual`]); None until measured.
    pub clones_over_one_identity: Option<f64>,
    /// The scorecard under each rules preset, side by side (`crate::counterfactual::
    /// side_by_side`); empty until measured, and the report then shows this run's own.
    pub scorecards: Vec<Scorecard>,
}

/// One scorecard metric: its key and its value (None when the scenario has nothing to
/// measure it on).
pub type Metric = (&'static str, Option<f64>);

/// A scorecard and the rules it was measured under ("reference", "improved", or [`THIS_RUN`]).
pub type Scorecard = (String, Vec<Metric>);

/// The column of a run's own scorecard, whatever its rules.
pub const THIS_RUN: &str = "this run";

/// A deliberate refusal (scenario `chain.refusals_at_epoch`, sent by the driver) and
/// what came of it.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub what: &'static str,
    /// The contract's error text the failure must carry.
    pub expected: String,
    /// The chain's log (or the embedded chain's error).
    pub log: String,
    /// The transaction was executed and failed (on a node: included in a block, its fee
    /// charged), rather than refused before execution.
    pub included: bool,
    pub fee: u128,
    /// The watched state and the sender's balance less the fee are as before.
    pub unchanged: bool,
}

impl Refusal {
    pub fn passed(&self) -> bool {
        self.log.contains(&self.expected) && self.unchanged
    }
}
