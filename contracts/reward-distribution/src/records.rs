//! Records a settlement reads and rewrites every epoch, stored in a binary form instead of
//! JSON: the topic record (`TopicState`) and the month's emission record
//! (`MonthEmission`). Each form is a format byte (1), then varints (`nous_types::codec`):
//! a third of the JSON or less, and every byte written costs 30 gas. A record still in the
//! JSON form before it (it starts with `{`) is read as such, and `migrate` rewrites it.

use std::marker::PhantomData;

use cosmwasm_std::{
    from_json, Decimal, Order, SignedDecimal, StdError, StdResult, Storage, Uint128,
};
use cw_storage_plus::{Bound, Map};
use nous_types::codec::{Reader, Writer};
use nous_types::reward_distribution::MonthEmission;
use nous_types::EpochClock;
use serde::de::DeserializeOwned;

use crate::state::TopicState;

/// The first byte of every binary form here.
const FORM_V1: u8 = 1;

/// A record with a binary form.
pub trait BinaryRecord: Sized + DeserializeOwned {
    /// Its fields after the format byte.
    fn write(&self, w: &mut Writer);
    /// Reads what [`BinaryRecord::write`] wrote (the reader is checked for its end after).
    fn read(r: &mut Reader) -> StdResult<Self>;

    fn to_record(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u8(FORM_V1);
        self.write(&mut w);
        w.into_bytes()
    }

    /// The binary form, or the JSON form before it.
    fn from_record(bytes: &[u8]) -> StdResult<Self> {
        if bytes.first() == Some(&b'{') {
            return from_json(bytes);
        }
        let mut r = Reader::new(bytes);
        if r.u8()? != FORM_V1 {
            return Err(corrupt());
        }
        let record = Self::read(&mut r)?;
        r.end()?;
        Ok(record)
    }
}

fn corrupt() -> StdError {
    StdError::generic_err("corrupt binary record")
}

/// Binary records by a `u64` id (the `Map` only builds keys).
pub struct BinaryRecords<T> {
    keys: Map<u64, ()>,
    _record: PhantomData<T>,
}

impl<T: BinaryRecord> BinaryRecords<T> {
    pub const fn new(namespace: &'static str) -> Self {
        BinaryRecords {
            keys: Map::new(namespace),
            _record: PhantomData,
        }
    }

    pub fn may_load(&self, storage: &dyn Storage, id: u64) -> StdResult<Option<T>> {
        storage
            .get(&self.keys.key(id))
            .map(|bytes| T::from_record(&bytes))
            .transpose()
    }

    pub fn load(&self, storage: &dyn Storage, id: u64) -> StdResult<T> {
        self.may_load(storage, id)?
            .ok_or_else(|| StdError::not_found("reward-distribution record"))
    }

    pub fn save(&self, storage: &mut dyn Storage, id: u64, record: &T) -> StdResult<()> {
        storage.set(&self.keys.key(id), &record.to_record());
        Ok(())
    }

    pub fn remove(&self, storage: &mut dyn Storage, id: u64) {
        storage.remove(&self.keys.key(id));
    }

    /// The ids between `min` and `max`, in `order`.
    pub fn ids<'a>(
        &self,
        storage: &'a dyn Storage,
        min: Option<Bound<'a, u64>>,
        max: Option<Bound<'a, u64>>,
        order: Order,
    ) -> Box<dyn Iterator<Item = StdResult<u64>> + 'a> {
        self.keys.keys(storage, min, max, order)
    }

    /// The first record of `ids(min, max, order)`, with its id.
    pub fn first(
        &self,
        storage: &dyn Storage,
        min: Option<Bound<u64>>,
        max: Option<Bound<u64>>,
        order: Order,
    ) -> StdResult<Option<(u64, T)>> {
        let id = self.ids(storage, min, max, order).next().transpose()?;
        id.map(|id| Ok((id, self.load(storage, id)?))).transpose()
    }

    /// Up to `limit` records after `start_after`, ascending by id.
    pub fn page(
        &self,
        storage: &dyn Storage,
        start_after: Option<u64>,
        limit: usize,
    ) -> StdResult<Vec<(u64, T)>> {
        let ids: Vec<u64> = self
            .ids(
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
            .ids(storage, None, None, Order::Ascending)
            .collect::<StdResult<_>>()?;
        let mut rewritten = 0;
        for id in ids {
            let json = storage
                .get(&self.keys.key(id))
                .and_then(|b| b.first().copied())
                == Some(b'{');
            if json {
                let record = self.load(storage, id)?;
                self.save(storage, id, &record)?;
                rewritten += 1;
            }
        }
        Ok(rewritten)
    }

    #[cfg(test)]
    pub fn raw_key(&self, id: u64) -> Vec<u8> {
        self.keys.key(id).to_vec()
    }
}

impl BinaryRecord for TopicState {
    fn write(&self, w: &mut Writer) {
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
    }

    fn read(r: &mut Reader) -> StdResult<TopicState> {
        let clock = EpochClock {
            start_height: r.varint_u64()?,
            epoch_length: r.varint_u64()?,
            worker_window: r.varint_u64()?,
            ground_truth_lag: r.varint_u64()?,
            reveal_window: r.varint_u64()?,
        };
        let next_epoch = r.varint_u64()?;
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
        let [inferer_samples, forecaster_samples] = samples;
        Ok(TopicState {
            clock,
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

impl BinaryRecord for MonthEmission {
    fn write(&self, w: &mut Writer) {
        w.varint(u128::from(self.month));
        w.varint(self.emission_per_token.atomics().u128());
        w.varint(self.reputer_share.atomics().u128());
        for amount in [
            self.treasury,
            self.staked,
            self.month_emission,
            self.block_emission,
            self.topic_rewards_paid,
            self.reputer_rewards_paid,
        ] {
            w.varint(amount.u128());
        }
    }

    fn read(r: &mut Reader) -> StdResult<MonthEmission> {
        let month = r.varint_u64()?;
        let emission_per_token = Decimal::raw(r.varint()?);
        let reputer_share = Decimal::raw(r.varint()?);
        let mut amounts = [Uint128::zero(); 6];
        for a in &mut amounts {
            *a = Uint128::new(r.varint()?);
        }
        let [treasury, staked, month_emission, block_emission, topic_rewards_paid, reputer_rewards_paid] =
            amounts;
        Ok(MonthEmission {
            month,
            emission_per_token,
            treasury,
            staked,
            reputer_share,
            month_emission,
            block_emission,
            topic_rewards_paid,
            reputer_rewards_paid,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{MONTHS, TOPICS};
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
    fn migrate_rewrites_json_records() {
        let mut st = MockStorage::new();
        let s = state();
        // as the code before wrote it, and one in the binary form
        st.set(&TOPICS.raw_key(1), &to_json_vec(&s).unwrap());
        TOPICS.save(&mut st, 2, &s).unwrap();
        assert_eq!(TOPICS.load(&st, 1).unwrap(), s);
        assert_eq!(TOPICS.migrate_json_records(&mut st).unwrap(), 1);
        assert_eq!(st.get(&TOPICS.raw_key(1)).unwrap(), s.to_record());
        assert_eq!(TOPICS.migrate_json_records(&mut st).unwrap(), 0);
        let page = TOPICS.page(&st, None, 10).unwrap();
        assert_eq!(page, vec![(1, s.clone()), (2, s.clone())]);
        assert_eq!(TOPICS.page(&st, Some(1), 10).unwrap(), vec![(2, s)]);
        assert!(TOPICS.load(&st, 3).is_err());
    }

    fn month() -> MonthEmission {
        MonthEmission {
            month: 41,
            emission_per_token: Decimal::raw(1_234_567_890_123),
            treasury: Uint128::new(987_654_321_000_000),
            staked: Uint128::MAX,
            reputer_share: Decimal::percent(33),
            month_emission: Uint128::new(5_000_000_000),
            block_emission: Uint128::new(5_787),
            topic_rewards_paid: Uint128::zero(),
            reputer_rewards_paid: Uint128::new(1),
        }
    }

    #[test]
    fn month_records_round_trip_and_read_the_json_before_them() {
        let m = month();
        let record = m.to_record();
        assert_eq!(MonthEmission::from_record(&record).unwrap(), m);
        let json = to_json_vec(&m).unwrap();
        assert_eq!(MonthEmission::from_record(&json).unwrap(), m);
        assert!(
            record.len() * 3 <= json.len(),
            "{} vs {}",
            record.len(),
            json.len()
        );
        for n in 0..record.len() {
            assert!(MonthEmission::from_record(&record[..n]).is_err(), "{n}");
        }
        let mut st = MockStorage::new();
        st.set(&MONTHS.raw_key(41), &json);
        MONTHS
            .save(
                &mut st,
                42,
                &MonthEmission {
                    month: 42,
                    ..month()
                },
            )
            .unwrap();
        assert_eq!(MONTHS.migrate_json_records(&mut st).unwrap(), 1);
        assert_eq!(st.get(&MONTHS.raw_key(41)).unwrap(), record);
        let latest = MONTHS.first(&st, None, None, Order::Descending).unwrap();
        assert_eq!(latest.map(|(id, r)| (id, r.month)), Some((42, 42)));
        let before = MONTHS
            .first(&st, None, Some(Bound::exclusive(42u64)), Order::Descending)
            .unwrap();
        assert_eq!(before, Some((41, m)));
        MONTHS.remove(&mut st, 41);
        assert_eq!(MONTHS.may_load(&st, 41).unwrap(), None);
    }
}
