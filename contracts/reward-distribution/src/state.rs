//! Storage layout of the reward-distribution contract.
//!
//! Keys (topic ids and epochs are u64, actor indices u32, addresses validated `Addr`s):
//! - `config`                                   -> Config
//! - `totals`                                   -> Totals: Σ claimable, carried dust, the
//!   active topic weight sum, the known stake sum (each updated once per change)
//! - `topics`        topic_id                   -> TopicState (activity flag, weight, cursor,
//!   the class-split state of MATH.md §8 that persists between epochs), in the binary form
//!   of `crate::records`
//! - `weight_index`  (weight atomics, topic_id) -> () : the ACTIVE topics ordered by weight;
//!   an entry exists iff the topic is active, with the topic's current weight
//! - `crank_cursor`                             -> (weight atomics, topic_id) of the last
//!   topic a crank visited; the next crank continues below it (descending), then wraps
//! - `credits`       canonical owner address    -> Uint128 (never stores zero): what the
//!   owner may claim, keyed by the address's canonical bytes (shorter than its text, and
//!   every byte of a key is paid for at each credit)
//! - `smoothed_class` (topic_id, class)         -> the class's smoothed reward fractions ū
//!   (§8.3) of every actor it ever paid, one record (`smoothed`: 20 bytes per actor)
//! - `epoch_rewards` (topic_id, epoch)          -> EpochReward, the last
//!   `MAX_UNSETTLED_EPOCHS` settled epochs of each topic
//! - `months`        month                      -> MonthEmission (§10), the last
//!   `MAX_MONTH_RECORDS` months, in the binary form of `crate::records`
//! - `parked`        id                         -> ParkedPayout: a refused payout, kept
//!   until retried or redirected (its amount is in `Totals.parked`)
//! - `parked_by_topic` (topic_id, id)           -> (): the parked delegator deposits of a
//!   topic, oldest first (a topic's later deposits wait behind them)
//! - `parked_seq`                               -> u64, the last id handed out

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Decimal, SignedDecimal, Uint128};
use cw_storage_plus::{Item, Map};
use nous_types::clock::EpochClock;
use nous_types::reward_distribution::{Config, EpochReward, MonthEmission, ParkedPayout, Totals};

use crate::binary::BinaryRecords;

/// The cw2 name and version this code records at instantiate and checks at migrate.
pub const CONTRACT_NAME: &str = "crates.io:reward-distribution";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

pub const CONFIG: Item<Config> = Item::new("config");
pub const TOTALS: Item<Totals> = Item::new("totals");

/// Reward classes of §8, as stored in keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Class {
    Inferer = 0,
    Forecaster = 1,
    Reputer = 2,
}

impl Class {
    pub fn key(self) -> u8 {
        self as u8
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Inferer => "inferer",
            Class::Forecaster => "forecaster",
            Class::Reputer => "reputer",
        }
    }
}

/// What the contract keeps about one topic.
#[cw_serde]
pub struct TopicState {
    /// The topic's epoch clock, copied at activation (the registry never changes a topic's
    /// timing fields), so a crank can tell which topics are due without a query.
    pub clock: EpochClock,
    /// The one canonical activity flag (SECURITY.md 15).
    pub active: bool,
    /// The stored, smoothed weight `w_t` (§9.1); 0 before the first update.
    pub weight: Decimal,
    /// Whether `weight` holds a value (EMA "no prior" otherwise).
    pub has_weight: bool,
    /// Stake seen at the last weight update.
    pub stake: Uint128,
    /// The next epoch to settle.
    pub next_epoch: u64,
    pub last_settled: Option<u64>,
    /// The forecaster score ratio ρ̄ (§8.5).
    pub forecaster_score_ratio: SignedDecimal,
    /// The most recent instant scores of inferers / forecasters, newest epoch first,
    /// ascending actor index within an epoch, at most `max_samples_to_scale_scores` (§8.1).
    pub inferer_samples: Vec<SignedDecimal>,
    pub forecaster_samples: Vec<SignedDecimal>,
}

impl TopicState {
    pub fn new(clock: EpochClock, next_epoch: u64) -> Self {
        TopicState {
            clock,
            active: false,
            weight: Decimal::zero(),
            has_weight: false,
            stake: Uint128::zero(),
            next_epoch,
            last_settled: None,
            forecaster_score_ratio: SignedDecimal::zero(),
            inferer_samples: vec![],
            forecaster_samples: vec![],
        }
    }
}

pub const TOPICS: BinaryRecords<TopicState> = BinaryRecords::new("topics");
pub const WEIGHT_INDEX: Map<(u128, u64), ()> = Map::new("weight_index");
pub const CRANK_CURSOR: Item<(u128, u64)> = Item::new("crank_cursor");
pub const CLAIMABLE: Map<&[u8], Uint128> = Map::new("credits");
pub const EPOCH_REWARDS: Map<(u64, u64), EpochReward> = Map::new("epoch_rewards");
pub const MONTHS: BinaryRecords<MonthEmission> = BinaryRecords::new("months");
pub const PARKED: Map<u64, ParkedPayout> = Map::new("parked");
pub const PARKED_BY_TOPIC: Map<(u64, u64), ()> = Map::new("parked_by_topic");
pub const PARKED_SEQ: Item<u64> = Item::new("parked_seq");
