//! A `Suite` owning the multi-test `App`, the mock registry, the staking contract and
//! (for cw20 deployments) a cw20-base token, with one method per user action.

#![allow(dead_code)]

use cosmwasm_std::{coins, Addr, Empty, StdResult, Uint128};
use cw_multi_test::error::AnyResult;
use cw_multi_test::{App, AppResponse, Contract, Executor};
use nous_chain::SuiteContract;
use nous_testing::mocks::{self, registry::RegistryExec};
use nous_testing::{suite_code, TestToken};
use nous_types::staking::{
    Config, DelegationResponse, DueRemovalsResponse, ExecuteMsg, InstantiateMsg, PoolResponse,
    QueryMsg, ReceiveMsg, RemovalsResponse, ReputerReward, ReputerStake, ReputerStakeResponse,
    ReputerStakesResponse, TopicStakeResponse, TotalsResponse,
};
use nous_types::topic_registry::{GlobalParams, Role, Topic, TopicParams};

pub const DENOM: &str = "unous";
pub const MIN_STAKE: u128 = 1_000;
pub const UNBONDING: u64 = 10;
pub const CAP: u32 = 3;
pub const MIN_REMOVAL: u128 = 100;
pub const MIN_DELEGATION: u128 = 200;
pub const INITIAL: u128 = 1_000_000_000;

/// The suite's defaults with the test's minimum stake (staking reads only that).
pub fn registry_params(required_minimum_stake: u128) -> GlobalParams {
    let mut p = GlobalParams::defaults(6);
    p.staking.required_minimum_stake = Uint128::new(required_minimum_stake);
    p
}

pub fn staking_contract() -> Box<dyn Contract<Empty>> {
    suite_code(SuiteContract::Staking)
}

/// Asserts that a multi-test result failed with a staking `ContractError` matching `$pat`.
#[macro_export]
macro_rules! assert_contract_err {
    ($res:expr, $pat:pat $(if $guard:expr)?) => {{
        let err = $res.unwrap_err();
        let found = err.downcast_ref::<staking::ContractError>();
        match found {
            Some(e) => assert!(
                matches!(e, $pat $(if $guard)?),
                "unexpected error: {e:?}"
            ),
            None => panic!("not a staking ContractError: {err:?}"),
        }
    }};
}

pub struct Suite {
    pub app: App,
    pub owner: Addr,
    pub distributor: Addr,
    pub registry: Addr,
    pub staking: Addr,
    pub staking_code: u64,
    /// `Some` for a cw20 deployment.
    pub token: Option<Addr>,
    /// The suite's token as nous-testing's `TestToken` (payments and balances).
    pub test_token: TestToken,
    /// Every (delegator, topic, reputer) the test touched, for the conservation check.
    pub positions: Vec<(Addr, u64, Addr)>,
}

pub struct SuiteBuilder {
    cw20: bool,
    with_distributor: bool,
    cap: u32,
    users: Vec<&'static str>,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        Self {
            cw20: false,
            with_distributor: true,
            cap: CAP,
            users: vec![
                "owner",
                "distributor",
                "alice",
                "bob",
                "carol",
                "dave",
                "erin",
                "frank",
                "grace",
                "heidi",
            ],
        }
    }
}

impl SuiteBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cw20(mut self) -> Self {
        self.cw20 = true;
        self
    }

    pub fn without_distributor(mut self) -> Self {
        self.with_distributor = false;
        self
    }

    pub fn cap(mut self, cap: u32) -> Self {
        self.cap = cap;
        self
    }

    pub fn build(self) -> Suite {
        let mut app = App::default();
        let users: Vec<Addr> = self.users.iter().map(|u| app.api().addr_make(u)).collect();
        // Native coins for everyone (also in cw20 deployments, to test refusals).
        app.init_modules(|router, _, storage| {
            for user in &users {
                router
                    .bank
                    .init_balance(storage, user, coins(INITIAL, DENOM))
                    .unwrap();
            }
        });
        let owner = app.api().addr_make("owner");
        let distributor = app.api().addr_make("distributor");

        let registry_code = app.store_code(mocks::registry::contract());
        let registry = app
            .instantiate_contract(
                registry_code,
                owner.clone(),
                &Empty {},
                &[],
                "registry",
                None,
            )
            .unwrap();
        app.execute_contract(
            owner.clone(),
            registry.clone(),
            &RegistryExec::SetParams(registry_params(MIN_STAKE)),
            &[],
        )
        .unwrap();

        let test_token = if self.cw20 {
            let balances: Vec<(Addr, u128)> = users.iter().map(|u| (u.clone(), INITIAL)).collect();
            TestToken::cw20(&mut app, &owner, 6, &balances).unwrap()
        } else {
            TestToken::native(DENOM)
        };
        let denom = test_token.0.clone();
        let staking_code = app.store_code(staking_contract());
        let staking = app
            .instantiate_contract(
                staking_code,
                owner.clone(),
                &InstantiateMsg {
                    owner: Some(owner.to_string()),
                    denom,
                    registry: registry.to_string(),
                    reward_distributor: self.with_distributor.then(|| distributor.to_string()),
                    unbonding_blocks: UNBONDING,
                    max_removals_per_call: self.cap,
                    min_removal: Uint128::new(MIN_REMOVAL),
                    min_delegation: Uint128::new(MIN_DELEGATION),
                },
                &[],
                "staking",
                Some(owner.to_string()),
            )
            .unwrap();

        Suite {
            app,
            owner,
            distributor,
            registry,
            staking,
            staking_code,
            token: test_token.cw20_addr().cloned(),
            test_token,
            positions: vec![],
        }
    }
}

impl Suite {
    pub fn addr(&self, name: &str) -> Addr {
        self.app.api().addr_make(name)
    }

    pub fn height(&self) -> u64 {
        self.app.block_info().height
    }

    pub fn advance_blocks(&mut self, n: u64) {
        self.app.update_block(|b| {
            b.height += n;
            b.time = b.time.plus_seconds(5 * n);
        });
    }

    // ---- registry (mock) ----

    fn tell_registry(&mut self, msg: &RegistryExec) {
        self.app
            .execute_contract(self.owner.clone(), self.registry.clone(), msg, &[])
            .unwrap();
    }

    /// Registers `reputer` in `topic_id`, creating the topic in the mock registry first.
    pub fn register(&mut self, topic_id: u64, reputer: &Addr) {
        let known: StdResult<Topic> = self.app.wrap().query_wasm_smart(
            &self.registry,
            &nous_types::topic_registry::QueryMsg::Topic { topic_id },
        );
        if known.is_err() {
            let topic = Topic {
                id: topic_id,
                creator: self.owner.clone(),
                params: TopicParams::defaults("mock", 10, 5, 10),
                start_height: self.height(),
            };
            self.tell_registry(&RegistryExec::SetTopic(topic));
        }
        self.tell_registry(&RegistryExec::Register {
            topic_id,
            role: Role::Reputer,
            operator: reputer.to_string(),
            actor_index: 0,
        });
    }

    pub fn unregister(&mut self, topic_id: u64, reputer: &Addr) {
        self.tell_registry(&RegistryExec::Deregister {
            topic_id,
            role: Role::Reputer,
            operator: reputer.to_string(),
        });
    }

    /// The registry's minimum stake becomes `amount`.
    pub fn set_minimum_stake(&mut self, amount: u128) {
        self.tell_registry(&RegistryExec::SetParams(registry_params(amount)));
    }

    // ---- paying helpers: native coins or cw20 Send ----

    fn pay(
        &mut self,
        sender: &Addr,
        amount: u128,
        msg: ExecuteMsg,
        hook: ReceiveMsg,
    ) -> AnyResult<AppResponse> {
        let staking = self.staking.clone();
        self.test_token
            .pay(&mut self.app, sender, &staking, amount, &msg, &hook)
    }

    pub fn execute(&mut self, sender: &Addr, msg: ExecuteMsg) -> AnyResult<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.staking.clone(), &msg, &[])
    }

    pub fn add_stake(&mut self, who: &Addr, topic_id: u64, amount: u128) -> AnyResult<AppResponse> {
        self.pay(
            who,
            amount,
            ExecuteMsg::AddStake { topic_id },
            ReceiveMsg::AddStake { topic_id },
        )
    }

    pub fn delegate(
        &mut self,
        who: &Addr,
        topic_id: u64,
        reputer: &Addr,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let position = (who.clone(), topic_id, reputer.clone());
        if !self.positions.contains(&position) {
            self.positions.push(position);
        }
        self.pay(
            who,
            amount,
            ExecuteMsg::Delegate {
                topic_id,
                reputer: reputer.to_string(),
            },
            ReceiveMsg::Delegate {
                topic_id,
                reputer: reputer.to_string(),
            },
        )
    }

    /// A deposit sized with the snapshot at the current height (what the stake was at the
    /// start of this block), as reward-distribution reads it.
    pub fn deposit_rewards(
        &mut self,
        sender: &Addr,
        paid: u128,
        topic_id: u64,
        rewards: &[(&Addr, u128)],
    ) -> AnyResult<AppResponse> {
        let height = self.height();
        self.deposit_rewards_at(sender, paid, topic_id, height, rewards)
    }

    /// A deposit for the snapshot at `height`, with the delegated totals staking answers
    /// for it.
    pub fn deposit_rewards_at(
        &mut self,
        sender: &Addr,
        paid: u128,
        topic_id: u64,
        height: u64,
        rewards: &[(&Addr, u128)],
    ) -> AnyResult<AppResponse> {
        let rewards: Vec<ReputerReward> = rewards
            .iter()
            .map(|(r, a)| ReputerReward {
                reputer: r.to_string(),
                amount: Uint128::new(*a),
                snapshot_height: height,
                delegated: self.reputer_stakes_at(topic_id, &[r], Some(height.min(self.height())))
                    [0]
                .delegated,
            })
            .collect();
        self.deposit_entries(sender, paid, topic_id, rewards)
    }

    /// A deposit of the given entries as they are.
    pub fn deposit_entries(
        &mut self,
        sender: &Addr,
        paid: u128,
        topic_id: u64,
        rewards: Vec<ReputerReward>,
    ) -> AnyResult<AppResponse> {
        self.pay(
            sender,
            paid,
            ExecuteMsg::DepositDelegatorRewards {
                topic_id,
                rewards: rewards.clone(),
            },
            ReceiveMsg::DepositDelegatorRewards { topic_id, rewards },
        )
    }

    pub fn remove_stake(
        &mut self,
        who: &Addr,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.execute(
            who,
            ExecuteMsg::RemoveStake {
                topic_id,
                amount: Uint128::new(amount),
            },
        )
    }

    pub fn undelegate(
        &mut self,
        who: &Addr,
        topic_id: u64,
        reputer: &Addr,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.execute(
            who,
            ExecuteMsg::Undelegate {
                topic_id,
                reputer: reputer.to_string(),
                amount: Uint128::new(amount),
            },
        )
    }

    pub fn process(&mut self, limit: Option<u32>) -> AnyResult<AppResponse> {
        let keeper = self.addr("keeper");
        self.execute(&keeper, ExecuteMsg::ProcessRemovals { limit })
    }

    pub fn claim(&mut self, who: &Addr, topic_id: u64, reputer: &Addr) -> AnyResult<AppResponse> {
        self.execute(
            who,
            ExecuteMsg::ClaimDelegatorRewards {
                topic_id,
                reputer: reputer.to_string(),
            },
        )
    }

    // ---- queries ----

    fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(self.staking.clone(), msg)
            .unwrap()
    }

    pub fn config(&self) -> Config {
        self.query(&QueryMsg::Config {})
    }

    pub fn balance(&self, who: &Addr) -> u128 {
        self.test_token.balance(&self.app, who).unwrap()
    }

    pub fn totals(&self) -> TotalsResponse {
        self.query(&QueryMsg::Totals {})
    }

    pub fn reputer_stake(&self, topic_id: u64, reputer: &Addr) -> ReputerStakeResponse {
        self.query(&QueryMsg::ReputerStake {
            topic_id,
            reputer: reputer.to_string(),
        })
    }

    pub fn reputer_stakes_at(
        &self,
        topic_id: u64,
        reputers: &[&Addr],
        height: Option<u64>,
    ) -> Vec<ReputerStake> {
        let r: ReputerStakesResponse = self.query(&QueryMsg::ReputerStakes {
            topic_id,
            reputers: reputers.iter().map(|r| r.to_string()).collect(),
            height,
        });
        r.stakes
    }

    pub fn topic_stake_at(&self, topic_id: u64, height: Option<u64>) -> u128 {
        let r: TopicStakeResponse = self.query(&QueryMsg::TopicStake { topic_id, height });
        r.total.u128()
    }

    pub fn delegation(
        &self,
        topic_id: u64,
        reputer: &Addr,
        delegator: &Addr,
    ) -> DelegationResponse {
        self.query(&QueryMsg::Delegation {
            topic_id,
            reputer: reputer.to_string(),
            delegator: delegator.to_string(),
        })
    }

    pub fn pool(&self, topic_id: u64, reputer: &Addr) -> PoolResponse {
        self.query(&QueryMsg::Pool {
            topic_id,
            reputer: reputer.to_string(),
        })
    }

    pub fn pending_removals(&self) -> RemovalsResponse {
        self.query(&QueryMsg::PendingRemovals {
            start_after: None,
            limit: Some(100),
        })
    }

    pub fn due_removals(&self, height: Option<u64>) -> DueRemovalsResponse {
        self.query(&QueryMsg::DueRemovals {
            height,
            limit: Some(100),
        })
    }

    /// Conservation: the contract's balance is exactly what it holds as stake (including
    /// pending removals) plus the reward funds (owed + dust), and what the
    /// known delegations can claim never exceeds the reward funds.
    pub fn assert_conserved(&self) {
        let totals = self.totals();
        let balance = self.balance(&self.staking);
        assert_eq!(
            balance,
            totals.total_staked.u128() + totals.reward_funds.u128(),
            "balance == staked + reward funds"
        );
        let owed: u128 = self
            .positions
            .iter()
            .map(|(d, t, r)| self.delegation(*t, r, d).pending_rewards.u128())
            .sum();
        assert!(
            owed <= totals.reward_funds.u128(),
            "owed {owed} > reward funds {}",
            totals.reward_funds
        );
    }

    /// The rewards dust the contract keeps: reward funds − owed.
    pub fn dust(&self) -> u128 {
        let owed: u128 = self
            .positions
            .iter()
            .map(|(d, t, r)| self.delegation(*t, r, d).pending_rewards.u128())
            .sum();
        self.totals().reward_funds.u128() - owed
    }
}
