//! The driver: creates topics and participants from a scenario on a deployed suite, then
//! steps block by block — workers submit when a worker window opens (on a commit–reveal
//! topic: commit, then reveal when it ends), the keeper closes windows and settles,
//! reputers report once the ground truth is out, consumers pay — and records everything
//! the report needs ([`Run`]).

mod finish;
mod keeper;
mod refusals;
mod reputers;
pub mod schedule;
mod setup;
mod workers;

use std::collections::BTreeMap;

use anyhow::Result;
use indicatif::ProgressBar;
use nous_chain::Chain;

use crate::actors::forecasters::ForecasterMemory;
use crate::actors::roster::{roster, Roster};
use crate::embedded::embedded;
use crate::network::Network;
use crate::record::{Flows, Refusal, Run, TopicRun};
use crate::rng::Streams;
use crate::scenario::Scenario;
use schedule::{Schedule, Step};

/// Runs `scenario` on the embedded chain (cw-multi-test).
pub fn run(scenario: &Scenario, progress: &ProgressBar) -> Result<Run> {
    let roster = roster(scenario);
    let mut net = embedded(scenario, &roster.names)?;
    drive(&mut net, scenario, roster, progress)
}

/// Drives the scenario's actors on a deployed network: topics and registrations, then
/// block by block workers, keeper, reputers and consumers, then the final claims.
pub fn drive<C: Chain>(
    net: &mut Network<C>,
    scenario: &Scenario,
    roster: Roster,
    progress: &ProgressBar,
) -> Result<Run> {
    let mut d = Driver::new(net, scenario, roster);
    d.fund_treasury()?;
    d.create_topics()?;
    d.deploy_consumer()?;
    let (begin, end) = d.align_epochs()?;
    progress.set_length(end - begin);
    for height in begin..=end {
        d.net.advance_to(height)?;
        progress.set_position(height - begin);
        for ti in 0..d.topics.len() {
            for step in Schedule::of(&d.topics[ti]).due_at(height) {
                match step {
                    Step::CloseReputerWindow(k) => d.close_reputer_window(ti, k),
                    Step::CloseWorkerWindow(k) => d.close_worker_window(ti, k),
                    Step::RevealTruth(k) => d.reveal_truth(ti, k)?,
                    Step::RevealPayloads(k) => d.reveal_payloads(ti, k),
                    Step::OpenEpoch(k) => d.open_epoch(ti, k)?,
                }
            }
        }
    }
    progress.finish_and_clear();
    d.settle_the_rest();
    d.claim_everything()?;
    d.into_run()
}

/// What the driver keeps while it runs.
struct Driver<'a, C: Chain> {
    net: &'a mut Network<C>,
    sc: &'a Scenario,
    roster: Roster,
    topics: Vec<TopicRun>,
    /// Per topic: each forecaster's memory, in scenario order.
    memories: Vec<Vec<ForecasterMemory>>,
    /// Per topic: the last epoch whose scores were read (a lazy reputer copies its losses).
    last_scored: Vec<Option<u64>>,
    flows: Flows,
    streams: Streams,
    refusals: Vec<Refusal>,
    /// Commit–reveal topics: the payloads committed for (topic index, epoch), until their
    /// reveal.
    committed: BTreeMap<(usize, u64), Vec<workers::ClassedPayload>>,
}

impl<'a, C: Chain> Driver<'a, C> {
    fn new(net: &'a mut Network<C>, sc: &'a Scenario, roster: Roster) -> Self {
        Driver {
            net,
            sc,
            roster,
            topics: vec![],
            memories: vec![],
            last_scored: vec![],
            flows: Flows::default(),
            streams: Streams::new(sc.seed),
            refusals: vec![],
            committed: BTreeMap::new(),
        }
    }

    /// Counts a transaction refused before a block under "class: the contract's reason".
    fn count_rejected(&mut self, class: &str, e: &anyhow::Error) {
        let reason = crate::network::refusal_reason(e);
        *self
            .flows
            .rejected
            .entry(format!("{class}: {reason}"))
            .or_insert(0) += 1;
    }
}
