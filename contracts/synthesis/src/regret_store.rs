//! Packed storage of the regret tables (every read and write costs gas): one binary record per
//! actor and role, holding every regret whose row is that actor, so a close reads and writes
//! one record per active actor instead of one per table and actor, and skips the records whose
//! entries did not change.
//!
//! Key: raw storage under the `regret_rows` namespace, `(topic_id, role, actor)` with role
//! 0 for an inferer, 1 for a forecaster. Value: sections, each a table tag byte followed by
//! - for a single table (`inferer`, `naive`; `forecaster`, `one_in_self`): the value;
//! - for a pair table: the entry count, then per entry the column's distance from the
//!   previous column (the first from 0; columns ascending) and the value;
//!
//! with counts and distances as varints and values as zigzag varints of the raw `Fixed`
//! (9 bytes for a regret below 4.6 in magnitude, 1 byte per column distance in a dense
//! row). A row holds `R(row, column)`: the withheld or one-in actor is the row. An inferer's
//! record holds `inferer`, `naive` and its rows of `one_out_inferer_inferer` and
//! `one_out_inferer_forecaster`; a forecaster's holds `forecaster`, `one_in_self` and its
//! rows of `one_out_forecaster_inferer`, `one_out_forecaster_forecaster` and
//! `one_in_inferer`.
//!
//! Only the records of a nonce's active actors are read or written, so one close touches
//! O(active²) bytes whatever the topic's history.

use cosmwasm_std::Storage;
use nous_math::regrets::RegretState;
use nous_math::sorted_map::SortedMap;
use nous_math::Fixed;

use crate::codec::{
    after_namespace, decode_fixed, decode_pairs, namespace_records, RawMap, Reader, Writer,
};
use crate::error::ContractError;

const ROWS: RawMap<(u64, u8, u32)> = RawMap::new("regret_rows");
/// The layout before the packed records: `(topic_id, table, actor)` -> a 16-byte value
/// (single tables) or `column u32 BE ++ value i128 BE` per entry (pair tables).
const OLD_NAMESPACE: &[u8] = b"regrets";

const INFERER_ROLE: u8 = 0;
const FORECASTER_ROLE: u8 = 1;

const INFERER: u8 = 0;
const FORECASTER: u8 = 1;
const NAIVE: u8 = 2;
const ONE_IN_SELF: u8 = 3;
const ONE_OUT_INFERER_INFERER: u8 = 10;
const ONE_OUT_INFERER_FORECASTER: u8 = 11;
const ONE_OUT_FORECASTER_INFERER: u8 = 12;
const ONE_OUT_FORECASTER_FORECASTER: u8 = 13;
const ONE_IN_INFERER: u8 = 14;

/// The role whose record holds a table, and whether the table is a pair table.
fn role_of(table: u8) -> Option<(u8, bool)> {
    match table {
        INFERER | NAIVE => Some((INFERER_ROLE, false)),
        FORECASTER | ONE_IN_SELF => Some((FORECASTER_ROLE, false)),
        ONE_OUT_INFERER_INFERER | ONE_OUT_INFERER_FORECASTER => Some((INFERER_ROLE, true)),
        ONE_OUT_FORECASTER_INFERER | ONE_OUT_FORECASTER_FORECASTER | ONE_IN_INFERER => {
            Some((FORECASTER_ROLE, true))
        }
        _ => None,
    }
}

/// One actor's entries of one role, by table: `(column, value)` ascending by column; a
/// single table's one value has the actor as its column.
type Record = SortedMap<u8, Vec<(u32, Fixed)>>;

fn encode(record: &Record) -> Vec<u8> {
    let mut w = Writer::default();
    for (table, entries) in record {
        let Some((_, pair)) = role_of(*table) else {
            continue;
        };
        if entries.is_empty() {
            continue;
        }
        w.u8(*table);
        if pair {
            w.varint(entries.len() as u128);
            let mut previous = 0u32;
            for (column, value) in entries {
                w.varint(u128::from(column.wrapping_sub(previous)));
                w.zigzag(value.raw());
                previous = *column;
            }
        } else if let Some((_, value)) = entries.first() {
            w.zigzag(value.raw());
        }
    }
    w.into_bytes()
}

fn decode(bytes: &[u8], actor: u32) -> Result<Record, ContractError> {
    let mut r = Reader::new(bytes);
    let mut record = Record::new();
    while !r.is_empty() {
        let table = r.u8()?;
        let (_, pair) = role_of(table).ok_or_else(corrupt)?;
        let mut entries = vec![];
        if pair {
            let n = r.varint()?;
            let mut column = 0u32;
            for i in 0..n {
                let step = u32::try_from(r.varint()?).map_err(|_| corrupt())?;
                // columns strictly ascending
                column = match i {
                    0 => step,
                    _ if step == 0 => return Err(corrupt()),
                    _ => column.checked_add(step).ok_or_else(corrupt)?,
                };
                entries.push((column, Fixed::from_raw(r.zigzag()?)));
            }
        } else {
            entries.push((actor, Fixed::from_raw(r.zigzag()?)));
        }
        if record.insert(table, entries).is_some() {
            return Err(corrupt());
        }
    }
    Ok(record)
}

fn corrupt() -> ContractError {
    ContractError::Std(cosmwasm_std::StdError::generic_err("corrupt regret record"))
}

fn read(
    storage: &dyn Storage,
    topic_id: u64,
    role: u8,
    actor: u32,
) -> Result<Record, ContractError> {
    match ROWS.get(storage, (topic_id, role, actor)) {
        None => Ok(Record::new()),
        Some(bytes) => decode(&bytes, actor),
    }
}

/// The tables of `state` as `(table, its map)`, singles and pairs apart.
type Singles<'a> = [(u8, &'a SortedMap<u32, Fixed>); 4];
type Pairs<'a> = [(u8, &'a SortedMap<(u32, u32), Fixed>); 5];

fn tables(s: &RegretState) -> (Singles<'_>, Pairs<'_>) {
    (
        [
            (INFERER, &s.inferer),
            (NAIVE, &s.naive),
            (FORECASTER, &s.forecaster),
            (ONE_IN_SELF, &s.one_in_self),
        ],
        [
            (ONE_OUT_INFERER_INFERER, &s.one_out_inferer_inferer),
            (ONE_OUT_INFERER_FORECASTER, &s.one_out_inferer_forecaster),
            (ONE_OUT_FORECASTER_INFERER, &s.one_out_forecaster_inferer),
            (
                ONE_OUT_FORECASTER_FORECASTER,
                &s.one_out_forecaster_forecaster,
            ),
            (ONE_IN_INFERER, &s.one_in_inferer),
        ],
    )
}

fn tables_mut(s: &mut RegretState, table: u8) -> Option<Table<'_>> {
    Some(match table {
        INFERER => Table::Single(&mut s.inferer),
        NAIVE => Table::Single(&mut s.naive),
        FORECASTER => Table::Single(&mut s.forecaster),
        ONE_IN_SELF => Table::Single(&mut s.one_in_self),
        ONE_OUT_INFERER_INFERER => Table::Pair(&mut s.one_out_inferer_inferer),
        ONE_OUT_INFERER_FORECASTER => Table::Pair(&mut s.one_out_inferer_forecaster),
        ONE_OUT_FORECASTER_INFERER => Table::Pair(&mut s.one_out_forecaster_inferer),
        ONE_OUT_FORECASTER_FORECASTER => Table::Pair(&mut s.one_out_forecaster_forecaster),
        ONE_IN_INFERER => Table::Pair(&mut s.one_in_inferer),
        _ => return None,
    })
}

enum Table<'a> {
    Single(&'a mut SortedMap<u32, Fixed>),
    Pair(&'a mut SortedMap<(u32, u32), Fixed>),
}

/// Every record `state` names, keyed by `(role, actor)`.
fn records_of(state: &RegretState) -> SortedMap<(u8, u32), Record> {
    let mut out: SortedMap<(u8, u32), Record> = SortedMap::new();
    let (singles, pairs) = tables(state);
    for (table, map) in singles {
        let Some((role, _)) = role_of(table) else {
            continue;
        };
        for (actor, v) in map {
            out.entry((role, *actor))
                .or_default()
                .insert(table, vec![(*actor, *v)]);
        }
    }
    for (table, map) in pairs {
        let Some((role, _)) = role_of(table) else {
            continue;
        };
        // SortedMap order: by row, then by column
        for ((row, column), v) in map {
            out.entry((role, *row))
                .or_default()
                .entry(table)
                .or_default()
                .push((*column, *v));
        }
    }
    out
}

fn load_into(state: &mut RegretState, actor: u32, record: Record) {
    for (table, entries) in record {
        match tables_mut(state, table) {
            Some(Table::Single(map)) => {
                for (_, v) in entries {
                    map.insert(actor, v);
                }
            }
            Some(Table::Pair(map)) => {
                for (column, v) in entries {
                    map.insert((actor, column), v);
                }
            }
            None => {}
        }
    }
}

/// The regrets of `inferers` and `forecasters` (their single entries and their rows of the
/// pair tables), with the topic initial regret: one record read per actor and role.
/// Entries never written are absent (they read as the initial regret).
pub fn load_regrets(
    storage: &dyn Storage,
    topic_id: u64,
    initial: Fixed,
    inferers: &[u32],
    forecasters: &[u32],
) -> Result<RegretState, ContractError> {
    let mut s = RegretState {
        initial,
        ..RegretState::default()
    };
    for (role, actors) in [(INFERER_ROLE, inferers), (FORECASTER_ROLE, forecasters)] {
        for a in actors {
            let record = read(storage, topic_id, role, *a)?;
            load_into(&mut s, *a, record);
        }
    }
    Ok(s)
}

/// The inferers' and forecasters' own regrets only (`R_j`, `R_k`), with the topic initial
/// regret: what §5 reads in all-new mode (the combined weights of the error bars). The
/// records are read whole (they are packed per actor); the other tables are left out.
pub fn load_own_regrets(
    storage: &dyn Storage,
    topic_id: u64,
    initial: Fixed,
    inferers: &[u32],
    forecasters: &[u32],
) -> Result<RegretState, ContractError> {
    let mut s = RegretState {
        initial,
        ..RegretState::default()
    };
    for (role, own, actors) in [
        (INFERER_ROLE, INFERER, inferers),
        (FORECASTER_ROLE, FORECASTER, forecasters),
    ] {
        for a in actors {
            let mut record = read(storage, topic_id, role, *a)?;
            record.retain(|table, _| *table == own);
            load_into(&mut s, *a, record);
        }
    }
    Ok(s)
}

/// Writes the records of every actor `after` names whose entries differ from `before` (the
/// state `load_regrets` returned for the same actors): records are written whole, so
/// `after` must hold every entry of each actor it names (the initial regret lives in the
/// topic record).
pub fn save_regrets(
    storage: &mut dyn Storage,
    topic_id: u64,
    before: &RegretState,
    after: &RegretState,
) {
    let old = records_of(before);
    for ((role, actor), record) in records_of(after) {
        if old.get(&(role, actor)) != Some(&record) {
            ROWS.set(storage, (topic_id, role, actor), &encode(&record));
        }
    }
}

/// `migrate`: converts the tables stored one record per `(table, actor)` into the packed
/// records (every topic at once: nothing is deployed yet, the state is small). Returns the
/// number of old records converted.
pub fn migrate_regret_tables(storage: &mut dyn Storage) -> Result<usize, ContractError> {
    let old = namespace_records(storage, OLD_NAMESPACE);
    let mut records: SortedMap<(u64, u8, u32), Record> = SortedMap::new();
    for (key, value) in &old {
        // namespace, then (topic u64, table u8) length-prefixed and the actor u32 last
        let rest = after_namespace(key, OLD_NAMESPACE).ok_or_else(corrupt)?;
        let [0, 8, t0, t1, t2, t3, t4, t5, t6, t7, 0, 1, table, a0, a1, a2, a3] = *rest else {
            return Err(corrupt());
        };
        let topic_id = u64::from_be_bytes([t0, t1, t2, t3, t4, t5, t6, t7]);
        let actor = u32::from_be_bytes([a0, a1, a2, a3]);
        let (role, pair) = role_of(table).ok_or_else(corrupt)?;
        let entries = if pair {
            decode_pairs(value)?
        } else {
            vec![(actor, decode_fixed(value)?)]
        };
        records
            .entry((topic_id, role, actor))
            .or_default()
            .insert(table, entries);
    }
    for (key, record) in &records {
        ROWS.set(storage, *key, &encode(record));
    }
    for (key, _) in &old {
        storage.remove(key);
    }
    Ok(old.len())
}

/// The distinct actors of a role a state names (for tests and checks).
#[cfg(test)]
fn actors(state: &RegretState, role: u8) -> std::collections::BTreeSet<u32> {
    records_of(state)
        .into_keys()
        .filter(|(r, _)| *r == role)
        .map(|(_, a)| a)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{encode_fixed, encode_pairs};
    use cosmwasm_std::testing::MockStorage;

    fn f(s: &str) -> Fixed {
        s.parse().unwrap()
    }

    fn sample() -> RegretState {
        let mut s = RegretState {
            initial: f("0.5"),
            ..RegretState::default()
        };
        s.inferer.insert(1, f("-1.25"));
        s.naive.insert(2, f("3"));
        s.forecaster.insert(7, f("0.000000000000000001"));
        s.one_in_self.insert(7, f("-2"));
        s.one_out_inferer_inferer.insert((1, 1), f("1"));
        s.one_out_inferer_inferer.insert((1, 2), f("-4000000000"));
        s.one_out_inferer_inferer.insert((1, u32::MAX), f("0.1"));
        s.one_out_inferer_inferer.insert((2, 1), f("2"));
        s.one_out_inferer_forecaster.insert((2, 7), f("9"));
        s.one_out_forecaster_inferer.insert((7, 1), f("8"));
        s.one_out_forecaster_forecaster.insert((7, 7), f("6"));
        s.one_in_inferer.insert((7, 2), f("5"));
        s
    }

    #[test]
    fn round_trip_of_the_loaded_rows() {
        let mut st = MockStorage::new();
        let s = sample();
        save_regrets(&mut st, 3, &RegretState::default(), &s);
        assert_eq!(load_regrets(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap(), s);
        // only the requested records are read
        let part = load_regrets(&st, 3, f("0.5"), &[2], &[]).unwrap();
        assert_eq!(part.one_out_inferer_inferer.len(), 1);
        assert_eq!(part.inferer.len(), 0);
        assert_eq!(part.naive.len(), 1);
        assert!(part.forecaster.is_empty() && part.one_in_inferer.is_empty());
        // another topic is separate
        assert_eq!(
            load_regrets(&st, 4, f("0"), &[1, 2], &[7]).unwrap(),
            RegretState::default()
        );
        // one record per actor and role; a dense row costs ~10 bytes an entry, not 20
        assert_eq!(actors(&s, INFERER_ROLE), [1, 2].into());
        let one = ROWS.get(&st, (3, INFERER_ROLE, 1)).unwrap();
        // inferer: tag + 9; row: tag + count + (1 + 9) + (1 + 14) + (5 + 9)
        assert_eq!(one.len(), 10 + 2 + 10 + 15 + 14);
    }

    #[test]
    fn only_changed_records_are_written() {
        let mut st = MockStorage::new();
        let s = sample();
        save_regrets(&mut st, 3, &RegretState::default(), &s);
        let mut after = load_regrets(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap();
        // a marker in actor 2's record shows whether it is rewritten
        ROWS.set(&mut st, (3, INFERER_ROLE, 2), &[0xee]);
        after.one_out_inferer_inferer.insert((1, 2), f("-3"));
        save_regrets(&mut st, 3, &s, &after);
        assert_eq!(ROWS.get(&st, (3, INFERER_ROLE, 2)).unwrap(), vec![0xee]);
        let back = load_regrets(&st, 3, f("0.5"), &[1], &[7]).unwrap();
        assert_eq!(back.one_out_inferer_inferer[&(1, 2)], f("-3"));
    }

    #[test]
    fn corrupt_records_are_refused() {
        for bytes in [
            vec![99u8, 0],                          // unknown table
            vec![INFERER],                          // value missing
            vec![INFERER, 2, INFERER, 2],           // a table twice
            vec![ONE_OUT_INFERER_INFERER, 2, 1, 2], // one of two entries
        ] {
            assert!(decode(&bytes, 1).is_err(), "{bytes:?}");
        }
    }

    #[test]
    fn migrate_converts_the_old_tables() {
        // the old layout, written with the old encoders under the old keys
        let old: RawMap<(u64, u8, u32)> = RawMap::new("regrets");
        let mut st = MockStorage::new();
        let s = sample();
        let (singles, pairs) = tables(&s);
        for (table, map) in singles {
            for (a, v) in map {
                old.set(&mut st, (3, table, *a), &encode_fixed(*v));
            }
        }
        for (table, map) in pairs {
            let mut rows: SortedMap<u32, Vec<(u32, &Fixed)>> = SortedMap::new();
            for ((r, c), v) in map {
                rows.entry(*r).or_default().push((*c, v));
            }
            for (r, entries) in rows {
                old.set(&mut st, (3, table, r), &encode_pairs(entries));
            }
        }
        // another namespace sorting next to it is left alone
        st.set(b"\x00\x07regretz", b"x");
        assert_eq!(migrate_regret_tables(&mut st).unwrap(), 10);
        assert_eq!(load_regrets(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap(), s);
        assert!(old.get(&st, (3, INFERER, 1)).is_none());
        assert!(old.get(&st, (3, ONE_OUT_INFERER_INFERER, 1)).is_none());
        assert_eq!(st.get(b"\x00\x07regretz"), Some(b"x".to_vec()));
        // nothing left to convert
        assert_eq!(migrate_regret_tables(&mut st).unwrap(), 0);
    }
}
