//! Execute handlers, one file per concern, and the stake ledger they share.

pub mod config;
pub mod delegation;
pub mod removal;
pub mod rewards;
pub mod stake;

use cosmwasm_std::{Addr, Storage, Uint128};
use nous_types::staking::RemovalKind;

use crate::state::{ReputerTotals, STAKES, TOPIC_STAKE, TOTAL_STAKED};
use crate::ContractError;

/// Adds (`add`) or subtracts `amount` to the self-stake or the delegated stake behind
/// (topic, reputer), and to the topic's and the contract's totals, snapshotting at `height`.
pub(crate) fn change_stake(
    storage: &mut dyn Storage,
    height: u64,
    topic_id: u64,
    reputer: &Addr,
    kind: RemovalKind,
    amount: Uint128,
    add: bool,
) -> Result<ReputerTotals, ContractError> {
    let mut totals = STAKES
        .may_load(storage, (topic_id, reputer))?
        .unwrap_or_default();
    let part = match kind {
        RemovalKind::SelfStake => &mut totals.self_stake,
        RemovalKind::Delegation => &mut totals.delegated,
    };
    *part = if add {
        part.checked_add(amount)?
    } else {
        part.checked_sub(amount)?
    };
    if totals.self_stake.is_zero() && totals.delegated.is_zero() {
        STAKES.remove(storage, (topic_id, reputer), height)?;
    } else {
        STAKES.save(storage, (topic_id, reputer), &totals, height)?;
    }

    let topic = TOPIC_STAKE.may_load(storage, topic_id)?.unwrap_or_default();
    let topic = if add {
        topic.checked_add(amount)?
    } else {
        topic.checked_sub(amount)?
    };
    TOPIC_STAKE.save(storage, topic_id, &topic, height)?;

    let total = TOTAL_STAKED.may_load(storage)?.unwrap_or_default();
    let total = if add {
        total.checked_add(amount)?
    } else {
        total.checked_sub(amount)?
    };
    TOTAL_STAKED.save(storage, &total)?;
    Ok(totals)
}
