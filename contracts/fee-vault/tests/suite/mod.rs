//! A `Suite` around one cw-multi-test `App` holding a fee-vault, plain addresses standing
//! in for the registry and reward-distribution, and, for cw20 deployments, a cw20-base token.
#![allow(dead_code)]

use std::fmt::Debug;

use cosmwasm_std::{coin, to_json_binary, Addr, Coin, Uint128};
use cw20::Cw20ExecuteMsg;
use cw_multi_test::error::AnyResult;
use cw_multi_test::{App, AppResponse, Executor};
use fee_vault::msg::{
    Config, ExecuteMsg, InstantiateMsg, QueryMsg, ReadFeeResponse, ReceiveMsg,
    RevenueCheckpointsResponse, TopicInfo, TopicRevenueResponse, TopicsResponse, TreasuryResponse,
};
use fee_vault::ContractError;
use nous_chain::SuiteContract;
use nous_testing::{contract_error, suite_code, SuiteApp, TestToken};

pub const DENOM: &str = "unous";
pub const OTHER_DENOM: &str = "uatom";
pub const START_BALANCE: u128 = 1_000_000_000;

/// Asserts that `res` failed with exactly `expected` somewhere in its error chain.
pub fn assert_err<T: Debug>(res: AnyResult<T>, expected: ContractError) {
    let err = res.expect_err("the call should have failed");
    assert_eq!(
        find_contract_err(&err),
        Some(&expected),
        "full error: {err:?}"
    );
}

/// The vault's `ContractError` inside a multi-test error (wrapped in context layers).
pub fn find_contract_err(err: &cw_multi_test::error::AnyError) -> Option<&ContractError> {
    contract_error::<ContractError>(err)
}

/// Asserts that a query failed with a message containing `expected`'s text.
pub fn assert_query_err<T: Debug>(res: cosmwasm_std::StdResult<T>, expected: ContractError) {
    let err = res.expect_err("the query should have failed");
    assert!(
        err.to_string().contains(&expected.to_string()),
        "expected `{expected}`, got `{err}`"
    );
}

pub use nous_testing::wasm_attr as attr;

pub struct SuiteBuilder {
    cw20: bool,
    read_fee: u128,
    blocks_per_month: Option<u64>,
    with_distributor: bool,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        SuiteBuilder {
            cw20: false,
            read_fee: 10,
            blocks_per_month: None,
            with_distributor: true,
        }
    }
}

impl SuiteBuilder {
    pub fn cw20(mut self) -> Self {
        self.cw20 = true;
        self
    }

    pub fn read_fee(mut self, fee: u128) -> Self {
        self.read_fee = fee;
        self
    }

    pub fn blocks_per_month(mut self, b: u64) -> Self {
        self.blocks_per_month = Some(b);
        self
    }

    pub fn without_distributor(mut self) -> Self {
        self.with_distributor = false;
        self
    }

    pub fn build(self) -> Suite {
        let mut app = App::default();
        let owner = app.api().addr_make("owner");
        let registry = app.api().addr_make("registry");
        let distributor = app.api().addr_make("distributor");
        let alice = app.api().addr_make("alice");
        let dapp = app.api().addr_make("dapp");
        let users = [&owner, &registry, &distributor, &alice, &dapp];
        app.init_modules(|router, _, storage| {
            for user in users {
                router
                    .bank
                    .init_balance(
                        storage,
                        user,
                        vec![coin(START_BALANCE, DENOM), coin(START_BALANCE, OTHER_DENOM)],
                    )
                    .unwrap();
            }
        });
        let token = if self.cw20 {
            let balances: Vec<(Addr, u128)> = users
                .iter()
                .map(|u| ((*u).clone(), START_BALANCE))
                .collect();
            TestToken::cw20(&mut app, &owner, 6, &balances).unwrap()
        } else {
            TestToken::native(DENOM)
        };
        let denom = token.0.clone();
        let cw20_code = app.store_cw20_code(&owner);
        let vault_code = app.store_code(suite_code(SuiteContract::FeeVault));
        let vault = app
            .instantiate_contract(
                vault_code,
                owner.clone(),
                &InstantiateMsg {
                    owner: Some(owner.to_string()),
                    denom,
                    registry: registry.to_string(),
                    reward_distributor: self.with_distributor.then(|| distributor.to_string()),
                    read_fee: Uint128::new(self.read_fee),
                    blocks_per_month: self.blocks_per_month,
                },
                &[],
                "fee-vault",
                Some(owner.to_string()),
            )
            .unwrap();
        Suite {
            app,
            vault,
            vault_code,
            cw20_code,
            token: token.cw20_addr().cloned(),
            test_token: token,
            owner,
            registry,
            distributor,
            alice,
            dapp,
        }
    }
}

pub struct Suite {
    pub app: App,
    pub vault: Addr,
    pub vault_code: u64,
    pub cw20_code: u64,
    pub token: Option<Addr>,
    /// The same token as nous-testing's `TestToken` (payments and balances go through it).
    pub test_token: TestToken,
    pub owner: Addr,
    pub registry: Addr,
    pub distributor: Addr,
    pub alice: Addr,
    pub dapp: Addr,
}

impl Suite {
    pub fn height(&self) -> u64 {
        self.app.block_info().height
    }

    pub fn advance_to(&mut self, height: u64) {
        let now = self.height();
        assert!(height >= now, "cannot go back in time");
        self.app.update_block(|b| {
            b.time = b.time.plus_seconds(5 * (height - now));
            b.height = height;
        });
    }

    pub fn advance_blocks(&mut self, blocks: u64) {
        let h = self.height() + blocks;
        self.advance_to(h);
    }

    pub fn execute(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> AnyResult<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.vault.clone(), msg, funds)
    }

    /// Pays `amount` of the suite's token with `exec` (native) or `hook` (cw20 Send).
    /// Zero calls `exec` with no funds, as `nous_types::funds::pay_contract_msg` does.
    pub fn pay(
        &mut self,
        sender: &Addr,
        amount: u128,
        exec: ExecuteMsg,
        hook: ReceiveMsg,
    ) -> AnyResult<AppResponse> {
        if amount == 0 {
            return self.execute(sender, &exec, &[]);
        }
        let vault = self.vault.clone();
        self.test_token
            .pay(&mut self.app, sender, &vault, amount, &exec, &hook)
    }

    pub fn cw20_send(
        &mut self,
        sender: &Addr,
        token: &Addr,
        amount: u128,
        hook: &ReceiveMsg,
    ) -> AnyResult<AppResponse> {
        self.app.execute_contract(
            sender.clone(),
            token.clone(),
            &Cw20ExecuteMsg::Send {
                contract: self.vault.to_string(),
                amount: Uint128::new(amount),
                msg: to_json_binary(hook).unwrap(),
            },
            &[],
        )
    }

    pub fn register(
        &mut self,
        sender: &Addr,
        topic_id: u64,
        epoch_length: u64,
        start_height: u64,
        fee: u128,
    ) -> AnyResult<AppResponse> {
        self.pay(
            sender,
            fee,
            ExecuteMsg::RegisterTopic {
                topic_id,
                epoch_length,
                start_height,
            },
            ReceiveMsg::RegisterTopic {
                topic_id,
                epoch_length,
                start_height,
            },
        )
    }

    pub fn fund_topic(
        &mut self,
        sender: &Addr,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.pay(
            sender,
            amount,
            ExecuteMsg::FundTopic { topic_id },
            ReceiveMsg::FundTopic { topic_id },
        )
    }

    pub fn pay_for_read(
        &mut self,
        sender: &Addr,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.pay(
            sender,
            amount,
            ExecuteMsg::PayForRead { topic_id },
            ReceiveMsg::PayForRead { topic_id },
        )
    }

    pub fn fund_treasury(&mut self, sender: &Addr, amount: u128) -> AnyResult<AppResponse> {
        self.pay(
            sender,
            amount,
            ExecuteMsg::FundTreasury {},
            ReceiveMsg::FundTreasury {},
        )
    }

    pub fn draw(&mut self, sender: &Addr, amount: u128) -> AnyResult<AppResponse> {
        self.execute(
            sender,
            &ExecuteMsg::DrawEmission {
                amount: Uint128::new(amount),
            },
            &[],
        )
    }

    pub fn sync(&mut self, sender: &Addr) -> AnyResult<AppResponse> {
        self.execute(sender, &ExecuteMsg::SyncTreasury {}, &[])
    }

    pub fn update_config(
        &mut self,
        sender: &Addr,
        registry: Option<&Addr>,
        reward_distributor: Option<&Addr>,
        read_fee: Option<u128>,
    ) -> AnyResult<AppResponse> {
        self.execute(
            sender,
            &ExecuteMsg::UpdateConfig {
                registry: registry.map(|a| a.to_string()),
                reward_distributor: reward_distributor.map(|a| a.to_string()),
                read_fee: read_fee.map(Uint128::new),
            },
            &[],
        )
    }

    // ---- queries ----

    pub fn query<T: serde::de::DeserializeOwned>(
        &self,
        msg: &QueryMsg,
    ) -> cosmwasm_std::StdResult<T> {
        self.app.wrap().query_wasm_smart(&self.vault, msg)
    }

    pub fn treasury(&self) -> u128 {
        let r: TreasuryResponse = self.query(&QueryMsg::Treasury {}).unwrap();
        r.balance.u128()
    }

    pub fn try_revenue(
        &self,
        topic_id: u64,
        epoch: Option<u64>,
    ) -> cosmwasm_std::StdResult<TopicRevenueResponse> {
        self.query(&QueryMsg::TopicRevenue { topic_id, epoch })
    }

    pub fn revenue(&self, topic_id: u64, epoch: Option<u64>) -> u128 {
        self.try_revenue(topic_id, epoch).unwrap().revenue.u128()
    }

    pub fn config(&self) -> Config {
        self.query(&QueryMsg::Config {}).unwrap()
    }

    pub fn topic(&self, topic_id: u64) -> cosmwasm_std::StdResult<TopicInfo> {
        self.query(&QueryMsg::Topic { topic_id })
    }

    pub fn topics(&self, start_after: Option<u64>, limit: Option<u32>) -> Vec<TopicInfo> {
        let r: TopicsResponse = self
            .query(&QueryMsg::Topics { start_after, limit })
            .unwrap();
        r.topics
    }

    pub fn read_fee(&self, topic_id: u64) -> cosmwasm_std::StdResult<ReadFeeResponse> {
        self.query(&QueryMsg::ReadFee { topic_id })
    }

    pub fn checkpoints(
        &self,
        topic_id: u64,
        start_after: Option<u64>,
        limit: Option<u32>,
    ) -> Vec<(u64, u128)> {
        let r: RevenueCheckpointsResponse = self
            .query(&QueryMsg::RevenueCheckpoints {
                topic_id,
                start_after,
                limit,
            })
            .unwrap();
        r.checkpoints
            .into_iter()
            .map(|c| (c.epoch, c.revenue.u128()))
            .collect()
    }

    /// `who`'s balance of the suite's token.
    pub fn balance(&self, who: &Addr) -> u128 {
        self.test_token.balance(&self.app, who).unwrap()
    }

    /// The invariant: the vault's balance of its token equals the treasury.
    pub fn assert_conservation(&self) {
        assert_eq!(
            self.balance(&self.vault),
            self.treasury(),
            "vault balance must equal the treasury"
        );
    }
}
