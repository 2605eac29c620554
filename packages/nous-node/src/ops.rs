//! Getting ready to work: registering the key for a role (after checking the balance
//! covers the fee and the gas) and keeping a reputer's self-stake at its target. Both read
//! the chain first and track their transaction in the state file while it is in flight,
//! so a restart never pays twice.

use cosmwasm_std::{Addr, Uint128};
use cw20::Denom;
use nous_chain::{pay, Chain, ChainError, Msg, Tx};
use nous_rpc::{gas_limit, GAS_HEADROOM};
use nous_types::staking as st;
use nous_types::topic_registry::{self as reg, Role};
use serde_json::json;

use crate::config::StakeTarget;
use crate::ctx::Ctx;
use crate::refusal::Refusal;
use crate::submit::Sent;

/// Blocks between two checks while the key is not registered (or not funded).
const RECHECK_BLOCKS: u64 = 5;

/// A role's registration as the node knows it.
#[derive(Debug, Default)]
pub struct Registration {
    pub index: Option<u32>,
    next_check: u64,
}

fn role_name(role: Role) -> &'static str {
    role.as_str()
}

/// The key's actor index in `topic` for `role`, registering it if asked. `None` while it is
/// not registered (the caller does nothing this block).
pub fn ensure_registered<C: Chain>(
    ctx: &mut Ctx<C>,
    reg_state: &mut Registration,
    topic: u64,
    role: Role,
    register: bool,
    owner: Option<&str>,
    height: u64,
) -> Result<Option<u32>, String> {
    if let Some(i) = reg_state.index {
        return Ok(Some(i));
    }
    if height < reg_state.next_check {
        return Ok(None);
    }
    reg_state.next_check = height + RECHECK_BLOCKS;
    let name = role_name(role);
    let key = format!("register/{name}/{topic}");
    if !ctx.op_settled(&key)? {
        return Ok(None);
    }
    let found = ctx
        .suite
        .registration(&ctx.chain, topic, role, &ctx.me)
        .map_err(|e| e.to_string())?;
    if let Some(r) = found {
        ctx.log.info(
            "registered",
            json!({"role": name, "topic": topic, "actor_index": r.actor_index,
                "owner": r.owner}),
        );
        reg_state.index = Some(r.actor_index);
        return Ok(Some(r.actor_index));
    }
    if !register {
        ctx.log.error(
            "not_registered",
            json!({"role": name, "topic": topic, "address": ctx.me,
                "action": "set register = true in this role, or register the key yourself"}),
        );
        return Ok(None);
    }
    let fee = ctx
        .suite
        .registration_fee(&ctx.chain)
        .map_err(|e| e.to_string())?;
    let registry = ctx.suite.registry.clone();
    let msg = pay(
        &ctx.suite.denom,
        &registry,
        fee,
        &reg::ExecuteMsg::Register {
            topic_id: topic,
            role,
            owner: owner.map(str::to_string),
        },
        &reg::ReceiveMsg::Register {
            topic_id: topic,
            role,
            owner: owner.map(str::to_string),
        },
    )
    .map_err(|e| e.to_string())?;
    if !can_pay(ctx, name, topic, "registration fee", fee, &msg)? {
        return Ok(None);
    }
    let sent = ctx.send_op(name, &key, vec![msg], height);
    // Read the registration back on the next block.
    reg_state.next_check = height + 1;
    report_op(ctx, name, topic, "register", sent);
    Ok(None)
}

/// Keeps the self-stake of the key in `topic` at `target` (tops it up when below).
/// `true` when the stake is there.
pub fn ensure_stake<C: Chain>(
    ctx: &mut Ctx<C>,
    topic: u64,
    target: &StakeTarget,
    height: u64,
) -> Result<bool, String> {
    let key = format!("stake/{topic}");
    if !ctx.op_settled(&key)? {
        return Ok(false);
    }
    let stake = ctx
        .suite
        .reputer_stake(&ctx.chain, topic, &ctx.me)
        .map_err(|e| e.to_string())?;
    let want = match target {
        StakeTarget::Minimum => {
            ctx.suite
                .params(&ctx.chain)
                .map_err(|e| e.to_string())?
                .staking
                .required_minimum_stake
        }
        StakeTarget::Amount(a) => *a,
    };
    if stake.self_stake >= want {
        return Ok(true);
    }
    let need = (want - stake.self_stake).u128();
    let staking = ctx.suite.staking.clone();
    let msg = pay(
        &ctx.suite.denom,
        &staking,
        need,
        &st::ExecuteMsg::AddStake { topic_id: topic },
        &st::ReceiveMsg::AddStake { topic_id: topic },
    )
    .map_err(|e| e.to_string())?;
    if !can_pay(ctx, "reputer", topic, "stake", need, &msg)? {
        return Ok(false);
    }
    ctx.log.info(
        "staking",
        json!({"topic": topic, "self_stake": stake.self_stake, "target": want,
            "adding": Uint128::new(need)}),
    );
    let sent = ctx.send_op("reputer", &key, vec![msg], height);
    let ok = matches!(sent, Sent::Included(_));
    report_op(ctx, "reputer", topic, "stake", sent);
    Ok(ok)
}

/// Whether the key holds `amount` of the suite token plus the gas of `msg` (simulated);
/// logs what is missing and where to send it when not.
fn can_pay<C: Chain>(
    ctx: &mut Ctx<C>,
    role: &str,
    topic: u64,
    what: &str,
    amount: u128,
    msg: &Msg,
) -> Result<bool, String> {
    let me: Addr = ctx.me.clone();
    let token = ctx
        .suite
        .token_balance(&ctx.chain, &me)
        .map_err(|e| e.to_string())?;
    let gas_denom = ctx.gas_price.denom.clone();
    let same_denom = matches!(&ctx.suite.denom, Denom::Native(d) if *d == gas_denom);
    let short = |ctx: &mut Ctx<C>, have: u128, need: u128, denom: &str| {
        ctx.metrics.inc(
            "nous_node_refusals_total",
            &[
                ("topic", &topic.to_string()),
                ("role", role),
                ("error", "insufficient_funds"),
            ],
        );
        ctx.log.error(
            "insufficient_funds",
            json!({"role": role, "topic": topic, "for": what, "balance": have.to_string(),
                "needed": need.to_string(), "denom": denom,
                "action": format!("send at least {}{denom} to {}", need - have, ctx.me)}),
        );
    };
    let token_name = match &ctx.suite.denom {
        Denom::Native(d) => d.clone(),
        Denom::Cw20(a) => a.to_string(),
    };
    if token < amount {
        short(ctx, token, amount, &token_name);
        return Ok(false);
    }
    // The gas, priced from a simulation (which also shows a refusal before any fee).
    let gas = match ctx.chain.simulate(&Tx::new(&me, vec![msg.clone()])) {
        Ok(o) => o.gas_used,
        Err(ChainError::Refused { log, .. }) => {
            let r = Refusal::of(&log);
            ctx.metrics.inc(
                "nous_node_refusals_total",
                &[
                    ("topic", &topic.to_string()),
                    ("role", role),
                    ("error", r.code()),
                ],
            );
            ctx.log.error(
                "refused",
                json!({"role": role, "topic": topic, "for": what, "error": r.code(), "log": log}),
            );
            return Ok(false);
        }
        Err(e) => return Err(e.to_string()),
    };
    // the limit the transaction will be signed with (nous-rpc adds its headroom)
    let limit = gas_limit(gas, ctx.policy.gas_adjustment, GAS_HEADROOM);
    let gas_fee = ctx.gas_price.fee(limit);
    if same_denom {
        if token < amount + gas_fee {
            short(ctx, token, amount + gas_fee, &gas_denom);
            return Ok(false);
        }
    } else {
        let native = ctx
            .chain
            .balance(&me, &gas_denom)
            .map_err(|e| e.to_string())?;
        if native < gas_fee {
            short(ctx, native, gas_fee, &gas_denom);
            return Ok(false);
        }
    }
    Ok(true)
}

/// Logs and counts the result of an operation (registration, stake).
fn report_op<C: Chain>(ctx: &mut Ctx<C>, role: &str, topic: u64, what: &str, sent: Sent) {
    let t = topic.to_string();
    match sent {
        Sent::Included(o) => {
            ctx.metrics.inc(
                "nous_node_submissions_total",
                &[("topic", &t), ("role", role), ("kind", what)],
            );
            ctx.log.info(
                what,
                json!({"role": role, "topic": topic, "tx": o.hash, "height": o.height}),
            );
        }
        Sent::Refused {
            refusal, log: text, ..
        } => {
            ctx.metrics.inc(
                "nous_node_refusals_total",
                &[("topic", &t), ("role", role), ("error", refusal.code())],
            );
            ctx.log.error(
                "refused",
                json!({"role": role, "topic": topic, "for": what, "error": refusal.code(),
                    "log": text}),
            );
        }
        Sent::Unknown { hash } => {
            ctx.metrics.inc(
                "nous_node_unknown_results_total",
                &[("role", role), ("topic", &t)],
            );
            ctx.log.warn(
                "unknown_result",
                json!({"role": role, "topic": topic, "for": what, "tx": hash}),
            );
        }
        Sent::Failed(error) => ctx.log.warn(
            "not_sent",
            json!({"role": role, "topic": topic, "for": what, "error": error}),
        ),
    }
}
