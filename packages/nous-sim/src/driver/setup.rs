//! Before the first epoch: the treasury funded, each topic created with its workers and
//! reputers registered, stakes and delegations placed, its first consumer funding paid and
//! the topic activated; the dApp's example consumer instantiated.

use std::collections::BTreeMap;

use anyhow::Result;
use cosmwasm_std::Uint128;
use nous_chain::Chain;
use nous_math::Rules;
use nous_types::topic_registry::{Role, TopicParams};

use super::Driver;
use crate::actors::forecasters::ForecasterMemory;
use crate::actors::reputers;
use crate::deployment::decimal;
use crate::record::TopicRun;
use crate::scenario::TopicSpec;
use crate::testing::topic_params;
use crate::units::TOKEN;
use crate::world;

impl<C: Chain> Driver<'_, C> {
    pub(super) fn fund_treasury(&mut self) -> Result<()> {
        self.net
            .fund_treasury("foundation", self.sc.chain.treasury * TOKEN)?;
        self.flows.treasury_start = self.net.treasury()?;
        Ok(())
    }

    /// Every topic of the scenario, with its participants.
    pub(super) fn create_topics(&mut self) -> Result<()> {
        let fees = self.net.params()?;
        let min_len = self
            .sc
            .topics
            .iter()
            .map(|t| t.epoch_length)
            .min()
            .unwrap_or(12);
        let total_blocks = self.sc.epochs * min_len;
        for (ti, spec) in self.sc.topics.iter().enumerate() {
            let lag = spec.lag_epochs * spec.epoch_length;
            let reveal_window = self.sc.reveal_window_of(spec);
            let (id, start) = self.net.create_topic(
                "topic-creator",
                params(spec, lag, reveal_window, self.sc.rules)?,
            )?;
            self.flows.creation_fees += fees.registry.create_topic_fee.u128();
            let epochs = total_blocks / spec.epoch_length;
            let mut t = TopicRun {
                id,
                name: spec.name.clone(),
                epoch_length: spec.epoch_length,
                start,
                epochs,
                window: spec.worker_window,
                reveal_window,
                payload_fee: payload_fee(spec)?,
                lag,
                series: world::generate(self.sc, ti, spec, epochs)?,
                records: vec![],
                worker_index: BTreeMap::new(),
                reputer_index: BTreeMap::new(),
                listening: BTreeMap::new(),
                listening_sum: BTreeMap::new(),
                weight: String::new(),
                funding: 0,
                reads: 0,
                nonce0: 0,
            };
            self.register_participants(&mut t, fees.registry.registration_fee.u128())?;
            // Consumers' first payment gives the topic fee revenue, so it can be activated.
            let first = spec.fund_per_epoch.max(1) * 5 * TOKEN;
            self.net.fund_topic("consumer", id, first)?;
            self.flows.topic_funding += first;
            t.funding += first;
            self.net.activate_topic("keeper", id)?;
            self.topics.push(t);
            self.memories
                .push(vec![ForecasterMemory::default(); self.sc.forecasters.len()]);
            self.last_scored.push(None);
        }
        Ok(())
    }

    /// Inferers, then forecasters (workers), then reputers with their stake, then the
    /// delegations, in scenario order; each registration pays its fee.
    fn register_participants(&mut self, t: &mut TopicRun, fee: u128) -> Result<()> {
        let workers = self.roster.inferers.iter().map(|(n, _)| *n);
        for name in workers.chain(self.roster.forecasters.iter().copied()) {
            let idx = self.net.register(name, t.id, Role::Worker)?;
            t.worker_index.insert(name, idx);
            self.flows.registration_fees += fee;
        }
        for (spec, name) in self.sc.reputers.iter().zip(&self.roster.reputers) {
            let idx = self.net.register(name, t.id, Role::Reputer)?;
            t.reputer_index.insert(name, idx);
            self.flows.registration_fees += fee;
            self.net.add_stake(name, t.id, spec.stake * TOKEN)?;
        }
        for (spec, (name, reputer)) in self.sc.delegators.iter().zip(&self.roster.delegators) {
            self.net
                .delegate(name, t.id, reputer, spec.amount * TOKEN)?;
        }
        Ok(())
    }

    /// The dApp's example consumer, guarding the topics it reads.
    pub(super) fn deploy_consumer(&mut self) -> Result<()> {
        let guarded: Vec<u64> = self
            .sc
            .topics
            .iter()
            .zip(&self.topics)
            .filter(|(s, _)| s.reads_per_epoch > 0)
            .map(|(_, t)| t.id)
            .collect();
        let max_age = self
            .sc
            .topics
            .iter()
            .map(|t| t.epoch_length * 2)
            .max()
            .unwrap_or(24);
        self.net.deploy_consumer(&guarded, max_age)
    }

    /// Moves each topic's epoch 0 to the first epoch whose worker window opens after setup
    /// (setup takes blocks on a node); returns the first and last heights of the run.
    pub(super) fn align_epochs(&mut self) -> Result<(u64, u64)> {
        let begin = self.net.height()?;
        for t in self.topics.iter_mut() {
            if begin > t.start {
                t.nonce0 = (begin - t.start).div_ceil(t.epoch_length);
                t.start += t.nonce0 * t.epoch_length;
                // The windows that passed during setup are closed before the first payload.
                let _ = self.net.close_windows("keeper", t.id);
            }
        }
        let end = self
            .topics
            .iter()
            .map(|t| super::Schedule::of(t).last_height())
            .max()
            .unwrap_or(begin);
        Ok((begin, end))
    }
}

/// A topic's parameters: the scenario's timing (reveal window included), p-norm, regret
/// smoothing (inferers' and, when set, forecasters') and rules over the simulator's defaults.
fn params(spec: &TopicSpec, lag: u64, reveal_window: u64, rules: Rules) -> Result<TopicParams> {
    Ok(TopicParams {
        metadata: spec.name.clone(),
        loss_method: reputers::LOSS_METHOD.into(),
        epoch_length: spec.epoch_length,
        worker_submission_window: spec.worker_window,
        ground_truth_lag: lag,
        reveal_window,
        p_norm: decimal(&spec.p_norm)?,
        alpha_regret: decimal(&spec.alpha_regret)?,
        alpha_regret_forecasters: spec
            .alpha_regret_forecasters
            .as_deref()
            .map(decimal)
            .transpose()?,
        payload_fee: Uint128::new(payload_fee(spec)?),
        rules: Some(rules),
        ..topic_params(spec.epoch_length, spec.worker_window, lag)
    })
}

/// A topic's payload fee in base units.
fn payload_fee(spec: &TopicSpec) -> Result<u128> {
    spec.payload_fee
        .checked_mul(TOKEN)
        .ok_or_else(|| anyhow::anyhow!("topic {}: payload_fee is too large", spec.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn a_topics_parameters_carry_its_scenario_settings() {
        let o = [
            r#"topics.1.alpha_regret_forecasters="0.3""#.to_string(),
            "reveal_window=2".to_string(),
        ];
        let sc = Scenario::default_with(&o).expect("a valid scenario");
        let of = |i: usize| {
            let t = &sc.topics[i];
            params(t, 24, sc.reveal_window_of(t), Rules::IMPROVED).expect("parameters")
        };
        let (plain, fast) = (of(0), of(1));
        assert_eq!(plain.alpha_regret_forecasters, None);
        assert_eq!(fast.alpha_regret_forecasters, Some(decimal("0.3").unwrap()));
        assert_eq!(fast.alpha_regret, decimal("0.2").unwrap());
        assert_eq!((fast.reveal_window, fast.rules), (2, Some(Rules::IMPROVED)));
    }
}
