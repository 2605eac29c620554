//! Forecasters: each learns every inferer's log-loss per context from the revealed truth
//! and forecasts it for the epoch to come.

use std::collections::BTreeMap;

use crate::scenario::ForecasterContext;
use crate::stats::log_loss;
use crate::world::Series;

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
