//! The real-chain backend: the same actors driven on a node through nous-rpc. Each actor
//! has its own account, derived from the faucet's mnemonic of the test-accounts file
//! (`m/44'/118'/0'/0/<n>`, n >= 1) and funded by the faucet; the suite is the one of a
//! deployment record (nous-deploy), or is deployed here through the same plan.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use cosmwasm_std::{coins, Addr};
use cw20::Denom;
use nous_chain::{deploy, Artifacts, Chain, ChainExt, Deployment, Msg, SuiteConfig, Tx};
use nous_rpc::{test_account_mnemonic, GasPrice, Key, RpcChain, TxSettings};
use nous_types::topic_registry as reg;

use crate::network::Network;
use crate::scenario::Scenario;
use crate::sim::{apply_scenario, scenario_emission, INITIAL_BALANCE};

/// HD index of the chain-security recipient's key under the faucet's mnemonic (the actors
/// take 1..=n).
const SECURITY_INDEX: u32 = 10_000;

/// Where and how to reach the node.
#[derive(Clone, Debug)]
pub struct Target {
    pub node: String,
    pub prefix: String,
    pub gas_price: String,
    /// The test-accounts file (faucet and deployer mnemonics; PUBLIC test keys).
    pub accounts_file: PathBuf,
    pub artifacts: PathBuf,
}

/// The suite to drive: a deployment record, or deploy one through the plan (recorded at
/// the given path, default `deployments/<chain-id>.json`).
#[derive(Clone, Debug)]
pub enum Suite {
    Record(PathBuf),
    DeployTo(Option<PathBuf>),
}

fn faucet_mnemonic(t: &Target) -> Result<String> {
    Ok(test_account_mnemonic(&t.accounts_file, "faucet")?)
}

fn deployer(t: &Target) -> Result<Key> {
    let m = test_account_mnemonic(&t.accounts_file, "deployer")?;
    Ok(Key::from_mnemonic(&m, 0, &t.prefix)?)
}

/// The deployment configuration of `sc` on a node, deployed by the test account
/// "deployer": the scenario's fees and rates, the suite token = the gas denom, a supply of
/// one initial balance per account (as on the embedded chain).
pub fn deploy_config(sc: &Scenario, names: &[&'static str], t: &Target) -> Result<SuiteConfig> {
    let admin = deployer(t)?.address;
    let security = Key::from_mnemonic(&faucet_mnemonic(t)?, SECURITY_INDEX, &t.prefix)?.address;
    let denom = GasPrice::from_str(&t.gas_price)
        .map_err(anyhow::Error::msg)?
        .denom;
    let supply = INITIAL_BALANCE * names.len() as u128;
    let mut config = SuiteConfig::new(
        admin.as_str(),
        Denom::Native(denom),
        crate::network::TOKEN_DECIMALS,
        security.as_str(),
        supply,
    );
    apply_scenario(sc, &mut config)?;
    config.emission = scenario_emission(sc, supply)?;
    Ok(config)
}

fn connect(t: &Target) -> Result<RpcChain> {
    let gas = GasPrice::from_str(&t.gas_price).map_err(anyhow::Error::msg)?;
    RpcChain::connect(&t.node, &t.prefix, TxSettings::new(gas))
        .with_context(|| format!("connecting to {}", t.node))
}

/// Deploys (or finishes deploying) the suite through the deploy plan, as "deployer",
/// saving the record at `path` after every step.
fn deploy_here(chain: &mut RpcChain, config: SuiteConfig, path: &Path) -> Result<Deployment> {
    let mut record = if path.exists() {
        Deployment::load(path)?
    } else {
        Deployment::new(chain.chain_id()?, config)
    };
    deploy(chain, &mut record, &mut |r, step, _| {
        eprintln!("  deploy: {step}");
        r.save(path)
            .map_err(|e| nous_chain::DeployError::Inconsistent(e.to_string()))
    })?;
    Ok(record)
}

/// Connects to the node, takes (or makes) the deployment, derives and funds every
/// account of `names`, and returns the network to drive.
pub fn network(
    sc: &Scenario,
    names: &[&'static str],
    t: &Target,
    suite: &Suite,
) -> Result<Network<RpcChain>> {
    let mut chain = connect(t)?;
    let record = match suite {
        Suite::Record(p) => Deployment::load(p)?,
        Suite::DeployTo(p) => {
            let path = p.clone().unwrap_or_else(|| {
                PathBuf::from(format!(
                    "deployments/{}.json",
                    chain.chain_id().unwrap_or_default()
                ))
            });
            chain = chain.with_artifacts(Artifacts::open(&t.artifacts)?);
            chain.add_key(deployer(t)?);
            deploy_here(&mut chain, deploy_config(sc, names, t)?, &path)?
        }
    };
    let chain_id = chain.chain_id()?;
    if record.chain_id != chain_id {
        bail!(
            "the deployment is for {}, the node is on {chain_id}",
            record.chain_id
        );
    }
    let registry = record
        .address(nous_chain::SuiteContract::TopicRegistry)
        .context("no topic-registry in the deployment")?;
    let config: reg::ConfigResponse = chain.query(registry, &reg::QueryMsg::Config {})?;
    if config.next_topic_id != 1 {
        bail!("this deployment already has topics: the simulator needs a fresh one (restart the local chain)");
    }

    let faucet_words = faucet_mnemonic(t)?;
    let faucet = chain.add_key(Key::from_mnemonic(&faucet_words, 0, &t.prefix)?);
    let mut accounts = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        let key = Key::from_mnemonic(&faucet_words, i as u32 + 1, &t.prefix)?;
        accounts.insert(*name, chain.add_key(key));
    }
    let Denom::Native(denom) = record.config.denom.clone() else {
        bail!("the simulator funds its accounts in a native suite token");
    };
    // One transaction from the faucet funds every account that has not been funded yet.
    let mut sends = vec![];
    for a in accounts.values() {
        if chain.balance(a, &denom)? < INITIAL_BALANCE {
            sends.push(Msg::Send {
                to: Addr::unchecked(a.as_str()),
                amount: coins(INITIAL_BALANCE, &denom),
            });
        }
    }
    if !sends.is_empty() {
        eprintln!(
            "nous-sim: funding {} accounts from the faucet {faucet}",
            sends.len()
        );
        chain.execute(&Tx::new(&faucet, sends))?;
    }
    let probe = overhead_probe(&mut chain, &faucet)?;
    let mut net = Network::new(chain, record, accounts)?;
    net.probe = Some(probe);
    Ok(net)
}

/// (gas used, bytes) of an execute on an address that holds no contract: the ante handler
/// and wasmd's message routing, without any contract (gas.rs compares the rest with the VM
/// model). It fails by design and is sent by the faucet, outside the simulated accounts.
fn overhead_probe(chain: &mut RpcChain, faucet: &Addr) -> Result<(u64, u64)> {
    let tx = Tx::new(
        faucet,
        vec![Msg::Execute {
            contract: faucet.clone(),
            msg: cosmwasm_std::Binary::from(b"{}".to_vec()),
            funds: vec![],
        }],
    );
    match chain.execute_with_gas(&tx, 200_000) {
        Err(nous_chain::ChainError::TxFailed(o)) => Ok((o.gas_used, o.tx_bytes)),
        Ok(_) => bail!("the overhead probe unexpectedly succeeded"),
        Err(e) => Err(e.into()),
    }
}
