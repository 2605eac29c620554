//! The keeper's cranks and what the driver reads after each: a closed worker window's
//! network inference (then the dApp reads it), a closed reputer window's scores, each
//! settlement's credits and per-epoch reward breakdown.

use nous_chain::Chain;
use nous_types::reward_distribution::EpochReward;
use nous_types::synthesis::InferencePath;

use super::Driver;
use crate::record::EpochRecord;
use crate::units::num;

impl<C: Chain> Driver<'_, C> {
    /// The worker window of epoch `k` closed: the network inference is stored; the dApp
    /// pays for and reads it.
    pub(super) fn close_worker_window(&mut self, ti: usize, k: u64) {
        let id = self.topics[ti].id;
        let _ = self.net.close_windows("keeper", id);
        let ni = self.net.network_inference(id, self.topics[ti].nonce0 + k);
        let t = &mut self.topics[ti];
        if let Some(ni) = ni {
            let implied: Vec<_> = ni
                .forecast_implied
                .iter()
                .filter_map(|w| Some((t.worker_name(w.worker)?, num(&w.value))))
                .collect();
            let rec = &mut t.records[k as usize];
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
            rec.implied.extend(implied);
        }
        for _ in 0..self.sc.topics[ti].reads_per_epoch {
            match self.net.paid_read("dapp-user", id) {
                Ok(fee) => {
                    self.flows.read_fees += fee;
                    self.flows.reads += 1;
                    self.topics[ti].reads += 1;
                }
                Err(_) => self.flows.failed_reads += 1,
            }
        }
    }

    /// The reputer window of epoch `k` closed: scores and listening coefficients are read,
    /// the epoch is settled, and the reward breakdowns of the last epochs are copied.
    pub(super) fn close_reputer_window(&mut self, ti: usize, k: u64) {
        let id = self.topics[ti].id;
        let _ = self.net.close_windows("keeper", id);
        let t = &mut self.topics[ti];
        if let Some(s) = self.net.epoch_scores(id, t.nonce0 + k) {
            t.records[k as usize].scored = true;
            self.last_scored[ti] = Some(k);
            for r in &s.reputers {
                if let Some(name) = t.reputer_name(r.reputer) {
                    let v = num(&r.listening_coefficient);
                    t.listening.insert(name, v);
                    t.records[k as usize].listening.insert(name, v);
                    let e = t.listening_sum.entry(name).or_insert((0.0, 0));
                    e.0 += v;
                    e.1 += 1;
                }
            }
        }
        self.settle(ti);
        self.pull_rewards(ti, k.saturating_sub(8), k);
    }

    /// The settlement crank for topic `ti`; each credit is recorded on its epoch.
    pub(super) fn settle(&mut self, ti: usize) {
        let t = &mut self.topics[ti];
        let Ok(credits) = self.net.settle("keeper", t.id) else {
            return;
        };
        for c in credits {
            let owner = self.net.name_of(&c.owner);
            let rec = c
                .epoch
                .checked_sub(t.nonce0)
                .and_then(|e| t.records.get_mut(e as usize));
            if let (Some(owner), Some(rec), true) = (owner, rec, c.topic == t.id) {
                *rec.credited.entry(owner).or_insert(0) += c.amount;
            }
        }
    }

    /// Copies the reward breakdowns of settled epochs `from..=to` not yet recorded
    /// (reward-distribution keeps only the most recent ones, so they are read as they come).
    pub(super) fn pull_rewards(&mut self, ti: usize, from: u64, to: u64) {
        let t = &mut self.topics[ti];
        for e in from..=to.min(t.epochs.saturating_sub(1)) {
            let Some(rec) = t.records.get_mut(e as usize) else {
                continue;
            };
            if !rec.outcome.is_empty() {
                continue;
            }
            if let Some(r) = self.net.epoch_reward(t.id, t.nonce0 + e) {
                apply_reward(rec, &r);
            }
        }
    }
}

fn apply_reward(rec: &mut EpochRecord, r: &EpochReward) {
    rec.drawn = r.drawn.u128();
    rec.chain_security = r.chain_security.u128();
    rec.paid_inferers = r.paid_inferers.u128();
    rec.paid_forecasters = r.paid_forecasters.u128();
    rec.paid_reputers = r.paid_reputers.u128();
    rec.delegators = r.delegators.u128();
    rec.weight = Some(num(&r.weight));
    rec.outcome = format!("{:?}", r.outcome).to_lowercase();
}
