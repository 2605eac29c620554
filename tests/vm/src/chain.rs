//! A minimal chain around cosmwasm-vm: stores the optimised artifacts in the VM's [`Cache`]
//! (as wasmd does), gives every contract its own [`CountingStorage`], moves native coins,
//! runs the messages a contract returns (bank sends, wasm executes) and answers the
//! contracts' queries: bank balances, and smart / raw queries routed to the other contracts'
//! instances. Each transaction is atomic, as on a chain: its writes collect in a write set
//! per contract (one more per sub-message with a reply), merged on success and dropped on
//! error, so a transaction never copies the state.
//!
//! Everything an operation costs lands in the shared [`Meter`]: VM gas of every instance,
//! store accesses of every contract, one instance load per execute / sub-message / query,
//! and what a chain adds on top (coins moved, wasmd's charge for contract events).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use anyhow::{anyhow, bail, Context, Result};
use cosmwasm_std::{
    from_json, to_json_binary, to_json_vec, Addr, BalanceResponse, BankMsg, BankQuery, Binary,
    BlockInfo, Checksum, Coin, ContractInfo, ContractInfoResponse, ContractResult, CosmosMsg,
    Empty, Env, Event, MessageInfo, QueryRequest, Reply, ReplyOn, Response, SubMsgResponse,
    SubMsgResult, SystemError, SystemResult, Timestamp, TransactionInfo, Uint128, WasmMsg,
    WasmQuery,
};
use cosmwasm_vm::testing::MockApi;
use cosmwasm_vm::{
    call_execute, call_instantiate, call_migrate, call_query, call_query_raw, call_reply,
    capabilities_from_csv, Backend, BackendResult, Cache, CacheOptions, GasInfo, Instance,
    InstanceOptions, Querier, Size,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::storage::{lock, CountingStorage, Load, LoadKind, Meter, SharedMeter};

/// Gas limit of every instance: far above any block, so that nothing is cut short while
/// measuring (the report compares the measured figures with the targets).
pub const GAS_LIMIT: u64 = 1_000_000_000_000_000;
/// Capabilities of a current wasmd chain.
pub const CAPABILITIES: &str =
    "iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,cosmwasm_1_3,cosmwasm_1_4,cosmwasm_2_0,cosmwasm_2_1,cosmwasm_2_2";
/// Seconds per block (the same as the multi-test Suite).
pub const BLOCK_SECONDS: u64 = 5;

pub type VmInstance = Instance<MockApi, CountingStorage, ChainQuerier>;
type VmCache = Cache<MockApi, CountingStorage, ChainQuerier>;

/// One VM cache per test process (compiled modules are shared between chains, like nodes
/// share theirs between blocks).
fn cache() -> &'static VmCache {
    static CACHE: OnceLock<VmCache> = OnceLock::new();
    CACHE.get_or_init(|| {
        let options = CacheOptions::new(
            cache_dir(),
            capabilities_from_csv(CAPABILITIES),
            Size::mebi(200),
            Size::mebi(32),
        );
        // SAFETY: the cache folder is private to this process.
        unsafe { Cache::new(options) }.expect("VM cache")
    })
}

/// This process's folder under `<tmp>/nous-vm-cache/`. The cache lives in a static and is
/// never dropped, so each test process leaves its folder (~50 MB) behind: the folders of
/// processes that have exited are removed here (where `/proc` tells which are alive).
fn cache_dir() -> PathBuf {
    let parent = std::env::temp_dir().join("nous-vm-cache");
    let own = std::process::id();
    if Path::new("/proc/self").exists() {
        for entry in std::fs::read_dir(&parent).into_iter().flatten().flatten() {
            let pid = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok());
            if let Some(pid) = pid {
                if pid != own && !Path::new("/proc").join(pid.to_string()).exists() {
                    // Another process may be removing it too; whatever is left goes next time.
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
    }
    parent.join(own.to_string())
}

/// `artifacts/` of the workspace.
pub fn artifacts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts")
}

/// Reads `artifacts/<contract>.wasm`.
pub fn artifact(contract: &str) -> Result<Vec<u8>> {
    let path = artifacts_dir().join(format!("{contract}.wasm"));
    std::fs::read(&path)
        .with_context(|| format!("{} missing: run scripts/build-wasm.sh", path.display()))
}

struct ContractRecord {
    checksum: Checksum,
    code: String,
    storage: CountingStorage,
}

#[derive(Default)]
struct State {
    contracts: BTreeMap<String, ContractRecord>,
    /// address -> denom -> amount
    bank: BTreeMap<String, BTreeMap<String, u128>>,
    codes: BTreeMap<String, Checksum>,
    block: Option<BlockInfo>,
    next_contract: u64,
}

struct World {
    api: MockApi,
    meter: SharedMeter,
    state: Mutex<State>,
}

/// Answers queries of a contract running in the VM; smart queries run the queried
/// contract's artifact in a nested VM instance.
#[derive(Clone)]
pub struct ChainQuerier {
    world: Weak<World>,
}

impl Querier for ChainQuerier {
    fn query_raw(
        &self,
        request: &[u8],
        _gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        let Some(world) = self.world.upgrade() else {
            return (
                Ok(SystemResult::Err(SystemError::Unknown {})),
                GasInfo::free(),
            );
        };
        // Gas of nested instances goes to the meter, not to the calling instance.
        (Ok(world.answer(request)), GasInfo::free())
    }
}

/// What a transaction returned: every contract's response in execution order.
#[derive(Clone, Debug, Default)]
pub struct TxResult {
    pub events: Vec<Event>,
    pub data: Option<Binary>,
}

impl TxResult {
    /// The first value of attribute `key` in any of the responses.
    pub fn attr(&self, key: &str) -> Option<String> {
        self.events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == key)
            .map(|a| a.value.clone())
    }
}

impl World {
    fn env(&self, contract: &str) -> Env {
        let block = lock(&self.state).block.clone().expect("block set");
        Env {
            block,
            transaction: Some(TransactionInfo { index: 0 }),
            contract: ContractInfo {
                address: Addr::unchecked(contract),
            },
        }
    }

    fn instance(self: &Arc<Self>, contract: &str, kind: LoadKind) -> Result<VmInstance> {
        let (checksum, storage, code) = {
            let st = lock(&self.state);
            let rec = st
                .contracts
                .get(contract)
                .ok_or_else(|| anyhow!("no contract at {contract}"))?;
            (rec.checksum, rec.storage.clone(), rec.code.clone())
        };
        {
            let mut m = lock(&self.meter);
            m.instance_loads += 1;
            m.loaded.push(contract.to_string());
            m.loads.push(Load {
                contract: contract.to_string(),
                code,
                kind,
            });
        }
        let backend = Backend {
            api: self.api,
            storage,
            querier: ChainQuerier {
                world: Arc::downgrade(self),
            },
        };
        cache()
            .get_instance(
                &checksum,
                backend,
                InstanceOptions {
                    gas_limit: GAS_LIMIT,
                },
            )
            .map_err(|e| anyhow!("instance of {contract}: {e}"))
    }

    /// Adds the VM gas `instance` (of `contract`) used to the meter.
    fn charge(&self, instance: &mut VmInstance, contract: &str) {
        let used = instance.create_gas_report().used_internally;
        let code = lock(&self.state)
            .contracts
            .get(contract)
            .map(|c| c.code.clone())
            .unwrap_or_default();
        let mut m = lock(&self.meter);
        m.vm_gas += used;
        *m.vm_by_code.entry(code).or_default() += used;
    }

    fn answer(self: &Arc<Self>, request: &[u8]) -> SystemResult<ContractResult<Binary>> {
        let req: QueryRequest<Empty> = match from_json(request) {
            Ok(r) => r,
            Err(e) => {
                return SystemResult::Err(SystemError::InvalidRequest {
                    error: e.to_string(),
                    request: request.into(),
                })
            }
        };
        match req {
            QueryRequest::Bank(BankQuery::Balance { address, denom }) => {
                let amount = self.balance(&address, &denom);
                SystemResult::Ok(ContractResult::Ok(
                    to_json_binary(&BalanceResponse::new(Coin::new(amount, denom))).expect("json"),
                ))
            }
            QueryRequest::Wasm(WasmQuery::Smart { contract_addr, msg }) => {
                let exists = lock(&self.state).contracts.contains_key(&contract_addr);
                match self.query_contract(&contract_addr, &msg) {
                    Ok(r) => SystemResult::Ok(r),
                    Err(_) if !exists => SystemResult::Err(SystemError::NoSuchContract {
                        addr: contract_addr,
                    }),
                    // the VM refused the queried contract's result (e.g. over its size limit)
                    Err(e) => SystemResult::Err(SystemError::InvalidResponse {
                        error: format!("{e:#}"),
                        response: Binary::default(),
                    }),
                }
            }
            QueryRequest::Wasm(WasmQuery::Raw { contract_addr, key }) => {
                let storage = lock(&self.state)
                    .contracts
                    .get(&contract_addr)
                    .map(|c| c.storage.clone());
                match storage {
                    Some(s) => {
                        use cosmwasm_vm::Storage;
                        let v = s.get(&key).0.ok().flatten();
                        SystemResult::Ok(ContractResult::Ok(Binary::from(v.unwrap_or_default())))
                    }
                    None => SystemResult::Err(SystemError::NoSuchContract {
                        addr: contract_addr,
                    }),
                }
            }
            QueryRequest::Wasm(WasmQuery::ContractInfo { contract_addr }) => {
                if !lock(&self.state).contracts.contains_key(&contract_addr) {
                    return SystemResult::Err(SystemError::NoSuchContract {
                        addr: contract_addr,
                    });
                }
                let info = ContractInfoResponse::new(
                    1,
                    Addr::unchecked(self.api.addr_make("creator")),
                    None,
                    false,
                    None,
                );
                SystemResult::Ok(ContractResult::Ok(to_json_binary(&info).expect("json")))
            }
            _ => SystemResult::Err(SystemError::UnsupportedRequest {
                kind: "only bank balance and wasm queries".into(),
            }),
        }
    }

    fn query_contract(
        self: &Arc<Self>,
        contract: &str,
        msg: &[u8],
    ) -> Result<ContractResult<Binary>> {
        let env = self.env(contract);
        let mut instance = self.instance(contract, LoadKind::Query)?;
        let res = call_query(&mut instance, &env, msg);
        self.charge(&mut instance, contract);
        res.map_err(|e| anyhow!("VM error in query of {contract}: {e}"))
    }

    fn balance(&self, address: &str, denom: &str) -> u128 {
        lock(&self.state)
            .bank
            .get(address)
            .and_then(|b| b.get(denom))
            .copied()
            .unwrap_or(0)
    }

    fn transfer(&self, from: &str, to: &str, coins: &[Coin]) -> Result<()> {
        let mut st = lock(&self.state);
        for c in coins {
            let have = st
                .bank
                .entry(from.to_string())
                .or_default()
                .entry(c.denom.clone())
                .or_default();
            let amount = c.amount.u128();
            if *have < amount {
                bail!("{from} has {have}{} and cannot send {amount}", c.denom);
            }
            *have -= amount;
            if amount > 0 {
                lock(&self.meter).bank_sends += 1;
            }
            *st.bank
                .entry(to.to_string())
                .or_default()
                .entry(c.denom.clone())
                .or_default() += amount;
        }
        Ok(())
    }

    /// Runs the messages of `res` (sent by `contract`), depth first, as wasmd does.
    fn dispatch(
        self: &Arc<Self>,
        contract: &str,
        res: Response<Empty>,
        out: &mut TxResult,
    ) -> Result<()> {
        lock(&self.meter).event_gas += event_costs(&res.attributes, &res.events);
        let mut ev = Event::new("wasm").add_attribute("_contract_address", contract);
        ev.attributes.extend(res.attributes);
        out.events.push(ev);
        out.events.extend(res.events.into_iter().map(|e| {
            let mut e2 =
                Event::new(format!("wasm-{}", e.ty)).add_attribute("_contract_address", contract);
            e2.attributes.extend(e.attributes);
            e2
        }));
        if res.data.is_some() {
            out.data = res.data;
        }
        for sub in res.messages {
            if sub.reply_on == ReplyOn::Never {
                self.run_msg(contract, sub.msg, out)?;
                continue;
            }
            // A sub-message with a reply: its own state changes are undone on error, and
            // the contract's `reply` entry point is told the outcome.
            let snap = self.snapshot();
            let mut sub_out = TxResult::default();
            let result = match self.run_msg(contract, sub.msg, &mut sub_out) {
                Ok(()) => {
                    self.commit(snap);
                    #[allow(deprecated)]
                    let r = SubMsgResponse {
                        events: sub_out.events.clone(),
                        data: sub_out.data.clone(),
                        msg_responses: vec![],
                    };
                    out.events.extend(sub_out.events);
                    SubMsgResult::Ok(r)
                }
                Err(e) => {
                    self.restore(snap);
                    SubMsgResult::Err(e.to_string())
                }
            };
            let wants_reply = matches!(
                (&sub.reply_on, &result),
                (ReplyOn::Always, _)
                    | (ReplyOn::Success, SubMsgResult::Ok(_))
                    | (ReplyOn::Error, SubMsgResult::Err(_))
            );
            if !wants_reply {
                if let SubMsgResult::Err(e) = result {
                    bail!(ContractError(e));
                }
                continue;
            }
            if let SubMsgResult::Ok(r) = &result {
                lock(&self.meter).event_gas += reply_event_costs(&r.events);
            }
            let reply = Reply {
                id: sub.id,
                payload: sub.payload,
                gas_used: 0,
                result,
            };
            let env = self.env(contract);
            let mut instance = self.instance(contract, LoadKind::Reply)?;
            let res = call_reply::<_, _, _, Empty>(&mut instance, &env, &reply);
            self.charge(&mut instance, contract);
            drop(instance);
            match res.map_err(|e| anyhow!("VM error in reply of {contract}: {e}"))? {
                ContractResult::Ok(r) => self.dispatch(contract, r, out)?,
                ContractResult::Err(e) => bail!(ContractError(e)),
            }
        }
        Ok(())
    }

    fn run_msg(self: &Arc<Self>, contract: &str, msg: CosmosMsg, out: &mut TxResult) -> Result<()> {
        match msg {
            CosmosMsg::Bank(BankMsg::Send { to_address, amount }) => {
                self.transfer(contract, &to_address, &amount)
            }
            CosmosMsg::Wasm(WasmMsg::Execute {
                contract_addr,
                msg,
                funds,
            }) => self.execute_raw(contract, &contract_addr, &msg, &funds, out),
            other => bail!("{contract} sent an unsupported message: {other:?}"),
        }
    }

    fn execute_raw(
        self: &Arc<Self>,
        sender: &str,
        contract: &str,
        msg: &[u8],
        funds: &[Coin],
        out: &mut TxResult,
    ) -> Result<()> {
        self.transfer(sender, contract, funds)?;
        let env = self.env(contract);
        let info = MessageInfo {
            sender: Addr::unchecked(sender),
            funds: funds.to_vec(),
        };
        let mut instance = self.instance(contract, LoadKind::Call)?;
        let res = call_execute::<_, _, _, Empty>(&mut instance, &env, &info, msg);
        self.charge(&mut instance, contract);
        drop(instance);
        match res.map_err(|e| anyhow!("VM error in {contract}: {e}"))? {
            ContractResult::Ok(r) => self.dispatch(contract, r, out),
            ContractResult::Err(e) => Err(anyhow!(ContractError(e))),
        }
    }

    /// Opens a write set on every contract's storage (a transaction, or a sub-message with
    /// a reply inside one); the bank, a few balances, is copied.
    fn snapshot(&self) -> Snapshot {
        let st = lock(&self.state);
        for c in st.contracts.values() {
            c.storage.begin();
        }
        Snapshot {
            bank: st.bank.clone(),
        }
    }

    /// Drops the write sets `snap` opened and puts the balances back.
    fn restore(&self, snap: Snapshot) {
        let mut st = lock(&self.state);
        st.bank = snap.bank;
        for c in st.contracts.values() {
            c.storage.rollback();
        }
    }

    /// Keeps what was written since `snap`: each write set merges into the one below.
    fn commit(&self, _snap: Snapshot) {
        for c in lock(&self.state).contracts.values() {
            c.storage.commit();
        }
    }

    /// The outermost call is over: no instance holds an iterator any more.
    fn end_call(&self) {
        for c in lock(&self.state).contracts.values() {
            c.storage.drop_iterators();
        }
    }
}

/// The state a transaction (or a sub-message with a reply) can be rolled back to.
struct Snapshot {
    bank: BTreeMap<String, BTreeMap<String, u128>>,
}

/// wasmd's charge for the attributes and custom events of one contract response
/// (`WasmGasRegister.EventCosts` with the default `WasmGasRegisterConfig`): 10 per
/// attribute, 1 per byte of key and value beyond a free tier of 100 bytes shared by the
/// response, 20 per custom event plus 1 per byte of its type.
pub fn event_costs(attributes: &[cosmwasm_std::Attribute], events: &[Event]) -> u64 {
    use crate::storage::price::event::*;
    let mut free = ATTRIBUTE_FREE_BYTES;
    let mut charge = |attrs: &[cosmwasm_std::Attribute]| -> u64 {
        if attrs.is_empty() {
            return 0;
        }
        let bytes: u64 = attrs
            .iter()
            .map(|a| (a.key.len() + a.value.len()) as u64)
            .sum();
        let billed = bytes.saturating_sub(free);
        free = free.saturating_sub(bytes);
        billed * PER_ATTRIBUTE_BYTE + attrs.len() as u64 * PER_ATTRIBUTE
    };
    let mut gas = charge(attributes);
    for e in events {
        gas += PER_CUSTOM_EVENT + e.ty.len() as u64 * PER_ATTRIBUTE_BYTE;
        gas += charge(&e.attributes);
    }
    gas
}

/// wasmd's charge for the events a reply hands back (`ReplyCosts` without the instance
/// part): 1 per byte of each event type, and every attribute as in [`event_costs`].
fn reply_event_costs(events: &[Event]) -> u64 {
    use crate::storage::price::event::PER_ATTRIBUTE_BYTE;
    let types: u64 = events.iter().map(|e| e.ty.len() as u64).sum();
    let attrs: Vec<cosmwasm_std::Attribute> =
        events.iter().flat_map(|e| e.attributes.clone()).collect();
    types * PER_ATTRIBUTE_BYTE + event_costs(&attrs, &[])
}

/// A state the chain can return to ([`Chain::checkpoint`]).
pub struct Checkpoint(Snapshot);

/// A contract refused the message (the `ContractError` text).
#[derive(Debug)]
pub struct ContractError(pub String);

impl std::fmt::Display for ContractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for ContractError {}

/// The chain: artifacts, contracts, balances, block and the meter of the last operation.
#[derive(Clone)]
pub struct Chain {
    world: Arc<World>,
}

impl Default for Chain {
    fn default() -> Self {
        Self::new()
    }
}

impl Chain {
    pub fn new() -> Self {
        let meter: SharedMeter = Arc::new(Mutex::new(Meter::default()));
        let state = State {
            block: Some(BlockInfo {
                height: 12_345,
                time: Timestamp::from_seconds(1_700_000_000),
                chain_id: "nous-vm".into(),
            }),
            ..State::default()
        };
        Chain {
            world: Arc::new(World {
                api: MockApi::default(),
                meter,
                state: Mutex::new(state),
            }),
        }
    }

    pub fn api(&self) -> MockApi {
        self.world.api
    }

    /// A bech32 address for `name` (the same as `MockApi::addr_make`).
    pub fn addr(&self, name: &str) -> Addr {
        Addr::unchecked(self.world.api.addr_make(name))
    }

    pub fn height(&self) -> u64 {
        self.block().height
    }

    pub fn block(&self) -> BlockInfo {
        lock(&self.world.state).block.clone().expect("block")
    }

    pub fn advance_blocks(&self, n: u64) {
        let mut st = lock(&self.world.state);
        let b = st.block.as_mut().expect("block");
        b.height += n;
        b.time = b.time.plus_seconds(BLOCK_SECONDS * n);
    }

    /// Moves to `height` (forward only).
    pub fn set_height(&self, height: u64) {
        let now = self.height();
        assert!(
            height >= now,
            "the chain only moves forward ({now} -> {height})"
        );
        self.advance_blocks(height - now);
    }

    pub fn mint(&self, to: &Addr, amount: u128, denom: &str) {
        let mut st = lock(&self.world.state);
        *st.bank
            .entry(to.to_string())
            .or_default()
            .entry(denom.to_string())
            .or_default() += amount;
    }

    pub fn balance(&self, who: &Addr, denom: &str) -> u128 {
        self.world.balance(who.as_str(), denom)
    }

    /// All of `denom` held by anyone (accounts and contracts).
    pub fn supply(&self, denom: &str) -> u128 {
        lock(&self.world.state)
            .bank
            .values()
            .filter_map(|b| b.get(denom))
            .sum()
    }

    /// Stores `artifacts/<contract>.wasm` in the VM cache (static checks included) once.
    pub fn store_artifact(&self, contract: &str) -> Result<Checksum> {
        if let Some(c) = lock(&self.world.state).codes.get(contract) {
            return Ok(*c);
        }
        let wasm = artifact(contract)?;
        let checksum = cache()
            .store_code(&wasm, true, true)
            .map_err(|e| anyhow!("store_code {contract}: {e}"))?;
        lock(&self.world.state)
            .codes
            .insert(contract.to_string(), checksum);
        Ok(checksum)
    }

    /// Stores an artifact *without* the chain's static checks (a chain would refuse one that
    /// fails them): only for measuring an artifact that is not deployable yet.
    pub fn store_artifact_unchecked(&self, contract: &str) -> Result<Checksum> {
        let wasm = artifact(contract)?;
        let checksum = cache()
            .store_code(&wasm, false, true)
            .map_err(|e| anyhow!("store_code {contract}: {e}"))?;
        lock(&self.world.state)
            .codes
            .insert(contract.to_string(), checksum);
        Ok(checksum)
    }

    /// Resets the meter; the next operations are measured from zero.
    pub fn reset_meter(&self) {
        *lock(&self.world.meter) = Meter::default();
    }

    /// What was measured since the last [`Chain::reset_meter`].
    pub fn meter(&self) -> Meter {
        lock(&self.world.meter).clone()
    }

    /// Instantiates the artifact `code` (stored on first use) at a new address.
    pub fn instantiate<M: Serialize>(
        &self,
        code: &str,
        sender: &Addr,
        msg: &M,
        funds: &[Coin],
    ) -> Result<Addr> {
        let checksum = self.store_artifact(code)?;
        let addr = {
            let mut st = lock(&self.world.state);
            st.next_contract += 1;
            let addr = self
                .world
                .api
                .addr_make(&format!("contract{}", st.next_contract));
            st.contracts.insert(
                addr.clone(),
                ContractRecord {
                    checksum,
                    code: code.to_string(),
                    storage: CountingStorage::new(self.world.meter.clone(), code),
                },
            );
            addr
        };
        let snap = self.world.snapshot();
        let run = || -> Result<TxResult> {
            self.world.transfer(sender.as_str(), &addr, funds)?;
            let env = self.world.env(&addr);
            let info = MessageInfo {
                sender: sender.clone(),
                funds: funds.to_vec(),
            };
            let mut instance = self.world.instance(&addr, LoadKind::Call)?;
            let res =
                call_instantiate::<_, _, _, Empty>(&mut instance, &env, &info, &to_json_vec(msg)?);
            self.world.charge(&mut instance, &addr);
            drop(instance);
            let mut out = TxResult::default();
            match res.map_err(|e| anyhow!("VM error in instantiate of {code}: {e}"))? {
                ContractResult::Ok(r) => self.world.dispatch(&addr, r, &mut out)?,
                ContractResult::Err(e) => bail!(ContractError(e)),
            }
            Ok(out)
        };
        let out = match run() {
            Ok(_) => {
                self.world.commit(snap);
                Ok(Addr::unchecked(addr))
            }
            Err(e) => {
                self.world.restore(snap);
                lock(&self.world.state).contracts.remove(&addr);
                Err(e)
            }
        };
        self.world.end_call();
        out
    }

    /// One transaction: `sender` executes `msg` on `contract` with `funds`; atomic.
    pub fn execute<M: Serialize>(
        &self,
        sender: &Addr,
        contract: &Addr,
        msg: &M,
        funds: &[Coin],
    ) -> Result<TxResult> {
        let bytes = to_json_vec(msg)?;
        let snap = self.world.snapshot();
        let mut out = TxResult::default();
        let res = match self.world.execute_raw(
            sender.as_str(),
            contract.as_str(),
            &bytes,
            funds,
            &mut out,
        ) {
            Ok(()) => {
                self.world.commit(snap);
                Ok(out)
            }
            Err(e) => {
                self.world.restore(snap);
                Err(e)
            }
        };
        self.world.end_call();
        res
    }

    /// Migrates `contract` to the artifact `code` (no admin check: a test chain).
    pub fn migrate<M: Serialize>(&self, contract: &Addr, code: &str, msg: &M) -> Result<TxResult> {
        let checksum = self.store_artifact(code)?;
        if let Some(c) = lock(&self.world.state).contracts.get_mut(contract.as_str()) {
            c.checksum = checksum;
            c.code = code.to_string();
        }
        let env = self.world.env(contract.as_str());
        let mut instance = self.world.instance(contract.as_str(), LoadKind::Call)?;
        let res = call_migrate::<_, _, _, Empty>(&mut instance, &env, &to_json_vec(msg)?);
        self.world.charge(&mut instance, contract.as_str());
        drop(instance);
        let mut out = TxResult::default();
        let res = match res.map_err(|e| anyhow!("VM error in migrate: {e}"))? {
            ContractResult::Ok(r) => self.world.dispatch(contract.as_str(), r, &mut out),
            ContractResult::Err(e) => Err(anyhow!(ContractError(e))),
        };
        self.world.end_call();
        res.map(|()| out)
    }

    /// A smart query from outside (a client's query: measured like any other call).
    pub fn query<M: Serialize, T: DeserializeOwned>(&self, contract: &Addr, msg: &M) -> Result<T> {
        Ok(from_json(self.query_bytes(contract, msg)?)?)
    }

    /// A smart query's answer as the contract serialised it (its JSON bytes).
    pub fn query_bytes<M: Serialize>(&self, contract: &Addr, msg: &M) -> Result<Binary> {
        let res = self
            .world
            .query_contract(contract.as_str(), &to_json_vec(msg)?);
        self.world.end_call();
        match res? {
            ContractResult::Ok(bin) => Ok(bin),
            ContractResult::Err(e) => bail!(ContractError(e)),
        }
    }

    /// Opens a write set on every contract's storage: what happens until
    /// [`Chain::rollback`] is undone then (for probes that must leave no trace).
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.world.snapshot())
    }

    /// Undoes everything since `cp` (storage and balances; the block stays where it is).
    pub fn rollback(&self, cp: Checkpoint) {
        self.world.restore(cp.0);
    }

    /// Writes `value` under `key` in `contract`'s storage (not metered; for probes).
    pub fn set_raw(&self, contract: &Addr, key: &[u8], value: &[u8]) {
        if let Some(c) = lock(&self.world.state).contracts.get(contract.as_str()) {
            lock(&c.storage.data).set(key, value);
        }
    }

    /// A smart query's result as the contract returned it to the VM, before the VM's own
    /// size limit applies: the JSON of `ContractResult<Binary>` (the answer in base64).
    pub fn query_result_raw<M: Serialize>(&self, contract: &Addr, msg: &M) -> Result<Vec<u8>> {
        let res = (|| {
            let env = self.world.env(contract.as_str());
            let mut instance = self.world.instance(contract.as_str(), LoadKind::Query)?;
            let env = to_json_vec(&env)?;
            let res = call_query_raw(&mut instance, &env, &to_json_vec(msg)?);
            self.world.charge(&mut instance, contract.as_str());
            res.map_err(|e| anyhow!("VM error in query of {contract}: {e}"))
        })();
        self.world.end_call();
        res
    }

    /// A smart query without the VM's limit on the result's size (what an off-chain client
    /// reading the node's state directly would get): for the bench's own reads.
    pub fn query_unlimited<M: Serialize, T: DeserializeOwned>(
        &self,
        contract: &Addr,
        msg: &M,
    ) -> Result<T> {
        let raw = self.query_result_raw(contract, msg)?;
        match from_json::<ContractResult<Binary>>(&raw)? {
            ContractResult::Ok(bin) => Ok(from_json(&bin)?),
            ContractResult::Err(e) => bail!(ContractError(e)),
        }
    }

    /// The raw value of `contract`'s storage under `key` (not metered).
    pub fn raw(&self, contract: &Addr, key: &[u8]) -> Option<Vec<u8>> {
        let st = lock(&self.world.state);
        st.contracts
            .get(contract.as_str())
            .and_then(|c| c.storage.raw(key))
    }

    /// Every record of `contract`'s storage (not metered).
    pub fn dump(&self, contract: &Addr) -> Vec<cosmwasm_std::Record> {
        let st = lock(&self.world.state);
        st.contracts
            .get(contract.as_str())
            .map(|c| c.storage.dump())
            .unwrap_or_default()
    }

    /// The artifact a contract runs.
    pub fn code_of(&self, contract: &Addr) -> Option<String> {
        lock(&self.world.state)
            .contracts
            .get(contract.as_str())
            .map(|c| c.code.clone())
    }

    /// Contracts loaded by the measured operations, without repetition.
    pub fn touched(&self) -> HashSet<String> {
        self.meter().loaded.into_iter().collect()
    }
}

/// `amount` of `denom` as a coin list (empty for zero).
pub fn funds(amount: u128, denom: &str) -> Vec<Coin> {
    if amount == 0 {
        vec![]
    } else {
        vec![Coin::new(Uint128::new(amount), denom)]
    }
}
