//! What the report measures in a run: each epoch's baselines (mean and median of the
//! submissions), the best single inferer chosen after the fact, mean losses per method and
//! regime, rolling means for the plots.

use std::collections::BTreeMap;

use crate::record::{EpochRecord, TopicRun};
use crate::stats::{log_loss, median};

/// Baseline values of one epoch.
pub struct Baselines {
    pub mean: Option<f64>,
    pub median: Option<f64>,
}

pub fn baselines(r: &EpochRecord) -> Baselines {
    let v: Vec<f64> = r.submitted.values().copied().collect();
    if v.is_empty() {
        return Baselines {
            mean: None,
            median: None,
        };
    }
    Baselines {
        mean: Some(v.iter().sum::<f64>() / v.len() as f64),
        median: Some(median(&v)),
    }
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

/// Mean loss per method for one topic and regime (None = all regimes); count of epochs.
pub fn losses(t: &TopicRun, warmup: u64, regime: Option<usize>) -> ([Option<f64>; 6], usize, f64) {
    let best = best_single(t, warmup, None).map(|b| b.0);
    let best_r = best_single(t, warmup, regime).map(|b| b.0);
    let mut sums = [(0.0f64, 0u32); 6];
    let mut wins = 0usize;
    let mut n = 0usize;
    for r in counted(t, warmup).filter(|r| regime.is_none_or(|g| r.regime == g)) {
        n += 1;
        let b = baselines(r);
        let vals = [
            r.network,
            r.naive,
            b.mean,
            b.median,
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
