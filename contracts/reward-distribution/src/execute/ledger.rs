//! The only code that changes the global sums of `Totals`, so each is updated exactly once
//! per change (SECURITY.md 13, 15):
//! - `claimable` with every credit and every claim;
//! - `weight_sum` and the weight index with every weight change and every activity
//!   transition (the topic's `active` flag is set nowhere else);
//! - `dust` with every carry.

use cosmwasm_std::{Addr, Decimal, Storage, Uint128};
use nous_types::reward_distribution::Totals;

use crate::error::ContractError;
use crate::state::{TopicState, CLAIMABLE, TOTALS, WEIGHT_INDEX};

/// Adds `amount` to what `owner` may claim.
pub fn credit(
    storage: &mut dyn Storage,
    totals: &mut Totals,
    owner: &Addr,
    amount: Uint128,
) -> Result<(), ContractError> {
    if amount.is_zero() {
        return Ok(());
    }
    let current = CLAIMABLE.may_load(storage, owner)?.unwrap_or_default();
    CLAIMABLE.save(storage, owner, &current.checked_add(amount)?)?;
    totals.claimable = totals.claimable.checked_add(amount)?;
    Ok(())
}

/// Removes and returns everything `owner` may claim (zero if nothing).
pub fn take_claimable(storage: &mut dyn Storage, owner: &Addr) -> Result<Uint128, ContractError> {
    let amount = CLAIMABLE.may_load(storage, owner)?.unwrap_or_default();
    if amount.is_zero() {
        return Ok(amount);
    }
    CLAIMABLE.remove(storage, owner);
    let mut totals = TOTALS.load(storage)?;
    totals.claimable = totals.claimable.checked_sub(amount)?;
    TOTALS.save(storage, &totals)?;
    Ok(amount)
}

/// Sets a topic's weight and activity, keeping the weight index and `weight_sum` in step:
/// the sum holds exactly the weights of the active topics.
pub fn set_weight(
    storage: &mut dyn Storage,
    totals: &mut Totals,
    topic_id: u64,
    topic: &mut TopicState,
    weight: Decimal,
    active: bool,
) -> Result<(), ContractError> {
    if topic.active {
        WEIGHT_INDEX.remove(storage, (topic.weight.atomics().u128(), topic_id));
        totals.weight_sum = totals.weight_sum.checked_sub(topic.weight)?;
    }
    if active {
        WEIGHT_INDEX.save(storage, (weight.atomics().u128(), topic_id), &())?;
        totals.weight_sum = totals.weight_sum.checked_add(weight)?;
    }
    topic.weight = weight;
    topic.has_weight = true;
    topic.active = active;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::TopicState;
    use cosmwasm_std::testing::{MockApi, MockStorage};
    use cosmwasm_std::{Order, StdResult};
    use nous_types::clock::EpochClock;

    fn clock() -> EpochClock {
        EpochClock {
            start_height: 0,
            epoch_length: 10,
            worker_window: 5,
            ground_truth_lag: 10,
        }
    }

    /// The weight sum equals the sum of the active weights after any sequence of weight
    /// changes and activity transitions; the index holds exactly the active topics.
    #[test]
    fn weight_sum_follows_every_transition() {
        let mut storage = MockStorage::new();
        let mut totals = Totals::default();
        let mut topics: Vec<TopicState> = (0..4).map(|_| TopicState::new(clock(), 0)).collect();
        // (topic, weight, active) steps covering on→on, on→off, off→off, off→on.
        let steps = [
            (0, 5u64, true),
            (1, 7, true),
            (0, 9, true),
            (2, 3, false),
            (1, 2, false),
            (1, 4, false),
            (2, 6, true),
            (3, 1, true),
            (0, 0, false),
            (1, 8, true),
        ];
        for (i, w, active) in steps {
            let topic = &mut topics[i];
            set_weight(
                &mut storage,
                &mut totals,
                i as u64,
                topic,
                Decimal::from_atomics(w, 0).unwrap(),
                active,
            )
            .unwrap();
            let expected: Decimal = topics.iter().filter(|t| t.active).map(|t| t.weight).sum();
            assert_eq!(totals.weight_sum, expected);
            let indexed: Vec<(u128, u64)> = WEIGHT_INDEX
                .keys(&storage, None, None, Order::Ascending)
                .collect::<StdResult<_>>()
                .unwrap();
            let mut want: Vec<(u128, u64)> = topics
                .iter()
                .enumerate()
                .filter(|(_, t)| t.active)
                .map(|(id, t)| (t.weight.atomics().u128(), id as u64))
                .collect();
            want.sort();
            assert_eq!(indexed, want);
        }
    }

    #[test]
    fn credits_and_claims_keep_the_total() {
        let mut storage = MockStorage::new();
        let api = MockApi::default();
        let (a, b) = (api.addr_make("a"), api.addr_make("b"));
        let mut totals = Totals::default();
        credit(&mut storage, &mut totals, &a, Uint128::new(5)).unwrap();
        credit(&mut storage, &mut totals, &b, Uint128::new(7)).unwrap();
        credit(&mut storage, &mut totals, &a, Uint128::zero()).unwrap();
        credit(&mut storage, &mut totals, &a, Uint128::new(1)).unwrap();
        assert_eq!(totals.claimable, Uint128::new(13));
        TOTALS.save(&mut storage, &totals).unwrap();
        assert_eq!(take_claimable(&mut storage, &a).unwrap(), Uint128::new(6));
        assert_eq!(take_claimable(&mut storage, &a).unwrap(), Uint128::zero());
        assert_eq!(TOTALS.load(&storage).unwrap().claimable, Uint128::new(7));
        assert!(CLAIMABLE.may_load(&storage, &a).unwrap().is_none());
    }
}
