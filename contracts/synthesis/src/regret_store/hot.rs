//! The hot record: the regret records of the actors of a topic's last reputer close, kept
//! together in one record, with each pair entry whose column actor is also in it written
//! as a small residue instead of its value.
//!
//! Why a residue is small: every entry of a pair table is an EMA, at one rate, of a
//! difference of two losses, one set by the row and one by the column (MATH.md §6.2:
//! `R⁻_{j'}(j)` of `L⁻_{j'} − L_j`). An EMA is linear, so two entries of a column that began
//! in the same epoch differ by an amount set by their rows alone: `d = R⁻_{j'}(j) −
//! R⁻_{j''}(j)` is the same for every column `j` the rows share, up to rounding. Per row,
//! each entry with a base (the same column of the table's previous row, else the column
//! actor's own regret, which has the same form) stores `d` minus the row's previous `d`: a
//! byte or two where a value takes nine. Decoding adds back exactly what encoding subtracted
//! (wrapping `i128` arithmetic), so every value round-trips, whatever the prediction's
//! quality; entries that began in different epochs only cost more bytes.
//!
//! Form: the actor count (varint), then per actor ascending by `(role, actor)`: the role
//! (u8), the actor (varint), its section count (varint) and its record in the form of
//! [`super::record`], with residues in place of the predicted values. The single tables
//! (`inferer`'s `R_j` and `forecaster`'s `R_k`, the bases where the table's previous row
//! lacks the column) are written as they are, and a row is decoded after the rows before it, so the decoder
//! rebuilds every base the encoder used.

use nous_math::sorted_map::SortedMap;
use nous_math::Fixed;

use super::record::{
    corrupt, decode_sections, encode_sections, role_of, Records, FORECASTER, FORECASTER_ROLE,
    INFERER, INFERER_ROLE, ONE_IN_INFERER, ONE_OUT_FORECASTER_FORECASTER,
    ONE_OUT_FORECASTER_INFERER, ONE_OUT_INFERER_FORECASTER, ONE_OUT_INFERER_INFERER,
};
use crate::codec::{Reader, Writer};
use crate::error::ContractError;

/// The role of a pair table's column actors, whose own regret is the table's base.
fn column_role(table: u8) -> Option<u8> {
    match table {
        ONE_OUT_INFERER_INFERER | ONE_OUT_FORECASTER_INFERER | ONE_IN_INFERER => Some(INFERER_ROLE),
        ONE_OUT_INFERER_FORECASTER | ONE_OUT_FORECASTER_FORECASTER => Some(FORECASTER_ROLE),
        _ => None,
    }
}

/// Each actor's own regret (`R_j` or `R_k`) in `records`, by `(role, actor)`.
fn own_regrets(records: &Records) -> SortedMap<(u8, u32), i128> {
    let mut out = SortedMap::new();
    for ((role, actor), record) in records {
        let own = if *role == INFERER_ROLE {
            INFERER
        } else {
            FORECASTER
        };
        if let Some((_, v)) = record.get(&own).and_then(|entries| entries.first()) {
            out.insert((*role, *actor), v.raw());
        }
    }
    out
}

/// Replaces every pair entry that has a base by its residue (`to_residues`), or back,
/// going through the records in order. An entry's base is the same column of the table's
/// previous row in the record when it has that column, else the column actor's own regret.
fn convert(records: &mut Records, to_residues: bool) {
    let own = own_regrets(records);
    // the last row of each pair table, as plain values
    let mut previous_rows: SortedMap<u8, Vec<(u32, i128)>> = SortedMap::new();
    for record in records.values_mut() {
        for (table, entries) in record.iter_mut() {
            let Some(role) = column_role(*table) else {
                continue;
            };
            let above = previous_rows.get(table);
            let base = |column: u32| {
                above
                    .and_then(|row| {
                        row.binary_search_by_key(&column, |(c, _)| *c)
                            .ok()
                            .map(|i| row[i].1)
                    })
                    .or_else(|| own.get(&(role, column)).copied())
            };
            let mut plain = Vec::with_capacity(entries.len());
            let mut previous = 0i128;
            for (column, value) in entries.iter_mut() {
                let raw = value.raw();
                let Some(base) = base(*column) else {
                    plain.push((*column, raw));
                    continue;
                };
                let (d, stored) = if to_residues {
                    let d = raw.wrapping_sub(base);
                    (d, d.wrapping_sub(previous))
                } else {
                    let d = raw.wrapping_add(previous);
                    (d, d.wrapping_add(base))
                };
                *value = Fixed::from_raw(stored);
                plain.push((*column, if to_residues { raw } else { stored }));
                previous = d;
            }
            previous_rows.insert(*table, plain);
        }
    }
}

pub fn encode_hot(records: &Records) -> Vec<u8> {
    let mut coded = records.clone();
    convert(&mut coded, true);
    let mut w = Writer::default();
    w.varint(coded.len() as u128);
    for ((role, actor), record) in &coded {
        w.u8(*role);
        w.varint(u128::from(*actor));
        encode_sections(&mut w, record);
    }
    w.into_bytes()
}

pub fn decode_hot(bytes: &[u8]) -> Result<Records, ContractError> {
    let mut r = Reader::new(bytes);
    let n = r.varint()?;
    let mut out = Records::new();
    for _ in 0..n {
        let role = r.u8()?;
        if role != INFERER_ROLE && role != FORECASTER_ROLE {
            return Err(corrupt());
        }
        let actor = u32::try_from(r.varint()?).map_err(|_| corrupt())?;
        let record = decode_sections(&mut r, actor)?;
        // every table of the record is of its role; actors strictly ascending
        let roles_match = record
            .keys()
            .all(|t| role_of(*t).is_some_and(|(r, _)| r == role));
        let ascending = out.last_key_value().is_none_or(|(k, _)| *k < (role, actor));
        if !roles_match || !ascending {
            return Err(corrupt());
        }
        out.insert((role, actor), record);
    }
    if !r.is_empty() {
        return Err(corrupt());
    }
    convert(&mut out, false);
    Ok(out)
}
