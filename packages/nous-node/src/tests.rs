//! The node's roles against a fake [`Chain`]: a scripted chain that answers the suite's
//! queries from a small model of one topic (its clock, our registrations, the payloads,
//! commitments and bundles on chain) and whose transactions can be made to hit every failure the node
//! handles — sequence mismatch, out of gas, a result never seen, a connection lost after
//! the signature, refusals — and a node killed and restarted in between.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;
use std::rc::Rc;
use std::str::FromStr;
use std::time::Duration;

use cosmwasm_std::{
    from_json, to_json_binary, Addr, Binary, Coin, Decimal, Event, HexBinary, SignedDecimal,
    Timestamp, Uint128,
};
use cw20::Denom;
use nous_chain::{
    BlockInfo, Chain, ChainError, Instantiate, Msg, OnSigned, SendOptions, StoredCode,
    SuiteContract, Tx, TxOutcome,
};
use nous_math::LossMethod;
use nous_types::clock::{EpochClock, HeightWindow};
use nous_types::synthesis::{
    payload_commitment, ForecastElement, InferencePath, LossBundle, NetworkInference, OpenWindow,
    OpenWindowsResponse, WorkerValue,
};
use nous_types::topic_registry::{Registration, Role, Topic};
use serde_json::{json, Value};

use crate::config::{Config, KeeperConfig};
use crate::ctx::Ctx;
use crate::keeper::Keeper;
use crate::log::{Captured, Level, Logger};
use crate::metrics::Metrics;
use crate::node::{Node, Role as NodeRole};
use crate::reveal::SaltKey;
use crate::source::Sources;
use crate::state::{NonceState, StateFile};
use crate::submit::Policy;
use crate::suite::Suite;

const TOPIC: u64 = 1;
const ME: &str = "wasm1operator";

fn addr(s: &str) -> Addr {
    Addr::unchecked(s)
}

fn suite() -> Suite {
    Suite {
        registry: addr("wasm1registry"),
        staking: addr("wasm1staking"),
        synthesis: addr("wasm1synthesis"),
        rewards: addr("wasm1rewards"),
        fee_vault: addr("wasm1vault"),
        denom: Denom::Native("unous".into()),
    }
}

/// What the next transaction does.
#[derive(Clone, Debug)]
enum Step {
    /// Signed, broadcast, included: the fake contracts run it.
    Include,
    /// Included, ran out of gas (fee paid, nothing done).
    OutOfGas,
    /// Refused before signing (the simulation, or nous-rpc giving up on the sequence).
    Refuse(u32, &'static str),
    /// Signed and broadcast; never seen in a block in time (it stays in the mempool).
    NotIncluded,
    /// Signed; the connection broke while broadcasting (it did reach the mempool).
    LostAfterSigning,
    /// The connection broke before anything was signed.
    LostBeforeSigning,
}

/// The chain the fake models: one topic, our key, what is on chain.
struct World {
    height: u64,
    clock: EpochClock,
    loss_method: String,
    registered: BTreeMap<&'static str, u32>,
    balance: u128,
    registration_fee: u128,
    self_stake: u128,
    min_stake: u128,
    payloads: BTreeSet<u64>,
    /// Commit–reveal topics: our commitments not revealed yet, by nonce.
    commitments: BTreeMap<u64, HexBinary>,
    /// Commit–reveal topics: what our reveals showed, by nonce (inference, forecast, salt).
    revealed: BTreeMap<u64, Revealed>,
    bundles: BTreeMap<u64, LossBundle>,
    inferences: BTreeMap<u64, NetworkInference>,
    /// Windows due for CloseWindows (the keeper's work) and their gas each.
    due_closes: u32,
    gas_per_close: u64,
    script: VecDeque<Step>,
    /// Every execute_tracked call: the transaction and its options.
    sends: Vec<(Tx, SendOptions)>,
    /// Hashes handed to on_signed, in order.
    signed: Vec<String>,
    /// Synthesis has seen no payload of the topic yet (its topic queries refuse).
    topic_unseen: bool,
    /// The topic's payload fee (base units of unous), as the registry's topic says.
    payload_fee: u128,
    /// Included transactions by hash.
    included: BTreeMap<String, TxOutcome>,
    /// Broadcast, not included yet: (hash, tx, timeout height).
    mempool: Vec<(String, Tx, u64)>,
    /// The simulations asked.
    simulations: Vec<Tx>,
    next_hash: u32,
}

/// What a reveal showed.
#[derive(Clone, Debug)]
struct Revealed {
    inference: Option<SignedDecimal>,
    forecast: Option<Vec<ForecastElement>>,
    salt: HexBinary,
}

#[derive(Clone)]
struct FakeChain(Rc<RefCell<World>>);

impl FakeChain {
    fn new() -> FakeChain {
        FakeChain(Rc::new(RefCell::new(World {
            height: 100,
            // epoch 12 blocks from 100, worker window 8 blocks, reputer window one lag later
            clock: EpochClock {
                start_height: 100,
                epoch_length: 12,
                worker_window: 8,
                ground_truth_lag: 12,
                reveal_window: 0,
            },
            loss_method: "mse".into(),
            registered: BTreeMap::from([("worker", 3), ("reputer", 1)]),
            balance: 1_000_000_000,
            registration_fee: 1_000,
            self_stake: 100,
            min_stake: 100,
            payloads: BTreeSet::new(),
            commitments: BTreeMap::new(),
            revealed: BTreeMap::new(),
            bundles: BTreeMap::new(),
            inferences: BTreeMap::new(),
            due_closes: 0,
            gas_per_close: 400_000,
            script: VecDeque::new(),
            sends: vec![],
            signed: vec![],
            topic_unseen: false,
            payload_fee: 0,
            included: BTreeMap::new(),
            mempool: vec![],
            simulations: vec![],
            next_hash: 0,
        })))
    }

    fn w(&self) -> std::cell::RefMut<'_, World> {
        self.0.borrow_mut()
    }

    fn script(&self, steps: &[Step]) {
        self.w().script.extend(steps.iter().cloned());
    }

    fn set_height(&self, h: u64) {
        self.w().height = h;
    }

    /// Makes the topic a commit–reveal topic with a reveal window of `blocks`.
    fn commit_reveal(&self, blocks: u64) {
        self.w().clock.reveal_window = blocks;
    }

    /// The mempool's transactions are included now (in order).
    fn include_mempool(&self) {
        let pending = std::mem::take(&mut self.w().mempool);
        for (hash, tx, _) in pending {
            let out = self.apply(&tx, &hash);
            self.w().included.insert(hash, out);
        }
    }

    /// Runs a transaction on the fake contracts.
    fn apply(&self, tx: &Tx, hash: &str) -> TxOutcome {
        let mut w = self.w();
        let height = w.height + 1;
        let mut log = String::new();
        for m in &tx.msgs {
            let Msg::Execute { msg, funds, .. } = m else {
                continue;
            };
            let v: Value = from_json(msg).unwrap();
            if let Some(p) = v.get("submit_worker_payload") {
                let nonce = p["nonce"].as_u64().unwrap();
                if w.clock.commit_reveal() {
                    log = "topic 1 takes committed payloads: commit with CommitWorkerPayload in the worker window and reveal with RevealWorkerPayload after it".into();
                } else if !w.payloads.insert(nonce) {
                    log = format!("failed to execute message; message index: 0: actor 3 already submitted for nonce {nonce} of topic 1: execute wasm contract failed");
                }
            } else if let Some(p) = v.get("commit_worker_payload") {
                let nonce = p["nonce"].as_u64().unwrap();
                let commitment = HexBinary::from_hex(p["commitment"].as_str().unwrap()).unwrap();
                let open = w.clock.worker_window(nonce).unwrap();
                if !w.clock.commit_reveal() {
                    log = "topic 1 has no reveal window: submit payloads with SubmitWorkerPayload"
                        .into();
                } else if !open.contains(height) {
                    log = format!("the worker window of nonce {nonce} (topic 1) is not open at height {height}");
                } else if w.commitments.contains_key(&nonce) || w.payloads.contains(&nonce) {
                    log = format!("worker 3 already committed for nonce {nonce} (topic 1)");
                } else {
                    assert_eq!(commitment.len(), 32);
                    w.commitments.insert(nonce, commitment);
                }
            } else if let Some(p) = v.get("reveal_worker_payload") {
                let nonce = p["nonce"].as_u64().unwrap();
                let inference: Option<SignedDecimal> =
                    serde_json::from_value(p["inference"].clone()).unwrap();
                let forecast: Option<Vec<ForecastElement>> =
                    serde_json::from_value(p["forecast"].clone()).unwrap();
                let salt = HexBinary::from_hex(p["salt"].as_str().unwrap()).unwrap();
                // synthesis's own hash, of the payload as sent, with the sender's address
                let hash = payload_commitment(
                    TOPIC,
                    nonce,
                    tx.sender.as_str(),
                    inference,
                    forecast.as_deref(),
                    &salt,
                );
                let open = w.clock.reveal_window(nonce);
                if !w.clock.commit_reveal() {
                    log = "topic 1 has no reveal window: submit payloads with SubmitWorkerPayload"
                        .into();
                } else if !open.unwrap().contains(height) {
                    log = format!("the reveal window of nonce {nonce} (topic 1) is not open at height {height}; open reveal nonce: None");
                } else if w.payloads.contains(&nonce) {
                    log = format!("actor 3 already submitted for nonce {nonce} of topic 1");
                } else {
                    match w.commitments.get(&nonce) {
                        None => {
                            log = format!(
                                "worker 3 has no commitment to reveal for nonce {nonce} (topic 1)"
                            )
                        }
                        Some(c) if c.as_slice() != hash.as_slice() => {
                            log = format!("the revealed payload and salt of worker 3 do not hash to its commitment for nonce {nonce} (topic 1)")
                        }
                        Some(_) => {
                            w.commitments.remove(&nonce);
                            w.payloads.insert(nonce);
                            w.revealed.insert(
                                nonce,
                                Revealed {
                                    inference,
                                    forecast,
                                    salt,
                                },
                            );
                        }
                    }
                }
            } else if let Some(p) = v.get("submit_loss_bundle") {
                let nonce = p["nonce"].as_u64().unwrap();
                let b: LossBundle = serde_json::from_value(p["bundle"].clone()).unwrap();
                w.bundles.insert(nonce, b);
            } else if let Some(r) = v.get("register") {
                let role = if r["role"] == "worker" {
                    "worker"
                } else {
                    "reputer"
                };
                w.registered.insert(role, 7);
                w.balance -= funds.iter().map(|c| c.amount.u128()).sum::<u128>();
            } else if v.get("add_stake").is_some() {
                let paid: u128 = funds.iter().map(|c| c.amount.u128()).sum();
                w.self_stake += paid;
                w.balance -= paid;
            } else if let Some(c) = v.get("close_windows") {
                let limit = c["limit"].as_u64().unwrap_or(10) as u32;
                w.due_closes -= w.due_closes.min(limit);
            }
        }
        TxOutcome {
            code: if log.is_empty() { 0 } else { 5 },
            log,
            height,
            gas_used: 150_000,
            gas_wanted: 200_000,
            fee: vec![Coin::new(5_000u128, "unous")],
            hash: hash.to_string(),
            ..TxOutcome::default()
        }
    }

    fn answer(&self, contract: &Addr, q: &Value) -> Result<Value, ChainError> {
        let w = self.0.borrow();
        let (key, body) = q.as_object().and_then(|o| o.iter().next()).unwrap();
        let n = |k: &str| body[k].as_u64().unwrap_or(0);
        Ok(match (contract.as_str(), key.as_str()) {
            ("wasm1synthesis", "open_windows") if w.topic_unseen => {
                return Err(ChainError::Query(
                    "topic 1 has not been used by synthesis yet".into(),
                ))
            }
            ("wasm1synthesis", "open_windows") => {
                let h = w.height;
                let c = w.clock;
                let worker = c.open_worker_epoch(h).map(|nonce| OpenWindow {
                    nonce,
                    window: c.worker_window(nonce).unwrap(),
                });
                let reveal = c.open_reveal_epoch(h).map(|nonce| OpenWindow {
                    nonce,
                    window: c.reveal_window(nonce).unwrap(),
                });
                let reputer = c.open_reputer_epoch(h).map(|nonce| OpenWindow {
                    nonce,
                    window: c.reputer_window(nonce).unwrap(),
                });
                serde_json::to_value(OpenWindowsResponse {
                    topic_id: TOPIC,
                    height: h,
                    worker,
                    reveal,
                    reputer,
                })
                .unwrap()
            }
            ("wasm1registry", "registration") => {
                let role = body["role"].as_str().unwrap();
                let r = w.registered.get(role).map(|i| Registration {
                    topic_id: TOPIC,
                    role: if role == "worker" {
                        Role::Worker
                    } else {
                        Role::Reputer
                    },
                    operator: addr(ME),
                    owner: addr(ME),
                    pending_owner: None,
                    actor_index: *i,
                    registered_at: 1,
                });
                json!({ "registration": r })
            }
            ("wasm1registry", "registration_fee") => {
                json!({"denom": {"native": "unous"}, "amount": w.registration_fee.to_string()})
            }
            ("wasm1registry", "topic") => {
                let mut params = nous_types::topic_registry::TopicParams {
                    metadata: "t".into(),
                    loss_method: w.loss_method.clone(),
                    epoch_length: w.clock.epoch_length,
                    worker_submission_window: w.clock.worker_window,
                    ground_truth_lag: w.clock.ground_truth_lag,
                    reveal_window: w.clock.reveal_window,
                    payload_fee: cosmwasm_std::Uint128::new(w.payload_fee),
                    p_norm: Decimal::from_str("3").unwrap(),
                    alpha_regret: Decimal::percent(10),
                    alpha_regret_forecasters: None,
                    allow_negative: false,
                    epsilon: Decimal::percent(1),
                    merit_sortition_alpha: Decimal::percent(10),
                    active_inferer_quantile: Decimal::percent(25),
                    active_forecaster_quantile: Decimal::percent(25),
                    active_reputer_quantile: Decimal::percent(25),
                    rules: Default::default(),
                };
                params.metadata = "fake".into();
                serde_json::to_value(Topic {
                    id: TOPIC,
                    creator: addr("wasm1creator"),
                    params,
                    start_height: w.clock.start_height,
                })
                .unwrap()
            }
            ("wasm1registry", "params") => {
                let mut p = nous_types::topic_registry::GlobalParams::defaults(6);
                p.staking.required_minimum_stake = Uint128::new(w.min_stake);
                serde_json::to_value(p).unwrap()
            }
            ("wasm1synthesis", "worker_payload") => {
                let nonce = n("nonce");
                let p = w.payloads.contains(&nonce).then(|| {
                    json!({"worker": 3, "address": ME, "owner": ME, "submitted_at": 1,
                        "inference": "1", "forecast": null})
                });
                json!({ "payload": p })
            }
            ("wasm1synthesis", "worker_commitment") => {
                json!({"commitment": w.commitments.get(&n("nonce"))})
            }
            ("wasm1synthesis", "loss_bundle") => json!({"bundle": w.bundles.get(&n("nonce"))}),
            ("wasm1synthesis", "topic_state") => {
                return Err(ChainError::Query(
                    "topic 1 has not been used by synthesis yet".into(),
                ))
            }
            ("wasm1synthesis", "network_inference") => match w.inferences.get(&n("nonce")) {
                Some(ni) => json!({"inference": ni, "age": 1}),
                None => {
                    return Err(ChainError::Query(format!(
                        "nonce {} of topic 1 has no network inference",
                        n("nonce")
                    )))
                }
            },
            ("wasm1staking", "reputer_stake") => json!({
                "topic_id": TOPIC, "reputer": ME, "self_stake": w.self_stake.to_string(),
                "delegated": "0", "total": w.self_stake.to_string(), "pending_removal": null,
                "delegated_pending_removal": "0"}),
            ("wasm1rewards", "topic_status") => json!({"topic_id": TOPIC, "active": true,
                "weight": "1000", "stake": "1", "next_epoch": 0, "last_settled_epoch": null}),
            ("wasm1rewards", "claimable") => json!({"address": ME, "amount": "0"}),
            other => panic!("the fake chain does not answer {other:?}"),
        })
    }
}

impl Chain for FakeChain {
    fn chain_id(&self) -> Result<String, ChainError> {
        Ok("fake-1".into())
    }
    fn block(&self) -> Result<BlockInfo, ChainError> {
        Ok(BlockInfo {
            height: self.0.borrow().height,
            time: Timestamp::from_seconds(0),
        })
    }
    fn balance(&self, _: &Addr, _: &str) -> Result<u128, ChainError> {
        Ok(self.0.borrow().balance)
    }
    fn query_smart(&self, contract: &Addr, msg: &Binary) -> Result<Binary, ChainError> {
        let q: Value = from_json(msg).unwrap();
        let a = self.answer(contract, &q)?;
        Ok(to_json_binary(&a).unwrap())
    }
    fn contract_code_id(&self, _: &Addr) -> Result<u64, ChainError> {
        Ok(1)
    }
    fn code_checksum(&self, _: u64) -> Result<String, ChainError> {
        Ok(String::new())
    }
    fn store_code(
        &mut self,
        _: &Addr,
        _: SuiteContract,
    ) -> Result<(StoredCode, TxOutcome), ChainError> {
        Err(ChainError::Other("not in the fake".into()))
    }
    fn instantiate(&mut self, _: &Addr, _: &Instantiate) -> Result<(Addr, TxOutcome), ChainError> {
        Err(ChainError::Other("not in the fake".into()))
    }
    fn execute(&mut self, tx: &Tx) -> Result<TxOutcome, ChainError> {
        self.execute_tracked(tx, &SendOptions::default(), &mut |_| Ok(()))
    }
    fn execute_tracked(
        &mut self,
        tx: &Tx,
        options: &SendOptions,
        on_signed: OnSigned<'_>,
    ) -> Result<TxOutcome, ChainError> {
        let step = {
            let mut w = self.w();
            w.sends.push((tx.clone(), options.clone()));
            w.script.pop_front().unwrap_or(Step::Include)
        };
        let sign = |me: &FakeChain, on_signed: OnSigned<'_>| -> Result<String, ChainError> {
            let hash = {
                let mut w = me.w();
                w.next_hash += 1;
                format!("{:064X}", w.next_hash)
            };
            on_signed(&hash)?;
            me.w().signed.push(hash.clone());
            Ok(hash)
        };
        match step {
            Step::Refuse(code, log) => Err(ChainError::Refused {
                code,
                log: log.into(),
            }),
            Step::LostBeforeSigning => Err(ChainError::Transport("connection refused".into())),
            Step::Include => {
                let hash = sign(self, on_signed)?;
                let out = self.apply(tx, &hash);
                self.w().included.insert(hash, out.clone());
                if out.is_ok() {
                    Ok(out)
                } else {
                    Err(ChainError::TxFailed(Box::new(out)))
                }
            }
            Step::OutOfGas => {
                let hash = sign(self, on_signed)?;
                let out = TxOutcome {
                    code: 11,
                    log: "out of gas in location: wasm contract; gasWanted: 100, gasUsed: 101: out of gas".into(),
                    height: self.0.borrow().height + 1,
                    gas_used: 101,
                    gas_wanted: 100,
                    fee: vec![Coin::new(3u128, "unous")],
                    hash: hash.clone(),
                    ..TxOutcome::default()
                };
                self.w().included.insert(hash, out.clone());
                Err(ChainError::TxFailed(Box::new(out)))
            }
            Step::NotIncluded => {
                let hash = sign(self, on_signed)?;
                self.w()
                    .mempool
                    .push((hash.clone(), tx.clone(), options.timeout_height));
                Err(ChainError::NotIncluded {
                    hash,
                    waited_secs: 30,
                })
            }
            Step::LostAfterSigning => {
                let hash = sign(self, on_signed)?;
                self.w()
                    .mempool
                    .push((hash, tx.clone(), options.timeout_height));
                Err(ChainError::Transport("connection reset by peer".into()))
            }
        }
    }
    fn simulate(&mut self, tx: &Tx) -> Result<TxOutcome, ChainError> {
        let mut w = self.w();
        w.simulations.push(tx.clone());
        let mut gas = 100_000;
        let mut events = vec![];
        for m in &tx.msgs {
            let Msg::Execute { msg, .. } = m else {
                continue;
            };
            let v: Value = from_json(msg).unwrap();
            if let Some(c) = v.get("close_windows") {
                let limit = c["limit"].as_u64().unwrap_or(10) as u32;
                let closed = w.due_closes.min(limit);
                gas += w.gas_per_close * u64::from(closed);
                events.push(Event::new("wasm").add_attribute("closed", closed.to_string()));
            }
            if v.get("settle").is_some() {
                return Err(ChainError::Refused {
                    code: 5,
                    log: "nothing to settle: no active topic has a closed epoch whose scores are ready".into(),
                });
            }
        }
        Ok(TxOutcome {
            gas_used: gas,
            events,
            ..TxOutcome::default()
        })
    }
    fn wait_blocks(&mut self, n: u64) -> Result<(), ChainError> {
        self.w().height += n;
        Ok(())
    }
    fn find_tx(&self, hash: &str) -> Result<Option<TxOutcome>, ChainError> {
        Ok(self.0.borrow().included.get(hash).cloned())
    }
}

// ---------------------------------------------------------------------------- harness

/// A temporary folder for one test's state file.
fn folder(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nous-node-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const CONFIG: &str = r#"
[chain]
rpc = "http://127.0.0.1:1"
chain_id = "fake-1"
gas_price = "0.025unous"
deployment = "d.json"

[node]
tx_timeout_blocks = 3
max_attempts = 4
"#;

fn config(roles: &str) -> Config {
    Config::parse(&format!("{CONFIG}\n{roles}")).unwrap()
}

struct Harness {
    chain: FakeChain,
    node: Node<FakeChain>,
    logs: Captured,
    dir: PathBuf,
}

impl Harness {
    fn new(name: &str, roles: &str) -> Harness {
        let dir = folder(name);
        Harness::open(FakeChain::new(), dir, roles)
    }

    /// A node on `chain` with the state file in `dir` (a restart when it exists).
    fn open(chain: FakeChain, dir: PathBuf, roles: &str) -> Harness {
        let cfg = config(roles);
        let logs = Captured::default();
        let ctx = Ctx {
            chain: chain.clone(),
            suite: suite(),
            me: addr(ME),
            gas_price: cfg.gas_price(),
            state: StateFile::open(&dir.join("state.json"), "fake-1", ME).unwrap(),
            metrics: Metrics::default(),
            log: Logger::to(Box::new(logs.clone()), Level::Debug),
            sources: Sources::new().unwrap(),
            policy: Policy {
                max_attempts: cfg.node.max_attempts,
                backoff: Duration::from_millis(1),
                gas_adjustment: cfg.chain.gas_adjustment,
            },
            timeout_blocks: cfg.node.tx_timeout_blocks,
            history: 4,
            block_gas: None,
            pause: Box::new(|_| {}),
            // the same key across restarts: the same salts
            salt_key: SaltKey::from_bytes([7; 32]),
        };
        Harness {
            chain,
            node: Node::new(ctx, &cfg),
            logs,
            dir,
        }
    }

    /// The node's pass at height `h`.
    fn at(&mut self, h: u64) {
        self.chain.set_height(h);
        self.node.step();
    }

    fn sends(&self) -> usize {
        self.chain.0.borrow().sends.len()
    }

    fn state(&self, key: &str, nonce: u64) -> Option<NonceState> {
        self.node.ctx.state.get(key, nonce).cloned()
    }

    fn metric(&self, name: &str, labels: &[(&str, &str)]) -> u128 {
        self.node.ctx.metrics.get(name, labels).unwrap_or(0)
    }

    fn events(&self) -> Vec<String> {
        self.logs
            .lines()
            .iter()
            .map(|l| l["event"].as_str().unwrap_or("").to_string())
            .collect()
    }
}

const WORKER: &str = r#"
[[worker]]
topic = 1
inference = { command = ["sh", "-c", "echo 101.5"] }
"#;

/// Nonce 0's worker window is [100, 108); nonce 1's [112, 120).
fn payload_nonces(h: &Harness) -> Vec<u64> {
    h.chain
        .0
        .borrow()
        .sends
        .iter()
        .filter_map(|(tx, _)| match &tx.msgs[0] {
            Msg::Execute { msg, .. } => {
                from_json::<Value>(msg).ok()?["submit_worker_payload"]["nonce"].as_u64()
            }
            _ => None,
        })
        .collect()
}

// ------------------------------------------------------------------------------ tests

#[test]
fn a_worker_submits_once_per_nonce_found_by_query() {
    let mut h = Harness::new("once", WORKER);
    h.at(101);
    assert_eq!(payload_nonces(&h), vec![0]);
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::Submitted { .. })
    ));
    // later blocks of the same window: nothing more
    for b in 102..108 {
        h.at(b);
    }
    // outside any window: nothing; next window: nonce 1
    h.at(110);
    h.at(112);
    assert_eq!(payload_nonces(&h), vec![0, 1]);
    // the payload carries the source's value and the window's timeout
    let w = h.chain.0.borrow();
    let (tx, opts) = &w.sends[0];
    let Msg::Execute { msg, .. } = &tx.msgs[0] else {
        panic!()
    };
    let v: Value = from_json(msg).unwrap();
    assert_eq!(v["submit_worker_payload"]["inference"], "101.5");
    assert_eq!(opts.timeout_height, 101 + 3, "h + tx_timeout_blocks");
    drop(w);
    assert_eq!(
        h.metric(
            "nous_node_submissions_total",
            &[("topic", "1"), ("role", "worker"), ("kind", "payload")]
        ),
        2
    );
    assert_eq!(
        h.metric(
            "nous_node_last_nonce",
            &[("topic", "1"), ("role", "worker")]
        ),
        1
    );
    assert_eq!(
        h.metric("nous_node_gas_used_total", &[("role", "worker")]),
        300_000
    );
    assert_eq!(
        h.metric("nous_node_fees_paid_total", &[("denom", "unous")]),
        10_000
    );
}

#[test]
fn no_submission_is_sent_into_the_last_block_of_a_window() {
    let mut h = Harness::new("late", WORKER);
    // the window of nonce 0 is [100, 108): at 107 a transaction would land at 108
    h.at(107);
    assert_eq!(h.sends(), 0);
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::Skipped { .. })
    ));
    // and the timeout height never passes the window's last block
    h.at(116);
    assert_eq!(h.chain.0.borrow().sends[0].1.timeout_height, 119);
}

#[test]
fn a_sequence_mismatch_is_retried_with_backoff() {
    let mut h = Harness::new("sequence", WORKER);
    h.chain.script(&[Step::Refuse(
        32,
        "account sequence mismatch, expected 8, got 7: incorrect account sequence",
    )]);
    h.at(101);
    assert_eq!(h.sends(), 2, "refused once, then sent");
    assert_eq!(h.chain.0.borrow().payloads.len(), 1);
    assert_eq!(
        h.metric("nous_node_retries_total", &[("reason", "sequence")]),
        1
    );
}

#[test]
fn out_of_gas_is_sent_again_with_more_gas() {
    let mut h = Harness::new("gas", WORKER);
    h.chain.script(&[Step::OutOfGas]);
    h.at(101);
    let w = h.chain.0.borrow();
    assert_eq!(w.sends.len(), 2);
    assert_eq!(w.sends[0].1.gas_adjustment, Some(Decimal::percent(130)));
    assert_eq!(w.sends[1].1.gas_adjustment, Some(Decimal::percent(195)));
    assert_eq!(w.payloads.len(), 1);
    drop(w);
    assert_eq!(
        h.metric("nous_node_retries_total", &[("reason", "out_of_gas")]),
        1
    );
    // the failed attempt's gas and fee are counted too
    assert_eq!(
        h.metric("nous_node_gas_used_total", &[("role", "worker")]),
        150_101
    );
    assert_eq!(
        h.metric("nous_node_fees_paid_total", &[("denom", "unous")]),
        5_003
    );
}

#[test]
fn an_unknown_result_is_looked_up_by_hash_and_never_sent_twice() {
    let mut h = Harness::new("unknown", WORKER);
    h.chain.script(&[Step::NotIncluded]);
    h.at(101);
    let hash = h.chain.0.borrow().signed[0].clone();
    assert_eq!(
        h.state("worker/1", 0),
        Some(NonceState::InFlight {
            tx: hash.clone(),
            timeout_height: 104
        })
    );
    // still pending: looked up, nothing sent
    h.at(102);
    h.at(103);
    assert_eq!(h.sends(), 1);
    // it lands: the nonce is done
    h.chain.include_mempool();
    h.at(104);
    assert_eq!(h.sends(), 1);
    assert_eq!(
        h.state("worker/1", 0),
        Some(NonceState::Submitted {
            tx: hash,
            height: 104
        })
    );
    assert_eq!(
        h.metric("nous_node_lookups_total", &[("result", "pending")]),
        2
    );
    assert_eq!(
        h.metric("nous_node_lookups_total", &[("result", "landed")]),
        1
    );
    assert_eq!(h.chain.0.borrow().payloads.len(), 1);
}

#[test]
fn a_transaction_dropped_past_its_timeout_is_sent_again() {
    let mut h = Harness::new("dropped", WORKER);
    h.chain.script(&[Step::NotIncluded]);
    h.at(101);
    // the mempool drops it; at 105 the chain is past its timeout (104) + 1
    h.chain.w().mempool.clear();
    h.at(104);
    assert_eq!(h.sends(), 1, "not before the timeout has passed");
    h.at(106);
    assert_eq!(h.sends(), 2);
    assert_eq!(h.chain.0.borrow().payloads.len(), 1);
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::Submitted { .. })
    ));
}

#[test]
fn a_node_killed_between_broadcast_and_inclusion_does_not_resubmit() {
    let dir = folder("restart");
    let chain = FakeChain::new();
    {
        let mut h = Harness::open(chain.clone(), dir.clone(), WORKER);
        chain.script(&[Step::NotIncluded]);
        h.at(101);
        // killed here: the state file holds the in-flight hash
    }
    chain.include_mempool();
    let mut h = Harness::open(chain.clone(), dir.clone(), WORKER);
    h.at(102);
    assert_eq!(
        h.sends(),
        1,
        "the restarted node looked the hash up instead"
    );
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::Submitted { .. })
    ));
    assert!(h.events().contains(&"looked_up".to_string()));
    assert_eq!(chain.0.borrow().payloads.len(), 1);
}

#[test]
fn a_node_restarted_after_the_timeout_checks_the_chain_before_sending() {
    // killed after the broadcast; the transaction landed, but the node's index does not
    // find it (e.g. a pruned indexer) and the timeout has passed: the payload query is the
    // authority
    let dir = folder("restart-late");
    let chain = FakeChain::new();
    {
        let mut h = Harness::open(chain.clone(), dir.clone(), WORKER);
        chain.script(&[Step::LostAfterSigning]);
        h.at(101);
    }
    chain.include_mempool();
    chain.w().included.clear();
    let mut h = Harness::open(chain.clone(), dir.clone(), WORKER);
    h.at(106);
    assert_eq!(h.sends(), 1);
    assert_eq!(chain.0.borrow().payloads.len(), 1);
    assert!(h.events().contains(&"already_on_chain".to_string()));
}

#[test]
fn a_lost_state_file_never_double_submits() {
    let mut h = Harness::new("lost-state", WORKER);
    h.chain.w().payloads.insert(0);
    h.at(101);
    assert_eq!(h.sends(), 0);
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::Submitted { .. })
    ));
}

#[test]
fn a_connection_lost_after_signing_is_an_unknown_result() {
    let mut h = Harness::new("lost-conn", WORKER);
    h.chain.script(&[Step::LostAfterSigning]);
    h.at(101);
    assert_eq!(h.sends(), 1, "not retried blindly");
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::InFlight { .. })
    ));
    assert_eq!(
        h.metric(
            "nous_node_unknown_results_total",
            &[("role", "worker"), ("topic", "1")]
        ),
        1
    );
    h.chain.include_mempool();
    h.at(102);
    assert_eq!(h.sends(), 1);
    assert_eq!(h.chain.0.borrow().payloads.len(), 1);
}

#[test]
fn a_connection_lost_before_signing_is_retried() {
    let mut h = Harness::new("lost-before", WORKER);
    h.chain
        .script(&[Step::LostBeforeSigning, Step::LostBeforeSigning]);
    h.at(101);
    assert_eq!(h.sends(), 3);
    assert_eq!(h.chain.0.borrow().payloads.len(), 1);
    assert_eq!(
        h.metric("nous_node_retries_total", &[("reason", "connection")]),
        2
    );
}

#[test]
fn a_failing_source_skips_the_nonce_and_the_node_goes_on() {
    // fails on even nonces
    let roles = r#"
[[worker]]
topic = 1
inference = { command = ["sh", "-c", "n=$(sed -e 's/.*\"nonce\":\\([0-9]*\\).*/\\1/'); [ $((n % 2)) = 1 ] && echo 99 || { echo model down >&2; exit 2; }"] }
"#;
    let mut h = Harness::new("source", roles);
    h.at(101);
    assert_eq!(h.sends(), 0);
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::Skipped { .. })
    ));
    assert_eq!(
        h.metric(
            "nous_node_source_failures_total",
            &[("topic", "1"), ("role", "worker"), ("source", "inference")]
        ),
        1
    );
    h.at(102);
    assert_eq!(
        h.metric(
            "nous_node_source_failures_total",
            &[("topic", "1"), ("role", "worker"), ("source", "inference")]
        ),
        1,
        "a skipped nonce is not asked again"
    );
    h.at(112);
    assert_eq!(payload_nonces(&h), vec![1]);
    let failure = h
        .logs
        .lines()
        .into_iter()
        .find(|l| l["event"] == "source_failed")
        .unwrap();
    assert!(failure["error"].as_str().unwrap().contains("model down"));
}

#[test]
fn a_worker_with_a_failed_forecast_still_sends_its_inference() {
    let roles = r#"
[[worker]]
topic = 1
inference = { command = ["sh", "-c", "echo 5"] }
forecast = { command = ["sh", "-c", "echo not json"] }
"#;
    let mut h = Harness::new("partial", roles);
    h.at(101);
    let w = h.chain.0.borrow();
    let Msg::Execute { msg, .. } = &w.sends[0].0.msgs[0] else {
        panic!()
    };
    let v: Value = from_json(msg).unwrap();
    assert_eq!(v["submit_worker_payload"]["inference"], "5");
    assert_eq!(v["submit_worker_payload"]["forecast"], Value::Null);
}

#[test]
fn transient_refusals_are_retried_final_ones_are_not() {
    let mut h = Harness::new("refusals", WORKER);
    h.chain.script(&[Step::Refuse(
        5,
        "topic 1 is not active in reward-distribution: nonce 0 is not opened (fund or stake the topic, then ActivateTopic)",
    )]);
    h.at(101);
    assert_eq!(h.chain.0.borrow().payloads.len(), 0);
    assert_eq!(h.state("worker/1", 0), None, "forgotten: tried again");
    h.at(102);
    assert_eq!(h.chain.0.borrow().payloads.len(), 1);

    h.chain.script(&[Step::Refuse(
        5,
        "inference = 2000000000 is outside the accepted range (magnitude at most 1000000000)",
    )]);
    h.at(112);
    h.at(113);
    assert_eq!(h.sends(), 3, "a final refusal is not sent again");
    assert!(matches!(
        h.state("worker/1", 1),
        Some(NonceState::Refused { .. })
    ));
    assert_eq!(
        h.metric(
            "nous_node_refusals_total",
            &[
                ("topic", "1"),
                ("role", "worker"),
                ("error", "value_out_of_range")
            ]
        ),
        1
    );
}

#[test]
fn an_already_submitted_refusal_marks_the_nonce_done() {
    let mut h = Harness::new("already", WORKER);
    h.chain.script(&[Step::Refuse(
        5,
        "actor 3 already submitted for nonce 0 of topic 1",
    )]);
    h.at(101);
    h.at(102);
    assert_eq!(h.sends(), 1);
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::Submitted { .. })
    ));
}

#[test]
fn registration_waits_until_the_balance_covers_fee_and_gas() {
    let roles = r#"
[[worker]]
topic = 1
register = true
inference = { command = ["sh", "-c", "echo 1"] }
"#;
    let mut h = Harness::new("register", roles);
    {
        let mut w = h.chain.w();
        w.registered.clear();
        w.balance = 500; // below the fee of 1000
    }
    h.at(101);
    assert_eq!(h.sends(), 0);
    let short = h
        .logs
        .lines()
        .into_iter()
        .find(|l| l["event"] == "insufficient_funds")
        .unwrap();
    assert!(short["action"].as_str().unwrap().contains(ME));
    // the fee is there, the gas is not: the limit nous-rpc will sign, simulated 100k x 1.3
    // + 60k headroom = 190k, at 0.025 = 4750
    h.chain.w().balance = 1_000 + 4_749;
    h.at(106);
    assert_eq!(h.sends(), 0);
    h.chain.w().balance = 1_000 + 4_750;
    h.at(111);
    assert_eq!(h.sends(), 1, "registered");
    let (tx, _) = h.chain.0.borrow().sends[0].clone();
    let Msg::Execute { funds, .. } = &tx.msgs[0] else {
        panic!()
    };
    assert_eq!(funds, &vec![Coin::new(1_000u128, "unous")]);
    // the next block reads the registration back and works
    h.at(112);
    assert_eq!(payload_nonces(&h), vec![1]);
}

#[test]
fn a_reputer_stakes_to_the_minimum_and_reports_the_complete_bundle() {
    let roles = r#"
[[reputer]]
topic = 1
stake = "minimum"
truth = { command = ["sh", "-c", "echo 100"] }
"#;
    let mut h = Harness::new("reputer", roles);
    let ni = NetworkInference {
        topic_id: TOPIC,
        nonce: 0,
        epoch_start: 100,
        worker_window: HeightWindow {
            start: 100,
            end: 108,
        },
        computed_at: 108,
        computed_at_time: 0,
        path: InferencePath::Full { all_new: false },
        combined: SignedDecimal::from_str("101").unwrap(),
        naive: SignedDecimal::from_str("99").unwrap(),
        inferences: vec![WorkerValue {
            worker: 3,
            value: SignedDecimal::from_str("110").unwrap(),
        }],
        forecast_implied: vec![],
        one_out_inferers: vec![],
        one_out_forecasters: vec![],
        one_in_forecasters: vec![],
        one_out_implied: vec![],
        error_bars: vec![],
    };
    {
        let mut w = h.chain.w();
        w.inferences.insert(0, ni.clone());
        w.self_stake = 40;
        w.loss_method = "mae".into();
    }
    // the reputer window of nonce 0 is [112, 124): before it the truth is not known, no
    // bundle goes out; the stake is topped up ahead (it counts as of the window's start)
    for b in [105, 108, 111] {
        h.at(b);
    }
    assert!(
        h.chain.0.borrow().bundles.is_empty(),
        "no bundle before the window"
    );
    assert!(h.state("reputer/1", 0).is_none());
    assert_eq!(
        h.chain.0.borrow().self_stake,
        100,
        "topped up to the minimum"
    );
    h.at(112);
    let w = h.chain.0.borrow();
    let want = LossBundle::from_inference(
        &ni,
        SignedDecimal::from_str("100").unwrap(),
        &LossMethod::Mae,
    )
    .unwrap();
    assert_eq!(w.bundles.get(&0), Some(&want));
    assert_eq!(
        want.inferers[0].value,
        SignedDecimal::one(),
        "log10 |110 - 100|"
    );
    drop(w);
    h.at(113);
    assert_eq!(h.sends(), 2, "one stake, one bundle");
}

#[test]
fn a_reputer_skips_a_nonce_without_inference_and_an_unknown_loss_method_blocks_it() {
    let roles = r#"
[[reputer]]
topic = 1
truth = { command = ["sh", "-c", "echo 100"] }
"#;
    let mut h = Harness::new("reputer-skip", roles);
    h.at(112);
    assert_eq!(h.sends(), 0);
    assert!(matches!(
        h.state("reputer/1", 0),
        Some(NonceState::Skipped { .. })
    ));

    let mut h = Harness::new("reputer-method", roles);
    h.chain.w().loss_method = "log10 squared error".into();
    h.at(112);
    assert_eq!(h.sends(), 0);
    let e = h
        .logs
        .lines()
        .into_iter()
        .find(|l| l["event"] == "unknown_loss_method")
        .unwrap();
    assert!(e["error"].as_str().unwrap().contains("expected one of mse"));
}

#[test]
fn the_keeper_sizes_its_calls_from_simulation_and_sends_nothing_idle() {
    let roles = r#"
[[keeper]]
topic = 1
max_gas_per_call = 1000000
"#;
    let mut h = Harness::new("keeper", roles);
    // nothing due: simulations only
    h.at(101);
    assert_eq!(h.sends(), 0);
    assert!(!h.chain.0.borrow().simulations.is_empty());
    // 6 windows due at 400k gas each: limit 10 (2.5M) > 1M, 5 (2.1M) > 1M, 2 (0.9M) fits
    h.chain.w().due_closes = 6;
    h.at(102);
    let sent: Vec<Value> = h
        .chain
        .0
        .borrow()
        .sends
        .iter()
        .map(|(tx, _)| match &tx.msgs[0] {
            Msg::Execute { msg, .. } => from_json(msg).unwrap(),
            _ => Value::Null,
        })
        .collect();
    assert_eq!(
        sent,
        vec![json!({"close_windows": {"topic_id": 1, "limit": 2}})]
    );
    assert_eq!(h.chain.0.borrow().due_closes, 4);
    // half the block's gas limit caps the budget too
    h.node.ctx.block_gas = Some(1_400_000);
    h.at(103);
    let last = h.chain.0.borrow().sends.last().cloned().unwrap();
    let Msg::Execute { msg, .. } = &last.0.msgs[0] else {
        panic!()
    };
    assert_eq!(
        from_json::<Value>(msg).unwrap(),
        json!({"close_windows": {"topic_id": 1, "limit": 1}})
    );
    assert_eq!(
        h.metric(
            "nous_node_submissions_total",
            &[
                ("topic", "1"),
                ("role", "keeper"),
                ("kind", "close_windows")
            ]
        ),
        2
    );
}

#[test]
fn the_keeper_runs_on_its_schedule() {
    let mut k = Keeper::new(KeeperConfig {
        topic: 1,
        every_blocks: 3,
        activate: false,
        close_windows: true,
        settle: false,
        process_removals: false,
        max_gas_per_call: 1_000_000,
        max_limit: 10,
    });
    let mut h = Harness::new("schedule", "[[keeper]]\ntopic = 1\n");
    for b in 101..=107 {
        h.chain.set_height(b);
        k.tick(&mut h.node.ctx, b).unwrap();
    }
    // at 101, 104 and 107
    assert_eq!(h.chain.0.borrow().simulations.len(), 3);
    assert!(matches!(h.node.roles[0], NodeRole::Keeper(_)));
}

#[test]
fn the_state_file_is_written_before_the_broadcast() {
    // a state file that cannot be written stops the transaction before it leaves
    let mut h = Harness::new("unwritable", WORKER);
    let path = h.dir.join("state.json");
    std::fs::remove_file(&path).ok();
    std::fs::create_dir_all(h.dir.join(".state.json.tmp")).unwrap();
    h.at(101);
    assert_eq!(h.chain.0.borrow().mempool.len(), 0);
    assert_eq!(
        h.chain.0.borrow().payloads.len(),
        0,
        "nothing was broadcast"
    );
    assert!(h.events().contains(&"not_sent".to_string()));
}

/// Before a topic's first payload synthesis refuses its window queries: a reputer waits
/// without logging an error every block.
#[test]
fn a_reputer_waits_quietly_for_a_topic_synthesis_has_not_seen() {
    let roles = r#"
[[reputer]]
topic = 1
truth = { command = ["sh", "-c", "echo 100"] }
"#;
    let mut h = Harness::new("reputer-unseen", roles);
    h.chain.w().topic_unseen = true;
    for height in 100..=120 {
        h.at(height);
    }
    assert!(
        !h.events().iter().any(|e| e == "role_failed"),
        "{:?}",
        h.events()
    );
}

// ------------------------------------------------------------------ commit–reveal topics

/// The worker messages sent, as (action, nonce).
fn worker_actions(h: &Harness) -> Vec<(String, u64)> {
    h.chain
        .0
        .borrow()
        .sends
        .iter()
        .filter_map(|(tx, _)| match &tx.msgs[0] {
            Msg::Execute { msg, .. } => {
                let v: Value = from_json(msg).ok()?;
                let (action, body) = v.as_object()?.iter().next()?;
                Some((action.clone(), body.get("nonce")?.as_u64()?))
            }
            _ => None,
        })
        .collect()
}

fn actions(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(a, n)| (a.to_string(), *n)).collect()
}

fn sd(s: &str) -> SignedDecimal {
    SignedDecimal::from_str(s).unwrap()
}

/// The coins of the `i`-th transaction's first message.
fn funds_of(h: &Harness, i: usize) -> Vec<Coin> {
    match &h.chain.0.borrow().sends[i].0.msgs[0] {
        Msg::Execute { funds, .. } => funds.clone(),
        _ => vec![],
    }
}

#[test]
fn a_worker_attaches_the_topics_payload_fee() {
    // a plain topic: the payload pays the fee
    let mut h = Harness::new("fee", WORKER);
    h.chain.0.borrow_mut().payload_fee = 5;
    h.at(101);
    assert_eq!(payload_nonces(&h), vec![0]);
    assert_eq!(funds_of(&h, 0), vec![Coin::new(5u128, "unous")]);
    // a commit–reveal topic: the commitment pays it, the reveal does not
    let mut h = Harness::new("fee-committed", WORKER);
    h.chain.commit_reveal(REVEAL_BLOCKS);
    h.chain.0.borrow_mut().payload_fee = 5;
    h.at(101);
    h.at(108);
    assert_eq!(
        worker_actions(&h),
        actions(&[("commit_worker_payload", 0), ("reveal_worker_payload", 0)])
    );
    assert_eq!(funds_of(&h, 0), vec![Coin::new(5u128, "unous")]);
    assert_eq!(funds_of(&h, 1), vec![]);
    // a free topic: nothing attached
    let mut h = Harness::new("free", WORKER);
    h.at(101);
    assert_eq!(funds_of(&h, 0), vec![]);
}

/// A commit–reveal topic: a reveal window of 3 blocks after each worker window. Nonce 0
/// commits in [100, 108) and reveals in [108, 111); nonce 1 in [112, 120) and [120, 123).
const REVEAL_BLOCKS: u64 = 3;

#[test]
fn a_worker_on_a_commit_reveal_topic_commits_then_reveals() {
    let mut h = Harness::new("commit-reveal", WORKER);
    h.chain.commit_reveal(REVEAL_BLOCKS);
    h.at(101);
    // a commitment, nothing in the clear
    assert_eq!(worker_actions(&h), actions(&[("commit_worker_payload", 0)]));
    let committed = h.chain.0.borrow().commitments.get(&0).cloned().unwrap();
    assert!(matches!(
        h.state("commit/1", 0),
        Some(NonceState::Submitted { .. })
    ));
    assert_eq!(h.state("worker/1", 0), None, "not revealed yet");
    let pending = h.node.ctx.state.reveal("worker/1", 0).cloned().unwrap();
    assert_eq!(pending.inference, Some(sd("101.5")));
    assert_eq!(pending.forecast, None);
    assert_eq!(pending.commitment, committed);
    assert_eq!(
        pending.reveal_window,
        HeightWindow {
            start: 108,
            end: 111
        }
    );
    // the salt is not in the state file
    let file = std::fs::read_to_string(h.dir.join("state.json")).unwrap();
    let salt = HexBinary::from(h.node.ctx.salt(TOPIC, 0).to_vec());
    assert!(!file.to_lowercase().contains(&salt.to_hex()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(h.dir.join("state.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the state file is its owner's only");
    }
    // the rest of the worker window: nothing
    for b in 102..108 {
        h.at(b);
    }
    assert_eq!(h.sends(), 1);
    // the reveal window opens: the stored payload and the salt
    h.at(108);
    assert_eq!(
        worker_actions(&h),
        actions(&[("commit_worker_payload", 0), ("reveal_worker_payload", 0)])
    );
    {
        let w = h.chain.0.borrow();
        let r = w.revealed.get(&0).unwrap();
        assert_eq!(r.inference, Some(sd("101.5")));
        assert_eq!(r.salt, salt);
        assert_eq!(r.salt.len(), 32);
        // what the contract re-hashes is what was committed to
        let again = payload_commitment(TOPIC, 0, ME, r.inference, r.forecast.as_deref(), &r.salt);
        assert_eq!(again.as_slice(), committed.as_slice());
        assert!(w.payloads.contains(&0));
        // the reveal's timeout is the reveal window's last block
        assert_eq!(w.sends[1].1.timeout_height, 110);
    }
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::Submitted { .. })
    ));
    assert!(
        h.node.ctx.state.reveals("worker/1").is_empty(),
        "dropped once revealed"
    );
    h.at(109);
    h.at(110);
    assert_eq!(h.sends(), 2, "revealed once");
    // the next epoch: nonce 1, with its own salt
    h.at(112);
    h.at(120);
    assert_eq!(
        worker_actions(&h),
        actions(&[
            ("commit_worker_payload", 0),
            ("reveal_worker_payload", 0),
            ("commit_worker_payload", 1),
            ("reveal_worker_payload", 1),
        ])
    );
    {
        let w = h.chain.0.borrow();
        assert_ne!(w.revealed[&0].salt, w.revealed[&1].salt);
        assert_eq!(w.payloads.len(), 2);
    }
    let count = |kind: &str| {
        h.metric(
            "nous_node_submissions_total",
            &[("topic", "1"), ("role", "worker"), ("kind", kind)],
        )
    };
    assert_eq!(count("commitment"), 2);
    assert_eq!(count("reveal"), 2);
    assert_eq!(count("payload"), 0);
    assert_eq!(
        h.metric(
            "nous_node_last_nonce",
            &[("topic", "1"), ("role", "worker")]
        ),
        1
    );
    let events = h.events();
    assert!(events.contains(&"commit_reveal".to_string()));
    assert_eq!(events.iter().filter(|e| *e == "committed").count(), 2);
    assert_eq!(events.iter().filter(|e| *e == "revealed").count(), 2);
    assert!(!events.contains(&"submitted".to_string()));
    assert!(!events.contains(&"role_failed".to_string()), "{events:?}");
}

#[test]
fn a_worker_restarted_between_commit_and_reveal_reveals_the_stored_payload() {
    // the source's answer changes while the node is down: the reveal must still show the
    // payload committed to
    let dir = folder("reveal-restart");
    let value = dir.join("value");
    std::fs::write(&value, "5").unwrap();
    let roles = format!(
        "[[worker]]\ntopic = 1\ninference = {{ command = [\"cat\", \"{}\"] }}\n",
        value.display()
    );
    let chain = FakeChain::new();
    chain.commit_reveal(REVEAL_BLOCKS);
    {
        let mut h = Harness::open(chain.clone(), dir.clone(), &roles);
        chain.script(&[Step::NotIncluded]);
        h.at(101);
        assert!(matches!(
            h.state("commit/1", 0),
            Some(NonceState::InFlight { .. })
        ));
        // killed here: the commitment is in flight, its payload in the state file
    }
    std::fs::write(&value, "7").unwrap();
    chain.include_mempool();
    {
        let mut h = Harness::open(chain.clone(), dir.clone(), &roles);
        h.at(103);
        assert_eq!(h.sends(), 1, "looked up, not sent again");
        assert!(matches!(
            h.state("commit/1", 0),
            Some(NonceState::Submitted { .. })
        ));
        // killed again before the reveal window
    }
    let mut h = Harness::open(chain.clone(), dir.clone(), &roles);
    h.at(108);
    assert_eq!(
        worker_actions(&h),
        actions(&[("commit_worker_payload", 0), ("reveal_worker_payload", 0)])
    );
    let w = h.chain.0.borrow();
    assert_eq!(
        w.revealed[&0].inference,
        Some(sd("5")),
        "the stored payload"
    );
    assert!(w.payloads.contains(&0), "and it matched the commitment");
    drop(w);
    assert!(h.node.ctx.state.reveals("worker/1").is_empty());
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::Submitted { .. })
    ));
}

#[test]
fn a_reveal_window_that_passed_drops_the_pending_reveal() {
    let mut h = Harness::new("reveal-missed", WORKER);
    h.chain.commit_reveal(REVEAL_BLOCKS);
    h.at(101);
    assert_eq!(h.node.ctx.state.reveals("worker/1").len(), 1);
    // the node is down for [102, 110): at 110, a reveal would land at 111, past [108, 111)
    h.at(110);
    assert_eq!(h.sends(), 1, "no reveal sent too late");
    assert!(h.node.ctx.state.reveals("worker/1").is_empty(), "dropped");
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::Skipped { .. })
    ));
    assert_eq!(
        h.metric("nous_node_missed_reveals_total", &[("topic", "1")]),
        1
    );
    let missed = h
        .logs
        .lines()
        .into_iter()
        .find(|l| l["event"] == "reveal_missed")
        .unwrap();
    assert_eq!(missed["level"], "error");
    assert_eq!(missed["nonce"], 0);
    // the worker goes on with the next nonce
    h.at(112);
    h.at(120);
    assert_eq!(
        worker_actions(&h),
        actions(&[
            ("commit_worker_payload", 0),
            ("commit_worker_payload", 1),
            ("reveal_worker_payload", 1),
        ])
    );
    assert_eq!(
        h.metric("nous_node_missed_reveals_total", &[("topic", "1")]),
        1
    );
}

#[test]
fn an_already_committed_refusal_counts_as_committed() {
    // the commitment landed but the node did not see it, and the check before the resend
    // did not either: the contract's refusal says it is there
    let mut h = Harness::new("already-committed", WORKER);
    h.chain.commit_reveal(REVEAL_BLOCKS);
    h.chain.script(&[Step::Refuse(
        5,
        "worker 3 already committed for nonce 0 (topic 1)",
    )]);
    h.at(101);
    assert!(matches!(
        h.state("commit/1", 0),
        Some(NonceState::Submitted { .. })
    ));
    let pending = h.node.ctx.state.reveal("worker/1", 0).cloned().unwrap();
    assert!(h.events().contains(&"already_on_chain".to_string()));
    assert!(!h.events().contains(&"refused".to_string()));
    h.at(102);
    assert_eq!(h.sends(), 1, "not sent again");
    // it was there: the reveal goes through
    h.chain.w().commitments.insert(0, pending.commitment);
    h.at(108);
    assert!(h.chain.0.borrow().payloads.contains(&0));
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::Submitted { .. })
    ));
}

#[test]
fn a_reveal_the_chain_refuses_is_not_sent_again() {
    let mut h = Harness::new("reveal-refused", WORKER);
    h.chain.commit_reveal(REVEAL_BLOCKS);
    h.at(101);
    // the commitment is gone from the chain
    h.chain.w().commitments.clear();
    h.at(108);
    h.at(109);
    assert_eq!(h.sends(), 2, "one reveal, refused, not retried");
    assert!(matches!(
        h.state("worker/1", 0),
        Some(NonceState::Refused { .. })
    ));
    assert!(h.node.ctx.state.reveals("worker/1").is_empty());
    assert_eq!(
        h.metric(
            "nous_node_refusals_total",
            &[
                ("topic", "1"),
                ("role", "worker"),
                ("error", "no_commitment")
            ]
        ),
        1
    );
}

#[test]
fn a_lost_state_file_reveals_only_a_commitment_it_can_reproduce() {
    let chain = FakeChain::new();
    chain.commit_reveal(REVEAL_BLOCKS);
    {
        let mut h = Harness::open(chain.clone(), folder("lost-commit-a"), WORKER);
        h.at(101);
    }
    // a new state file, the same key and a source that answers the same: the commitment on
    // chain is reproduced, recognised, not sent again, and revealed
    let mut h = Harness::open(chain.clone(), folder("lost-commit-b"), WORKER);
    h.at(102);
    assert_eq!(h.sends(), 1);
    assert!(h.events().contains(&"already_on_chain".to_string()));
    h.at(108);
    assert!(chain.0.borrow().payloads.contains(&0));

    // a source that answers something else cannot reveal the commitment on chain: the
    // nonce is skipped, nothing is sent
    let chain = FakeChain::new();
    chain.commit_reveal(REVEAL_BLOCKS);
    {
        let mut h = Harness::open(chain.clone(), folder("lost-commit-c"), WORKER);
        h.at(101);
    }
    let other = "[[worker]]\ntopic = 1\ninference = { command = [\"sh\", \"-c\", \"echo 99\"] }\n";
    let mut h = Harness::open(chain.clone(), folder("lost-commit-d"), other);
    h.at(102);
    h.at(108);
    assert_eq!(h.sends(), 1, "the first node's commitment only");
    assert!(h.events().contains(&"unknown_commitment".to_string()));
    assert!(matches!(
        h.state("commit/1", 0),
        Some(NonceState::Skipped { .. })
    ));
    assert!(h.node.ctx.state.reveals("worker/1").is_empty());
}

#[test]
fn a_commitment_that_never_lands_is_sent_again_with_the_same_payload() {
    // the first commitment is dropped from the mempool; the resend after its timeout
    // commits to the payload kept in the state file, not to a new answer of the source
    let dir = folder("commit-resend");
    let value = dir.join("value");
    std::fs::write(&value, "5").unwrap();
    let roles = format!(
        "[[worker]]\ntopic = 1\ninference = {{ command = [\"cat\", \"{}\"] }}\n",
        value.display()
    );
    let chain = FakeChain::new();
    chain.commit_reveal(REVEAL_BLOCKS);
    let mut h = Harness::open(chain.clone(), dir, &roles);
    chain.script(&[Step::NotIncluded]);
    h.at(101);
    chain.w().mempool.clear();
    std::fs::write(&value, "7").unwrap();
    h.at(106);
    assert_eq!(
        worker_actions(&h),
        actions(&[("commit_worker_payload", 0), ("commit_worker_payload", 0)])
    );
    h.at(108);
    assert_eq!(chain.0.borrow().revealed[&0].inference, Some(sd("5")));
}

#[test]
fn a_plain_topic_never_commits() {
    let mut h = Harness::new("plain", WORKER);
    h.at(101);
    h.at(108);
    h.at(112);
    assert_eq!(
        worker_actions(&h),
        actions(&[("submit_worker_payload", 0), ("submit_worker_payload", 1)])
    );
    assert!(h.node.ctx.state.reveals("worker/1").is_empty());
    assert!(h.node.ctx.state.role("commit/1").is_none());
    assert!(!h.events().contains(&"commit_reveal".to_string()));
}
