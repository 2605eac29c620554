//! The binary forms of the records a settlement reads and rewrites every epoch: the
//! topic record (`TopicState`) and the month's emission record (`MonthEmission`), each
//! after the format byte of [`crate::binary`]: varints (`nous_types::codec`), a third of
//! the JSON or less.

use cosmwasm_std::{Decimal, SignedDecimal, StdResult, Uint128};
use nous_types::codec::{corrupt, Reader, Writer};
use nous_types::reward_distribution::MonthEmission;
use nous_types::EpochClock;

use crate::binary::BinaryRecord;
use crate::state::TopicState;

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
    use cosmwasm_std::{Order, Storage};
    use cw_storage_plus::Bound;

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
