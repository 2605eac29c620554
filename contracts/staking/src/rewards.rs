//! Delegator rewards by snapshot-aware reward-per-share (pure arithmetic; the one storage
//! read a settle needs comes in as a lookup function).
//!
//! Reward-distribution sizes a reputer's delegator share with the stake snapshot at a
//! height `H` (the start of the epoch's reputer window) and deposits it later, carrying
//! `H`. The share belongs to the delegations that snapshot counted, in proportion to what
//! it counted — also to delegators who left since, and never to those who came after.
//!
//! - A pool (topic, reputer) keeps a cumulative reward-per-share `R` (scaled by
//!   `REWARD_SCALE`). A deposit of `a` for snapshot `H` whose delegated total was `D_H`
//!   adds `floor((a·SCALE + carry) / D_H)` and keeps the remainder as `carry`. Deposits of
//!   a topic arrive in non-decreasing `H` (enforced), and the value of `R` after the
//!   deposits for `H` is recorded, so `R(≤ B)` — what every deposit for a snapshot up to
//!   height `B` added — is the last record at or below `B`.
//! - A change of a delegation's amount made in block `B` counts for snapshots after `B`
//!   (a change in block `B` is visible from `B + 1`). It is kept as a pending change
//!   `(B, new amount)`; while the topic's last deposit snapshot is `<= B`, deposits for
//!   snapshots `<= B` may still come and must reach the old amount. Once a deposit for a
//!   later snapshot arrived, none for `<= B` can come: the change is final. Settling a
//!   delegation walks its final changes in order: the old amount earns
//!   `amount · (R(≤ B) − index)`, the index moves to `R(≤ B)`, the new amount takes over;
//!   the amount after the last final change earns up to the pool's current `R`.
//! - Per deposit, the counted amounts of all delegations sum to `D_H` (staking checks the
//!   distributor's `D_H` against its own snapshot), so the credits of one deposit never
//!   exceed it; every division rounds down and fractions are carried per delegation, so
//!   what delegators can claim never exceeds what was deposited.
//! - A touch reads at most one `R(≤ B)` per pending change, and a delegation holds at most
//!   `MAX_PENDING_CHANGES` of them (one per block; changes in one block merge).

use cosmwasm_std::{StdError, Uint128, Uint256};
use nous_types::staking::{PendingChange, MAX_PENDING_CHANGES, REWARD_SCALE};

use crate::state::{Delegation, Pool};
use crate::ContractError;

fn scale() -> Uint256 {
    Uint256::from(REWARD_SCALE)
}

/// Credits `amount` to a pool whose delegations counted `delegated` (> 0) in the
/// deposit's snapshot.
pub fn credit_pool(
    pool: &mut Pool,
    amount: Uint128,
    delegated: Uint128,
) -> Result<(), ContractError> {
    let numerator = Uint256::from(amount)
        .checked_mul(scale())?
        .checked_add(pool.carry)?;
    let total = Uint256::from(delegated);
    let increase = numerator.checked_div(total).map_err(StdError::from)?;
    pool.carry = numerator.checked_rem(total).map_err(StdError::from)?;
    pool.reward_per_share = pool.reward_per_share.checked_add(increase)?;
    Ok(())
}

/// `amount` earned from the delegation's index up to the cumulative value `to`.
fn accrue(delegation: &mut Delegation, amount: Uint128, to: Uint256) -> Result<(), ContractError> {
    let growth = to.checked_sub(delegation.reward_index)?;
    let scaled = Uint256::from(amount)
        .checked_mul(growth)?
        .checked_add(delegation.reward_fraction)?;
    let whole = scaled.checked_div(scale()).map_err(StdError::from)?;
    delegation.reward_fraction = scaled.checked_rem(scale()).map_err(StdError::from)?;
    let whole = Uint128::try_from(whole).map_err(StdError::from)?;
    delegation.rewards = delegation.rewards.checked_add(whole)?;
    delegation.reward_index = to;
    Ok(())
}

/// Brings a delegation's rewards up to the pool's current reward-per-share, applying every
/// pending change that is final: one made in a block before `last_deposit_snapshot`
/// (the snapshot height of the topic's latest deposit). `rps_up_to(B)` answers the pool's
/// cumulative reward-per-share over the deposits for snapshots up to `B`.
pub fn settle(
    delegation: &mut Delegation,
    pool: &Pool,
    last_deposit_snapshot: Option<u64>,
    rps_up_to: impl Fn(u64) -> Result<Uint256, ContractError>,
) -> Result<(), ContractError> {
    while let Some(change) = delegation.pending.first().copied() {
        let is_final = last_deposit_snapshot.is_some_and(|h| h > change.height);
        if !is_final {
            break;
        }
        let boundary = rps_up_to(change.height)?;
        accrue(delegation, delegation.amount, boundary)?;
        delegation.amount = change.amount;
        delegation.pending.remove(0);
    }
    accrue(delegation, delegation.amount, pool.reward_per_share)
}

/// Records that the (settled) delegation's amount becomes `amount` in block `height`.
pub fn record_change(delegation: &mut Delegation, height: u64, amount: Uint128) {
    match delegation.pending.last_mut() {
        Some(last) if last.height == height => last.amount = amount,
        _ => delegation.pending.push(PendingChange { height, amount }),
    }
}

/// Refuses an action that would leave fewer than `reserved` free slots for later changes
/// (the payouts that must stay possible); `change_at`: the action itself changes the
/// amount in that block (a new slot unless the last change is in the same block).
pub fn check_room(
    delegation: &Delegation,
    change_at: Option<u64>,
    reserved: u32,
) -> Result<(), ContractError> {
    let pending = u32::try_from(delegation.pending.len()).unwrap_or(u32::MAX);
    let new = u32::from(
        change_at
            .is_some_and(|height| delegation.pending.last().is_none_or(|c| c.height != height)),
    );
    if pending.saturating_add(new).saturating_add(reserved) > MAX_PENDING_CHANGES {
        return Err(ContractError::TooManyPendingChanges {
            pending,
            max: MAX_PENDING_CHANGES,
        });
    }
    Ok(())
}

/// A new, empty delegation that starts at the pool's current reward-per-share.
pub fn new_delegation(pool: &Pool) -> Delegation {
    Delegation {
        amount: Uint128::zero(),
        reward_index: pool.reward_per_share,
        rewards: Uint128::zero(),
        reward_fraction: Uint256::zero(),
        pending: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A pool with its history, as storage keeps it.
    #[derive(Default)]
    struct Book {
        pool: Pool,
        history: BTreeMap<u64, Uint256>,
        last: Option<u64>,
    }

    impl Book {
        fn deposit(&mut self, snapshot: u64, amount: u128, delegated: u128) {
            credit_pool(
                &mut self.pool,
                Uint128::new(amount),
                Uint128::new(delegated),
            )
            .unwrap();
            self.history.insert(snapshot, self.pool.reward_per_share);
            self.last = Some(snapshot);
        }

        fn settle(&self, d: &mut Delegation) {
            let rps = |h: u64| {
                Ok(self
                    .history
                    .range(..=h)
                    .next_back()
                    .map_or(Uint256::zero(), |(_, v)| *v))
            };
            settle(d, &self.pool, self.last, rps).unwrap();
        }

        fn claimable(&self, d: &Delegation) -> u128 {
            let mut copy = d.clone();
            self.settle(&mut copy);
            copy.rewards.u128()
        }

        /// The delegation changes to `amount` in block `height`.
        fn change(&self, d: &mut Delegation, height: u64, amount: u128) {
            self.settle(d);
            record_change(d, height, Uint128::new(amount));
        }
    }

    #[test]
    fn one_delegator_gets_everything() {
        let mut b = Book::default();
        let mut d = new_delegation(&b.pool);
        b.change(&mut d, 5, 1_000);
        b.deposit(6, 777, 1_000);
        assert_eq!(b.claimable(&d), 777);
        assert_eq!(b.pool.carry, Uint256::zero());
    }

    #[test]
    fn odd_amounts_round_down_and_carry_the_remainder() {
        let mut b = Book::default();
        let mut ds: Vec<Delegation> = (0..3).map(|_| new_delegation(&b.pool)).collect();
        for d in &mut ds {
            b.change(d, 1, 3);
        }
        b.deposit(2, 10, 9);
        // 10/9 per unit: each of the three gets 3.33.., rounded down to 3.
        for d in &ds {
            assert_eq!(b.claimable(d), 3);
        }
        // the division's remainder is kept, not dropped
        assert_eq!(b.pool.carry, Uint256::from(1u8));
        b.deposit(3, 2, 9);
        let total: u128 = ds.iter().map(|d| b.claimable(d)).sum();
        assert!(total <= 12);
        assert!(total >= 12 - 3, "dust is below one token per delegator");
    }

    /// A delegation made in block 10 is not in the snapshot at 10 (visible from 11): the
    /// deposit for snapshot 10 goes to the delegations that were there, even when it
    /// arrives after the newcomer joined.
    #[test]
    fn a_late_delegator_earns_nothing_of_earlier_snapshots() {
        let mut b = Book::default();
        let mut early = new_delegation(&b.pool);
        b.change(&mut early, 3, 10);
        let mut late = new_delegation(&b.pool);
        b.change(&mut late, 10, 10);
        b.deposit(7, 100, 10);
        b.deposit(10, 100, 10);
        assert_eq!(b.claimable(&early), 200);
        assert_eq!(b.claimable(&late), 0);
        b.deposit(11, 100, 20);
        assert_eq!(b.claimable(&early), 250);
        assert_eq!(b.claimable(&late), 50);
    }

    /// A delegator that leaves in block 12 still earns the deposits for snapshots up to 12
    /// that arrive later, at its old amount.
    #[test]
    fn a_leaver_keeps_what_earlier_snapshots_counted() {
        let mut b = Book::default();
        let mut stays = new_delegation(&b.pool);
        b.change(&mut stays, 1, 30);
        let mut leaves = new_delegation(&b.pool);
        b.change(&mut leaves, 1, 10);
        b.change(&mut leaves, 12, 0);
        // deposits for snapshots 5 and 12 arrive after the leaver's payout
        b.deposit(5, 40, 40);
        b.deposit(12, 40, 40);
        assert_eq!(b.claimable(&leaves), 20);
        b.deposit(20, 30, 30);
        assert_eq!(b.claimable(&leaves), 20);
        assert_eq!(b.claimable(&stays), 30 + 30 + 30);
        // settled for good: the pending change is applied once a later snapshot paid
        b.settle(&mut leaves);
        assert!(leaves.pending.is_empty());
        assert_eq!(leaves.amount, Uint128::zero());
        assert_eq!(leaves.rewards, Uint128::new(20));
    }

    #[test]
    fn changes_in_one_block_merge_and_later_ones_wait_in_order() {
        let mut b = Book::default();
        let mut d = new_delegation(&b.pool);
        b.change(&mut d, 4, 10);
        b.change(&mut d, 4, 30);
        assert_eq!(
            d.pending,
            vec![PendingChange {
                height: 4,
                amount: Uint128::new(30)
            }]
        );
        b.change(&mut d, 6, 50);
        b.change(&mut d, 9, 20);
        assert_eq!(d.current(), Uint128::new(20));
        // snapshots 5, 7 and 10 counted 30, 50 and 20
        b.deposit(5, 30, 30);
        b.deposit(7, 50, 50);
        b.deposit(10, 20, 20);
        assert_eq!(b.claimable(&d), 100);
        b.settle(&mut d);
        assert!(d.pending.is_empty());
        assert_eq!(d.amount, Uint128::new(20));
    }

    #[test]
    fn room_for_pending_changes_is_bounded() {
        let mut d = new_delegation(&Pool::default());
        for h in 0..(MAX_PENDING_CHANGES as u64 - 1) {
            check_room(&d, Some(h), 1).unwrap();
            record_change(&mut d, h, Uint128::new(h as u128 + 1));
        }
        // the last slot is kept for a whole-position undelegation
        assert_eq!(
            check_room(&d, Some(100), 1),
            Err(ContractError::TooManyPendingChanges {
                pending: MAX_PENDING_CHANGES - 1,
                max: MAX_PENDING_CHANGES
            })
        );
        // a change in the block of the last one needs no new slot
        check_room(&d, Some(MAX_PENDING_CHANGES as u64 - 2), 1).unwrap();
        check_room(&d, Some(100), 0).unwrap();
        // an undelegation request changes nothing yet: its payout's slot is reserved
        check_room(&d, None, 1).unwrap();
        assert!(check_room(&d, None, 2).is_err());
    }

    #[test]
    fn tiny_deposits_to_a_huge_pool_are_carried_until_they_count() {
        let mut b = Book::default();
        let total = 10u128.pow(30);
        let mut d = new_delegation(&b.pool);
        b.change(&mut d, 0, total);
        for h in 1..=5 {
            b.deposit(h, 1, total);
        }
        // RPS does not move (1e18 / 1e30 rounds to 0) but nothing is lost.
        assert_eq!(b.pool.reward_per_share, Uint256::zero());
        assert_eq!(b.pool.carry, Uint256::from(5u128 * REWARD_SCALE));
        b.deposit(6, 10u128.pow(12), total);
        assert_eq!(b.pool.reward_per_share, Uint256::one());
        assert_eq!(b.claimable(&d), 10u128.pow(12));
        b.deposit(7, 10u128.pow(12) - 5, total);
        assert_eq!(b.pool.carry, Uint256::zero());
        assert_eq!(b.claimable(&d), 2 * 10u128.pow(12));
    }
}
