//! Contract storage for the VM: a committed store with one write set per open transaction
//! (and per sub-message with a reply) on top, behind a wrapper that counts every access the
//! contract makes and prices it the way the Cosmos SDK's gas-metered KV store does
//! (`storetypes.KVGasConfig` of Cosmos SDK 0.53, the node's own prices).
//!
//! A transaction writes into its write set; committing merges the set into the one below
//! (or into the committed store), rolling back drops it. So a transaction costs memory in
//! proportion to what it wrote, never a copy of the whole state, and a long run stays
//! small. Iterators walk the merged view lazily and are dropped when the outermost call
//! ends.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard};

use cosmwasm_std::{Order, Record};
use cosmwasm_vm::{BackendError, BackendResult, GasInfo, Storage};

/// The SDK's prices of one KV-store access, in SDK gas (`storetypes.KVGasConfig()`).
pub mod price {
    pub const READ_FLAT: u64 = 1_000;
    pub const READ_PER_BYTE: u64 = 3;
    pub const WRITE_FLAT: u64 = 2_000;
    pub const WRITE_PER_BYTE: u64 = 30;
    pub const DELETE_FLAT: u64 = 1_000;
    pub const ITER_STEP_FLAT: u64 = 30;
    pub const ITER_PER_BYTE: u64 = 3;
    /// wasmd stores a contract's key `k` under `0x03 || contract address (32 bytes) || k`,
    /// and the gas-metered store below the prefix store sees (and bills) the full key.
    pub const CONTRACT_KEY_PREFIX: u64 = 33;
    /// wasmd's charge for loading a contract instance that is not pinned (per call or query).
    pub const INSTANCE_LOAD: u64 = 60_000;
    /// CosmWasm gas per SDK gas (wasmd's `DefaultGasMultiplier`).
    pub const VM_GAS_PER_SDK_GAS: u64 = 140_000;

    /// wasmd's charges for the events of a contract response (`WasmGasRegisterConfig`
    /// defaults: `EventAttributeDataFreeTier`, `EventAttributeDataCost`,
    /// `EventPerAttributeCost`, `CustomEventCost`).
    pub mod event {
        pub const ATTRIBUTE_FREE_BYTES: u64 = 100;
        pub const PER_ATTRIBUTE_BYTE: u64 = 1;
        pub const PER_ATTRIBUTE: u64 = 10;
        pub const PER_CUSTOM_EVENT: u64 = 20;
    }
}

/// What one operation did to storage, summed over every contract it touched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreCount {
    pub reads: u64,
    /// Bytes of key (with wasmd's prefix) and value of all reads (a missing key has no value).
    pub read_bytes: u64,
    pub writes: u64,
    pub write_bytes: u64,
    pub deletes: u64,
    pub iter_steps: u64,
    pub iter_bytes: u64,
}

impl StoreCount {
    /// SDK gas the store accesses cost.
    pub fn sdk_gas(&self) -> u64 {
        use price::*;
        self.reads * READ_FLAT
            + self.read_bytes * READ_PER_BYTE
            + self.writes * WRITE_FLAT
            + self.write_bytes * WRITE_PER_BYTE
            + self.deletes * DELETE_FLAT
            + self.iter_steps * ITER_STEP_FLAT
            + self.iter_bytes * ITER_PER_BYTE
    }

    /// SDK gas of the reads and iterator steps alone.
    pub fn read_gas(&self) -> u64 {
        use price::*;
        self.reads * READ_FLAT
            + self.read_bytes * READ_PER_BYTE
            + self.iter_steps * ITER_STEP_FLAT
            + self.iter_bytes * ITER_PER_BYTE
    }

    /// SDK gas of the writes and deletes alone.
    pub fn write_gas(&self) -> u64 {
        self.sdk_gas() - self.read_gas()
    }

    pub fn add(&mut self, o: &StoreCount) {
        self.reads += o.reads;
        self.read_bytes += o.read_bytes;
        self.writes += o.writes;
        self.write_bytes += o.write_bytes;
        self.deletes += o.deletes;
        self.iter_steps += o.iter_steps;
        self.iter_bytes += o.iter_bytes;
    }
}

/// Why a contract instance was loaded (wasmd prices a reply's load as a discounted one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadKind {
    Call,
    Query,
    Reply,
}

/// One contract instance loaded by the operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Load {
    pub contract: String,
    /// The artifact it runs (wasmd's in-transaction discount is per code, not per address).
    pub code: String,
    pub kind: LoadKind,
}

/// The counters of the operation being measured: shared by every storage and querier of
/// one [`crate::chain::Chain`].
#[derive(Clone, Debug, Default)]
pub struct Meter {
    pub store: StoreCount,
    /// The same accesses by record kind: `contract code` -> `record kind` (the storage
    /// namespace, see [`record_kind`]).
    pub by_kind: BTreeMap<(String, String), StoreCount>,
    /// CosmWasm gas used inside the VM (Wasm operations and API calls), all instances.
    pub vm_gas: u64,
    /// The same by the artifact the instance ran.
    pub vm_by_code: BTreeMap<String, u64>,
    /// Contract instances loaded (each execute, sub-message and smart query loads one).
    pub instance_loads: u64,
    /// Addresses of the contracts loaded, in order, one entry per load.
    pub loaded: Vec<String>,
    /// The loads in order, with their code and kind.
    pub loads: Vec<Load>,
    /// Native coin transfers (one per coin moved by a message's funds or a bank send).
    pub bank_sends: u64,
    /// What wasmd charges for the events of every contract response (`EventCosts`).
    pub event_gas: u64,
}

impl Meter {
    /// VM gas + store + instance loads, in SDK gas (VM gas rounded up).
    pub fn sdk_gas(&self) -> u64 {
        self.vm_sdk_gas() + self.store.sdk_gas() + self.instance_sdk_gas()
    }
    pub fn vm_sdk_gas(&self) -> u64 {
        self.vm_gas.div_ceil(price::VM_GAS_PER_SDK_GAS)
    }
    pub fn instance_sdk_gas(&self) -> u64 {
        self.instance_loads * price::INSTANCE_LOAD
    }
}

pub type SharedMeter = Arc<Mutex<Meter>>;

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The kind of record a contract key belongs to: the cw-storage-plus namespace (a `Map`
/// key starts with the namespace's length as two bytes, an `Item` key is its name), and for
/// synthesis's tagged records (see its `regret_store.rs`, `actor_scores.rs` and `state.rs`)
/// the role or class tag after the topic id, e.g. `regret_rows/inferer`,
/// `actor_scores/reputer`.
pub fn record_kind(key: &[u8]) -> String {
    let printable = |b: &[u8]| {
        !b.is_empty()
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
    };
    let namespace = match key {
        [hi, lo, rest @ ..] => {
            let n = u16::from_be_bytes([*hi, *lo]) as usize;
            rest.get(..n).filter(|ns| printable(ns))
        }
        _ => None,
    };
    let Some(ns) = namespace else {
        return if printable(key) {
            String::from_utf8_lossy(key).into_owned()
        } else {
            "(raw)".into()
        };
    };
    let ns = String::from_utf8_lossy(ns).into_owned();
    // After the namespace: a length-prefixed u64 topic id (2 + 8 bytes), then, for these
    // tables, a length-prefixed tag byte (2 + 1) or a length-prefixed nonce first.
    let after = 2 + ns.len();
    let tag_at = |offset: usize| key.get(after + offset).copied();
    let class = |t: u8| match t {
        0 => "inferer",
        1 => "forecaster",
        2 => "reputer",
        _ => "?",
    };
    match ns.as_str() {
        // (topic, role or class tag, actor): regret rows (0 inferer, 1 forecaster) and
        // score records
        "regret_rows" | "actor_scores" => match tag_at(12) {
            Some(t) => format!("{ns}/{}", class(t)),
            None => ns,
        },
        // (topic, nonce, class) + id
        "set_members" => match tag_at(20) {
            Some(t) => format!("{ns}/{}", class(t)),
            None => ns,
        },
        _ => ns,
    }
}

/// Pending writes of one open transaction or sub-message: `None` marks a removal.
type WriteSet = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// A live iterator over the merged view: its range, order and the last key it returned.
struct Cursor {
    start: Option<Vec<u8>>,
    end: Option<Vec<u8>>,
    order: Order,
    last: Option<Vec<u8>>,
}

/// One contract's data: the committed records and the write sets of the open transaction
/// and its nested sub-messages, innermost last.
#[derive(Default)]
pub struct LayeredStore {
    committed: BTreeMap<Vec<u8>, Vec<u8>>,
    layers: Vec<WriteSet>,
    iterators: HashMap<u32, Cursor>,
    next_iterator: u32,
}

/// `lo..hi` as a range `BTreeMap::range` accepts, or `None` when it is empty (where
/// `range` would panic).
fn bounds<'a>(
    lo: &'a Bound<Vec<u8>>,
    hi: &'a Bound<Vec<u8>>,
) -> Option<(Bound<&'a [u8]>, Bound<&'a [u8]>)> {
    let as_slice = |b: &'a Bound<Vec<u8>>| match b {
        Bound::Included(v) => Bound::Included(v.as_slice()),
        Bound::Excluded(v) => Bound::Excluded(v.as_slice()),
        Bound::Unbounded => Bound::Unbounded,
    };
    let empty = match (lo, hi) {
        (Bound::Included(a), Bound::Included(b)) => a > b,
        (Bound::Included(a) | Bound::Excluded(a), Bound::Included(b) | Bound::Excluded(b)) => {
            a >= b
        }
        _ => false,
    };
    (!empty).then(|| (as_slice(lo), as_slice(hi)))
}

impl LayeredStore {
    /// The value under `key` as the innermost open write set sees it.
    pub fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        for layer in self.layers.iter().rev() {
            if let Some(v) = layer.get(key) {
                return v.clone();
            }
        }
        self.committed.get(key).cloned()
    }

    pub fn set(&mut self, key: &[u8], value: &[u8]) {
        match self.layers.last_mut() {
            Some(top) => {
                top.insert(key.to_vec(), Some(value.to_vec()));
            }
            None => {
                self.committed.insert(key.to_vec(), value.to_vec());
            }
        }
    }

    pub fn remove(&mut self, key: &[u8]) {
        match self.layers.last_mut() {
            Some(top) => {
                top.insert(key.to_vec(), None);
            }
            None => {
                self.committed.remove(key);
            }
        }
    }

    /// Opens a write set (a transaction, or a sub-message inside one).
    pub fn begin(&mut self) {
        self.layers.push(WriteSet::new());
    }

    /// Merges the innermost write set into the one below it (or into the committed store).
    pub fn commit(&mut self) {
        let Some(top) = self.layers.pop() else {
            return;
        };
        match self.layers.last_mut() {
            Some(below) => below.extend(top),
            None => {
                for (k, v) in top {
                    match v {
                        Some(v) => {
                            self.committed.insert(k, v);
                        }
                        None => {
                            self.committed.remove(&k);
                        }
                    }
                }
            }
        }
    }

    /// Drops the innermost write set.
    pub fn rollback(&mut self) {
        self.layers.pop();
    }

    /// Forgets every iterator (no instance is running any more).
    pub fn drop_iterators(&mut self) {
        self.iterators.clear();
        self.next_iterator = 0;
    }

    pub fn scan(&mut self, start: Option<&[u8]>, end: Option<&[u8]>, order: Order) -> u32 {
        self.next_iterator += 1;
        let id = self.next_iterator;
        self.iterators.insert(
            id,
            Cursor {
                start: start.map(<[u8]>::to_vec),
                end: end.map(<[u8]>::to_vec),
                order,
                last: None,
            },
        );
        id
    }

    /// The next record of iterator `id` in the merged view, `None` past its end.
    pub fn next(&mut self, id: u32) -> Result<Option<Record>, BackendError> {
        let cursor = self
            .iterators
            .get(&id)
            .ok_or_else(|| BackendError::iterator_does_not_exist(id))?;
        let ascending = cursor.order == Order::Ascending;
        let mut lo = match (&cursor.last, ascending) {
            (Some(k), true) => Bound::Excluded(k.clone()),
            _ => cursor
                .start
                .clone()
                .map_or(Bound::Unbounded, Bound::Included),
        };
        let mut hi = match (&cursor.last, ascending) {
            (Some(k), false) => Bound::Excluded(k.clone()),
            _ => cursor.end.clone().map_or(Bound::Unbounded, Bound::Excluded),
        };
        loop {
            let Some(range) = bounds(&lo, &hi) else {
                return Ok(None);
            };
            // The nearest key in range of the committed store and of every write set.
            let firsts = std::iter::once(if ascending {
                self.committed
                    .range::<[u8], _>(range)
                    .next()
                    .map(|(k, _)| k)
            } else {
                self.committed
                    .range::<[u8], _>(range)
                    .next_back()
                    .map(|(k, _)| k)
            })
            .chain(self.layers.iter().map(|l| {
                if ascending {
                    l.range::<[u8], _>(range).next().map(|(k, _)| k)
                } else {
                    l.range::<[u8], _>(range).next_back().map(|(k, _)| k)
                }
            }))
            .flatten();
            let nearest = if ascending {
                firsts.min()
            } else {
                firsts.max()
            };
            let Some(key) = nearest.cloned() else {
                return Ok(None);
            };
            match self.get(&key) {
                Some(value) => {
                    if let Some(c) = self.iterators.get_mut(&id) {
                        c.last = Some(key.clone());
                    }
                    return Ok(Some((key, value)));
                }
                // removed in an open write set: step over it
                None => {
                    if ascending {
                        lo = Bound::Excluded(key);
                    } else {
                        hi = Bound::Excluded(key);
                    }
                }
            }
        }
    }

    /// Every record of the merged view, ascending.
    pub fn records(&self) -> Vec<Record> {
        let mut merged: BTreeMap<&[u8], Option<&Vec<u8>>> = self
            .committed
            .iter()
            .map(|(k, v)| (k.as_slice(), Some(v)))
            .collect();
        for layer in &self.layers {
            for (k, v) in layer {
                merged.insert(k.as_slice(), v.as_ref());
            }
        }
        merged
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_vec(), v.clone())))
            .collect()
    }
}

/// One contract's storage as a chain node would hold it: a [`LayeredStore`] shared by
/// every instance of that contract (executes and nested queries), plus the meter.
#[derive(Clone)]
pub struct CountingStorage {
    pub data: Arc<Mutex<LayeredStore>>,
    pub meter: SharedMeter,
    /// The artifact the contract runs (the first part of [`Meter::by_kind`]'s key).
    pub code: Arc<str>,
}

impl CountingStorage {
    pub fn new(meter: SharedMeter, code: &str) -> Self {
        Self {
            data: Arc::new(Mutex::new(LayeredStore::default())),
            meter,
            code: code.into(),
        }
    }

    /// Every record, ascending (not metered; for assertions).
    pub fn dump(&self) -> Vec<Record> {
        lock(&self.data).records()
    }

    /// The raw value under `key` (not metered).
    pub fn raw(&self, key: &[u8]) -> Option<Vec<u8>> {
        lock(&self.data).get(key)
    }

    pub fn begin(&self) {
        lock(&self.data).begin()
    }

    pub fn commit(&self) {
        lock(&self.data).commit()
    }

    pub fn rollback(&self) {
        lock(&self.data).rollback()
    }

    pub fn drop_iterators(&self) {
        lock(&self.data).drop_iterators()
    }

    fn count(&self, key: &[u8], f: impl Fn(&mut StoreCount)) {
        let mut m = lock(&self.meter);
        f(&mut m.store);
        let kind = (self.code.to_string(), record_kind(key));
        f(m.by_kind.entry(kind).or_default());
    }
}

// The VM gets no storage gas from here (`GasInfo::free`): the SDK bills storage in SDK gas
// outside the VM, which is what the meter prices; the VM gas is the computation only.
impl Storage for CountingStorage {
    fn get(&self, key: &[u8]) -> BackendResult<Option<Vec<u8>>> {
        let v = lock(&self.data).get(key);
        let bytes = price::CONTRACT_KEY_PREFIX
            + key.len() as u64
            + v.as_ref().map_or(0, |v| v.len() as u64);
        self.count(key, |s| {
            s.reads += 1;
            s.read_bytes += bytes;
        });
        (Ok(v), GasInfo::free())
    }

    fn scan(
        &mut self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> BackendResult<u32> {
        (
            Ok(lock(&self.data).scan(start, end, order)),
            GasInfo::free(),
        )
    }

    fn next(&mut self, iterator_id: u32) -> BackendResult<Option<Record>> {
        let res = lock(&self.data).next(iterator_id);
        if let Ok(Some((k, v))) = &res {
            let bytes = price::CONTRACT_KEY_PREFIX + (k.len() + v.len()) as u64;
            self.count(k, |s| {
                s.iter_steps += 1;
                s.iter_bytes += bytes;
            });
        }
        (res, GasInfo::free())
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> BackendResult<()> {
        lock(&self.data).set(key, value);
        let bytes = price::CONTRACT_KEY_PREFIX + (key.len() + value.len()) as u64;
        self.count(key, |s| {
            s.writes += 1;
            s.write_bytes += bytes;
        });
        (Ok(()), GasInfo::free())
    }

    fn remove(&mut self, key: &[u8]) -> BackendResult<()> {
        lock(&self.data).remove(key);
        self.count(key, |s| s.deletes += 1);
        (Ok(()), GasInfo::free())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &mut LayeredStore, start: Option<&[u8]>, end: Option<&[u8]>, o: Order) -> Vec<u8> {
        let id = s.scan(start, end, o);
        let mut out = vec![];
        while let Some((k, _)) = s.next(id).unwrap() {
            out.extend(k);
        }
        out
    }

    #[test]
    fn write_sets_commit_into_the_set_below_and_roll_back_alone() {
        let mut s = LayeredStore::default();
        s.set(b"a", b"1");
        s.set(b"c", b"3");
        s.begin();
        s.set(b"b", b"2");
        s.remove(b"c");
        s.begin();
        s.set(b"d", b"4");
        s.remove(b"a");
        assert_eq!(keys(&mut s, None, None, Order::Ascending), b"bd");
        s.rollback();
        assert_eq!(keys(&mut s, None, None, Order::Ascending), b"ab");
        assert_eq!(keys(&mut s, None, None, Order::Descending), b"ba");
        s.begin();
        s.set(b"e", b"5");
        s.commit();
        s.commit();
        assert_eq!(s.layers.len(), 0);
        assert_eq!(
            s.records(),
            vec![
                (b"a".to_vec(), b"1".to_vec()),
                (b"b".to_vec(), b"2".to_vec()),
                (b"e".to_vec(), b"5".to_vec())
            ]
        );
        s.begin();
        s.set(b"a", b"9");
        s.rollback();
        assert_eq!(s.get(b"a"), Some(b"1".to_vec()));
    }

    #[test]
    fn ranges_are_bounded_like_the_vm_mock_storage() {
        let mut s = LayeredStore::default();
        for k in [b"a", b"b", b"c", b"d"] {
            s.set(k, b"v");
        }
        s.begin();
        s.remove(b"b");
        s.set(b"bb", b"v");
        assert_eq!(
            keys(&mut s, Some(b"b"), Some(b"d"), Order::Ascending),
            b"bbc"
        );
        assert_eq!(
            keys(&mut s, Some(b"b"), Some(b"d"), Order::Descending),
            b"cbb"
        );
        assert_eq!(keys(&mut s, Some(b"d"), Some(b"b"), Order::Ascending), b"");
        assert_eq!(keys(&mut s, Some(b"c"), Some(b"c"), Order::Descending), b"");
        assert!(s.next(99).is_err());
    }

    #[test]
    fn record_kinds_name_the_namespace_and_the_table() {
        assert_eq!(record_kind(b"config"), "config");
        let mut k = vec![0, 11];
        k.extend(b"regret_rows");
        k.extend([0, 8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 3]);
        assert_eq!(record_kind(&k), "regret_rows/forecaster");
        let mut k = vec![0, 6];
        k.extend(b"topics");
        k.extend([0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(record_kind(&k), "topics");
        assert_eq!(record_kind(&[0xff, 0x01, 0x02]), "(raw)");
    }
}
