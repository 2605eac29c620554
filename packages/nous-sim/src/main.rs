//! The `nous-sim` command: runs a scenario on the embedded chain (or, with `--chain`, on a
//! real node) and writes the report. `nous-sim --help` lists every option.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use nous_sim::{counterfactual, driver, report, scenario::Scenario};

/// Runs the nous contracts on an embedded chain (cw-multi-test) with simulated workers,
/// reputers, delegators, consumers and a keeper; prints a report and writes report.txt,
/// epochs.csv, actors.csv and the plots (losses.svg, rewards.svg, listening.svg, weights.svg) to the
/// output folder. The same scenario and seed give the same bytes.
#[derive(Parser, Debug)]
#[command(name = "nous-sim", version)]
struct Cli {
    /// Scenario file (TOML); without it the built-in packages/nous-sim/scenarios/default.toml.
    #[arg(long, value_name = "FILE.toml")]
    scenario: Option<PathBuf>,
    /// Folder for the output files.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// Seed of the world and the actors (overrides the scenario's).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Epochs of the fastest topic (overrides the scenario's; a warm-up longer than half
    /// the run becomes a fifth of it).
    #[arg(long, value_name = "N")]
    epochs: Option<u64>,
    /// Overrides one scenario value, e.g. `--set topics.0.p_norm=2.5` or
    /// `--set reputers.lazy-reputer.stake=10` (a list element by index or name); repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Runs the scenario once per seed (`1..4`, or `1,5,9`), each into DIR/seed-N/, and
    /// prints the scorecard averaged over them (also DIR/scorecard.txt).
    #[arg(long, value_name = "A..B|A,B,..", conflicts_with = "seed", value_parser = parse_seeds)]
    seeds: Option<Seeds>,
    /// No progress bar (it is drawn only when stderr is a terminal anyway).
    #[arg(long, short)]
    quiet: bool,
    #[cfg(feature = "chain")]
    #[command(flatten)]
    chain: on_chain::ChainArgs,
}

fn load_scenario(cli: &Cli) -> Result<Scenario> {
    let mut sc = match &cli.scenario {
        Some(p) => Scenario::load(p, &cli.set)?,
        None => Scenario::default_with(&cli.set)?,
    };
    if let Some(s) = cli.seed {
        sc.seed = s;
    }
    if let Some(e) = cli.epochs {
        sc.set_epochs(e)?;
    }
    Ok(sc)
}

/// Progress on stderr, hidden with `--quiet` or when stderr is not a terminal.
fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("  [{bar:40}] {percent:>3}%  block {pos}/{len}")
    {
        bar.set_style(style.progress_chars("#>-"));
    }
    bar
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let sc = load_scenario(&cli)?;
    #[cfg(feature = "chain")]
    if cli.chain.wants_chain() {
        anyhow::ensure!(
            cli.seeds.is_none(),
            "--seeds runs on the embedded chain only"
        );
        return on_chain::main(&cli.chain, &sc, &cli.out, &progress_bar(cli.quiet));
    }
    if let Some(Seeds(seeds)) = &cli.seeds {
        return many_seeds(&cli, sc, seeds);
    }
    let t0 = Instant::now();
    eprintln!(
        "nous-sim: deploying the suite and running scenario \"{}\" (seed {}, {} epochs)",
        sc.name, sc.seed, sc.epochs
    );
    let mut run = driver::run(&sc, &progress_bar(cli.quiet))?;
    run.clones_over_one_identity =
        counterfactual::clones_over_one_identity(&run, &progress_bar(cli.quiet))?;
    run.scorecards = counterfactual::side_by_side(&run, &progress_bar(cli.quiet))?;
    let files = report::write_all(&run, &cli.out)?;
    print!("{}", files.summary);
    eprintln!(
        "wrote {} in {}/ in {:.1}s",
        files.names().join(", "),
        display(&cli.out),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The seeds of `--seeds`.
#[derive(Clone, Debug)]
struct Seeds(Vec<u64>);

fn parse_seeds(text: &str) -> Result<Seeds, String> {
    let seeds: Vec<u64> = match text.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse::<u64>(), b.trim().parse::<u64>());
            match (a, b) {
                (Ok(a), Ok(b)) if a <= b && b - a < 64 => (a..=b).collect(),
                _ => return Err("expected A..B with A <= B, at most 64 seeds".into()),
            }
        }
        None => text
            .split(',')
            .map(|x| x.trim().parse::<u64>().map_err(|e| format!("{x}: {e}")))
            .collect::<Result<_, _>>()?,
    };
    if seeds.is_empty() {
        return Err("no seed".into());
    }
    Ok(Seeds(seeds))
}

/// `--seeds`: one run per seed into its own folder, then the averaged scorecard.
fn many_seeds(cli: &Cli, mut sc: Scenario, seeds: &[u64]) -> Result<()> {
    let t0 = Instant::now();
    let mut cards = vec![];
    for seed in seeds {
        sc.seed = *seed;
        eprintln!(
            "nous-sim: scenario \"{}\", seed {seed}, {} epochs",
            sc.name, sc.epochs
        );
        let mut run = driver::run(&sc, &progress_bar(cli.quiet))?;
        run.clones_over_one_identity =
            counterfactual::clones_over_one_identity(&run, &progress_bar(cli.quiet))?;
        run.scorecards = counterfactual::side_by_side(&run, &progress_bar(cli.quiet))?;
        report::write_all(&run, &cli.out.join(format!("seed-{seed}")))?;
        cards.push(run.scorecards);
    }
    let text = report::scorecard::averaged_text(seeds, &cards);
    std::fs::write(cli.out.join("scorecard.txt"), &text)?;
    print!("{text}");
    eprintln!(
        "wrote seed-N/ and scorecard.txt in {}/ in {:.1}s",
        display(&cli.out),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

/// `--chain`: the same actors on a real node (nous-rpc).
#[cfg(feature = "chain")]
mod on_chain {
    use std::path::{Path, PathBuf};
    use std::time::Instant;

    use anyhow::{bail, Context, Result};
    use clap::Args;
    use indicatif::ProgressBar;
    use nous_sim::actors::roster::roster;
    use nous_sim::{checks, driver, gas, real, report, scenario::Scenario};

    #[derive(Args, Debug)]
    #[command(next_help_heading = "On a real node")]
    pub struct ChainArgs {
        /// Drive the actors on a node instead (scripts/local-chain.sh start): `local` deploys
        /// the suite there first (or finishes the deployment recorded in --record), a
        /// DEPLOYMENT.json uses the suite of that nous-deploy record (it must have no topic
        /// yet). Also writes chain.txt (checks, gas per kind) and txs.csv.
        #[arg(long, value_name = "local|DEPLOYMENT.json")]
        chain: Option<String>,
        /// The node's RPC address.
        #[arg(
            long,
            value_name = "URL",
            env = "NOUS_RPC",
            default_value = "http://127.0.0.1:26657"
        )]
        node: String,
        /// Bech32 prefix of the chain's addresses.
        #[arg(
            long,
            value_name = "PREFIX",
            env = "NOUS_PREFIX",
            default_value = "wasm"
        )]
        prefix: String,
        /// Gas price (amount and denom); the denom is the suite token.
        #[arg(
            long,
            value_name = "P",
            env = "NOUS_GAS_PRICE",
            default_value = "0.025unous"
        )]
        gas_price: String,
        /// Test-accounts file: its "faucet" funds the actors, its "deployer" deploys
        /// (PUBLIC TEST-ONLY KEYS).
        #[arg(
            long,
            value_name = "FILE",
            env = "NOUS_TEST_ACCOUNTS",
            default_value = "chain/test-accounts.txt"
        )]
        accounts: PathBuf,
        /// Folder of the optimised .wasm files (--chain local deploys them).
        #[arg(long, value_name = "DIR", default_value = "artifacts")]
        artifacts: PathBuf,
        /// Deployment record of --chain local [default: deployments/<chain-id>.json].
        #[arg(long, value_name = "FILE")]
        record: Option<PathBuf>,
        /// Write the scenario's deployment for `nous-deploy --config` to FILE and exit.
        #[arg(long, value_name = "FILE")]
        write_deploy_config: Option<PathBuf>,
        /// Exit non-zero if a chain check fails.
        #[arg(long)]
        check: bool,
        /// Scored nonces --check requires.
        #[arg(long, value_name = "N", default_value_t = 15)]
        min_scored: usize,
        /// Write the real gas per transaction kind as CSV to FILE.
        #[arg(long, value_name = "FILE")]
        gas_csv: Option<PathBuf>,
        /// Replace the real-chain section of this BENCHMARKS.md (VM figures read from
        /// benchmarks/vm.csv beside it, or its operations table).
        #[arg(long, value_name = "FILE")]
        benchmarks: Option<PathBuf>,
    }

    impl ChainArgs {
        pub fn wants_chain(&self) -> bool {
            self.chain.is_some() || self.write_deploy_config.is_some()
        }

        fn target(&self) -> real::Target {
            real::Target {
                node: self.node.clone(),
                prefix: self.prefix.clone(),
                gas_price: self.gas_price.clone(),
                accounts_file: self.accounts.clone(),
                artifacts: self.artifacts.clone(),
            }
        }
    }

    pub fn main(a: &ChainArgs, sc: &Scenario, out: &Path, progress: &ProgressBar) -> Result<()> {
        let target = a.target();
        let roster = roster(sc);
        if let Some(path) = &a.write_deploy_config {
            let config = real::deploy_config(sc, &roster.names, &target)?;
            std::fs::write(path, serde_json::to_string_pretty(&config)? + "\n")
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "nous-sim: wrote the deployment configuration of \"{}\" to {}",
                sc.name,
                path.display()
            );
            return Ok(());
        }
        let Some(chain) = &a.chain else {
            return Ok(());
        };
        let t0 = Instant::now();
        let suite = if chain == "local" {
            real::Suite::DeployTo(a.record.clone())
        } else {
            real::Suite::Record(chain.into())
        };
        eprintln!(
            "nous-sim: running scenario \"{}\" (seed {}, {} epochs) on the node at {}",
            sc.name, sc.seed, sc.epochs, target.node
        );
        let mut net = real::network(sc, &roster.names, &target, &suite)?;
        let run = driver::drive(&mut net, sc, roster, progress)?;
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
        std::fs::write(out.join("txs.csv"), gas::txs_csv(&run)?)?;
        println!("\n{chain_txt}");
        if let Some(p) = &a.gas_csv {
            std::fs::write(p, gas::csv(&table)?)?;
        }
        if let Some(p) = &a.benchmarks {
            gas::write_section(p, &table)?;
        }
        eprintln!(
            "wrote {}, chain.txt, txs.csv in {}/ in {:.1}s",
            files.names().join(", "),
            out.display(),
            t0.elapsed().as_secs_f64()
        );
        if a.check && !checks.passed {
            bail!("a chain check failed (see {}/chain.txt)", out.display());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed_and_documents_every_option() {
        Cli::command().debug_assert();
        let mut cmd = Cli::command();
        for arg in cmd.get_arguments() {
            assert!(
                arg.get_help().is_some(),
                "--{} has no help text",
                arg.get_id()
            );
        }
        let help = cmd.render_long_help().to_string();
        for option in ["--scenario", "--out", "--seed", "--epochs", "--quiet"] {
            assert!(help.contains(option), "{option} missing from --help");
        }
        #[cfg(feature = "chain")]
        for option in ["--chain", "--node", "--check", "--benchmarks"] {
            assert!(help.contains(option), "{option} missing from --help");
        }
    }

    #[test]
    fn options_override_the_scenario() {
        let cli = Cli::try_parse_from(["nous-sim", "--seed", "7", "--epochs", "20"]).unwrap();
        let sc = load_scenario(&cli).unwrap();
        assert_eq!((sc.seed, sc.epochs, sc.warmup_epochs), (7, 20, 4));
        assert!(Cli::try_parse_from(["nous-sim", "--seed", "x"]).is_err());
        assert!(Cli::try_parse_from(["nous-sim", "--bogus"]).is_err());
    }
}
