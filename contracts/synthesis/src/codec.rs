//! Compact binary records (DESIGN.md "Gas"): numbers as their raw 18-decimal i128 (16 bytes,
//! big-endian) and ids as u32 (4 bytes), instead of JSON with decimal strings.
//! - pair lists `(actor, Fixed)`, 20 bytes per entry: regret tables;
//! - one raw `Fixed` per actor under a group key (`IdRecords`): active-set members;
//! - loss bundles, the body of a network inference and a topic's latest value (`Writer` /
//!   `Reader`): lists keep their order, each list prefixed by its length.

use cosmwasm_std::{Order, SignedDecimal, StdError, Storage};
use cw_storage_plus::{Map, PrimaryKey};
use nous_math::serde_maps::id_bytes;
use nous_math::Fixed;

use crate::error::ContractError;

fn corrupt() -> ContractError {
    ContractError::Std(StdError::generic_err("corrupt binary record"))
}

/// `(actor, value)` pairs as bytes, in the given order (`nous_math::serde_maps::id_bytes`:
/// the regret rows' format before `regret_store`'s packed records; only the migration test
/// writes it now).
#[cfg(test)]
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (u32, &'a Fixed)>) -> Vec<u8> {
    id_bytes::encode(pairs)
}

/// Reads the regret rows' old format (for `migrate`).
pub fn decode_pairs(bytes: &[u8]) -> Result<Vec<(u32, Fixed)>, ContractError> {
    id_bytes::decode(bytes).map_err(|_| corrupt())
}

pub fn encode_fixed(value: Fixed) -> [u8; 16] {
    value.raw().to_be_bytes()
}

pub fn decode_fixed(bytes: &[u8]) -> Result<Fixed, ContractError> {
    let raw: [u8; 16] = bytes.try_into().map_err(|_| corrupt())?;
    Ok(Fixed::from_raw(i128::from_be_bytes(raw)))
}

/// A namespace of raw-byte records keyed like a cw-storage-plus `Map` (the `Map` only
/// builds keys; values are written as given, not as JSON).
pub struct RawMap<'a, K> {
    map: Map<K, ()>,
    _k: core::marker::PhantomData<&'a ()>,
}

impl<'a, K: PrimaryKey<'a>> RawMap<'a, K> {
    pub const fn new(namespace: &'static str) -> Self {
        RawMap {
            map: Map::new(namespace),
            _k: core::marker::PhantomData,
        }
    }

    pub fn get(&self, storage: &dyn Storage, key: K) -> Option<Vec<u8>> {
        storage.get(&self.map.key(key))
    }

    pub fn set(&self, storage: &mut dyn Storage, key: K, value: &[u8]) {
        storage.set(&self.map.key(key), value)
    }

    pub fn remove(&self, storage: &mut dyn Storage, key: K) {
        storage.remove(&self.map.key(key))
    }
}

/// Raw-byte records under a group key `K`, one per `u32` id: the stored key is the group's
/// key followed by the id (4 bytes, big-endian), so a group's records range in ascending id
/// order, and adding or removing one record leaves the others untouched.
pub struct IdRecords<'a, K> {
    groups: RawMap<'a, K>,
}

impl<'a, K: PrimaryKey<'a>> IdRecords<'a, K> {
    pub const fn new(namespace: &'static str) -> Self {
        IdRecords {
            groups: RawMap::new(namespace),
        }
    }

    fn key(&self, group: K, id: u32) -> Vec<u8> {
        let mut key = self.groups.map.key(group).to_vec();
        key.extend_from_slice(&id.to_be_bytes());
        key
    }

    pub fn set(&self, storage: &mut dyn Storage, group: K, id: u32, value: &[u8]) {
        storage.set(&self.key(group, id), value)
    }

    pub fn remove(&self, storage: &mut dyn Storage, group: K, id: u32) {
        storage.remove(&self.key(group, id))
    }

    /// Every `(id, value)` of a group, ascending by id.
    pub fn all(
        &self,
        storage: &dyn Storage,
        group: K,
    ) -> Result<Vec<(u32, Vec<u8>)>, ContractError> {
        let start = self.groups.map.key(group).to_vec();
        let len = start.len();
        // Exclusive end just past the group's largest id: every key of the group is the group
        // key plus exactly 4 bytes, so it sorts below `start ++ FFFFFFFF ++ 00`.
        let mut end = start.clone();
        end.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x00]);
        storage
            .range(Some(&start), Some(&end), Order::Ascending)
            .map(|(key, value)| {
                let id: [u8; 4] = key
                    .get(len..)
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(corrupt)?;
                Ok((u32::from_be_bytes(id), value))
            })
            .collect()
    }
}

/// Appends fields to a binary record.
#[derive(Default)]
pub struct Writer(Vec<u8>);

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    pub fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }

    pub fn u128(&mut self, v: u128) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }

    pub fn dec(&mut self, d: SignedDecimal) {
        self.0.extend_from_slice(&d.atomics().i128().to_be_bytes());
    }

    /// An unsigned LEB128 varint: 7 bits a byte, low first, high bit set on all but the last.
    pub fn varint(&mut self, mut v: u128) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    /// A signed value as a zigzag varint: small magnitudes of either sign take few bytes
    /// (a raw `Fixed` below 2^62, i.e. |x| < 4.6, takes 9 bytes instead of 16).
    pub fn zigzag(&mut self, v: i128) {
        self.varint(((v << 1) ^ (v >> 127)) as u128);
    }

    /// A length-prefixed list.
    pub fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        self.u32(items.len() as u32);
        for item in items {
            each(self, item);
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

/// Reads fields of a binary record; every read fails on a truncated record.
pub struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader(bytes)
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], ContractError> {
        if self.0.len() < N {
            return Err(corrupt());
        }
        let (head, rest) = self.0.split_at(N);
        self.0 = rest;
        head.try_into().map_err(|_| corrupt())
    }

    pub fn u8(&mut self) -> Result<u8, ContractError> {
        Ok(u8::from_be_bytes(self.take::<1>()?))
    }

    pub fn u32(&mut self) -> Result<u32, ContractError> {
        Ok(u32::from_be_bytes(self.take::<4>()?))
    }

    pub fn u64(&mut self) -> Result<u64, ContractError> {
        Ok(u64::from_be_bytes(self.take::<8>()?))
    }

    pub fn u128(&mut self) -> Result<u128, ContractError> {
        Ok(u128::from_be_bytes(self.take::<16>()?))
    }

    pub fn dec(&mut self) -> Result<SignedDecimal, ContractError> {
        Ok(SignedDecimal::raw(i128::from_be_bytes(self.take::<16>()?)))
    }

    /// See [`Writer::varint`]; a varint beyond 128 bits or truncated is refused.
    pub fn varint(&mut self) -> Result<u128, ContractError> {
        let mut v: u128 = 0;
        for shift in (0..128).step_by(7) {
            let [b] = self.take::<1>()?;
            let bits = u128::from(b & 0x7f);
            if shift == 126 && bits > 0b11 {
                return Err(corrupt());
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt())
    }

    /// See [`Writer::zigzag`].
    pub fn zigzag(&mut self) -> Result<i128, ContractError> {
        let u = self.varint()?;
        Ok(((u >> 1) as i128) ^ -((u & 1) as i128))
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.0.len()
    }

    /// A length-prefixed list (the length is only trusted as far as bytes remain).
    pub fn list<T>(
        &mut self,
        mut each: impl FnMut(&mut Self) -> Result<T, ContractError>,
    ) -> Result<Vec<T>, ContractError> {
        let n = self.u32()? as usize;
        let mut out = Vec::with_capacity(n.min(self.0.len() / 4));
        for _ in 0..n {
            out.push(each(self)?);
        }
        Ok(out)
    }

    /// The record must be fully read.
    pub fn end(self) -> Result<(), ContractError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(corrupt())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_records_range_one_group_in_id_order() {
        let mut st = cosmwasm_std::testing::MockStorage::new();
        let records: IdRecords<(u64, u64, u8)> = IdRecords::new("m");
        // neighbours of group (1, 2, 0) in every key part, with extreme ids
        for (group, id) in [
            ((1, 2, 1), 0),
            ((1, 3, 0), 0),
            ((1, 1, 0), u32::MAX),
            ((2, 2, 0), 0),
            ((1, 2, 0), u32::MAX),
            ((1, 2, 0), 0),
            ((1, 2, 0), 256),
        ] {
            records.set(&mut st, group, id, &id.to_be_bytes());
        }
        let ids: Vec<u32> = records
            .all(&st, (1, 2, 0))
            .unwrap()
            .into_iter()
            .map(|(id, v)| {
                assert_eq!(v, id.to_be_bytes());
                id
            })
            .collect();
        assert_eq!(ids, vec![0, 256, u32::MAX]);
        records.remove(&mut st, (1, 2, 0), 256);
        assert_eq!(records.all(&st, (1, 2, 0)).unwrap().len(), 2);
        assert_eq!(records.all(&st, (1, 2, 1)).unwrap().len(), 1);
        assert!(records.all(&st, (9, 9, 9)).unwrap().is_empty());
    }

    #[test]
    fn writer_and_reader_agree() {
        let mut w = Writer::default();
        w.u32(7);
        w.dec(SignedDecimal::raw(-5));
        w.list(&[1u32, 2, 3], |w, x| w.u32(*x));
        w.u8(9);
        w.u64(u64::MAX - 1);
        w.u128(u128::MAX);
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        assert_eq!(r.u32().unwrap(), 7);
        assert_eq!(r.dec().unwrap(), SignedDecimal::raw(-5));
        assert_eq!(r.list(|r| r.u32()).unwrap(), vec![1, 2, 3]);
        assert_eq!(r.u8().unwrap(), 9);
        assert_eq!(r.u64().unwrap(), u64::MAX - 1);
        assert_eq!(r.u128().unwrap(), u128::MAX);
        r.end().unwrap();
        // truncated or trailing bytes are refused
        let mut r = Reader::new(&bytes[..bytes.len() - 1]);
        r.u32().unwrap();
        r.dec().unwrap();
        r.list(|r| r.u32()).unwrap();
        r.u8().unwrap();
        r.u64().unwrap();
        assert!(r.u128().is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        let mut r = Reader::new(&longer);
        r.u32().unwrap();
        assert!(r.end().is_err());
        // a huge announced length does not allocate or loop past the data
        let mut w = Writer::default();
        w.u32(u32::MAX);
        let bytes = w.into_bytes();
        assert!(Reader::new(&bytes).list(|r| r.u32()).is_err());
    }

    #[test]
    fn varints_round_trip_at_every_width() {
        let values = [
            0i128,
            1,
            -1,
            63,
            -64,
            64,
            1_000_000_000_000_000_000,
            -123_456_789_012_345_678,
            i128::MAX,
            i128::MIN,
        ];
        let mut w = Writer::default();
        for v in values {
            w.zigzag(v);
            w.varint(v.unsigned_abs());
        }
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        for v in values {
            assert_eq!(r.zigzag().unwrap(), v);
            assert_eq!(r.varint().unwrap(), v.unsigned_abs());
        }
        assert!(r.is_empty());
        // one regret-sized value (|x| < 4.6) in 9 bytes, small ones in 1
        let mut w = Writer::default();
        w.zigzag(-1_000_000_000_000_000_000);
        assert_eq!(w.into_bytes().len(), 9);
        let mut w = Writer::default();
        w.zigzag(-64);
        assert_eq!(w.into_bytes().len(), 1);
        // truncated, or more than 128 bits
        assert!(Reader::new(&[0x80]).varint().is_err());
        let mut long = vec![0xffu8; 18];
        long.push(0x03);
        assert_eq!(Reader::new(&long).varint().unwrap(), u128::MAX);
        long[18] = 0x04;
        assert!(Reader::new(&long).varint().is_err());
        let mut longer = vec![0x80u8; 19];
        longer.push(0);
        assert!(Reader::new(&longer).varint().is_err());
    }

    #[test]
    fn pairs_round_trip_and_reject_truncated_records() {
        let a: Fixed = "-1.5".parse().unwrap();
        let b: Fixed = "170141183460.469231731687303715".parse().unwrap();
        let bytes = encode_pairs([(7, &a), (u32::MAX, &b)]);
        assert_eq!(bytes.len(), 40);
        assert_eq!(decode_pairs(&bytes).unwrap(), vec![(7, a), (u32::MAX, b)]);
        assert!(decode_pairs(&bytes[..39]).is_err());
        assert_eq!(decode_fixed(&encode_fixed(a)).unwrap(), a);
        assert!(decode_fixed(&[0u8; 15]).is_err());
    }
}
