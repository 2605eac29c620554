//! [`Nous`]: a deployed suite's addresses and one typed method per user action or query,
//! each taking the `App` it lives in and the acting address, so that a test reads like a
//! story and never builds JSON by hand.
mod consumer;
mod rewards;
mod staking;
mod synthesis;

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, StdResult};
use cw20::Denom;
use cw_multi_test::AppResponse;
use nous_chain::Deployment;
use nous_types::fee_vault as vault_msg;
use nous_types::topic_registry as registry_msg;
use nous_types::topic_registry::{GlobalParams, Role, TopicParams};
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
