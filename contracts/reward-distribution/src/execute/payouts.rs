//! The payouts `Settle` sends out — the chain-security share and the delegators' deposits
//! to staking — isolated, so that one refusal (a module account that cannot receive bank
//! sends, a staking contract whose configuration moved) does not revert the settlement
//! of every topic. Each goes as a sub-message with a gas limit that replies only on error;
//! the reply parks the amount (state, `payout_parked` event, `Parked` query). A parked
//! amount stays in this contract's books (`Totals.parked`: the balance is claimable plus
//! dust plus parked) until `RetryParked` (anyone) pays it or the owner's `RedirectParked`
//! sends it elsewhere. Nothing is created or lost on the way.
//!
//! Staking takes a topic's deposits in snapshot order only, so while a topic has a parked
//! deposit its later deposits are parked behind it, and a retry sends a topic's parked
//! deposits oldest first in one message: they succeed or are parked again together.

use cosmwasm_std::{
    from_json, to_json_binary, Addr, CosmosMsg, DepsMut, Env, Event, MessageInfo, Order, Reply,
    Response, Storage, SubMsg, SubMsgResult, Uint128,
};
use cw_storage_plus::Bound;
use nous_math::sorted_map::SortedMap;
use nous_types::funds::transfer_msg;
use nous_types::pagination::page_size;
use nous_types::reward_distribution::{
    Config, ParkedKind, ParkedPayout, ParkedResponse, Totals, DEFAULT_RETRIES_PER_CALL,
    DEPOSIT_GAS_BASE, DEPOSIT_GAS_PER_ENTRY, MAX_RETRIES_PER_CALL, MAX_RETRY_DEPOSIT_ENTRIES,
    PAYOUT_GAS_LIMIT,
};
use nous_types::staking::ReputerReward;

use crate::error::ContractError;
use crate::state::{CONFIG, PARKED, PARKED_BY_TOPIC, PARKED_SEQ, TOTALS};

/// The reply id of every isolated payout.
pub const REPLY_PAYOUT: u64 = 1;

/// `msg` paying out `records` with at most `gas`: replies only on error, with the records
/// as payload so the reply can park exactly them.
fn isolated(msg: CosmosMsg, gas: u64, records: &[ParkedPayout]) -> Result<SubMsg, ContractError> {
    Ok(SubMsg::reply_on_error(msg, REPLY_PAYOUT)
        .with_gas_limit(gas)
        .with_payload(to_json_binary(records)?))
}

/// The gas a deposit of `entries` entries may use.
fn deposit_gas(entries: usize) -> u64 {
    let entries = u64::try_from(entries).unwrap_or(u64::MAX);
    DEPOSIT_GAS_PER_ENTRY
        .saturating_mul(entries)
        .saturating_add(DEPOSIT_GAS_BASE)
}

fn kind_str(kind: &ParkedKind) -> &'static str {
    match kind {
        ParkedKind::ChainSecurity {} => "chain_security",
        ParkedKind::Delegators { .. } => "delegators",
    }
}

/// Stores `record` as parked (a new id unless it has one), counts it in `totals.parked`.
fn park(
    storage: &mut dyn Storage,
    totals: &mut Totals,
    mut record: ParkedPayout,
    height: u64,
    reason: String,
) -> Result<Event, ContractError> {
    if record.id == 0 {
        let id = PARKED_SEQ
            .may_load(storage)?
            .unwrap_or_default()
            .saturating_add(1);
        PARKED_SEQ.save(storage, &id)?;
        record.id = id;
    }
    record.parked_at = height;
    record.reason = reason;
    if let ParkedKind::Delegators { topic_id, .. } = &record.kind {
        PARKED_BY_TOPIC.save(storage, (*topic_id, record.id), &())?;
    }
    totals.parked = totals.parked.checked_add(record.amount)?;
    PARKED.save(storage, record.id, &record)?;
    let mut event = Event::new("payout_parked")
        .add_attribute("id", record.id.to_string())
        .add_attribute("kind", kind_str(&record.kind))
        .add_attribute("amount", record.amount)
        .add_attribute("reason", &record.reason);
    if let ParkedKind::Delegators { topic_id, .. } = &record.kind {
        event = event.add_attribute("topic_id", topic_id.to_string());
    }
    Ok(event)
}

/// Removes a parked record from the books (before it is paid).
fn unpark(
    storage: &mut dyn Storage,
    totals: &mut Totals,
    record: &ParkedPayout,
) -> Result<(), ContractError> {
    PARKED.remove(storage, record.id);
    if let ParkedKind::Delegators { topic_id, .. } = &record.kind {
        PARKED_BY_TOPIC.remove(storage, (*topic_id, record.id));
    }
    totals.parked = totals.parked.checked_sub(record.amount)?;
    Ok(())
}

fn new_record(amount: Uint128, kind: ParkedKind) -> ParkedPayout {
    ParkedPayout {
        id: 0,
        amount,
        kind,
        parked_at: 0,
        reason: String::new(),
    }
}

fn security_msg(config: &Config, amount: Uint128) -> Result<CosmosMsg, ContractError> {
    Ok(transfer_msg(
        &config.denom,
        &config.chain_security_recipient,
        amount,
    )?)
}

fn deposit_msg(
    config: &Config,
    amount: Uint128,
    topic_id: u64,
    rewards: Vec<ReputerReward>,
) -> Result<CosmosMsg, ContractError> {
    Ok(config
        .staking
        .deposit_delegator_rewards_msg(&config.denom, amount, topic_id, rewards)?)
}

/// What a payout of `Settle` becomes: a sub-message, or a parked record's event.
pub enum Outgoing {
    Send(SubMsg),
    Parked(Event),
}

/// The chain-security share of a call.
pub fn chain_security(config: &Config, amount: Uint128) -> Result<Outgoing, ContractError> {
    let record = new_record(amount, ParkedKind::ChainSecurity {});
    Ok(Outgoing::Send(isolated(
        security_msg(config, amount)?,
        PAYOUT_GAS_LIMIT,
        &[record],
    )?))
}

/// The delegators' deposit of one topic (its epochs of this call, in order); parked at
/// once behind the topic's parked deposits, if it has any.
pub fn delegator_deposit(
    storage: &mut dyn Storage,
    config: &Config,
    totals: &mut Totals,
    height: u64,
    topic_id: u64,
    (amount, rewards): (Uint128, Vec<ReputerReward>),
) -> Result<Outgoing, ContractError> {
    let waiting = PARKED_BY_TOPIC
        .prefix(topic_id)
        .keys(storage, None, None, Order::Ascending)
        .next()
        .transpose()?;
    let record = new_record(
        amount,
        ParkedKind::Delegators {
            topic_id,
            rewards: rewards.clone(),
        },
    );
    if let Some(first) = waiting {
        let reason = format!("waits behind parked deposit {first} of topic {topic_id}");
        return Ok(Outgoing::Parked(park(
            storage, totals, record, height, reason,
        )?));
    }
    let gas = deposit_gas(rewards.len());
    Ok(Outgoing::Send(isolated(
        deposit_msg(config, amount, topic_id, rewards)?,
        gas,
        &[record],
    )?))
}

/// `RetryParked`: the oldest parked payouts, grouped into one transfer for the
/// chain-security shares and one deposit per topic (at most `MAX_RETRY_DEPOSIT_ENTRIES`
/// entries; a topic whose next record would not fit waits, with all its later ones).
#[inline(never)]
pub fn retry(deps: DepsMut, limit: Option<u32>) -> Result<Response, ContractError> {
    let n = match limit {
        None => DEFAULT_RETRIES_PER_CALL,
        Some(n) if n == 0 || n > MAX_RETRIES_PER_CALL => {
            return Err(ContractError::InvalidLimit {
                max: MAX_RETRIES_PER_CALL,
                got: n,
            })
        }
        Some(n) => n,
    };
    let records: Vec<ParkedPayout> = PARKED
        .range(deps.storage, None, None, Order::Ascending)
        .take(n as usize)
        .map(|r| r.map(|(_, p)| p))
        .collect::<Result<_, _>>()?;
    if records.is_empty() {
        return Err(ContractError::NothingParked {});
    }
    let config = CONFIG.load(deps.storage)?;
    let mut totals = TOTALS.load(deps.storage)?;
    let mut security: (Uint128, Vec<ParkedPayout>) = (Uint128::zero(), vec![]);
    let mut topics: SortedMap<u64, (Uint128, Vec<ReputerReward>, Vec<ParkedPayout>)> =
        SortedMap::new();
    // topics whose next record did not fit: their later records wait too (order)
    let mut full = nous_math::sorted_map::SortedSet::new();
    for record in records {
        match &record.kind {
            ParkedKind::ChainSecurity {} => {
                security.0 = security.0.checked_add(record.amount)?;
                security.1.push(record.clone());
            }
            ParkedKind::Delegators { topic_id, rewards } => {
                let group = topics.entry(*topic_id).or_default();
                let fits = group.1.len().saturating_add(rewards.len()) <= MAX_RETRY_DEPOSIT_ENTRIES;
                if full.contains(topic_id) || (!group.2.is_empty() && !fits) {
                    full.insert(*topic_id);
                    continue;
                }
                group.0 = group.0.checked_add(record.amount)?;
                group.1.extend(rewards.iter().cloned());
                group.2.push(record.clone());
            }
        }
        unpark(deps.storage, &mut totals, &record)?;
    }
    TOTALS.save(deps.storage, &totals)?;
    let mut res = Response::new().add_attribute("action", "retry_parked");
    let mut retried = 0usize;
    if !security.0.is_zero() {
        retried += security.1.len();
        res = res.add_submessage(isolated(
            security_msg(&config, security.0)?,
            PAYOUT_GAS_LIMIT,
            &security.1,
        )?);
    }
    for (topic_id, (amount, rewards, group)) in topics {
        retried += group.len();
        let gas = deposit_gas(rewards.len());
        res = res.add_submessage(isolated(
            deposit_msg(&config, amount, topic_id, rewards)?,
            gas,
            &group,
        )?);
    }
    Ok(res
        .add_attribute("retried", retried.to_string())
        .add_attribute("parked", totals.parked))
}

/// `RedirectParked`: the owner pays a parked payout to another recipient.
#[inline(never)]
pub fn redirect(
    deps: DepsMut,
    info: MessageInfo,
    id: u64,
    recipient: String,
) -> Result<Response, ContractError> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let recipient: Addr = deps.api.addr_validate(&recipient)?;
    let record = PARKED
        .may_load(deps.storage, id)?
        .ok_or(ContractError::ParkedNotFound { id })?;
    let mut totals = TOTALS.load(deps.storage)?;
    unpark(deps.storage, &mut totals, &record)?;
    TOTALS.save(deps.storage, &totals)?;
    let config = CONFIG.load(deps.storage)?;
    Ok(Response::new()
        .add_message(transfer_msg(&config.denom, &recipient, record.amount)?)
        .add_attribute("action", "redirect_parked")
        .add_attribute("id", id.to_string())
        .add_attribute("kind", kind_str(&record.kind))
        .add_attribute("recipient", recipient)
        .add_attribute("amount", record.amount))
}

/// The reply of a refused payout: park what it carried.
#[inline(never)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    if msg.id != REPLY_PAYOUT {
        return Err(ContractError::UnknownReply { id: msg.id });
    }
    let SubMsgResult::Err(reason) = msg.result else {
        return Ok(Response::new());
    };
    let records: Vec<ParkedPayout> = from_json(&msg.payload)?;
    let mut totals = TOTALS.load(deps.storage)?;
    let mut res = Response::new();
    for record in records {
        let event = park(
            deps.storage,
            &mut totals,
            record,
            env.block.height,
            reason.clone(),
        )?;
        res = res.add_event(event);
    }
    TOTALS.save(deps.storage, &totals)?;
    Ok(res)
}

/// The `Parked` query.
pub fn list(
    storage: &dyn Storage,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<ParkedResponse, ContractError> {
    let parked = PARKED
        .range(
            storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .map(|r| r.map(|(_, p)| p))
        .collect::<Result<_, _>>()?;
    Ok(ParkedResponse { parked })
}
