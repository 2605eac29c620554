//! Writes BENCHMARKS.md and benchmarks/vm.csv: every operation of the suite measured in
//! cosmwasm-vm on the optimised artifacts (`scripts/bench.sh` builds them first), a topic's
//! first nonce and its steady state at every active-set size.
//!
//! Usage: bench [OUTPUT.md [OUTPUT.csv]]   (default: BENCHMARKS.md, benchmarks/vm.csv)
//! Environment:
//! - `NOUS_TWIGGY_DIR`: a folder with `<contract>.json` (`twiggy top --format json` of the
//!   contract's names-kept build) for the artifacts to profile, written by
//!   `scripts/bench.sh`;
//! - `NOUS_BENCH_SIZES`: only these active sets, e.g. `8/2/2,32/6/6` (a quick look; the
//!   committed report has every size).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, Result};
use nous_types::params::Rules;
use nous_vm_tests::chain::artifacts_dir;
use nous_vm_tests::flows::{
    economic_rows, op, steady_run, steady_run_topic, COMMIT_REVEAL_WINDOW, SIZES,
};
use nous_vm_tests::report::{over_budget, real_chain_section, Artifact, Phase, Report, SizeExtras};

fn artifacts(twiggy: Option<&Path>) -> Result<Vec<Artifact>> {
    let mut out = vec![];
    let mut entries: Vec<_> = std::fs::read_dir(artifacts_dir())?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
        .collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let twiggy = match twiggy.map(|d| d.join(format!("{name}.json"))) {
            Some(f) if f.exists() => Some(cosmwasm_std::from_json(std::fs::read(&f)?)?),
            _ => None,
        };
        out.push(Artifact {
            bytes: std::fs::metadata(&p)?.len(),
            name,
            twiggy,
        });
    }
    Ok(out)
}

fn sizes() -> Result<Vec<(u32, u32, u32)>> {
    let Ok(list) = std::env::var("NOUS_BENCH_SIZES") else {
        return Ok(SIZES.to_vec());
    };
    list.split(',')
        .map(|s| {
            let v: Vec<u32> = s
                .trim()
                .split('/')
                .map(|x| x.parse())
                .collect::<Result<_, _>>()
                .map_err(|e| anyhow!("NOUS_BENCH_SIZES {s}: {e}"))?;
            match v[..] {
                [i, f, r] => Ok((i, f, r)),
                _ => Err(anyhow!(
                    "NOUS_BENCH_SIZES {s}: want inferers/forecasters/reputers"
                )),
            }
        })
        .collect()
}

/// Why the steady run at `size` does not fit the budget (empty: it fits).
fn misfit(size: (u32, u32, u32)) -> Vec<String> {
    match steady_run(size) {
        Ok(run) => over_budget(&run.steady, run.extras.answer, &run.extras.missing),
        Err(e) => vec![format!("the run failed: {e:#}")],
    }
}

/// Bisects between the largest size run that fits and the next size run that does not:
/// inferers in steps of 8, forecasters = reputers = 3/16 of the inferers (the proportion
/// of the report's sizes).
fn search(report: &Report) -> Result<Vec<(String, Vec<String>)>> {
    let inferers = |label: &str| -> u32 {
        label
            .split('/')
            .next()
            .and_then(|i| i.parse().ok())
            .unwrap_or(0)
    };
    let mut fitting = None;
    let mut over = None;
    for s in &report.sizes {
        let rows: Vec<_> = report
            .steady
            .iter()
            .filter(|r| r.size == s.size)
            .cloned()
            .collect();
        let fits = over_budget(&rows, s.extras.answer, &s.extras.missing).is_empty();
        match (fits, over) {
            (true, None) => fitting = Some(inferers(&s.size)),
            (false, None) => over = Some(inferers(&s.size)),
            _ => {}
        }
    }
    let (Some(mut lo), Some(mut hi)) = (fitting, over) else {
        return Ok(vec![]);
    };
    let mut tried = vec![];
    while hi - lo > 8 {
        let mid = (lo + hi) / 16 * 8;
        let mid = if mid <= lo { lo + 8 } else { mid };
        let size = (mid, mid * 3 / 16, mid * 3 / 16);
        let t = Instant::now();
        let why = misfit(size);
        let label = format!("{}/{}/{}", size.0, size.1, size.2);
        eprintln!("search {label}: {:.0} s", t.elapsed().as_secs_f64());
        if why.is_empty() {
            lo = mid;
        } else {
            hi = mid;
        }
        tried.push((label, why));
    }
    Ok(tried)
}

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut args = std::env::args().skip(1);
    let md = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("BENCHMARKS.md"));
    let csv = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("benchmarks/vm.csv"));
    let started = Instant::now();
    let mut report = Report::default();
    economic_rows(&mut report.first)?;
    for size in sizes()? {
        let label = format!("{}/{}/{}", size.0, size.1, size.2);
        let t = Instant::now();
        match steady_run(size) {
            Ok(run) => {
                report.first.extend(run.first);
                report.steady.extend(run.steady);
                report.missing.extend(run.extras.missing.iter().cloned());
                report.sizes.push(SizeExtras {
                    size: label.clone(),
                    extras: run.extras,
                });
            }
            Err(e) => {
                eprintln!("synthesis at {label}: {e:#}");
                report.missing.push(format!("at {label}: {e:#}"));
            }
        }
        eprintln!("{label}: {:.0} s", t.elapsed().as_secs_f64());
    }
    // the commit–reveal topic at the second size (32/6/6 in the default list)
    let chosen = sizes()?;
    if let Some(size) = chosen.get(1).or(chosen.first()).copied() {
        let t = Instant::now();
        match steady_run_topic(size, Rules::IMPROVED, COMMIT_REVEAL_WINDOW) {
            Ok(run) => {
                report.commit_reveal = run
                    .steady
                    .into_iter()
                    .filter(|r| {
                        [
                            op::COMMIT,
                            op::REVEAL,
                            op::WORKER_CLOSE,
                            op::REPUTER_CLOSE,
                            op::SETTLEMENT,
                        ]
                        .contains(&r.operation.as_str())
                    })
                    .map(|mut r| {
                        r.phase = Phase::CommitReveal;
                        r
                    })
                    .collect();
            }
            Err(e) => report
                .missing
                .push(format!("the commit–reveal topic: {e:#}")),
        }
        eprintln!("commit–reveal: {:.0} s", t.elapsed().as_secs_f64());
    }
    report.search = search(&report)?;
    let dir = artifacts_dir();
    let twiggy = std::env::var_os("NOUS_TWIGGY_DIR").map(PathBuf::from);
    report.artifacts = artifacts(twiggy.as_deref())?;
    report.toolchain = std::fs::read_to_string(dir.join("toolchain.txt")).unwrap_or_default();
    report.checksums = std::fs::read_to_string(dir.join("checksums.txt")).unwrap_or_default();
    report.real_chain = std::fs::read_to_string(&md)
        .ok()
        .and_then(|old| real_chain_section(&old));
    std::fs::write(&md, report.render())?;
    if let Some(parent) = csv.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&csv, report.csv())?;
    eprintln!(
        "wrote {} and {} in {:.0} s",
        md.display(),
        csv.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
