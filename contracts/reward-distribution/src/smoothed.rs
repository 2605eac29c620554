//! The smoothed reward fractions ū of §8.3, one binary record per (topic, class): a
//! settlement reads and writes three records instead of one JSON value per actor.
//!
//! Format: a format byte (1), the number of actors, then per actor in ascending index its
//! distance from the previous index and its raw value, as varints (`nous_types::codec`):
//! about 10 bytes an actor. An actor keeps its value while it is not scored, as the
//! per-actor records did, so a returning actor smooths from it. The fixed-width form before
//! it (`nous_math::serde_maps::id_bytes`, 20 bytes an actor, its first byte the top byte of
//! an actor index, 0 below 2^24) is still read, and `migrate` rewrites it.

use cosmwasm_std::{Order, SignedDecimal, StdError, Storage};
use cw_storage_plus::Map;
use nous_math::serde_maps::id_bytes;
use nous_math::sorted_map::SortedMap;
use nous_math::Fixed;
use nous_types::codec::{Reader, Writer};

use crate::error::ContractError;
use crate::state::Class;

/// The record's key namespace; the value is written raw (the `Map` only builds keys).
const SMOOTHED: Map<(u64, u8), ()> = Map::new("smoothed_class");

/// The first byte of the varint form.
const VARINT_FORM: u8 = 1;

fn encode(values: &SortedMap<u32, Fixed>) -> Vec<u8> {
    let mut w = Writer::default();
    w.u8(VARINT_FORM);
    w.varint(values.len() as u128);
    let mut previous = 0u32;
    for (actor, value) in values {
        // ascending, so the distance is never negative (the first from 0)
        w.varint(u128::from(actor - previous));
        w.zigzag(value.raw());
        previous = *actor;
    }
    w.into_bytes()
}

fn corrupt(detail: impl std::fmt::Display) -> ContractError {
    StdError::generic_err(format!("corrupt smoothed-fractions record: {detail}")).into()
}

fn decode(bytes: &[u8]) -> Result<SortedMap<u32, Fixed>, ContractError> {
    if bytes.first() != Some(&VARINT_FORM) {
        let entries = id_bytes::decode(bytes).map_err(corrupt)?;
        return Ok(entries.into_iter().collect());
    }
    let mut r = Reader::new(&bytes[1..]);
    // each entry takes two bytes at least
    let n = r.count(2)?;
    let mut out = SortedMap::new();
    let mut previous = 0u32;
    for i in 0..n {
        let step = u32::try_from(r.varint()?).map_err(|_| corrupt("actor index"))?;
        let actor = previous
            .checked_add(step)
            .filter(|a| i == 0 || *a > previous)
            .ok_or_else(|| corrupt("actor index"))?;
        out.insert(actor, Fixed::from_raw(r.zigzag()?));
        previous = actor;
    }
    r.end()?;
    Ok(out)
}

/// The stored fractions of a class of a topic (empty before its first payout).
pub fn load(
    storage: &dyn Storage,
    topic_id: u64,
    class: Class,
) -> Result<SortedMap<u32, Fixed>, ContractError> {
    match storage.get(&SMOOTHED.key((topic_id, class.key()))) {
        Some(bytes) => decode(&bytes),
        None => Ok(SortedMap::new()),
    }
}

/// Stores `values` as the class's fractions (callers pass the loaded map with this epoch's
/// values merged in).
pub fn save(
    storage: &mut dyn Storage,
    topic_id: u64,
    class: Class,
    values: &SortedMap<u32, Fixed>,
) {
    storage.set(&SMOOTHED.key((topic_id, class.key())), &encode(values));
}

/// The per-actor JSON values of the previous format: (topic, class key, actor) -> ū.
const OLD_SMOOTHED: Map<(u64, u8, u32), SignedDecimal> = Map::new("smoothed");

/// `migrate`: moves every per-actor value of the previous format into its class record
/// (merged with a record that already exists) and removes it; returns how many it moved.
pub fn migrate_per_actor_values(storage: &mut dyn Storage) -> Result<u64, ContractError> {
    let old: Vec<((u64, u8, u32), SignedDecimal)> = OLD_SMOOTHED
        .range(storage, None, None, Order::Ascending)
        .collect::<Result<_, _>>()?;
    let mut grouped: SortedMap<(u64, u8), SortedMap<u32, Fixed>> = SortedMap::new();
    for ((topic_id, class, actor), value) in &old {
        grouped
            .entry((*topic_id, *class))
            .or_default()
            .insert(*actor, Fixed::from(*value));
    }
    for ((topic_id, class), values) in grouped {
        let key = SMOOTHED.key((topic_id, class));
        let mut record = match storage.get(&key) {
            Some(bytes) => decode(&bytes)?,
            None => SortedMap::new(),
        };
        // a value the new format already holds is newer than the old one
        for (actor, value) in values {
            record.entry(actor).or_insert(value);
        }
        storage.set(&key, &encode(&record));
    }
    for (key, _) in &old {
        OLD_SMOOTHED.remove(storage, *key);
    }
    Ok(old.len() as u64)
}

/// `migrate`: rewrites every class record still in the fixed-width form in the varint
/// form (one record per topic and class); returns how many it rewrote.
pub fn migrate_fixed_width_records(storage: &mut dyn Storage) -> Result<u64, ContractError> {
    let records: Vec<((u64, u8), Vec<u8>)> = SMOOTHED
        .keys(storage, None, None, Order::Ascending)
        .map(|k| {
            let k = k?;
            Ok((k, storage.get(&SMOOTHED.key(k)).unwrap_or_default()))
        })
        .collect::<Result<_, ContractError>>()?;
    let mut rewritten = 0;
    for (key, bytes) in records {
        if bytes.first() == Some(&VARINT_FORM) {
            continue;
        }
        storage.set(&SMOOTHED.key(key), &encode(&decode(&bytes)?));
        rewritten += 1;
    }
    Ok(rewritten)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    #[test]
    fn records_round_trip_and_refuse_corrupt_bytes() {
        let mut storage = MockStorage::new();
        let values: SortedMap<u32, Fixed> = [(0, Fixed::from_raw(-5)), (7, Fixed::ONE)].into();
        save(&mut storage, 3, Class::Forecaster, &values);
        assert_eq!(load(&storage, 3, Class::Forecaster).unwrap(), values);
        assert!(load(&storage, 3, Class::Inferer).unwrap().is_empty());
        assert!(decode(&[0; 21]).is_err());
        // the varint form: about half the fixed width; truncated, trailing bytes, a count
        // beyond the bytes, a repeated actor are refused
        let many: SortedMap<u32, Fixed> = (0..32)
            .map(|a| {
                (
                    a * 3,
                    Fixed::from_raw(i128::from(a) * 31_250_000_000_000_000),
                )
            })
            .collect();
        let bytes = encode(&many);
        assert!(bytes.len() * 2 <= id_bytes::encode(many.iter().map(|(a, v)| (*a, v))).len());
        assert_eq!(decode(&bytes).unwrap(), many);
        for n in 1..bytes.len() {
            assert!(decode(&bytes[..n]).is_err(), "{n}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_err());
        assert!(decode(&[VARINT_FORM, 0xff, 0x01, 0, 0]).is_err());
        assert!(decode(&[VARINT_FORM, 2, 5, 0, 0, 0]).is_err());
        let extremes: SortedMap<u32, Fixed> = [(u32::MAX, Fixed::MIN), (0, Fixed::MAX)].into();
        assert_eq!(decode(&encode(&extremes)).unwrap(), extremes);
    }

    #[test]
    fn migrate_rewrites_fixed_width_records() {
        let mut storage = MockStorage::new();
        let values: SortedMap<u32, Fixed> = [(2, Fixed::from_raw(-5)), (9, Fixed::ONE)].into();
        // as the code before wrote it, and one already in the varint form
        storage.set(
            &SMOOTHED.key((1, Class::Inferer.key())),
            &id_bytes::encode(values.iter().map(|(a, v)| (*a, v))),
        );
        save(&mut storage, 1, Class::Reputer, &values);
        assert_eq!(load(&storage, 1, Class::Inferer).unwrap(), values);
        assert_eq!(migrate_fixed_width_records(&mut storage).unwrap(), 1);
        let stored = storage
            .get(&SMOOTHED.key((1, Class::Inferer.key())))
            .unwrap();
        assert_eq!(stored, encode(&values));
        assert_eq!(load(&storage, 1, Class::Inferer).unwrap(), values);
        assert_eq!(load(&storage, 1, Class::Reputer).unwrap(), values);
        assert_eq!(migrate_fixed_width_records(&mut storage).unwrap(), 0);
    }

    #[test]
    fn migrate_packs_the_per_actor_values_of_the_old_format() {
        let mut storage = MockStorage::new();
        let v = |x: i64| SignedDecimal::percent(x);
        // written as the previous code did: one JSON value per (topic, class, actor)
        for (key, value) in [
            ((1, Class::Inferer.key(), 4), v(30)),
            ((1, Class::Inferer.key(), 2), v(70)),
            ((1, Class::Reputer.key(), 9), v(100)),
            ((2, Class::Forecaster.key(), 0), v(-5)),
        ] {
            OLD_SMOOTHED.save(&mut storage, key, &value).unwrap();
        }
        assert_eq!(migrate_per_actor_values(&mut storage).unwrap(), 4);
        let f = |x: i64| Fixed::from(v(x));
        assert_eq!(
            load(&storage, 1, Class::Inferer).unwrap(),
            [(2, f(70)), (4, f(30))].into()
        );
        assert_eq!(
            load(&storage, 1, Class::Reputer).unwrap(),
            [(9, f(100))].into()
        );
        assert_eq!(
            load(&storage, 2, Class::Forecaster).unwrap(),
            [(0, f(-5))].into()
        );
        assert!(load(&storage, 2, Class::Inferer).unwrap().is_empty());
        assert!(OLD_SMOOTHED
            .range(&storage, None, None, Order::Ascending)
            .next()
            .is_none());
        // nothing left: a second run moves nothing and changes nothing
        assert_eq!(migrate_per_actor_values(&mut storage).unwrap(), 0);
        assert_eq!(load(&storage, 1, Class::Inferer).unwrap().len(), 2);
    }
}
