//! `actors.csv`: one row per participant — what it claimed (and, for a worker, the payload
//! fees it paid, base units), and what its class is judged
//! by: an inferer's submissions and mean loss after warm-up, a reputer's stake (with its
//! delegators', whole tokens), what that stake earned (base units), per token of stake (in
//! tokens), and its mean listening coefficient.

use super::metrics::counted;
use super::scorecard::{claimed, earned_by_stake, mean_listening, stake_of};
use crate::csv_text::csv_text;
use crate::record::Run;
use crate::stats::log_loss;
use crate::units::TOKEN;

const HEADER: [&str; 11] = [
    "name",
    "class",
    "kind",
    "claimed",
    "payload_fees",
    "submitted_epochs",
    "mean_loss",
    "stake",
    "earned_by_stake",
    "reward_per_token",
    "mean_listening",
];

pub fn actors_csv(run: &Run) -> anyhow::Result<String> {
    let warmup = run.scenario.warmup_epochs;
    let rows = run.actors.iter().map(|a| {
        let (mut loss, mut n) = (0.0f64, 0u64);
        if a.class == "inferer" {
            for t in &run.topics {
                for r in counted(t, warmup) {
                    if let Some(v) = r.submitted.get(a.name) {
                        loss += log_loss(*v, r.truth);
                        n += 1;
                    }
                }
            }
        }
        let reputer = a.class == "reputer";
        let stake = stake_of(run, a.name);
        let earned = earned_by_stake(run, a.name);
        vec![
            a.name.to_string(),
            a.class.to_string(),
            a.kind.clone(),
            claimed(run, a.name).to_string(),
            run.flows
                .payload_fees_by
                .get(a.name)
                .copied()
                .unwrap_or(0)
                .to_string(),
            if a.class == "inferer" {
                n.to_string()
            } else {
                String::new()
            },
            if n > 0 {
                format!("{:.6}", loss / n as f64)
            } else {
                String::new()
            },
            if reputer {
                stake.to_string()
            } else {
                String::new()
            },
            if reputer {
                earned.to_string()
            } else {
                String::new()
            },
            // stakes are whole tokens in a scenario, rewards base units
            if reputer && stake > 0 {
                format!("{:.9}", earned as f64 / TOKEN as f64 / stake as f64)
            } else {
                String::new()
            },
            if reputer {
                format!("{:.6}", mean_listening(run, a.name))
            } else {
                String::new()
            },
        ]
    });
    csv_text(&HEADER, rows)
}
