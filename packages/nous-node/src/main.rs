//! `nous-node run | status | claim | query | check-config --config node.toml`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use nous_node::config::Config;
use nous_node::log::{Level, Logger};
use nous_node::{commands, setup};

#[derive(Parser)]
#[command(
    name = "nous-node",
    version,
    about = "Runs nous workers, reputers and keepers of one key against a chain (docs/OPERATING.md)"
)]
struct Cli {
    /// The node's TOML config.
    #[arg(
        long,
        env = "NOUS_NODE_CONFIG",
        global = true,
        default_value = "nous-node.toml"
    )]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every role of the config until killed (JSON-lines logs on stdout).
    Run {
        /// Also log debug lines (every signed transaction).
        #[arg(long)]
        debug: bool,
    },
    /// Registrations, stake, balance, claimable rewards and the last nonces submitted.
    Status {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Claim this key's rewards from reward-distribution.
    Claim,
    /// A smart query of a suite contract, e.g. `query synthesis '{"open_windows":{"topic_id":1}}'`.
    Query { contract: String, msg: String },
    /// Parse and check the config, print what it runs.
    CheckConfig,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nous-node: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let cfg = Config::load(&cli.config)?;
    match cli.command {
        Command::CheckConfig => {
            println!(
                "{}: ok — chain {} via {}, {} worker(s), {} reputer(s), {} keeper(s); state file {}",
                cli.config.display(),
                cfg.chain.chain_id,
                cfg.chain.rpc.list().join(", "),
                cfg.workers.len(),
                cfg.reputers.len(),
                cfg.keepers.len(),
                cfg.node.state_file.display()
            );
            Ok(())
        }
        Command::Run { debug } => {
            let log = Logger::stdout(if debug { Level::Debug } else { Level::Info });
            let mut node = setup::node(cfg, log)?;
            node.run();
            Ok(())
        }
        Command::Status { json } => {
            let base = setup::Base::load(cfg)?;
            let v = commands::status(&base)?;
            if json {
                println!("{v}");
            } else {
                print!("{}", commands::status_text(&v));
            }
            Ok(())
        }
        Command::Claim => {
            let base = setup::Base::load(cfg)?;
            println!("{}", commands::claim(&base)?);
            Ok(())
        }
        Command::Query { contract, msg } => {
            let base = setup::Base::load(cfg)?;
            println!("{}", commands::query(&base, &contract, &msg)?);
            Ok(())
        }
    }
}
