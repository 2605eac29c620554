//! Messages of the topic-registry contract.
//!
//! INTERFACE NOTE (for the other contracts): `Topic`, `GlobalParams` (defined with its
//! groups in `crate::params`), `Role`, `Registration`, the query variants `Params`,
//! `Topic`, `Registration` and the `TopicRegistryContract` helper methods below are used by
//! fee-vault, staking, synthesis and reward-distribution. Extend them; do not rename or
//! remove fields without updating every caller.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{from_json, Addr, QuerierWrapper, StdResult, Uint128};
use cw20::{Cw20ReceiveMsg, Denom};
use cw_ownable::{cw_ownable_execute, cw_ownable_query};

use crate::clock::{EpochClock, HeightWindow};
use crate::params::StakingGroup;
pub use crate::params::{
    GlobalParams, RegistryParams, RewardGroups, RewardParams, StakingParams, SynthesisGroups,
    SynthesisParams, TopicParams,
};

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
            reveal_window: self.params.reveal_window,
        }
    }
}

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
    /// The global parameters, validated; `params.token_decimals` are the decimals of
    /// `denom` and never change (`GlobalParams::defaults(decimals)` gives a starting set).
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
    /// Admin: replace the global parameters (re-validated as a whole; `token_decimals`
    /// must stay what it was at instantiate).
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
// `CreateTopic` carries a whole topic parameter set; a message is decoded once per call.
#[allow(clippy::large_enum_variant)]
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

/// What a peer that passes payments on decodes of the `Config` answer.
#[derive(serde::Deserialize)]
pub struct PaymentConfig {
    pub denom: Denom,
    pub fee_vault: Option<Addr>,
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

/// The registry's storage key of the global parameters (an `Item<GlobalParams>`, JSON): part
/// of its interface, since reward-distribution reads it raw
/// ([`TopicRegistryContract::reward_groups`]).
pub const PARAMS_KEY: &str = "params";

/// Typed handle on a deployed topic-registry.
#[cw_serde]
pub struct TopicRegistryContract(pub Addr);

/// Raw storage key of the registry's parameter version (a JSON u64, absent = 0): bumped by
/// every change of the global parameters or of any topic's parameters.
pub const PARAMS_VERSION_KEY: &[u8] = b"params_version";

impl TopicRegistryContract {
    pub fn addr(&self) -> &Addr {
        &self.0
    }

    /// The registry's parameter version, read raw from its storage (no contract call): a
    /// peer that cached parameters at version `v` needs to re-read them only when this
    /// differs from `v`.
    pub fn params_version(&self, querier: &QuerierWrapper) -> StdResult<u64> {
        match querier.query_wasm_raw(&self.0, PARAMS_VERSION_KEY)? {
            None => Ok(0),
            Some(bytes) if bytes.is_empty() => Ok(0),
            Some(bytes) => cosmwasm_std::from_json(bytes),
        }
    }

    pub fn params(&self, querier: &QuerierWrapper) -> StdResult<GlobalParams> {
        querier.query_wasm_smart(&self.0, &QueryMsg::Params {})
    }

    /// The suite's token and fee-vault, from the `Config` answer (its other fields skipped).
    pub fn payment_config(&self, querier: &QuerierWrapper) -> StdResult<PaymentConfig> {
        querier.query_wasm_smart(&self.0, &QueryMsg::Config {})
    }

    /// Staking's read of the parameters: the `staking` group alone (the answer's other
    /// groups are skipped, not decoded).
    pub fn staking_params(&self, querier: &QuerierWrapper) -> StdResult<StakingParams> {
        let read: StakingGroup = querier.query_wasm_smart(&self.0, &QueryMsg::Params {})?;
        Ok(read.staking)
    }

    /// Synthesis's read of the parameters: its group and the stake gate.
    pub fn synthesis_groups(&self, querier: &QuerierWrapper) -> StdResult<SynthesisGroups> {
        querier.query_wasm_smart(&self.0, &QueryMsg::Params {})
    }

    /// Reward-distribution's read of the parameters: its group, the token's decimals and
    /// synthesis's active-set caps. Read raw from the registry's storage ([`PARAMS_KEY`],
    /// the same JSON the `Params` query answers), which loads no registry instance on every
    /// settlement; a registry without that record is asked instead.
    pub fn reward_groups(&self, querier: &QuerierWrapper) -> StdResult<RewardGroups> {
        match querier.query_wasm_raw(&self.0, PARAMS_KEY.as_bytes())? {
            Some(raw) => from_json(raw),
            None => querier.query_wasm_smart(&self.0, &QueryMsg::Params {}),
        }
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
