//! The stake ledger the handlers share: stake totals with their snapshots, delegations and
//! pending removals.

use cosmwasm_std::{Addr, DepsMut, Storage, Uint128};
use nous_types::staking::{PendingRemoval, RemovalKind};

use crate::state::{
    Delegation, ReputerTotals, DELEGATIONS, PENDING, QUEUE, STAKES, TOPIC_STAKE, TOTAL_STAKED,
};
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

/// The pending removal of `staker` in `topic_id` from `reputer` of the given kind.
pub(crate) fn load_pending(
    storage: &dyn Storage,
    staker: &Addr,
    topic_id: u64,
    reputer: &Addr,
    kind: RemovalKind,
) -> Result<Option<PendingRemoval>, ContractError> {
    let Some(key) = PENDING.may_load(storage, (staker, topic_id, reputer))? else {
        return Ok(None);
    };
    let removal = QUEUE.may_load(storage, key)?;
    Ok(removal.filter(|r| r.kind == kind))
}

/// Saves a delegation, or deletes it once it holds no stake, no pending change and no
/// claimable rewards (a fraction of a token left in it becomes dust).
pub(crate) fn store_delegation(
    deps: &mut DepsMut,
    delegator: &Addr,
    topic_id: u64,
    reputer: &Addr,
    delegation: &Delegation,
) -> Result<(), ContractError> {
    let key = (delegator, topic_id, reputer);
    if delegation.amount.is_zero() && delegation.pending.is_empty() && delegation.rewards.is_zero()
    {
        DELEGATIONS.remove(deps.storage, key);
    } else {
        DELEGATIONS.save(deps.storage, key, delegation)?;
    }
    Ok(())
}
