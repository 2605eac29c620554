//! After the last epoch: the keeper settles what is left, every owner claims from
//! reward-distribution and every delegator from staking, and the run's totals are taken.

use anyhow::Result;
use nous_chain::Chain;

use super::Driver;
use crate::record::Run;

/// Rounds of window closes and settlements after the last epoch (each settles what its
/// per-call caps allow).
const DRAIN_ROUNDS: usize = 5;

impl<C: Chain> Driver<'_, C> {
    /// Settles what is left, then copies every epoch's reward breakdown and each topic's
    /// final weight.
    pub(super) fn settle_the_rest(&mut self) {
        for _ in 0..DRAIN_ROUNDS {
            for ti in 0..self.topics.len() {
                let _ = self.net.close_windows("keeper", self.topics[ti].id);
                self.settle(ti);
            }
        }
        for ti in 0..self.topics.len() {
            let last = self.topics[ti].epochs.saturating_sub(1);
            self.pull_rewards(ti, 0, last);
            let status = self.net.topic_status(self.topics[ti].id).ok();
            self.topics[ti].weight = status.map(|s| s.weight.to_string()).unwrap_or_default();
        }
    }

    /// Every actor claims: owners from reward-distribution, delegators from staking (on
    /// every topic, from the reputer they back).
    pub(super) fn claim_everything(&mut self) -> Result<()> {
        for a in &self.roster.actors {
            let got = match self.roster.delegators.iter().find(|(d, _)| *d == a.name) {
                Some((_, reputer)) => {
                    let mut sum = 0;
                    for t in &self.topics {
                        sum += self.net.claim_delegator(a.name, t.id, reputer)?;
                    }
                    sum
                }
                None => self.net.claim(a.name)?,
            };
            self.flows.claimed.insert(a.name, got);
        }
        Ok(())
    }

    /// The run's record, with the flows summed over epochs and the final books.
    pub(super) fn into_run(mut self) -> Result<Run> {
        let fl = &mut self.flows;
        for r in self.topics.iter().flat_map(|t| &t.records) {
            fl.drawn += r.drawn;
            fl.chain_security += r.chain_security;
            fl.paid_inferers += r.paid_inferers;
            fl.paid_forecasters += r.paid_forecasters;
            fl.paid_reputers += r.paid_reputers;
            fl.delegators += r.delegators;
        }
        fl.treasury_end = self.net.treasury()?;
        fl.conservation = self.net.conservation()?;
        fl.dust_net = self.net.reward_totals()?.dust.u128() as i128;
        Ok(Run {
            scenario: self.sc.clone(),
            actors: self.roster.actors,
            topics: self.topics,
            flows: self.flows,
            txs: std::mem::take(&mut self.net.txs),
            fees_paid: self.net.fees_paid,
            refusals: self.refusals,
            probe: self.net.probe,
            clones_over_one_identity: None,
            scorecards: Vec::new(),
        })
    }
}
