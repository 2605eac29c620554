//! Reputers: the loss bundle each one reports for an epoch, by behaviour. An honest bundle
//! is the one an operator's reputer builds (`LossBundle::from_inference`, the shared
//! reporting convention): `log10` of the topic's loss method ([`LOSS_METHOD`]) for every
//! variant synthesis stored for the epoch (combined, naive, each inferer, each
//! forecast-implied, one-out inferers and forecasters, one-in forecasters, one-out implied).

use anyhow::Result;
use cosmwasm_std::SignedDecimal;
use nous_types::synthesis::{LossBundle, NetworkInference, WithheldValue, WorkerValue};

use crate::rng::Rng;
use crate::scenario::Behaviour;
use crate::units::{dec, num};
use crate::world::Series;

/// What a reputer of `behaviour` reports for the network inference `ni` of epoch `k`
/// (truth in `series`). `last_consensus`: the network losses of the last scored epoch,
/// which a lazy reputer copies; `rng`: the reputer's own stream (a noisy reputer's noise).
pub fn bundle(
    behaviour: &Behaviour,
    ni: &NetworkInference,
    series: &Series,
    k: u64,
    last_consensus: Option<&LossBundle>,
    rng: &mut Rng,
) -> Result<LossBundle> {
    let truth = series.truth(k);
    match behaviour {
        Behaviour::Honest => honest_bundle(ni, truth),
        Behaviour::Noisy { noise } => {
            let seen = truth + noise * series.vol(k) * rng.normal();
            honest_bundle(ni, seen)
        }
        Behaviour::Lazy => lazy_bundle(ni, last_consensus),
        Behaviour::Malicious => malicious_bundle(ni, truth),
    }
}

/// The loss method of every simulated topic (its `loss_method`): squared error, whose
/// `log10` the forecasters' `stats::log_loss` predicts.
pub const LOSS_METHOD: &str = "mse";

/// An honest reputer's bundle: the loss of every variant of `ni` measured against `truth`.
pub fn honest_bundle(ni: &NetworkInference, truth: f64) -> Result<LossBundle> {
    let method: nous_math::LossMethod = LOSS_METHOD.parse()?;
    Ok(LossBundle::from_inference(ni, dec(truth), &method)?)
}

/// A malicious reputer's bundle: its honest losses mirrored around their mean, so the best
/// variant looks worst.
fn malicious_bundle(ni: &NetworkInference, truth: f64) -> Result<LossBundle> {
    let honest = honest_bundle(ni, truth)?;
    let values = all_values(&honest);
    let m = values.iter().sum::<f64>() / values.len().max(1) as f64;
    Ok(map_bundle(&honest, &mut |x| 2.0 * m - x))
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

/// `b` with `f` applied to every loss.
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

/// Every loss of a bundle, in its order.
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
