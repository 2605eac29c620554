//! Compact binary records (every stored byte costs gas): numbers as their raw 18-decimal i128
//! (16 bytes, big-endian) and ids as u32 (4 bytes), instead of JSON with decimal strings.
//! - pair lists `(actor, Fixed)`, 20 bytes per entry: regret tables;
//! - one raw `Fixed` per actor under a group key (`IdRecords`): active-set members;
//! - loss bundles, the body of a network inference and a topic's latest value (`Writer` /
//!   `Reader`, shared with reward-distribution through `nous_types::codec`): lists keep
//!   their order, each list prefixed by its length.

use cosmwasm_std::{Order, Storage};
use cw_storage_plus::{Map, PrimaryKey};
use nous_math::serde_maps::id_bytes;
use nous_math::Fixed;

use crate::error::ContractError;

pub use nous_types::codec::{Reader, Writer};

fn corrupt() -> ContractError {
    ContractError::Std(nous_types::codec::corrupt())
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

/// Every record stored under a cw-storage-plus namespace, for `migrate`: `(whole key,
/// value)`, ascending by key (the key's own part: [`topic_nonce_key`] and its kin).
pub fn namespace_records(storage: &dyn Storage, namespace: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut start = (namespace.len() as u16).to_be_bytes().to_vec();
    start.extend_from_slice(namespace);
    let mut end = start.clone();
    end.push(0xff);
    storage
        .range(Some(&start), Some(&end), Order::Ascending)
        .collect()
}

// The keys of `namespace_records` records, by shape, as the `Map` that wrote them lays them
// out: every element but the last length-prefixed, the last raw. Written by hand rather than
// with cw-storage-plus's `KeyDeserialize`, which measured 2.4 KB more of synthesis.

/// The part of a key after its length-prefixed namespace.
fn own_key<'k>(key: &'k [u8], namespace: &[u8]) -> Result<&'k [u8], ContractError> {
    key.get(2 + namespace.len()..).ok_or_else(corrupt)
}

/// A `(topic u64, nonce u64)` key.
pub fn topic_nonce_key(key: &[u8], namespace: &[u8]) -> Result<(u64, u64), ContractError> {
    let [0, 8, t0, t1, t2, t3, t4, t5, t6, t7, n0, n1, n2, n3, n4, n5, n6, n7] =
        *own_key(key, namespace)?
    else {
        return Err(corrupt());
    };
    Ok((
        u64::from_be_bytes([t0, t1, t2, t3, t4, t5, t6, t7]),
        u64::from_be_bytes([n0, n1, n2, n3, n4, n5, n6, n7]),
    ))
}

/// A `(topic u64, tag u8, actor u32)` key.
pub fn topic_tag_actor_key(key: &[u8], namespace: &[u8]) -> Result<(u64, u8, u32), ContractError> {
    let [0, 8, t0, t1, t2, t3, t4, t5, t6, t7, 0, 1, tag, a0, a1, a2, a3] =
        *own_key(key, namespace)?
    else {
        return Err(corrupt());
    };
    Ok((
        u64::from_be_bytes([t0, t1, t2, t3, t4, t5, t6, t7]),
        tag,
        u32::from_be_bytes([a0, a1, a2, a3]),
    ))
}

/// A `(topic u64, actor u32)` key.
pub fn topic_actor_key(key: &[u8], namespace: &[u8]) -> Result<(u64, u32), ContractError> {
    let [0, 8, t0, t1, t2, t3, t4, t5, t6, t7, a0, a1, a2, a3] = *own_key(key, namespace)? else {
        return Err(corrupt());
    };
    Ok((
        u64::from_be_bytes([t0, t1, t2, t3, t4, t5, t6, t7]),
        u32::from_be_bytes([a0, a1, a2, a3]),
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_as_the_map_wrote_them_and_other_shapes_are_refused() {
        let nonce_key = Map::<(u64, u64), ()>::new("ns").key((7, u64::MAX));
        assert_eq!(topic_nonce_key(&nonce_key, b"ns").unwrap(), (7, u64::MAX));
        let tagged = Map::<(u64, u8, u32), ()>::new("ns").key((u64::MAX, 2, 9));
        assert_eq!(
            topic_tag_actor_key(&tagged, b"ns").unwrap(),
            (u64::MAX, 2, 9)
        );
        let actor = Map::<(u64, u32), ()>::new("ns").key((3, u32::MAX));
        assert_eq!(topic_actor_key(&actor, b"ns").unwrap(), (3, u32::MAX));
        // another shape, a truncated key, a key shorter than its namespace
        assert!(topic_nonce_key(&tagged, b"ns").is_err());
        assert!(topic_tag_actor_key(&actor, b"ns").is_err());
        assert!(topic_actor_key(&actor[..actor.len() - 1], b"ns").is_err());
        assert!(topic_actor_key(b"\x00", b"ns").is_err());
    }

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
