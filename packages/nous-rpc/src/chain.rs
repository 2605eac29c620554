//! [`RpcChain`]: nous-chain's [`Chain`] on a real node. Every transaction is simulated
//! with its real fee (a zero-fee simulation misses the fee deduction, ~19k gas), given
//! `gas_adjustment` times the simulated gas, signed (SIGN_MODE_DIRECT), broadcast with
//! `broadcast_tx_sync` and waited for until a block includes it. An account-sequence
//! mismatch is repaired by taking the sequence the node expects and signing again.

mod query;
mod send;
mod settings;
mod sign;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use cosmrs::cosmwasm::{MsgInstantiateContract, MsgStoreCode};
use cosmrs::tx::Msg as _;
use cosmwasm_std::{Addr, Binary, Checksum};
use nous_chain::{
    Artifacts, BlockInfo, Chain, ChainError, Instantiate, OnSigned, SendOptions, StoredCode,
    SuiteContract, Tx, TxOutcome,
};

use crate::keys::Key;
use crate::node::Node;
use send::{Sending, WRONG_SEQUENCE};
pub use settings::{gas_limit, GasPrice, TxSettings, GAS_HEADROOM};
use sign::{expected_sequence, simulated};

/// Pause after a new height is seen before acting on it (see `wait_blocks`).
const COMMIT_SETTLE: Duration = Duration::from_millis(100);

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

impl Chain for RpcChain {
    fn chain_id(&self) -> Result<String, ChainError> {
        Ok(self.chain_id.clone())
    }

    fn block(&self) -> Result<BlockInfo, ChainError> {
        Ok(self.node.status()?.1)
    }

    fn balance(&self, address: &Addr, denom: &str) -> Result<u128, ChainError> {
        self.query_balance(address, denom)
    }

    fn query_smart(&self, contract: &Addr, msg: &Binary) -> Result<Binary, ChainError> {
        self.query_contract_state(contract, msg)
    }

    fn contract_code_id(&self, contract: &Addr) -> Result<u64, ChainError> {
        self.query_contract_code_id(contract)
    }

    fn code_checksum(&self, code_id: u64) -> Result<String, ChainError> {
        self.query_code_checksum(code_id)
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
