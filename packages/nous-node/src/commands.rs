//! The one-shot commands: `status` (registrations, stake, claimable, balance, the last
//! nonces of the state file), `claim` (reward-distribution `Claim` for this key) and
//! `query` (any smart query of the suite, for troubleshooting).

use std::time::Duration;

use anyhow::{bail, Context, Result};
use cosmwasm_std::{to_json_binary, Addr, Binary};
use nous_chain::{Chain, Msg, Tx};
use nous_types::reward_distribution as rd;
use nous_types::topic_registry::Role;
use serde_json::{json, Value};

use crate::metrics::Metrics;
use crate::setup::Base;
use crate::state::State;
use crate::submit::{self, Policy, Sent};

/// The state file as it is on disk (read without taking the running node's lock).
fn read_state(base: &Base) -> Option<State> {
    let bytes = std::fs::read(&base.cfg.node.state_file).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Everything `status` reports, as JSON.
pub fn status(base: &Base) -> Result<Value> {
    let chain = base.connect()?;
    let me = base.key()?.address;
    let s = &base.suite;
    let state = read_state(base);
    let last = |key: &str| {
        state
            .as_ref()
            .and_then(|st| st.roles.get(key))
            .and_then(|r| r.last_submitted())
    };
    let height = chain.block()?.height;
    let registration = |topic: u64, role: Role| -> Result<Value> {
        Ok(match s.registration(&chain, topic, role, &me)? {
            Some(r) => json!({"actor_index": r.actor_index, "owner": r.owner,
                "registered_at": r.registered_at}),
            None => Value::Null,
        })
    };
    let mut workers = vec![];
    for w in &base.cfg.workers {
        workers.push(json!({
            "topic": w.topic,
            "registration": registration(w.topic, Role::Worker)?,
            "last_nonce": last(&format!("worker/{}", w.topic)),
        }));
    }
    let mut reputers = vec![];
    for r in &base.cfg.reputers {
        let stake = s.reputer_stake(&chain, r.topic, &me)?;
        reputers.push(json!({
            "topic": r.topic,
            "registration": registration(r.topic, Role::Reputer)?,
            "self_stake": stake.self_stake,
            "delegated": stake.delegated,
            "last_nonce": last(&format!("reputer/{}", r.topic)),
        }));
    }
    let mut keepers = vec![];
    for k in &base.cfg.keepers {
        let st = s.topic_status(&chain, k.topic)?;
        keepers.push(json!({"topic": k.topic, "active": st.active,
            "next_epoch_to_settle": st.next_epoch, "last_settled_epoch": st.last_settled_epoch}));
    }
    let gas_denom = base.cfg.gas_price().denom;
    Ok(json!({
        "chain_id": base.cfg.chain.chain_id,
        "height": height,
        "address": me,
        "balance": {"denom": gas_denom, "amount": chain.balance(&me, &gas_denom)?.to_string()},
        "token_balance": s.token_balance(&chain, &me)?.to_string(),
        "claimable": s.claimable(&chain, &me)?.to_string(),
        "workers": workers,
        "reputers": reputers,
        "keepers": keepers,
    }))
}

/// `status` for a person.
pub fn status_text(v: &Value) -> String {
    let mut out = format!(
        "{} on {} at height {}\n  balance {} {}, suite token {}, claimable {}\n",
        v["address"].as_str().unwrap_or(""),
        v["chain_id"].as_str().unwrap_or(""),
        v["height"],
        v["balance"]["amount"].as_str().unwrap_or(""),
        v["balance"]["denom"].as_str().unwrap_or(""),
        v["token_balance"].as_str().unwrap_or(""),
        v["claimable"].as_str().unwrap_or(""),
    );
    let reg = |r: &Value| match r.get("actor_index") {
        Some(i) => format!(
            "registered (actor {i}, owner {})",
            r["owner"].as_str().unwrap_or("")
        ),
        None => "NOT registered".to_string(),
    };
    let last = |n: &Value| match n.as_u64() {
        Some(n) => format!("last submitted nonce {n}"),
        None => "nothing submitted yet".to_string(),
    };
    for w in v["workers"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "  worker  topic {}: {}, {}\n",
            w["topic"],
            reg(&w["registration"]),
            last(&w["last_nonce"])
        ));
    }
    for r in v["reputers"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "  reputer topic {}: {}, self-stake {}, delegated {}, {}\n",
            r["topic"],
            reg(&r["registration"]),
            r["self_stake"].as_str().unwrap_or(""),
            r["delegated"].as_str().unwrap_or(""),
            last(&r["last_nonce"])
        ));
    }
    for k in v["keepers"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "  keeper  topic {}: {}, next epoch to settle {}, last settled {}\n",
            k["topic"],
            if k["active"].as_bool() == Some(true) {
                "active"
            } else {
                "NOT active"
            },
            k["next_epoch_to_settle"],
            k["last_settled_epoch"]
        ));
    }
    out
}

/// Claims this key's rewards; the JSON result (`claimed` in base units, the transaction).
pub fn claim(base: &Base) -> Result<Value> {
    let mut chain = base.connect()?;
    let me = base.key()?.address;
    let amount = base.suite.claimable(&chain, &me)?;
    if amount == 0 {
        return Ok(json!({"address": me, "claimed": "0", "note": "nothing to claim"}));
    }
    let tx = Tx::new(
        &me,
        vec![Msg::execute(
            &base.suite.rewards,
            &rd::ExecuteMsg::Claim {},
            vec![],
        )?],
    );
    let policy = Policy {
        max_attempts: base.cfg.node.max_attempts,
        backoff: Duration::from_millis(base.cfg.node.backoff_ms),
        gas_adjustment: base.cfg.chain.gas_adjustment,
    };
    let height = chain.block()?.height;
    let sent = submit::send(
        &mut chain,
        "claim",
        &tx,
        height + base.cfg.node.tx_timeout_blocks,
        &policy,
        &Metrics::default(),
        &mut |_| Ok(()),
        &mut std::thread::sleep,
    );
    match sent {
        Sent::Included(o) => Ok(json!({"address": me, "claimed": amount.to_string(),
            "tx": o.hash, "height": o.height, "gas_used": o.gas_used})),
        Sent::Refused { refusal, log, .. } => {
            bail!("the claim was refused ({}): {log}", refusal.code())
        }
        Sent::Unknown { hash } => bail!(
            "the claim {hash} was sent but its result is unknown: run `nous-node status` in a minute (claiming again is safe: a second claim finds nothing)"
        ),
        Sent::Failed(e) => bail!("the claim could not be sent: {e}"),
    }
}

/// A smart query of one of the suite's contracts. The contract name and the JSON are
/// checked before connecting, so a typo is reported at once.
pub fn query(base: &Base, contract: &str, msg: &str) -> Result<Value> {
    let addr: Addr = base.suite.contract(contract).cloned().with_context(|| {
        format!(
            "unknown contract {contract:?}: one of topic-registry, fee-vault, staking, synthesis, reward-distribution"
        )
    })?;
    let q: Value = serde_json::from_str(msg).context("the query is not JSON")?;
    let chain = base.connect()?;
    let answer = chain.query_smart(&addr, &to_json_binary(&q)?)?;
    Ok(serde_json::from_slice(Binary::as_slice(&answer))?)
}
