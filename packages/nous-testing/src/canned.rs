//! Canned workers and reputers: a topic run by three inferers, one forecaster and two
//! reputers of nous-testing's own, so that a dApp test gets a genuine network inference
//! with [`Nous::publish_inference`]. Everything goes through the real messages and the
//! real windows: payloads in the worker window, the `CloseWindows` crank after it, loss
//! bundles in the reputer window once the ground truth (the value published for that
//! nonce) is known, and the `Settle` crank.

use std::collections::{BTreeMap, BTreeSet};

use cosmwasm_std::{Addr, SignedDecimal};
use nous_types::synthesis::{
    ForecastElement, LatestValue, LossBundle, NetworkInference, WithheldValue, WorkerValue,
};
use nous_types::topic_registry::{Role, TopicParams};

use crate::app::{AnyResult, SuiteApp};
use crate::canned_topic::CannedTopic;
use crate::events::contract_error;
use crate::handle::Nous;

/// How far each canned inferer answers from the value published, in thousandths of its
/// magnitude (at least 0.001): one below, one on it, one above.
const SPREAD_PERMILLE: [i128; 3] = [-10, 0, 10];
/// The canned reputers' losses differ by this much, so their consensus is not a tie.
const REPUTER_OFFSET: &str = "0.0001";

/// The canned actors' addresses, the same in every topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CannedActors {
    pub creator: Addr,
    pub inferers: Vec<Addr>,
    pub forecaster: Addr,
    pub reputers: Vec<Addr>,
    pub keeper: Addr,
}

impl Nous {
    /// The canned actors in `app` (addresses derived from fixed names).
    pub fn canned_actors<A: SuiteApp>(&self, app: &A) -> AnyResult<CannedActors> {
        let a = |name: &str| app.make_addr(&format!("nous-testing/{name}"));
        Ok(CannedActors {
            creator: a("creator")?,
            inferers: (0..SPREAD_PERMILLE.len())
                .map(|i| a(&format!("inferer-{i}")))
                .collect::<Result<_, _>>()?,
            forecaster: a("forecaster")?,
            reputers: (0..2)
                .map(|i| a(&format!("reputer-{i}")))
                .collect::<Result<_, _>>()?,
            keeper: a("keeper")?,
        })
    }

    /// Creates a topic with `params` run by the canned actors: they are given exactly the
    /// tokens they pay (creation and registration fees, the minimum stake), register, the
    /// reputers stake, and the topic is activated. Returns the topic id.
    pub fn canned_topic<A: SuiteApp>(
        &mut self,
        app: &mut A,
        params: TopicParams,
    ) -> AnyResult<u64> {
        let actors = self.canned_actors(app)?;
        let p = self.params(app)?;
        let (create_fee, reg_fee, stake) = (
            p.registry.create_topic_fee.u128(),
            p.registry.registration_fee.u128(),
            p.staking.required_minimum_stake.u128(),
        );
        self.fund(app, &actors.creator, create_fee)?;
        let topic_id = self.create_topic(app, &actors.creator, params)?;
        let workers = actors.inferers.iter().chain([&actors.forecaster]);
        for w in workers {
            self.fund(app, w, reg_fee)?;
            self.register(app, w, topic_id, Role::Worker)?;
        }
        for r in &actors.reputers {
            self.fund(app, r, reg_fee + stake)?;
            self.register(app, r, topic_id, Role::Reputer)?;
            self.add_stake(app, r, topic_id, stake)?;
        }
        // Stake counts from the block after it was added.
        app.advance_blocks(1);
        self.activate_topic(app, &actors.keeper, topic_id)?;
        self.canned.insert(
            topic_id,
            CannedTopic {
                inferers: actors.inferers,
                forecaster: actors.forecaster,
                reputers: actors.reputers,
                keeper: actors.keeper,
                truths: BTreeMap::new(),
                reported: BTreeSet::new(),
            },
        );
        Ok(topic_id)
    }

    /// Runs the next epoch of a canned topic (see [`Nous::canned_topic`]) so that the
    /// network infers about `value`: the block moves on to the next worker window (on the
    /// way, the reputers report the losses of every earlier nonce whose reputer window
    /// opens before it, against the value published for it), the inferers answer `value`
    /// −1%, exactly and +1%, the forecaster predicts their losses, the window is closed by
    /// the crank and the keeper settles. Returns the topic's new `LatestValue`.
    ///
    /// The first epochs of a topic are combined without losses (`NoLossYet`); the full
    /// path starts once a nonce's reputer window has closed, `ground_truth_lag +
    /// epoch_length` blocks after it began (the third call with `lag == epoch_length`).
    pub fn publish_inference<A: SuiteApp>(
        &mut self,
        app: &mut A,
        topic_id: u64,
        value: SignedDecimal,
    ) -> AnyResult<LatestValue> {
        let mut canned = self.canned.get(&topic_id).cloned().ok_or_else(|| {
            anyhow::anyhow!("topic {topic_id} is not a canned topic: create it with canned_topic")
        })?;
        let clock = self.topic(app, topic_id)?.clock();
        let height = app.block().height;
        let nonce = match clock.open_worker_epoch(height) {
            Some(open) if !canned.truths.contains_key(&open) => open,
            _ => clock.epoch_at(height).map_or(0, |e| e + 1),
        };
        let window = clock
            .worker_window(nonce)
            .ok_or_else(|| anyhow::anyhow!("epoch {nonce} of topic {topic_id} overflows"))?;

        // The reputers report every published nonce whose window opens before `window`.
        let unreported: Vec<u64> = canned
            .truths
            .keys()
            .filter(|n| !canned.reported.contains(n))
            .copied()
            .collect();
        for m in unreported {
            let Some(rw) = clock.reputer_window(m) else {
                continue;
            };
            let now = app.block().height;
            if rw.end <= now {
                canned.reported.insert(m); // missed: the caller moved past it
                continue;
            }
            if rw.start > window.start {
                break; // later nonces open later still
            }
            advance_to(app, rw.start);
            self.close_windows(app, &canned.keeper, topic_id, None)?;
            if let Ok(inference) = self.network_inference(app, topic_id, m) {
                let truth = canned.truths[&m];
                for (i, r) in canned.reputers.iter().enumerate() {
                    let bundle = loss_bundle(&inference, truth, i)?;
                    self.submit_losses(app, r, topic_id, m, bundle)?;
                }
            }
            canned.reported.insert(m);
        }

        advance_to(app, window.start);
        let indices = canned
            .inferers
            .iter()
            .map(|w| {
                self.actor_index(app, topic_id, w)?
                    .ok_or_else(|| anyhow::anyhow!("canned inferer {w} is not registered"))
            })
            .collect::<AnyResult<Vec<u32>>>()?;
        let answers = SPREAD_PERMILLE
            .iter()
            .map(|p| spread(value, *p))
            .collect::<AnyResult<Vec<_>>>()?;
        for (w, answer) in canned.inferers.iter().zip(&answers) {
            self.submit_payload(app, w, topic_id, nonce, Some(*answer), None)?;
        }
        let forecast = indices
            .iter()
            .zip(&answers)
            .map(|(i, a)| {
                Ok(ForecastElement {
                    inferer: *i,
                    value: loss(*a, value, 0)?,
                })
            })
            .collect::<AnyResult<Vec<_>>>()?;
        self.submit_payload(
            app,
            &canned.forecaster,
            topic_id,
            nonce,
            None,
            Some(forecast),
        )?;

        advance_to(app, window.end);
        self.close_windows(app, &canned.keeper, topic_id, None)?;
        if let Err(e) = self.settle(app, &canned.keeper, Some(topic_id), None) {
            if !matches!(
                contract_error::<reward_distribution::ContractError>(&e),
                Some(reward_distribution::ContractError::NothingToSettle {})
            ) {
                return Err(e);
            }
        }
        canned.truths.insert(nonce, value);
        self.canned.insert(topic_id, canned);
        Ok(self.latest_value(app, topic_id)?)
    }
}

fn advance_to<A: SuiteApp>(app: &mut A, height: u64) {
    let now = app.block().height;
    if height > now {
        app.advance_blocks(height - now);
    }
}

/// `value` moved by `permille` thousandths of its magnitude (a thousandth being at least
/// 0.0001, so that a value of zero still gets distinct answers).
fn spread(value: SignedDecimal, permille: i128) -> AnyResult<SignedDecimal> {
    let magnitude = SignedDecimal::try_from(value.abs_diff(SignedDecimal::zero()))?;
    let unit = magnitude
        .checked_mul(SignedDecimal::permille(1))?
        .max(SignedDecimal::from_ratio(1, 10_000));
    let step = unit.checked_mul(SignedDecimal::from_atomics(permille, 0)?)?;
    Ok(value.checked_add(step)?)
}

/// Reputer `reputer`'s loss of `x` against `truth`: the squared error, plus a small
/// offset per reputer (never zero).
fn loss(x: SignedDecimal, truth: SignedDecimal, reputer: usize) -> AnyResult<SignedDecimal> {
    let e = x.checked_sub(truth)?;
    let offset: SignedDecimal = REPUTER_OFFSET.parse()?;
    let offset = offset.checked_mul(SignedDecimal::from_atomics(reputer as i128 + 1, 0)?)?;
    Ok(e.checked_mul(e)?.checked_add(offset)?)
}

/// The loss of every value of `inference` against `truth`, as reputer `reputer` reports it.
fn loss_bundle(
    inference: &NetworkInference,
    truth: SignedDecimal,
    reputer: usize,
) -> AnyResult<LossBundle> {
    let l = |x: SignedDecimal| loss(x, truth, reputer);
    let list = |xs: &[WorkerValue]| -> AnyResult<Vec<WorkerValue>> {
        xs.iter()
            .map(|x| {
                Ok(WorkerValue {
                    worker: x.worker,
                    value: l(x.value)?,
                })
            })
            .collect()
    };
    Ok(LossBundle {
        combined: l(inference.combined)?,
        naive: l(inference.naive)?,
        inferers: list(&inference.inferences)?,
        forecasters: list(&inference.forecast_implied)?,
        one_out_inferers: list(&inference.one_out_inferers)?,
        one_out_forecasters: list(&inference.one_out_forecasters)?,
        one_in_forecasters: list(&inference.one_in_forecasters)?,
        one_out_implied: inference
            .one_out_implied
            .iter()
            .map(|x| {
                Ok(WithheldValue {
                    withheld: x.withheld,
                    forecaster: x.forecaster,
                    value: l(x.value)?,
                })
            })
            .collect::<AnyResult<_>>()?,
    })
}
