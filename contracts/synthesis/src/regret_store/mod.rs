//! Storage of the regret tables (every read and write costs gas).
//!
//! - Each actor's regrets of a role (its single entries and its rows of the pair tables)
//!   form one record ([`record`]).
//! - The records of the actors of the topic's last reputer close live together in the
//!   topic's hot record ([`hot`]), where most pair entries shrink to a byte or two. A
//!   steady topic's close reads and writes that one record.
//! - Any other actor's record lives on its own under `regret_rows`, key
//!   `(topic_id, role, actor)` with role 0 for an inferer and 1 for a forecaster. A reputer
//!   close moves the records of the actors that left its set out of the hot record, and
//!   those of the actors that joined into it.
//!
//! A close reads only the records of its actors, and the hot record holds only the actors
//! of one close, so a close touches O(active²) entries plus each active row's entries for
//! columns no longer active.

mod hot;
mod record;

use cosmwasm_std::Storage;
use nous_math::regrets::RegretState;
use nous_math::sorted_map::SortedMap;
use nous_math::Fixed;

use crate::codec::{
    decode_fixed, decode_pairs, namespace_records, topic_tag_actor_key, RawMap, Reader, Writer,
};
use crate::error::ContractError;
use hot::{decode_hot, encode_hot};
use record::{
    corrupt, decode, encode, load_into, records_of, role_of, tables, Record, Records, FORECASTER,
    FORECASTER_ROLE, INFERER, INFERER_ROLE,
};

const ROWS: RawMap<(u64, u8, u32)> = RawMap::new("regret_rows");
/// The hot record, in pieces of at most `HOT_PIECE_BYTES` under `(topic_id, piece)`:
/// cosmwasm-vm refuses to store a value over 128 KiB, and a large set's record can pass
/// that. Piece 0 starts with the piece count (varint).
const HOT: RawMap<(u64, u32)> = RawMap::new("regret_hot");
const HOT_PIECE_BYTES: usize = 64 * 1024;
/// The layout before the packed records: `(topic_id, table, actor)` -> a 16-byte value
/// (single tables) or `column u32 BE ++ value i128 BE` per entry (pair tables).
const OLD_NAMESPACE: &[u8] = b"regrets";

/// Where the records a reputer close loaded came from, for [`save_regrets`]: the hot
/// record's other actors, and the loaded actors that had a record of their own.
#[derive(Debug, Default)]
pub struct Placement {
    hot_others: Records,
    own_records: Vec<(u8, u32)>,
    hot_pieces: u32,
}

/// The topic's hot record and the number of pieces it is stored in.
fn read_hot(storage: &dyn Storage, topic_id: u64) -> Result<(Records, u32), ContractError> {
    let Some(first) = HOT.get(storage, (topic_id, 0)) else {
        return Ok((Records::new(), 0));
    };
    let mut r = Reader::new(&first);
    let pieces = u32::try_from(r.varint()?).map_err(|_| corrupt())?;
    let mut bytes = first[first.len() - r.remaining()..].to_vec();
    for piece in 1..pieces {
        bytes.extend(HOT.get(storage, (topic_id, piece)).ok_or_else(corrupt)?);
    }
    Ok((decode_hot(&bytes)?, pieces))
}

/// Writes `records` as the topic's hot record (none when empty) and removes the pieces the
/// old record had beyond the new one's.
fn write_hot(storage: &mut dyn Storage, topic_id: u64, records: &Records, old_pieces: u32) {
    let bytes = match records.is_empty() {
        true => vec![],
        false => encode_hot(records),
    };
    let chunks: Vec<&[u8]> = bytes.chunks(HOT_PIECE_BYTES).collect();
    let pieces = chunks.len() as u32;
    for (piece, chunk) in (0u32..).zip(&chunks) {
        let mut value = Writer::default();
        if piece == 0 {
            value.varint(u128::from(pieces));
        }
        let mut value = value.into_bytes();
        value.extend_from_slice(chunk);
        HOT.set(storage, (topic_id, piece), &value);
    }
    for piece in pieces..old_pieces {
        HOT.remove(storage, (topic_id, piece));
    }
}

/// The records of `inferers` and `forecasters`: from the hot record when they are in it,
/// else from their own records (absent when never written).
fn load_records(
    storage: &dyn Storage,
    topic_id: u64,
    inferers: &[u32],
    forecasters: &[u32],
) -> Result<(Records, Placement), ContractError> {
    let (mut hot, hot_pieces) = read_hot(storage, topic_id)?;
    let mut loaded = Records::new();
    let mut own_records = vec![];
    for (role, actors) in [(INFERER_ROLE, inferers), (FORECASTER_ROLE, forecasters)] {
        for a in actors {
            let key = (role, *a);
            if loaded.contains_key(&key) {
                continue;
            }
            let record = match hot.remove(&key) {
                Some(record) => record,
                None => match ROWS.get(storage, (topic_id, role, *a)) {
                    Some(bytes) => {
                        own_records.push(key);
                        decode(&bytes, *a)?
                    }
                    None => Record::new(),
                },
            };
            loaded.insert(key, record);
        }
    }
    Ok((
        loaded,
        Placement {
            hot_others: hot,
            own_records,
            hot_pieces,
        },
    ))
}

fn state_of(initial: Fixed, records: Records) -> RegretState {
    let mut s = RegretState {
        initial,
        ..RegretState::default()
    };
    for ((_, actor), record) in records {
        load_into(&mut s, actor, record);
    }
    s
}

/// The regrets of `inferers` and `forecasters` (their single entries and their rows of the
/// pair tables), with the topic initial regret. Entries never written are absent (they read
/// as the initial regret).
pub fn load_regrets(
    storage: &dyn Storage,
    topic_id: u64,
    initial: Fixed,
    inferers: &[u32],
    forecasters: &[u32],
) -> Result<RegretState, ContractError> {
    load_regrets_to_update(storage, topic_id, initial, inferers, forecasters).map(|(s, _)| s)
}

/// [`load_regrets`] for a close that will save them: also where the records came from.
pub fn load_regrets_to_update(
    storage: &dyn Storage,
    topic_id: u64,
    initial: Fixed,
    inferers: &[u32],
    forecasters: &[u32],
) -> Result<(RegretState, Placement), ContractError> {
    let (records, placement) = load_records(storage, topic_id, inferers, forecasters)?;
    Ok((state_of(initial, records), placement))
}

/// The inferers' and forecasters' own regrets only (`R_j`, `R_k`), with the topic initial
/// regret: what §5 reads in all-new mode (the combined weights of the error bars). The
/// records are read whole; the other tables are left out.
pub fn load_own_regrets(
    storage: &dyn Storage,
    topic_id: u64,
    initial: Fixed,
    inferers: &[u32],
    forecasters: &[u32],
) -> Result<RegretState, ContractError> {
    let (mut records, _) = load_records(storage, topic_id, inferers, forecasters)?;
    for ((role, _), record) in records.iter_mut() {
        let own = if *role == INFERER_ROLE {
            INFERER
        } else {
            FORECASTER
        };
        record.retain(|table, _| *table == own);
    }
    Ok(state_of(initial, records))
}

/// Saves a reputer close's regrets: `after` (every entry of each actor it names, and only
/// actors the close loaded: records are written whole; the bundles' validation keeps every
/// loss list within the nonce's actors) becomes the hot record; the records of the hot record's other actors
/// move to their own keys, and the own records of the actors now in the hot record are
/// removed. Nothing is written when no entry changed and no record moved. `before` and
/// `placement` are what [`load_regrets_to_update`] returned (the initial regret lives in
/// the topic record).
pub fn save_regrets(
    storage: &mut dyn Storage,
    topic_id: u64,
    before: &RegretState,
    after: &RegretState,
    placement: Placement,
) {
    let moved = !placement.hot_others.is_empty() || !placement.own_records.is_empty();
    // the tables, not `initial` (it lives in the topic record)
    if !moved && tables(after) == tables(before) {
        return;
    }
    let hot = records_of(after);
    for ((role, actor), record) in &placement.hot_others {
        ROWS.set(storage, (topic_id, *role, *actor), &encode(record));
    }
    for (role, actor) in &placement.own_records {
        ROWS.remove(storage, (topic_id, *role, *actor));
    }
    write_hot(storage, topic_id, &hot, placement.hot_pieces);
}

/// `migrate`: converts the tables stored one record per `(table, actor)` into the packed
/// records (every topic at once: nothing is deployed yet, the state is small). Returns the
/// number of old records converted. Records written before the hot record existed need no
/// conversion: they are the actors' own records, read until a reputer close moves them in.
pub fn migrate_regret_tables(storage: &mut dyn Storage) -> Result<usize, ContractError> {
    let old = namespace_records(storage, OLD_NAMESPACE);
    let mut records: SortedMap<(u64, u8, u32), Record> = SortedMap::new();
    for (key, value) in &old {
        let (topic_id, table, actor) = topic_tag_actor_key(key, OLD_NAMESPACE)?;
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
    use super::record::ONE_OUT_INFERER_INFERER;
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

    /// Every record of `s` written as an actor's own record (the layout before the hot
    /// record).
    fn write_own_records(st: &mut MockStorage, topic_id: u64, s: &RegretState) {
        for ((role, actor), record) in records_of(s) {
            ROWS.set(st, (topic_id, role, actor), &encode(&record));
        }
    }

    /// The sample saved by a first close, as topic 3's hot record.
    fn saved_sample() -> (MockStorage, RegretState) {
        let mut st = MockStorage::new();
        let s = sample();
        save_regrets(
            &mut st,
            3,
            &RegretState::default(),
            &s,
            Placement::default(),
        );
        (st, s)
    }

    #[test]
    fn round_trip_through_the_hot_record() {
        let (st, s) = saved_sample();
        assert!(HOT.get(&st, (3, 0)).is_some());
        assert!(ROWS.get(&st, (3, INFERER_ROLE, 1)).is_none());
        assert_eq!(load_regrets(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap(), s);
        // only the requested actors' records are loaded
        let part = load_regrets(&st, 3, f("0.5"), &[2], &[]).unwrap();
        assert_eq!(part.one_out_inferer_inferer.len(), 1);
        assert_eq!(part.inferer.len(), 0);
        assert_eq!(part.naive.len(), 1);
        assert!(part.forecaster.is_empty() && part.one_in_inferer.is_empty());
        let own = load_own_regrets(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap();
        assert_eq!(own.inferer, s.inferer);
        assert_eq!(own.forecaster, s.forecaster);
        assert!(own.naive.is_empty() && own.one_out_inferer_inferer.is_empty());
        // another topic is separate
        assert_eq!(
            load_regrets(&st, 4, f("0"), &[1, 2], &[7]).unwrap(),
            RegretState::default()
        );
        assert_eq!(actors(&s, INFERER_ROLE), [1, 2].into());
    }

    #[test]
    fn records_move_in_and_out_of_the_hot_record_with_the_set() {
        let mut st = MockStorage::new();
        let s = sample();
        // state written before the hot record existed reads as it is; its form is unchanged
        // (inferer: tag + 9; row: tag + count + (1 + 9) + (1 + 14) + (5 + 9))
        write_own_records(&mut st, 3, &s);
        let one = ROWS.get(&st, (3, INFERER_ROLE, 1)).unwrap();
        assert_eq!(one.len(), 10 + 2 + 10 + 15 + 14);
        assert_eq!(load_regrets(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap(), s);
        // a close of all three moves them into the hot record
        let (before, placement) = load_regrets_to_update(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap();
        let mut after = before.clone();
        after.one_out_inferer_inferer.insert((2, 2), f("0.25"));
        save_regrets(&mut st, 3, &before, &after, placement);
        for (role, actor) in [(INFERER_ROLE, 1), (INFERER_ROLE, 2), (FORECASTER_ROLE, 7)] {
            assert!(ROWS.get(&st, (3, role, actor)).is_none());
        }
        assert_eq!(
            load_regrets(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap(),
            after
        );
        // inferer 2 leaves: its record moves out, unchanged, and the others stay in
        let (before, placement) = load_regrets_to_update(&st, 3, f("0.5"), &[1], &[7]).unwrap();
        let mut next = before.clone();
        next.inferer.insert(1, f("-1"));
        save_regrets(&mut st, 3, &before, &next, placement);
        let two = decode(&ROWS.get(&st, (3, INFERER_ROLE, 2)).unwrap(), 2).unwrap();
        assert_eq!(two, records_of(&after)[&(INFERER_ROLE, 2)]);
        assert_eq!(read_hot(&st, 3).unwrap(), (records_of(&next), 1));
        let mut whole = after.clone();
        whole.inferer.insert(1, f("-1"));
        assert_eq!(
            load_regrets(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap(),
            whole
        );
        // and comes back in at its next close
        let (before, placement) = load_regrets_to_update(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap();
        save_regrets(&mut st, 3, &before, &before, placement);
        assert!(ROWS.get(&st, (3, INFERER_ROLE, 2)).is_none());
        assert_eq!(
            load_regrets(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap(),
            whole
        );
    }

    #[test]
    fn nothing_is_written_when_nothing_changed_or_moved() {
        let (mut st, _) = saved_sample();
        let (before, placement) = load_regrets_to_update(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap();
        // a marker shows whether the hot record is rewritten
        HOT.set(&mut st, (3, 0), &[0xee]);
        save_regrets(&mut st, 3, &before, &before, placement);
        assert_eq!(HOT.get(&st, (3, 0)).unwrap(), vec![0xee]);
    }

    /// A steady topic's rows: `R⁻_{j'}(j) = R_j + D_{j'}` up to a few units of rounding.
    fn steady(inferers: u32, forecasters: u32) -> RegretState {
        let mut s = RegretState::default();
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = |scale: i128| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            i128::from(x % 2_000_001) * scale / 1_000_000 - scale
        };
        let r: Vec<i128> = (0..inferers + forecasters)
            .map(|_| next(2 * 10i128.pow(18)))
            .collect();
        for j in 0..inferers {
            s.inferer.insert(j, Fixed::from_raw(r[j as usize]));
            s.naive.insert(j, Fixed::from_raw(next(10i128.pow(18))));
        }
        for k in 0..forecasters {
            s.forecaster
                .insert(k, Fixed::from_raw(r[(inferers + k) as usize]));
            s.one_in_self
                .insert(k, Fixed::from_raw(next(10i128.pow(18))));
        }
        for row in 0..inferers + forecasters {
            let d = next(10i128.pow(16));
            let mut entry = |base: i128| Fixed::from_raw(base + d + next(3));
            for j in 0..inferers {
                let v = entry(r[j as usize]);
                match row.checked_sub(inferers) {
                    None => s.one_out_inferer_inferer.insert((row, j), v),
                    Some(k) => s.one_out_forecaster_inferer.insert((k, j), v),
                };
            }
            for k in 0..forecasters {
                let v = entry(r[(inferers + k) as usize]);
                match row.checked_sub(inferers) {
                    None => s.one_out_inferer_forecaster.insert((row, k), v),
                    Some(kw) => s.one_out_forecaster_forecaster.insert((kw, k), v),
                };
            }
        }
        for k in 0..forecasters {
            let d = next(10i128.pow(16));
            for j in 0..inferers {
                let v = Fixed::from_raw(r[j as usize] + d + next(3));
                s.one_in_inferer.insert((k, j), v);
            }
        }
        s
    }

    #[test]
    fn steady_rows_take_a_byte_or_two_an_entry_and_round_trip() {
        let s = steady(32, 6);
        let records = records_of(&s);
        let hot = encode_hot(&records);
        assert_eq!(decode_hot(&hot).unwrap(), records);
        let own: usize = records.values().map(|r| encode(r).len()).sum();
        let pairs = 38 * 38 + 6 * 32;
        // own records: ~10 bytes an entry; hot: the first entry of each row in full, the
        // rest a column step and a one-byte residue (17,272 -> 4,883 bytes)
        assert!(own > 10 * pairs, "{own}");
        assert!(hot.len() * 3 < own, "{} against {own}", hot.len());
        // any values round-trip, however badly the bases predict them
        let mut wild = s.clone();
        wild.one_out_inferer_inferer
            .insert((0, 1), Fixed::from_raw(i128::MAX));
        wild.one_out_inferer_inferer
            .insert((0, 2), Fixed::from_raw(i128::MIN));
        wild.inferer.insert(3, Fixed::from_raw(i128::MIN));
        wild.one_out_inferer_inferer.insert((0, 40), f("-7"));
        let records = records_of(&wild);
        assert_eq!(decode_hot(&encode_hot(&records)).unwrap(), records);
    }

    #[test]
    fn a_large_hot_record_is_stored_in_pieces() {
        // entries no base predicts: ~10 bytes each, some 230 KB in all
        let mut big = records_of(&steady(128, 24));
        let mut x = 7u64;
        for record in big.values_mut() {
            for (table, entries) in record.iter_mut() {
                if matches!(role_of(*table), Some((_, true))) {
                    for (_, v) in entries.iter_mut() {
                        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        *v = Fixed::from_raw(i128::from(x >> 3));
                    }
                }
            }
        }
        let mut st = MockStorage::new();
        write_hot(&mut st, 3, &big, 0);
        let (back, pieces) = read_hot(&st, 3).unwrap();
        assert_eq!(back, big);
        assert!(pieces >= 3, "{pieces}");
        for piece in 0..pieces {
            assert!(HOT.get(&st, (3, piece)).unwrap().len() <= HOT_PIECE_BYTES + 5);
        }
        // a smaller record leaves no stale piece behind, and a missing piece is refused
        let small = records_of(&sample());
        write_hot(&mut st, 3, &small, pieces);
        assert_eq!(read_hot(&st, 3).unwrap(), (small, 1));
        assert!(HOT.get(&st, (3, 1)).is_none());
        write_hot(&mut st, 3, &big, 1);
        HOT.remove(&mut st, (3, 1));
        assert!(read_hot(&st, 3).is_err());
    }

    #[test]
    fn corrupt_hot_records_are_refused() {
        let good = encode_hot(&records_of(&sample()));
        assert!(decode_hot(&good).is_ok());
        let mut trailing = good.clone();
        trailing.push(0);
        for bytes in [
            good[..good.len() - 1].to_vec(),
            trailing,
            vec![1, 2, 1, 0],                           // an unknown role
            vec![1, FORECASTER_ROLE, 1, 1, INFERER, 2], // a table of the other role
            vec![2, 0, 5, 0, 0, 3, 0],                  // actors not ascending
        ] {
            assert!(decode_hot(&bytes).is_err(), "{bytes:?}");
        }
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
