//! `nous-deploy`: deploys the nous suite to a CosmWasm chain through nous-chain's deploy
//! plan and records it in `deployments/<chain-id>.json`. See docs/DEPLOYING.md.

use std::path::PathBuf;
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use clap::Parser;
use cosmwasm_std::{Addr, Uint128};
use cw20::Denom;
use nous_chain::record::FundingRecord;
use nous_chain::{
    adopt_code, deploy, describe, pay, Artifacts, Chain, Deployment, StepOutcome, SuiteConfig,
    SuiteContract, Tx,
};
use nous_rpc::{read_mnemonic, GasPrice, Key, RpcChain, TxSettings};
use nous_types::fee_vault;

/// Deploys the nous suite: stores the six artifacts (checked against
/// artifacts/checksums.txt), instantiates and wires them in the plan's order, optionally
/// funds the emission treasury, and writes deployments/<chain-id>.json after every step.
/// Re-running with the same record finishes a half-done deployment.
///
/// The deploying key comes from a mnemonic in $NOUS_MNEMONIC or in --key-file, never from
/// the command line. It becomes the admin of every contract.
#[derive(Parser, Debug)]
#[command(name = "nous-deploy", version)]
struct Cli {
    /// CometBFT RPC endpoint of a node of the chain.
    #[arg(long, env = "NOUS_RPC", default_value = "http://127.0.0.1:26657")]
    node: String,
    /// Bech32 prefix of the chain's addresses.
    #[arg(long, env = "NOUS_PREFIX", default_value = "wasm")]
    prefix: String,
    /// Gas price paid per unit of gas, amount and denom (e.g. 0.025unous).
    #[arg(long, env = "NOUS_GAS_PRICE", default_value = "0.025unous")]
    gas_price: String,
    /// Gas limit = simulated gas x this.
    #[arg(long, default_value = "1.3")]
    gas_adjustment: String,
    /// File holding the deploying key's mnemonic (default: $NOUS_MNEMONIC).
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// HD index n of the key (m/44'/118'/0'/0/n).
    #[arg(long, default_value_t = 0)]
    key_index: u32,
    /// Folder of the optimised artifacts and their checksums.txt.
    #[arg(long, default_value = "artifacts")]
    artifacts: PathBuf,
    /// Folder of the deployment records.
    #[arg(long, default_value = "deployments")]
    deployments: PathBuf,
    /// The record to read and write (default: <deployments>/<chain-id>.json).
    #[arg(long)]
    record: Option<PathBuf>,
    /// A SuiteConfig as JSON (see --print-config); overrides the flags below.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The suite's token as a native denom (default: the gas price's denom).
    #[arg(long, conflicts_with = "cw20")]
    denom: Option<String>,
    /// The suite's token as a cw20 contract address.
    #[arg(long)]
    cw20: Option<String>,
    /// The token's decimals (0 to 18; most Cosmos chains' native tokens have 6): the
    /// default fees and minimum stake are whole tokens of it. Fixed once deployed.
    #[arg(long, default_value_t = 6)]
    decimals: u8,
    /// N_total of the emission schedule: the token's maximum supply in base units.
    #[arg(long)]
    total_supply: Option<u128>,
    /// Receiver of the chain-security share of every emission (default: the admin).
    #[arg(long)]
    security_recipient: Option<String>,
    /// Fund the emission treasury up to this many base units in total (FundTreasury);
    /// what earlier runs funded counts.
    #[arg(long)]
    fund_treasury: Option<u128>,
    /// Use code already stored on the chain (e.g. by a governance proposal) instead of
    /// storing it: NAME=CODE_ID, repeatable (e.g. --code-id synthesis=42). Its checksum must
    /// be the artifact's.
    #[arg(long, value_name = "NAME=CODE_ID")]
    code_id: Vec<String>,
    /// Print the plan with every message and stop (nothing is sent).
    #[arg(long)]
    dry_run: bool,
    /// Print the configuration the flags give, as JSON for --config, and stop.
    #[arg(long)]
    print_config: bool,
}

fn build_config(cli: &Cli, admin: &Addr, fee_denom: &str) -> Result<SuiteConfig> {
    if let Some(path) = &cli.config {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let config: SuiteConfig = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a SuiteConfig", path.display()))?;
        return Ok(config);
    }
    let denom = match (&cli.denom, &cli.cw20) {
        (_, Some(token)) => Denom::Cw20(Addr::unchecked(token)),
        (Some(d), None) => Denom::Native(d.clone()),
        (None, None) => Denom::Native(fee_denom.to_string()),
    };
    let total_supply = cli.total_supply.context(
        "--total-supply is needed (the token's maximum supply in base units), or --config",
    )?;
    let security = cli
        .security_recipient
        .clone()
        .unwrap_or_else(|| admin.to_string());
    Ok(SuiteConfig::new(
        admin.as_str(),
        denom,
        cli.decimals,
        security,
        total_supply,
    ))
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let gas_price = GasPrice::from_str(&cli.gas_price).map_err(anyhow::Error::msg)?;
    let mnemonic = read_mnemonic("NOUS_MNEMONIC", cli.key_file.as_deref())?;
    let key = Key::from_mnemonic(&mnemonic, cli.key_index, &cli.prefix)?;
    let admin = key.address.clone();
    let flags_given = cli.config.is_some() || cli.total_supply.is_some();
    if cli.print_config {
        let config = build_config(&cli, &admin, &gas_price.denom)?;
        println!("{}", serde_json::to_string_pretty(&config)?);
        return Ok(());
    }
    let fee_denom = gas_price.denom.clone();

    let mut settings = TxSettings::new(gas_price);
    settings.gas_adjustment =
        cosmwasm_std::Decimal::from_str(&cli.gas_adjustment).context("--gas-adjustment")?;
    let artifacts = Artifacts::open(&cli.artifacts)?;
    let mut chain = RpcChain::connect(&cli.node, &cli.prefix, settings)
        .with_context(|| format!("connecting to {}", cli.node))?
        .with_artifacts(artifacts);
    chain.add_key(key);
    let chain_id = chain.chain_id()?;
    let path = cli
        .record
        .clone()
        .unwrap_or_else(|| cli.deployments.join(format!("{chain_id}.json")));
    let mut record = if path.exists() {
        let r = Deployment::load(&path)?;
        if flags_given && r.config != build_config(&cli, &admin, &fee_denom)? {
            bail!(
                "{} was made with another configuration; finish it without configuration \
                 flags, or deploy to a new --record",
                path.display()
            );
        }
        eprintln!("nous-deploy: continuing {}", path.display());
        r
    } else {
        Deployment::new(&chain_id, build_config(&cli, &admin, &fee_denom)?)
    };
    if record.config.admin != admin.as_str() {
        bail!(
            "the configuration's admin is {}, the key is {admin}: the wiring messages are \
             admin-only, so deploy with the admin's key (transfer ownership afterwards)",
            record.config.admin
        );
    }

    for spec in &cli.code_id {
        let (name, id) = spec
            .split_once('=')
            .with_context(|| format!("--code-id {spec}: expected NAME=CODE_ID"))?;
        let contract = SuiteContract::from_str(name).map_err(anyhow::Error::msg)?;
        let id: u64 = id
            .parse()
            .with_context(|| format!("--code-id {spec}: {id} is not a code id"))?;
        let expected = Artifacts::open(&cli.artifacts)?
            .checksum(contract)?
            .to_string();
        adopt_code(&chain, &mut record, contract, id, &expected)?;
        eprintln!("  {contract}: using code {id} already on the chain (checksum {expected})");
    }

    if cli.dry_run {
        println!(
            "plan for {chain_id} (record {}), admin {admin}:",
            path.display()
        );
        print!("{}", describe(&record)?);
        if let Some(target) = cli.fund_treasury {
            println!("then: fee-vault FundTreasury up to {target} base units");
        }
        return Ok(());
    }

    eprintln!(
        "nous-deploy: deploying to {chain_id} via {} as {admin}",
        chain.url()
    );
    let save_path = path.clone();
    deploy(&mut chain, &mut record, &mut |r, step, outcome| {
        r.save(&save_path)
            .map_err(|e| nous_chain::DeployError::Inconsistent(e.to_string()))?;
        match outcome {
            StepOutcome::Sent(o) => eprintln!(
                "  {step}: tx {} at height {}, gas {}",
                o.hash, o.height, o.gas_used
            ),
            StepOutcome::Recorded => eprintln!("  {step}: already done"),
            StepOutcome::FoundOnChain => eprintln!("  {step}: found done on the chain"),
            StepOutcome::Pending(h) => eprintln!("  {step}: tx {h} not in a block yet"),
        }
        Ok(())
    })?;

    if let Some(target) = cli.fund_treasury {
        let funded: u128 = record
            .treasury_funding
            .iter()
            .map(|f| f.amount.u128())
            .sum();
        if funded < target {
            let amount = target - funded;
            let vault = record
                .address(nous_chain::SuiteContract::FeeVault)
                .cloned()
                .context("no fee-vault in the record")?;
            let msg = pay(
                &record.config.denom,
                &vault,
                amount,
                &fee_vault::ExecuteMsg::FundTreasury {},
                &fee_vault::ReceiveMsg::FundTreasury {},
            )?;
            let out = chain.execute(&Tx::new(&admin, vec![msg]))?;
            record.treasury_funding.push(FundingRecord {
                amount: Uint128::new(amount),
                tx: out.hash.clone(),
                height: out.height,
            });
            record.save(&path)?;
            eprintln!(
                "  fund treasury with {amount}: tx {} at height {}",
                out.hash, out.height
            );
        } else {
            eprintln!("  treasury already funded with {funded}");
        }
    }

    println!("deployed on {chain_id}, recorded in {}", path.display());
    for (c, r) in &record.contracts {
        println!("  {:<20} {} (code {})", c.name(), r.address, r.code_id);
    }
    Ok(())
}
