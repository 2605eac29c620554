//! The suite deployed on a chain and the simulated actors' accounts: sending transactions
//! as an actor, recording each one, reading the clock.

use std::collections::BTreeMap;

use anyhow::{anyhow, Result};
use cosmwasm_std::Addr;
use cw20::Denom;
use nous_chain::{pay, Chain, ChainError, ChainExt, Deployment, Msg, SuiteContract, Tx, TxOutcome};

/// One transaction the simulator sent.
#[derive(Clone, Debug)]
pub struct TxStat {
    /// What it did ("worker payload (inference)", "close of a reputer window", ...).
    pub kind: String,
    /// The action was not meant to succeed (a deliberate refusal).
    pub deliberate: bool,
    /// Sent at steady state (after the scenario's warm-up).
    pub steady: bool,
    pub ok: bool,
    pub outcome: TxOutcome,
}

/// A worker's payload: (name, inference, forecast elements (inferer index, value)).
pub type Payload<'a> = (&'static str, Option<f64>, &'a [(u32, f64)]);

/// How a worker's payload goes to synthesis (docs/PROTOCOL.md "Commit–reveal").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// `SubmitWorkerPayload`: in the clear, in the worker window (a topic without
    /// commit–reveal).
    Clear,
    /// `CommitWorkerPayload`: the payload's commitment with this secret salt (and the
    /// sender's address), in the worker window.
    Commit([u8; 32]),
    /// `RevealWorkerPayload`: the payload committed to and its salt, in the reveal window.
    Reveal([u8; 32]),
}

/// The suite deployed on a chain, and the simulated actors' accounts.
pub struct Network<C: Chain> {
    pub chain: C,
    pub deployment: Deployment,
    pub(super) accounts: BTreeMap<&'static str, Addr>,
    pub consumer: Option<Addr>,
    /// The suite token held by the accounts and contracts when the network started.
    pub(super) initial_supply: u128,
    /// Fees the accounts paid in the suite token (a node's gas).
    pub fees_paid: u128,
    pub txs: Vec<TxStat>,
    pub steady: bool,
    /// (gas used, bytes) of a transaction that is all overhead (a node only; see gas/).
    pub probe: Option<(u64, u64)>,
}

impl<C: Chain> Network<C> {
    /// The suite of `deployment` on `chain`, driven by `accounts` (name -> address, keys the
    /// chain can sign for).
    pub fn new(
        chain: C,
        deployment: Deployment,
        accounts: BTreeMap<&'static str, Addr>,
    ) -> Result<Self> {
        let mut n = Network {
            chain,
            deployment,
            accounts,
            consumer: None,
            initial_supply: 0,
            fees_paid: 0,
            txs: vec![],
            steady: false,
            probe: None,
        };
        n.initial_supply = n.holdings()?.iter().map(|(_, v)| v).sum();
        Ok(n)
    }

    pub fn addr(&self, name: &str) -> Result<Addr> {
        self.accounts
            .get(name)
            .cloned()
            .ok_or_else(|| anyhow!("unknown account {name}"))
    }

    pub fn accounts(&self) -> &BTreeMap<&'static str, Addr> {
        &self.accounts
    }

    /// The simulated account with this address, if any.
    pub fn name_of(&self, address: &str) -> Option<&'static str> {
        self.accounts
            .iter()
            .find(|(_, a)| a.as_str() == address)
            .map(|(n, _)| *n)
    }

    pub fn contract(&self, c: SuiteContract) -> Result<Addr> {
        self.deployment
            .address(c)
            .cloned()
            .ok_or_else(|| anyhow!("{c} is not deployed"))
    }

    pub(super) fn denom(&self) -> &Denom {
        &self.deployment.config.denom
    }

    pub(super) fn query<T: serde::de::DeserializeOwned, M: serde::Serialize>(
        &self,
        c: SuiteContract,
        msg: &M,
    ) -> Result<T> {
        Ok(self.chain.query(&self.contract(c)?, msg)?)
    }

    pub(super) fn record(
        &mut self,
        kind: String,
        deliberate: bool,
        r: &Result<TxOutcome, ChainError>,
    ) {
        let (ok, outcome) = match r {
            Ok(o) => (true, o.clone()),
            Err(ChainError::TxFailed(o)) => (false, (**o).clone()),
            // Refused before a block (e.g. a failing simulation): nothing was paid.
            Err(_) => return,
        };
        if let Denom::Native(d) = self.denom() {
            self.fees_paid += outcome
                .fee
                .iter()
                .filter(|c| &c.denom == d)
                .map(|c| c.amount.u128())
                .sum::<u128>();
        }
        self.txs.push(TxStat {
            kind,
            deliberate,
            steady: self.steady,
            ok,
            outcome,
        });
    }

    /// Runs one transaction of `who` and records it.
    pub(super) fn send(
        &mut self,
        kind: impl Into<String>,
        who: &str,
        msgs: Vec<Msg>,
    ) -> Result<TxOutcome> {
        let tx = Tx::new(&self.addr(who)?, msgs);
        let r = self.chain.execute(&tx);
        self.record(kind.into(), false, &r);
        Ok(r?)
    }

    /// Runs one transaction of `who`, recorded under the kind `kind_of` reads from its
    /// outcome (`fallback` when it failed).
    pub(super) fn send_named(
        &mut self,
        who: &str,
        msg: Msg,
        fallback: &str,
        kind_of: impl Fn(&TxOutcome) -> String,
    ) -> Result<TxOutcome> {
        let tx = Tx::new(&self.addr(who)?, vec![msg]);
        let r = self.chain.execute(&tx);
        let kind = r.as_ref().map_or_else(|_| fallback.to_string(), kind_of);
        self.record(kind, false, &r);
        Ok(r?)
    }

    /// Runs independent transactions together (a node puts them in the same blocks): one
    /// result per entry, in order; an entry that could not be built is its own error.
    pub(super) fn send_batch(&mut self, batch: Vec<Result<(String, Tx)>>) -> Vec<Result<()>> {
        let txs: Vec<Tx> = batch
            .iter()
            .filter_map(|b| b.as_ref().ok().map(|(_, t)| t.clone()))
            .collect();
        let mut sent = self.chain.execute_all(&txs).into_iter();
        batch
            .into_iter()
            .map(|b| {
                let (kind, _) = b?;
                let r = sent.next().unwrap_or_else(|| {
                    Err(ChainError::Other("no result for a transaction".into()))
                });
                self.record(kind, false, &r);
                r.map(|_| ()).map_err(anyhow::Error::from)
            })
            .collect()
    }

    /// Sends a transaction meant to fail, without simulation, so that a node includes it
    /// (it pays its fee); returns its outcome either way.
    pub fn send_refusal(
        &mut self,
        kind: &str,
        who: &str,
        msgs: Vec<Msg>,
        gas_limit: u64,
    ) -> Result<Result<TxOutcome, ChainError>> {
        let tx = Tx::new(&self.addr(who)?, msgs);
        let r = self.chain.execute_with_gas(&tx, gas_limit);
        self.record(kind.to_string(), true, &r);
        Ok(r)
    }

    pub(super) fn exec<M: serde::Serialize>(
        &mut self,
        kind: &str,
        who: &str,
        c: SuiteContract,
        msg: &M,
    ) -> Result<TxOutcome> {
        let m = Msg::execute(&self.contract(c)?, msg, vec![])?;
        self.send(kind, who, vec![m])
    }

    /// A message paying `amount` of the suite token with `msg` (native funds) or `receive`
    /// (a cw20 `Send`).
    pub(super) fn pay_msg<E: serde::Serialize, R: serde::Serialize>(
        &self,
        contract: &Addr,
        amount: u128,
        msg: &E,
        receive: &R,
    ) -> Result<Msg> {
        Ok(pay(self.denom(), contract, amount, msg, receive)?)
    }

    // ---- the clock ------------------------------------------------------------------------

    /// The chain's height. In-process a transaction executes at it; on a node, in a later
    /// block, while its gas is simulated at this height — so the driver acts once the
    /// height it acts at is committed, and windows leave a few blocks of room.
    pub fn height(&self) -> Result<u64> {
        Ok(self.chain.block()?.height)
    }

    /// Moves on (cw-multi-test) or waits (a node) until the chain is at `height`.
    pub fn advance_to(&mut self, height: u64) -> Result<()> {
        self.chain.wait_until(height)?;
        Ok(())
    }
}

/// The contract's own error text of a refused transaction, for the report (at most 90
/// characters).
pub fn refusal_reason(e: &anyhow::Error) -> String {
    let s = e.root_cause().to_string();
    let s = match e.root_cause().downcast_ref::<ChainError>() {
        Some(ChainError::Refused { log, .. }) => log.clone(),
        _ => s,
    };
    // A node wraps the contract's error: "... message index: 0: <error>: execute wasm
    // contract failed".
    let s = match s.rfind("message index: ") {
        Some(i) => s[i..]
            .split_once(": ")
            .map(|(_, rest)| rest.trim_end_matches(": execute wasm contract failed"))
            .unwrap_or(&s)
            .to_string(),
        None => s,
    };
    s.chars().take(90).collect()
}
