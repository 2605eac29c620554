//! Records stored in a binary form instead of JSON (every byte written costs 30 gas): a
//! format byte (1), then the record's fields as it writes them. A record still in the JSON
//! form before it (it starts with `{`) is read as such, and `migrate` rewrites it. The
//! forms themselves are in `crate::records`.

use std::marker::PhantomData;

use cosmwasm_std::{from_json, Order, StdError, StdResult, Storage};
use cw_storage_plus::{Bound, Map};
use nous_types::codec::{corrupt, Reader, Writer};
use serde::de::DeserializeOwned;

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

    // `first`, `page` and `migrate_json_records` find ids by a keys range and then load each
    // record, so a record's bytes are read twice. One raw range over the namespace would read
    // them once, but measured +2.8 KB of artifact for no change in any benchmarked operation
    // (these run once a month, in queries and in `migrate`), so it was not kept.

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
