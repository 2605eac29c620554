//! The simulator's view of the chain: the [`Chain`] trait lists what the driver does, and
//! [`SuiteChain`] does it on the real contracts deployed on cw-multi-test (nous-tests'
//! `Suite` for topic-registry, fee-vault and staking; synthesis, reward-distribution and
//! the example consumer are added here). Numbers cross into the contracts as decimal
//! strings (`SignedDecimal`), never as floats.

use std::str::FromStr;

use anyhow::{anyhow, Result};
use cosmwasm_std::{coins, Addr, Decimal, SignedDecimal};
use cw_multi_test::Executor;
use nous_tests::{Suite, SuiteBuilder, DENOM};
use nous_types::reward_distribution::{self as rd, EpochReward};
use nous_types::synthesis::{
    self as syn, ForecastElement, LossBundle, NetworkInference, NetworkLossesResponse,
};
use nous_types::topic_registry::{self as reg, Role, TopicParams};

/// The actions and reads the driver needs.
pub trait Chain {
    fn height(&self) -> u64;
    fn advance_to(&mut self, height: u64);
    fn create_topic(&mut self, creator: &str, params: TopicParams) -> Result<(u64, u64)>;
    /// Registers and returns the per-topic actor index.
    fn register(&mut self, who: &str, topic: u64, role: Role) -> Result<u32>;
    fn add_stake(&mut self, reputer: &str, topic: u64, amount: u128) -> Result<()>;
    fn delegate(&mut self, delegator: &str, topic: u64, reputer: &str, amount: u128) -> Result<()>;
    fn fund_treasury(&mut self, payer: &str, amount: u128) -> Result<()>;
    fn fund_topic(&mut self, payer: &str, topic: u64, amount: u128) -> Result<()>;
    fn activate_topic(&mut self, keeper: &str, topic: u64) -> Result<()>;
    /// A dApp pays for and uses the latest inference; returns the fee paid.
    fn paid_read(&mut self, dapp: &str, topic: u64) -> Result<u128>;
    fn submit_worker(
        &mut self,
        worker: &str,
        topic: u64,
        nonce: u64,
        inference: Option<f64>,
        forecast: &[(u32, f64)],
    ) -> Result<()>;
    fn network_inference(&self, topic: u64, nonce: u64) -> Option<NetworkInference>;
    fn network_losses(&self, topic: u64, nonce: u64) -> Option<NetworkLossesResponse>;
    fn submit_losses(
        &mut self,
        reputer: &str,
        topic: u64,
        nonce: u64,
        bundle: LossBundle,
    ) -> Result<()>;
    fn close_windows(&mut self, keeper: &str, topic: u64) -> Result<()>;
    fn settle(&mut self, keeper: &str, topic: u64) -> Result<()>;
    fn epoch_scores(&self, topic: u64, nonce: u64) -> Option<syn::EpochScores>;
    fn epoch_reward(&self, topic: u64, epoch: u64) -> Option<EpochReward>;
    fn claimable(&self, who: &str) -> u128;
    /// Claims what `who` may claim; returns the amount.
    fn claim(&mut self, who: &str) -> Result<u128>;
    fn claim_delegator(&mut self, delegator: &str, topic: u64, reputer: &str) -> Result<u128>;
    fn balance(&self, who: &str) -> u128;
    fn treasury(&self) -> u128;
    /// Checks every contract's books and the total supply; returns a one-line summary.
    fn conservation(&self) -> Result<String>;
}

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

pub struct SuiteChain {
    pub suite: Suite,
    pub synthesis: Addr,
    pub rewards: Addr,
    pub consumer: Option<Addr>,
    pub security: Addr,
}

/// Deployment settings taken from the scenario.
pub struct Deploy<'a> {
    pub accounts: Vec<&'static str>,
    pub blocks_per_month: u64,
    pub emission_rate: &'a str,
    pub max_monthly_percentage_yield: &'a str,
    /// Base units.
    pub read_fee: u128,
}

impl SuiteChain {
    pub fn deploy(d: &Deploy) -> Result<Self> {
        let bpm = d.blocks_per_month;
        let suite = SuiteBuilder::new()
            .with_accounts(&d.accounts)
            .with_initial_balance(1_000_000_000 * TOKEN)
            // The suite's defaults (fees of 10 and 1 tokens, a minimum stake of 100 tokens)
            // with the scenario's month.
            .with_decimals(TOKEN_DECIMALS)
            .with_params(|p| p.rewards.blocks_per_month = bpm)
            .with_read_fee(d.read_fee)
            .build();
        let mut chain = SuiteChain {
            synthesis: suite.synthesis.clone(),
            rewards: suite.rewards.clone(),
            security: suite.security.clone(),
            consumer: None,
            suite,
        };
        // The scenario's emission rates (the rest as nous-tests deploys them).
        let mut emission = nous_tests::emission_params(chain.suite.genesis_supply);
        emission.emission_rate = Decimal::from_str(d.emission_rate)?;
        emission.max_monthly_percentage_yield = Decimal::from_str(d.max_monthly_percentage_yield)?;
        let admin = chain.suite.admin.clone();
        let rewards = chain.rewards.clone();
        chain.suite.app.execute_contract(
            admin,
            rewards,
            &rd::ExecuteMsg::UpdateConfig {
                chain_security_recipient: None,
                emission: Some(emission),
                max_epochs_per_call: None,
                max_topics_per_call: None,
            },
            &[],
        )?;
        Ok(chain)
    }

    /// Deploys the example consumer guarding `topics` (after they exist).
    pub fn deploy_consumer(&mut self, topics: &[u64], max_age: u64) -> Result<()> {
        if topics.is_empty() {
            return Ok(());
        }
        let guards = topics
            .iter()
            .map(|t| ::example_consumer::msg::Guard {
                topic_id: *t,
                threshold: SignedDecimal::zero(),
            })
            .collect();
        self.consumer = Some(self.suite.deploy_example_consumer(guards, max_age)?);
        Ok(())
    }

    fn exec<M: serde::Serialize + std::fmt::Debug>(
        &mut self,
        who: &str,
        contract: &Addr,
        msg: &M,
        funds: u128,
    ) -> Result<cw_multi_test::AppResponse> {
        let sender = self.suite.addr(who);
        let f = if funds == 0 {
            vec![]
        } else {
            coins(funds, DENOM)
        };
        self.suite
            .app
            .execute_contract(sender, contract.clone(), msg, &f)
    }

    fn query<T: serde::de::DeserializeOwned, M: serde::Serialize>(
        &self,
        contract: &Addr,
        msg: &M,
    ) -> Result<T> {
        Ok(self.suite.app.wrap().query_wasm_smart(contract, msg)?)
    }

    fn addr_balance(&self, a: &Addr) -> u128 {
        self.suite.balance(a)
    }
}

impl Chain for SuiteChain {
    fn height(&self) -> u64 {
        self.suite.height()
    }

    fn advance_to(&mut self, height: u64) {
        let h = self.suite.height();
        if height > h {
            self.suite.advance_blocks(height - h);
        }
    }

    fn create_topic(&mut self, creator: &str, params: TopicParams) -> Result<(u64, u64)> {
        let id = self.suite.create_topic(creator, params)?;
        let t: reg::Topic =
            self.query(&self.suite.registry, &reg::QueryMsg::Topic { topic_id: id })?;
        Ok((id, t.start_height))
    }

    fn register(&mut self, who: &str, topic: u64, role: Role) -> Result<u32> {
        self.suite.register(who, topic, role)?;
        let r: reg::RegistrationResponse = self.query(
            &self.suite.registry,
            &reg::QueryMsg::Registration {
                topic_id: topic,
                role,
                operator: self.suite.addr(who).to_string(),
            },
        )?;
        r.registration
            .map(|r| r.actor_index)
            .ok_or_else(|| anyhow!("{who} not registered"))
    }

    fn add_stake(&mut self, reputer: &str, topic: u64, amount: u128) -> Result<()> {
        self.suite.add_stake(reputer, topic, amount).map(|_| ())
    }

    fn delegate(&mut self, delegator: &str, topic: u64, reputer: &str, amount: u128) -> Result<()> {
        self.suite
            .delegate(delegator, topic, reputer, amount)
            .map(|_| ())
    }

    fn fund_treasury(&mut self, payer: &str, amount: u128) -> Result<()> {
        self.suite.fund_treasury(payer, amount).map(|_| ())
    }

    fn fund_topic(&mut self, payer: &str, topic: u64, amount: u128) -> Result<()> {
        self.suite.fund_topic(payer, topic, amount).map(|_| ())
    }

    fn activate_topic(&mut self, keeper: &str, topic: u64) -> Result<()> {
        let rewards = self.rewards.clone();
        self.exec(
            keeper,
            &rewards,
            &rd::ExecuteMsg::ActivateTopic { topic_id: topic },
            0,
        )
        .map(|_| ())
    }

    fn paid_read(&mut self, dapp: &str, topic: u64) -> Result<u128> {
        let fee: nous_types::fee_vault::ReadFeeResponse = self.query(
            &self.suite.vault,
            &nous_types::fee_vault::QueryMsg::ReadFee { topic_id: topic },
        )?;
        let fee = fee.amount.u128();
        match self.consumer.clone() {
            Some(c) => self.suite.use_latest_inference(dapp, &c, topic, None)?,
            None => self.suite.pay_for_read(dapp, topic)?,
        };
        Ok(fee)
    }

    fn submit_worker(
        &mut self,
        worker: &str,
        topic: u64,
        nonce: u64,
        inference: Option<f64>,
        forecast: &[(u32, f64)],
    ) -> Result<()> {
        let forecast = if forecast.is_empty() {
            None
        } else {
            Some(
                forecast
                    .iter()
                    .map(|(j, v)| ForecastElement {
                        inferer: *j,
                        value: dec(*v),
                    })
                    .collect(),
            )
        };
        let s = self.synthesis.clone();
        self.exec(
            worker,
            &s,
            &syn::ExecuteMsg::SubmitWorkerPayload {
                topic_id: topic,
                nonce,
                inference: inference.map(dec),
                forecast,
            },
            0,
        )
        .map(|_| ())
    }

    fn network_inference(&self, topic: u64, nonce: u64) -> Option<NetworkInference> {
        self.query::<syn::NetworkInferenceResponse, _>(
            &self.synthesis,
            &syn::QueryMsg::NetworkInference {
                topic_id: topic,
                nonce,
            },
        )
        .ok()
        .map(|r| r.inference)
    }

    fn network_losses(&self, topic: u64, nonce: u64) -> Option<NetworkLossesResponse> {
        self.query(
            &self.synthesis,
            &syn::QueryMsg::NetworkLosses {
                topic_id: topic,
                nonce,
            },
        )
        .ok()
    }

    fn submit_losses(
        &mut self,
        reputer: &str,
        topic: u64,
        nonce: u64,
        bundle: LossBundle,
    ) -> Result<()> {
        let s = self.synthesis.clone();
        self.exec(
            reputer,
            &s,
            &syn::ExecuteMsg::SubmitLossBundle {
                topic_id: topic,
                nonce,
                bundle,
            },
            0,
        )
        .map(|_| ())
    }

    fn close_windows(&mut self, keeper: &str, topic: u64) -> Result<()> {
        let s = self.synthesis.clone();
        self.exec(
            keeper,
            &s,
            &syn::ExecuteMsg::CloseWindows {
                topic_id: topic,
                limit: None,
            },
            0,
        )
        .map(|_| ())
    }

    fn settle(&mut self, keeper: &str, topic: u64) -> Result<()> {
        let r = self.rewards.clone();
        self.exec(
            keeper,
            &r,
            &rd::ExecuteMsg::Settle {
                topic_id: Some(topic),
                limit: None,
            },
            0,
        )
        .map(|_| ())
    }

    fn epoch_scores(&self, topic: u64, nonce: u64) -> Option<syn::EpochScores> {
        self.query(
            &self.synthesis,
            &syn::QueryMsg::Scores {
                topic_id: topic,
                nonce,
            },
        )
        .ok()
    }

    fn epoch_reward(&self, topic: u64, epoch: u64) -> Option<EpochReward> {
        self.query::<rd::EpochRewardResponse, _>(
            &self.rewards,
            &rd::QueryMsg::EpochReward {
                topic_id: topic,
                epoch,
            },
        )
        .ok()
        .and_then(|r| r.reward)
    }

    fn claimable(&self, who: &str) -> u128 {
        self.query::<rd::ClaimableResponse, _>(
            &self.rewards,
            &rd::QueryMsg::Claimable {
                address: self.suite.addr(who).to_string(),
            },
        )
        .map(|r| r.amount.u128())
        .unwrap_or(0)
    }

    fn claim(&mut self, who: &str) -> Result<u128> {
        let amount = self.claimable(who);
        if amount > 0 {
            let r = self.rewards.clone();
            self.exec(who, &r, &rd::ExecuteMsg::Claim {}, 0)?;
        }
        Ok(amount)
    }

    fn claim_delegator(&mut self, delegator: &str, topic: u64, reputer: &str) -> Result<u128> {
        let before = self.balance(delegator);
        let st = self.suite.staking.clone();
        let rep = self.suite.addr(reputer).to_string();
        let res = self.exec(
            delegator,
            &st,
            &nous_types::staking::ExecuteMsg::ClaimDelegatorRewards {
                topic_id: topic,
                reputer: rep,
            },
            0,
        );
        if res.is_err() {
            return Ok(0);
        }
        Ok(self.balance(delegator) - before)
    }

    fn balance(&self, who: &str) -> u128 {
        self.suite.balance(&self.suite.addr(who))
    }

    fn treasury(&self) -> u128 {
        self.suite.treasury()
    }

    fn conservation(&self) -> Result<String> {
        let s = &self.suite;
        let registry = self.addr_balance(&s.registry);
        anyhow::ensure!(registry == 0, "registry holds {registry}");
        let vault = self.addr_balance(&s.vault);
        let treasury = s.treasury();
        anyhow::ensure!(
            vault == treasury,
            "vault balance {vault} != treasury {treasury}"
        );
        let totals = s.staking_totals();
        let staking = self.addr_balance(&s.staking);
        let owed = totals.total_staked.u128() + totals.reward_funds.u128();
        anyhow::ensure!(
            staking == owed,
            "staking balance {staking} != stake + reward funds {owed}"
        );
        let rd_totals: rd::Totals = self.query(&self.rewards, &rd::QueryMsg::Totals {})?;
        let rewards = self.addr_balance(&self.rewards);
        let rd_owed = rd_totals.claimable.u128() + rd_totals.dust.u128();
        anyhow::ensure!(
            rewards == rd_owed,
            "reward-distribution balance {rewards} != claimable + dust {rd_owed}"
        );
        let synthesis = self.addr_balance(&self.synthesis);
        anyhow::ensure!(synthesis == 0, "synthesis holds {synthesis}");
        let consumer = self
            .consumer
            .as_ref()
            .map(|c| self.addr_balance(c))
            .unwrap_or(0);
        let security = self.addr_balance(&self.security);
        let accounts: u128 = s.accounts.iter().map(|(_, a)| self.addr_balance(a)).sum();
        let total =
            accounts + registry + vault + staking + rewards + synthesis + consumer + security;
        anyhow::ensure!(
            total == s.genesis_supply,
            "supply {total} != genesis {}",
            s.genesis_supply
        );
        Ok(format!(
            "ok: supply {} = accounts {} + treasury {} + staking {} + reward-distribution {} (claimable {} + dust {}) + chain security {} + consumer {}",
            s.genesis_supply, accounts, vault, staking, rewards, rd_totals.claimable, rd_totals.dust, security, consumer
        ))
    }
}
