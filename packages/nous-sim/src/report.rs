//! The report of a run: losses per regime of the network against its baselines, reward
//! shares per kind of actor, token flows with the conservation check, per-topic weights;
//! a CSV per epoch and an SVG plot.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::actors::{log_loss, median};
use crate::sim::{EpochRecord, Run, TopicRun};

pub const METHODS: [&str; 6] = [
    "network",
    "naive",
    "mean",
    "median",
    "best single",
    "best in regime",
];

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
fn counted(t: &TopicRun, warmup: u64) -> impl Iterator<Item = &EpochRecord> {
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

fn f(v: Option<f64>) -> String {
    v.map(|x| format!("{x:>8.3}"))
        .unwrap_or_else(|| format!("{:>8}", "-"))
}

/// Base units as whole tokens with two decimals (truncated), thousands separated.
fn tok(x: u128) -> String {
    let whole = (x / crate::network::TOKEN).to_string();
    let cents = (x % crate::network::TOKEN) / (crate::network::TOKEN / 100);
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{cents:02}")
}

/// The terminal summary (also written to `report.txt`). Deterministic: no timings.
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
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "1. LOSS OF THE NETWORK INFERENCE vs BASELINES (mean log10 squared error, lower is better)"
    );
    let _ = writeln!(s, "   naive = synthesis' network inference without forecasters; mean/median = of all submitted");
    let _ = writeln!(s, "   inferences; best single = the inferer best over the whole run; best in regime = ex post best");
    let _ = writeln!(s, "   for that regime alone (an oracle no one can pick in advance). win% = epochs network < mean.");
    for t in &run.topics {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "   topic {} \"{}\" (epoch {} blocks, {} epochs)",
            t.id, t.name, t.epoch_length, t.epochs
        );
        let _ = writeln!(
            s,
            "   {:<10} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>6}",
            "regime", "epochs", "network", "naive", "mean", "median", "best", "best/reg", "win%"
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
            let (l, n, wins) = losses(t, w, g);
            if n == 0 {
                continue;
            }
            let _ = writeln!(
                s,
                "   {:<10} {:>6} {} {} {} {} {} {} {:>5.0}%",
                name,
                n,
                f(l[0]),
                f(l[1]),
                f(l[2]),
                f(l[3]),
                f(l[4]),
                f(l[5]),
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
    let fees_in = fl.creation_fees + fl.registration_fees + fl.topic_funding + fl.read_fees;
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
    s
}

fn pct(v: u128, total: u128) -> f64 {
    if total == 0 {
        0.0
    } else {
        v as f64 * 100.0 / total as f64
    }
}

/// One row per topic epoch.
pub fn csv(run: &Run) -> String {
    let mut s = String::from(
        "topic,epoch,regime,truth,network,naive,mean,median,best_single,loss_network,loss_naive,loss_mean,loss_median,loss_best_single,submitted,admitted,forecast_implied,path,scored,outcome,drawn,chain_security,paid_inferers,paid_forecasters,paid_reputers,delegators\n",
    );
    let o = |v: Option<f64>| v.map(|x| format!("{x:.6}")).unwrap_or_default();
    for t in &run.topics {
        let best = best_single(t, run.scenario.warmup_epochs, None).map(|b| b.0);
        for r in &t.records {
            let b = baselines(r);
            let bs = best.and_then(|x| r.submitted.get(x).copied());
            let l = |v: Option<f64>| o(v.map(|x| log_loss(x, r.truth)));
            let _ =
                writeln!(
                s,
                "{},{},{},{:.6},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                t.id,
                r.epoch,
                t.series.regime_names.get(r.regime).map(|x| x.as_str()).unwrap_or("?"),
                r.truth,
                o(r.network),
                o(r.naive),
                o(b.mean),
                o(b.median),
                o(bs),
                l(r.network),
                l(r.naive),
                l(b.mean),
                l(b.median),
                l(bs),
                r.submitted.len(),
                r.admitted_inferers,
                r.forecast_implied,
                r.path,
                r.scored,
                r.outcome,
                r.drawn,
                r.chain_security,
                r.paid_inferers,
                r.paid_forecasters,
                r.paid_reputers,
                r.delegators
            );
        }
    }
    s
}

/// Rolling mean over `w` points (shorter at the start).
fn rolling(xs: &[Option<f64>], w: usize) -> Vec<Option<f64>> {
    (0..xs.len())
        .map(|i| {
            let lo = i.saturating_sub(w - 1);
            let v: Vec<f64> = xs[lo..=i].iter().flatten().copied().collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        })
        .collect()
}

/// Losses over epochs (rolling mean of 10), one panel per topic, regimes shaded.
pub fn svg(run: &Run) -> String {
    let colors = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"];
    let names = [
        "network",
        "naive (no forecasters)",
        "mean",
        "median",
        "best single",
    ];
    let shades = ["#f2f2f2", "#fff4e0", "#fde0e0", "#e0f0ff", "#e8ffe0"];
    let (wd, ph, ml, mr, mt) = (960.0, 230.0, 60.0, 20.0, 50.0);
    let height = mt + ph * run.topics.len() as f64 + 40.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{wd}" height="{height}" viewBox="0 0 {wd} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{ml}" y="18" font-size="14">Loss over epochs (log10 squared error, rolling mean of 10; lower is better), seed {}</text>"#,
        run.scenario.seed
    );
    let mut lx = ml;
    for (i, n) in names.iter().enumerate() {
        let _ = writeln!(
            s,
            r#"<line x1="{lx}" y1="32" x2="{}" y2="32" stroke="{}" stroke-width="2"/><text x="{}" y="36">{n}</text>"#,
            lx + 18.0,
            colors[i],
            lx + 22.0
        );
        lx += 30.0 + 7.0 * n.len() as f64;
    }
    for (g, name) in run
        .topics
        .first()
        .map(|t| t.series.regime_names.clone())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let _ = writeln!(
            s,
            r##"<rect x="{lx}" y="26" width="12" height="10" fill="{}" stroke="#ccc"/><text x="{}" y="36">{name}</text>"##,
            shades[g % shades.len()],
            lx + 15.0
        );
        lx += 25.0 + 7.0 * name.len() as f64;
    }
    for (pi, t) in run.topics.iter().enumerate() {
        let top = mt + ph * pi as f64;
        let (x0, y0, pw, phh) = (ml, top + 18.0, wd - ml - mr, ph - 40.0);
        let best = best_single(t, run.scenario.warmup_epochs, None).map(|b| b.0);
        let series: Vec<Vec<Option<f64>>> = (0..5)
            .map(|m| {
                let raw: Vec<Option<f64>> = t
                    .records
                    .iter()
                    .map(|r| {
                        let b = baselines(r);
                        let v = match m {
                            0 => r.network,
                            1 => r.naive.filter(|_| r.path.starts_with("full")),
                            2 => b.mean,
                            3 => b.median,
                            _ => best.and_then(|x| r.submitted.get(x).copied()),
                        };
                        v.map(|x| log_loss(x, r.truth))
                    })
                    .collect();
                rolling(&raw, 10)
            })
            .collect();
        let all: Vec<f64> = series.iter().flatten().flatten().copied().collect();
        if all.is_empty() {
            continue;
        }
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min).floor();
        let hi = all
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
            .ceil()
            .max(lo + 1.0);
        let n = t.records.len().max(2) as f64;
        let xs = |i: usize| x0 + pw * i as f64 / (n - 1.0);
        let ys = |v: f64| y0 + phh * (hi - v) / (hi - lo);
        let _ = writeln!(
            s,
            r#"<text x="{x0}" y="{}" font-size="12">topic {}: {}</text>"#,
            top + 12.0,
            t.id,
            t.name
        );
        // regime shading
        let mut i = 0;
        while i < t.records.len() {
            let g = t.records[i].regime;
            let mut j = i;
            while j + 1 < t.records.len() && t.records[j + 1].regime == g {
                j += 1;
            }
            let _ = writeln!(
                s,
                r#"<rect x="{:.1}" y="{y0}" width="{:.1}" height="{phh}" fill="{}"/>"#,
                xs(i),
                (xs(j) - xs(i)).max(1.0),
                shades[g % shades.len()]
            );
            i = j + 1;
        }
        let _ = writeln!(
            s,
            r##"<rect x="{x0}" y="{y0}" width="{pw}" height="{phh}" fill="none" stroke="#888"/>"##
        );
        let steps = (hi - lo) as i64;
        for k in 0..=steps {
            let v = lo + k as f64;
            let _ = writeln!(
                s,
                r##"<line x1="{x0}" y1="{:.1}" x2="{}" y2="{:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{v}</text>"##,
                ys(v),
                x0 + pw,
                ys(v),
                x0 - 4.0,
                ys(v) + 4.0
            );
        }
        let tick = ((n as usize) / 8).max(1);
        for e in (0..t.records.len()).step_by(tick) {
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{}" text-anchor="middle">{e}</text>"#,
                xs(e),
                y0 + phh + 13.0
            );
        }
        for m in (0..5).rev() {
            let mut d = String::new();
            let mut pen = false;
            for (i, v) in series[m].iter().enumerate() {
                match v {
                    Some(v) => {
                        let _ = write!(
                            d,
                            "{}{:.1},{:.1} ",
                            if pen { "L" } else { "M" },
                            xs(i),
                            ys(*v)
                        );
                        pen = true;
                    }
                    None => pen = false,
                }
            }
            let width = if m == 0 { 2.2 } else { 1.3 };
            let _ = writeln!(
                s,
                r#"<path d="{d}" fill="none" stroke="{}" stroke-width="{width}"/>"#,
                colors[m]
            );
        }
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">epoch</text>"#,
        wd / 2.0,
        height - 8.0
    );
    s.push_str("</svg>\n");
    s
}

/// The three outputs of a run.
pub struct Files {
    pub summary: String,
    pub csv: String,
    pub svg: String,
}

pub fn render(run: &Run) -> Files {
    Files {
        summary: summary(run),
        csv: csv(run),
        svg: svg(run),
    }
}

/// Renders and writes `report.txt`, `epochs.csv` and `losses.svg` into `dir`.
pub fn write_all(run: &Run, dir: &std::path::Path) -> anyhow::Result<Files> {
    std::fs::create_dir_all(dir)?;
    let f = render(run);
    std::fs::write(dir.join("report.txt"), &f.summary)?;
    std::fs::write(dir.join("epochs.csv"), &f.csv)?;
    std::fs::write(dir.join("losses.svg"), &f.svg)?;
    Ok(f)
}

/// Answers to the questions the scenario asks: do copies and clones gain, do bad reputers
/// lose listening weight and rewards.
fn questions(run: &Run) -> String {
    use crate::scenario::{Behaviour, Model};
    let sc = &run.scenario;
    let got = |n: &str| run.flows.claimed.get(n).copied().unwrap_or(0);
    let mut inferer_rewards: Vec<u128> = run
        .actors
        .iter()
        .filter(|a| a.class == "inferer")
        .map(|a| got(a.name))
        .collect();
    inferer_rewards.sort();
    let median_inferer = inferer_rewards
        .get(inferer_rewards.len() / 2)
        .copied()
        .unwrap_or(0)
        .max(1);
    let mut s = String::from("   questions:\n");
    for i in &sc.inferers {
        if let Model::Copycat { of, .. } = &i.model {
            let src = got(of).max(1);
            let _ = writeln!(
                s,
                "     copycat {} earned {} = {:.2}x what its source {} earned",
                i.name,
                tok(got(&i.name)),
                got(&i.name) as f64 / src as f64,
                of
            );
        }
        if i.clones > 1 {
            let total: u128 = (1..=i.clones)
                .map(|c| got(&format!("{}-{}", i.name, c)))
                .sum();
            let _ = writeln!(
                s,
                "     {} clones of {} earned {} together = {:.2}x the median inferer",
                i.clones,
                i.name,
                tok(total),
                total as f64 / median_inferer as f64
            );
        }
    }
    let stake_of = |name: &str| -> u128 {
        let own = sc
            .reputers
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.stake)
            .unwrap_or(0);
        own + sc
            .delegators
            .iter()
            .filter(|d| d.reputer == name)
            .map(|d| d.amount)
            .sum::<u128>()
    };
    let listening = |name: &str| -> f64 {
        let (mut sum, mut n) = (0.0, 0u32);
        for t in &run.topics {
            if let Some((x, c)) = t.listening_sum.get(name) {
                sum += x;
                n += c;
            }
        }
        if n == 0 {
            f64::NAN
        } else {
            sum / n as f64
        }
    };
    let honest: Vec<&str> = sc
        .reputers
        .iter()
        .filter(|r| r.behaviour == Behaviour::Honest)
        .map(|r| r.name.as_str())
        .collect();
    let per_stake = |names: &[&str]| -> f64 {
        let r: u128 = names.iter().map(|n| got(n)).sum();
        let st: u128 = names.iter().map(|n| stake_of(n)).sum();
        r as f64 / st.max(1) as f64
    };
    let honest_rate = per_stake(&honest).max(f64::MIN_POSITIVE);
    let honest_listening =
        honest.iter().map(|n| listening(n)).sum::<f64>() / honest.len().max(1) as f64;
    for r in &sc.reputers {
        if r.behaviour == Behaviour::Honest {
            continue;
        }
        let _ = writeln!(
            s,
            "     reputer {}: mean listening coefficient {:.3} (honest reputers {:.3}), reward per token of stake {:.3}x the honest reputers'",
            r.name,
            listening(&r.name),
            honest_listening,
            per_stake(&[r.name.as_str()]) / honest_rate
        );
    }
    s
}
