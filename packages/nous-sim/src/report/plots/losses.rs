//! `losses.svg`: the loss of the network and of each baseline over epochs (rolling mean of
//! 10), one panel per topic, regimes shaded.

use anyhow::Result;

use super::chart::{svg, Line, Panel, Span};
use crate::record::{Run, TopicRun};
use crate::report::metrics::{best_single, distinct_models, rolling, topic_baselines};
use crate::scenario::Scenario;
use crate::stats::log_loss;

const METHODS: [&str; 7] = [
    "network",
    "naive (no forecasters)",
    "mean",
    "median",
    "mean of distinct models",
    "inverse-MSE",
    "best single",
];

pub fn losses_svg(run: &Run) -> Result<String> {
    let panels: Vec<Panel> = run.topics.iter().map(|t| panel(t, &run.scenario)).collect();
    svg(
        &format!(
            "Loss over epochs (log10 squared error, rolling mean of 10; lower is better), seed {}",
            run.scenario.seed
        ),
        &panels,
        true,
    )
}

fn panel(t: &TopicRun, sc: &Scenario) -> Panel {
    let best = best_single(t, sc.warmup_epochs, None).map(|b| b.0);
    let baselines = topic_baselines(t, &distinct_models(sc));
    let mut p = Panel::new(
        format!("topic {}: {}", t.id, t.name),
        "epoch",
        "log10 squared error",
    );
    p.whole_units = true;
    for (m, name) in METHODS.iter().enumerate() {
        let raw: Vec<Option<f64>> = t
            .records
            .iter()
            .zip(&baselines)
            .map(|(r, b)| {
                let v = match m {
                    0 => r.network,
                    1 => r.naive.filter(|_| r.path.starts_with("full")),
                    2 => b.mean,
                    3 => b.median,
                    4 => b.distinct_mean,
                    5 => b.inverse_mse,
                    _ => best.and_then(|x| r.submitted.get(x).copied()),
                };
                v.map(|x| log_loss(x, r.truth))
            })
            .collect();
        let points = rolling(&raw, 10)
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i as f64, v))
            .collect();
        let mut line = Line::new(*name, m, points);
        if m == 0 {
            line.width = 2;
        }
        p.lines.push(line);
    }
    // Regime runs, shaded.
    let mut i = 0;
    while i < t.records.len() {
        let g = t.records[i].regime;
        let mut j = i;
        while j + 1 < t.records.len() && t.records[j + 1].regime == g {
            j += 1;
        }
        p.spans.push(Span {
            from: i as f64,
            to: (j + 1).min(t.records.len() - 1) as f64,
            label: g,
        });
        i = j + 1;
    }
    p.span_names = t.series.regime_names.clone();
    p
}
