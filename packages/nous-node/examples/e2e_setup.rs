//! The end-to-end test's stage (scripts/e2e-node.sh), what a topic creator and a funder do
//! before operators arrive: funds the operator keys from the local chain's test faucet
//! (`m/44'/118'/0'/0/<index>` of the faucet's PUBLIC test mnemonic), creates a topic and
//! funds it (`--reveal N`: a commit–reveal topic). Prints `{"topic_id", "start_height",
//! "reveal_window", "operators": [...]}`.

use std::path::PathBuf;
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use clap::Parser;
use cosmwasm_std::{coins, Addr, Decimal};
use cw20::Denom;
use nous_chain::{pay, Chain, ChainExt, Deployment, Msg, SuiteContract, Tx};
use nous_rpc::{test_account_mnemonic, GasPrice, Key, RpcChain, TxSettings};
use nous_types::fee_vault;
use nous_types::topic_registry::{self as reg, TopicParams};

#[derive(Parser)]
struct Args {
    /// deployments/<chain-id>.json
    #[arg(long)]
    record: PathBuf,
    #[arg(long, env = "NOUS_RPC")]
    node: String,
    #[arg(long, env = "NOUS_GAS_PRICE", default_value = "0.025unous")]
    gas_price: String,
    /// chain/test-accounts.txt (PUBLIC test-only keys)
    #[arg(long, env = "NOUS_TEST_ACCOUNTS")]
    accounts: PathBuf,
    /// HD indices of the faucet's mnemonic to fund (the operators' keys).
    #[arg(long, value_delimiter = ',')]
    fund_indices: Vec<u32>,
    /// Whole tokens (10^18 base units) sent to each operator.
    #[arg(long, default_value_t = 1_000)]
    fund_tokens: u128,
    #[arg(long, default_value_t = 12)]
    epoch: u64,
    #[arg(long, default_value_t = 6)]
    window: u64,
    #[arg(long, default_value_t = 12)]
    lag: u64,
    /// Blocks of the reveal window after each worker window (0: payloads in the clear; more:
    /// a commit–reveal topic, `window + reveal <= epoch`).
    #[arg(long, default_value_t = 0)]
    reveal: u64,
    #[arg(long, default_value = "mse")]
    loss_method: String,
    /// Whole tokens of topic funding (its fee revenue, for the topic's weight).
    #[arg(long, default_value_t = 100_000)]
    topic_funding: u128,
}

const TOKEN: u128 = 1_000_000_000_000_000_000;

fn main() -> Result<()> {
    let a = Args::parse();
    let record = Deployment::load(&a.record)?;
    let prefix = record
        .config
        .admin
        .rfind('1')
        .map(|i| record.config.admin[..i].to_string())
        .context("the deployment's admin is not a bech32 address")?;
    let gas = GasPrice::from_str(&a.gas_price).map_err(anyhow::Error::msg)?;
    let mut chain = RpcChain::connect(&a.node, &prefix, TxSettings::new(gas))?;
    if chain.chain_id()? != record.chain_id {
        bail!(
            "the record is for {}, the node is on {}",
            record.chain_id,
            chain.chain_id()?
        );
    }
    let Denom::Native(denom) = record.config.denom.clone() else {
        bail!("the end-to-end stage funds a native suite token");
    };
    let words = test_account_mnemonic(&a.accounts, "faucet")?;
    let faucet = chain.add_key(Key::from_mnemonic(&words, 0, &prefix)?);
    let mut operators = vec![];
    for i in &a.fund_indices {
        operators.push(Key::from_mnemonic(&words, *i, &prefix)?.address);
    }
    let sends: Vec<Msg> = operators
        .iter()
        .map(|o| Msg::Send {
            to: Addr::unchecked(o.as_str()),
            amount: coins(a.fund_tokens * TOKEN, &denom),
        })
        .collect();
    if !sends.is_empty() {
        chain.execute(&Tx::new(&faucet, sends))?;
    }

    let registry = record
        .address(SuiteContract::TopicRegistry)
        .context("no topic-registry in the record")?
        .clone();
    let vault = record
        .address(SuiteContract::FeeVault)
        .context("no fee-vault in the record")?
        .clone();
    let fee: reg::FeeResponse = chain.query(&registry, &reg::QueryMsg::CreateTopicFee {})?;
    let params = TopicParams {
        metadata: "nous-node end-to-end topic".into(),
        loss_method: a.loss_method.clone(),
        epoch_length: a.epoch,
        worker_submission_window: a.window,
        ground_truth_lag: a.lag,
        reveal_window: a.reveal,
        payload_fee: cosmwasm_std::Uint128::zero(),
        p_norm: Decimal::from_ratio(3u128, 1u128),
        alpha_regret: Decimal::percent(10),
        alpha_regret_forecasters: None,
        allow_negative: false,
        epsilon: Decimal::percent(1),
        merit_sortition_alpha: Decimal::percent(10),
        active_inferer_quantile: Decimal::percent(25),
        active_forecaster_quantile: Decimal::percent(25),
        active_reputer_quantile: Decimal::percent(25),
        // none: the registry's default rules (the improved ones)
        rules: None,
    };
    let create = pay(
        &record.config.denom,
        &registry,
        fee.amount.u128(),
        &reg::ExecuteMsg::CreateTopic {
            params: params.clone(),
        },
        &reg::ReceiveMsg::CreateTopic { params },
    )?;
    let out = chain.execute(&Tx::new(&faucet, vec![create]))?;
    let topic_id: u64 = out
        .any_attr("topic_id")
        .and_then(|v| v.parse().ok())
        .context("no topic_id in the create-topic events")?;
    let fund = pay(
        &record.config.denom,
        &vault,
        a.topic_funding * TOKEN,
        &fee_vault::ExecuteMsg::FundTopic { topic_id },
        &fee_vault::ReceiveMsg::FundTopic { topic_id },
    )?;
    chain.execute(&Tx::new(&faucet, vec![fund]))?;
    let topic: reg::Topic = chain.query(&registry, &reg::QueryMsg::Topic { topic_id })?;
    println!(
        "{}",
        serde_json::json!({
            "topic_id": topic_id,
            "start_height": topic.start_height,
            "reveal_window": topic.params.reveal_window,
            "operators": operators,
        })
    );
    Ok(())
}
