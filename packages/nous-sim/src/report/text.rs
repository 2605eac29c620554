//! The terminal summary (also `report.txt`): 1. losses of the network against its
//! baselines per topic and regime, 2. rewards per kind of actor and per actor, with the
//! scenario's questions answered, 3. the treasury's flows, the emission split and the
//! conservation check. Deterministic: no timings.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::format::{f, pct, tok};
use super::metrics::{best_single, counted, losses};
use super::questions::questions;
use super::scorecard::{scorecard, scorecard_text};
use crate::record::{Run, THIS_RUN};
use crate::stats::log_loss;

/// How the workers' payloads reached synthesis: in the clear, or by commit–reveal (one
/// line; per topic when the topics differ).
fn payloads(run: &Run) -> String {
    let how = |w: u64| match w {
        0 => "in the clear (no commit–reveal)".to_string(),
        w => format!(
            "commit–reveal (committed in the worker window, revealed in the {w} blocks after it)"
        ),
    };
    let windows: Vec<u64> = run.topics.iter().map(|t| t.reveal_window).collect();
    match windows.split_first() {
        Some((w, rest)) if rest.iter().all(|x| x == w) => format!("payloads: {}", how(*w)),
        _ => {
            let each: Vec<String> = run
                .topics
                .iter()
                .map(|t| match t.reveal_window {
                    0 => format!("topic {} in the clear", t.id),
                    w => format!("topic {} commit–reveal ({w}-block reveal window)", t.id),
                })
                .collect();
            format!("payloads: {}", each.join(", "))
        }
    }
}

/// The summary of `run`.
pub fn summary(run: &Run) -> String {
    let sc = &run.scenario;
    let w = sc.warmup_epochs;
    let mut s = String::new();
    let _ = writeln!(s, "nous-sim — scenario \"{}\", seed {}, {} epochs of the fastest topic ({} warm-up epochs left out)", sc.name, sc.seed, sc.epochs, w);
    let _ = writeln!(
        s,
        "{} inferers, {} forecasters, {} reputers, {} delegators, {} topics",
        run.actors.iter().filter(|a| a.class == "inferer").count(),
        run.actors
            .iter()
            .filter(|a| a.class == "forecaster")
            .count(),
        run.actors.iter().filter(|a| a.class == "reputer").count(),
        run.actors.iter().filter(|a| a.class == "delegator").count(),
        run.topics.len()
    );
    let _ = writeln!(s, "{}", payloads(run));
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "1. LOSS OF THE NETWORK INFERENCE vs BASELINES (mean log10 squared error, lower is better)"
    );
    let _ = writeln!(s, "   naive = synthesis' network inference without forecasters; mean/median = of all submitted");
    let _ = writeln!(s, "   inferences; distinct = mean of distinct models (clones once, no copycats); inv-mse = weights");
    let _ = writeln!(s, "   1/EMA of each inferer's squared error so far; best = the inferer best over the whole run;");
    let _ = writeln!(
        s,
        "   best/reg = ex post best for that regime alone (an oracle no one can pick in advance)."
    );
    let _ = writeln!(s, "   win% = epochs network < mean.");
    for t in &run.topics {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "   topic {} \"{}\" (epoch {} blocks, {} epochs)",
            t.id, t.name, t.epoch_length, t.epochs
        );
        let _ = writeln!(
            s,
            "   {:<10} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>6}",
            "regime",
            "epochs",
            "network",
            "naive",
            "mean",
            "median",
            "distinct",
            "inv-mse",
            "best",
            "best/reg",
            "win%"
        );
        let mut rows: Vec<(String, Option<usize>)> = t
            .series
            .regime_names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), Some(i)))
            .collect();
        rows.push(("all".into(), None));
        for (name, g) in rows {
            let (l, n, wins) = losses(t, sc, g);
            if n == 0 {
                continue;
            }
            let _ = writeln!(
                s,
                "   {:<10} {:>6} {} {:>5.0}%",
                name,
                n,
                l.iter().map(|x| f(*x)).collect::<Vec<_>>().join(" "),
                wins * 100.0
            );
        }
        if let Some((b, _)) = best_single(t, w, None) {
            let _ = writeln!(s, "   best single inferer: {b}");
        }
        let paths: BTreeMap<&str, usize> = t.records.iter().fold(BTreeMap::new(), |mut m, r| {
            *m.entry(if r.path.is_empty() {
                "none"
            } else {
                r.path.as_str()
            })
            .or_insert(0) += 1;
            m
        });
        let _ = writeln!(
            s,
            "   inference paths: {}",
            paths
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    // ---- rewards ------------------------------------------------------------------------
    let _ = writeln!(s);
    let _ = writeln!(s, "2. REWARDS (claimed at the end, all topics)");
    let total: u128 = run.flows.claimed.values().sum();
    let mut by_kind: BTreeMap<String, (u128, u32)> = BTreeMap::new();
    for a in &run.actors {
        let e = by_kind
            .entry(format!("{}: {}", a.class, a.kind))
            .or_insert((0, 0));
        e.0 += run.flows.claimed.get(a.name).copied().unwrap_or(0);
        e.1 += 1;
    }
    let _ = writeln!(
        s,
        "   {:<40} {:>6} {:>14} {:>7} {:>14}",
        "kind", "actors", "total", "share", "per actor"
    );
    for (k, (v, n)) in &by_kind {
        let _ = writeln!(
            s,
            "   {:<40} {:>6} {:>14} {:>6.2}% {:>14}",
            k,
            n,
            tok(*v),
            pct(*v, total),
            tok(v / (*n as u128).max(1))
        );
    }
    let _ = writeln!(s, "   per actor:");
    for a in &run.actors {
        let v = run.flows.claimed.get(a.name).copied().unwrap_or(0);
        let extra = if a.class == "inferer" {
            let l: Vec<f64> = run
                .topics
                .iter()
                .filter_map(|t| {
                    let xs: Vec<f64> = counted(t, w)
                        .filter_map(|r| r.submitted.get(a.name).map(|v| log_loss(*v, r.truth)))
                        .collect();
                    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
                })
                .collect();
            format!(
                "mean loss per topic {}",
                l.iter()
                    .map(|x| format!("{x:.2}"))
                    .collect::<Vec<_>>()
                    .join(" / ")
            )
        } else if a.class == "forecaster" {
            let l: Vec<String> = run
                .topics
                .iter()
                .map(|t| {
                    let xs: Vec<f64> = counted(t, w)
                        .filter_map(|r| r.implied.get(a.name).map(|v| log_loss(*v, r.truth)))
                        .collect();
                    if xs.is_empty() {
                        "-".into()
                    } else {
                        format!("{:.2}", xs.iter().sum::<f64>() / xs.len() as f64)
                    }
                })
                .collect();
            format!("implied-inference loss per topic {}", l.join(" / "))
        } else if a.class == "reputer" {
            let l: Vec<String> = run
                .topics
                .iter()
                .map(|t| {
                    let last = t.listening.get(a.name).copied().unwrap_or(f64::NAN);
                    let (sum, c) = t.listening_sum.get(a.name).copied().unwrap_or((0.0, 0));
                    format!("{:.3}/{:.3}", sum / c.max(1) as f64, last)
                })
                .collect();
            format!("listening mean/last per topic {}", l.join(" "))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "     {:<22} {:<28} {:>14} {:>6.2}%  {}",
            a.name,
            a.kind,
            tok(v),
            pct(v, total),
            extra
        );
    }

    let _ = write!(s, "{}", questions(run));

    // ---- flows --------------------------------------------------------------------------
    let fl = &run.flows;
    let _ = writeln!(s);
    let _ = writeln!(s, "3. TREASURY, FEES AND EMISSION");
    let fees_in =
        fl.creation_fees + fl.registration_fees + fl.topic_funding + fl.read_fees + fl.payload_fees;
    let _ = writeln!(
        s,
        "   treasury at start (after genesis funding) {:>16}",
        tok(fl.treasury_start)
    );
    let _ = writeln!(
        s,
        "   + topic creation fees                     {:>16}",
        tok(fl.creation_fees)
    );
    let _ = writeln!(
        s,
        "   + registration fees                       {:>16}",
        tok(fl.registration_fees)
    );
    let _ = writeln!(
        s,
        "   + consumer topic funding                  {:>16}",
        tok(fl.topic_funding)
    );
    let _ = writeln!(
        s,
        "   + dApp read fees ({} reads, {} refused)   {:>16}",
        fl.reads,
        fl.failed_reads,
        tok(fl.read_fees)
    );
    if fl.payload_fees > 0 {
        let _ = writeln!(
            s,
            "   + worker payload fees                     {:>16}",
            tok(fl.payload_fees)
        );
    }
    let _ = writeln!(
        s,
        "   - emission drawn by reward-distribution   {:>16}",
        tok(fl.drawn)
    );
    let expected = (fl.treasury_start + fees_in).saturating_sub(fl.drawn);
    let _ = writeln!(
        s,
        "   = treasury at end                         {:>16}   (expected {}: {})",
        tok(fl.treasury_end),
        tok(expected),
        if expected == fl.treasury_end {
            "ok"
        } else {
            "MISMATCH"
        }
    );
    let paid = fl.paid_inferers + fl.paid_forecasters + fl.paid_reputers + fl.delegators;
    let _ = writeln!(s, "   emission drawn {} = chain security {} + inferers {} + forecasters {} + reputers {} + delegators {} + dust {} base units",
        tok(fl.drawn), tok(fl.chain_security), tok(fl.paid_inferers), tok(fl.paid_forecasters), tok(fl.paid_reputers), tok(fl.delegators), fl.dust_net);
    let split_ok = fl.drawn as i128 == (fl.chain_security + paid) as i128 + fl.dust_net;
    let claimed_by = |delegators: bool| -> u128 {
        run.actors
            .iter()
            .filter(|a| (a.class == "delegator") == delegators)
            .map(|a| fl.claimed.get(a.name).copied().unwrap_or(0))
            .sum()
    };
    let owners = fl.paid_inferers + fl.paid_forecasters + fl.paid_reputers;
    let _ = writeln!(
        s,
        "   split {}; claimed by workers and reputers {} of {} credited ({}); by delegators {} of {} deposited in staking (the rest is staking's rounding dust)",
        if split_ok { "ok" } else { "MISMATCH" },
        tok(claimed_by(false)),
        tok(owners),
        if claimed_by(false) == owners { "ok" } else { "MISMATCH" },
        tok(claimed_by(true)),
        tok(fl.delegators)
    );
    let _ = writeln!(s, "   conservation {}", fl.conservation);
    let _ = writeln!(s, "   per topic:");
    let drawn_all: u128 = run
        .topics
        .iter()
        .flat_map(|t| t.records.iter())
        .map(|r| r.drawn)
        .sum();
    for t in &run.topics {
        let drawn: u128 = t.records.iter().map(|r| r.drawn).sum();
        let rewarded = t.records.iter().filter(|r| r.outcome == "rewarded").count();
        let _ = writeln!(
            s,
            "     topic {}: final weight {:.3}, emission drawn {} ({:.1}%), {} of {} epochs rewarded, consumer funding {}, {} paid reads",
            t.id,
            t.weight.parse::<f64>().unwrap_or(0.0),
            tok(drawn),
            pct(drawn, drawn_all),
            rewarded,
            t.epochs,
            tok(t.funding),
            t.reads
        );
    }
    if !fl.rejected.is_empty() {
        let _ = writeln!(s, "   refused transactions:");
        for (k, v) in &fl.rejected {
            let _ = writeln!(s, "     {v:>5} x {k}");
        }
    }
    if run.scorecards.is_empty() {
        s.push_str(&scorecard_text(&[(THIS_RUN.into(), scorecard(run))]));
    } else {
        s.push_str(&scorecard_text(&run.scorecards));
    }
    s
}
