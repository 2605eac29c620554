//! The storage side of a delegation's lazy settle (the arithmetic is in `rewards`): the
//! pool, the topic's last deposit snapshot and the pool's reward-per-share history.

use cosmwasm_std::{Addr, Order, Storage, Uint256};
use cw_storage_plus::Bound;

use crate::rewards;
use crate::state::{Delegation, Pool, LAST_DEPOSIT_SNAPSHOT, POOLS, RPS_HISTORY};
use crate::ContractError;

/// The pool's cumulative reward-per-share over the deposits for snapshots up to `height`
/// (zero before its first deposit): one bounded range read.
pub fn rps_up_to(
    storage: &dyn Storage,
    topic_id: u64,
    reputer: &Addr,
    height: u64,
) -> Result<Uint256, ContractError> {
    let last = RPS_HISTORY
        .prefix((topic_id, reputer))
        .range(
            storage,
            None,
            Some(Bound::inclusive(height)),
            Order::Descending,
        )
        .next()
        .transpose()?;
    Ok(last.map_or(Uint256::zero(), |(_, rps)| rps))
}

/// Settles `delegation` (of `topic_id`, `reputer`) against storage; returns the pool.
pub fn settle(
    storage: &dyn Storage,
    topic_id: u64,
    reputer: &Addr,
    delegation: &mut Delegation,
) -> Result<Pool, ContractError> {
    let pool = POOLS
        .may_load(storage, (topic_id, reputer))?
        .unwrap_or_default();
    let last = LAST_DEPOSIT_SNAPSHOT.may_load(storage, topic_id)?;
    rewards::settle(delegation, &pool, last, |h| {
        rps_up_to(storage, topic_id, reputer, h)
    })?;
    Ok(pool)
}
