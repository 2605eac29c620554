//! What the simulated participants do off-chain: inferer models, forecasters that learn each
//! inferer's loss per context, and reputers measuring (or faking) losses.

use std::collections::BTreeMap;

use crate::rng::Rng;
use crate::scenario::{Behaviour, ForecasterContext, Model};
use crate::world::Series;

/// Loss of one value against the truth: `log10` of the squared error (MATH.md §0), floored
/// at 1e-12 so an exact hit is finite.
pub fn log_loss(value: f64, truth: f64) -> f64 {
    let e = value - truth;
    (e * e).max(1e-12).log10()
}

/// An inferer's prediction for epoch `k` of a topic (the copycat is resolved by the caller).
pub fn infer(model: &Model, series: &Series, k: u64, rng: &mut Rng) -> f64 {
    let known = series.known_before(k);
    let last = known[known.len() - 1];
    let prev = known[known.len() - 2];
    let truth = series.truth(k);
    let vol = series.vol(k);
    match model {
        Model::Momentum { gain } => last + gain * (last - prev),
        Model::Reversion { window, strength } => {
            let w = (*window).clamp(1, known.len());
            let mean = known[known.len() - w..].iter().sum::<f64>() / w as f64;
            last + strength * (mean - last)
        }
        Model::Last => last,
        Model::Signal { noise, bias } => truth + vol * (bias + noise * rng.normal()),
        Model::Specialist {
            regime,
            good_noise,
            bad_noise,
        } => {
            let good = series.regime_names.get(series.regime(k)) == Some(regime);
            let n = if good { *good_noise } else { *bad_noise };
            truth + vol * n * rng.normal()
        }
        Model::Lagging { lag } => known[known.len().saturating_sub(1 + lag)],
        Model::Copycat { .. } => last,
    }
}

/// What forecasters learn from: an epoch whose truth is revealed, with the inferences
/// the network stored for it (by actor index) and its regime label.
#[derive(Clone, Debug)]
pub struct Revealed {
    pub epoch: u64,
    pub truth: f64,
    pub regime: usize,
    pub inferences: Vec<(u32, f64)>,
}

/// A forecaster's memory for one topic.
#[derive(Clone, Debug, Default)]
pub struct ForecasterMemory {
    /// (context, actor) -> EMA of the actor's loss.
    by_context: BTreeMap<(usize, u32), f64>,
    /// actor -> EMA of the actor's loss over every context.
    global: BTreeMap<u32, f64>,
    last_regime: Option<usize>,
}

/// The observable context of epoch `k`: volatility of the last 6 changes above or below
/// the long-run level, crossed with whether the last changes kept their sign.
fn feature_context(series: &Series, k: u64) -> usize {
    let known = series.known_before(k);
    let d: Vec<f64> = known.windows(2).map(|w| w[1] - w[0]).collect();
    if d.len() < 12 {
        return 0;
    }
    let recent = &d[d.len() - 6..];
    let rv = recent.iter().map(|x| x * x).sum::<f64>() / 6.0;
    let long = &d[d.len().saturating_sub(60)..];
    let lv = long.iter().map(|x| x * x).sum::<f64>() / long.len() as f64;
    let persistent = recent.windows(2).filter(|w| w[0] * w[1] > 0.0).count() >= 3;
    (rv > lv) as usize * 2 + persistent as usize
}

impl ForecasterMemory {
    fn context(&self, kind: &ForecasterContext, series: &Series, k: u64) -> usize {
        match kind {
            ForecasterContext::Regime => self.last_regime.unwrap_or(0),
            ForecasterContext::Features => feature_context(series, k),
            ForecasterContext::Global => 0,
        }
    }

    pub fn learn(&mut self, kind: &ForecasterContext, series: &Series, rate: f64, r: &Revealed) {
        let ctx = match kind {
            ForecasterContext::Regime => r.regime,
            _ => self.context(kind, series, r.epoch),
        };
        for (actor, value) in &r.inferences {
            let loss = log_loss(*value, r.truth);
            let g = self.global.entry(*actor).or_insert(loss);
            *g = rate * loss + (1.0 - rate) * *g;
            let c = self.by_context.entry((ctx, *actor)).or_insert(loss);
            *c = rate * loss + (1.0 - rate) * *c;
        }
        if matches!(kind, ForecasterContext::Regime) {
            self.last_regime = Some(r.regime);
        }
    }

    /// Forecast elements (actor, expected loss) for epoch `k`, for every inferer seen so far.
    pub fn forecast(&self, kind: &ForecasterContext, series: &Series, k: u64) -> Vec<(u32, f64)> {
        let ctx = self.context(kind, series, k);
        self.global
            .iter()
            .map(|(a, g)| (*a, *self.by_context.get(&(ctx, *a)).unwrap_or(g)))
            .collect()
    }
}

/// A reputer's loss for each value of a bundle, given what it believes the truth is.
pub fn reputer_truth(behaviour: &Behaviour, series: &Series, k: u64, rng: &mut Rng) -> f64 {
    match behaviour {
        Behaviour::Noisy { noise } => series.truth(k) + noise * series.vol(k) * rng.normal(),
        _ => series.truth(k),
    }
}

/// Mirrors every loss around the mean of the given set (a malicious report: the best
/// worker appears worst).
pub fn invert(values: &mut [f64]) {
    if values.is_empty() {
        return;
    }
    let m = values.iter().sum::<f64>() / values.len() as f64;
    for v in values.iter_mut() {
        *v = 2.0 * m - *v;
    }
}

pub fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}
