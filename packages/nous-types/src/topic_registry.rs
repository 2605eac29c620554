//! Messages of the topic-registry contract.
//!
//! INTERFACE NOTE (for the other contracts): `Topic`, `GlobalParams`, `Role`,
//! `Registration`, the query variants `Params`, `Topic`, `Registration` and the
//! `TopicRegistryContract` helper methods below are used by fee-vault, staking, synthesis
//! and reward-distribution. Extend them; do not rename or remove fields without updating
//! every caller.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Decimal, QuerierWrapper, StdResult, Uint128};
use cw20::{Cw20ReceiveMsg, Denom};
use cw_ownable::{cw_ownable_execute, cw_ownable_query};

use crate::clock::{EpochClock, HeightWindow};

/// A worker (inferences and/or forecasts) or a reputer (loss reports, stake).
#[cw_serde]
#[derive(Copy, Eq, PartialOrd, Ord)]
pub enum Role {
    Worker,
    Reputer,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Worker => "worker",
            Role::Reputer => "reputer",
        }
    }
}

/// A participant's registration in one topic and role. The operator key submits; the
/// owner receives rewards and may change ownership (two steps).
#[cw_serde]
pub struct Registration {
    pub topic_id: u64,
    pub role: Role,
    /// The key that submits payloads (the registering sender).
    pub operator: Addr,
    /// Receives rewards; defaults to the operator.
    pub owner: Addr,
    /// Set by the owner, accepted by the new owner.
    pub pending_owner: Option<Addr>,
    /// A compact per-topic actor index (assigned at first registration, never reused);
    /// the maths package identifies actors by it.
    pub actor_index: u32,
    pub registered_at: u64,
}

/// Module parameters (MATH.md §2.1) plus fees, minimum stake and caps, admin-owned and
/// re-validated as a whole on every update.
// Its JSON reader is `deserialize_by_field!` below instead of derived (Wasm locals);
// the JSON, schema and errors are the same as `#[cw_serde]`'s.
#[derive(serde::Serialize, Clone, Debug, PartialEq, schemars::JsonSchema)]
#[allow(clippy::derive_partial_eq_without_eq)]
#[serde(deny_unknown_fields, crate = "::cosmwasm_schema::serde")]
#[schemars(crate = "::cosmwasm_schema::schemars")]
pub struct GlobalParams {
    // §3, §6.3: regret → weight and topic initial regret
    pub c_norm: Decimal,
    pub epsilon_safe_div: Decimal,
    pub initial_regret_quantile: Decimal,
    pub p_norm_safe_div: Decimal,
    // §7.3 reputer consensus
    pub epsilon_reputer: Decimal,
    pub learning_rate: Decimal,
    pub gradient_descent_max_iters: u32,
    pub max_gradient_threshold: Decimal,
    pub min_stake_fraction: Decimal,
    // §8 reward fractions and entropy
    pub p_reward_inference: Decimal,
    pub p_reward_forecast: Decimal,
    pub p_reward_reputer: Decimal,
    pub c_reward_inference: Decimal,
    pub c_reward_forecast: Decimal,
    pub task_reward_alpha: Decimal,
    pub beta_entropy: Decimal,
    pub max_samples_to_scale_scores: u32,
    // §9 topic weight
    pub topic_reward_stake_importance: Decimal,
    pub topic_reward_fee_revenue_importance: Decimal,
    pub topic_reward_alpha: Decimal,
    pub min_topic_weight: Decimal,
    // §10 emission
    pub chain_security_share: Decimal,
    pub blocks_per_month: u64,
    // §11 active sets
    pub max_top_inferers_to_reward: u32,
    pub max_top_forecasters_to_reward: u32,
    pub max_top_reputers_to_reward: u32,
    pub max_elements_per_forecast: u32,
    // topics and participants
    pub min_epoch_length: u64,
    pub max_ground_truth_lag_epochs: u64,
    pub required_minimum_stake: Uint128,
    pub create_topic_fee: Uint128,
    pub registration_fee: Uint128,
    pub max_string_bytes: u32,
}

/// A topic's parameters as chosen by its creator (MATH.md §2.2, DESIGN.md).
#[cw_serde]
pub struct TopicParams {
    pub metadata: String,
    pub loss_method: String,
    pub epoch_length: u64,
    pub worker_submission_window: u64,
    pub ground_truth_lag: u64,
    pub p_norm: Decimal,
    pub alpha_regret: Decimal,
    pub allow_negative: bool,
    pub epsilon: Decimal,
    pub merit_sortition_alpha: Decimal,
    pub active_inferer_quantile: Decimal,
    pub active_forecaster_quantile: Decimal,
    pub active_reputer_quantile: Decimal,
}

/// A stored topic.
#[cw_serde]
pub struct Topic {
    pub id: u64,
    pub creator: Addr,
    pub params: TopicParams,
    /// First block of epoch 0.
    pub start_height: u64,
}

impl Topic {
    pub fn clock(&self) -> EpochClock {
        EpochClock {
            start_height: self.start_height,
            epoch_length: self.params.epoch_length,
            worker_window: self.params.worker_submission_window,
            ground_truth_lag: self.params.ground_truth_lag,
        }
    }
}

impl GlobalParams {
    /// The reference chain's defaults (MATH.md §2.1) plus the suite's fees and caps.
    /// Token amounts (`required_minimum_stake`, the fees) are in base units of the suite's
    /// token; the fees are deliberately not negligible (SECURITY.md §3, spam).
    pub fn defaults() -> Self {
        GlobalParams {
            c_norm: Decimal::permille(750),
            // 1e-7 = 1e11 atomics of 1e18
            epsilon_safe_div: Decimal::raw(100_000_000_000),
            initial_regret_quantile: Decimal::percent(25),
            p_norm_safe_div: Decimal::permille(8_250),
            epsilon_reputer: Decimal::percent(1),
            learning_rate: Decimal::percent(5),
            gradient_descent_max_iters: 10,
            max_gradient_threshold: Decimal::permille(1),
            min_stake_fraction: Decimal::percent(50),
            p_reward_inference: Decimal::one(),
            p_reward_forecast: Decimal::percent(300),
            p_reward_reputer: Decimal::percent(300),
            c_reward_inference: Decimal::permille(750),
            c_reward_forecast: Decimal::permille(750),
            task_reward_alpha: Decimal::percent(10),
            beta_entropy: Decimal::percent(25),
            max_samples_to_scale_scores: 10,
            topic_reward_stake_importance: Decimal::percent(50),
            topic_reward_fee_revenue_importance: Decimal::percent(50),
            topic_reward_alpha: Decimal::percent(50),
            min_topic_weight: Decimal::percent(10_000),
            chain_security_share: Decimal::percent(25),
            blocks_per_month: 864_000,
            max_top_inferers_to_reward: 32,
            max_top_forecasters_to_reward: 6,
            max_top_reputers_to_reward: 6,
            max_elements_per_forecast: 12,
            min_epoch_length: 12,
            max_ground_truth_lag_epochs: 100,
            required_minimum_stake: Uint128::new(10_000),
            create_topic_fee: Uint128::new(10_000),
            registration_fee: Uint128::new(1_000),
            max_string_bytes: 255,
        }
    }
}

impl Default for GlobalParams {
    fn default() -> Self {
        Self::defaults()
    }
}

crate::deserialize_by_field!(
    GlobalParams = GlobalParams::defaults();
    c_norm,
    epsilon_safe_div,
    initial_regret_quantile,
    p_norm_safe_div,
    epsilon_reputer,
    learning_rate,
    gradient_descent_max_iters,
    max_gradient_threshold,
    min_stake_fraction,
    p_reward_inference,
    p_reward_forecast,
    p_reward_reputer,
    c_reward_inference,
    c_reward_forecast,
    task_reward_alpha,
    beta_entropy,
    max_samples_to_scale_scores,
    topic_reward_stake_importance,
    topic_reward_fee_revenue_importance,
    topic_reward_alpha,
    min_topic_weight,
    chain_security_share,
    blocks_per_month,
    max_top_inferers_to_reward,
    max_top_forecasters_to_reward,
    max_top_reputers_to_reward,
    max_elements_per_forecast,
    min_epoch_length,
    max_ground_truth_lag_epochs,
    required_minimum_stake,
    create_topic_fee,
    registration_fee,
    max_string_bytes,
);

/// Which optional whitelist a message or query is about.
#[cw_serde]
#[derive(Copy, Eq, PartialOrd, Ord)]
pub enum WhitelistKind {
    TopicCreators,
    Workers,
    Reputers,
}

impl WhitelistKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            WhitelistKind::TopicCreators => "topic_creators",
            WhitelistKind::Workers => "workers",
            WhitelistKind::Reputers => "reputers",
        }
    }

    /// The whitelist that gates registration in `role`.
    pub fn for_role(role: Role) -> Self {
        match role {
            Role::Worker => WhitelistKind::Workers,
            Role::Reputer => WhitelistKind::Reputers,
        }
    }
}

/// Which whitelists are enforced. All off by default (permissionless).
#[cw_serde]
#[derive(Copy, Default, Eq)]
pub struct WhitelistFlags {
    #[serde(default)]
    pub topic_creators: bool,
    #[serde(default)]
    pub workers: bool,
    #[serde(default)]
    pub reputers: bool,
}

impl WhitelistFlags {
    pub fn is_enabled(&self, list: WhitelistKind) -> bool {
        match list {
            WhitelistKind::TopicCreators => self.topic_creators,
            WhitelistKind::Workers => self.workers,
            WhitelistKind::Reputers => self.reputers,
        }
    }

    pub fn set(&mut self, list: WhitelistKind, enabled: bool) {
        match list {
            WhitelistKind::TopicCreators => self.topic_creators = enabled,
            WhitelistKind::Workers => self.workers = enabled,
            WhitelistKind::Reputers => self.reputers = enabled,
        }
    }
}

#[cw_serde]
pub struct InstantiateMsg {
    /// The admin (cw-ownable); defaults to the sender.
    pub owner: Option<String>,
    /// The suite's token: creation and registration fees are paid in it.
    pub denom: Denom,
    /// The fee-vault; may be set later with `UpdateConfig` (the vault is instantiated
    /// after the registry because it needs the registry's address).
    pub fee_vault: Option<String>,
    pub params: GlobalParams,
    #[serde(default)]
    pub whitelists_enabled: WhitelistFlags,
}

// `UpdateParams` carries the whole parameter set; a message is decoded once per call.
#[allow(clippy::large_enum_variant)]
#[cw_ownable_execute]
#[cw_serde]
pub enum ExecuteMsg {
    /// Anyone (or, with the creator whitelist on, a whitelisted address): create a topic,
    /// attaching exactly `create_topic_fee` (native deployments).
    CreateTopic { params: TopicParams },
    /// The topic's creator: replace its parameters. Timing fields cannot change; refused
    /// while a worker window of the topic is open.
    UpdateTopic { topic_id: u64, params: TopicParams },
    /// The sender (operator key) registers in a topic and role, attaching exactly
    /// `registration_fee` (native deployments). `owner` receives rewards; default: the
    /// owner of the operator's earlier registration in this topic and role if it had one
    /// (see `FormerOwner`), else the sender. Registering under another owner than that
    /// former owner needs its consent (`ReleaseRegistrationOwner`) first.
    Register {
        topic_id: u64,
        role: Role,
        owner: Option<String>,
    },
    /// The operator or the owner: remove a registration (no fee refund).
    Unregister {
        topic_id: u64,
        role: Role,
        operator: String,
    },
    /// The registration's owner: propose `new_owner`. Proposing the current owner cancels
    /// a pending proposal.
    ProposeRegistrationOwner {
        topic_id: u64,
        role: Role,
        operator: String,
        new_owner: String,
    },
    /// The pending owner: accept the proposed ownership.
    AcceptRegistrationOwner {
        topic_id: u64,
        role: Role,
        operator: String,
    },
    /// The registration's owner: withdraw a pending proposal.
    CancelRegistrationOwner {
        topic_id: u64,
        role: Role,
        operator: String,
    },
    /// The former owner of an unregistered registration: consent to the operator
    /// registering again under any owner (until then it can only register under this
    /// owner, so the operator key alone never moves the rewards elsewhere).
    ReleaseRegistrationOwner {
        topic_id: u64,
        role: Role,
        operator: String,
    },
    /// Admin: replace the global parameters (re-validated as a whole).
    UpdateParams { params: GlobalParams },
    /// Admin: set or change the fee-vault address, and/or set the synthesis contract that
    /// receives a copy of every registration change (`SyncRegistration`). Synthesis can be
    /// set once: a second synthesis would hold copies the first one never sees change.
    UpdateConfig {
        fee_vault: Option<String>,
        #[serde(default)]
        synthesis: Option<String>,
    },
    /// Admin: add and/or remove addresses of one whitelist.
    UpdateWhitelist {
        list: WhitelistKind,
        add: Vec<String>,
        remove: Vec<String>,
    },
    /// Admin: switch one whitelist on or off.
    SetWhitelistEnabled { list: WhitelistKind, enabled: bool },
    /// cw20 deployments: fees arrive as a cw20 `Send` whose `msg` is a [`ReceiveMsg`].
    Receive(Cw20ReceiveMsg),
}

/// Hook messages of a cw20 `Send` to the registry (cw20 deployments). The cw20 sender is
/// the creator / operator.
#[cw_serde]
pub enum ReceiveMsg {
    CreateTopic {
        params: TopicParams,
    },
    Register {
        topic_id: u64,
        role: Role,
        owner: Option<String>,
    },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_ownable_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(GlobalParams)]
    Params {},
    #[returns(Topic)]
    Topic { topic_id: u64 },
    #[returns(RegistrationResponse)]
    Registration {
        topic_id: u64,
        role: Role,
        operator: String,
    },
    #[returns(ConfigResponse)]
    Config {},
    /// The exact fee `CreateTopic` expects.
    #[returns(FeeResponse)]
    CreateTopicFee {},
    /// The exact fee `Register` expects.
    #[returns(FeeResponse)]
    RegistrationFee {},
    /// Topics in id order.
    #[returns(TopicsResponse)]
    Topics {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// The topic's windows at `height` (default: the current block).
    #[returns(EpochInfoResponse)]
    EpochInfo { topic_id: u64, height: Option<u64> },
    /// Registrations of one topic and role, by operator address.
    #[returns(RegistrationsResponse)]
    Registrations {
        topic_id: u64,
        role: Role,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Registrations whose rewards go to `owner`, ordered by (topic_id, role, operator).
    #[returns(RegistrationsResponse)]
    RegistrationsByOwner {
        owner: String,
        start_after: Option<RegistrationKey>,
        limit: Option<u32>,
    },
    /// The owner an unregistered operator is still bound to in this topic and role: it
    /// may register again only under this owner until the owner releases it.
    #[returns(FormerOwnerResponse)]
    FormerOwner {
        topic_id: u64,
        role: Role,
        operator: String,
    },
    /// The compact per-topic index of an address, if it ever registered in the topic.
    #[returns(ActorIndexResponse)]
    ActorIndex { topic_id: u64, address: String },
    #[returns(IsWhitelistedResponse)]
    IsWhitelisted {
        list: WhitelistKind,
        address: String,
    },
    #[returns(WhitelistResponse)]
    Whitelist {
        list: WhitelistKind,
        start_after: Option<String>,
        limit: Option<u32>,
    },
}

#[cw_serde]
pub struct RegistrationResponse {
    pub registration: Option<Registration>,
}

#[cw_serde]
pub struct ConfigResponse {
    pub denom: Denom,
    pub fee_vault: Option<Addr>,
    /// The synthesis contract told of every registration change, once set.
    pub synthesis: Option<Addr>,
    pub whitelists_enabled: WhitelistFlags,
    /// The id the next created topic receives.
    pub next_topic_id: u64,
}

#[cw_serde]
pub struct FeeResponse {
    pub denom: Denom,
    pub amount: Uint128,
}

#[cw_serde]
pub struct TopicsResponse {
    pub topics: Vec<Topic>,
}

/// Where a topic's clock stands at `height` (all windows half-open `[start, end)`).
#[cw_serde]
pub struct EpochInfoResponse {
    pub topic_id: u64,
    pub height: u64,
    /// The epoch whose span holds `height`; `None` before the topic's first block.
    pub current_epoch: Option<u64>,
    /// The epoch whose worker window is open at `height`, or else the next one to open.
    pub worker_epoch: u64,
    pub worker_window: HeightWindow,
    /// True when `worker_window` contains `height`.
    pub worker_window_open: bool,
    /// The epoch whose reputer window is open at `height`, if any.
    pub reputer_epoch: Option<u64>,
    pub reputer_window: Option<HeightWindow>,
}

/// Identifies one registration (a page cursor for `RegistrationsByOwner`).
#[cw_serde]
pub struct RegistrationKey {
    pub topic_id: u64,
    pub role: Role,
    pub operator: String,
}

#[cw_serde]
pub struct RegistrationsResponse {
    pub registrations: Vec<Registration>,
}

#[cw_serde]
pub struct FormerOwnerResponse {
    /// `None`: the operator is registered, never was, was its own owner, or was released.
    pub owner: Option<Addr>,
}

#[cw_serde]
pub struct ActorIndexResponse {
    pub actor_index: Option<u32>,
}

#[cw_serde]
pub struct IsWhitelistedResponse {
    pub list: WhitelistKind,
    pub address: Addr,
    /// The address is on the list.
    pub whitelisted: bool,
    /// The list is enforced.
    pub enabled: bool,
    /// The list lets this address through (`!enabled || whitelisted`).
    pub allowed: bool,
}

#[cw_serde]
pub struct WhitelistResponse {
    pub list: WhitelistKind,
    pub enabled: bool,
    pub addresses: Vec<Addr>,
}

/// Typed handle on a deployed topic-registry.
#[cw_serde]
pub struct TopicRegistryContract(pub Addr);

impl TopicRegistryContract {
    pub fn addr(&self) -> &Addr {
        &self.0
    }

    pub fn params(&self, querier: &QuerierWrapper) -> StdResult<GlobalParams> {
        querier.query_wasm_smart(&self.0, &QueryMsg::Params {})
    }

    pub fn topic(&self, querier: &QuerierWrapper, topic_id: u64) -> StdResult<Topic> {
        querier.query_wasm_smart(&self.0, &QueryMsg::Topic { topic_id })
    }

    pub fn epoch_info(
        &self,
        querier: &QuerierWrapper,
        topic_id: u64,
        height: Option<u64>,
    ) -> StdResult<EpochInfoResponse> {
        querier.query_wasm_smart(&self.0, &QueryMsg::EpochInfo { topic_id, height })
    }

    pub fn registration(
        &self,
        querier: &QuerierWrapper,
        topic_id: u64,
        role: Role,
        operator: &Addr,
    ) -> StdResult<Option<Registration>> {
        let r: RegistrationResponse = querier.query_wasm_smart(
            &self.0,
            &QueryMsg::Registration {
                topic_id,
                role,
                operator: operator.to_string(),
            },
        )?;
        Ok(r.registration)
    }
}

#[cfg(test)]
mod global_params_json_tests {
    use super::GlobalParams;
    use cosmwasm_std::{from_json, to_json_vec};

    fn json() -> String {
        String::from_utf8(to_json_vec(&GlobalParams::defaults()).unwrap()).unwrap()
    }

    #[test]
    fn reads_what_it_writes_in_any_field_order() {
        let p = GlobalParams::defaults();
        assert_eq!(from_json::<GlobalParams>(json().as_bytes()).unwrap(), p);
        // Every value is a string or a number: the pairs split at commas.
        let j = json();
        let pairs: Vec<&str> = j[1..j.len() - 1].split(',').collect();
        assert_eq!(pairs.len(), 33);
        let reversed = format!(
            "{{{}}}",
            pairs.into_iter().rev().collect::<Vec<_>>().join(",")
        );
        assert_eq!(from_json::<GlobalParams>(reversed.as_bytes()).unwrap(), p);
    }

    #[test]
    fn refuses_unknown_missing_and_duplicate_fields() {
        let j = json();
        let unknown = j.replacen('{', "{\"surprise\":1,", 1);
        let e = from_json::<GlobalParams>(unknown.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field `surprise`"), "{e}");
        let missing = j.replacen("\"c_norm\":\"0.75\",", "", 1);
        assert_ne!(missing, j);
        let e = from_json::<GlobalParams>(missing.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing field `c_norm`"), "{e}");
        let twice = j.replacen('{', "{\"max_string_bytes\":7,", 1);
        let e = from_json::<GlobalParams>(twice.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("duplicate field `max_string_bytes`"), "{e}");
        assert!(from_json::<GlobalParams>(b"[]").is_err());
    }
}
