//! `listening.svg`: each reputer's listening coefficient over epochs (rolling mean of 10
//! scored epochs' values), one panel per topic.

use anyhow::Result;

use super::chart::{svg, Line, Panel};
use crate::record::Run;
use crate::report::metrics::rolling;

pub fn listening_svg(run: &Run) -> Result<String> {
    let reputers: Vec<_> = run.actors.iter().filter(|a| a.class == "reputer").collect();
    let panels: Vec<Panel> = run
        .topics
        .iter()
        .map(|t| {
            let mut p = Panel::new(
                format!("topic {}: {}", t.id, t.name),
                "epoch",
                "listening coefficient",
            );
            p.y_range = Some((0.0, 1.05));
            for (i, a) in reputers.iter().enumerate() {
                let raw: Vec<Option<f64>> = t
                    .records
                    .iter()
                    .map(|r| r.listening.get(a.name).copied())
                    .collect();
                let points = rolling(&raw, 10)
                    .into_iter()
                    .enumerate()
                    .map(|(e, v)| (e as f64, v))
                    .collect();
                p.lines
                    .push(Line::new(format!("{} ({})", a.name, a.kind), i, points));
            }
            p
        })
        .collect();
    svg(
        &format!(
            "Listening coefficient per reputer over epochs (rolling mean of 10), seed {}",
            run.scenario.seed
        ),
        &panels,
        true,
    )
}
