//! Compact storage of the regret tables (DESIGN.md "Gas").
//!
//! Key layout (raw storage under the `regrets` namespace, value = raw bytes, not JSON):
//! - single tables `(topic_id, table, actor)` -> 16 bytes: the `Fixed` raw i128, big-endian;
//! - pair tables `(topic_id, table, row)` -> the row's entries sorted by column, each
//!   `column u32 BE ++ value i128 BE` (20 bytes). A row holds `R(row, column)`: the withheld
//!   or one-in actor is the row.
//!
//! Only the rows of a nonce's active actors are read or written, so one close touches
//! O(active²) bytes whatever the topic's history.

use std::collections::BTreeMap;

use cosmwasm_std::Storage;
use nous_math::regrets::RegretState;
use nous_math::Fixed;

use crate::codec::{decode_fixed, decode_pairs, encode_fixed, encode_pairs, RawMap};
use crate::error::ContractError;

const REGRETS: RawMap<(u64, u8, u32)> = RawMap::new("regrets");

const INFERER: u8 = 0;
const FORECASTER: u8 = 1;
const NAIVE: u8 = 2;
const ONE_IN_SELF: u8 = 3;
const ONE_OUT_INFERER_INFERER: u8 = 10;
const ONE_OUT_INFERER_FORECASTER: u8 = 11;
const ONE_OUT_FORECASTER_INFERER: u8 = 12;
const ONE_OUT_FORECASTER_FORECASTER: u8 = 13;
const ONE_IN_INFERER: u8 = 14;

fn read_single(
    storage: &dyn Storage,
    topic_id: u64,
    table: u8,
    actor: u32,
) -> Result<Option<Fixed>, ContractError> {
    REGRETS
        .get(storage, (topic_id, table, actor))
        .map(|bytes| decode_fixed(&bytes))
        .transpose()
}

fn read_row(
    storage: &dyn Storage,
    topic_id: u64,
    table: u8,
    row: u32,
) -> Result<Vec<(u32, Fixed)>, ContractError> {
    match REGRETS.get(storage, (topic_id, table, row)) {
        None => Ok(vec![]),
        Some(bytes) => decode_pairs(&bytes),
    }
}

fn load_singles(
    storage: &dyn Storage,
    topic_id: u64,
    table: u8,
    actors: &[u32],
    into: &mut BTreeMap<u32, Fixed>,
) -> Result<(), ContractError> {
    for a in actors {
        if let Some(v) = read_single(storage, topic_id, table, *a)? {
            into.insert(*a, v);
        }
    }
    Ok(())
}

fn load_rows(
    storage: &dyn Storage,
    topic_id: u64,
    table: u8,
    rows: &[u32],
    into: &mut BTreeMap<(u32, u32), Fixed>,
) -> Result<(), ContractError> {
    for r in rows {
        for (c, v) in read_row(storage, topic_id, table, *r)? {
            into.insert((*r, c), v);
        }
    }
    Ok(())
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
    let mut s = RegretState {
        initial,
        ..RegretState::default()
    };
    load_singles(storage, topic_id, INFERER, inferers, &mut s.inferer)?;
    load_singles(storage, topic_id, NAIVE, inferers, &mut s.naive)?;
    load_singles(
        storage,
        topic_id,
        FORECASTER,
        forecasters,
        &mut s.forecaster,
    )?;
    load_singles(
        storage,
        topic_id,
        ONE_IN_SELF,
        forecasters,
        &mut s.one_in_self,
    )?;
    load_rows(
        storage,
        topic_id,
        ONE_OUT_INFERER_INFERER,
        inferers,
        &mut s.one_out_inferer_inferer,
    )?;
    load_rows(
        storage,
        topic_id,
        ONE_OUT_INFERER_FORECASTER,
        inferers,
        &mut s.one_out_inferer_forecaster,
    )?;
    load_rows(
        storage,
        topic_id,
        ONE_OUT_FORECASTER_INFERER,
        forecasters,
        &mut s.one_out_forecaster_inferer,
    )?;
    load_rows(
        storage,
        topic_id,
        ONE_OUT_FORECASTER_FORECASTER,
        forecasters,
        &mut s.one_out_forecaster_forecaster,
    )?;
    load_rows(
        storage,
        topic_id,
        ONE_IN_INFERER,
        forecasters,
        &mut s.one_in_inferer,
    )?;
    Ok(s)
}

/// The inferers' and forecasters' own regrets only (`R_j`, `R_k`), with the topic initial
/// regret: what §5 reads in all-new mode (the combined weights of the error bars).
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
    load_singles(storage, topic_id, INFERER, inferers, &mut s.inferer)?;
    load_singles(
        storage,
        topic_id,
        FORECASTER,
        forecasters,
        &mut s.forecaster,
    )?;
    Ok(s)
}

fn save_singles(
    storage: &mut dyn Storage,
    topic_id: u64,
    table: u8,
    values: &BTreeMap<u32, Fixed>,
) {
    for (a, v) in values {
        REGRETS.set(storage, (topic_id, table, *a), &encode_fixed(*v));
    }
}

fn save_rows(
    storage: &mut dyn Storage,
    topic_id: u64,
    table: u8,
    values: &BTreeMap<(u32, u32), Fixed>,
) {
    // BTreeMap order: by row, then by column
    let mut rows: BTreeMap<u32, Vec<(u32, &Fixed)>> = BTreeMap::new();
    for ((r, c), v) in values {
        rows.entry(*r).or_default().push((*c, v));
    }
    for (r, entries) in rows {
        REGRETS.set(storage, (topic_id, table, r), &encode_pairs(entries));
    }
}

/// Writes every entry and every row `state` holds (the initial regret lives in the topic
/// record). Rows are written whole: load them first with `load_regrets`.
pub fn save_regrets(storage: &mut dyn Storage, topic_id: u64, state: &RegretState) {
    save_singles(storage, topic_id, INFERER, &state.inferer);
    save_singles(storage, topic_id, NAIVE, &state.naive);
    save_singles(storage, topic_id, FORECASTER, &state.forecaster);
    save_singles(storage, topic_id, ONE_IN_SELF, &state.one_in_self);
    save_rows(
        storage,
        topic_id,
        ONE_OUT_INFERER_INFERER,
        &state.one_out_inferer_inferer,
    );
    save_rows(
        storage,
        topic_id,
        ONE_OUT_INFERER_FORECASTER,
        &state.one_out_inferer_forecaster,
    );
    save_rows(
        storage,
        topic_id,
        ONE_OUT_FORECASTER_INFERER,
        &state.one_out_forecaster_inferer,
    );
    save_rows(
        storage,
        topic_id,
        ONE_OUT_FORECASTER_FORECASTER,
        &state.one_out_forecaster_forecaster,
    );
    save_rows(storage, topic_id, ONE_IN_INFERER, &state.one_in_inferer);
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    fn f(s: &str) -> Fixed {
        s.parse().unwrap()
    }

    #[test]
    fn round_trip_of_the_loaded_rows() {
        let mut st = MockStorage::new();
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
        s.one_out_inferer_inferer.insert((2, 1), f("2"));
        s.one_out_inferer_forecaster.insert((2, 7), f("9"));
        s.one_out_forecaster_inferer.insert((7, 1), f("8"));
        s.one_out_forecaster_forecaster.insert((7, 7), f("6"));
        s.one_in_inferer.insert((7, 2), f("5"));
        save_regrets(&mut st, 3, &s);
        assert_eq!(load_regrets(&st, 3, f("0.5"), &[1, 2], &[7]).unwrap(), s);
        // only the requested rows are read
        let part = load_regrets(&st, 3, f("0.5"), &[2], &[]).unwrap();
        assert_eq!(part.one_out_inferer_inferer.len(), 1);
        assert_eq!(part.inferer.len(), 0);
        assert_eq!(part.naive.len(), 1);
        // another topic is separate
        assert_eq!(
            load_regrets(&st, 4, f("0"), &[1, 2], &[7]).unwrap(),
            RegretState::default()
        );
        // a 20-byte entry per pair
        assert_eq!(
            REGRETS
                .get(&st, (3, ONE_OUT_INFERER_INFERER, 1))
                .unwrap()
                .len(),
            40
        );
    }
}
