//! [`RpcChain`]: nous-chain's [`Chain`] on a real node. Every transaction is simulated
//! with its real fee (a zero-fee simulation misses the fee deduction, ~19k gas), given
//! `gas_adjustment` times the simulated gas, signed (SIGN_MODE_DIRECT), broadcast with
//! `broadcast_tx_sync` and waited for until a block includes it. An account-sequence
//! mismatch is repaired by taking the sequence the node expects and signing again.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::{Duration, Instant};

use cosmrs::cosmwasm::{MsgExecuteContract, MsgInstantiateContract, MsgStoreCode};
use cosmrs::proto::cosmos::auth::v1beta1::{
    BaseAccount, QueryAccountRequest, QueryAccountResponse,
};
use cosmrs::proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use cosmrs::proto::cosmwasm::wasm::v1::{
    QueryCodeRequest, QueryCodeResponse, QueryContractInfoRequest, QueryContractInfoResponse,
    QuerySmartContractStateRequest, QuerySmartContractStateResponse,
};
use cosmrs::proto::prost::Message;
use cosmrs::tx::{self, Fee, Msg as _, SignDoc, SignerInfo};
use cosmrs::{AccountId, Any};
use cosmwasm_std::{Addr, Attribute, Binary, Checksum, Coin, Decimal, Event, Uint128};
use nous_chain::{
    Artifacts, BlockInfo, Chain, ChainError, Instantiate, Msg, OnSigned, SendOptions, StoredCode,
    SuiteContract, Tx, TxOutcome,
};

use crate::keys::Key;
use crate::node::Node;

/// Pause after a new height is seen before acting on it (see `wait_blocks`).
const COMMIT_SETTLE: Duration = Duration::from_millis(100);

/// ABCI code of the SDK's "account sequence mismatch".
const WRONG_SEQUENCE: u32 = 32;

/// A gas price such as `0.025unous`.
#[derive(Clone, Debug, PartialEq)]
pub struct GasPrice {
    pub amount: Decimal,
    pub denom: String,
}

impl FromStr for GasPrice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("gas price {s:?} has no denom (e.g. 0.025unous)"))?;
        let (num, denom) = s.split_at(split);
        let amount = Decimal::from_str(num)
            .map_err(|e| format!("gas price {s:?}: {num:?} is not a decimal: {e}"))?;
        if denom.is_empty() {
            return Err(format!("gas price {s:?} has no denom"));
        }
        Ok(GasPrice {
            amount,
            denom: denom.to_string(),
        })
    }
}

impl GasPrice {
    /// The fee for `gas`, rounded up.
    pub fn fee(&self, gas: u64) -> u128 {
        Uint128::from(gas).mul_ceil(self.amount).u128()
    }
}

/// How transactions are paid and waited for.
#[derive(Clone, Debug)]
pub struct TxSettings {
    pub gas_price: GasPrice,
    /// Gas limit = simulated gas x `gas_adjustment` + `gas_headroom`: state can change
    /// between simulation and block. A worker payload simulated in the last block of one
    /// nonce and included as the first of the next pays for the new nonce's records, about
    /// 45,000 gas more than simulated (seen on a loaded 2-core machine: 4 of 400 payloads
    /// out of gas with x1.3 alone).
    pub gas_adjustment: Decimal,
    pub gas_headroom: u64,
    /// How long to wait for a broadcast transaction to be in a block.
    pub inclusion_timeout: Duration,
    pub poll_interval: Duration,
}

impl TxSettings {
    pub fn new(gas_price: GasPrice) -> Self {
        TxSettings {
            gas_price,
            gas_adjustment: Decimal::percent(130),
            gas_headroom: 60_000,
            inclusion_timeout: Duration::from_secs(60),
            poll_interval: Duration::from_millis(150),
        }
    }
}

/// A transaction accepted into the mempool, not yet seen in a block.
struct Broadcast {
    hash: String,
    fee: Vec<Coin>,
}

/// How `broadcast` sends one transaction.
struct Sending<'a> {
    /// A fixed gas limit, or `None`: simulate and multiply by `adjustment`.
    gas: Option<u64>,
    adjustment: Decimal,
    /// Last height of inclusion (0: none).
    timeout_height: u64,
    /// Told each signed version's hash before it is broadcast.
    on_signed: Option<OnSigned<'a>>,
}

pub struct RpcChain {
    node: Node,
    chain_id: String,
    prefix: String,
    keys: BTreeMap<Addr, Key>,
    /// (account number, next sequence) of each key, read once, then kept locally.
    accounts: BTreeMap<Addr, (u64, u64)>,
    settings: TxSettings,
    artifacts: Option<Artifacts>,
}

impl RpcChain {
    /// Connects to the CometBFT RPC at `url` (e.g. `http://127.0.0.1:26657`).
    pub fn connect(url: &str, prefix: &str, settings: TxSettings) -> Result<Self, ChainError> {
        let node = Node::connect(url)?;
        let (chain_id, _) = node.status()?;
        Ok(RpcChain {
            node,
            chain_id,
            prefix: prefix.to_string(),
            keys: BTreeMap::new(),
            accounts: BTreeMap::new(),
            settings,
            artifacts: None,
        })
    }

    /// Where `store_code` takes the suite's wasm from (checked against its checksums).
    pub fn with_artifacts(mut self, artifacts: Artifacts) -> Self {
        self.artifacts = Some(artifacts);
        self
    }

    /// Adds a signing key; returns its address.
    pub fn add_key(&mut self, key: Key) -> Addr {
        let a = key.address.clone();
        self.keys.insert(a.clone(), key);
        a
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn settings(&self) -> &TxSettings {
        &self.settings
    }

    pub fn url(&self) -> &str {
        &self.node.url
    }

    fn account_id(&self, a: &Addr) -> Result<AccountId, ChainError> {
        AccountId::from_str(a.as_str()).map_err(|e| ChainError::Encode(format!("address {a}: {e}")))
    }

    fn coins(&self, funds: &[Coin]) -> Result<Vec<cosmrs::Coin>, ChainError> {
        funds
            .iter()
            .map(|c| {
                Ok(cosmrs::Coin {
                    denom: c
                        .denom
                        .parse()
                        .map_err(|e| ChainError::Encode(format!("denom {}: {e}", c.denom)))?,
                    amount: c.amount.u128(),
                })
            })
            .collect()
    }

    fn to_any(&self, sender: &Addr, m: &Msg) -> Result<Any, ChainError> {
        let sender_id = self.account_id(sender)?;
        let any = match m {
            Msg::Execute {
                contract,
                msg,
                funds,
            } => MsgExecuteContract {
                sender: sender_id,
                contract: self.account_id(contract)?,
                msg: msg.to_vec(),
                funds: self.coins(funds)?,
            }
            .to_any(),
            Msg::Send { to, amount } => cosmrs::bank::MsgSend {
                from_address: sender_id,
                to_address: self.account_id(to)?,
                amount: self.coins(amount)?,
            }
            .to_any(),
        };
        any.map_err(|e| ChainError::Encode(e.to_string()))
    }

    fn tx_msgs(&self, tx: &Tx) -> Result<Vec<Any>, ChainError> {
        tx.msgs.iter().map(|m| self.to_any(&tx.sender, m)).collect()
    }

    /// (account number, next sequence) of `a`, from the node the first time.
    fn account(&mut self, a: &Addr) -> Result<(u64, u64), ChainError> {
        if let Some(acc) = self.accounts.get(a) {
            return Ok(*acc);
        }
        let acc = self.read_account(a)?;
        self.accounts.insert(a.clone(), acc);
        Ok(acc)
    }

    fn read_account(&self, a: &Addr) -> Result<(u64, u64), ChainError> {
        let r: QueryAccountResponse = self
            .node
            .abci(
                "/cosmos.auth.v1beta1.Query/Account",
                &QueryAccountRequest {
                    address: a.to_string(),
                },
            )?
            .map_err(|f| ChainError::Query(format!("account {a}: {}", f.log)))?;
        let any = r
            .account
            .ok_or_else(|| ChainError::Query(format!("account {a} does not exist")))?;
        let base = BaseAccount::decode(any.value.as_slice())
            .map_err(|e| ChainError::Decode(format!("account {a} ({}): {e}", any.type_url)))?;
        Ok((base.account_number, base.sequence))
    }

    fn sign(
        &self,
        sender: &Addr,
        msgs: &[Any],
        (number, sequence): (u64, u64),
        gas: u64,
        timeout_height: u64,
    ) -> Result<(Vec<u8>, Vec<Coin>), ChainError> {
        let key = self
            .keys
            .get(sender)
            .ok_or_else(|| ChainError::NoKey(sender.to_string()))?;
        let price = &self.settings.gas_price;
        let amount = price.fee(gas);
        let fee_coin = cosmrs::Coin {
            denom: price
                .denom
                .parse()
                .map_err(|e| ChainError::Encode(format!("fee denom: {e}")))?,
            amount,
        };
        let timeout = u32::try_from(timeout_height)
            .map_err(|_| ChainError::Encode(format!("timeout height {timeout_height}")))?;
        let body = tx::Body::new(msgs.to_vec(), "", timeout);
        let auth = SignerInfo::single_direct(Some(key.public), sequence)
            .auth_info(Fee::from_amount_and_gas(fee_coin, gas));
        let chain_id = self
            .chain_id
            .parse()
            .map_err(|e| ChainError::Encode(format!("chain id: {e}")))?;
        let doc = SignDoc::new(&body, &auth, &chain_id, number)
            .map_err(|e| ChainError::Encode(e.to_string()))?;
        let raw = doc
            .sign(key.signing())
            .map_err(|e| ChainError::Encode(e.to_string()))?;
        let bytes = raw
            .to_bytes()
            .map_err(|e| ChainError::Encode(e.to_string()))?;
        let fee = if amount == 0 {
            vec![]
        } else {
            vec![Coin::new(amount, &price.denom)]
        };
        Ok((bytes, fee))
    }

    /// `msgs` signed with the fee they will really carry, simulated.
    fn simulate_signed(
        &self,
        sender: &Addr,
        msgs: &[Any],
        account: (u64, u64),
        timeout_height: u64,
    ) -> Result<Result<SimulateResponse, (u32, String)>, ChainError> {
        // A provisional limit only sizes the fee; the fee's bytes barely change the gas.
        let (bytes, _) = self.sign(sender, msgs, account, 500_000, timeout_height)?;
        #[allow(deprecated)]
        let req = SimulateRequest {
            tx: None,
            tx_bytes: bytes,
        };
        let r: Result<SimulateResponse, _> = self
            .node
            .abci("/cosmos.tx.v1beta1.Service/Simulate", &req)?;
        Ok(r.map_err(|f| (f.code, f.log)))
    }

    /// The plain way to send: simulate, the default adjustment, no timeout, no tracking.
    fn plain(&self, gas: Option<u64>) -> Sending<'static> {
        Sending {
            gas,
            adjustment: self.settings.gas_adjustment,
            timeout_height: 0,
            on_signed: None,
        }
    }

    /// Simulates (unless `gas` is given), signs and broadcasts; repairs a stale sequence.
    fn broadcast(
        &mut self,
        sender: &Addr,
        msgs: &[Any],
        mut how: Sending<'_>,
    ) -> Result<Broadcast, ChainError> {
        let mut account = self.account(sender)?;
        for _ in 0..4 {
            let limit = match how.gas {
                Some(g) => g,
                None => match self.simulate_signed(sender, msgs, account, how.timeout_height)? {
                    Ok(r) => {
                        let used = r.gas_info.map(|g| g.gas_used).unwrap_or(0);
                        Uint128::from(used)
                            .mul_ceil(how.adjustment)
                            .u128()
                            .saturating_add(self.settings.gas_headroom.into())
                            as u64
                    }
                    Err((_, log)) if expected_sequence(&log).is_some() => {
                        account.1 = expected_sequence(&log).unwrap_or(account.1);
                        continue;
                    }
                    Err((code, log)) => return Err(ChainError::Refused { code, log }),
                },
            };
            let (bytes, fee) = self.sign(sender, msgs, account, limit, how.timeout_height)?;
            let hash = Checksum::generate(&bytes).to_hex().to_uppercase();
            if let Some(tell) = how.on_signed.as_mut() {
                tell(&hash)?;
            }
            let r = self.node.broadcast_sync(bytes)?;
            let code = r.code.value();
            if code == 0 {
                self.accounts
                    .insert(sender.clone(), (account.0, account.1 + 1));
                return Ok(Broadcast { hash, fee });
            }
            if code == WRONG_SEQUENCE {
                account.1 = match expected_sequence(&r.log) {
                    Some(s) => s,
                    None => self.read_account(sender)?.1,
                };
                continue;
            }
            return Err(ChainError::Refused { code, log: r.log });
        }
        Err(ChainError::Refused {
            code: WRONG_SEQUENCE,
            log: format!("account sequence of {sender} kept changing"),
        })
    }

    fn outcome(&self, r: &cosmrs::rpc::endpoint::tx::Response, fee: Vec<Coin>) -> TxOutcome {
        let res = &r.tx_result;
        TxOutcome {
            tx_bytes: r.tx.len() as u64,
            code: res.code.value(),
            log: res.log.clone(),
            height: r.height.value(),
            gas_wanted: u64::try_from(res.gas_wanted).unwrap_or(0),
            gas_used: u64::try_from(res.gas_used).unwrap_or(0),
            fee,
            hash: r.hash.to_string(),
            events: res
                .events
                .iter()
                .map(|e| {
                    let mut ev = Event::new(e.kind.clone());
                    // A struct literal: the chain's own keys start with '_', which
                    // `Attribute::new` reserves for contracts.
                    ev.attributes = e
                        .attributes
                        .iter()
                        .map(|a| Attribute {
                            key: a.key_str().unwrap_or_default().to_string(),
                            value: a.value_str().unwrap_or_default().to_string(),
                        })
                        .collect();
                    ev
                })
                .collect(),
        }
    }

    /// Waits until every broadcast transaction is in a block.
    fn wait_all(
        &self,
        pending: Vec<Result<Broadcast, ChainError>>,
    ) -> Vec<Result<TxOutcome, ChainError>> {
        let started = Instant::now();
        let mut results: Vec<Option<Result<TxOutcome, ChainError>>> =
            pending.iter().map(|_| None).collect();
        for (i, p) in pending.iter().enumerate() {
            if let Err(e) = p {
                results[i] = Some(Err(e.clone()));
            }
        }
        while results.iter().any(Option::is_none) {
            for (i, p) in pending.iter().enumerate() {
                let (Ok(b), None) = (p, &results[i]) else {
                    continue;
                };
                match self.node.tx(&b.hash) {
                    Ok(Some(r)) => {
                        let o = self.outcome(&r, b.fee.clone());
                        results[i] = Some(if o.is_ok() {
                            Ok(o)
                        } else {
                            Err(ChainError::TxFailed(Box::new(o)))
                        });
                    }
                    Ok(None) => {}
                    Err(e) => results[i] = Some(Err(e)),
                }
            }
            if results.iter().all(Option::is_some) {
                break;
            }
            if started.elapsed() > self.settings.inclusion_timeout {
                for (i, p) in pending.iter().enumerate() {
                    if let (Ok(b), None) = (p, &results[i]) {
                        results[i] = Some(Err(ChainError::NotIncluded {
                            hash: b.hash.clone(),
                            waited_secs: started.elapsed().as_secs(),
                        }));
                    }
                }
                break;
            }
            self.node.sleep(self.settings.poll_interval);
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(ChainError::Other("no result".into()))))
            .collect()
    }

    fn run(
        &mut self,
        sender: &Addr,
        msgs: Vec<Any>,
        how: Sending<'_>,
    ) -> Result<TxOutcome, ChainError> {
        let b = self.broadcast(sender, &msgs, how);
        self.wait_all(vec![b])
            .pop()
            .unwrap_or_else(|| Err(ChainError::Other("no result".into())))
    }
}

/// wasmd stores gzipped code unpacked (the checksum is the unpacked wasm's); a 640 kB
/// artifact fits a node's default 1 MB RPC body only this way once hex-encoded for
/// simulation.
fn gzip(wasm: &[u8]) -> Result<Vec<u8>, ChainError> {
    use std::io::Write;
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(wasm)
        .and_then(|_| z.finish())
        .map_err(|e| ChainError::Encode(format!("gzip: {e}")))
}

/// A simulation's gas and events as an outcome (no hash, height or fee).
fn simulated(r: &SimulateResponse) -> TxOutcome {
    let (log, events) = match &r.result {
        Some(res) => (
            res.log.clone(),
            res.events
                .iter()
                .map(|e| {
                    let mut ev = Event::new(e.r#type.clone());
                    ev.attributes = e
                        .attributes
                        .iter()
                        .map(|a| Attribute {
                            key: a.key.clone(),
                            value: a.value.clone(),
                        })
                        .collect();
                    ev
                })
                .collect(),
        ),
        None => (String::new(), vec![]),
    };
    TxOutcome {
        gas_wanted: r.gas_info.as_ref().map_or(0, |g| g.gas_wanted),
        gas_used: r.gas_info.as_ref().map_or(0, |g| g.gas_used),
        log,
        events,
        ..TxOutcome::default()
    }
}

/// The sequence in "account sequence mismatch, expected 7, got 6".
fn expected_sequence(log: &str) -> Option<u64> {
    let rest = &log[log.find("account sequence mismatch, expected ")? + 36..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

impl Chain for RpcChain {
    fn chain_id(&self) -> Result<String, ChainError> {
        Ok(self.chain_id.clone())
    }

    fn block(&self) -> Result<BlockInfo, ChainError> {
        Ok(self.node.status()?.1)
    }

    fn balance(&self, address: &Addr, denom: &str) -> Result<u128, ChainError> {
        let r: QueryBalanceResponse = self
            .node
            .abci(
                "/cosmos.bank.v1beta1.Query/Balance",
                &QueryBalanceRequest {
                    address: address.to_string(),
                    denom: denom.to_string(),
                },
            )?
            .map_err(|f| ChainError::Query(f.log))?;
        match r.balance {
            None => Ok(0),
            Some(c) => c
                .amount
                .parse()
                .map_err(|e| ChainError::Decode(format!("balance {}: {e}", c.amount))),
        }
    }

    fn query_smart(&self, contract: &Addr, msg: &Binary) -> Result<Binary, ChainError> {
        let r: QuerySmartContractStateResponse = self
            .node
            .abci(
                "/cosmwasm.wasm.v1.Query/SmartContractState",
                &QuerySmartContractStateRequest {
                    address: contract.to_string(),
                    query_data: msg.to_vec(),
                },
            )?
            .map_err(|f| ChainError::Query(f.log))?;
        Ok(Binary::new(r.data))
    }

    fn contract_code_id(&self, contract: &Addr) -> Result<u64, ChainError> {
        let r: QueryContractInfoResponse = self
            .node
            .abci(
                "/cosmwasm.wasm.v1.Query/ContractInfo",
                &QueryContractInfoRequest {
                    address: contract.to_string(),
                },
            )?
            .map_err(|f| ChainError::Query(f.log))?;
        r.contract_info
            .map(|i| i.code_id)
            .ok_or_else(|| ChainError::Query(format!("{contract} is not a contract")))
    }

    fn code_checksum(&self, code_id: u64) -> Result<String, ChainError> {
        let r: QueryCodeResponse = self
            .node
            .abci(
                "/cosmwasm.wasm.v1.Query/Code",
                &QueryCodeRequest { code_id },
            )?
            .map_err(|f| ChainError::Query(format!("code {code_id}: {}", f.log)))?;
        let info = r
            .code_info
            .ok_or_else(|| ChainError::Query(format!("code {code_id} does not exist")))?;
        Ok(info.data_hash.iter().map(|b| format!("{b:02x}")).collect())
    }

    fn store_code(
        &mut self,
        sender: &Addr,
        contract: SuiteContract,
    ) -> Result<(StoredCode, TxOutcome), ChainError> {
        let artifacts = self
            .artifacts
            .as_ref()
            .ok_or_else(|| ChainError::Other("no artifacts folder to store code from".into()))?;
        let wasm = artifacts
            .wasm(contract)
            .map_err(|e| ChainError::Other(e.to_string()))?;
        let expected = Checksum::generate(&wasm).to_hex();
        let msg = MsgStoreCode {
            sender: self.account_id(sender)?,
            wasm_byte_code: gzip(&wasm)?,
            instantiate_permission: None,
        }
        .to_any()
        .map_err(|e| ChainError::Encode(e.to_string()))?;
        let out = self.run(sender, vec![msg], self.plain(None))?;
        let code_id = out
            .stored_code_id()
            .ok_or_else(|| ChainError::Decode("no code_id in the store_code event".into()))?;
        let checksum = out
            .attr("store_code", "code_checksum")
            .unwrap_or_default()
            .to_lowercase();
        if checksum != expected {
            return Err(ChainError::Other(format!(
                "the chain stored {contract} with checksum {checksum:?}, the artifact's is {expected}"
            )));
        }
        Ok((StoredCode { code_id, checksum }, out))
    }

    fn instantiate(
        &mut self,
        sender: &Addr,
        req: &Instantiate,
    ) -> Result<(Addr, TxOutcome), ChainError> {
        let msg = MsgInstantiateContract {
            sender: self.account_id(sender)?,
            admin: req.admin.as_ref().map(|a| self.account_id(a)).transpose()?,
            code_id: req.code_id,
            label: Some(req.label.clone()),
            msg: req.msg.to_vec(),
            funds: self.coins(&req.funds)?,
        }
        .to_any()
        .map_err(|e| ChainError::Encode(e.to_string()))?;
        let out = self.run(sender, vec![msg], self.plain(None))?;
        let address = out.instantiated_address().ok_or_else(|| {
            ChainError::Decode("no _contract_address in the instantiate event".into())
        })?;
        Ok((address, out))
    }

    fn execute(&mut self, tx: &Tx) -> Result<TxOutcome, ChainError> {
        let msgs = self.tx_msgs(tx)?;
        self.run(&tx.sender, msgs, self.plain(None))
    }

    fn execute_tracked(
        &mut self,
        tx: &Tx,
        options: &SendOptions,
        on_signed: OnSigned<'_>,
    ) -> Result<TxOutcome, ChainError> {
        let msgs = self.tx_msgs(tx)?;
        let how = Sending {
            gas: None,
            adjustment: options
                .gas_adjustment
                .unwrap_or(self.settings.gas_adjustment),
            timeout_height: options.timeout_height,
            on_signed: Some(on_signed),
        };
        self.run(&tx.sender, msgs, how)
    }

    fn simulate(&mut self, tx: &Tx) -> Result<TxOutcome, ChainError> {
        let msgs = self.tx_msgs(tx)?;
        let mut account = self.account(&tx.sender)?;
        for _ in 0..4 {
            match self.simulate_signed(&tx.sender, &msgs, account, 0)? {
                Ok(r) => return Ok(simulated(&r)),
                Err((_, log)) if expected_sequence(&log).is_some() => {
                    account.1 = expected_sequence(&log).unwrap_or(account.1);
                    self.accounts.insert(tx.sender.clone(), account);
                }
                Err((code, log)) => return Err(ChainError::Refused { code, log }),
            }
        }
        Err(ChainError::Refused {
            code: WRONG_SEQUENCE,
            log: format!("account sequence of {} kept changing", tx.sender),
        })
    }

    fn max_block_gas(&self) -> Result<Option<u64>, ChainError> {
        // CometBFT: -1 (or 0) is "no limit".
        Ok(u64::try_from(self.node.max_block_gas()?)
            .ok()
            .filter(|g| *g > 0))
    }

    fn execute_all(&mut self, txs: &[Tx]) -> Vec<Result<TxOutcome, ChainError>> {
        let pending = txs
            .iter()
            .map(|tx| {
                let msgs = self.tx_msgs(tx)?;
                self.broadcast(&tx.sender, &msgs, self.plain(None))
            })
            .collect();
        self.wait_all(pending)
    }

    fn execute_with_gas(&mut self, tx: &Tx, gas_limit: u64) -> Result<TxOutcome, ChainError> {
        let msgs = self.tx_msgs(tx)?;
        self.run(&tx.sender, msgs, self.plain(Some(gas_limit)))
    }

    fn wait_blocks(&mut self, n: u64) -> Result<(), ChainError> {
        let start = self.node.status()?.1.height;
        let deadline = Instant::now() + self.settings.inclusion_timeout;
        loop {
            let h = self.node.status()?.1.height;
            if h >= start + n {
                // The application reports a new height a moment before it resets the
                // state simulations run in; without this pause a simulation right after a
                // new block can still see the block before (and under-price a close).
                self.node.sleep(COMMIT_SETTLE);
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(ChainError::Transport(format!(
                    "the chain is stuck at height {h} (waited for {})",
                    start + n
                )));
            }
            self.node.sleep(Duration::from_millis(50));
        }
    }

    fn find_tx(&self, hash: &str) -> Result<Option<TxOutcome>, ChainError> {
        Ok(self.node.tx(hash)?.map(|r| self.outcome(&r, vec![])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_prices_parse_and_fees_round_up() {
        let p: GasPrice = "0.025unous".parse().unwrap();
        assert_eq!(p.denom, "unous");
        assert_eq!(p.fee(100_000), 2_500);
        assert_eq!(p.fee(100_001), 2_501);
        assert_eq!("1stake".parse::<GasPrice>().unwrap().fee(7), 7);
        assert!("0.025".parse::<GasPrice>().is_err());
        assert!("unous".parse::<GasPrice>().is_err());
        assert!("0.0.1unous".parse::<GasPrice>().is_err());
    }

    #[test]
    fn reads_the_expected_sequence() {
        assert_eq!(
            expected_sequence(
                "account sequence mismatch, expected 7, got 6: incorrect account sequence"
            ),
            Some(7)
        );
        assert_eq!(expected_sequence("out of gas"), None);
    }
}
