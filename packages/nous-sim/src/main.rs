//! `cargo run --release -p nous-sim -- [--scenario FILE] [--out DIR] [--seed N] [--epochs N] [--quiet]
//!  [--chain local|DEPLOYMENT.json ...]`

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use nous_sim::{checks, gas, real, report, scenario::Scenario, sim};

const USAGE: &str =
    "usage: nous-sim [--scenario FILE.toml] [--out DIR] [--seed N] [--epochs N] [--quiet]
                [--chain local|DEPLOYMENT.json] [--node URL] [--gas-price P] [--accounts FILE]
                [--artifacts DIR] [--record FILE] [--write-deploy-config FILE]
                [--check] [--min-scored N] [--gas-csv FILE] [--benchmarks FILE]
  Runs the nous contracts on an embedded chain (cw-multi-test) with simulated workers,
  reputers, consumers and a keeper; prints a report and writes report.txt, epochs.csv and
  losses.svg to DIR (default out/). Without --scenario the built-in default is used
  (packages/nous-sim/scenarios/default.toml).

  --chain drives the same actors on a real node instead (scripts/local-chain.sh start):
    local            deploy the suite there first (or finish the deployment recorded in
                     --record, default deployments/<chain-id>.json), then run
    DEPLOYMENT.json  use the suite of this nous-deploy record
  --node (env NOUS_RPC, default http://127.0.0.1:26657), --gas-price (env NOUS_GAS_PRICE,
  default 0.025unous), --accounts: the test-accounts file whose \"faucet\" funds the actors
  and whose \"deployer\" deploys (env NOUS_TEST_ACCOUNTS, default chain/test-accounts.txt;
  PUBLIC TEST-ONLY KEYS). A real run also writes chain.txt (checks, gas per kind) and
  txs.csv (every transaction); --check exits non-zero if a check fails; --gas-csv and
  --benchmarks write the real-gas table (CSV, and BENCHMARKS.md's real-chain section).
  --write-deploy-config FILE writes the scenario's deployment for nous-deploy --config.";

struct Args {
    scenario: Option<String>,
    out: String,
    seed: Option<u64>,
    epochs: Option<u64>,
    quiet: bool,
    chain: Option<String>,
    target: real::Target,
    record: Option<PathBuf>,
    write_config: Option<PathBuf>,
    check: bool,
    min_scored: usize,
    gas_csv: Option<PathBuf>,
    benchmarks: Option<PathBuf>,
}

fn env_or(var: &str, default: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
}

fn parse() -> Result<Option<Args>> {
    let mut args = std::env::args().skip(1);
    let mut a = Args {
        scenario: None,
        out: "out".into(),
        seed: None,
        epochs: None,
        quiet: false,
        chain: None,
        target: real::Target {
            node: env_or("NOUS_RPC", "http://127.0.0.1:26657"),
            prefix: env_or("NOUS_PREFIX", "wasm"),
            gas_price: env_or("NOUS_GAS_PRICE", "0.025unous"),
            accounts_file: env_or("NOUS_TEST_ACCOUNTS", "chain/test-accounts.txt").into(),
            artifacts: "artifacts".into(),
        },
        record: None,
        write_config: None,
        check: false,
        min_scored: 15,
        gas_csv: None,
        benchmarks: None,
    };
    let need = |v: Option<String>, flag: &str| v.with_context(|| format!("{flag} needs a value"));
    while let Some(x) = args.next() {
        match x.as_str() {
            "--scenario" => a.scenario = Some(need(args.next(), "--scenario")?),
            "--out" => a.out = need(args.next(), "--out")?,
            "--seed" => a.seed = Some(need(args.next(), "--seed")?.parse()?),
            "--epochs" => a.epochs = Some(need(args.next(), "--epochs")?.parse()?),
            "--quiet" => a.quiet = true,
            "--chain" => a.chain = Some(need(args.next(), "--chain")?),
            "--node" => a.target.node = need(args.next(), "--node")?,
            "--gas-price" => a.target.gas_price = need(args.next(), "--gas-price")?,
            "--accounts" => a.target.accounts_file = need(args.next(), "--accounts")?.into(),
            "--artifacts" => a.target.artifacts = need(args.next(), "--artifacts")?.into(),
            "--record" => a.record = Some(need(args.next(), "--record")?.into()),
            "--write-deploy-config" => {
                a.write_config = Some(need(args.next(), "--write-deploy-config")?.into())
            }
            "--check" => a.check = true,
            "--min-scored" => a.min_scored = need(args.next(), "--min-scored")?.parse()?,
            "--gas-csv" => a.gas_csv = Some(need(args.next(), "--gas-csv")?.into()),
            "--benchmarks" => a.benchmarks = Some(need(args.next(), "--benchmarks")?.into()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    Ok(Some(a))
}

fn load_scenario(a: &Args) -> Result<Scenario> {
    let mut sc = match &a.scenario {
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
    if let Some(s) = a.seed {
        sc.seed = s;
    }
    if let Some(e) = a.epochs {
        sc.epochs = e;
        if sc.warmup_epochs * 2 > e {
            sc.warmup_epochs = e / 5;
        }
        sc.validate()?;
    }
    Ok(sc)
}

fn main() -> Result<()> {
    let Some(a) = parse()? else {
        return Ok(());
    };
    let sc = load_scenario(&a)?;
    let parts = sim::participants(&sc);
    if let Some(path) = &a.write_config {
        let config = real::deploy_config(&sc, &parts.names, &a.target)?;
        std::fs::write(path, serde_json::to_string_pretty(&config)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!(
            "nous-sim: wrote the deployment configuration of \"{}\" to {}",
            sc.name,
            path.display()
        );
        return Ok(());
    }
    let t0 = Instant::now();
    let progress = !a.quiet && std::io::stderr().is_terminal();
    let out = std::path::Path::new(&a.out);
    let Some(target) = &a.chain else {
        eprintln!(
            "nous-sim: deploying the suite and running scenario \"{}\" (seed {}, {} epochs)",
            sc.name, sc.seed, sc.epochs
        );
        let run = sim::run(&sc, progress)?;
        let files = report::write_all(&run, out)?;
        print!("{}", files.summary);
        eprintln!(
            "wrote {}/report.txt, {}/epochs.csv, {}/losses.svg in {:.1}s",
            a.out,
            a.out,
            a.out,
            t0.elapsed().as_secs_f64()
        );
        return Ok(());
    };

    // ---- a real node ----------------------------------------------------------------------
    let suite = if target == "local" {
        real::Suite::DeployTo(a.record.clone())
    } else {
        real::Suite::Record(target.into())
    };
    eprintln!(
        "nous-sim: running scenario \"{}\" (seed {}, {} epochs) on the node at {}",
        sc.name, sc.seed, sc.epochs, a.target.node
    );
    let mut net = real::network(&sc, &parts.names, &a.target, &suite)?;
    let run = sim::drive(&mut net, &sc, parts, progress)?;
    let claimable_left = net.reward_totals()?.claimable.u128();
    let files = report::write_all(&run, out)?;
    print!("{}", files.summary);
    let checks = checks::check(&run, claimable_left, a.min_scored);
    let table = gas::table(&run, a.benchmarks.as_deref())?;
    let mut chain_txt = format!(
        "chain {} — scenario \"{}\", {:.0} s of blocks\nchecks:\n{}\n",
        net.deployment.chain_id,
        sc.name,
        t0.elapsed().as_secs_f64(),
        checks.text
    );
    chain_txt.push_str(&gas::markdown(&table));
    std::fs::write(out.join("chain.txt"), &chain_txt)?;
    std::fs::write(out.join("txs.csv"), gas::txs_csv(&run))?;
    println!("\n{chain_txt}");
    if let Some(p) = &a.gas_csv {
        std::fs::write(p, gas::csv(&table))?;
    }
    if let Some(p) = &a.benchmarks {
        gas::write_section(p, &table)?;
    }
    eprintln!(
        "wrote {}/report.txt, epochs.csv, losses.svg, chain.txt, txs.csv in {:.1}s",
        a.out,
        t0.elapsed().as_secs_f64()
    );
    if a.check && !checks.passed {
        bail!("a chain check failed (see {}/chain.txt)", a.out);
    }
    Ok(())
}
