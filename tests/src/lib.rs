//! The nous suite deployed on cw-multi-test, as one [`Suite`] that owns the `App` and every
//! address, with one method per user action so that tests read like stories. Built by
//! [`SuiteBuilder`]; used by the multi-contract tests in `tests/tests/` and the simulator.

use anyhow::Result as AnyResult;
use cosmwasm_std::{Addr, SignedDecimal};
use cw20::Denom;
use cw_multi_test::{App, AppResponse};
use nous_chain::{Deployment, SuiteConfig};
use nous_testing::{Nous, NousBuilder, SuiteApp};
use nous_types::reward_distribution as reward_msg;
use nous_types::staking as staking_msg;
use nous_types::synthesis as synthesis_msg;
use nous_types::synthesis::{ForecastElement, LossBundle, NetworkInference};
use nous_types::topic_registry::{GlobalParams, Role, TopicParams};

// Moved to nous-testing; re-exported so that every test keeps its imports.
pub use nous_testing::{
    attr, chain, emission_params, example_consumer_msg, topic_params, AppChain, EmbeddedChain,
    DEFAULT_DECIMALS, DENOM,
};

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
        let security = app.api().addr_make("chain-security");
        let accounts: Vec<(&'static str, Addr)> = self
            .accounts
            .iter()
            .map(|n| (*n, app.api().addr_make(n)))
            .collect();
        let genesis_supply = self.initial_balance * accounts.len() as u128;
        let balances: Vec<(Addr, u128)> = accounts
            .iter()
            .map(|(_, a)| (a.clone(), self.initial_balance))
            .collect();
        let builder = NousBuilder::new()
            .with_admin(admin.clone())
            .with_security_recipient(security.clone())
            .with_total_supply(genesis_supply)
            .with_params(|p| *p = self.params);
        let builder = if self.use_cw20 {
            builder.with_cw20(balances.clone())
        } else {
            builder.with_native(DENOM)
        };
        let (read_fee, unbonding, max_removals) = (
            self.read_fee,
            self.unbonding_blocks,
            self.max_removals_per_call,
        );
        let (min_removal, min_delegation, max_epochs) = (
            self.min_removal,
            self.min_delegation,
            self.max_epochs_per_call,
        );
        let (push, gate) = (self.registrations_pushed, self.activity_gate);
        let builder = builder.with_config(move |c| {
            c.read_fee = read_fee.into();
            c.unbonding_blocks = unbonding;
            c.max_removals_per_call = max_removals;
            c.min_removal = min_removal.into();
            c.min_delegation = min_delegation.into();
            c.max_epochs_per_call = max_epochs;
            c.push_registrations = push;
            c.activity_gate = gate;
        });
        let builder = match self.edit_config {
            Some(edit) => builder.with_config(edit),
            None => builder,
        };
        let nous = builder.deploy(&mut app).expect("the suite deploys");
        if !self.use_cw20 {
            for (a, amount) in &balances {
                nous.fund(&mut app, a, *amount).expect("genesis balance");
            }
        }

        Suite {
            denom: nous.denom.clone(),
            admin,
            accounts,
            registry: nous.registry.clone(),
            vault: nous.vault.clone(),
            staking: nous.staking.clone(),
            synthesis: nous.synthesis.clone(),
            rewards: nous.rewards.clone(),
            security,
            genesis_supply,
            deployment: nous.deployment.clone(),
            app,
            nous,
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
    /// The same deployment as nous-testing's handle (the methods below delegate to it).
    pub nous: Nous,
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
        SuiteApp::advance_blocks(&mut self.app, n);
    }

    /// Runs `msg` on `contract` as `sender`, paying `amount` of the suite's token: native
    /// coins attached, or for a cw20 deployment a `Send` carrying `receive_msg`.
    pub fn pay<E: serde::Serialize + std::fmt::Debug, R: serde::Serialize>(
        &mut self,
        sender: &str,
        contract: Addr,
        amount: u128,
        msg: &E,
        receive_msg: &R,
    ) -> AnyResult<AppResponse> {
        let sender = self.addr(sender);
        self.nous
            .pay(&mut self.app, &sender, &contract, amount, msg, receive_msg)
    }

    // ---- topic-registry -------------------------------------------------------------

    pub fn params(&self) -> GlobalParams {
        self.nous.params(&self.app).expect("params query")
    }

    /// Creates a topic paying the creation fee; returns its id.
    pub fn create_topic(&mut self, creator: &str, params: TopicParams) -> AnyResult<u64> {
        let creator = self.addr(creator);
        self.nous.create_topic(&mut self.app, &creator, params)
    }

    pub fn register(
        &mut self,
        operator: &str,
        topic_id: u64,
        role: Role,
    ) -> AnyResult<AppResponse> {
        let operator = self.addr(operator);
        self.nous.register(&mut self.app, &operator, topic_id, role)
    }

    pub fn unregister(
        &mut self,
        operator: &str,
        topic_id: u64,
        role: Role,
    ) -> AnyResult<AppResponse> {
        let operator = self.addr(operator);
        self.nous
            .unregister(&mut self.app, &operator, topic_id, role)
    }

    /// The epoch of `topic_id` at the current height (the registry's clock).
    pub fn current_epoch(&self, topic_id: u64) -> u64 {
        self.nous
            .current_epoch(&self.app, topic_id)
            .expect("topic query")
    }

    // ---- fee-vault ----------------------------------------------------------------------

    pub fn fund_topic(
        &mut self,
        payer: &str,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let payer = self.addr(payer);
        self.nous
            .fund_topic(&mut self.app, &payer, topic_id, amount)
    }

    pub fn pay_for_read(&mut self, dapp: &str, topic_id: u64) -> AnyResult<AppResponse> {
        let dapp = self.addr(dapp);
        self.nous.pay_for_read(&mut self.app, &dapp, topic_id)
    }

    pub fn fund_treasury(&mut self, payer: &str, amount: u128) -> AnyResult<AppResponse> {
        let payer = self.addr(payer);
        self.nous.fund_treasury(&mut self.app, &payer, amount)
    }

    pub fn treasury(&self) -> u128 {
        self.nous.treasury(&self.app).expect("treasury query")
    }

    pub fn topic_revenue(&self, topic_id: u64, epoch: Option<u64>) -> u128 {
        self.nous
            .topic_revenue(&self.app, topic_id, epoch)
            .expect("revenue query")
    }

    // ---- staking ------------------------------------------------------------------------

    pub fn add_stake(
        &mut self,
        reputer: &str,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let reputer = self.addr(reputer);
        self.nous
            .add_stake(&mut self.app, &reputer, topic_id, amount)
    }

    pub fn delegate(
        &mut self,
        delegator: &str,
        topic_id: u64,
        reputer: &str,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let (delegator, reputer) = (self.addr(delegator), self.addr(reputer));
        self.nous
            .delegate(&mut self.app, &delegator, topic_id, &reputer, amount)
    }

    pub fn remove_stake(
        &mut self,
        reputer: &str,
        topic_id: u64,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let reputer = self.addr(reputer);
        self.nous
            .remove_stake(&mut self.app, &reputer, topic_id, amount)
    }

    pub fn undelegate(
        &mut self,
        delegator: &str,
        topic_id: u64,
        reputer: &str,
        amount: u128,
    ) -> AnyResult<AppResponse> {
        let (delegator, reputer) = (self.addr(delegator), self.addr(reputer));
        self.nous
            .undelegate(&mut self.app, &delegator, topic_id, &reputer, amount)
    }

    pub fn process_removals(&mut self, keeper: &str, limit: Option<u32>) -> AnyResult<AppResponse> {
        let keeper = self.addr(keeper);
        self.nous.process_removals(&mut self.app, &keeper, limit)
    }

    pub fn topic_stake(&self, topic_id: u64, height: Option<u64>) -> u128 {
        self.nous
            .topic_stake(&self.app, topic_id, height)
            .expect("topic stake query")
    }

    pub fn staking_totals(&self) -> staking_msg::TotalsResponse {
        self.nous.staking_totals(&self.app).expect("totals query")
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
        let worker = self.addr(worker);
        self.nous
            .submit_payload(&mut self.app, &worker, topic_id, nonce, inference, forecast)
    }

    /// A worker's payload on a commit–reveal topic, committed to with `salt` (reveal it
    /// with [`Suite::reveal_payload`] and the same arguments).
    pub fn commit_payload(
        &mut self,
        worker: &str,
        topic_id: u64,
        nonce: u64,
        inference: Option<SignedDecimal>,
        forecast: Option<&[ForecastElement]>,
        salt: &[u8],
    ) -> AnyResult<AppResponse> {
        let worker = self.addr(worker);
        self.nous.commit_payload(
            &mut self.app,
            &worker,
            topic_id,
            nonce,
            inference,
            forecast,
            salt,
        )
    }

    pub fn reveal_payload(
        &mut self,
        worker: &str,
        topic_id: u64,
        nonce: u64,
        inference: Option<SignedDecimal>,
        forecast: Option<Vec<ForecastElement>>,
        salt: &[u8],
    ) -> AnyResult<AppResponse> {
        let worker = self.addr(worker);
        self.nous.reveal_payload(
            &mut self.app,
            &worker,
            topic_id,
            nonce,
            inference,
            forecast,
            salt,
        )
    }

    pub fn submit_losses(
        &mut self,
        reputer: &str,
        topic_id: u64,
        nonce: u64,
        bundle: LossBundle,
    ) -> AnyResult<AppResponse> {
        let reputer = self.addr(reputer);
        self.nous
            .submit_losses(&mut self.app, &reputer, topic_id, nonce, bundle)
    }

    /// The permissionless window crank of synthesis.
    pub fn close_windows(
        &mut self,
        keeper: &str,
        topic_id: u64,
        limit: Option<u32>,
    ) -> AnyResult<AppResponse> {
        let keeper = self.addr(keeper);
        self.nous
            .close_windows(&mut self.app, &keeper, topic_id, limit)
    }

    pub fn network_inference(&self, topic_id: u64, nonce: u64) -> AnyResult<NetworkInference> {
        Ok(self.nous.network_inference(&self.app, topic_id, nonce)?)
    }

    pub fn network_losses(
        &self,
        topic_id: u64,
        nonce: u64,
    ) -> AnyResult<synthesis_msg::NetworkLossesResponse> {
        Ok(self.nous.network_losses(&self.app, topic_id, nonce)?)
    }

    pub fn scores(&self, topic_id: u64, nonce: u64) -> AnyResult<synthesis_msg::EpochScores> {
        Ok(self.nous.scores(&self.app, topic_id, nonce)?)
    }

    /// The actor index the registry assigned to `name` in `topic_id`.
    pub fn actor_index(&self, topic_id: u64, name: &str) -> u32 {
        self.nous
            .actor_index(&self.app, topic_id, &self.addr(name))
            .expect("actor index query")
            .unwrap_or_else(|| panic!("{name} has no actor index in topic {topic_id}"))
    }

    // ---- reward-distribution --------------------------------------------------------------

    pub fn activate_topic(&mut self, who: &str, topic_id: u64) -> AnyResult<AppResponse> {
        let who = self.addr(who);
        self.nous.activate_topic(&mut self.app, &who, topic_id)
    }

    /// Settles `topic_id`'s backlog, or cranks over the active topics when `None`.
    pub fn settle(
        &mut self,
        keeper: &str,
        topic_id: Option<u64>,
        limit: Option<u32>,
    ) -> AnyResult<AppResponse> {
        let keeper = self.addr(keeper);
        self.nous.settle(&mut self.app, &keeper, topic_id, limit)
    }

    pub fn claim(&mut self, who: &str) -> AnyResult<AppResponse> {
        let who = self.addr(who);
        self.nous.claim(&mut self.app, &who)
    }

    pub fn claimable(&self, who: &Addr) -> u128 {
        self.nous
            .claimable(&self.app, who)
            .expect("claimable query")
    }

    /// Reward-distribution's status of a topic (its `active` flag gates synthesis).
    pub fn topic_status(&self, topic_id: u64) -> reward_msg::TopicStatusResponse {
        self.nous
            .topic_status(&self.app, topic_id)
            .expect("topic status query")
    }

    /// The reward breakdown of one settled epoch (`None` before it is settled).
    pub fn epoch_reward(&self, topic_id: u64, epoch: u64) -> Option<reward_msg::EpochReward> {
        self.nous
            .epoch_reward(&self.app, topic_id, epoch)
            .expect("epoch reward query")
    }

    /// Any smart query of synthesis.
    pub fn query_synthesis<T: serde::de::DeserializeOwned>(
        &self,
        msg: &synthesis_msg::QueryMsg,
    ) -> AnyResult<T> {
        Ok(self.nous.query_synthesis(&self.app, msg)?)
    }

    /// Any smart query of reward-distribution.
    pub fn query_rewards<T: serde::de::DeserializeOwned>(
        &self,
        msg: &reward_msg::QueryMsg,
    ) -> AnyResult<T> {
        Ok(self.nous.query_rewards(&self.app, msg)?)
    }

    pub fn reward_totals(&self) -> reward_msg::Totals {
        self.nous
            .reward_totals(&self.app)
            .expect("reward totals query")
    }

    // ---- example-consumer ---------------------------------------------------------------

    /// Deploys the example consumer reading this suite's vault and synthesis.
    pub fn deploy_example_consumer(
        &mut self,
        guards: Vec<::example_consumer::msg::Guard>,
        max_age: u64,
    ) -> AnyResult<Addr> {
        self.nous
            .deploy_example_consumer(&mut self.app, guards, max_age)
    }

    /// `payer` has `consumer` pay the read fee of `topic_id` and use its latest inference.
    pub fn use_latest_inference(
        &mut self,
        payer: &str,
        consumer: &Addr,
        topic_id: u64,
        max_age: Option<u64>,
    ) -> AnyResult<AppResponse> {
        let payer = self.addr(payer);
        self.nous
            .use_latest_inference(&mut self.app, &payer, consumer, topic_id, max_age)
    }

    // ---- balances and conservation -------------------------------------------------------

    /// The suite token balance of `who`.
    pub fn balance(&self, who: &Addr) -> u128 {
        self.nous.balance(&self.app, who).expect("balance query")
    }

    /// Every suite contract's raw storage (and the cw20 token's) and every balance: a
    /// refused call must leave it exactly as it was.
    pub fn fingerprint(&self) -> (Vec<Vec<cosmwasm_std::Record>>, Vec<u128>) {
        let mut contracts = vec![
            &self.registry,
            &self.vault,
            &self.staking,
            &self.synthesis,
            &self.rewards,
        ];
        if let Denom::Cw20(token) = &self.denom {
            contracts.push(token);
        }
        let storage = contracts
            .iter()
            .map(|c| self.app.dump_wasm_raw(c))
            .collect();
        let mut holders: Vec<&Addr> = self.accounts.iter().map(|(_, a)| a).collect();
        holders.extend(contracts);
        holders.extend([&self.admin, &self.security]);
        (storage, holders.iter().map(|a| self.balance(a)).collect())
    }

    /// The suite's accounting invariants; call after every step of a story: every
    /// contract's books (`Nous::check_books`), and no token created or lost: accounts +
    /// contracts + the chain-security recipient == genesis supply.
    pub fn assert_conservation(&self) {
        if let Err(e) = self.nous.check_books(&self.app) {
            panic!("{e}");
        }
        let mut all: u128 = self.accounts.iter().map(|(_, a)| self.balance(a)).sum();
        all += self
            .nous
            .contracts()
            .into_iter()
            .chain([&self.security])
            .map(|a| self.balance(a))
            .sum::<u128>();
        assert_eq!(all, self.genesis_supply, "no token created or lost");
    }
}

/// `contract::Variant` of the typed contract error inside `err` (`staking::ZeroAmount`,
/// `vault::Payment::NoFunds`), or `untyped: ...` when no suite contract produced it: the
/// fuzz and the matrices compare refusals by this name.
pub fn error_name(err: &anyhow::Error) -> String {
    fn variant(debug: String) -> String {
        debug
            .split([' ', '{', '(', ')'])
            .next()
            .unwrap_or_default()
            .to_string()
    }
    macro_rules! typed {
        ($name:literal, $t:ty) => {
            if let Some(e) = err.downcast_ref::<$t>() {
                let debug = format!("{e:?}");
                let name = variant(debug.clone());
                // the payment rules are one shared type: name the rule too
                let name = match debug.strip_prefix("Payment(") {
                    Some(rule) => format!("{name}::{}", variant(rule.to_string())),
                    None => name,
                };
                return format!("{}::{}", $name, name);
            }
        };
    }
    typed!("registry", topic_registry::ContractError);
    typed!("vault", fee_vault::ContractError);
    typed!("staking", staking::ContractError);
    typed!("synthesis", synthesis::ContractError);
    typed!("rewards", reward_distribution::ContractError);
    typed!("cw20", cw20_base::ContractError);
    format!("untyped: {err:#}")
}
