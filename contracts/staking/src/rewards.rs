//! Delegator rewards by reward-per-share (pure arithmetic, no storage).
//!
//! A pool (topic, reputer) keeps `reward_per_share` (RPS), scaled by `REWARD_SCALE`.
//! A deposit of `a` while `D` is delegated adds `floor((a·SCALE + carry) / D)` to RPS and
//! keeps what the division leaves as `carry` for the next deposit; a deposit while `D == 0`
//! waits in `undistributed` and joins the next deposit. A delegation of `x` last settled at
//! RPS `r₀` has earned `x·(RPS − r₀)` scaled units since; settling moves the whole tokens to
//! `rewards` and keeps the fraction for the next settle. Every division rounds down, so
//! the sum of what delegators can claim never exceeds what was deposited: the difference
//! (carry, fractions, fractions of deleted delegations) is dust the contract keeps.

use cosmwasm_std::{StdError, Uint128, Uint256};
use nous_types::staking::REWARD_SCALE;

use crate::state::{Delegation, Pool};
use crate::ContractError;

fn scale() -> Uint256 {
    Uint256::from(REWARD_SCALE)
}

/// Credits `amount` to a pool behind which `total_delegated` is delegated.
pub fn credit_pool(
    pool: &mut Pool,
    amount: Uint128,
    total_delegated: Uint128,
) -> Result<(), ContractError> {
    if total_delegated.is_zero() {
        pool.undistributed = pool.undistributed.checked_add(amount)?;
        return Ok(());
    }
    let tokens = amount.checked_add(pool.undistributed)?;
    let numerator = Uint256::from(tokens)
        .checked_mul(scale())?
        .checked_add(pool.carry)?;
    let total = Uint256::from(total_delegated);
    let increase = numerator.checked_div(total).map_err(StdError::from)?;
    pool.carry = numerator.checked_rem(total).map_err(StdError::from)?;
    pool.reward_per_share = pool.reward_per_share.checked_add(increase)?;
    pool.undistributed = Uint128::zero();
    Ok(())
}

/// Brings a delegation's rewards up to the pool's current reward-per-share. Must run
/// before every change of the delegation's amount.
pub fn settle(delegation: &mut Delegation, pool: &Pool) -> Result<(), ContractError> {
    let growth = pool.reward_per_share.checked_sub(delegation.reward_index)?;
    let scaled = Uint256::from(delegation.amount)
        .checked_mul(growth)?
        .checked_add(delegation.reward_fraction)?;
    let whole = scaled.checked_div(scale()).map_err(StdError::from)?;
    delegation.reward_fraction = scaled.checked_rem(scale()).map_err(StdError::from)?;
    let whole = Uint128::try_from(whole).map_err(StdError::from)?;
    delegation.rewards = delegation.rewards.checked_add(whole)?;
    delegation.reward_index = pool.reward_per_share;
    Ok(())
}

/// A new, empty delegation that starts earning from the pool's current reward-per-share.
pub fn new_delegation(pool: &Pool) -> Delegation {
    Delegation {
        amount: Uint128::zero(),
        reward_index: pool.reward_per_share,
        rewards: Uint128::zero(),
        reward_fraction: Uint256::zero(),
    }
}

/// What a delegation could claim now, without changing it.
pub fn claimable(delegation: &Delegation, pool: &Pool) -> Result<Uint128, ContractError> {
    let mut copy = delegation.clone();
    settle(&mut copy, pool)?;
    Ok(copy.rewards)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(pool: &Pool, amount: u128) -> Delegation {
        let mut d = new_delegation(pool);
        d.amount = Uint128::new(amount);
        d
    }

    fn total_claimable(ds: &[Delegation], pool: &Pool) -> u128 {
        ds.iter().map(|d| claimable(d, pool).unwrap().u128()).sum()
    }

    #[test]
    fn one_delegator_gets_everything() {
        let mut pool = Pool::default();
        let d = join(&pool, 1_000);
        credit_pool(&mut pool, Uint128::new(777), Uint128::new(1_000)).unwrap();
        assert_eq!(claimable(&d, &pool).unwrap(), Uint128::new(777));
        assert_eq!(pool.carry, Uint256::zero());
    }

    #[test]
    fn odd_amounts_round_down_and_carry_the_remainder() {
        let mut pool = Pool::default();
        let ds = vec![join(&pool, 3), join(&pool, 3), join(&pool, 3)];
        credit_pool(&mut pool, Uint128::new(10), Uint128::new(9)).unwrap();
        // 10/9 per unit: each of the three gets 3.33.., rounded down to 3.
        for d in &ds {
            assert_eq!(claimable(d, &pool).unwrap(), Uint128::new(3));
        }
        // The division's remainder is kept, not dropped.
        assert_eq!(pool.carry, Uint256::from(1u8));
        assert_eq!(total_claimable(&ds, &pool), 9);
        // A second deposit of 2: each has 3.33.. + 0.66.. = 4 (the fractions add up).
        credit_pool(&mut pool, Uint128::new(2), Uint128::new(9)).unwrap();
        let total = total_claimable(&ds, &pool);
        assert!(total <= 12);
        assert!(total >= 12 - 3, "dust is below one token per delegator");
    }

    #[test]
    fn several_deposits_and_a_change_of_amount_never_overpay() {
        let mut pool = Pool::default();
        let mut a = join(&pool, 7);
        let b = join(&pool, 13);
        let mut deposited = 0u128;
        for amount in [1u128, 5, 11, 3, 999_999, 2] {
            credit_pool(&mut pool, Uint128::new(amount), Uint128::new(20)).unwrap();
            deposited += amount;
        }
        // a doubles its delegation: settle first, then change the amount.
        settle(&mut a, &pool).unwrap();
        let settled = a.rewards;
        a.amount = Uint128::new(14);
        credit_pool(&mut pool, Uint128::new(27), Uint128::new(27)).unwrap();
        deposited += 27;
        assert!(claimable(&a, &pool).unwrap() >= settled + Uint128::new(14));
        let owed = claimable(&a, &pool).unwrap().u128() + claimable(&b, &pool).unwrap().u128();
        assert!(owed <= deposited);
        assert!(deposited - owed <= 2, "dust: {}", deposited - owed);
    }

    #[test]
    fn tiny_deposits_to_a_huge_pool_are_carried_until_they_count() {
        let mut pool = Pool::default();
        let total = Uint128::new(10u128.pow(30));
        let d = join(&pool, 10u128.pow(30));
        for _ in 0..5 {
            credit_pool(&mut pool, Uint128::one(), total).unwrap();
        }
        // RPS does not move (1e18 / 1e30 rounds to 0) but nothing is lost.
        assert_eq!(pool.reward_per_share, Uint256::zero());
        assert_eq!(pool.carry, Uint256::from(5u128 * REWARD_SCALE));
        credit_pool(&mut pool, Uint128::new(10u128.pow(12)), total).unwrap();
        // 1e12 moves RPS by one scaled unit; the 5 carried tokens still wait in the carry.
        assert_eq!(pool.reward_per_share, Uint256::one());
        assert_eq!(pool.carry, Uint256::from(5u128 * REWARD_SCALE));
        assert_eq!(claimable(&d, &pool).unwrap(), Uint128::new(10u128.pow(12)));
        // Once the carried remainder adds up to a full scaled unit it is paid out.
        credit_pool(&mut pool, Uint128::new(10u128.pow(12) - 5), total).unwrap();
        assert_eq!(pool.carry, Uint256::zero());
        assert_eq!(
            claimable(&d, &pool).unwrap(),
            Uint128::new(2 * 10u128.pow(12))
        );
    }

    #[test]
    fn deposits_without_delegators_wait_for_the_next_deposit() {
        let mut pool = Pool::default();
        credit_pool(&mut pool, Uint128::new(40), Uint128::zero()).unwrap();
        assert_eq!(pool.undistributed, Uint128::new(40));
        let d = join(&pool, 4);
        credit_pool(&mut pool, Uint128::new(4), Uint128::new(4)).unwrap();
        assert_eq!(pool.undistributed, Uint128::zero());
        assert_eq!(claimable(&d, &pool).unwrap(), Uint128::new(44));
    }

    #[test]
    fn a_late_delegator_earns_only_later_deposits() {
        let mut pool = Pool::default();
        let early = join(&pool, 10);
        credit_pool(&mut pool, Uint128::new(100), Uint128::new(10)).unwrap();
        let late = join(&pool, 10);
        credit_pool(&mut pool, Uint128::new(100), Uint128::new(20)).unwrap();
        assert_eq!(claimable(&early, &pool).unwrap(), Uint128::new(150));
        assert_eq!(claimable(&late, &pool).unwrap(), Uint128::new(50));
    }
}
