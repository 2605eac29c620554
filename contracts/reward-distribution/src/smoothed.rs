//! The smoothed reward fractions ū of §8.3, one binary record per (topic, class): a
//! settlement reads and writes three records instead of one JSON value per actor.
//!
//! Format: `nous_math::serde_maps::id_bytes`, ascending actor index (20 bytes per actor). An actor keeps its value while it is not
//! scored, as the per-actor records did, so a returning actor smooths from it.

use std::collections::BTreeMap;

use cosmwasm_std::{Order, SignedDecimal, StdError, Storage};
use cw_storage_plus::Map;
use nous_math::serde_maps::id_bytes;
use nous_math::Fixed;

use crate::error::ContractError;
use crate::state::Class;

/// The record's key namespace; the value is written raw (the `Map` only builds keys).
const SMOOTHED: Map<(u64, u8), ()> = Map::new("smoothed_class");

fn encode(values: &BTreeMap<u32, Fixed>) -> Vec<u8> {
    id_bytes::encode(values.iter().map(|(a, v)| (*a, v)))
}

fn decode(bytes: &[u8]) -> Result<BTreeMap<u32, Fixed>, ContractError> {
    let entries = id_bytes::decode(bytes)
        .map_err(|e| StdError::generic_err(format!("corrupt smoothed-fractions record: {e}")))?;
    Ok(entries.into_iter().collect())
}

/// The stored fractions of a class of a topic (empty before its first payout).
pub fn load(
    storage: &dyn Storage,
    topic_id: u64,
    class: Class,
) -> Result<BTreeMap<u32, Fixed>, ContractError> {
    match storage.get(&SMOOTHED.key((topic_id, class.key()))) {
        Some(bytes) => decode(&bytes),
        None => Ok(BTreeMap::new()),
    }
}

/// Stores `values` as the class's fractions (callers pass the loaded map with this epoch's
/// values merged in).
pub fn save(storage: &mut dyn Storage, topic_id: u64, class: Class, values: &BTreeMap<u32, Fixed>) {
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
    let mut grouped: BTreeMap<(u64, u8), BTreeMap<u32, Fixed>> = BTreeMap::new();
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
            None => BTreeMap::new(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    #[test]
    fn records_round_trip_and_refuse_corrupt_bytes() {
        let mut storage = MockStorage::new();
        let values: BTreeMap<u32, Fixed> = [(0, Fixed::from_raw(-5)), (7, Fixed::ONE)].into();
        save(&mut storage, 3, Class::Forecaster, &values);
        assert_eq!(load(&storage, 3, Class::Forecaster).unwrap(), values);
        assert!(load(&storage, 3, Class::Inferer).unwrap().is_empty());
        assert!(decode(&[0; 21]).is_err());
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
