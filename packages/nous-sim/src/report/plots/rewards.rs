//! `rewards.svg`: rewards credited per actor of each kind, cumulative over epochs of the
//! fastest topic (all topics together), one panel per class. Owners' credits only: the
//! delegators' part of reputer rewards is paid through staking.

use std::collections::BTreeMap;

use anyhow::Result;

use super::chart::{svg, Line, Panel};
use crate::record::Run;
use crate::units::TOKEN;

const CLASSES: [&str; 3] = ["inferer", "forecaster", "reputer"];

pub fn rewards_svg(run: &Run) -> Result<String> {
    let fastest = run
        .topics
        .iter()
        .map(|t| t.epoch_length)
        .min()
        .unwrap_or(1)
        .max(1);
    let n = run.scenario.epochs as usize;
    // kind -> (actors, credited per epoch of the fastest topic, in tokens)
    let mut kinds: BTreeMap<(&str, &str), (usize, Vec<f64>)> = BTreeMap::new();
    for a in &run.actors {
        kinds
            .entry((a.class, a.kind.as_str()))
            .or_insert((0, vec![0.0; n]))
            .0 += 1;
    }
    for t in &run.topics {
        for r in &t.records {
            let x = ((r.epoch * t.epoch_length) / fastest) as usize;
            for (name, amount) in &r.credited {
                let Some(a) = run.actors.iter().find(|a| a.name == *name) else {
                    continue;
                };
                if let Some(slot) = kinds
                    .get_mut(&(a.class, a.kind.as_str()))
                    .and_then(|k| k.1.get_mut(x))
                {
                    *slot += *amount as f64 / TOKEN as f64;
                }
            }
        }
    }
    let x_desc = format!("epoch of the fastest topic ({fastest} blocks)");
    let panels: Vec<Panel> = CLASSES
        .iter()
        .map(|class| {
            let mut p = Panel::new(
                format!("{class}s"),
                &x_desc,
                "tokens per actor (cumulative)",
            );
            // Cumulative curves start low: the upper left is free.
            p.own_legend = true;
            let of_class = kinds.iter().filter(|((c, _), _)| c == class);
            for (i, ((_, kind), (actors, per_epoch))) in of_class.enumerate() {
                let mut sum = 0.0;
                let points = per_epoch
                    .iter()
                    .enumerate()
                    .map(|(e, v)| {
                        sum += v;
                        (e as f64, Some(sum / *actors as f64))
                    })
                    .collect();
                let label = format!("{kind} ({actors})");
                let mut line = Line::new(label, i, points);
                line.width = 2;
                p.lines.push(line);
            }
            p
        })
        .collect();
    svg(
        &format!(
            "Rewards credited per actor of each kind (all topics), seed {}",
            run.scenario.seed
        ),
        &panels,
        false,
    )
}
