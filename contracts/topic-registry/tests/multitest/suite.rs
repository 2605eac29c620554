//! The test suite: one `App`, the registry, nous-testing's mock fee-vault (records what it
//! receives) and mock synthesis (records the registrations pushed to it), and optionally a
//! cw20-base token. One method per user action.

#![allow(dead_code)]

use cosmwasm_std::{coin, Addr, Coin, Decimal, Empty, StdResult, Uint128};
use cw20::Denom;
use cw_multi_test::{App, AppBuilder, AppResponse, Executor};
use nous_chain::SuiteContract;
use nous_testing::{suite_code, TestToken};
use nous_types::topic_registry::{
    ConfigResponse, EpochInfoResponse, ExecuteMsg, FeeResponse, GlobalParams, InstantiateMsg,
    QueryMsg, ReceiveMsg, Registration, RegistrationKey, RegistrationResponse,
    RegistrationsResponse, Role, Topic, TopicParams, TopicsResponse, WhitelistFlags,
};
use std::str::FromStr;
use topic_registry::ContractError;

pub use cw_multi_test::error::AnyResult;

pub const DENOM: &str = "unous";
pub const START_BALANCE: u128 = 1_000_000;
/// The suite's token has 3 decimals, so the default fees are 10_000 (creation, 10 tokens)
/// and 1_000 (registration, 1 token) base units.
pub const DECIMALS: u8 = 3;
pub const USERS: [&str; 6] = ["alice", "bob", "carol", "dave", "erin", "frank"];

// ---- the mock peers: nous-testing's ----------------------------------------------------

pub use nous_testing::mocks::fee_vault::VaultRecord;
pub use nous_testing::mocks::synthesis::SyncRecord;
use nous_testing::mocks::{fee_vault::VaultMockQuery, synthesis::SynthesisMockQuery};

// ---- parameters --------------------------------------------------------------------

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A valid topic: 12-block epochs, 4-block worker window, 2-epoch ground-truth lag.
pub fn topic_params() -> TopicParams {
    TopicParams::defaults("ETH/USD 1h", 12, 4, 24)
}

/// `p` as the registry stores it with the default parameters: rules left out become the
/// default rules (`Rules::IMPROVED`).
pub fn stored(p: &TopicParams) -> TopicParams {
    TopicParams {
        rules: Some(p.rules.unwrap_or(nous_types::params::Rules::IMPROVED)),
        ..p.clone()
    }
}

// ---- the suite ---------------------------------------------------------------------

pub struct SuiteBuilder {
    pub cw20: bool,
    pub with_vault: bool,
    pub whitelists: WhitelistFlags,
    pub params: GlobalParams,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        SuiteBuilder {
            cw20: false,
            with_vault: true,
            whitelists: WhitelistFlags::default(),
            params: GlobalParams::defaults(DECIMALS),
        }
    }
}

pub struct Suite {
    pub app: App,
    pub admin: Addr,
    pub registry: Addr,
    pub registry_code: u64,
    pub vault: Addr,
    /// A mock synthesis recording `SyncRegistration`s; wired only by `wire_synthesis`.
    pub synthesis: Addr,
    pub token: Option<Addr>,
    pub denom: Denom,
    /// The suite's token as nous-testing's `TestToken` (payments and balances).
    pub test_token: TestToken,
    /// Sum of the fees successfully paid through the suite's helpers.
    pub fees_paid: Uint128,
}

pub fn registry_contract() -> Box<dyn cw_multi_test::Contract<Empty>> {
    suite_code(SuiteContract::TopicRegistry)
}

impl SuiteBuilder {
    pub fn cw20(mut self) -> Self {
        self.cw20 = true;
        self
    }
    pub fn without_vault(mut self) -> Self {
        self.with_vault = false;
        self
    }
    pub fn whitelists(mut self, flags: WhitelistFlags) -> Self {
        self.whitelists = flags;
        self
    }
    pub fn params(mut self, params: GlobalParams) -> Self {
        self.params = params;
        self
    }

    pub fn build(self) -> Suite {
        let mut app = AppBuilder::new().build(|router, api, storage| {
            for u in USERS {
                router
                    .bank
                    .init_balance(
                        storage,
                        &api.addr_make(u),
                        vec![coin(START_BALANCE, DENOM), coin(START_BALANCE, "uatom")],
                    )
                    .unwrap();
            }
        });
        let admin = app.api().addr_make("admin");

        let test_token = if self.cw20 {
            let balances: Vec<(Addr, u128)> = USERS
                .iter()
                .map(|u| (app.api().addr_make(u), START_BALANCE))
                .collect();
            TestToken::cw20(&mut app, &admin, 6, &balances).unwrap()
        } else {
            TestToken::native(DENOM)
        };
        let (token, denom) = (test_token.cw20_addr().cloned(), test_token.0.clone());

        let registry_code = app.store_code(registry_contract());
        let vault_code = app.store_code(nous_testing::mocks::fee_vault::contract());
        let registry = app
            .instantiate_contract(
                registry_code,
                admin.clone(),
                &InstantiateMsg {
                    owner: None,
                    denom: denom.clone(),
                    fee_vault: None,
                    params: self.params,
                    whitelists_enabled: self.whitelists,
                },
                &[],
                "topic-registry",
                Some(admin.to_string()),
            )
            .unwrap();
        let vault = app
            .instantiate_contract(vault_code, admin.clone(), &Empty {}, &[], "vault", None)
            .unwrap();
        if self.with_vault {
            app.execute_contract(
                admin.clone(),
                registry.clone(),
                &ExecuteMsg::UpdateConfig {
                    fee_vault: Some(vault.to_string()),
                    synthesis: None,
                },
                &[],
            )
            .unwrap();
        }
        let synthesis_code = app.store_code(nous_testing::mocks::synthesis::contract());
        let synthesis = app
            .instantiate_contract(
                synthesis_code,
                admin.clone(),
                &Empty {},
                &[],
                "synthesis",
                None,
            )
            .unwrap();
        Suite {
            app,
            admin,
            synthesis,
            registry,
            registry_code,
            vault,
            token,
            denom,
            test_token,
            fees_paid: Uint128::zero(),
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

    /// The admin tells the registry of the mock synthesis.
    pub fn wire_synthesis(&mut self) -> AnyResult<AppResponse> {
        let (admin, synthesis) = (self.admin.clone(), self.synthesis.to_string());
        self.execute(
            &admin,
            &ExecuteMsg::UpdateConfig {
                fee_vault: None,
                synthesis: Some(synthesis),
            },
        )
    }

    /// Every registration change the mock synthesis was told of, oldest first.
    pub fn synthesis_syncs(&self) -> Vec<SyncRecord> {
        self.app
            .wrap()
            .query_wasm_smart(&self.synthesis, &SynthesisMockQuery::Syncs {})
            .unwrap()
    }

    pub fn set_height(&mut self, height: u64) {
        self.app.update_block(|b| b.height = height);
    }

    // ---- payments ----

    /// Calls the registry paying `amount`: coins attached (native) or a cw20 `Send` whose
    /// hook is `hook` (cw20 deployments).
    pub fn pay(
        &mut self,
        sender: &Addr,
        amount: u128,
        msg: &ExecuteMsg,
        hook: &ReceiveMsg,
    ) -> AnyResult<AppResponse> {
        let registry = self.registry.clone();
        self.test_token
            .pay(&mut self.app, sender, &registry, amount, msg, hook)
    }

    pub fn create_topic_paying(
        &mut self,
        sender: &Addr,
        params: TopicParams,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let r = self.pay(
            sender,
            amount,
            &ExecuteMsg::CreateTopic {
                params: params.clone(),
            },
            &ReceiveMsg::CreateTopic { params },
        );
        if r.is_ok() {
            self.fees_paid += Uint128::new(amount);
        }
        r
    }

    /// Creates a topic paying exactly the queried fee; returns its id.
    pub fn create_topic(&mut self, sender: &Addr, params: TopicParams) -> AnyResult<u64> {
        let fee = self.create_topic_fee().amount.u128();
        let r = self.create_topic_paying(sender, params, fee)?;
        let id = r
            .events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == "topic_id")
            .map(|a| a.value.parse::<u64>().unwrap())
            .unwrap();
        Ok(id)
    }

    pub fn register_paying(
        &mut self,
        sender: &Addr,
        topic_id: u64,
        role: Role,
        owner: Option<&Addr>,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let owner = owner.map(|o| o.to_string());
        let r = self.pay(
            sender,
            amount,
            &ExecuteMsg::Register {
                topic_id,
                role,
                owner: owner.clone(),
            },
            &ReceiveMsg::Register {
                topic_id,
                role,
                owner,
            },
        );
        if r.is_ok() {
            self.fees_paid += Uint128::new(amount);
        }
        r
    }

    pub fn register(
        &mut self,
        sender: &Addr,
        topic_id: u64,
        role: Role,
        owner: Option<&Addr>,
    ) -> AnyResult<AppResponse> {
        let fee = self.registration_fee().amount.u128();
        self.register_paying(sender, topic_id, role, owner, fee)
    }

    /// A message without funds.
    pub fn execute(&mut self, sender: &Addr, msg: &ExecuteMsg) -> AnyResult<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.registry.clone(), msg, &[])
    }

    pub fn execute_with_funds(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
        funds: &[Coin],
    ) -> AnyResult<AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.registry.clone(), msg, funds)
    }

    // ---- queries ----

    pub fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> StdResult<T> {
        self.app.wrap().query_wasm_smart(&self.registry, msg)
    }

    pub fn config(&self) -> ConfigResponse {
        self.query(&QueryMsg::Config {}).unwrap()
    }

    /// The parameter version as peers read it: raw, through the registry's typed helper.
    pub fn params_version(&self) -> u64 {
        nous_types::topic_registry::TopicRegistryContract(self.registry.clone())
            .params_version(&self.app.wrap())
            .unwrap()
    }

    pub fn params(&self) -> GlobalParams {
        self.query(&QueryMsg::Params {}).unwrap()
    }

    pub fn create_topic_fee(&self) -> FeeResponse {
        self.query(&QueryMsg::CreateTopicFee {}).unwrap()
    }

    pub fn registration_fee(&self) -> FeeResponse {
        self.query(&QueryMsg::RegistrationFee {}).unwrap()
    }

    pub fn topic(&self, topic_id: u64) -> StdResult<Topic> {
        self.query(&QueryMsg::Topic { topic_id })
    }

    pub fn topics(&self, start_after: Option<u64>, limit: Option<u32>) -> Vec<Topic> {
        let r: TopicsResponse = self
            .query(&QueryMsg::Topics { start_after, limit })
            .unwrap();
        r.topics
    }

    pub fn epoch_info(&self, topic_id: u64, height: Option<u64>) -> StdResult<EpochInfoResponse> {
        self.query(&QueryMsg::EpochInfo { topic_id, height })
    }

    pub fn registration(&self, topic_id: u64, role: Role, operator: &Addr) -> Option<Registration> {
        let r: RegistrationResponse = self
            .query(&QueryMsg::Registration {
                topic_id,
                role,
                operator: operator.to_string(),
            })
            .unwrap();
        r.registration
    }

    pub fn registrations(
        &self,
        topic_id: u64,
        role: Role,
        start_after: Option<&Addr>,
        limit: Option<u32>,
    ) -> Vec<Registration> {
        let r: RegistrationsResponse = self
            .query(&QueryMsg::Registrations {
                topic_id,
                role,
                start_after: start_after.map(|a| a.to_string()),
                limit,
            })
            .unwrap();
        r.registrations
    }

    pub fn registrations_by_owner(
        &self,
        owner: &Addr,
        start_after: Option<&Registration>,
        limit: Option<u32>,
    ) -> Vec<Registration> {
        let r: RegistrationsResponse = self
            .query(&QueryMsg::RegistrationsByOwner {
                owner: owner.to_string(),
                start_after: start_after.map(|r| RegistrationKey {
                    topic_id: r.topic_id,
                    role: r.role,
                    operator: r.operator.to_string(),
                }),
                limit,
            })
            .unwrap();
        r.registrations
    }

    pub fn vault_records(&self) -> Vec<VaultRecord> {
        self.app
            .wrap()
            .query_wasm_smart(&self.vault, &VaultMockQuery::Records {})
            .unwrap()
    }

    /// The suite token balance of `who`.
    pub fn balance(&self, who: &Addr) -> Uint128 {
        Uint128::new(self.test_token.balance(&self.app, who).unwrap())
    }

    /// Conservation: the registry keeps nothing; the vault holds exactly the fees paid,
    /// and what it recorded receiving adds up to the same.
    pub fn assert_conservation(&self) {
        assert_eq!(
            self.balance(&self.registry),
            Uint128::zero(),
            "registry holds tokens"
        );
        assert_eq!(
            self.balance(&self.vault),
            self.fees_paid,
            "vault balance != fees paid"
        );
        let recorded: Uint128 = self.vault_records().iter().map(|r| r.amount).sum();
        assert_eq!(recorded, self.fees_paid, "vault records != fees paid");
        // Native coins never linger in the registry either, whatever the deployment.
        let native = self
            .app
            .wrap()
            .query_balance(&self.registry, DENOM)
            .unwrap();
        assert!(native.amount.is_zero());
    }
}

/// Asserts that `result` failed with `expected` somewhere in its error chain.
#[track_caller]
pub fn assert_err<T: std::fmt::Debug>(result: AnyResult<T>, expected: ContractError) {
    let err = result.expect_err("expected an error");
    let found = err.chain().any(|e| {
        e.downcast_ref::<ContractError>()
            .map(|c| *c == expected)
            .unwrap_or(false)
            || e.to_string() == expected.to_string()
    });
    assert!(found, "expected {expected:?} ({expected}), got {err:?}");
}

/// The value of the first attribute `key` of a wasm event.
pub fn attr(r: &AppResponse, key: &str) -> Option<String> {
    r.events
        .iter()
        .filter(|e| e.ty == "wasm")
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}
