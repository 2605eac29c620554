//! Contract storage for the VM: cosmwasm-vm's own [`MockStorage`] behind a wrapper that
//! counts every access the contract makes and prices it the way the Cosmos SDK's gas-metered
//! KV store does (`storetypes.KVGasConfig`, see shared/docs/TOOLCHAIN.md).

use std::sync::{Arc, Mutex, MutexGuard};

use cosmwasm_std::{Order, Record};
use cosmwasm_vm::testing::MockStorage;
use cosmwasm_vm::{BackendResult, GasInfo, Storage};

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

/// The counters of the operation being measured: shared by every storage and querier of
/// one [`crate::chain::Chain`].
#[derive(Clone, Debug, Default)]
pub struct Meter {
    pub store: StoreCount,
    /// CosmWasm gas used inside the VM (Wasm operations and API calls), all instances.
    pub vm_gas: u64,
    /// Contract instances loaded (each execute, sub-message and smart query loads one).
    pub instance_loads: u64,
    /// Addresses of the contracts loaded, in order, one entry per load.
    pub loaded: Vec<String>,
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

/// One contract's storage as a chain node would hold it: the VM's `MockStorage`, shared by
/// every instance of that contract (executes and nested queries), plus the meter.
#[derive(Clone)]
pub struct CountingStorage {
    pub data: Arc<Mutex<MockStorage>>,
    pub meter: SharedMeter,
}

impl CountingStorage {
    pub fn new(meter: SharedMeter) -> Self {
        Self {
            data: Arc::new(Mutex::new(MockStorage::new())),
            meter,
        }
    }

    /// Every record, ascending (not metered; for snapshots and assertions).
    pub fn dump(&self) -> Vec<Record> {
        let mut s = lock(&self.data);
        let (id, _) = s.scan(None, None, Order::Ascending);
        let id = id.expect("scan of MockStorage");
        s.all(id).0.expect("iterate MockStorage")
    }

    /// Replaces the content with `records` (rollback of a failed transaction).
    pub fn restore(&self, records: &[Record]) {
        let mut fresh = MockStorage::new();
        for (k, v) in records {
            let _ = fresh.set(k, v);
        }
        *lock(&self.data) = fresh;
    }

    /// The raw value under `key` (not metered).
    pub fn raw(&self, key: &[u8]) -> Option<Vec<u8>> {
        lock(&self.data).get(key).0.ok().flatten()
    }
}

// The VM gets no storage gas from here (`GasInfo::free`): the SDK bills storage in SDK gas
// outside the VM, which is what the meter prices; the VM gas is the computation only.
impl Storage for CountingStorage {
    fn get(&self, key: &[u8]) -> BackendResult<Option<Vec<u8>>> {
        let (res, _) = lock(&self.data).get(key);
        if let Ok(v) = &res {
            let mut m = lock(&self.meter);
            m.store.reads += 1;
            m.store.read_bytes += price::CONTRACT_KEY_PREFIX
                + key.len() as u64
                + v.as_ref().map_or(0, |v| v.len() as u64);
        }
        (res, GasInfo::free())
    }

    fn scan(
        &mut self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> BackendResult<u32> {
        let (res, _) = lock(&self.data).scan(start, end, order);
        (res, GasInfo::free())
    }

    fn next(&mut self, iterator_id: u32) -> BackendResult<Option<Record>> {
        let (res, _) = lock(&self.data).next(iterator_id);
        if let Ok(Some((k, v))) = &res {
            let mut m = lock(&self.meter);
            m.store.iter_steps += 1;
            m.store.iter_bytes += price::CONTRACT_KEY_PREFIX + (k.len() + v.len()) as u64;
        }
        (res, GasInfo::free())
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> BackendResult<()> {
        let (res, _) = lock(&self.data).set(key, value);
        let mut m = lock(&self.meter);
        m.store.writes += 1;
        m.store.write_bytes += price::CONTRACT_KEY_PREFIX + (key.len() + value.len()) as u64;
        (res, GasInfo::free())
    }

    fn remove(&mut self, key: &[u8]) -> BackendResult<()> {
        let (res, _) = lock(&self.data).remove(key);
        lock(&self.meter).store.deletes += 1;
        (res, GasInfo::free())
    }
}
