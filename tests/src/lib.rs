//! The nous suite deployed on cw-multi-test, as one [`Suite`] that owns the `App` and every
//! address, with one method per user action so that tests read like stories. Built by
//! [`SuiteBuilder`]; used by the multi-contract tests in `tests/tests/` and the simulator.

pub mod chain;

use anyhow::Result as AnyResult;
use cosmwasm_std::SignedDecimal;
use cosmwasm_std::{coins, Addr, Coin, Empty, Uint128};
use cw20::{Cw20Coin, Cw20ExecuteMsg, Denom};
use cw_multi_test::{App, AppResponse, Contract, ContractWrapper, Executor};
use nous_chain::{Deployment, SuiteConfig, SuiteContract};
use nous_types::fee_vault as vault_msg;
use nous_types::reward_distribution as reward_msg;
use nous_types::staking as staking_msg;
use nous_types::synthesis as synthesis_msg;
use nous_types::synthesis::{ForecastElement, LossBundle, NetworkInference};
use nous_types::topic_registry as registry_msg;
use nous_types::topic_registry::{GlobalParams, Role, TopicParams};

pub const DENOM: &str = "unous";
/// The suite's token by default: 6 decimals, as most Cosmos chains' (`with_decimals`).
pub const DEFAULT_DECIMALS: u8 = 6;

pub use chain::{AppChain, EmbeddedChain};

/// Emission parameters of the test deployments: the reference rates with a supply in
/// the same base units as the accounts' balances.
pub fn emission_params(total_supply: u128) -> reward_msg::EmissionParams {
    nous_chain::reference_emission(total_supply)
}

fn cw20_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        cw20_base::contract::execute,
        cw20_base::contract::instantiate,
        cw20_base::contract::query,
    ))
}

/// A last change to the deploy plan's configuration (`SuiteBuilder::with_config`).
type ConfigEdit = Box<dyn FnOnce(&mut SuiteConfig)>;

/// How the suite is deployed.
pub struct SuiteBuilder {
    /// Accounts funded at genesis with `initial_balance` each.
    accounts: Vec<&'static str>,
    initial_balance: u128,
    /// The registry's parameters; `params.token_decimals` are the token's decimals.
    params: GlobalParams,
    read_fee: u128,
    unbonding_blocks: u64,
    max_removals_per_call: u32,
    min_removal: u128,
    min_delegation: u128,
    use_cw20: bool,
    max_epochs_per_call: Option<u32>,
    activity_gate: bool,
    registrations_pushed: bool,
    edit_config: Option<ConfigEdit>,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl SuiteBuilder {
    pub fn new() -> Self {
        Self {
            accounts: vec![],
            initial_balance: 1_000_000_000,
            params: GlobalParams::defaults(DEFAULT_DECIMALS),
            read_fee: 500,
            unbonding_blocks: 20,
            max_removals_per_call: 3,
            min_removal: 100,
            min_delegation: 100,
            use_cw20: false,
            max_epochs_per_call: None,
            activity_gate: true,
            registrations_pushed: true,
            edit_config: None,
        }
    }

    pub fn with_accounts(mut self, names: &[&'static str]) -> Self {
        self.accounts.extend_from_slice(names);
        self
    }

    /// A token of `decimals` decimals, with the default parameters for it (call before
    /// `with_params`, which edits them).
    pub fn with_decimals(mut self, decimals: u8) -> Self {
        self.params = GlobalParams::defaults(decimals);
        self
    }

    pub fn with_params(mut self, f: impl FnOnce(&mut GlobalParams)) -> Self {
        f(&mut self.params);
        self
    }

    pub fn with_removals(mut self, unbonding_blocks: u64, max_per_call: u32) -> Self {
        self.unbonding_blocks = unbonding_blocks;
        self.max_removals_per_call = max_per_call;
        self
    }

    /// Caps the epochs one `Settle` call handles (reward-distribution's per-call bound).
    pub fn with_max_epochs_per_call(mut self, n: u32) -> Self {
        self.max_epochs_per_call = Some(n);
        self
    }

    /// Deploy without telling synthesis where reward-distribution is: synthesis then opens
    /// nonces of every registered topic, active or not (by default it refuses payloads of a
    /// topic whose reward-distribution `TopicStatus` is inactive).
    /// The registry is not told of synthesis, so synthesis reads every registration from
    /// the registry (the deployment where the registry was wired late or never).
    pub fn without_registration_push(mut self) -> Self {
        self.registrations_pushed = false;
        self
    }

    pub fn without_activity_gate(mut self) -> Self {
        self.activity_gate = false;
        self
    }

    pub fn with_initial_balance(mut self, amount: u128) -> Self {
        self.initial_balance = amount;
        self
    }

    pub fn with_read_fee(mut self, amount: u128) -> Self {
        self.read_fee = amount;
        self
    }

    /// Changes the deploy plan's configuration last, after every other setting (e.g. the
    /// emission parameters).
    pub fn with_config(mut self, edit: impl FnOnce(&mut SuiteConfig) + 'static) -> Self {
        self.edit_config = Some(Box::new(edit));
        self
    }

    /// Deploy with a cw20-base token as the suite's denom instead of a native coin.
    pub fn with_cw20(mut self) -> Self {
        self.use_cw20 = true;
        self
    }

    pub fn build(self) -> Suite {
        let mut app = App::default();
        let admin = app.api().addr_make("admin");
        let accounts: Vec<(&'static str, Addr)> = self
            .accounts
            .iter()
            .map(|n| (*n, app.api().addr_make(n)))
            .collect();

        let denom = if self.use_cw20 {
            let code = app.store_code(cw20_contract());
            let token = app
                .instantiate_contract(
                    code,
                    admin.clone(),
                    &cw20_base::msg::InstantiateMsg {
                        name: "Nous token".into(),
                        symbol: "NOUS".into(),
                        decimals: self.params.token_decimals,
                        initial_balances: accounts
                            .iter()
                            .map(|(_, a)| Cw20Coin {
                                address: a.to_string(),
                                amount: Uint128::new(self.initial_balance),
                            })
                            .collect(),
                        mint: None,
                        marketing: None,
                    },
                    &[],
                    "token",
                    None,
                )
                .expect("cw20 token instantiates");
            Denom::Cw20(token)
        } else {
            app.init_modules(|router, _, storage| {
                for (_, a) in &accounts {
                    router
                        .bank
                        .init_balance(storage, a, coins(self.initial_balance, DENOM))
                        .expect("genesis balance");
                }
            });
            Denom::Native(DENOM.into())
        };

        let genesis_supply = self.initial_balance * accounts.len() as u128;
        let security = app.api().addr_make("chain-security");
        let mut config = SuiteConfig::new(
            admin.to_string(),
            denom.clone(),
            self.params.token_decimals,
            security.to_string(),
            genesis_supply,
        );
        config.params = self.params;
        config.read_fee = Uint128::new(self.read_fee);
        config.unbonding_blocks = self.unbonding_blocks;
        config.max_removals_per_call = self.max_removals_per_call;
        config.min_removal = Uint128::new(self.min_removal);
        config.min_delegation = Uint128::new(self.min_delegation);
        config.max_epochs_per_call = self.max_epochs_per_call;
        config.push_registrations = self.registrations_pushed;
        config.activity_gate = self.activity_gate;
        if let Some(edit) = self.edit_config {
            edit(&mut config);
        }
        // The deploy plan of nous-chain: the same order and wiring as on a real node.
        let mut deployment = Deployment::new(app.block_info().chain_id, config);
        nous_chain::deploy(
            &mut AppChain::borrowed(&mut app),
            &mut deployment,
            &mut |_, _, _| Ok(()),
        )
        .expect("the suite deploys");
        let addr = |c: SuiteContract| {
            deployment
                .address(c)
                .cloned()
                .expect("every suite contract is instantiated")
        };
        let (registry, vault, staking, synthesis, rewards) = (
            addr(SuiteContract::TopicRegistry),
            addr(SuiteContract::FeeVault),
            addr(SuiteContract::Staking),
            addr(SuiteContract::Synthesis),
            addr(SuiteContract::RewardDistribution),
        );

        Suite {
            app,
            denom,
            admin,
            accounts,
            registry,
            vault,
            staking,
            synthesis,
            rewards,
            security,
            genesis_supply,
            deployment,
        }
    }
}

/// The deployed suite and its actors.
pub struct Suite {
    pub app: App,
    pub denom: Denom,
    pub admin: Addr,
    pub accounts: Vec<(&'static str, Addr)>,
    pub registry: Addr,
    pub vault: Addr,
    pub staking: Addr,
    pub synthesis: Addr,
    pub rewards: Addr,
    /// Receives the chain-security share of every emission.
    pub security: Addr,
    /// Every token that exists: what the accounts received at genesis.
    pub genesis_supply: u128,
    /// The deploy plan's record of this deployment (code ids, addresses, wiring).
    pub deployment: Deployment,
}

/// A topic's parameters with the chain defaults (the simulator's) and the given timing.
pub fn topic_params(epoch_length: u64, window: u64, lag: u64) -> TopicParams {
    TopicParams::defaults("ETH/USD in 5 minutes", epoch_length, window, lag)
}

impl Suite {
    pub fn addr(&self, name: &str) -> Addr {
        self.accounts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| a.clone())
            .unwrap_or_else(|| panic!("unknown account {name}"))
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

    /// Runs `msg` on `contract` as `sender`, paying `amount` of the suite's token: native
    /// coins attached, or for a cw20 deployment a `Send` carrying `receive_msg`.
    fn pay<E: serde::Serialize + std::fmt::Debug, R: serde::Serialize>(
        &mut self,
        sender: &str,
        contract: Addr,
        amount: u128,
        msg: &E,
        receive_msg: &R,
    ) -> AnyResult<AppResponse> {
        let sender = self.addr(sender);
        match self.denom.clone() {
            Denom::Native(d) => {
                let funds: Vec<Coin> = if amount == 0 {
                    vec![]
                } else {
                    coins(amount, d)
                };
                self.app.execute_contract(sender, contract, msg, &funds)
            }
            Denom::Cw20(token) => self.app.execute_contract(
                sender,
                token,
                &Cw20ExecuteMsg::Send {
                    contract: contract.to_string(),
                    amount: Uint128::new(amount),
                    msg: cosmwasm_std::to_json_binary(receive_msg)?,
                },
                &[],
            ),
        }
    }

    fn call<E: serde::Serialize + std::fmt::Debug>(
        &mut self,
        sender: &str,
        contract: Addr,
        msg: &E,
    ) -> AnyResult<AppResponse> {
        let sender = self.addr(sender);
        self.app.execute_contract(sender, contract, msg, &[])
    }

    // ---- topic-registry -------------------------------------------------------------

    pub fn params(&self) -> GlobalParams {
        self.app
            .wrap()
            .query_wasm_smart(&self.registry, &registry_msg::QueryMsg::Params {})
            .expect("params query")
    }

    /// Creates a topic paying the creation fee; returns its id.
    pub fn create_topic(&mut self, creator: &str, params: TopicParams) -> AnyResult<u64> {
        let fee = self.params().registry.create_topic_fee.u128();
        let res = self.pay(
            creator,
            self.registry.clone(),
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

    pub fn register(
        &mut self,
        operator: &str,
        topic_id: u64,
        role: Role,
    ) -> AnyResult<AppResponse> {
        let fee = self.params().registry.registration_fee.u128();
        self.pay(
            operator,
            self.registry.clone(),
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

    pub fn unregister(
        &mut self,
        operator: &str,
        topic_id: u64,
        role: Role,
    ) -> AnyResult<AppResponse> {
        let op = self.addr(operator).to_string();
        self.call(
            operator,
            self.registry.clone(),
            &registry_msg::ExecuteMsg::Unregister {
                topic_id,
                role,
                operator: op,
            },
        )
    }

    /// The epoch of `topic_id` at the current height (the registry's clock).
    pub fn current_epoch(&self, topic_id: u64) -> u64 {
        let topic: nous_types::topic_registry::Topic = self
            .app
            .wrap()
            .query_wasm_smart(&self.registry, &registry_msg::QueryMsg::Topic { topic_id })
            .expect("topic query");
        topic.clock().epoch_at(self.height()).unwrap_or(0)
    }

    // ---- fee-vault ----------------------------------------------------------------------

    pub fn fund_topic(
        &mut self,
        payer: &str,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.pay(
            payer,
            self.vault.clone(),
            amount,
            &vault_msg::ExecuteMsg::FundTopic { topic_id },
            &vault_msg::ReceiveMsg::FundTopic { topic_id },
        )
    }

    pub fn pay_for_read(&mut self, dapp: &str, topic_id: u64) -> AnyResult<AppResponse> {
        let fee: vault_msg::ReadFeeResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.vault, &vault_msg::QueryMsg::ReadFee { topic_id })?;
        self.pay(
            dapp,
            self.vault.clone(),
            fee.amount.u128(),
            &vault_msg::ExecuteMsg::PayForRead { topic_id },
            &vault_msg::ReceiveMsg::PayForRead { topic_id },
        )
    }

    pub fn fund_treasury(&mut self, payer: &str, amount: u128) -> AnyResult<AppResponse> {
        self.pay(
            payer,
            self.vault.clone(),
            amount,
            &vault_msg::ExecuteMsg::FundTreasury {},
            &vault_msg::ReceiveMsg::FundTreasury {},
        )
    }

    pub fn treasury(&self) -> u128 {
        let r: vault_msg::TreasuryResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.vault, &vault_msg::QueryMsg::Treasury {})
            .expect("treasury query");
        r.balance.u128()
    }

    pub fn topic_revenue(&self, topic_id: u64, epoch: Option<u64>) -> u128 {
        let r: vault_msg::TopicRevenueResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.vault,
                &vault_msg::QueryMsg::TopicRevenue { topic_id, epoch },
            )
            .expect("revenue query");
        r.revenue.u128()
    }

    // ---- staking ------------------------------------------------------------------------

    pub fn add_stake(
        &mut self,
        reputer: &str,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.pay(
            reputer,
            self.staking.clone(),
            amount,
            &staking_msg::ExecuteMsg::AddStake { topic_id },
            &staking_msg::ReceiveMsg::AddStake { topic_id },
        )
    }

    pub fn delegate(
        &mut self,
        delegator: &str,
        topic_id: u64,
        reputer: &str,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let reputer = self.addr(reputer).to_string();
        self.pay(
            delegator,
            self.staking.clone(),
            amount,
            &staking_msg::ExecuteMsg::Delegate {
                topic_id,
                reputer: reputer.clone(),
            },
            &staking_msg::ReceiveMsg::Delegate { topic_id, reputer },
        )
    }

    pub fn remove_stake(
        &mut self,
        reputer: &str,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        self.call(
            reputer,
            self.staking.clone(),
            &staking_msg::ExecuteMsg::RemoveStake {
                topic_id,
                amount: Uint128::new(amount),
            },
        )
    }

    pub fn undelegate(
        &mut self,
        delegator: &str,
        topic_id: u64,
        reputer: &str,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let reputer = self.addr(reputer).to_string();
        self.call(
            delegator,
            self.staking.clone(),
            &staking_msg::ExecuteMsg::Undelegate {
                topic_id,
                reputer,
                amount: Uint128::new(amount),
            },
        )
    }

    pub fn process_removals(&mut self, keeper: &str, limit: Option<u32>) -> AnyResult<AppResponse> {
        self.call(
            keeper,
            self.staking.clone(),
            &staking_msg::ExecuteMsg::ProcessRemovals { limit },
        )
    }

    pub fn topic_stake(&self, topic_id: u64, height: Option<u64>) -> u128 {
        let r: staking_msg::TopicStakeResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.staking,
                &staking_msg::QueryMsg::TopicStake { topic_id, height },
            )
            .expect("topic stake query");
        r.total.u128()
    }

    pub fn staking_totals(&self) -> staking_msg::TotalsResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.staking, &staking_msg::QueryMsg::Totals {})
            .expect("totals query")
    }

    // ---- synthesis ----------------------------------------------------------------------

    /// A worker's payload for `nonce`: an inference and/or forecast elements.
    pub fn submit_payload(
        &mut self,
        worker: &str,
        topic_id: u64,
        nonce: u64,
        inference: Option<SignedDecimal>,
        forecast: Option<Vec<ForecastElement>>,
    ) -> AnyResult<AppResponse> {
        self.call(
            worker,
            self.synthesis.clone(),
            &synthesis_msg::ExecuteMsg::SubmitWorkerPayload {
                topic_id,
                nonce,
                inference,
                forecast,
            },
        )
    }

    pub fn submit_losses(
        &mut self,
        reputer: &str,
        topic_id: u64,
        nonce: u64,
        bundle: LossBundle,
    ) -> AnyResult<AppResponse> {
        self.call(
            reputer,
            self.synthesis.clone(),
            &synthesis_msg::ExecuteMsg::SubmitLossBundle {
                topic_id,
                nonce,
                bundle,
            },
        )
    }

    /// The permissionless window crank of synthesis.
    pub fn close_windows(
        &mut self,
        keeper: &str,
        topic_id: u64,
        limit: Option<u32>,
    ) -> AnyResult<AppResponse> {
        self.call(
            keeper,
            self.synthesis.clone(),
            &synthesis_msg::ExecuteMsg::CloseWindows { topic_id, limit },
        )
    }

    pub fn network_inference(&self, topic_id: u64, nonce: u64) -> AnyResult<NetworkInference> {
        let r: synthesis_msg::NetworkInferenceResponse = self.app.wrap().query_wasm_smart(
            &self.synthesis,
            &synthesis_msg::QueryMsg::NetworkInference { topic_id, nonce },
        )?;
        Ok(r.inference)
    }

    pub fn network_losses(
        &self,
        topic_id: u64,
        nonce: u64,
    ) -> AnyResult<synthesis_msg::NetworkLossesResponse> {
        Ok(self.app.wrap().query_wasm_smart(
            &self.synthesis,
            &synthesis_msg::QueryMsg::NetworkLosses { topic_id, nonce },
        )?)
    }

    pub fn scores(&self, topic_id: u64, nonce: u64) -> AnyResult<synthesis_msg::EpochScores> {
        Ok(self.app.wrap().query_wasm_smart(
            &self.synthesis,
            &synthesis_msg::QueryMsg::Scores { topic_id, nonce },
        )?)
    }

    /// The actor index the registry assigned to `name` in `topic_id`.
    pub fn actor_index(&self, topic_id: u64, name: &str) -> u32 {
        let r: registry_msg::ActorIndexResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.registry,
                &registry_msg::QueryMsg::ActorIndex {
                    topic_id,
                    address: self.addr(name).to_string(),
                },
            )
            .expect("actor index query");
        r.actor_index
            .unwrap_or_else(|| panic!("{name} has no actor index in topic {topic_id}"))
    }

    // ---- reward-distribution --------------------------------------------------------------

    pub fn activate_topic(&mut self, who: &str, topic_id: u64) -> AnyResult<AppResponse> {
        self.call(
            who,
            self.rewards.clone(),
            &reward_msg::ExecuteMsg::ActivateTopic { topic_id },
        )
    }

    /// Settles `topic_id`'s backlog, or cranks over the active topics when `None`.
    pub fn settle(
        &mut self,
        keeper: &str,
        topic_id: Option<u64>,
        limit: Option<u32>,
    ) -> AnyResult<AppResponse> {
        self.call(
            keeper,
            self.rewards.clone(),
            &reward_msg::ExecuteMsg::Settle { topic_id, limit },
        )
    }

    pub fn claim(&mut self, who: &str) -> AnyResult<AppResponse> {
        self.call(who, self.rewards.clone(), &reward_msg::ExecuteMsg::Claim {})
    }

    pub fn claimable(&self, who: &Addr) -> u128 {
        let r: reward_msg::ClaimableResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.rewards,
                &reward_msg::QueryMsg::Claimable {
                    address: who.to_string(),
                },
            )
            .expect("claimable query");
        r.amount.u128()
    }

    /// Reward-distribution's status of a topic (its `active` flag gates synthesis).
    pub fn topic_status(&self, topic_id: u64) -> reward_msg::TopicStatusResponse {
        self.app
            .wrap()
            .query_wasm_smart(
                &self.rewards,
                &reward_msg::QueryMsg::TopicStatus { topic_id },
            )
            .expect("topic status query")
    }

    /// The reward breakdown of one settled epoch (`None` before it is settled).
    pub fn epoch_reward(&self, topic_id: u64, epoch: u64) -> Option<reward_msg::EpochReward> {
        let r: reward_msg::EpochRewardResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.rewards,
                &reward_msg::QueryMsg::EpochReward { topic_id, epoch },
            )
            .expect("epoch reward query");
        r.reward
    }

    /// Any smart query of synthesis.
    pub fn query_synthesis<T: serde::de::DeserializeOwned>(
        &self,
        msg: &synthesis_msg::QueryMsg,
    ) -> AnyResult<T> {
        Ok(self.app.wrap().query_wasm_smart(&self.synthesis, msg)?)
    }

    /// Any smart query of reward-distribution.
    pub fn query_rewards<T: serde::de::DeserializeOwned>(
        &self,
        msg: &reward_msg::QueryMsg,
    ) -> AnyResult<T> {
        Ok(self.app.wrap().query_wasm_smart(&self.rewards, msg)?)
    }

    // ---- example-consumer ---------------------------------------------------------------

    /// Deploys the example consumer reading this suite's vault and synthesis.
    pub fn deploy_example_consumer(
        &mut self,
        guards: Vec<::example_consumer::msg::Guard>,
        max_age: u64,
    ) -> AnyResult<Addr> {
        let code = self
            .deployment
            .code_id(SuiteContract::ExampleConsumer)
            .ok_or_else(|| anyhow::anyhow!("the example consumer's code is not stored"))?;
        self.app.instantiate_contract(
            code,
            self.admin.clone(),
            &::example_consumer::msg::InstantiateMsg {
                fee_vault: self.vault.to_string(),
                synthesis: self.synthesis.to_string(),
                guards,
                max_age,
                history_limit: None,
            },
            &[],
            "example-consumer",
            None,
        )
    }

    /// `payer` has `consumer` pay the read fee of `topic_id` and use its latest inference.
    pub fn use_latest_inference(
        &mut self,
        payer: &str,
        consumer: &Addr,
        topic_id: u64,
        max_age: Option<u64>,
    ) -> AnyResult<AppResponse> {
        let fee: vault_msg::ReadFeeResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.vault, &vault_msg::QueryMsg::ReadFee { topic_id })?;
        self.pay(
            payer,
            consumer.clone(),
            fee.amount.u128(),
            &::example_consumer::msg::ExecuteMsg::UseLatestInference { topic_id, max_age },
            &::example_consumer::msg::ReceiveMsg::UseLatestInference { topic_id, max_age },
        )
    }

    pub fn reward_totals(&self) -> reward_msg::Totals {
        self.app
            .wrap()
            .query_wasm_smart(&self.rewards, &reward_msg::QueryMsg::Totals {})
            .expect("reward totals query")
    }

    // ---- balances and conservation -------------------------------------------------------

    /// The suite token balance of `who`.
    pub fn balance(&self, who: &Addr) -> u128 {
        match &self.denom {
            Denom::Native(d) => self
                .app
                .wrap()
                .query_balance(who, d)
                .expect("bank balance")
                .amount
                .u128(),
            Denom::Cw20(token) => {
                let r: cw20::BalanceResponse = self
                    .app
                    .wrap()
                    .query_wasm_smart(
                        token,
                        &cw20::Cw20QueryMsg::Balance {
                            address: who.to_string(),
                        },
                    )
                    .expect("cw20 balance");
                r.balance.u128()
            }
        }
    }

    /// The suite's accounting invariants; call after every step of a story.
    /// - the registry holds nothing (every fee is forwarded in the same transaction);
    /// - the vault's balance equals its treasury;
    /// - staking's balance equals all stake plus delegator reward funds (owed + dust);
    /// - reward-distribution's balance equals what is claimable plus carried dust plus the
    ///   payouts parked after a refusal;
    /// - synthesis holds nothing;
    /// - no token was created or lost: accounts + contracts + the chain-security recipient
    ///   == genesis supply.
    pub fn assert_conservation(&self) {
        assert_eq!(self.balance(&self.registry), 0, "registry keeps no tokens");
        assert_eq!(
            self.balance(&self.vault),
            self.treasury(),
            "vault balance == treasury"
        );
        let totals = self.staking_totals();
        assert_eq!(
            self.balance(&self.staking),
            totals.total_staked.u128() + totals.reward_funds.u128(),
            "staking balance == stake + reward funds"
        );
        let rewards = self.reward_totals();
        assert_eq!(
            self.balance(&self.rewards),
            rewards.claimable.u128() + rewards.dust.u128() + rewards.parked.u128(),
            "reward-distribution balance == claimable + dust + parked"
        );
        assert_eq!(
            self.balance(&self.synthesis),
            0,
            "synthesis holds no tokens"
        );
        let mut all: u128 = self.accounts.iter().map(|(_, a)| self.balance(a)).sum();
        all += [
            &self.registry,
            &self.vault,
            &self.staking,
            &self.synthesis,
            &self.rewards,
            &self.security,
        ]
        .iter()
        .map(|a| self.balance(a))
        .sum::<u128>();
        assert_eq!(all, self.genesis_supply, "no token created or lost");
    }
}

/// The value of the first attribute named `key` in any event of `res`.
pub fn attr(res: &AppResponse, key: &str) -> Option<String> {
    res.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}
