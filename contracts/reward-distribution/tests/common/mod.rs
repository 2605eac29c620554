//! The test suite around reward-distribution: the real contract through its entry points,
//! and small mock peers (topic registry, fee vault, staking, synthesis) built with
//! `ContractWrapper`, each answering exactly the queries and messages reward-distribution
//! uses, plus test-only setters.
#![allow(dead_code)]

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    coins, to_json_binary, Addr, Binary, Coin, Decimal, Deps, DepsMut, Empty, Env, MessageInfo,
    Response, SignedDecimal, StdError, StdResult, Uint128,
};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{
    App, AppBuilder, AppResponse, Bank, BankKeeper, BankSudo, Contract, ContractWrapper,
    CosmosRouter, Executor, Module,
};
use cw_storage_plus::{Item, Map};
use nous_chain::SuiteContract;
use nous_testing::{suite_code, TestToken};
use nous_types::fee_vault::{TopicRevenueResponse, TreasuryResponse};
use nous_types::reward_distribution::{
    ClaimableResponse, EmissionParams, EpochReward, EpochRewardResponse, ExecuteMsg,
    InstantiateMsg, ParkedPayout, ParkedResponse, QueryMsg, TopicStatusResponse, TopicsResponse,
    Totals,
};
use nous_types::staking::{ReputerReward, ReputerStake, ReputerStakesResponse, TopicStakeResponse};
pub use nous_types::synthesis::ScoresStatus;
use nous_types::synthesis::{EpochScores, EpochScoresResponse, ReputerScore, WorkerScore};
use nous_types::topic_registry::{GlobalParams, Topic, TopicParams};

pub const DENOM: &str = "unous";

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

// ---- mock topic registry: nous-testing's ------------------------------------------------

pub use nous_testing::mocks::registry::RegistryExec;

fn mock_registry() -> Box<dyn Contract<Empty>> {
    nous_testing::mocks::registry::contract()
}

fn registry_exec_inst(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
    Ok(Response::new())
}

// ---- mock fee vault ---------------------------------------------------------------------

#[cw_serde]
pub enum VaultExec {
    DrawEmission { amount: Uint128 },
    SetRevenue { topic_id: u64, revenue: Uint128 },
    SetDrawer { drawer: String },
    SetToken { token: String },
}

#[cw_serde]
pub enum VaultQuery {
    TopicRevenue { topic_id: u64, epoch: Option<u64> },
    Treasury {},
    RevenueAndTreasury { topic_id: u64, epoch: Option<u64> },
}

const V_REVENUE: Map<u64, Uint128> = Map::new("revenue");
const V_DRAWER: Item<Addr> = Item::new("drawer");
const V_TOKEN: Item<Addr> = Item::new("token");

/// Balance of the suite's token: the cw20 `token` if set, else the native denom.
fn token_balance(
    querier: &cosmwasm_std::QuerierWrapper,
    token: Option<&Addr>,
    who: &Addr,
) -> StdResult<Uint128> {
    match token {
        Some(t) => {
            let r: cw20::BalanceResponse = querier.query_wasm_smart(
                t,
                &cw20::Cw20QueryMsg::Balance {
                    address: who.to_string(),
                },
            )?;
            Ok(r.balance)
        }
        None => Ok(querier.query_balance(who, DENOM)?.amount),
    }
}

fn vault_exec(deps: DepsMut, env: Env, info: MessageInfo, msg: VaultExec) -> StdResult<Response> {
    match msg {
        VaultExec::DrawEmission { amount } => {
            if info.sender != V_DRAWER.load(deps.storage)? {
                return Err(StdError::generic_err("only reward-distribution may draw"));
            }
            let token = V_TOKEN.may_load(deps.storage)?;
            let balance = token_balance(&deps.querier, token.as_ref(), &env.contract.address)?;
            if amount > balance {
                return Err(StdError::generic_err("draw above the treasury"));
            }
            let denom = match token {
                Some(t) => cw20::Denom::Cw20(t),
                None => cw20::Denom::Native(DENOM.into()),
            };
            Ok(Response::new().add_message(nous_types::funds::transfer_msg(
                &denom,
                &info.sender,
                amount,
            )?))
        }
        VaultExec::SetToken { token } => {
            V_TOKEN.save(deps.storage, &Addr::unchecked(token))?;
            Ok(Response::new())
        }
        VaultExec::SetRevenue { topic_id, revenue } => {
            V_REVENUE.save(deps.storage, topic_id, &revenue)?;
            Ok(Response::new())
        }
        VaultExec::SetDrawer { drawer } => {
            V_DRAWER.save(deps.storage, &Addr::unchecked(drawer))?;
            Ok(Response::new())
        }
    }
}

fn vault_query(deps: Deps, env: Env, msg: VaultQuery) -> StdResult<Binary> {
    match msg {
        VaultQuery::RevenueAndTreasury { topic_id, epoch } => {
            let revenue: TopicRevenueResponse = cosmwasm_std::from_json(vault_query(
                deps,
                env.clone(),
                VaultQuery::TopicRevenue { topic_id, epoch },
            )?)?;
            let treasury: TreasuryResponse =
                cosmwasm_std::from_json(vault_query(deps, env, VaultQuery::Treasury {})?)?;
            to_json_binary(&nous_types::fee_vault::RevenueAndTreasuryResponse {
                revenue,
                treasury: treasury.balance,
            })
        }
        VaultQuery::TopicRevenue { topic_id, epoch } => to_json_binary(&TopicRevenueResponse {
            topic_id,
            epoch: epoch.unwrap_or(0),
            revenue: V_REVENUE
                .may_load(deps.storage, topic_id)?
                .unwrap_or_default(),
        }),
        VaultQuery::Treasury {} => to_json_binary(&TreasuryResponse {
            balance: token_balance(
                &deps.querier,
                V_TOKEN.may_load(deps.storage)?.as_ref(),
                &env.contract.address,
            )?,
        }),
    }
}

fn mock_vault() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        vault_exec,
        registry_exec_inst,
        vault_query,
    ))
}

// ---- mock staking -----------------------------------------------------------------------

#[cw_serde]
pub enum StakingExec {
    DepositDelegatorRewards {
        topic_id: u64,
        rewards: Vec<ReputerReward>,
    },
    Receive(cw20::Cw20ReceiveMsg),
    SetTopicStake {
        topic_id: u64,
        total: Uint128,
    },
    SetReputerStake {
        topic_id: u64,
        reputer: String,
        self_stake: Uint128,
        delegated: Uint128,
    },
    /// Test-only: refuse (or accept again) the deposits of a topic.
    SetRefuse {
        topic_id: u64,
        refuse: bool,
    },
}

#[cw_serde]
pub enum StakingQuery {
    ReputerStakes {
        topic_id: u64,
        reputers: Vec<String>,
        height: Option<u64>,
    },
    TopicStake {
        topic_id: u64,
        height: Option<u64>,
    },
    Totals {},
    /// Test-only: what delegators received, per (topic, reputer).
    Deposited {
        topic_id: u64,
        reputer: String,
    },
}

const S_TOPIC: Map<u64, Uint128> = Map::new("topic");
const S_REPUTER: Map<(u64, &str), (Uint128, Uint128)> = Map::new("reputer");
const S_DEPOSITED: Map<(u64, &str), Uint128> = Map::new("deposited");
const S_REFUSE: Map<u64, bool> = Map::new("refuse");
const S_LAST_SNAPSHOT: Map<u64, u64> = Map::new("last_snapshot");

/// Records a deposit, with the real staking's rules on order: a topic's snapshot heights
/// never go down.
fn record_deposit(
    deps: DepsMut,
    topic_id: u64,
    rewards: Vec<ReputerReward>,
    paid: Uint128,
) -> StdResult<()> {
    if S_REFUSE.may_load(deps.storage, topic_id)?.unwrap_or(false) {
        return Err(StdError::generic_err(
            "staking refuses deposits of this topic",
        ));
    }
    let sum: Uint128 = rewards.iter().map(|r| r.amount).sum();
    if sum != paid || sum.is_zero() {
        return Err(StdError::generic_err("deposit does not match its rewards"));
    }
    let mut last = S_LAST_SNAPSHOT.may_load(deps.storage, topic_id)?;
    for r in &rewards {
        if last.is_some_and(|l| l > r.snapshot_height) {
            return Err(StdError::generic_err("deposit out of snapshot order"));
        }
        last = Some(r.snapshot_height);
    }
    if let Some(l) = last {
        S_LAST_SNAPSHOT.save(deps.storage, topic_id, &l)?;
    }
    for r in rewards {
        let cur = S_DEPOSITED
            .may_load(deps.storage, (topic_id, &r.reputer))?
            .unwrap_or_default();
        S_DEPOSITED.save(deps.storage, (topic_id, &r.reputer), &(cur + r.amount))?;
    }
    Ok(())
}

fn staking_exec(deps: DepsMut, _: Env, info: MessageInfo, msg: StakingExec) -> StdResult<Response> {
    match msg {
        StakingExec::DepositDelegatorRewards { topic_id, rewards } => {
            let paid = info
                .funds
                .iter()
                .find(|c| c.denom == DENOM)
                .map(|c| c.amount)
                .unwrap_or_default();
            record_deposit(deps, topic_id, rewards, paid)?;
        }
        StakingExec::Receive(wrapper) => match cosmwasm_std::from_json(&wrapper.msg)? {
            nous_types::staking::ReceiveMsg::DepositDelegatorRewards { topic_id, rewards } => {
                record_deposit(deps, topic_id, rewards, wrapper.amount)?
            }
            _ => return Err(StdError::generic_err("unexpected hook")),
        },
        StakingExec::SetTopicStake { topic_id, total } => {
            S_TOPIC.save(deps.storage, topic_id, &total)?
        }
        StakingExec::SetReputerStake {
            topic_id,
            reputer,
            self_stake,
            delegated,
        } => S_REPUTER.save(deps.storage, (topic_id, &reputer), &(self_stake, delegated))?,
        StakingExec::SetRefuse { topic_id, refuse } => {
            S_REFUSE.save(deps.storage, topic_id, &refuse)?
        }
    }
    Ok(Response::new())
}

fn staking_query(deps: Deps, _: Env, msg: StakingQuery) -> StdResult<Binary> {
    match msg {
        StakingQuery::TopicStake { topic_id, .. } => to_json_binary(&TopicStakeResponse {
            topic_id,
            total: S_TOPIC
                .may_load(deps.storage, topic_id)?
                .unwrap_or_default(),
        }),
        StakingQuery::ReputerStakes {
            topic_id, reputers, ..
        } => {
            let stakes = reputers
                .iter()
                .map(|r| {
                    let (s, d) = S_REPUTER
                        .may_load(deps.storage, (topic_id, r))?
                        .unwrap_or_default();
                    Ok(ReputerStake {
                        reputer: Addr::unchecked(r),
                        self_stake: s,
                        delegated: d,
                        total: s + d,
                    })
                })
                .collect::<StdResult<_>>()?;
            to_json_binary(&ReputerStakesResponse { stakes })
        }
        StakingQuery::Totals {} => {
            let total_staked = S_TOPIC
                .range(deps.storage, None, None, cosmwasm_std::Order::Ascending)
                .map(|r| r.map(|(_, v)| v))
                .sum::<StdResult<Uint128>>()?;
            to_json_binary(&nous_types::staking::TotalsResponse {
                total_staked,
                reward_funds: Uint128::zero(),
            })
        }
        StakingQuery::Deposited { topic_id, reputer } => to_json_binary(
            &S_DEPOSITED
                .may_load(deps.storage, (topic_id, &reputer))?
                .unwrap_or_default(),
        ),
    }
}

fn mock_staking() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        staking_exec,
        registry_exec_inst,
        staking_query,
    ))
}

// ---- mock synthesis ---------------------------------------------------------------------

/// One actor's score as a test sets it.
#[cw_serde]
pub struct ActorScore {
    pub actor_index: u32,
    /// The operator key (reputers: the address the mock staking knows).
    pub operator: Addr,
    pub owner: Addr,
    pub score: SignedDecimal,
}

/// What a test sets as synthesis's scores of an epoch. The mock answers with the real
/// `synthesis::EpochScoresResponse`, the reputers' stakes read from the mock staking as
/// synthesis reads them at the reputer close.
#[cw_serde]
pub struct MockScores {
    pub topic_id: u64,
    pub nonce: u64,
    pub status: ScoresStatus,
    pub inferers: Vec<ActorScore>,
    pub forecasters: Vec<ActorScore>,
    pub reputers: Vec<ActorScore>,
    pub forecasting_task_score: SignedDecimal,
    pub epsilon: Decimal,
}

#[cw_serde]
pub enum SynthesisExec {
    /// Scores of one epoch, or (nonce None) the answer for every epoch without its own.
    SetScores {
        topic_id: u64,
        nonce: Option<u64>,
        scores: MockScores,
    },
    /// Test-only: every score query about this topic fails (or works again).
    SetBroken { topic_id: u64, broken: bool },
    /// Where the reputers' stakes are read.
    UseStaking { staking: Addr },
}

const Y_SCORES: Map<(u64, u64), MockScores> = Map::new("scores");
const Y_DEFAULT: Map<u64, MockScores> = Map::new("default");
const Y_BROKEN: Map<u64, bool> = Map::new("broken");
const Y_STAKING: Item<Addr> = Item::new("staking");

fn synthesis_exec(
    deps: DepsMut,
    _: Env,
    _: MessageInfo,
    msg: SynthesisExec,
) -> StdResult<Response> {
    match msg {
        SynthesisExec::SetScores {
            topic_id,
            nonce: Some(n),
            scores,
        } => Y_SCORES.save(deps.storage, (topic_id, n), &scores)?,
        SynthesisExec::SetScores {
            topic_id,
            nonce: None,
            scores,
        } => Y_DEFAULT.save(deps.storage, topic_id, &scores)?,
        SynthesisExec::SetBroken { topic_id, broken } => {
            Y_BROKEN.save(deps.storage, topic_id, &broken)?
        }
        SynthesisExec::UseStaking { staking } => Y_STAKING.save(deps.storage, &staking)?,
    }
    Ok(Response::new())
}

fn synthesis_query(deps: Deps, _: Env, msg: nous_types::synthesis::QueryMsg) -> StdResult<Binary> {
    let nous_types::synthesis::QueryMsg::EpochScores { topic_id, nonce } = msg else {
        return Err(StdError::generic_err("the mock answers EpochScores only"));
    };
    if Y_BROKEN.may_load(deps.storage, topic_id)?.unwrap_or(false) {
        return Err(StdError::generic_err("synthesis is broken for this topic"));
    }
    let mut s = match Y_SCORES.may_load(deps.storage, (topic_id, nonce))? {
        Some(s) => s,
        None => Y_DEFAULT
            .may_load(deps.storage, topic_id)?
            .unwrap_or(MockScores {
                topic_id,
                nonce,
                status: ScoresStatus::Pending,
                inferers: vec![],
                forecasters: vec![],
                reputers: vec![],
                forecasting_task_score: SignedDecimal::zero(),
                epsilon: Decimal::zero(),
            }),
    };
    if s.status != ScoresStatus::Pending || s.topic_id == topic_id {
        s.topic_id = topic_id;
        s.nonce = nonce;
    }
    let scores = if s.status == ScoresStatus::Scored {
        let stakes: ReputerStakesResponse = deps.querier.query_wasm_smart(
            Y_STAKING.load(deps.storage)?,
            &StakingQuery::ReputerStakes {
                topic_id,
                reputers: s.reputers.iter().map(|r| r.operator.to_string()).collect(),
                height: None,
            },
        )?;
        let workers = |xs: &[ActorScore]| {
            xs.iter()
                .map(|a| WorkerScore {
                    worker: a.actor_index,
                    owner: a.owner.clone(),
                    value: a.score,
                })
                .collect()
        };
        Some(EpochScores {
            topic_id: s.topic_id,
            nonce: s.nonce,
            inferers: workers(&s.inferers),
            forecasters: workers(&s.forecasters),
            forecasting_task: s.forecasting_task_score,
            reputers: s
                .reputers
                .iter()
                .zip(stakes.stakes)
                .map(|(a, st)| ReputerScore {
                    reputer: a.actor_index,
                    address: a.operator.clone(),
                    owner: a.owner.clone(),
                    stake: st.total,
                    delegated: st.delegated,
                    score: a.score,
                    listening_coefficient: SignedDecimal::one(),
                })
                .collect(),
            scored_at: 0,
            epsilon: s.epsilon,
        })
    } else {
        None
    };
    to_json_binary(&EpochScoresResponse {
        topic_id: s.topic_id,
        nonce: s.nonce,
        status: s.status,
        scores,
    })
}

fn mock_synthesis() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        synthesis_exec,
        registry_exec_inst,
        synthesis_query,
    ))
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
            app.store_code(mock_registry()),
            app.store_code(mock_vault()),
            app.store_code(mock_staking()),
            app.store_code(mock_synthesis()),
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
        let denom = match &token {
            Some(t) => cw20::Denom::Cw20(t.clone()),
            None => cw20::Denom::Native(DENOM.into()),
        };
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
                &VaultExec::SetToken {
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
            &SynthesisExec::UseStaking {
                staking: suite.staking.clone(),
            },
        );
        suite.exec_mock(
            &suite.vault.clone(),
            &VaultExec::SetDrawer {
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
            &StakingExec::SetTopicStake {
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
            &StakingExec::SetReputerStake {
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
            &VaultExec::SetRevenue {
                topic_id,
                revenue: Uint128::new(revenue),
            },
        );
    }

    pub fn set_scores(&mut self, topic_id: u64, nonce: Option<u64>, scores: MockScores) {
        self.exec_mock(
            &self.synthesis.clone(),
            &SynthesisExec::SetScores {
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
        token_balance(&self.app.wrap(), self.token.as_ref(), who)
            .expect("balance answers")
            .u128()
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
                &StakingQuery::Deposited {
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
