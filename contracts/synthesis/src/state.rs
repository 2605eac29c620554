//! Every `Item` / `Map` of the synthesis contract.
//!
//! Key layout (all integers big-endian as cw-storage-plus encodes them):
//! - `config`                         -> Config
//! - `globals`                        -> CachedGlobals (the registry's global parameters synthesis uses)
//! - `topics`   topic_id              -> TopicRecord (cached clock/params + mutable topic state)
//! - `params_seen` topic_id           -> u64, the registry's parameter version of that cache
//! - `epochs`   (topic_id, nonce)     -> EpochRecord (status of one nonce)
//! - `payloads` (topic_id, nonce, worker actor) -> WorkerPayload (one per worker per nonce)
//! - `sets`     (topic_id, nonce, class tag) -> raw active set (see `load_set`)
//! - `scores` (topic_id, nonce) -> EpochScores; each actor's score EMA, inclusion count and
//!   listening coefficient are in `actor_scores.rs`, the network inference, reputer bundles
//!   and network losses in `records.rs`, the regret tables in `regret_store.rs`.
//!
//! Every per-epoch record is keyed by (topic, nonce[, actor]) and never by topic alone, so
//! closing nonce k cannot touch nonce k+1 (SECURITY.md 5).

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, HexBinary, Storage};
use cw_storage_plus::{Item, Map};
use nous_math::Fixed;
use nous_types::params::{StakingParams, SynthesisParams};
use nous_types::synthesis::{
    ActorClass, CachedTopicParams, EpochScores, EpochStatus, WorkerPayload,
};
use nous_types::EpochClock;

use crate::codec::{decode_fixed, encode_fixed, IdRecords};
use crate::error::ContractError;

/// The cw2 name and version this code records at instantiate and checks at migrate.
pub const CONTRACT_NAME: &str = "crates.io:synthesis";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cw_serde]
pub struct Config {
    pub topic_registry: Addr,
    pub staking: Addr,
    /// Reward-distribution, whose `TopicStatus.active` gates the opening of nonces
    /// (`None`: no gate, every registered topic opens nonces).
    #[serde(default)]
    pub reward_distribution: Option<Addr>,
}

/// The registry's global parameters synthesis reads (its group, and the stake gate), as
/// last read.
#[cw_serde]
pub struct CachedGlobals {
    pub synthesis: SynthesisParams,
    pub staking: StakingParams,
    pub read_at: u64,
    /// Where payload fees go: the suite's token and fee-vault, from the registry's config
    /// (absent in a cache written before payload fees: read when first needed).
    #[serde(default)]
    pub payment: Option<PaymentTarget>,
}

/// The suite's token and fee-vault, as the registry names them.
#[cw_serde]
pub struct PaymentTarget {
    /// The native token; `None` on a cw20 deployment (no payload fee can be paid there).
    pub native_denom: Option<String>,
    pub fee_vault: Option<Addr>,
}

/// Everything synthesis keeps per topic in one record, so the hot path reads one key.
///
/// Staleness rule: `clock` is read once, at the topic's first use, and never changes (a
/// different clock would remap nonces); `params` are re-read from the registry at a
/// worker-window close of the topic whenever the registry's parameter version moved since
/// the last read (`params_read_at`, `PARAMS_SEEN`).
#[cw_serde]
pub struct TopicRecord {
    pub clock: EpochClock,
    pub params: CachedTopicParams,
    pub params_read_at: u64,
    /// Every nonce below has its worker window closed (or never had a payload).
    pub worker_closed_below: u64,
    /// Every nonce below has its reputer window closed (or never had a payload).
    pub reputer_closed_below: u64,
    /// Topic initial regret (MATH.md §6.3), 0 until experienced actors exist.
    pub initial_regret: Fixed,
    /// Newest nonce with a stored network inference.
    pub latest_inference_nonce: Option<u64>,
    /// Newest nonce with stored network losses (its combined loss is `L_{i-1}` of §4).
    pub latest_loss_nonce: Option<u64>,
    /// That nonce's combined network loss, kept here so a worker close reads no network-loss
    /// record for it. `None` in a record written before it was kept (then read from the
    /// stored losses).
    #[serde(default)]
    pub latest_loss: Option<Fixed>,
    /// Quantile of the active set's instant scores of the last scored epoch, per class
    /// (inferer, forecaster, reputer); `None` before the first scored epoch.
    pub quantiles: [Option<Fixed>; 3],
    /// Every nonce below has had its records removed (`execute::prune`).
    pub pruned_below: u64,
}

/// A member of an active set of one nonce: its actor and its score EMA when admitted.
/// Operators and owners are in the member's payload or bundle record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub actor: u32,
    pub ema: Fixed,
}

/// One nonce of one topic. Created by its first worker payload; its active sets are the
/// `sets` records.
#[cw_serde]
pub struct EpochRecord {
    pub status: EpochStatus,
    pub failure: Option<String>,
    /// The topic's activity flag read from reward-distribution when the nonce's first
    /// payload arrived (`None`: no reward-distribution configured then). A nonce is only
    /// opened for an active topic, so a stored record says `Some(true)` or `None`.
    #[serde(default)]
    pub topic_active: Option<bool>,
}

impl EpochRecord {
    /// Marks the nonce skipped with the reason: a close never fails on the epoch's own data.
    pub fn skip(&mut self, reason: impl Into<String>) {
        self.status = EpochStatus::Skipped;
        self.failure = Some(reason.into());
    }
}

/// A score EMA of one actor in one class.
#[cw_serde]
pub struct ScoreEma {
    pub value: Fixed,
    pub updated_at: u64,
}

/// The classes in the order of `TopicRecord::quantiles` (and of their storage tags).
pub const CLASSES: [ActorClass; 3] = [
    ActorClass::Inferer,
    ActorClass::Forecaster,
    ActorClass::Reputer,
];

pub const CONFIG: Item<Config> = Item::new("config");
pub const GLOBALS: Item<CachedGlobals> = Item::new("globals");
pub const TOPICS: Map<u64, TopicRecord> = Map::new("topics");
/// topic_id -> the registry's parameter version (`PARAMS_VERSION_KEY`) at which the topic's
/// cached parameters and the cached globals were last read (absent: read them).
pub const PARAMS_SEEN: Map<u64, u64> = Map::new("params_seen");
pub const EPOCHS: Map<(u64, u64), EpochRecord> = Map::new("epochs");
/// `(topic_id, nonce, class tag)` + actor -> the member's EMA at admission (16 raw bytes).
/// One record per member: a submission writes its own member (and removes the one it
/// replaced) instead of rewriting the whole set, whose size grows with the active set.
const SET_MEMBERS: IdRecords<(u64, u64, u8)> = IdRecords::new("set_members");

/// The active set of one class of a nonce (sorted by actor; empty if none).
pub fn load_set(
    storage: &dyn Storage,
    topic_id: u64,
    nonce: u64,
    class: ActorClass,
) -> Result<Vec<Member>, ContractError> {
    SET_MEMBERS
        .all(storage, (topic_id, nonce, class.tag()))?
        .into_iter()
        .map(|(actor, ema)| {
            Ok(Member {
                actor,
                ema: decode_fixed(&ema)?,
            })
        })
        .collect()
}

/// Removes at most `limit` members of the three active sets of a nonce; returns how many
/// it removed (fewer than `limit`: the sets are gone).
pub fn remove_sets(
    storage: &mut dyn Storage,
    topic_id: u64,
    nonce: u64,
    limit: usize,
) -> Result<usize, ContractError> {
    let mut removed = 0;
    for class in CLASSES {
        for m in load_set(storage, topic_id, nonce, class)? {
            if removed == limit {
                return Ok(removed);
            }
            remove_member(storage, topic_id, nonce, class, m.actor);
            removed += 1;
        }
    }
    Ok(removed)
}

pub fn add_member(
    storage: &mut dyn Storage,
    topic_id: u64,
    nonce: u64,
    class: ActorClass,
    member: &Member,
) {
    let group = (topic_id, nonce, class.tag());
    SET_MEMBERS.set(storage, group, member.actor, &encode_fixed(member.ema));
}

pub fn remove_member(
    storage: &mut dyn Storage,
    topic_id: u64,
    nonce: u64,
    class: ActorClass,
    actor: u32,
) {
    SET_MEMBERS.remove(storage, (topic_id, nonce, class.tag()), actor);
}

pub const PAYLOADS: Map<(u64, u64, u32), WorkerPayload> = Map::new("payloads");
/// Commit–reveal topics: a worker's commitment for a nonce, until it is revealed (then it
/// becomes the worker's payload) or pruned with the nonce.
pub const COMMITMENTS: Map<(u64, u64, u32), HexBinary> = Map::new("commitments");
/// The scores records' keys: defined by nous-types, whose reader (reward-distribution) reads
/// them raw; each record is `EpochScores::to_record`'s binary form.
pub use nous_types::synthesis::SCORES;

pub fn save_scores_record(storage: &mut dyn Storage, scores: &EpochScores) {
    storage.set(
        &SCORES.key((scores.topic_id, scores.nonce)),
        &scores.to_record(),
    );
}

pub fn load_scores_record(
    storage: &dyn Storage,
    topic_id: u64,
    nonce: u64,
) -> Result<Option<EpochScores>, ContractError> {
    match storage.get(&SCORES.key((topic_id, nonce))) {
        Some(record) => Ok(Some(EpochScores::from_record(&record)?)),
        None => Ok(None),
    }
}

pub fn remove_scores_record(storage: &mut dyn Storage, topic_id: u64, nonce: u64) {
    storage.remove(&SCORES.key((topic_id, nonce)));
}
