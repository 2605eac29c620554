//! Forecasters: each learns every inferer's log-loss per context from the revealed truth
//! and forecasts it for the epoch to come — or, with `target = "regret"`, learns how much
//! better than the network each inferer does in a context and forecasts the loss that
//! makes the network's implied regret (latest network loss − forecast) exactly that.

use std::collections::BTreeMap;

use crate::scenario::{ForecastTarget, ForecasterContext, ForecasterSpec};
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
    /// The network's combined inference of the epoch.
    pub network: f64,
}

/// A forecaster's memory for one topic.
#[derive(Clone, Debug, Default)]
pub struct ForecasterMemory {
    /// (context, actor) -> EMA of what the forecaster learns of the actor: its loss, or
    /// (regret target) the network's loss minus its loss.
    by_context: BTreeMap<(usize, u32), f64>,
    /// actor -> the same EMA over every context.
    global: BTreeMap<u32, f64>,
    last_regime: Option<usize>,
    /// The network's loss in the latest revealed epoch (what synthesis will subtract the
    /// forecast from, as far as the forecaster can know it).
    latest_network_loss: Option<f64>,
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

    pub fn learn(&mut self, spec: &ForecasterSpec, series: &Series, r: &Revealed) {
        let kind = &spec.context;
        let ctx = match kind {
            ForecasterContext::Regime => r.regime,
            _ => self.context(kind, series, r.epoch),
        };
        let network_loss = log_loss(r.network, r.truth);
        let rate = spec.learning_rate;
        for (actor, value) in &r.inferences {
            let loss = log_loss(*value, r.truth);
            let x = match spec.target {
                ForecastTarget::Loss => loss,
                ForecastTarget::Regret => network_loss - loss,
            };
            let g = self.global.entry(*actor).or_insert(x);
            *g = rate * x + (1.0 - rate) * *g;
            let c = self.by_context.entry((ctx, *actor)).or_insert(x);
            *c = rate * x + (1.0 - rate) * *c;
        }
        if matches!(kind, ForecasterContext::Regime) {
            self.last_regime = Some(r.regime);
        }
        self.latest_network_loss = Some(network_loss);
    }

    /// Forecast elements (actor, expected loss) for epoch `k`, for every inferer seen so far.
    pub fn forecast(&self, spec: &ForecasterSpec, series: &Series, k: u64) -> Vec<(u32, f64)> {
        let ctx = self.context(&spec.context, series, k);
        let learned = |a: &u32, g: &f64| *self.by_context.get(&(ctx, *a)).unwrap_or(g);
        match spec.target {
            ForecastTarget::Loss => self
                .global
                .iter()
                .map(|(a, g)| (*a, learned(a, g)))
                .collect(),
            ForecastTarget::Regret => match self.latest_network_loss {
                Some(l) => self
                    .global
                    .iter()
                    .map(|(a, g)| (*a, l - learned(a, g)))
                    .collect(),
                None => vec![],
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::Series;

    fn spec(target: ForecastTarget) -> ForecasterSpec {
        ForecasterSpec {
            name: "f".into(),
            context: ForecasterContext::Global,
            learning_rate: 0.5,
            also_infers: false,
            target,
        }
    }

    /// A loss forecaster forecasts each inferer's loss; a regret forecaster forecasts the
    /// latest network loss minus the inferer's learned advantage over the network, so the
    /// regret synthesis infers (latest network loss − forecast) is that advantage.
    #[test]
    fn a_regret_target_forecast_turns_into_the_learned_regret() {
        // the Global context never looks at the series
        let series = Series {
            values: vec![],
            regimes: vec![],
            regime_names: vec![],
            vols: vec![],
        };
        let revealed = |epoch, network: f64| Revealed {
            epoch,
            truth: 0.0,
            regime: 0,
            inferences: vec![(1, 0.1), (2, 1.0)],
            network,
        };
        let (loss, regret) = (spec(ForecastTarget::Loss), spec(ForecastTarget::Regret));
        let (mut a, mut b) = (ForecasterMemory::default(), ForecasterMemory::default());
        assert!(
            b.forecast(&regret, &series, 0).is_empty(),
            "nothing learned yet"
        );
        for (k, net) in [(0, 0.5), (1, 0.3)] {
            a.learn(&loss, &series, &revealed(k, net));
            b.learn(&regret, &series, &revealed(k, net));
        }
        let l1 = log_loss(0.1, 0.0);
        let fa = a.forecast(&loss, &series, 2);
        assert_eq!(fa[0], (1, l1));
        // regret of inferer 1: EMA(0.5) of (net loss − its loss) over the two epochs
        let r = |net: f64| log_loss(net, 0.0) - l1;
        let learned = 0.5 * r(0.3) + 0.5 * r(0.5);
        let latest = log_loss(0.3, 0.0);
        let fb = b.forecast(&regret, &series, 2);
        assert_eq!(fb[0].0, 1);
        assert!((latest - fb[0].1 - learned).abs() < 1e-12, "{fb:?}");
    }
}
