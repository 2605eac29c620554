//! The test suite around reward-distribution: the real contract through its entry points,
//! and nous-testing's mock peers (topic registry, fee vault, staking, synthesis), each
//! answering the queries and messages reward-distribution uses, plus test-only setters.
#![allow(dead_code)]

use cosmwasm_std::{coins, Addr, Binary, Coin, Decimal, Empty, SignedDecimal, Uint128};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{
    App, AppBuilder, AppResponse, Bank, BankKeeper, BankSudo, Contract, CosmosRouter, Executor,
    Module,
};
use nous_chain::SuiteContract;
use nous_testing::{suite_code, TestToken};
use nous_types::reward_distribution::{
    ClaimableResponse, EmissionParams, EmissionResponse, EpochReward, EpochRewardResponse,
    ExecuteMsg, InstantiateMsg, MonthEmission, ParkedPayout, ParkedResponse, QueryMsg,
    TopicStatusResponse, TopicsResponse, Totals,
};
pub use nous_types::synthesis::ScoresStatus;
use nous_types::topic_registry::{GlobalParams, Topic, TopicParams};

/// The mocks' native denom.
pub use nous_testing::DENOM;

// ---- a bank that refuses sends to blocked addresses --------------------------------------

/// The multi-test bank, except that it refuses bank sends to the addresses in `blocked`,
/// as a chain refuses sends to its module accounts.
#[derive(Default)]
pub struct BlockingBank {
    inner: BankKeeper,
    pub blocked: std::collections::BTreeSet<String>,
}

impl BlockingBank {
    pub fn init_balance(
        &self,
        storage: &mut dyn cosmwasm_std::Storage,
        account: &Addr,
        amount: Vec<Coin>,
    ) -> AnyResult<()> {
        self.inner.init_balance(storage, account, amount)
    }
}

impl Module for BlockingBank {
    type ExecT = cosmwasm_std::BankMsg;
    type QueryT = cosmwasm_std::BankQuery;
    type SudoT = BankSudo;

    fn execute<ExecC, QueryC>(
        &self,
        api: &dyn cosmwasm_std::Api,
        storage: &mut dyn cosmwasm_std::Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &cosmwasm_std::BlockInfo,
        sender: Addr,
        msg: Self::ExecT,
    ) -> AnyResult<AppResponse>
    where
        ExecC: cosmwasm_std::CustomMsg + serde::de::DeserializeOwned + 'static,
        QueryC: cosmwasm_std::CustomQuery + serde::de::DeserializeOwned + 'static,
    {
        if let cosmwasm_std::BankMsg::Send { to_address, .. } = &msg {
            if self.blocked.contains(to_address) {
                cw_multi_test::error::bail!("{to_address} is not allowed to receive funds");
            }
        }
        self.inner.execute(api, storage, router, block, sender, msg)
    }

    fn query(
        &self,
        api: &dyn cosmwasm_std::Api,
        storage: &dyn cosmwasm_std::Storage,
        querier: &dyn cosmwasm_std::Querier,
        block: &cosmwasm_std::BlockInfo,
        request: Self::QueryT,
    ) -> AnyResult<Binary> {
        self.inner.query(api, storage, querier, block, request)
    }

    fn sudo<ExecC, QueryC>(
        &self,
        api: &dyn cosmwasm_std::Api,
        storage: &mut dyn cosmwasm_std::Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &cosmwasm_std::BlockInfo,
        msg: Self::SudoT,
    ) -> AnyResult<AppResponse>
    where
        ExecC: cosmwasm_std::CustomMsg + serde::de::DeserializeOwned + 'static,
        QueryC: cosmwasm_std::CustomQuery + serde::de::DeserializeOwned + 'static,
    {
        self.inner.sudo(api, storage, router, block, msg)
    }
}

impl Bank for BlockingBank {}

pub type TestApp = App<BlockingBank>;
pub const TOKEN: u128 = 1_000_000_000_000_000_000;
pub const START: u64 = 100;
pub const EPOCH: u64 = 10;
pub const LAG: u64 = 10;
pub const BLOCKS_PER_MONTH: u64 = 1_000;

// ---- the mock peers: nous-testing's ----------------------------------------------------

pub use nous_testing::mocks::fee_vault::VaultMockExec;
pub use nous_testing::mocks::registry::RegistryExec;
pub use nous_testing::mocks::staking::{StakingMockExec, StakingMockQuery};
pub use nous_testing::mocks::synthesis::{ActorScore, MockScores, SynthesisMockExec};
use nous_testing::mocks::{fee_vault, registry, staking, synthesis};

/// The suite's token: the cw20 `token` of a cw20 deployment, else the native `DENOM`.
fn suite_denom(token: Option<&Addr>) -> cw20::Denom {
    match token {
        Some(t) => cw20::Denom::Cw20(t.clone()),
        None => cw20::Denom::Native(DENOM.into()),
    }
}

// ---- the contract under test ------------------------------------------------------------

fn reward_distribution() -> Box<dyn Contract<Empty>> {
    suite_code(SuiteContract::RewardDistribution)
}

pub fn dec(s: &str) -> Decimal {
    s.parse().expect("literal decimal")
}

pub fn sdec(s: &str) -> SignedDecimal {
    s.parse().expect("literal decimal")
}

/// The suite's defaults for this 18-decimal token (MATH.md §2.1 chain defaults), with the
/// tests' month, a minimum topic weight of 100 tokens and no fees.
pub fn global_params() -> GlobalParams {
    let mut g = GlobalParams::defaults(18);
    g.rewards.min_topic_weight = dec("100");
    g.rewards.blocks_per_month = BLOCKS_PER_MONTH;
    g.registry.min_epoch_length = 1;
    g.registry.max_ground_truth_lag_epochs = 10;
    g.registry.create_topic_fee = Uint128::zero();
    g.registry.registration_fee = Uint128::zero();
    g
}

pub fn topic(id: u64, epoch_length: u64) -> Topic {
    Topic {
        id,
        creator: Addr::unchecked("creator"),
        params: TopicParams {
            allow_negative: true,
            ..TopicParams::defaults("t", epoch_length, epoch_length / 2, LAG)
        },
        start_height: START,
    }
}

pub fn emission_params() -> EmissionParams {
    EmissionParams {
        total_supply: Uint128::new(2_000_000 * TOKEN),
        circulating_supply: Uint128::new(1_000_000 * TOKEN),
        emission_rate: dec("0.025"),
        max_monthly_percentage_yield: dec("0.0095"),
        one_month_smoothing_degree: dec("0.1"),
        default_reputer_share: dec("0.333333333333333333"),
        external_stake: Uint128::zero(),
    }
}

pub struct Suite {
    pub app: TestApp,
    pub owner: Addr,
    pub keeper: Addr,
    pub security: Addr,
    pub registry: Addr,
    pub vault: Addr,
    pub staking: Addr,
    pub synthesis: Addr,
    pub contract: Addr,
    /// The cw20 token of a cw20 deployment (`None`: native `DENOM`).
    pub token: Option<Addr>,
}

impl Suite {
    /// A suite whose vault treasury holds `treasury` base units.
    pub fn new(treasury: u128) -> Suite {
        Self::with_limits(treasury, None, None)
    }

    pub fn with_limits(treasury: u128, max_epochs: Option<u32>, max_topics: Option<u32>) -> Suite {
        Self::build(treasury, max_epochs, max_topics, false)
    }

    /// A cw20 deployment: the suite's token is a cw20-base contract.
    pub fn cw20(treasury: u128) -> Suite {
        Self::build(treasury, None, None, true)
    }

    fn build(
        treasury: u128,
        max_epochs: Option<u32>,
        max_topics: Option<u32>,
        cw20: bool,
    ) -> Suite {
        let mut app = AppBuilder::new()
            .with_bank(BlockingBank::default())
            .build(|_, _, _| {});
        let api = *app.api();
        let owner = api.addr_make("owner");
        let keeper = api.addr_make("keeper");
        let security = api.addr_make("security");
        let ids = [
            app.store_code(registry::contract()),
            app.store_code(fee_vault::contract()),
            app.store_code(staking::contract()),
            app.store_code(synthesis::contract()),
        ];
        let names = ["registry", "vault", "staking", "synthesis"];
        let mut addrs = vec![];
        for (id, name) in ids.iter().zip(names) {
            addrs.push(
                app.instantiate_contract(*id, owner.clone(), &Empty {}, &[], name, None)
                    .expect("mock instantiates"),
            );
        }
        let [registry, vault, staking, synthesis] = [
            addrs[0].clone(),
            addrs[1].clone(),
            addrs[2].clone(),
            addrs[3].clone(),
        ];
        let token = if cw20 {
            let balances = [(vault.clone(), treasury)];
            let token =
                TestToken::cw20(&mut app, &owner, 18, &balances).expect("cw20 instantiates");
            token.cw20_addr().cloned()
        } else {
            None
        };
        let denom = suite_denom(token.as_ref());
        let rd_id = app.store_code(reward_distribution());
        let contract = app
            .instantiate_contract(
                rd_id,
                owner.clone(),
                &InstantiateMsg {
                    owner: None,
                    denom,
                    topic_registry: registry.to_string(),
                    fee_vault: vault.to_string(),
                    staking: staking.to_string(),
                    synthesis: synthesis.to_string(),
                    chain_security_recipient: security.to_string(),
                    emission: emission_params(),
                    max_epochs_per_call: max_epochs,
                    max_topics_per_call: max_topics,
                },
                &[],
                "reward-distribution",
                Some(owner.to_string()),
            )
            .expect("reward-distribution instantiates");
        if token.is_none() {
            app.init_modules(|router, _, storage| {
                router
                    .bank
                    .init_balance(storage, &vault, coins(treasury, DENOM))
                    .expect("treasury funded")
            });
        }
        let mut suite = Suite {
            app,
            owner,
            keeper,
            security,
            registry,
            vault,
            staking,
            synthesis,
            contract,
            token,
        };
        if let Some(t) = suite.token.clone() {
            suite.exec_mock(
                &suite.vault.clone(),
                &VaultMockExec::SetToken {
                    token: t.to_string(),
                },
            );
        }
        suite.exec_mock(
            &suite.registry.clone(),
            &RegistryExec::SetParams(global_params()),
        );
        suite.exec_mock(
            &suite.synthesis.clone(),
            &SynthesisMockExec::UseStaking {
                staking: suite.staking.clone(),
            },
        );
        suite.exec_mock(
            &suite.vault.clone(),
            &VaultMockExec::SetDrawer {
                drawer: suite.contract.to_string(),
            },
        );
        suite.set_height(START);
        suite
    }

    pub fn exec_mock<T: serde::Serialize + std::fmt::Debug>(&mut self, addr: &Addr, msg: &T) {
        self.app
            .execute_contract(self.owner.clone(), addr.clone(), msg, &[])
            .expect("mock accepts");
    }

    /// The chain refuses bank sends to `who` from now on (like a module account).
    pub fn block_bank_sends_to(&mut self, who: &Addr) {
        let who = who.to_string();
        self.app.init_modules(|router, _, _| {
            router.bank.blocked.insert(who);
        });
    }

    pub fn unblock_bank_sends_to(&mut self, who: &Addr) {
        let who = who.to_string();
        self.app.init_modules(|router, _, _| {
            router.bank.blocked.remove(&who);
        });
    }

    pub fn set_height(&mut self, height: u64) {
        self.app.update_block(|b| b.height = height);
    }

    pub fn height(&self) -> u64 {
        self.app.block_info().height
    }

    /// Moves to the first block at which epoch `k`'s reputer window is closed.
    pub fn close_epoch(&mut self, k: u64, epoch_length: u64) {
        self.set_height(START + k * epoch_length + LAG + epoch_length);
    }

    pub fn add_topic(&mut self, id: u64, epoch_length: u64, stake: u128, revenue: u128) {
        self.exec_mock(
            &self.registry.clone(),
            &RegistryExec::SetTopic(topic(id, epoch_length)),
        );
        self.set_stake(id, stake);
        self.set_revenue(id, revenue);
    }

    pub fn set_params(&mut self, p: GlobalParams) {
        self.exec_mock(&self.registry.clone(), &RegistryExec::SetParams(p));
    }

    pub fn set_stake(&mut self, topic_id: u64, stake: u128) {
        self.exec_mock(
            &self.staking.clone(),
            &StakingMockExec::SetTopicStake {
                topic_id,
                total: Uint128::new(stake),
            },
        );
    }

    pub fn set_reputer_stake(
        &mut self,
        topic_id: u64,
        reputer: &Addr,
        self_stake: u128,
        delegated: u128,
    ) {
        self.exec_mock(
            &self.staking.clone(),
            &StakingMockExec::SetStake {
                topic_id,
                reputer: reputer.to_string(),
                self_stake: Uint128::new(self_stake),
                delegated: Uint128::new(delegated),
            },
        );
    }

    pub fn set_revenue(&mut self, topic_id: u64, revenue: u128) {
        self.exec_mock(
            &self.vault.clone(),
            &VaultMockExec::SetRevenue {
                topic_id,
                revenue: Uint128::new(revenue),
            },
        );
    }

    pub fn set_scores(&mut self, topic_id: u64, nonce: Option<u64>, scores: MockScores) {
        self.exec_mock(
            &self.synthesis.clone(),
            &SynthesisMockExec::SetScores {
                topic_id,
                nonce,
                scores,
            },
        );
    }

    pub fn addr(&self, name: &str) -> Addr {
        self.app.api().addr_make(name)
    }

    // ---- actions ------------------------------------------------------------------------

    pub fn execute(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> AnyResult<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.contract.clone(), msg, funds)
    }

    pub fn activate(&mut self, topic_id: u64) -> AnyResult<AppResponse> {
        let k = self.keeper.clone();
        self.execute(&k, &ExecuteMsg::ActivateTopic { topic_id }, &[])
    }

    pub fn settle(&mut self, topic_id: Option<u64>, limit: Option<u32>) -> AnyResult<AppResponse> {
        let k = self.keeper.clone();
        self.execute(&k, &ExecuteMsg::Settle { topic_id, limit }, &[])
    }

    pub fn claim(&mut self, who: &Addr) -> AnyResult<AppResponse> {
        self.execute(who, &ExecuteMsg::Claim {}, &[])
    }

    // ---- reads --------------------------------------------------------------------------

    /// Balance of the suite's token (native or cw20).
    pub fn balance(&self, who: &Addr) -> u128 {
        TestToken(suite_denom(self.token.as_ref()))
            .balance(&self.app, who)
            .expect("balance answers")
    }

    pub fn totals(&self) -> Totals {
        self.app
            .wrap()
            .query_wasm_smart(&self.contract, &QueryMsg::Totals {})
            .expect("totals")
    }

    pub fn claimable(&self, who: &Addr) -> u128 {
        let r: ClaimableResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.contract,
                &QueryMsg::Claimable {
                    address: who.to_string(),
                },
            )
            .expect("claimable");
        r.amount.u128()
    }

    pub fn status(&self, topic_id: u64) -> TopicStatusResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.contract, &QueryMsg::TopicStatus { topic_id })
            .expect("status")
    }

    /// Every topic the contract knows (all pages).
    pub fn topics(&self) -> TopicsResponse {
        let mut topics = vec![];
        loop {
            let page: TopicsResponse = self
                .app
                .wrap()
                .query_wasm_smart(
                    &self.contract,
                    &QueryMsg::Topics {
                        start_after: topics.last().map(|t: &TopicStatusResponse| t.topic_id),
                        limit: Some(30),
                    },
                )
                .expect("topics");
            if page.topics.is_empty() {
                return TopicsResponse { topics };
            }
            topics.extend(page.topics);
        }
    }

    /// The newest month's emission record (`QueryMsg::Emission`).
    pub fn latest_month(&self) -> Option<MonthEmission> {
        let r: EmissionResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.contract, &QueryMsg::Emission {})
            .expect("emission");
        r.latest
    }

    pub fn epoch_reward(&self, topic_id: u64, epoch: u64) -> Option<EpochReward> {
        let r: EpochRewardResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.contract, &QueryMsg::EpochReward { topic_id, epoch })
            .expect("epoch reward");
        r.reward
    }

    /// Every parked payout (all pages).
    pub fn parked(&self) -> Vec<ParkedPayout> {
        let mut all: Vec<ParkedPayout> = vec![];
        loop {
            let page: ParkedResponse = self
                .app
                .wrap()
                .query_wasm_smart(
                    &self.contract,
                    &QueryMsg::Parked {
                        start_after: all.last().map(|p| p.id),
                        limit: Some(30),
                    },
                )
                .expect("parked");
            if page.parked.is_empty() {
                return all;
            }
            all.extend(page.parked);
        }
    }

    pub fn deposited(&self, topic_id: u64, reputer: &Addr) -> u128 {
        let r: Uint128 = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.staking,
                &StakingMockQuery::Deposited {
                    topic_id,
                    reputer: reputer.to_string(),
                },
            )
            .expect("deposited");
        r.u128()
    }

    /// The money invariants: the contract holds exactly what it owes plus carried dust
    /// plus parked payouts (the sum of the parked records); the weight sum is the sum of
    /// the active topics' weights.
    pub fn assert_invariants(&self) {
        let t = self.totals();
        assert_eq!(
            Uint128::new(self.balance(&self.contract)),
            t.claimable + t.dust + t.parked,
            "balance == claimable + dust + parked"
        );
        let parked: Uint128 = self.parked().iter().map(|p| p.amount).sum();
        assert_eq!(parked, t.parked, "parked == the parked records");
        let active: Decimal = self
            .topics()
            .topics
            .iter()
            .filter(|s| s.active)
            .map(|s| s.weight)
            .sum();
        assert_eq!(t.weight_sum, active, "weight_sum == sum of active weights");
    }
}

/// A scored epoch with `n_inf` inferers, `n_fc` forecasters and the given reputers.
pub fn scored(
    suite: &Suite,
    topic_id: u64,
    n_inf: u32,
    n_fc: u32,
    reputers: &[&str],
) -> MockScores {
    let actor = |prefix: &str, i: u32, score: SignedDecimal| ActorScore {
        actor_index: i,
        operator: suite.addr(&format!("{prefix}{i}-op")),
        owner: suite.addr(&format!("{prefix}{i}")),
        score,
    };
    MockScores {
        topic_id,
        nonce: 0,
        status: ScoresStatus::Scored,
        inferers: (0..n_inf)
            .map(|i| actor("inferer", i, SignedDecimal::percent(10 + 7 * i as i64)))
            .collect(),
        forecasters: (0..n_fc)
            .map(|i| {
                actor(
                    "forecaster",
                    100 + i,
                    SignedDecimal::percent(5 + 3 * i as i64),
                )
            })
            .collect(),
        reputers: reputers
            .iter()
            .enumerate()
            .map(|(i, name)| ActorScore {
                actor_index: 200 + i as u32,
                operator: suite.addr(name),
                owner: suite.addr(&format!("{name}-owner")),
                score: SignedDecimal::percent(100 + 50 * i as i64),
            })
            .collect(),
        forecasting_task_score: sdec("0.2"),
        // the topic's ε at scoring (the mock registry's topic has the same)
        epsilon: dec("0.01"),
        rules: Default::default(),
    }
}

/// The contract's typed error inside a multi-test error.
pub fn contract_err(e: cw_multi_test::error::AnyError) -> reward_distribution::ContractError {
    match e.downcast::<reward_distribution::ContractError>() {
        Ok(c) => c,
        Err(other) => panic!("not a ContractError: {other:?}"),
    }
}

/// Attribute values named `key` across the events of a response, in order.
pub fn attrs(res: &AppResponse, event: &str, key: &str) -> Vec<String> {
    res.events
        .iter()
        .filter(|e| e.ty == event || e.ty == format!("wasm-{event}"))
        .flat_map(|e| {
            e.attributes
                .iter()
                .filter(|a| a.key == key)
                .map(|a| a.value.clone())
        })
        .collect()
}
