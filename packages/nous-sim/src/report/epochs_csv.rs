//! `epochs.csv`: one row per topic epoch — regime, truth, the network's and each
//! baseline's value and loss, admitted inferers, inference path, reward outcome, emission
//! drawn and paid per class.

use super::metrics::{best_single, distinct_models, topic_baselines};
use crate::csv_text::csv_text;
use crate::record::Run;
use crate::stats::log_loss;

const HEADER: [&str; 30] = [
    "topic",
    "epoch",
    "regime",
    "truth",
    "network",
    "naive",
    "mean",
    "median",
    "distinct_mean",
    "inverse_mse",
    "best_single",
    "loss_network",
    "loss_naive",
    "loss_mean",
    "loss_median",
    "loss_distinct_mean",
    "loss_inverse_mse",
    "loss_best_single",
    "submitted",
    "admitted",
    "forecast_implied",
    "path",
    "scored",
    "outcome",
    "drawn",
    "chain_security",
    "paid_inferers",
    "paid_forecasters",
    "paid_reputers",
    "delegators",
];

/// A value with six decimals, empty when there is none.
fn opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.6}")).unwrap_or_default()
}

pub fn epochs_csv(run: &Run) -> anyhow::Result<String> {
    let mut rows = vec![];
    let distinct = distinct_models(&run.scenario);
    for t in &run.topics {
        let best = best_single(t, run.scenario.warmup_epochs, None).map(|b| b.0);
        for (r, b) in t.records.iter().zip(topic_baselines(t, &distinct)) {
            let bs = best.and_then(|x| r.submitted.get(x).copied());
            let loss = |v: Option<f64>| opt(v.map(|x| log_loss(x, r.truth)));
            let regime = t.series.regime_names.get(r.regime);
            rows.push(vec![
                t.id.to_string(),
                r.epoch.to_string(),
                regime.map(|x| x.as_str()).unwrap_or("?").to_string(),
                format!("{:.6}", r.truth),
                opt(r.network),
                opt(r.naive),
                opt(b.mean),
                opt(b.median),
                opt(b.distinct_mean),
                opt(b.inverse_mse),
                opt(bs),
                loss(r.network),
                loss(r.naive),
                loss(b.mean),
                loss(b.median),
                loss(b.distinct_mean),
                loss(b.inverse_mse),
                loss(bs),
                r.submitted.len().to_string(),
                r.admitted_inferers.to_string(),
                r.forecast_implied.to_string(),
                r.path.clone(),
                r.scored.to_string(),
                r.outcome.clone(),
                r.drawn.to_string(),
                r.chain_security.to_string(),
                r.paid_inferers.to_string(),
                r.paid_forecasters.to_string(),
                r.paid_reputers.to_string(),
                r.delegators.to_string(),
            ]);
        }
    }
    csv_text(&HEADER, rows)
}
