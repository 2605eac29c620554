//! Storage layout of the reward-distribution contract.
//!
//! Keys (topic ids and epochs are u64, actor indices u32, addresses validated `Addr`s):
//! - `config`                                   -> Config
//! - `totals`                                   -> Totals: Σ claimable, carried dust, the
//!   active topic weight sum, the known stake sum (each updated once per change)
//! - `topics`        topic_id                   -> TopicState (activity flag, weight, cursor,
//!   the class-split state of MATH.md §8 that persists between epochs), in the binary form
//!   of `TopicState::to_record`
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
//!   `MAX_MONTH_RECORDS` months
//! - `parked`        id                         -> ParkedPayout: a refused payout, kept
//!   until retried or redirected (its amount is in `Totals.parked`)
//! - `parked_by_topic` (topic_id, id)           -> (): the parked delegator deposits of a
//!   topic, oldest first (a topic's later deposits wait behind them)
//! - `parked_seq`                               -> u64, the last id handed out

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    from_json, Decimal, Order, SignedDecimal, StdError, StdResult, Storage, Uint128,
};
use cw_storage_plus::{Bound, Item, Map};
use nous_types::clock::EpochClock;
use nous_types::codec::{Reader, Writer};
use nous_types::reward_distribution::{Config, EpochReward, MonthEmission, ParkedPayout, Totals};

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

/// The first byte of a binary topic record (the JSON record before it starts with `{`).
const TOPIC_RECORD_V1: u8 = 1;

impl TopicState {
    /// The stored form: a format byte, then varints (a third of the JSON record, which a
    /// settlement reads and rewrites for every epoch).
    fn to_record(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u8(TOPIC_RECORD_V1);
        let c = &self.clock;
        for v in [
            c.start_height,
            c.epoch_length,
            c.worker_window,
            c.ground_truth_lag,
            c.reveal_window,
            self.next_epoch,
        ] {
            w.varint(u128::from(v));
        }
        w.u8(u8::from(self.active) | u8::from(self.has_weight) << 1);
        w.varint(self.weight.atomics().u128());
        w.varint(self.stake.u128());
        // `last_settled` as 0 for none, else the epoch + 1
        w.varint(self.last_settled.map_or(0, |e| u128::from(e) + 1));
        w.zigzag(self.forecaster_score_ratio.atomics().i128());
        for samples in [&self.inferer_samples, &self.forecaster_samples] {
            w.varint(samples.len() as u128);
            for s in samples {
                w.zigzag(s.atomics().i128());
            }
        }
        w.into_bytes()
    }

    /// Reads a stored topic record: the binary form, or the JSON form before it.
    fn from_record(bytes: &[u8]) -> StdResult<TopicState> {
        if bytes.first() == Some(&b'{') {
            return from_json(bytes);
        }
        let corrupt = || StdError::generic_err("corrupt topic record");
        let mut r = Reader::new(bytes);
        if r.u8()? != TOPIC_RECORD_V1 {
            return Err(corrupt());
        }
        let mut u64s = [0u64; 6];
        for v in &mut u64s {
            *v = u64::try_from(r.varint()?).map_err(|_| corrupt())?;
        }
        let [start_height, epoch_length, worker_window, ground_truth_lag, reveal_window, next_epoch] =
            u64s;
        let flags = r.u8()?;
        if flags >> 2 != 0 {
            return Err(corrupt());
        }
        let weight = Decimal::raw(r.varint()?);
        let stake = Uint128::new(r.varint()?);
        let last_settled = match r.varint()? {
            0 => None,
            e => Some(u64::try_from(e - 1).map_err(|_| corrupt())?),
        };
        let forecaster_score_ratio = SignedDecimal::raw(r.zigzag()?);
        let mut samples = [vec![], vec![]];
        for list in &mut samples {
            let n = r.varint()?;
            for _ in 0..n {
                // each sample takes a byte at least: a larger count is not trusted
                if r.remaining() == 0 {
                    return Err(corrupt());
                }
                list.push(SignedDecimal::raw(r.zigzag()?));
            }
        }
        r.end()?;
        let [inferer_samples, forecaster_samples] = samples;
        Ok(TopicState {
            clock: EpochClock {
                start_height,
                epoch_length,
                worker_window,
                ground_truth_lag,
                reveal_window,
            },
            active: flags & 1 != 0,
            weight,
            has_weight: flags & 2 != 0,
            stake,
            next_epoch,
            last_settled,
            forecaster_score_ratio,
            inferer_samples,
            forecaster_samples,
        })
    }
}

/// The topic records, by topic id, each in the binary form of [`TopicState::to_record`]
/// (the `Map` only builds keys).
pub struct TopicRecords(Map<u64, ()>);

impl TopicRecords {
    pub fn may_load(&self, storage: &dyn Storage, topic_id: u64) -> StdResult<Option<TopicState>> {
        storage
            .get(&self.0.key(topic_id))
            .map(|bytes| TopicState::from_record(&bytes))
            .transpose()
    }

    pub fn load(&self, storage: &dyn Storage, topic_id: u64) -> StdResult<TopicState> {
        self.may_load(storage, topic_id)?
            .ok_or_else(|| StdError::not_found("reward-distribution topic record"))
    }

    pub fn save(
        &self,
        storage: &mut dyn Storage,
        topic_id: u64,
        state: &TopicState,
    ) -> StdResult<()> {
        storage.set(&self.0.key(topic_id), &state.to_record());
        Ok(())
    }

    /// Up to `limit` records after `start_after`, ascending by topic id.
    pub fn page(
        &self,
        storage: &dyn Storage,
        start_after: Option<u64>,
        limit: usize,
    ) -> StdResult<Vec<(u64, TopicState)>> {
        let ids: Vec<u64> = self
            .0
            .keys(
                storage,
                start_after.map(Bound::exclusive),
                None,
                Order::Ascending,
            )
            .take(limit)
            .collect::<StdResult<_>>()?;
        ids.into_iter()
            .map(|id| Ok((id, self.load(storage, id)?)))
            .collect()
    }

    /// `migrate`: rewrites every record still in the JSON form; returns how many.
    pub fn migrate_json_records(&self, storage: &mut dyn Storage) -> StdResult<u64> {
        let ids: Vec<u64> = self
            .0
            .keys(storage, None, None, Order::Ascending)
            .collect::<StdResult<_>>()?;
        let mut rewritten = 0;
        for id in ids {
            let key = self.0.key(id);
            if storage.get(&key).and_then(|b| b.first().copied()) == Some(b'{') {
                let state = self.load(storage, id)?;
                self.save(storage, id, &state)?;
                rewritten += 1;
            }
        }
        Ok(rewritten)
    }
}

pub const TOPICS: TopicRecords = TopicRecords(Map::new("topics"));
pub const WEIGHT_INDEX: Map<(u128, u64), ()> = Map::new("weight_index");
pub const CRANK_CURSOR: Item<(u128, u64)> = Item::new("crank_cursor");
pub const CLAIMABLE: Map<&[u8], Uint128> = Map::new("credits");
pub const EPOCH_REWARDS: Map<(u64, u64), EpochReward> = Map::new("epoch_rewards");
pub const MONTHS: Map<u64, MonthEmission> = Map::new("months");
pub const PARKED: Map<u64, ParkedPayout> = Map::new("parked");
pub const PARKED_BY_TOPIC: Map<(u64, u64), ()> = Map::new("parked_by_topic");
pub const PARKED_SEQ: Item<u64> = Item::new("parked_seq");

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;
    use cosmwasm_std::to_json_vec;

    fn state() -> TopicState {
        TopicState {
            clock: EpochClock {
                start_height: u64::MAX,
                epoch_length: 10,
                worker_window: 4,
                ground_truth_lag: 10,
                reveal_window: 2,
            },
            active: true,
            weight: Decimal::MAX,
            has_weight: true,
            stake: Uint128::MAX,
            next_epoch: 17,
            last_settled: Some(16),
            forecaster_score_ratio: SignedDecimal::MIN,
            inferer_samples: vec![SignedDecimal::percent(-3), SignedDecimal::MAX],
            forecaster_samples: vec![],
        }
    }

    #[test]
    fn topic_records_round_trip_and_read_the_json_before_them() {
        let s = state();
        assert_eq!(TopicState::from_record(&s.to_record()).unwrap(), s);
        let fresh = TopicState::new(s.clock, 0);
        assert_eq!(TopicState::from_record(&fresh.to_record()).unwrap(), fresh);
        let last = TopicState {
            last_settled: Some(u64::MAX),
            ..state()
        };
        assert_eq!(TopicState::from_record(&last.to_record()).unwrap(), last);
        let json = to_json_vec(&s).unwrap();
        assert_eq!(TopicState::from_record(&json).unwrap(), s);
        // a settled topic's record: a third of its JSON or less
        let settled = TopicState {
            clock: EpochClock {
                start_height: 1_000,
                ..s.clock
            },
            weight: Decimal::raw(2_512_345_678_901_234_567),
            stake: Uint128::new(1_000_000_000_000),
            forecaster_score_ratio: SignedDecimal::raw(401_234_567_890_123_456),
            // instant scores at full precision, as the maths produces them
            inferer_samples: vec![SignedDecimal::raw(123_456_789_012_345_678); 10],
            forecaster_samples: vec![SignedDecimal::raw(-45_678_901_234_567_890); 10],
            ..state()
        };
        let (binary, json) = (
            settled.to_record().len(),
            to_json_vec(&settled).unwrap().len(),
        );
        assert!(binary * 3 <= json, "{binary} vs {json}");
    }

    #[test]
    fn corrupt_topic_records_are_refused() {
        let record = state().to_record();
        for n in 0..record.len() {
            assert!(TopicState::from_record(&record[..n]).is_err(), "{n}");
        }
        let mut longer = record.clone();
        longer.push(0);
        assert!(TopicState::from_record(&longer).is_err());
        let mut other = record.clone();
        other[0] = 2;
        assert!(TopicState::from_record(&other).is_err());
    }

    #[test]
    fn migrate_rewrites_json_topic_records() {
        let mut st = MockStorage::new();
        let s = state();
        // as the code before wrote it, and one in the binary form
        st.set(&TOPICS.0.key(1), &to_json_vec(&s).unwrap());
        TOPICS.save(&mut st, 2, &s).unwrap();
        assert_eq!(TOPICS.load(&st, 1).unwrap(), s);
        assert_eq!(TOPICS.migrate_json_records(&mut st).unwrap(), 1);
        assert_eq!(st.get(&TOPICS.0.key(1)).unwrap(), s.to_record());
        assert_eq!(TOPICS.migrate_json_records(&mut st).unwrap(), 0);
        let page = TOPICS.page(&st, None, 10).unwrap();
        assert_eq!(page, vec![(1, s.clone()), (2, s.clone())]);
        assert_eq!(TOPICS.page(&st, Some(1), 10).unwrap(), vec![(2, s)]);
        assert!(TOPICS.load(&st, 3).is_err());
    }
}
