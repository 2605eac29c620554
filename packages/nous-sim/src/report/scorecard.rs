//! The scorecard: one number per question the protocol must answer well, as `key = value`
//! lines at the end of the report, and the measures it is built from (also used by the
//! report's questions). `--seeds` averages it over several runs.

use std::fmt::Write;

use super::metrics::losses;
use crate::presets::PRESETS;
use crate::record::{Metric, Run, Scorecard};
use crate::scenario::{Behaviour, Model};

/// What `name` claimed by the end of the run (base units).
pub fn claimed(run: &Run, name: &str) -> u128 {
    run.flows.claimed.get(name).copied().unwrap_or(0)
}

/// What a worker earned net of the payload fees it paid (negative when the fees were more).
pub fn earned(run: &Run, name: &str) -> i128 {
    let paid = run.flows.payload_fees_by.get(name).copied().unwrap_or(0);
    // both are far below i128::MAX: token supplies are u128 but bounded by the scenario
    claimed(run, name) as i128 - paid as i128
}

/// A reputer's stake: its own and what its delegators put behind it.
pub fn stake_of(run: &Run, reputer: &str) -> u128 {
    let sc = &run.scenario;
    let own = sc
        .reputers
        .iter()
        .find(|r| r.name == reputer)
        .map(|r| r.stake)
        .unwrap_or(0);
    own + sc
        .delegators
        .iter()
        .filter(|d| d.reputer == reputer)
        .map(|d| d.amount)
        .sum::<u128>()
}

/// What a reputer's stake earned: its own rewards and its delegators' share of them
/// (staking pays that share to the delegators, so the reputer's claims alone undercount a
/// reputer backed by delegators).
pub fn earned_by_stake(run: &Run, reputer: &str) -> u128 {
    claimed(run, reputer)
        + run
            .scenario
            .delegators
            .iter()
            .filter(|d| d.reputer == reputer)
            .map(|d| claimed(run, &d.name))
            .sum::<u128>()
}

/// Reward per token of stake of a group of reputers (delegators' share included).
pub fn reward_per_stake(run: &Run, reputers: &[&str]) -> f64 {
    let earned: u128 = reputers.iter().map(|n| earned_by_stake(run, n)).sum();
    let stake: u128 = reputers.iter().map(|n| stake_of(run, n)).sum();
    earned as f64 / stake.max(1) as f64
}

/// A reputer's listening coefficient averaged over every scored epoch of every topic.
pub fn mean_listening(run: &Run, reputer: &str) -> f64 {
    let (mut sum, mut n) = (0.0, 0u32);
    for t in &run.topics {
        if let Some((x, c)) = t.listening_sum.get(reputer) {
            sum += x;
            n += c;
        }
    }
    if n == 0 {
        f64::NAN
    } else {
        sum / n as f64
    }
}

/// The reputers of the scenario that behave as `wanted` does.
pub fn reputers_behaving(run: &Run, wanted: fn(&Behaviour) -> bool) -> Vec<&str> {
    run.scenario
        .reputers
        .iter()
        .filter(|r| wanted(&r.behaviour))
        .map(|r| r.name.as_str())
        .collect()
}

fn honest(b: &Behaviour) -> bool {
    *b == Behaviour::Honest
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// The scorecard of one run. Losses are mean log10 squared-error losses after warm-up,
/// averaged over topics; reward ratios are per token of stake against the honest reputers.
pub fn scorecard(run: &Run) -> Vec<Metric> {
    // network − naive network (the one without forecasters)
    let net_minus_naive: Vec<f64> = run
        .topics
        .iter()
        .filter_map(|t| {
            let (l, _, _) = losses(t, &run.scenario, None);
            Some(l[0]? - l[1]?)
        })
        .collect();
    // network − plain mean, in the crash regime only
    let crash = run.scenario.regimes.iter().position(|r| r.name == "crash");
    let crash_net_minus_mean: Vec<f64> = match crash {
        None => vec![],
        Some(g) => run
            .topics
            .iter()
            .filter_map(|t| {
                let (l, n, _) = losses(t, &run.scenario, Some(g));
                if n == 0 {
                    return None;
                }
                Some(l[0]? - l[2]?)
            })
            .collect(),
    };
    let copycat_over_source: Vec<f64> = run
        .scenario
        .inferers
        .iter()
        .filter_map(|i| match &i.model {
            Model::Copycat { of, .. } => {
                Some(earned(run, &i.name) as f64 / earned(run, of).max(1) as f64)
            }
            _ => None,
        })
        .collect();
    let honest_rate = reward_per_stake(run, &reputers_behaving(run, honest)).max(f64::MIN_POSITIVE);
    let malicious = reputers_behaving(run, |b| *b == Behaviour::Malicious);
    let lazy = reputers_behaving(run, |b| *b == Behaviour::Lazy);
    let listening: Vec<f64> = malicious.iter().map(|r| mean_listening(run, r)).collect();
    let per_token =
        |group: &[&str]| (!group.is_empty()).then(|| reward_per_stake(run, group) / honest_rate);
    vec![
        ("net_minus_naive", mean(&net_minus_naive)),
        ("crash_net_minus_mean", mean(&crash_net_minus_mean)),
        ("clones_over_one_identity", run.clones_over_one_identity),
        ("copycat_over_source", mean(&copycat_over_source)),
        ("malicious_listening", mean(&listening)),
        (
            "malicious_reward_per_token_vs_honest",
            per_token(&malicious),
        ),
        ("lazy_reward_per_token_vs_honest", per_token(&lazy)),
    ]
}

fn value(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.4}"),
        _ => "n/a".into(),
    }
}

/// The scorecard as the report's last section: `key = value` lines, one value per column
/// (design preset) separated by `|`.
pub fn scorecard_text(cards: &[Scorecard]) -> String {
    let mut s = format!(
        "\n4. SCORECARD (key = {}; losses in log10, rewards per token of stake)\n{}",
        header(cards),
        columns(cards)
    );
    for (i, key) in keys(cards).iter().enumerate() {
        let values: Vec<String> = cards.iter().map(|(_, c)| value(at(c, i))).collect();
        let _ = writeln!(s, "{key} = {}", values.join(" | "));
    }
    s
}

/// Scorecards of several runs (one list of columns per run): per column, the mean per
/// metric over the runs that measured it, with each run's value in brackets.
pub fn averaged_text(seeds: &[u64], runs: &[Vec<Scorecard>]) -> String {
    let seeds_text: Vec<String> = seeds.iter().map(u64::to_string).collect();
    let Some(first) = runs.first() else {
        return format!("scorecard, mean over seeds {}\n", seeds_text.join(", "));
    };
    let mut s = format!(
        "scorecard, mean over seeds {} (each seed's value in brackets); key = {}\n{}",
        seeds_text.join(", "),
        header(first),
        columns(first)
    );
    for (i, key) in keys(first).iter().enumerate() {
        let columns: Vec<String> = (0..first.len())
            .map(|col| {
                let per_seed: Vec<Option<f64>> = runs
                    .iter()
                    .map(|cards| cards.get(col).and_then(|(_, c)| at(c, i)))
                    .collect();
                let measured: Vec<f64> = per_seed.iter().flatten().copied().collect();
                let each: Vec<String> = per_seed.iter().map(|v| value(*v)).collect();
                format!("{} [{}]", value(mean(&measured)), each.join(", "))
            })
            .collect();
        let _ = writeln!(s, "{key} = {}", columns.join(" | "));
    }
    s
}

/// What each column is run under: `   reference = reference rules, payloads in the clear;
/// improved = …` (a line).
fn columns(cards: &[Scorecard]) -> String {
    let what: Vec<String> = cards
        .iter()
        .map(|(name, _)| {
            let design = match PRESETS.iter().find(|p| p.name == name) {
                Some(p) => p.summary(),
                None => "the scenario's own rules and reveal windows".into(),
            };
            format!("{name} = {design}")
        })
        .collect();
    format!("   {}\n", what.join("; "))
}

/// "reference | improved": the columns' names.
fn header(cards: &[Scorecard]) -> String {
    let names: Vec<&str> = cards.iter().map(|(name, _)| name.as_str()).collect();
    names.join(" | ")
}

/// The metric keys, in order (every card has the same).
fn keys(cards: &[Scorecard]) -> Vec<&'static str> {
    cards
        .first()
        .map(|(_, c)| c.iter().map(|(k, _)| *k).collect())
        .unwrap_or_default()
}

fn at(card: &[Metric], i: usize) -> Option<f64> {
    card.get(i).and_then(|(_, v)| *v)
}
