//! One actor's regret record: every regret whose row is that actor, by table, and its
//! byte form (the `regret_rows` records, and each actor's part of the hot record).
//!
//! Form: sections, each a table tag byte followed by
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

use nous_math::regrets::RegretState;
use nous_math::sorted_map::SortedMap;
use nous_math::Fixed;

use crate::codec::{Reader, Writer};
use crate::error::ContractError;

pub const INFERER_ROLE: u8 = 0;
pub const FORECASTER_ROLE: u8 = 1;

pub const INFERER: u8 = 0;
pub const FORECASTER: u8 = 1;
pub const NAIVE: u8 = 2;
pub const ONE_IN_SELF: u8 = 3;
pub const ONE_OUT_INFERER_INFERER: u8 = 10;
pub const ONE_OUT_INFERER_FORECASTER: u8 = 11;
pub const ONE_OUT_FORECASTER_INFERER: u8 = 12;
pub const ONE_OUT_FORECASTER_FORECASTER: u8 = 13;
pub const ONE_IN_INFERER: u8 = 14;

/// The role whose record holds a table, and whether the table is a pair table.
pub fn role_of(table: u8) -> Option<(u8, bool)> {
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
pub type Record = SortedMap<u8, Vec<(u32, Fixed)>>;

/// Records by `(role, actor)`.
pub type Records = SortedMap<(u8, u32), Record>;

/// The tables of a record that are written: known tables with entries.
fn sections(record: &Record) -> impl Iterator<Item = (u8, bool, &Vec<(u32, Fixed)>)> {
    record.iter().filter_map(|(table, entries)| {
        let (_, pair) = role_of(*table)?;
        (!entries.is_empty()).then_some((*table, pair, entries))
    })
}

fn write_section(w: &mut Writer, table: u8, pair: bool, entries: &[(u32, Fixed)]) {
    w.u8(table);
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

fn read_section(r: &mut Reader, actor: u32, record: &mut Record) -> Result<(), ContractError> {
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
    match record.insert(table, entries) {
        Some(_) => Err(corrupt()),
        None => Ok(()),
    }
}

/// A record on its own (a `regret_rows` value): its sections up to the end.
pub fn encode(record: &Record) -> Vec<u8> {
    let mut w = Writer::default();
    for (table, pair, entries) in sections(record) {
        write_section(&mut w, table, pair, entries);
    }
    w.into_bytes()
}

pub fn decode(bytes: &[u8], actor: u32) -> Result<Record, ContractError> {
    let mut r = Reader::new(bytes);
    let mut record = Record::new();
    while !r.is_empty() {
        read_section(&mut r, actor, &mut record)?;
    }
    Ok(record)
}

/// A record inside a longer one: its section count (varint), then its sections.
pub fn encode_sections(w: &mut Writer, record: &Record) {
    w.varint(sections(record).count() as u128);
    for (table, pair, entries) in sections(record) {
        write_section(w, table, pair, entries);
    }
}

pub fn decode_sections(r: &mut Reader, actor: u32) -> Result<Record, ContractError> {
    let mut record = Record::new();
    for _ in 0..r.varint()? {
        read_section(r, actor, &mut record)?;
    }
    Ok(record)
}

pub fn corrupt() -> ContractError {
    ContractError::Std(cosmwasm_std::StdError::generic_err("corrupt regret record"))
}

/// The tables of `state` as `(table, its map)`, singles and pairs apart.
pub type Singles<'a> = [(u8, &'a SortedMap<u32, Fixed>); 4];
pub type Pairs<'a> = [(u8, &'a SortedMap<(u32, u32), Fixed>); 5];

pub fn tables(s: &RegretState) -> (Singles<'_>, Pairs<'_>) {
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
pub fn records_of(state: &RegretState) -> Records {
    let mut out = Records::new();
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

pub fn load_into(state: &mut RegretState, actor: u32, record: Record) {
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
