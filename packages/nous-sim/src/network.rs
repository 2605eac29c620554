//! [`Network`]: the simulator's actor-level actions and reads (create a topic, register,
//! submit a payload, settle, claim, ...) as messages and queries of the suite, over any
//! nous-chain [`Chain`] — cw-multi-test in-process or a real node. Numbers cross into the
//! contracts as decimal strings (`SignedDecimal`), never as floats. Every transaction is
//! recorded ([`TxStat`]) with its gas and fee, for the real-chain gas report and checks.

use std::collections::BTreeMap;
use std::str::FromStr;

use anyhow::{anyhow, Context, Result};
use cosmwasm_std::{Addr, SignedDecimal};
use cw20::Denom;
use nous_chain::{pay, Chain, ChainError, ChainExt, Deployment, Msg, SuiteContract, Tx, TxOutcome};
use nous_types::reward_distribution::{self as rd, EpochReward};
use nous_types::synthesis::{
    self as syn, ForecastElement, LossBundle, NetworkInference, NetworkLossesResponse,
};
use nous_types::topic_registry::{self as reg, GlobalParams, Role, TopicParams};
use nous_types::{fee_vault, staking};

/// The simulated token's decimals, and one whole token in base units (the maths reads
/// stakes and fees in whole tokens).
pub const TOKEN_DECIMALS: u8 = 18;
pub const TOKEN: u128 = 10u128.pow(TOKEN_DECIMALS as u32);

/// A float as the 18-decimal signed decimal the contracts take (rounded to 12 places).
pub fn dec(x: f64) -> SignedDecimal {
    let x = if x.is_finite() {
        x.clamp(-1e9, 1e9)
    } else {
        0.0
    };
    SignedDecimal::from_str(&format!("{x:.12}")).unwrap_or(SignedDecimal::zero())
}

pub fn num(x: &SignedDecimal) -> f64 {
    x.to_string().parse().unwrap_or(0.0)
}

/// One transaction the simulator sent.
#[derive(Clone, Debug)]
pub struct TxStat {
    /// What it did ("worker payload (inference)", "close of a reputer window", ...).
    pub kind: String,
    /// The action was not meant to succeed (a deliberate refusal).
    pub deliberate: bool,
    /// Sent at steady state (after the scenario's warm-up).
    pub steady: bool,
    pub ok: bool,
    pub outcome: TxOutcome,
}

/// A worker's payload: (name, inference, forecast elements (inferer index, value)).
pub type Payload<'a> = (&'static str, Option<f64>, &'a [(u32, f64)]);

/// The suite deployed on a chain, and the simulated actors' accounts.
pub struct Network<C: Chain> {
    pub chain: C,
    pub deployment: Deployment,
    accounts: BTreeMap<&'static str, Addr>,
    pub consumer: Option<Addr>,
    /// The suite token held by the accounts and contracts when the network started.
    initial_supply: u128,
    /// Fees the accounts paid in the suite token (a node's gas).
    pub fees_paid: u128,
    pub txs: Vec<TxStat>,
    pub steady: bool,
    /// (gas used, bytes) of a transaction that is all overhead (a node only; see gas.rs).
    pub probe: Option<(u64, u64)>,
}

impl<C: Chain> Network<C> {
    /// The suite of `deployment` on `chain`, driven by `accounts` (name -> address, keys the
    /// chain can sign for).
    pub fn new(
        chain: C,
        deployment: Deployment,
        accounts: BTreeMap<&'static str, Addr>,
    ) -> Result<Self> {
        let mut n = Network {
            chain,
            deployment,
            accounts,
            consumer: None,
            initial_supply: 0,
            fees_paid: 0,
            txs: vec![],
            steady: false,
            probe: None,
        };
        n.initial_supply = n.holdings()?.iter().map(|(_, v)| v).sum();
        Ok(n)
    }

    pub fn addr(&self, name: &str) -> Result<Addr> {
        self.accounts
            .get(name)
            .cloned()
            .ok_or_else(|| anyhow!("unknown account {name}"))
    }

    pub fn accounts(&self) -> &BTreeMap<&'static str, Addr> {
        &self.accounts
    }

    pub fn contract(&self, c: SuiteContract) -> Result<Addr> {
        self.deployment
            .address(c)
            .cloned()
            .ok_or_else(|| anyhow!("{c} is not deployed"))
    }

    fn denom(&self) -> &Denom {
        &self.deployment.config.denom
    }

    fn query<T: serde::de::DeserializeOwned, M: serde::Serialize>(
        &self,
        c: SuiteContract,
        msg: &M,
    ) -> Result<T> {
        Ok(self.chain.query(&self.contract(c)?, msg)?)
    }

    fn record(&mut self, kind: String, deliberate: bool, r: &Result<TxOutcome, ChainError>) {
        let (ok, outcome) = match r {
            Ok(o) => (true, o.clone()),
            Err(ChainError::TxFailed(o)) => (false, (**o).clone()),
            // Refused before a block (e.g. a failing simulation): nothing was paid.
            Err(_) => return,
        };
        if let Denom::Native(d) = self.denom() {
            self.fees_paid += outcome
                .fee
                .iter()
                .filter(|c| &c.denom == d)
                .map(|c| c.amount.u128())
                .sum::<u128>();
        }
        self.txs.push(TxStat {
            kind,
            deliberate,
            steady: self.steady,
            ok,
            outcome,
        });
    }

    /// Runs one transaction of `who` and records it.
    fn send(&mut self, kind: impl Into<String>, who: &str, msgs: Vec<Msg>) -> Result<TxOutcome> {
        let tx = Tx::new(&self.addr(who)?, msgs);
        let r = self.chain.execute(&tx);
        self.record(kind.into(), false, &r);
        Ok(r?)
    }

    /// Runs independent transactions together (a node puts them in the same blocks).
    fn send_all(&mut self, txs: Vec<(String, Tx)>) -> Vec<Result<TxOutcome>> {
        let plain: Vec<Tx> = txs.iter().map(|(_, t)| t.clone()).collect();
        let results = self.chain.execute_all(&plain);
        results
            .into_iter()
            .zip(txs)
            .map(|(r, (kind, _))| {
                self.record(kind, false, &r);
                r.map_err(anyhow::Error::from)
            })
            .collect()
    }

    /// Sends a transaction meant to fail, without simulation, so that a node includes it
    /// (it pays its fee); returns its outcome either way.
    pub fn send_refusal(
        &mut self,
        kind: &str,
        who: &str,
        msgs: Vec<Msg>,
        gas_limit: u64,
    ) -> Result<Result<TxOutcome, ChainError>> {
        let tx = Tx::new(&self.addr(who)?, msgs);
        let r = self.chain.execute_with_gas(&tx, gas_limit);
        self.record(kind.to_string(), true, &r);
        Ok(r)
    }

    fn exec<M: serde::Serialize>(
        &mut self,
        kind: &str,
        who: &str,
        c: SuiteContract,
        msg: &M,
    ) -> Result<TxOutcome> {
        let m = Msg::execute(&self.contract(c)?, msg, vec![])?;
        self.send(kind, who, vec![m])
    }

    fn pay_msg<E: serde::Serialize, R: serde::Serialize>(
        &self,
        contract: &Addr,
        amount: u128,
        msg: &E,
        receive: &R,
    ) -> Result<Msg> {
        Ok(pay(self.denom(), contract, amount, msg, receive)?)
    }

    // ---- the clock ------------------------------------------------------------------------

    /// The chain's height. In-process a transaction executes at it; on a node, in a later
    /// block, while its gas is simulated at this height — so the driver acts once the
    /// height it acts at is committed, and windows leave a few blocks of room.
    pub fn height(&self) -> Result<u64> {
        Ok(self.chain.block()?.height)
    }

    /// Moves on (cw-multi-test) or waits (a node) until the chain is at `height`.
    pub fn advance_to(&mut self, height: u64) -> Result<()> {
        self.chain.wait_until(height)?;
        Ok(())
    }

    // ---- topic-registry -------------------------------------------------------------------

    pub fn params(&self) -> Result<GlobalParams> {
        self.query(SuiteContract::TopicRegistry, &reg::QueryMsg::Params {})
    }

    /// Creates a topic paying the creation fee; returns (id, start height).
    pub fn create_topic(&mut self, creator: &str, params: TopicParams) -> Result<(u64, u64)> {
        let fee = self.params()?.registry.create_topic_fee.u128();
        let registry = self.contract(SuiteContract::TopicRegistry)?;
        let m = self.pay_msg(
            &registry,
            fee,
            &reg::ExecuteMsg::CreateTopic {
                params: params.clone(),
            },
            &reg::ReceiveMsg::CreateTopic { params },
        )?;
        let out = self.send("create topic", creator, vec![m])?;
        let id: u64 = out
            .any_attr("topic_id")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| anyhow!("no topic_id attribute"))?;
        let t: reg::Topic = self.query(
            SuiteContract::TopicRegistry,
            &reg::QueryMsg::Topic { topic_id: id },
        )?;
        Ok((id, t.start_height))
    }

    /// Registers and returns the per-topic actor index.
    pub fn register(&mut self, who: &str, topic: u64, role: Role) -> Result<u32> {
        let fee = self.params()?.registry.registration_fee.u128();
        let registry = self.contract(SuiteContract::TopicRegistry)?;
        let m = self.pay_msg(
            &registry,
            fee,
            &reg::ExecuteMsg::Register {
                topic_id: topic,
                role,
                owner: None,
            },
            &reg::ReceiveMsg::Register {
                topic_id: topic,
                role,
                owner: None,
            },
        )?;
        self.send("register", who, vec![m])?;
        let r: reg::RegistrationResponse = self.query(
            SuiteContract::TopicRegistry,
            &reg::QueryMsg::Registration {
                topic_id: topic,
                role,
                operator: self.addr(who)?.to_string(),
            },
        )?;
        r.registration
            .map(|r| r.actor_index)
            .ok_or_else(|| anyhow!("{who} not registered"))
    }

    // ---- staking --------------------------------------------------------------------------

    pub fn add_stake(&mut self, reputer: &str, topic: u64, amount: u128) -> Result<()> {
        let st = self.contract(SuiteContract::Staking)?;
        let m = self.pay_msg(
            &st,
            amount,
            &staking::ExecuteMsg::AddStake { topic_id: topic },
            &staking::ReceiveMsg::AddStake { topic_id: topic },
        )?;
        self.send("add stake", reputer, vec![m]).map(|_| ())
    }

    pub fn delegate(
        &mut self,
        delegator: &str,
        topic: u64,
        reputer: &str,
        amount: u128,
    ) -> Result<()> {
        let st = self.contract(SuiteContract::Staking)?;
        let reputer = self.addr(reputer)?.to_string();
        let m = self.pay_msg(
            &st,
            amount,
            &staking::ExecuteMsg::Delegate {
                topic_id: topic,
                reputer: reputer.clone(),
            },
            &staking::ReceiveMsg::Delegate {
                topic_id: topic,
                reputer,
            },
        )?;
        self.send("delegate", delegator, vec![m]).map(|_| ())
    }

    pub fn claim_delegator(&mut self, delegator: &str, topic: u64, reputer: &str) -> Result<u128> {
        let before = self.balance(delegator)?;
        let rep = self.addr(reputer)?.to_string();
        let res = self.exec(
            "claim delegator rewards",
            delegator,
            SuiteContract::Staking,
            &staking::ExecuteMsg::ClaimDelegatorRewards {
                topic_id: topic,
                reputer: rep,
            },
        );
        let Ok(out) = res else {
            return Ok(0);
        };
        let fee: u128 = out.fee.iter().map(|c| c.amount.u128()).sum();
        Ok(self.balance(delegator)? + fee - before)
    }

    // ---- fee-vault ------------------------------------------------------------------------

    pub fn fund_treasury(&mut self, payer: &str, amount: u128) -> Result<()> {
        let vault = self.contract(SuiteContract::FeeVault)?;
        let m = self.pay_msg(
            &vault,
            amount,
            &fee_vault::ExecuteMsg::FundTreasury {},
            &fee_vault::ReceiveMsg::FundTreasury {},
        )?;
        self.send("fund treasury", payer, vec![m]).map(|_| ())
    }

    pub fn fund_topic(&mut self, payer: &str, topic: u64, amount: u128) -> Result<()> {
        let vault = self.contract(SuiteContract::FeeVault)?;
        let m = self.pay_msg(
            &vault,
            amount,
            &fee_vault::ExecuteMsg::FundTopic { topic_id: topic },
            &fee_vault::ReceiveMsg::FundTopic { topic_id: topic },
        )?;
        self.send("fund topic", payer, vec![m]).map(|_| ())
    }

    pub fn read_fee(&self, topic: u64) -> Result<u128> {
        let fee: fee_vault::ReadFeeResponse = self.query(
            SuiteContract::FeeVault,
            &fee_vault::QueryMsg::ReadFee { topic_id: topic },
        )?;
        Ok(fee.amount.u128())
    }

    /// A dApp pays for and uses the latest inference (through the example consumer when it
    /// is deployed); returns the fee paid.
    pub fn paid_read(&mut self, dapp: &str, topic: u64) -> Result<u128> {
        let fee = self.read_fee(topic)?;
        match self.consumer.clone() {
            Some(c) => {
                let m = self.pay_msg(
                    &c,
                    fee,
                    &::example_consumer::msg::ExecuteMsg::UseLatestInference {
                        topic_id: topic,
                        max_age: None,
                    },
                    &::example_consumer::msg::ReceiveMsg::UseLatestInference {
                        topic_id: topic,
                        max_age: None,
                    },
                )?;
                self.send("pay-and-read (example consumer)", dapp, vec![m])?
            }
            None => {
                let vault = self.contract(SuiteContract::FeeVault)?;
                let m = self.pay_msg(
                    &vault,
                    fee,
                    &fee_vault::ExecuteMsg::PayForRead { topic_id: topic },
                    &fee_vault::ReceiveMsg::PayForRead { topic_id: topic },
                )?;
                self.send("pay-per-read", dapp, vec![m])?
            }
        };
        Ok(fee)
    }

    pub fn treasury(&self) -> Result<u128> {
        let r: fee_vault::TreasuryResponse =
            self.query(SuiteContract::FeeVault, &fee_vault::QueryMsg::Treasury {})?;
        Ok(r.balance.u128())
    }

    // ---- reward-distribution --------------------------------------------------------------

    pub fn activate_topic(&mut self, keeper: &str, topic: u64) -> Result<()> {
        self.exec(
            "activate topic",
            keeper,
            SuiteContract::RewardDistribution,
            &rd::ExecuteMsg::ActivateTopic { topic_id: topic },
        )
        .map(|_| ())
    }

    pub fn settle(&mut self, keeper: &str, topic: u64) -> Result<()> {
        let m = Msg::execute(
            &self.contract(SuiteContract::RewardDistribution)?,
            &rd::ExecuteMsg::Settle {
                topic_id: Some(topic),
                limit: None,
            },
            vec![],
        )?;
        let tx = Tx::new(&self.addr(keeper)?, vec![m]);
        let r = self.chain.execute(&tx);
        let settled = r.as_ref().map_or(0, |o| {
            o.events
                .iter()
                .filter(|e| e.ty == "wasm-epoch_settled")
                .count()
        });
        let kind = match settled {
            1 => "settlement of one epoch".to_string(),
            n => format!("settlement of {n} epochs"),
        };
        self.record(kind, false, &r);
        r.map(|_| ()).map_err(Into::into)
    }

    pub fn epoch_reward(&self, topic: u64, epoch: u64) -> Option<EpochReward> {
        self.query::<rd::EpochRewardResponse, _>(
            SuiteContract::RewardDistribution,
            &rd::QueryMsg::EpochReward {
                topic_id: topic,
                epoch,
            },
        )
        .ok()
        .and_then(|r| r.reward)
    }

    pub fn claimable(&self, who: &str) -> u128 {
        let Ok(address) = self.addr(who) else {
            return 0;
        };
        self.query::<rd::ClaimableResponse, _>(
            SuiteContract::RewardDistribution,
            &rd::QueryMsg::Claimable {
                address: address.to_string(),
            },
        )
        .map(|r| r.amount.u128())
        .unwrap_or(0)
    }

    /// Claims what `who` may claim; returns the amount.
    pub fn claim(&mut self, who: &str) -> Result<u128> {
        let amount = self.claimable(who);
        if amount > 0 {
            self.exec(
                "claim",
                who,
                SuiteContract::RewardDistribution,
                &rd::ExecuteMsg::Claim {},
            )?;
        }
        Ok(amount)
    }

    pub fn topic_status(&self, topic: u64) -> Result<rd::TopicStatusResponse> {
        self.query(
            SuiteContract::RewardDistribution,
            &rd::QueryMsg::TopicStatus { topic_id: topic },
        )
    }

    pub fn reward_totals(&self) -> Result<rd::Totals> {
        self.query(SuiteContract::RewardDistribution, &rd::QueryMsg::Totals {})
    }

    // ---- synthesis ------------------------------------------------------------------------

    fn payload_msg(&self, topic: u64, nonce: u64, p: &Payload) -> Result<(String, Msg)> {
        let (_, inference, forecast) = *p;
        let kind = match (inference.is_some(), forecast.len()) {
            (true, 0) => "worker payload (inference)".to_string(),
            (false, n) => format!("worker payload ({n}-element forecast)"),
            (true, n) => format!("worker payload (inference + {n}-element forecast)"),
        };
        let forecast = (!forecast.is_empty()).then(|| {
            forecast
                .iter()
                .map(|(j, v)| ForecastElement {
                    inferer: *j,
                    value: dec(*v),
                })
                .collect()
        });
        let m = Msg::execute(
            &self.contract(SuiteContract::Synthesis)?,
            &syn::ExecuteMsg::SubmitWorkerPayload {
                topic_id: topic,
                nonce,
                inference: inference.map(dec),
                forecast,
            },
            vec![],
        )?;
        Ok((kind, m))
    }

    /// Every worker's payload for `nonce`, one transaction each, sent together; first the
    /// topic funding of `funding` (payer, amount) if given. Returns the funding's result and
    /// one result per payload.
    pub fn submit_workers(
        &mut self,
        topic: u64,
        nonce: u64,
        funding: Option<(&str, u128)>,
        payloads: &[Payload],
    ) -> (Option<Result<()>>, Vec<Result<()>>) {
        let mut txs = vec![];
        let mut prepared: Vec<Option<anyhow::Error>> = vec![];
        if let Some((payer, amount)) = funding {
            let built = self.contract(SuiteContract::FeeVault).and_then(|vault| {
                let m = self.pay_msg(
                    &vault,
                    amount,
                    &fee_vault::ExecuteMsg::FundTopic { topic_id: topic },
                    &fee_vault::ReceiveMsg::FundTopic { topic_id: topic },
                )?;
                Ok((
                    "fund topic".to_string(),
                    Tx::new(&self.addr(payer)?, vec![m]),
                ))
            });
            match built {
                Ok(t) => {
                    prepared.push(None);
                    txs.push(t);
                }
                Err(e) => prepared.push(Some(e)),
            }
        }
        for p in payloads {
            let built = self
                .payload_msg(topic, nonce, p)
                .and_then(|(kind, m)| Ok((kind, Tx::new(&self.addr(p.0)?, vec![m]))));
            match built {
                Ok(t) => {
                    prepared.push(None);
                    txs.push(t);
                }
                Err(e) => prepared.push(Some(e)),
            }
        }
        let mut sent = self.send_all(txs).into_iter();
        let mut results: Vec<Result<()>> = prepared
            .into_iter()
            .map(|p| match p {
                Some(e) => Err(e),
                None => sent
                    .next()
                    .unwrap_or_else(|| Err(anyhow!("no result")))
                    .map(|_| ()),
            })
            .collect();
        let funded = funding.map(|_| results.remove(0));
        (funded, results)
    }

    /// Every reputer's loss bundle for `nonce`, one transaction each, sent together.
    pub fn submit_losses(
        &mut self,
        topic: u64,
        nonce: u64,
        bundles: Vec<(&'static str, LossBundle)>,
    ) -> Vec<Result<()>> {
        let synthesis = match self.contract(SuiteContract::Synthesis) {
            Ok(s) => s,
            Err(e) => return bundles.iter().map(|_| Err(anyhow!("{e}"))).collect(),
        };
        let mut txs = vec![];
        let mut prepared = vec![];
        for (who, bundle) in bundles {
            let built = Msg::execute(
                &synthesis,
                &syn::ExecuteMsg::SubmitLossBundle {
                    topic_id: topic,
                    nonce,
                    bundle,
                },
                vec![],
            )
            .map_err(anyhow::Error::from)
            .and_then(|m| {
                Ok((
                    "reputer bundle".to_string(),
                    Tx::new(&self.addr(who)?, vec![m]),
                ))
            });
            match built {
                Ok(t) => {
                    prepared.push(None);
                    txs.push(t);
                }
                Err(e) => prepared.push(Some(e)),
            }
        }
        let mut sent = self.send_all(txs).into_iter();
        prepared
            .into_iter()
            .map(|p| match p {
                Some(e) => Err(e),
                None => sent
                    .next()
                    .unwrap_or_else(|| Err(anyhow!("no result")))
                    .map(|_| ()),
            })
            .collect()
    }

    /// The permissionless window crank.
    pub fn close_windows(&mut self, keeper: &str, topic: u64) -> Result<()> {
        let m = Msg::execute(
            &self.contract(SuiteContract::Synthesis)?,
            &syn::ExecuteMsg::CloseWindows {
                topic_id: topic,
                limit: None,
            },
            vec![],
        )?;
        let tx = Tx::new(&self.addr(keeper)?, vec![m]);
        let r = self.chain.execute(&tx);
        let kind = r.as_ref().map_or_else(
            |_| "close windows".to_string(),
            |o| {
                let has = |t: &str| o.events.iter().any(|e| e.ty == t);
                match (
                    has("wasm-close_worker_window"),
                    has("wasm-close_reputer_window"),
                ) {
                    (true, false) => "close of a worker window".to_string(),
                    (false, true) => "close of a reputer window".to_string(),
                    (true, true) => "close of a worker and a reputer window".to_string(),
                    (false, false) => "close windows (nothing due)".to_string(),
                }
            },
        );
        self.record(kind, false, &r);
        r.map(|_| ()).map_err(Into::into)
    }

    pub fn network_inference(&self, topic: u64, nonce: u64) -> Option<NetworkInference> {
        self.query::<syn::NetworkInferenceResponse, _>(
            SuiteContract::Synthesis,
            &syn::QueryMsg::NetworkInference {
                topic_id: topic,
                nonce,
            },
        )
        .ok()
        .map(|r| r.inference)
    }

    pub fn network_losses(&self, topic: u64, nonce: u64) -> Option<NetworkLossesResponse> {
        self.query(
            SuiteContract::Synthesis,
            &syn::QueryMsg::NetworkLosses {
                topic_id: topic,
                nonce,
            },
        )
        .ok()
    }

    pub fn epoch_scores(&self, topic: u64, nonce: u64) -> Option<syn::EpochScores> {
        self.query(
            SuiteContract::Synthesis,
            &syn::QueryMsg::Scores {
                topic_id: topic,
                nonce,
            },
        )
        .ok()
    }

    // ---- example consumer -----------------------------------------------------------------

    /// The dApp's user instantiates the example consumer guarding `topics` (after they
    /// exist), from the code the deploy plan stored.
    pub fn deploy_consumer(&mut self, topics: &[u64], max_age: u64) -> Result<()> {
        if topics.is_empty() {
            return Ok(());
        }
        let code_id = self
            .deployment
            .code_id(SuiteContract::ExampleConsumer)
            .context("the example consumer's code is not stored")?;
        let guards = topics
            .iter()
            .map(|t| ::example_consumer::msg::Guard {
                topic_id: *t,
                threshold: SignedDecimal::zero(),
            })
            .collect();
        let msg = cosmwasm_std::to_json_binary(&::example_consumer::msg::InstantiateMsg {
            fee_vault: self.contract(SuiteContract::FeeVault)?.to_string(),
            synthesis: self.contract(SuiteContract::Synthesis)?.to_string(),
            guards,
            max_age,
            history_limit: None,
        })?;
        let dapp = self.addr("dapp-user")?;
        let r = self.chain.instantiate(
            &dapp,
            &nous_chain::Instantiate {
                code_id,
                msg,
                funds: vec![],
                label: "example-consumer".into(),
                admin: None,
            },
        );
        let outcome = r.as_ref().map(|(_, o)| o.clone()).map_err(Clone::clone);
        self.record("instantiate example consumer".into(), false, &outcome);
        self.consumer = Some(r?.0);
        Ok(())
    }

    // ---- balances and books ---------------------------------------------------------------

    fn balance_of(&self, a: &Addr) -> Result<u128> {
        Ok(match self.denom() {
            Denom::Native(d) => self.chain.balance(a, d)?,
            Denom::Cw20(token) => {
                let r: cw20::BalanceResponse = self.chain.query(
                    token,
                    &cw20::Cw20QueryMsg::Balance {
                        address: a.to_string(),
                    },
                )?;
                r.balance.u128()
            }
        })
    }

    pub fn balance(&self, who: &str) -> Result<u128> {
        self.balance_of(&self.addr(who)?)
    }

    /// The suite token held by every account, the suite's contracts, the chain-security
    /// recipient and the example consumer.
    fn holdings(&self) -> Result<Vec<(String, u128)>> {
        let mut out = vec![];
        for (name, a) in &self.accounts {
            out.push((name.to_string(), self.balance_of(a)?));
        }
        for c in &self.deployment.contracts {
            out.push((c.0.name().to_string(), self.balance_of(&c.1.address)?));
        }
        let security = Addr::unchecked(&self.deployment.config.chain_security_recipient);
        if !self.accounts.values().any(|a| *a == security) {
            out.push(("chain security".into(), self.balance_of(&security)?));
        }
        if let Some(c) = &self.consumer {
            out.push(("example-consumer".into(), self.balance_of(c)?));
        }
        Ok(out)
    }

    /// Checks every contract's books and that no token was created or lost (the gas fees
    /// the accounts paid counted); returns a one-line summary.
    pub fn conservation(&self) -> Result<String> {
        let bal = |c: SuiteContract| -> Result<u128> { self.balance_of(&self.contract(c)?) };
        let registry = bal(SuiteContract::TopicRegistry)?;
        anyhow::ensure!(registry == 0, "registry holds {registry}");
        let vault = bal(SuiteContract::FeeVault)?;
        let treasury = self.treasury()?;
        anyhow::ensure!(
            vault == treasury,
            "vault balance {vault} != treasury {treasury}"
        );
        let totals: staking::TotalsResponse =
            self.query(SuiteContract::Staking, &staking::QueryMsg::Totals {})?;
        let staking = bal(SuiteContract::Staking)?;
        let owed = totals.total_staked.u128() + totals.reward_funds.u128();
        anyhow::ensure!(
            staking == owed,
            "staking balance {staking} != stake + reward funds {owed}"
        );
        let rd_totals = self.reward_totals()?;
        let rewards = bal(SuiteContract::RewardDistribution)?;
        let rd_owed = rd_totals.claimable.u128() + rd_totals.dust.u128() + rd_totals.parked.u128();
        anyhow::ensure!(
            rewards == rd_owed,
            "reward-distribution balance {rewards} != claimable + dust + parked {rd_owed}"
        );
        let synthesis = bal(SuiteContract::Synthesis)?;
        anyhow::ensure!(synthesis == 0, "synthesis holds {synthesis}");
        let consumer = self
            .consumer
            .as_ref()
            .map(|c| self.balance_of(c))
            .transpose()?
            .unwrap_or(0);
        let security = self.balance_of(&Addr::unchecked(
            &self.deployment.config.chain_security_recipient,
        ))?;
        let mut accounts = 0u128;
        for a in self.accounts.values() {
            accounts += self.balance_of(a)?;
        }
        let total =
            accounts + registry + vault + staking + rewards + synthesis + consumer + security;
        anyhow::ensure!(
            total + self.fees_paid == self.initial_supply,
            "supply {total} + gas fees {} != {} at the start",
            self.fees_paid,
            self.initial_supply
        );
        let fees = if self.fees_paid > 0 {
            format!(" + gas fees {}", self.fees_paid)
        } else {
            String::new()
        };
        Ok(format!(
            "ok: supply {} = accounts {} + treasury {} + staking {} + reward-distribution {} (claimable {} + dust {}) + chain security {} + consumer {}{fees}",
            self.initial_supply, accounts, vault, staking, rewards, rd_totals.claimable, rd_totals.dust, security, consumer
        ))
    }
}
