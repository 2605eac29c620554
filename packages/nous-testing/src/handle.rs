//! [`Nous`]: a deployed suite's addresses and one typed method per user action or query,
//! each taking the `App` it lives in and the acting address, so that a test reads like a
//! story and never builds JSON by hand.

use std::collections::BTreeMap;

use cosmwasm_std::{to_json_binary, Addr, SignedDecimal, StdResult, Uint128};
use cw20::Denom;
use cw_multi_test::AppResponse;
use nous_chain::{Deployment, SuiteContract};
use nous_types::fee_vault as vault_msg;
use nous_types::reward_distribution as reward_msg;
use nous_types::staking as staking_msg;
use nous_types::synthesis as synthesis_msg;
use nous_types::synthesis::{ForecastElement, LatestValue, LossBundle, NetworkInference};
use nous_types::topic_registry as registry_msg;
use nous_types::topic_registry::{GlobalParams, Role, TopicParams};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::app::{AnyResult, SuiteApp};
use crate::canned_topic::CannedTopic;
use crate::events::attr;
use crate::token::TestToken;

/// The deployed suite. Built by [`crate::NousBuilder::deploy`].
pub struct Nous {
    /// Owner and wasm admin of every contract.
    pub admin: Addr,
    pub denom: Denom,
    pub registry: Addr,
    pub vault: Addr,
    pub staking: Addr,
    pub synthesis: Addr,
    pub rewards: Addr,
    /// Receives the chain-security share of every emission.
    pub security: Addr,
    /// The deploy plan's record of this deployment (code ids, addresses, wiring).
    pub deployment: Deployment,
    /// The topics run by canned workers and reputers (`publish_inference`).
    pub(crate) canned: BTreeMap<u64, CannedTopic>,
}

impl Nous {
    /// Every suite contract's address, in the plan's order.
    pub fn contracts(&self) -> [&Addr; 5] {
        [
            &self.registry,
            &self.vault,
            &self.staking,
            &self.synthesis,
            &self.rewards,
        ]
    }

    // ---- the token ----------------------------------------------------------------------

    /// The suite's token.
    pub fn token(&self) -> TestToken {
        TestToken(self.denom.clone())
    }

    /// Runs `msg` on `contract` as `sender`, paying `amount` of the suite's token: native
    /// coins attached, or for a cw20 deployment a `Send` carrying `receive_msg`.
    pub fn pay<A: SuiteApp, E: Serialize, R: Serialize>(
        &self,
        app: &mut A,
        sender: &Addr,
        contract: &Addr,
        amount: u128,
        msg: &E,
        receive_msg: &R,
    ) -> AnyResult<AppResponse> {
        self.token()
            .pay(app, sender, contract, amount, msg, receive_msg)
    }

    /// Creates `amount` of the suite's token in `to`'s account: a bank mint, or the cw20's
    /// `Mint` by the admin (a cw20 deployed by nous-testing, whose minter is the admin).
    pub fn fund<A: SuiteApp>(&self, app: &mut A, to: &Addr, amount: u128) -> AnyResult<()> {
        self.token().mint(app, &self.admin, to, amount)
    }

    /// `who`'s balance of the suite's token.
    pub fn balance<A: SuiteApp>(&self, app: &A, who: &Addr) -> StdResult<u128> {
        self.token().balance(app, who)
    }

    // ---- topic-registry -------------------------------------------------------------

    pub fn params<A: SuiteApp>(&self, app: &A) -> StdResult<GlobalParams> {
        app.query(&self.registry, &registry_msg::QueryMsg::Params {})
    }

    pub fn topic<A: SuiteApp>(&self, app: &A, topic_id: u64) -> StdResult<registry_msg::Topic> {
        app.query(&self.registry, &registry_msg::QueryMsg::Topic { topic_id })
    }

    /// Creates a topic paying the creation fee; returns its id.
    pub fn create_topic<A: SuiteApp>(
        &self,
        app: &mut A,
        creator: &Addr,
        params: TopicParams,
    ) -> AnyResult<u64> {
        let fee = self.params(app)?.registry.create_topic_fee.u128();
        let res = self.pay(
            app,
            creator,
            &self.registry,
            fee,
            &registry_msg::ExecuteMsg::CreateTopic {
                params: params.clone(),
            },
            &registry_msg::ReceiveMsg::CreateTopic { params },
        )?;
        attr(&res, "topic_id")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("no topic_id attribute"))
    }

    /// Registers `operator` (as its own owner) in `topic_id`, paying the registration fee.
    pub fn register<A: SuiteApp>(
        &self,
        app: &mut A,
        operator: &Addr,
        topic_id: u64,
        role: Role,
    ) -> AnyResult<AppResponse> {
        let fee = self.params(app)?.registry.registration_fee.u128();
        self.pay(
            app,
            operator,
            &self.registry,
            fee,
            &registry_msg::ExecuteMsg::Register {
                topic_id,
                role,
                owner: None,
            },
            &registry_msg::ReceiveMsg::Register {
                topic_id,
                role,
                owner: None,
            },
        )
    }

    pub fn unregister<A: SuiteApp>(
        &self,
        app: &mut A,
        operator: &Addr,
        topic_id: u64,
        role: Role,
    ) -> AnyResult<AppResponse> {
        app.execute(
            operator,
            &self.registry,
            &registry_msg::ExecuteMsg::Unregister {
                topic_id,
                role,
                operator: operator.to_string(),
            },
            vec![],
        )
    }

    /// The epoch of `topic_id` at the current height (the registry's clock).
    pub fn current_epoch<A: SuiteApp>(&self, app: &A, topic_id: u64) -> StdResult<u64> {
        let topic = self.topic(app, topic_id)?;
        Ok(topic.clock().epoch_at(app.block().height).unwrap_or(0))
    }

    /// The actor index the registry assigned to `address` in `topic_id` (`None`: never
    /// registered there).
    pub fn actor_index<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
        address: &Addr,
    ) -> StdResult<Option<u32>> {
        let r: registry_msg::ActorIndexResponse = app.query(
            &self.registry,
            &registry_msg::QueryMsg::ActorIndex {
                topic_id,
                address: address.to_string(),
            },
        )?;
        Ok(r.actor_index)
    }

    // ---- fee-vault ----------------------------------------------------------------------

    pub fn fund_topic<A: SuiteApp>(
        &self,
        app: &mut A,
        payer: &Addr,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.pay(
            app,
            payer,
            &self.vault,
            amount,
            &vault_msg::ExecuteMsg::FundTopic { topic_id },
            &vault_msg::ReceiveMsg::FundTopic { topic_id },
        )
    }

    pub fn read_fee<A: SuiteApp>(&self, app: &A, topic_id: u64) -> StdResult<u128> {
        let r: vault_msg::ReadFeeResponse =
            app.query(&self.vault, &vault_msg::QueryMsg::ReadFee { topic_id })?;
        Ok(r.amount.u128())
    }

    /// `dapp` pays exactly the read fee of `topic_id` to the vault.
    pub fn pay_for_read<A: SuiteApp>(
        &self,
        app: &mut A,
        dapp: &Addr,
        topic_id: u64,
    ) -> AnyResult<AppResponse> {
        let fee = self.read_fee(app, topic_id)?;
        self.pay(
            app,
            dapp,
            &self.vault,
            fee,
            &vault_msg::ExecuteMsg::PayForRead { topic_id },
            &vault_msg::ReceiveMsg::PayForRead { topic_id },
        )
    }

    pub fn fund_treasury<A: SuiteApp>(
        &self,
        app: &mut A,
        payer: &Addr,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.pay(
            app,
            payer,
            &self.vault,
            amount,
            &vault_msg::ExecuteMsg::FundTreasury {},
            &vault_msg::ReceiveMsg::FundTreasury {},
        )
    }

    pub fn treasury<A: SuiteApp>(&self, app: &A) -> StdResult<u128> {
        let r: vault_msg::TreasuryResponse =
            app.query(&self.vault, &vault_msg::QueryMsg::Treasury {})?;
        Ok(r.balance.u128())
    }

    pub fn topic_revenue<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
        epoch: Option<u64>,
    ) -> StdResult<u128> {
        let r: vault_msg::TopicRevenueResponse = app.query(
            &self.vault,
            &vault_msg::QueryMsg::TopicRevenue { topic_id, epoch },
        )?;
        Ok(r.revenue.u128())
    }

    // ---- staking ------------------------------------------------------------------------

    pub fn add_stake<A: SuiteApp>(
        &self,
        app: &mut A,
        reputer: &Addr,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.pay(
            app,
            reputer,
            &self.staking,
            amount,
            &staking_msg::ExecuteMsg::AddStake { topic_id },
            &staking_msg::ReceiveMsg::AddStake { topic_id },
        )
    }

    pub fn delegate<A: SuiteApp>(
        &self,
        app: &mut A,
        delegator: &Addr,
        topic_id: u64,
        reputer: &Addr,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let reputer = reputer.to_string();
        self.pay(
            app,
            delegator,
            &self.staking,
            amount,
            &staking_msg::ExecuteMsg::Delegate {
                topic_id,
                reputer: reputer.clone(),
            },
            &staking_msg::ReceiveMsg::Delegate { topic_id, reputer },
        )
    }

    pub fn remove_stake<A: SuiteApp>(
        &self,
        app: &mut A,
        reputer: &Addr,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        app.execute(
            reputer,
            &self.staking,
            &staking_msg::ExecuteMsg::RemoveStake {
                topic_id,
                amount: Uint128::new(amount),
            },
            vec![],
        )
    }

    pub fn undelegate<A: SuiteApp>(
        &self,
        app: &mut A,
        delegator: &Addr,
        topic_id: u64,
        reputer: &Addr,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        app.execute(
            delegator,
            &self.staking,
            &staking_msg::ExecuteMsg::Undelegate {
                topic_id,
                reputer: reputer.to_string(),
                amount: Uint128::new(amount),
            },
            vec![],
        )
    }

    pub fn process_removals<A: SuiteApp>(
        &self,
        app: &mut A,
        keeper: &Addr,
        limit: Option<u32>,
    ) -> AnyResult<AppResponse> {
        app.execute(
            keeper,
            &self.staking,
            &staking_msg::ExecuteMsg::ProcessRemovals { limit },
            vec![],
        )
    }

    pub fn topic_stake<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
        height: Option<u64>,
    ) -> StdResult<u128> {
        let r: staking_msg::TopicStakeResponse = app.query(
            &self.staking,
            &staking_msg::QueryMsg::TopicStake { topic_id, height },
        )?;
        Ok(r.total.u128())
    }

    pub fn staking_totals<A: SuiteApp>(&self, app: &A) -> StdResult<staking_msg::TotalsResponse> {
        app.query(&self.staking, &staking_msg::QueryMsg::Totals {})
    }

    // ---- synthesis ----------------------------------------------------------------------

    /// A worker's payload for `nonce`: an inference and/or forecast elements.
    pub fn submit_payload<A: SuiteApp>(
        &self,
        app: &mut A,
        worker: &Addr,
        topic_id: u64,
        nonce: u64,
        inference: Option<SignedDecimal>,
        forecast: Option<Vec<ForecastElement>>,
    ) -> AnyResult<AppResponse> {
        app.execute(
            worker,
            &self.synthesis,
            &synthesis_msg::ExecuteMsg::SubmitWorkerPayload {
                topic_id,
                nonce,
                inference,
                forecast,
            },
            vec![],
        )
    }

    pub fn submit_losses<A: SuiteApp>(
        &self,
        app: &mut A,
        reputer: &Addr,
        topic_id: u64,
        nonce: u64,
        bundle: LossBundle,
    ) -> AnyResult<AppResponse> {
        app.execute(
            reputer,
            &self.synthesis,
            &synthesis_msg::ExecuteMsg::SubmitLossBundle {
                topic_id,
                nonce,
                bundle,
            },
            vec![],
        )
    }

    /// The permissionless window crank of synthesis.
    pub fn close_windows<A: SuiteApp>(
        &self,
        app: &mut A,
        keeper: &Addr,
        topic_id: u64,
        limit: Option<u32>,
    ) -> AnyResult<AppResponse> {
        app.execute(
            keeper,
            &self.synthesis,
            &synthesis_msg::ExecuteMsg::CloseWindows { topic_id, limit },
            vec![],
        )
    }

    pub fn network_inference<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
        nonce: u64,
    ) -> StdResult<NetworkInference> {
        let r: synthesis_msg::NetworkInferenceResponse = app.query(
            &self.synthesis,
            &synthesis_msg::QueryMsg::NetworkInference { topic_id, nonce },
        )?;
        Ok(r.inference)
    }

    /// The consumers' compact read of a topic's newest network inference.
    pub fn latest_value<A: SuiteApp>(&self, app: &A, topic_id: u64) -> StdResult<LatestValue> {
        app.query(
            &self.synthesis,
            &synthesis_msg::QueryMsg::LatestValue { topic_id },
        )
    }

    pub fn network_losses<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
        nonce: u64,
    ) -> StdResult<synthesis_msg::NetworkLossesResponse> {
        app.query(
            &self.synthesis,
            &synthesis_msg::QueryMsg::NetworkLosses { topic_id, nonce },
        )
    }

    pub fn scores<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
        nonce: u64,
    ) -> StdResult<synthesis_msg::EpochScores> {
        app.query(
            &self.synthesis,
            &synthesis_msg::QueryMsg::Scores { topic_id, nonce },
        )
    }

    /// Any smart query of synthesis.
    pub fn query_synthesis<A: SuiteApp, T: DeserializeOwned>(
        &self,
        app: &A,
        msg: &synthesis_msg::QueryMsg,
    ) -> StdResult<T> {
        app.query(&self.synthesis, msg)
    }

    // ---- reward-distribution --------------------------------------------------------------

    pub fn activate_topic<A: SuiteApp>(
        &self,
        app: &mut A,
        who: &Addr,
        topic_id: u64,
    ) -> AnyResult<AppResponse> {
        app.execute(
            who,
            &self.rewards,
            &reward_msg::ExecuteMsg::ActivateTopic { topic_id },
            vec![],
        )
    }

    /// Settles `topic_id`'s backlog, or cranks over the active topics when `None`.
    pub fn settle<A: SuiteApp>(
        &self,
        app: &mut A,
        keeper: &Addr,
        topic_id: Option<u64>,
        limit: Option<u32>,
    ) -> AnyResult<AppResponse> {
        app.execute(
            keeper,
            &self.rewards,
            &reward_msg::ExecuteMsg::Settle { topic_id, limit },
            vec![],
        )
    }

    pub fn claim<A: SuiteApp>(&self, app: &mut A, who: &Addr) -> AnyResult<AppResponse> {
        app.execute(
            who,
            &self.rewards,
            &reward_msg::ExecuteMsg::Claim {},
            vec![],
        )
    }

    pub fn claimable<A: SuiteApp>(&self, app: &A, who: &Addr) -> StdResult<u128> {
        let r: reward_msg::ClaimableResponse = app.query(
            &self.rewards,
            &reward_msg::QueryMsg::Claimable {
                address: who.to_string(),
            },
        )?;
        Ok(r.amount.u128())
    }

    /// Reward-distribution's status of a topic (its `active` flag gates synthesis).
    pub fn topic_status<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
    ) -> StdResult<reward_msg::TopicStatusResponse> {
        app.query(
            &self.rewards,
            &reward_msg::QueryMsg::TopicStatus { topic_id },
        )
    }

    /// The reward breakdown of one settled epoch (`None` before it is settled).
    pub fn epoch_reward<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
        epoch: u64,
    ) -> StdResult<Option<reward_msg::EpochReward>> {
        let r: reward_msg::EpochRewardResponse = app.query(
            &self.rewards,
            &reward_msg::QueryMsg::EpochReward { topic_id, epoch },
        )?;
        Ok(r.reward)
    }

    pub fn reward_totals<A: SuiteApp>(&self, app: &A) -> StdResult<reward_msg::Totals> {
        app.query(&self.rewards, &reward_msg::QueryMsg::Totals {})
    }

    /// Any smart query of reward-distribution.
    pub fn query_rewards<A: SuiteApp, T: DeserializeOwned>(
        &self,
        app: &A,
        msg: &reward_msg::QueryMsg,
    ) -> StdResult<T> {
        app.query(&self.rewards, msg)
    }

    // ---- example-consumer ---------------------------------------------------------------

    /// Instantiates the example consumer (its code is stored by the deploy plan) reading
    /// this suite's vault and synthesis.
    pub fn deploy_example_consumer<A: SuiteApp>(
        &self,
        app: &mut A,
        guards: Vec<example_consumer::msg::Guard>,
        max_age: u64,
    ) -> AnyResult<Addr> {
        let code = self
            .deployment
            .code_id(SuiteContract::ExampleConsumer)
            .ok_or_else(|| anyhow::anyhow!("the example consumer's code is not stored"))?;
        let msg = example_consumer::msg::InstantiateMsg {
            fee_vault: self.vault.to_string(),
            synthesis: self.synthesis.to_string(),
            guards,
            max_age,
            history_limit: None,
        };
        app.instantiate_raw(
            &self.admin,
            code,
            to_json_binary(&msg)?,
            "example-consumer",
            None,
        )
    }

    /// `payer` has `consumer` pay the read fee of `topic_id` and use its latest inference.
    pub fn use_latest_inference<A: SuiteApp>(
        &self,
        app: &mut A,
        payer: &Addr,
        consumer: &Addr,
        topic_id: u64,
        max_age: Option<u64>,
    ) -> AnyResult<AppResponse> {
        let fee = self.read_fee(app, topic_id)?;
        self.pay(
            app,
            payer,
            consumer,
            fee,
            &example_consumer::msg::ExecuteMsg::UseLatestInference { topic_id, max_age },
            &example_consumer::msg::ReceiveMsg::UseLatestInference { topic_id, max_age },
        )
    }

    // ---- the books ------------------------------------------------------------------------

    /// The suite's accounting invariants, an error naming the first that fails:
    /// - the registry and synthesis hold nothing (every fee is forwarded at once);
    /// - the vault's balance equals its treasury;
    /// - staking's balance equals all stake plus delegator reward funds (owed + dust);
    /// - reward-distribution's balance equals what is claimable plus carried dust plus the
    ///   payouts parked after a refusal.
    pub fn check_books<A: SuiteApp>(&self, app: &A) -> AnyResult<()> {
        let same = |what: &str, held: u128, owed: u128| -> AnyResult<()> {
            anyhow::ensure!(held == owed, "{what}: holds {held}, owes {owed}");
            Ok(())
        };
        same(
            "registry keeps no tokens",
            self.balance(app, &self.registry)?,
            0,
        )?;
        same(
            "synthesis holds no tokens",
            self.balance(app, &self.synthesis)?,
            0,
        )?;
        same(
            "vault balance == treasury",
            self.balance(app, &self.vault)?,
            self.treasury(app)?,
        )?;
        let staking = self.staking_totals(app)?;
        same(
            "staking balance == stake + reward funds",
            self.balance(app, &self.staking)?,
            staking.total_staked.u128() + staking.reward_funds.u128(),
        )?;
        let rewards = self.reward_totals(app)?;
        same(
            "reward-distribution balance == claimable + dust + parked",
            self.balance(app, &self.rewards)?,
            rewards.claimable.u128() + rewards.dust.u128() + rewards.parked.u128(),
        )
    }
}
