//! `weights.svg`: each topic's weight after every settled epoch (reward-distribution's
//! smoothed weight from stake and fee revenue), over epochs of the fastest topic.

use anyhow::Result;

use super::chart::{svg, Line, Panel};
use crate::record::Run;

pub fn weights_svg(run: &Run) -> Result<String> {
    let fastest = run
        .topics
        .iter()
        .map(|t| t.epoch_length)
        .min()
        .unwrap_or(1)
        .max(1);
    let mut p = Panel::new(
        "",
        &format!("epoch of the fastest topic ({fastest} blocks)"),
        "topic weight",
    );
    for (i, t) in run.topics.iter().enumerate() {
        let points = t
            .records
            .iter()
            .filter(|r| r.weight.is_some())
            .map(|r| ((r.epoch * t.epoch_length) as f64 / fastest as f64, r.weight))
            .collect();
        let mut line = Line::new(format!("topic {}: {}", t.id, t.name), i, points);
        line.width = 2;
        p.lines.push(line);
    }
    svg(
        &format!(
            "Topic weight after each settled epoch, seed {}",
            run.scenario.seed
        ),
        &[p],
        true,
    )
}
