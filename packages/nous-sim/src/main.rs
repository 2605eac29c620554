//! `cargo run --release -p nous-sim -- [--scenario FILE] [--out DIR] [--seed N] [--epochs N] [--quiet]`

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use nous_sim::{report, scenario::Scenario, sim};

const USAGE: &str =
    "usage: nous-sim [--scenario FILE.toml] [--out DIR] [--seed N] [--epochs N] [--quiet]
  Runs the nous contracts on an embedded chain (cw-multi-test) with simulated workers,
  reputers, consumers and a keeper; prints a report and writes report.txt, epochs.csv and
  losses.svg to DIR (default out/). Without --scenario the built-in default is used
  (packages/nous-sim/scenarios/default.toml).";

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut scenario_path: Option<String> = None;
    let mut out = "out".to_string();
    let mut seed: Option<u64> = None;
    let mut epochs: Option<u64> = None;
    let mut quiet = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--scenario" => scenario_path = args.next(),
            "--out" => out = args.next().context("--out needs a directory")?,
            "--seed" => seed = Some(args.next().context("--seed needs a number")?.parse()?),
            "--epochs" => epochs = Some(args.next().context("--epochs needs a number")?.parse()?),
            "--quiet" => quiet = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    let mut sc = match &scenario_path {
        Some(p) => {
            let mut sc = Scenario::parse(
                &std::fs::read_to_string(p).with_context(|| format!("reading {p}"))?,
            )?;
            // A relative CSV path is read next to the scenario file.
            let dir = std::path::Path::new(p)
                .parent()
                .unwrap_or(std::path::Path::new("."));
            for t in &mut sc.topics {
                if let Some(csv) = &mut t.csv {
                    let beside = dir.join(&*csv);
                    if std::path::Path::new(csv.as_str()).is_relative() && beside.exists() {
                        *csv = beside.to_string_lossy().into_owned();
                    }
                }
            }
            sc
        }
        None => Scenario::default_scenario(),
    };
    if let Some(s) = seed {
        sc.seed = s;
    }
    if let Some(e) = epochs {
        sc.epochs = e;
        if sc.warmup_epochs * 2 > e {
            sc.warmup_epochs = e / 5;
        }
        sc.validate()?;
    }
    let t0 = Instant::now();
    eprintln!(
        "nous-sim: deploying the suite and running scenario \"{}\" (seed {}, {} epochs)",
        sc.name, sc.seed, sc.epochs
    );
    let run = sim::run(&sc, !quiet && std::io::stderr().is_terminal())?;
    let files = report::write_all(&run, std::path::Path::new(&out))?;
    print!("{}", files.summary);
    eprintln!(
        "wrote {}/report.txt, {}/epochs.csv, {}/losses.svg in {:.1}s",
        out,
        out,
        out,
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
