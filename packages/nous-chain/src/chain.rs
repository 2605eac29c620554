//! The [`Chain`] trait: what the deploy plan, the simulator and an operator need from a
//! CosmWasm chain, whether it is cw-multi-test in-process (nous-tests) or a real node
//! (nous-rpc). Addresses are bech32 strings of the chain; a sender must be a key the
//! implementation can sign for.

use cosmwasm_std::{from_json, to_json_binary, Addr, Binary, Coin, Decimal, Event, Timestamp};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::contracts::SuiteContract;

/// The latest block the chain has committed (a real chain) or is at (cw-multi-test).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockInfo {
    pub height: u64,
    pub time: Timestamp,
}

/// One message of a transaction.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// `MsgExecuteContract`: `msg` is the contract's JSON execute message.
    Execute {
        contract: Addr,
        msg: Binary,
        funds: Vec<Coin>,
    },
    /// `MsgSend` of the bank module.
    Send { to: Addr, amount: Vec<Coin> },
}

impl Msg {
    /// An execute message serialised from a typed contract message.
    pub fn execute<M: Serialize>(
        contract: &Addr,
        msg: &M,
        funds: Vec<Coin>,
    ) -> Result<Self, ChainError> {
        Ok(Msg::Execute {
            contract: contract.clone(),
            msg: to_json_binary(msg).map_err(|e| ChainError::Encode(e.to_string()))?,
            funds,
        })
    }
}

/// A transaction: one sender, messages executed in order, all or nothing.
#[derive(Clone, Debug, PartialEq)]
pub struct Tx {
    pub sender: Addr,
    pub msgs: Vec<Msg>,
}

impl Tx {
    pub fn new(sender: &Addr, msgs: Vec<Msg>) -> Self {
        Tx {
            sender: sender.clone(),
            msgs,
        }
    }
}

/// What a transaction did once included in a block. On cw-multi-test there is no gas, fee
/// or hash: those are zero / empty.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TxOutcome {
    /// 0 = success; otherwise the chain's error code (the transaction still paid its fee).
    pub code: u32,
    /// The chain's log: empty on success, the error text (with the contract's error) on
    /// failure.
    pub log: String,
    pub height: u64,
    pub gas_wanted: u64,
    pub gas_used: u64,
    /// The fee the sender paid (charged whether the messages succeeded or not).
    pub fee: Vec<Coin>,
    /// Hex transaction hash (empty on cw-multi-test).
    pub hash: String,
    /// Size of the signed transaction (0 on cw-multi-test): a node charges gas per byte.
    pub tx_bytes: u64,
    pub events: Vec<Event>,
}

impl TxOutcome {
    pub fn is_ok(&self) -> bool {
        self.code == 0
    }

    /// The value of the first attribute `key` of the first event of type `ty`
    /// (`wasm-` prefixed custom events are matched by their full type).
    pub fn attr(&self, ty: &str, key: &str) -> Option<&str> {
        self.events
            .iter()
            .filter(|e| e.ty == ty)
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == key)
            .map(|a| a.value.as_str())
    }

    /// The value of the first attribute `key` in any event.
    pub fn any_attr(&self, key: &str) -> Option<&str> {
        self.events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == key)
            .map(|a| a.value.as_str())
    }

    /// The code id a `MsgStoreCode` transaction assigned.
    pub fn stored_code_id(&self) -> Option<u64> {
        self.attr("store_code", "code_id")?.parse().ok()
    }

    /// The address a `MsgInstantiateContract` transaction created.
    pub fn instantiated_address(&self) -> Option<Addr> {
        self.attr("instantiate", "_contract_address")
            .map(Addr::unchecked)
    }
}

/// How one transaction is sent, beyond its messages (a node; cw-multi-test ignores it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SendOptions {
    /// The last height at which the transaction may be included (0: none). Once the chain
    /// is past it, a transaction that is not found by hash never will be: sending the
    /// action again cannot make it happen twice.
    pub timeout_height: u64,
    /// Gas limit = simulated gas x this, instead of the chain's default adjustment (a
    /// transaction that ran out of gas is sent again with a larger one).
    pub gas_adjustment: Option<Decimal>,
}

/// Told the hash of each signed transaction before it is broadcast (see
/// [`Chain::execute_tracked`]); an error stops the transaction before it is sent.
pub type OnSigned<'a> = &'a mut dyn FnMut(&str) -> Result<(), ChainError>;

/// A stored code: its id on the chain and the sha256 of its wasm (hex).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCode {
    pub code_id: u64,
    pub checksum: String,
}

/// `MsgInstantiateContract`.
#[derive(Clone, Debug, PartialEq)]
pub struct Instantiate {
    pub code_id: u64,
    pub msg: Binary,
    pub funds: Vec<Coin>,
    pub label: String,
    /// The address allowed to migrate the contract (`None`: nobody, ever).
    pub admin: Option<Addr>,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum ChainError {
    /// Included in a block but failed: the fee was paid, nothing else changed. The log
    /// carries the contract's error text.
    #[error("{}", .0.log)]
    TxFailed(Box<TxOutcome>),
    /// Refused before inclusion (signature, sequence, fee, gas estimate): nothing paid.
    #[error("transaction refused by the node (code {code}): {log}")]
    Refused { code: u32, log: String },
    /// Broadcast and accepted, but not seen in a block in time: it may still be included.
    #[error("transaction {hash} not included after {waited_secs} s")]
    NotIncluded { hash: String, waited_secs: u64 },
    #[error("query failed: {0}")]
    Query(String),
    #[error("no signing key for {0}")]
    NoKey(String),
    #[error("cannot encode the message: {0}")]
    Encode(String),
    #[error("unexpected answer from the chain: {0}")]
    Decode(String),
    #[error("connection to the node: {0}")]
    Transport(String),
    #[error("{0}")]
    Other(String),
}

impl ChainError {
    /// The outcome of an included-but-failed transaction.
    pub fn failed_outcome(&self) -> Option<&TxOutcome> {
        match self {
            ChainError::TxFailed(o) => Some(o),
            _ => None,
        }
    }
}

/// A CosmWasm chain the suite runs on.
pub trait Chain {
    /// The chain id (`deployments/<chain-id>.json`).
    fn chain_id(&self) -> Result<String, ChainError>;

    fn block(&self) -> Result<BlockInfo, ChainError>;

    /// Bank balance of `address` in `denom` (base units).
    fn balance(&self, address: &Addr, denom: &str) -> Result<u128, ChainError>;

    /// A smart query; `msg` and the answer are JSON.
    fn query_smart(&self, contract: &Addr, msg: &Binary) -> Result<Binary, ChainError>;

    /// The code id a contract runs (an error if `contract` is not a contract).
    fn contract_code_id(&self, contract: &Addr) -> Result<u64, ChainError>;

    /// The sha256 (hex, lower case) of a stored code's wasm.
    fn code_checksum(&self, code_id: u64) -> Result<String, ChainError>;

    /// Stores one of the suite's contracts (the implementation knows where its code comes
    /// from: a checked artifact for a node, the linked contract for cw-multi-test).
    fn store_code(
        &mut self,
        sender: &Addr,
        contract: SuiteContract,
    ) -> Result<(StoredCode, TxOutcome), ChainError>;

    fn instantiate(
        &mut self,
        sender: &Addr,
        req: &Instantiate,
    ) -> Result<(Addr, TxOutcome), ChainError>;

    /// Signs and runs one transaction and waits until it is in a block.
    fn execute(&mut self, tx: &Tx) -> Result<TxOutcome, ChainError>;

    /// Runs independent transactions (at most one per sender is advisable): a node
    /// broadcasts them all, then waits for all, so they share blocks. One result per
    /// transaction, in order.
    fn execute_all(&mut self, txs: &[Tx]) -> Vec<Result<TxOutcome, ChainError>> {
        txs.iter().map(|tx| self.execute(tx)).collect()
    }

    /// Sends `tx` as it is, with `gas_limit` and without simulating it first, so that a
    /// node includes it (and charges its fee) even if it fails — for showing a refusal on
    /// the chain. cw-multi-test just runs it.
    fn execute_with_gas(&mut self, tx: &Tx, gas_limit: u64) -> Result<TxOutcome, ChainError> {
        let _ = gas_limit;
        self.execute(tx)
    }

    /// Like [`Chain::execute`], with `options`, telling `on_signed` the hash of every
    /// signed version of the transaction before it is broadcast, so that a caller can
    /// record it first and, after a crash or an unknown result, look it up by hash instead
    /// of sending the action again. cw-multi-test has no hashes: it just runs the
    /// transaction.
    fn execute_tracked(
        &mut self,
        tx: &Tx,
        options: &SendOptions,
        on_signed: OnSigned<'_>,
    ) -> Result<TxOutcome, ChainError> {
        let _ = (options, on_signed);
        self.execute(tx)
    }

    /// What `tx` would do now, without sending it: its gas (`gas_used`) and events; a
    /// refusal is `ChainError::Refused` with the contract's error. Only a node simulates.
    fn simulate(&mut self, tx: &Tx) -> Result<TxOutcome, ChainError> {
        let _ = tx;
        Err(ChainError::Other(
            "this chain does not simulate transactions".into(),
        ))
    }

    /// The most gas one block may use (`None`: no limit, or not known).
    fn max_block_gas(&self) -> Result<Option<u64>, ChainError> {
        Ok(None)
    }

    /// Lets `n` blocks pass (cw-multi-test advances its clock; a node is waited for).
    fn wait_blocks(&mut self, n: u64) -> Result<(), ChainError>;

    /// A transaction by hash: `None` if the chain has not included it (cw-multi-test has
    /// no hashes and always answers `None`).
    fn find_tx(&self, hash: &str) -> Result<Option<TxOutcome>, ChainError>;
}

/// Typed helpers over any [`Chain`].
pub trait ChainExt: Chain {
    fn query<T: DeserializeOwned, M: Serialize>(
        &self,
        contract: &Addr,
        msg: &M,
    ) -> Result<T, ChainError> {
        let msg = to_json_binary(msg).map_err(|e| ChainError::Encode(e.to_string()))?;
        let answer = self.query_smart(contract, &msg)?;
        from_json(&answer).map_err(|e| ChainError::Decode(e.to_string()))
    }

    /// One execute message in its own transaction.
    fn execute_msg<M: Serialize>(
        &mut self,
        sender: &Addr,
        contract: &Addr,
        msg: &M,
        funds: Vec<Coin>,
    ) -> Result<TxOutcome, ChainError> {
        let msg = Msg::execute(contract, msg, funds)?;
        self.execute(&Tx::new(sender, vec![msg]))
    }

    /// Waits (or advances) until the chain is at `height` at least.
    fn wait_until(&mut self, height: u64) -> Result<BlockInfo, ChainError> {
        loop {
            let b = self.block()?;
            if b.height >= height {
                return Ok(b);
            }
            self.wait_blocks(height - b.height)?;
        }
    }
}

impl<C: Chain + ?Sized> ChainExt for C {}
