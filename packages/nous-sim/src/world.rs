//! The ground truth of each topic: a seeded regime-switching series (or a user's CSV).

use crate::rng::Rng;
use crate::scenario::{RegimeSpec, Scenario, TopicSpec};

/// Epochs of history generated before epoch 0, so that models have data on day one.
pub const HISTORY: usize = 32;

/// A topic's ground truth: `values[HISTORY + k]` is the truth of epoch `k`.
#[derive(Clone, Debug)]
pub struct Series {
    pub values: Vec<f64>,
    /// Regime index per value (into `regime_names`).
    pub regimes: Vec<usize>,
    pub regime_names: Vec<String>,
    /// Volatility (standard deviation of a change) per value's regime.
    pub vols: Vec<f64>,
}

impl Series {
    pub fn truth(&self, epoch: u64) -> f64 {
        self.values[HISTORY + epoch as usize]
    }
    pub fn regime(&self, epoch: u64) -> usize {
        self.regimes[HISTORY + epoch as usize]
    }
    pub fn vol(&self, epoch: u64) -> f64 {
        self.vols[HISTORY + epoch as usize]
    }
    /// The public history before epoch `k` (values of epochs < k, including the pre-history).
    pub fn known_before(&self, epoch: u64) -> &[f64] {
        &self.values[..HISTORY + epoch as usize]
    }
}

pub fn generate(
    scenario: &Scenario,
    topic_index: usize,
    topic: &TopicSpec,
    epochs: u64,
) -> anyhow::Result<Series> {
    let n = HISTORY + epochs as usize;
    if let Some(path) = &topic.csv {
        return read_csv(path, n);
    }
    let regimes: &[RegimeSpec] = &scenario.regimes;
    let mut rng = Rng::derive(scenario.seed, &format!("world/{topic_index}"));
    let mut values = Vec::with_capacity(n);
    let mut regs = Vec::with_capacity(n);
    let mut vols = Vec::with_capacity(n);
    let mut x = topic.start_value;
    let mut change = 0.0;
    let mut r = 0usize;
    let mut anchor = x;
    for _ in 0..n {
        if regimes.len() > 1 && rng.chance(1.0 / regimes[r].mean_duration.max(1.0)) {
            let pick = (rng.next_u64() % (regimes.len() as u64 - 1)) as usize;
            r = if pick >= r { pick + 1 } else { pick };
            anchor = x;
        }
        let g = &regimes[r];
        let vol = g.volatility * topic.scale;
        change = g.drift * topic.scale
            + g.momentum * change
            + g.reversion * (anchor - x)
            + vol * rng.normal();
        x += change;
        values.push(x);
        regs.push(r);
        vols.push(vol.max(1e-9));
    }
    Ok(Series {
        values,
        regimes: regs,
        regime_names: regimes.iter().map(|g| g.name.clone()).collect(),
        vols,
    })
}

/// One value per line, optionally `value,regime`; a header line that does not parse is
/// skipped. The volatility used for noisy models is the series' own change deviation.
fn read_csv(path: &str, n: usize) -> anyhow::Result<Series> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("reading {path}: {e}"))?;
    let mut values = vec![];
    let mut labels: Vec<String> = vec![];
    for line in text.lines() {
        let mut parts = line.split(',');
        let Some(v) = parts.next().and_then(|v| v.trim().parse::<f64>().ok()) else {
            continue;
        };
        values.push(v);
        labels.push(
            parts
                .next()
                .map(|s| s.trim().to_string())
                .unwrap_or_else(|| "csv".into()),
        );
    }
    anyhow::ensure!(
        values.len() >= n,
        "{path}: {} values, the scenario needs {n} ({} of history + one per epoch)",
        values.len(),
        HISTORY
    );
    values.truncate(n);
    labels.truncate(n);
    let mut regime_names: Vec<String> = vec![];
    let regimes = labels
        .iter()
        .map(|l| match regime_names.iter().position(|r| r == l) {
            Some(i) => i,
            None => {
                regime_names.push(l.clone());
                regime_names.len() - 1
            }
        })
        .collect();
    let diffs: Vec<f64> = values.windows(2).map(|w| w[1] - w[0]).collect();
    let m = diffs.iter().sum::<f64>() / diffs.len().max(1) as f64;
    let sd =
        (diffs.iter().map(|d| (d - m) * (d - m)).sum::<f64>() / diffs.len().max(2) as f64).sqrt();
    Ok(Series {
        vols: vec![sd.max(1e-9); values.len()],
        values,
        regimes,
        regime_names,
    })
}
