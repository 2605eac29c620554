//! Messages of the synthesis contract: worker payloads (inference and/or forecast) inside
//! the worker window of a nonce, reputer loss bundles inside its reputer window, and the
//! stored results (network inference, network losses, scores) that consumers and
//! reward-distribution read.
//!
//! A *nonce* is the epoch index of the topic's clock (`clock.rs`): a payload names its
//! topic and nonce and is accepted only while that nonce's window is open.
//! Actors are named by the compact per-topic `actor_index` of their registration
//! (`topic_registry::Registration`), which is also the maths package's actor id.
//! Every number is a decimal string with 18 fractional digits (`SignedDecimal`).
//!
//! INTERFACE NOTE: `NetworkInference`, the query variants `NetworkInference`,
//! `LatestNetworkInference`, `LatestValue(s)` (mirrored by `nous-consumer`), `EpochScores`
//! (the one answer reward-distribution settles an epoch from: scores, owners and the
//! reputers' stakes synthesis scored with) and the `SynthesisContract` helpers are used by
//! consumers and reward-distribution. Extend them; keep these shapes.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{
    to_json_binary, Addr, CosmosMsg, Decimal, HexBinary, SignedDecimal, Uint128, WasmMsg,
};

use crate::clock::{EpochClock, HeightWindow};
use crate::params::Rules;
use crate::topic_registry::{Registration, Role};

pub mod commitment;
mod handle;
mod scores;
pub use commitment::payload_commitment;
pub use handle::SynthesisContract;
pub use scores::{
    EpochScores, EpochScoresResponse, ReputerScore, ScoresStatus, WorkerScore, SCORES,
};

/// Largest absolute value accepted for an inference, a forecast element or a loss, in whole
/// units (equal to `nous_math::params::MAX_ABS_VALUE`, which the contract checks with): it
/// keeps every sum, square and weighted mean of a bounded active set inside 18-decimal
/// fixed point. Quantities larger than this must be rescaled by the topic's convention.
pub const MAX_ABS_VALUE: u64 = 1_000_000_000;

/// Percentiles of the error bars (MATH.md §5.6): ±2σ, ±1σ and the median of a normal.
pub const ERROR_BAR_PERCENTILES: [&str; 5] = ["2.28", "15.87", "50", "84.13", "97.72"];

/// Most topics one `LatestValues` query answers (one record read per topic).
pub const MAX_LATEST_VALUES: u32 = 50;

#[cw_serde]
pub struct InstantiateMsg {
    /// cw-ownable owner (may update ownership); defaults to the sender.
    pub owner: Option<String>,
    pub topic_registry: String,
    pub staking: String,
}

/// The three merit-sortition classes (MATH.md §11).
#[cw_serde]
#[derive(Copy, Eq, PartialOrd, Ord)]
pub enum ActorClass {
    Inferer,
    Forecaster,
    Reputer,
}

impl ActorClass {
    pub fn as_str(&self) -> &'static str {
        match self {
            ActorClass::Inferer => "inferer",
            ActorClass::Forecaster => "forecaster",
            ActorClass::Reputer => "reputer",
        }
    }

    /// One-byte tag used in storage keys.
    pub fn tag(&self) -> u8 {
        match self {
            ActorClass::Inferer => 0,
            ActorClass::Forecaster => 1,
            ActorClass::Reputer => 2,
        }
    }
}

/// "I expect inferer `inferer` of this nonce to score loss `value`" (MATH.md §4).
#[cw_serde]
pub struct ForecastElement {
    pub inferer: u32,
    pub value: SignedDecimal,
}

/// One value per worker (actor index).
#[cw_serde]
pub struct WorkerValue {
    pub worker: u32,
    pub value: SignedDecimal,
}

/// A value about forecaster `forecaster` computed with inferer `withheld` left out
/// (forecast-implied inference `I_k` with scope `J∖{j'}`, MATH.md §5.3; its loss `L⁻_{j'k}`).
#[cw_serde]
pub struct WithheldValue {
    pub withheld: u32,
    pub forecaster: u32,
    pub value: SignedDecimal,
}

/// A reputer's losses for every network-inference variant of one nonce (MATH.md §6.1), or
/// the stake-weighted network losses (same shape). Every worker list names workers of the
/// nonce's frozen active set, each at most once; the lists of one class name the same
/// workers (see `SubmitLossBundle`).
#[cw_serde]
pub struct LossBundle {
    /// `L`: loss of the combined network inference.
    pub combined: SignedDecimal,
    /// `L⁻`: loss of the naive network inference.
    pub naive: SignedDecimal,
    /// `L_j`: loss of each inferer's inference.
    pub inferers: Vec<WorkerValue>,
    /// `L_k`: loss of each forecaster's forecast-implied inference.
    pub forecasters: Vec<WorkerValue>,
    /// `L⁻_{j'}`: loss of the network inference without inferer `j'`.
    pub one_out_inferers: Vec<WorkerValue>,
    /// `L⁻_{k'}`: loss of the network inference without forecaster `k'`.
    pub one_out_forecasters: Vec<WorkerValue>,
    /// `L⁺_k`: loss of the naive network inference with forecaster `k` added.
    pub one_in_forecasters: Vec<WorkerValue>,
    /// `L⁻_{j'k}`: loss of forecaster `k`'s implied inference recomputed without `j'`. A
    /// reputer reports the pairs its nonce's inference lists (those where `k` named `j'`);
    /// any other pair's loss is `k`'s own (same value). Network losses list every pair.
    pub one_out_implied: Vec<WithheldValue>,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// A registered worker's (operator's) payload for the open worker window of `nonce`:
    /// an inference, a forecast, or both. One per worker per nonce. Forecast elements are
    /// deduplicated (the last value for an inferer wins) and at most
    /// `max_top_inferers_to_reward` may be sent; at window close only elements about
    /// inferers of the nonce are used, at most `max_elements_per_forecast` of them (those
    /// with the highest score EMA). Admission to the active sets is by merit sortition
    /// (MATH.md §11); a payload that is not admitted is recorded (`admitted = false`
    /// attributes) and still counts as this worker's submission for the nonce.
    /// Refused on a commit–reveal topic (`reveal_window > 0`): there a worker commits in
    /// the worker window and reveals in the reveal window.
    SubmitWorkerPayload {
        topic_id: u64,
        nonce: u64,
        inference: Option<SignedDecimal>,
        forecast: Option<Vec<ForecastElement>>,
    },
    /// Commit–reveal topics: a registered worker's commitment to its payload for `nonce`,
    /// inside the worker window; one per worker per nonce. `commitment` is the 32-byte
    /// `commitment::payload_commitment` of the payload, the sender's address and a secret
    /// salt (the `PayloadCommitment` query computes it). The nonce opens with its first
    /// commitment; nothing of the payload is public until the reveal.
    CommitWorkerPayload {
        topic_id: u64,
        nonce: u64,
        commitment: HexBinary,
    },
    /// Commit–reveal topics: the payload committed to, with its salt, inside the reveal
    /// window. It must hash to the sender's commitment; it is then checked and admitted
    /// exactly as `SubmitWorkerPayload` would be at this height. A commitment never
    /// revealed is dropped (the worker takes no part in the nonce).
    RevealWorkerPayload {
        topic_id: u64,
        nonce: u64,
        inference: Option<SignedDecimal>,
        forecast: Option<Vec<ForecastElement>>,
        salt: HexBinary,
    },
    /// A registered reputer's loss bundle for `nonce`, inside its reputer window. The
    /// reputer must hold at least `required_minimum_stake` as of the window's first block.
    /// Refused when inconsistent: a worker twice in a list, lists of one class naming
    /// different workers, a worker or variant the nonce's network inference does not have,
    /// a value outside `±MAX_ABS_VALUE`.
    SubmitLossBundle {
        topic_id: u64,
        nonce: u64,
        bundle: LossBundle,
    },
    /// Permissionless crank: closes the due worker and reputer windows of `topic_id` in
    /// height order, at most `limit` (default 10, at most 50) per call.
    CloseWindows { topic_id: u64, limit: Option<u32> },
    /// Owner: set the reward-distribution contract whose `TopicStatus.active` flag gates
    /// the opening of nonces (read once per nonce, when its first payload arrives; an
    /// inactive topic's payloads are refused). `None` leaves it unchanged. Needed because
    /// reward-distribution is instantiated after synthesis.
    UpdateConfig { reward_distribution: Option<String> },
    /// Topic-registry only: a registration was made, changed owner or was removed
    /// (`registration: None`). Synthesis keeps this copy so that a payload checks its
    /// sender's registration locally instead of querying the registry (a hot path
    /// touches one contract). A registration synthesis holds no copy of is read from the
    /// registry, so a registry wired to synthesis after its first registrations is still
    /// answered correctly.
    SyncRegistration {
        topic_id: u64,
        role: Role,
        operator: String,
        registration: Option<Registration>,
    },
    /// cw-ownable two-step ownership transfer.
    UpdateOwnership(cw_ownable::Action),
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(cw_ownable::Ownership<String>)]
    Ownership {},
    /// What synthesis knows about a topic: its cached clock and parameters, close cursors,
    /// initial regret, the latest network inference nonce.
    #[returns(TopicStateResponse)]
    TopicState { topic_id: u64 },
    /// Which worker and reputer windows are open at the current height.
    #[returns(OpenWindowsResponse)]
    OpenWindows { topic_id: u64 },
    /// One nonce: windows, status and frozen (or forming) active sets.
    #[returns(EpochResponse)]
    Epoch { topic_id: u64, nonce: u64 },
    #[returns(WorkerPayloadResponse)]
    WorkerPayload {
        topic_id: u64,
        nonce: u64,
        worker: u32,
    },
    #[returns(WorkerPayloadsResponse)]
    WorkerPayloads {
        topic_id: u64,
        nonce: u64,
        start_after: Option<u32>,
        limit: Option<u32>,
    },
    /// A worker's commitment for `nonce` on a commit–reveal topic, while it is not revealed
    /// yet (a revealed one is its `WorkerPayload`).
    #[returns(WorkerCommitmentResponse)]
    WorkerCommitment {
        topic_id: u64,
        nonce: u64,
        worker: u32,
    },
    /// The commitment `CommitWorkerPayload` expects from `address` for this payload and
    /// salt (`commitment::payload_commitment`), for clients that do not hash it themselves.
    /// Ask a node you trust: the query carries the salt.
    #[returns(PayloadCommitmentResponse)]
    PayloadCommitment {
        topic_id: u64,
        nonce: u64,
        address: String,
        inference: Option<SignedDecimal>,
        forecast: Option<Vec<ForecastElement>>,
        salt: HexBinary,
    },
    /// The network inference stored at the close of `nonce`'s worker window.
    #[returns(NetworkInferenceResponse)]
    NetworkInference { topic_id: u64, nonce: u64 },
    /// The newest stored network inference; with `max_age` (blocks since its worker
    /// window closed) it errors when older.
    #[returns(NetworkInferenceResponse)]
    LatestNetworkInference { topic_id: u64, max_age: Option<u64> },
    /// The compact read of a topic's newest network inference: its value, error bars and
    /// what a consumer's freshness and quality rules need, from one small record (none of
    /// the per-worker variants). Errors when the topic has no network inference yet.
    #[returns(LatestValue)]
    LatestValue { topic_id: u64 },
    /// `LatestValue` of several topics (at most `MAX_LATEST_VALUES`), in the order asked,
    /// `null` for a topic without a network inference yet.
    #[returns(LatestValuesResponse)]
    LatestValues { topic_ids: Vec<u64> },
    #[returns(LossBundleResponse)]
    LossBundle {
        topic_id: u64,
        nonce: u64,
        reputer: u32,
    },
    /// Stake-weighted network losses of a nonce whose reputer window closed.
    #[returns(NetworkLossesResponse)]
    NetworkLosses { topic_id: u64, nonce: u64 },
    /// Instant scores of a nonce whose reputer window closed.
    #[returns(EpochScores)]
    Scores { topic_id: u64, nonce: u64 },
    /// What reward-distribution settles an epoch from: where synthesis is with the nonce
    /// and, once scored, its stored `EpochScores` (one record: scores, owners, and the
    /// reputers' stakes as scored).
    #[returns(EpochScoresResponse)]
    EpochScores { topic_id: u64, nonce: u64 },
    #[returns(ScoreEmaResponse)]
    ScoreEma {
        topic_id: u64,
        class: ActorClass,
        actor: u32,
    },
}

#[cw_serde]
pub struct ConfigResponse {
    pub topic_registry: Addr,
    pub staking: Addr,
    /// Source of the topic activity flag; `None` until set (then no activity gate).
    #[serde(default)]
    pub reward_distribution: Option<Addr>,
}

/// Topic parameters synthesis caches (re-read at a worker-window close when the registry's
/// parameter version moved; the clock is fixed at first use, because changing it would remap
/// nonces).
#[cw_serde]
pub struct CachedTopicParams {
    pub p_norm: Decimal,
    pub alpha_regret: Decimal,
    /// The topic's forecaster regret smoothing (absent: `alpha_regret`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alpha_regret_forecasters: Option<Decimal>,
    /// What a worker attaches to each payload (or commitment); absent: nothing.
    #[serde(default, skip_serializing_if = "Uint128::is_zero")]
    pub payload_fee: Uint128,
    pub allow_negative: bool,
    pub epsilon: Decimal,
    pub merit_sortition_alpha: Decimal,
    pub active_inferer_quantile: Decimal,
    pub active_forecaster_quantile: Decimal,
    pub active_reputer_quantile: Decimal,
    pub max_inferers: u32,
    pub max_forecasters: u32,
    pub max_reputers: u32,
    pub max_elements_per_forecast: u32,
    pub required_minimum_stake: Uint128,
    /// The topic's rules (absent in a cache written before they existed: the reference).
    #[serde(default)]
    pub rules: Rules,
}

#[cw_serde]
pub struct TopicStateResponse {
    pub topic_id: u64,
    pub clock: EpochClock,
    pub params: CachedTopicParams,
    /// Height at which the cached parameters were read from the registry.
    pub params_read_at: u64,
    /// Every nonce below has its worker window closed (or had no payload).
    pub worker_closed_below: u64,
    /// Every nonce below has its reputer window closed (or had no payload).
    pub reputer_closed_below: u64,
    /// Topic initial regret (MATH.md §6.3).
    pub initial_regret: SignedDecimal,
    pub latest_inference_nonce: Option<u64>,
    /// Quantiles of the last scored epoch per class (inferer, forecaster, reputer).
    pub quantiles: Vec<ClassQuantile>,
}

#[cw_serde]
pub struct ClassQuantile {
    pub class: ActorClass,
    pub value: SignedDecimal,
}

#[cw_serde]
pub struct OpenWindow {
    pub nonce: u64,
    pub window: HeightWindow,
}

#[cw_serde]
pub struct OpenWindowsResponse {
    pub topic_id: u64,
    pub height: u64,
    pub worker: Option<OpenWindow>,
    /// The reveal window open at `height` (commit–reveal topics only).
    pub reveal: Option<OpenWindow>,
    pub reputer: Option<OpenWindow>,
}

/// Where a nonce is in its life.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum EpochStatus {
    /// Worker window open: payloads are being admitted.
    Collecting,
    /// Worker window closed and the network inference stored (if any); reputers report.
    InferenceReady,
    /// Reputer window closed: losses, regrets and scores stored.
    Scored,
    /// Closed without a result (no inference, no reputer, or the maths refused the inputs:
    /// see `failure`). Never blocks later nonces.
    Skipped,
}

#[cw_serde]
pub struct ActiveMember {
    pub actor: u32,
    /// The operator key that submitted.
    pub address: Addr,
    /// Score EMA at admission (used by merit sortition).
    pub score_ema: SignedDecimal,
}

#[cw_serde]
pub struct EpochResponse {
    pub topic_id: u64,
    pub nonce: u64,
    pub worker_window: HeightWindow,
    /// Commit–reveal topics: the window after `worker_window` in which payloads are revealed.
    pub reveal_window: Option<HeightWindow>,
    pub reputer_window: HeightWindow,
    pub status: EpochStatus,
    pub inferers: Vec<ActiveMember>,
    pub forecasters: Vec<ActiveMember>,
    pub reputers: Vec<ActiveMember>,
    /// Why the nonce was skipped, if it was.
    pub failure: Option<String>,
}

#[cw_serde]
pub struct WorkerPayload {
    pub worker: u32,
    /// The operator key that submitted.
    pub address: Addr,
    /// The registration's owner when it submitted (receives the rewards).
    pub owner: Addr,
    pub submitted_at: u64,
    /// `None` when not sent or not admitted (or evicted by a better inferer).
    pub inference: Option<SignedDecimal>,
    /// `None` when not sent or not admitted (or evicted by a better forecaster).
    pub forecast: Option<Vec<ForecastElement>>,
}

#[cw_serde]
pub struct WorkerPayloadResponse {
    pub payload: Option<WorkerPayload>,
}

#[cw_serde]
pub struct WorkerPayloadsResponse {
    pub payloads: Vec<WorkerPayload>,
}

#[cw_serde]
pub struct WorkerCommitmentResponse {
    /// `None`: no commitment, or already revealed.
    pub commitment: Option<HexBinary>,
}

#[cw_serde]
pub struct PayloadCommitmentResponse {
    pub commitment: HexBinary,
}

/// Which path of MATH.md §5.0 produced a network inference.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum InferencePath {
    /// Exactly one inference: every variant equals it.
    Single,
    /// No network loss yet: combined = median, naive = 0.
    NoLossYet,
    /// Full computation; `all_new` when the topic initial regret was 0.
    Full { all_new: bool },
}

#[cw_serde]
pub struct PercentileValue {
    pub percentile: Decimal,
    pub value: SignedDecimal,
}

/// The network inference of one nonce (MATH.md §5), stored at its worker-window close.
#[cw_serde]
pub struct NetworkInference {
    pub topic_id: u64,
    pub nonce: u64,
    /// First block of the epoch (`start + nonce * epoch_length`).
    pub epoch_start: u64,
    /// The blocks in which the nonce's payloads arrived (`EpochClock::payload_window`): the
    /// worker window, followed on a commit–reveal topic by its reveal window.
    pub worker_window: HeightWindow,
    /// Height of the block that closed the window and computed this.
    pub computed_at: u64,
    /// Time of that block, in Unix seconds (freshness in seconds for consumers).
    pub computed_at_time: u64,
    pub path: InferencePath,
    pub combined: SignedDecimal,
    pub naive: SignedDecimal,
    /// `I_j` of the frozen inferers, by actor.
    pub inferences: Vec<WorkerValue>,
    /// `I_k` of the forecasters that have an implied inference, by actor.
    pub forecast_implied: Vec<WorkerValue>,
    pub one_out_inferers: Vec<WorkerValue>,
    pub one_out_forecasters: Vec<WorkerValue>,
    pub one_in_forecasters: Vec<WorkerValue>,
    /// Forecast-implied inferences recomputed without an inferer (§5.3), for the pairs where
    /// the forecaster named the withheld inferer only; any other pair's value is the
    /// forecaster's `forecast_implied`.
    pub one_out_implied: Vec<WithheldValue>,
    /// Weighted percentiles of §5.6 (empty on the `Single` and `NoLossYet` paths).
    pub error_bars: Vec<PercentileValue>,
}

#[cw_serde]
pub struct NetworkInferenceResponse {
    pub inference: NetworkInference,
    /// Blocks since the worker window closed (`height - worker_window.end`).
    pub age: u64,
}

/// The compact form of a topic's newest network inference (`LatestValue` query): what a
/// consumer acts on and checks before acting, without the per-worker variants.
#[cw_serde]
pub struct LatestValue {
    pub topic_id: u64,
    pub nonce: u64,
    /// The combined network inference.
    pub value: SignedDecimal,
    /// Weighted percentiles of MATH.md §5.6 (empty on the `Single` and `NoLossYet` paths).
    pub error_bars: Vec<PercentileValue>,
    /// How it was computed: a consumer may refuse the single-worker and no-loss-yet paths.
    pub path: InferencePath,
    /// Inferers whose inferences it combines (one: a single worker controls the value).
    pub inferers: u32,
    /// End of the nonce's payload window (worker window, and reveal window on a commit–reveal
    /// topic): the age in blocks counts from here, as
    /// `NetworkInferenceResponse::age` does.
    pub worker_window_end: u64,
    /// Height of the block that closed the window and computed it.
    pub computed_at: u64,
    /// Time of that block, in Unix seconds: the age in seconds counts from here.
    pub computed_at_time: u64,
}

#[cw_serde]
pub struct LatestValuesResponse {
    /// One entry per topic asked, in the order asked; `None` for a topic without a network
    /// inference yet.
    pub values: Vec<Option<LatestValue>>,
}

#[cw_serde]
pub struct LossBundleResponse {
    pub bundle: Option<LossBundle>,
}

#[cw_serde]
pub struct ReputerWeight {
    pub reputer: u32,
    pub address: Addr,
    /// Topic stake as of the reputer window's first block.
    pub stake: Uint128,
}

#[cw_serde]
pub struct NetworkLossesResponse {
    pub topic_id: u64,
    pub nonce: u64,
    pub losses: LossBundle,
    /// The reputers whose bundles were used, with their stakes.
    pub reputers: Vec<ReputerWeight>,
}

#[cw_serde]
pub struct ScoreEmaResponse {
    pub topic_id: u64,
    pub class: ActorClass,
    pub actor: u32,
    /// `None` for an actor never scored nor passed over.
    pub value: Option<SignedDecimal>,
    pub updated_at: u64,
}
