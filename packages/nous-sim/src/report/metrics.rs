//! What the report measures in a run: each epoch's baselines (mean and median of the
//! submissions, the mean of distinct models, an inverse-MSE combination), the best single inferer chosen after the fact, mean losses per method and
//! regime, rolling means for the plots.

use std::collections::{BTreeMap, BTreeSet};

use crate::record::{EpochRecord, TopicRun};
use crate::scenario::{Model, Scenario};
use crate::stats::{log_loss, median};

/// Baseline values of one epoch.
pub struct Baselines {
    /// Plain mean and median of every submitted inference.
    pub mean: Option<f64>,
    pub median: Option<f64>,
    /// Mean over distinct models: one identity per inferer spec (Sybil clones count once),
    /// copycats left out — the mean a network of honest, distinct models would take.
    pub distinct_mean: Option<f64>,
    /// Submissions weighted by 1 / (EMA of each inferer's squared error over the epochs
    /// whose truth was known by then, α = [`INVERSE_MSE_ALPHA`]); the plain mean while no
    /// submitter has a history. The classic forecast-combination baseline.
    pub inverse_mse: Option<f64>,
}

/// Smoothing of the inverse-MSE baseline's error EMA.
pub const INVERSE_MSE_ALPHA: f64 = 0.1;

/// One identity per distinct model of the scenario: the inferer itself, or the first clone
/// of a cloned one; copycats are not models of their own.
pub fn distinct_models(sc: &Scenario) -> BTreeSet<String> {
    sc.inferers
        .iter()
        .filter(|i| !matches!(i.model, Model::Copycat { .. }))
        .filter_map(|i| i.identities().into_iter().next())
        .collect()
}

fn mean_of(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The baselines of every epoch of `t`, in record order. The inverse-MSE weights of an
/// epoch use only the truths revealed before it (the topic's lag), as a live combiner would.
pub fn topic_baselines(t: &TopicRun, distinct: &BTreeSet<String>) -> Vec<Baselines> {
    let mut ema: BTreeMap<&'static str, f64> = BTreeMap::new();
    let mut learned = 0usize; // records folded into the EMA
    let mut out = Vec::with_capacity(t.records.len());
    // the ground-truth lag in epochs (the record keeps it in blocks)
    let lag_epochs = t.lag.div_ceil(t.epoch_length.max(1));
    for (i, r) in t.records.iter().enumerate() {
        while learned < i && t.records[learned].epoch + lag_epochs <= r.epoch {
            let past = &t.records[learned];
            for (name, v) in &past.submitted {
                let se = (v - past.truth).powi(2);
                let e = ema.entry(name).or_insert(se);
                *e = (1.0 - INVERSE_MSE_ALPHA) * *e + INVERSE_MSE_ALPHA * se;
            }
            learned += 1;
        }
        let v: Vec<f64> = r.submitted.values().copied().collect();
        let d: Vec<f64> = r
            .submitted
            .iter()
            .filter(|(n, _)| distinct.contains(**n))
            .map(|(_, v)| *v)
            .collect();
        let (mut num, mut den) = (0.0, 0.0);
        for (name, v) in &r.submitted {
            if let Some(e) = ema.get(name) {
                let w = 1.0 / e.max(1e-12);
                num += w * v;
                den += w;
            }
        }
        out.push(Baselines {
            mean: mean_of(&v),
            median: (!v.is_empty()).then(|| median(&v)),
            distinct_mean: mean_of(&d),
            inverse_mse: if den > 0.0 {
                Some(num / den)
            } else {
                mean_of(&v)
            },
        });
    }
    out
}

/// Records that count: after warm-up, with a network inference that went through the full
/// path (or any path when `all` is set).
pub fn counted(t: &TopicRun, warmup: u64) -> impl Iterator<Item = &EpochRecord> {
    t.records
        .iter()
        .filter(move |r| r.epoch >= warmup && r.network.is_some())
}

/// The inferer with the lowest mean loss over the counted epochs it submitted in.
pub fn best_single(
    t: &TopicRun,
    warmup: u64,
    regime: Option<usize>,
) -> Option<(&'static str, f64)> {
    let mut acc: BTreeMap<&'static str, (f64, u32)> = BTreeMap::new();
    let mut n = 0u32;
    for r in counted(t, warmup).filter(|r| regime.is_none_or(|g| r.regime == g)) {
        n += 1;
        for (name, v) in &r.submitted {
            let e = acc.entry(name).or_insert((0.0, 0));
            e.0 += log_loss(*v, r.truth);
            e.1 += 1;
        }
    }
    acc.into_iter()
        .filter(|(_, (_, c))| *c * 10 >= n * 6) // submitted in at least 60% of epochs
        .map(|(k, (s, c))| (k, s / c as f64))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// The methods [`losses`] compares, in its order.
pub const METHODS: usize = 8;

/// Mean loss per method for one topic and regime (None = all regimes): network, naive,
/// mean, median, distinct-model mean, inverse-MSE, best single, best in the regime; the
/// count of epochs and the share of them where the network beat the mean.
pub fn losses(
    t: &TopicRun,
    sc: &Scenario,
    regime: Option<usize>,
) -> ([Option<f64>; METHODS], usize, f64) {
    let warmup = sc.warmup_epochs;
    let best = best_single(t, warmup, None).map(|b| b.0);
    let best_r = best_single(t, warmup, regime).map(|b| b.0);
    let all = topic_baselines(t, &distinct_models(sc));
    let mut sums = [(0.0f64, 0u32); METHODS];
    let mut wins = 0usize;
    let mut n = 0usize;
    for (r, b) in t.records.iter().zip(&all) {
        if r.epoch < warmup || r.network.is_none() || regime.is_some_and(|g| r.regime != g) {
            continue;
        }
        n += 1;
        let vals = [
            r.network,
            r.naive,
            b.mean,
            b.median,
            b.distinct_mean,
            b.inverse_mse,
            best.and_then(|x| r.submitted.get(x).copied()),
            best_r.and_then(|x| r.submitted.get(x).copied()),
        ];
        for (i, v) in vals.iter().enumerate() {
            if let Some(v) = v {
                sums[i].0 += log_loss(*v, r.truth);
                sums[i].1 += 1;
            }
        }
        if let (Some(a), Some(m)) = (r.network, b.mean) {
            if log_loss(a, r.truth) < log_loss(m, r.truth) {
                wins += 1;
            }
        }
    }
    let out = sums.map(|(s, c)| if c > 0 { Some(s / c as f64) } else { None });
    (out, n, if n > 0 { wins as f64 / n as f64 } else { 0.0 })
}

/// Rolling mean over `w` points (shorter at the start).
pub fn rolling(xs: &[Option<f64>], w: usize) -> Vec<Option<f64>> {
    (0..xs.len())
        .map(|i| {
            let lo = i.saturating_sub(w - 1);
            let v: Vec<f64> = xs[lo..=i].iter().flatten().copied().collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        })
        .collect()
}
