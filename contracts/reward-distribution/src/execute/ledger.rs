//! The only code that changes the global sums of `Totals`, so each is updated exactly once
//! per change (SECURITY.md 13, 15):
//! - `claimable` with every credit and every claim;
//! - `weight_sum` and the weight index with every weight change and every activity
//!   transition (the topic's `active` flag is set nowhere else);
//! - `dust` with every carry.

use cosmwasm_std::{Addr, Api, Decimal, Order, StdResult, Storage, Uint128};
use cw_storage_plus::{Bound, Map};
use nous_types::reward_distribution::Totals;

use crate::error::ContractError;
use crate::state::{TopicState, CLAIMABLE, TOTALS, WEIGHT_INDEX};

/// Adds `amount` to what `owner` may claim.
pub fn credit(
    storage: &mut dyn Storage,
    api: &dyn Api,
    totals: &mut Totals,
    owner: &Addr,
    amount: Uint128,
) -> Result<(), ContractError> {
    if amount.is_zero() {
        return Ok(());
    }
    let key = api.addr_canonicalize(owner.as_str())?;
    let current = CLAIMABLE.may_load(storage, &key)?.unwrap_or_default();
    CLAIMABLE.save(storage, &key, &current.checked_add(amount)?)?;
    totals.claimable = totals.claimable.checked_add(amount)?;
    Ok(())
}

/// What `owner` may claim (zero if nothing).
pub fn claimable(storage: &dyn Storage, api: &dyn Api, owner: &Addr) -> StdResult<Uint128> {
    let key = api.addr_canonicalize(owner.as_str())?;
    Ok(CLAIMABLE.may_load(storage, &key)?.unwrap_or_default())
}

/// Up to `limit` claimable balances after `start_after`, in the order of the addresses'
/// canonical bytes.
pub fn claimables(
    storage: &dyn Storage,
    api: &dyn Api,
    start_after: Option<&Addr>,
    limit: usize,
) -> StdResult<Vec<(Addr, Uint128)>> {
    let start = start_after
        .map(|a| api.addr_canonicalize(a.as_str()))
        .transpose()?;
    CLAIMABLE
        .range(
            storage,
            start.as_deref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit)
        .map(|r| {
            let (key, amount) = r?;
            Ok((api.addr_humanize(&key.into())?, amount))
        })
        .collect()
}

/// Removes and returns everything `owner` may claim (zero if nothing).
pub fn take_claimable(
    storage: &mut dyn Storage,
    api: &dyn Api,
    owner: &Addr,
) -> Result<Uint128, ContractError> {
    let key = api.addr_canonicalize(owner.as_str())?;
    let amount = CLAIMABLE.may_load(storage, &key)?.unwrap_or_default();
    if amount.is_zero() {
        return Ok(amount);
    }
    CLAIMABLE.remove(storage, &key);
    let mut totals = TOTALS.load(storage)?;
    totals.claimable = totals.claimable.checked_sub(amount)?;
    TOTALS.save(storage, &totals)?;
    Ok(amount)
}

/// The balances of the previous format: keyed by the owner's address text.
const OLD_CLAIMABLE: Map<&Addr, Uint128> = Map::new("claimable");

/// `migrate`: moves every balance of the previous format to its canonical key (added to a
/// balance already there); returns how many it moved. `Totals.claimable` is unchanged:
/// the same amounts, under other keys.
pub fn migrate_claimable(storage: &mut dyn Storage, api: &dyn Api) -> Result<u64, ContractError> {
    let old: Vec<(Addr, Uint128)> = OLD_CLAIMABLE
        .range(storage, None, None, Order::Ascending)
        .collect::<StdResult<_>>()?;
    for (owner, amount) in &old {
        let key = api.addr_canonicalize(owner.as_str())?;
        let current = CLAIMABLE.may_load(storage, &key)?.unwrap_or_default();
        CLAIMABLE.save(storage, &key, &current.checked_add(*amount)?)?;
        OLD_CLAIMABLE.remove(storage, owner);
    }
    Ok(old.len() as u64)
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
    use nous_types::clock::EpochClock;

    fn clock() -> EpochClock {
        EpochClock {
            start_height: 0,
            epoch_length: 10,
            worker_window: 5,
            ground_truth_lag: 10,
            reveal_window: 0,
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
        credit(&mut storage, &api, &mut totals, &a, Uint128::new(5)).unwrap();
        credit(&mut storage, &api, &mut totals, &b, Uint128::new(7)).unwrap();
        credit(&mut storage, &api, &mut totals, &a, Uint128::zero()).unwrap();
        credit(&mut storage, &api, &mut totals, &a, Uint128::new(1)).unwrap();
        assert_eq!(totals.claimable, Uint128::new(13));
        TOTALS.save(&mut storage, &totals).unwrap();
        assert_eq!(
            take_claimable(&mut storage, &api, &a).unwrap(),
            Uint128::new(6)
        );
        assert_eq!(
            take_claimable(&mut storage, &api, &a).unwrap(),
            Uint128::zero()
        );
        assert_eq!(TOTALS.load(&storage).unwrap().claimable, Uint128::new(7));
        assert!(claimable(&storage, &api, &a).unwrap().is_zero());
        assert_eq!(
            claimables(&storage, &api, None, 10).unwrap(),
            vec![(b, Uint128::new(7))]
        );
    }

    #[test]
    fn migrate_moves_balances_of_the_old_format_to_canonical_keys() {
        let mut storage = MockStorage::new();
        let api = MockApi::default();
        let (a, b) = (api.addr_make("a"), api.addr_make("b"));
        // written as the previous code did: the address text as key
        OLD_CLAIMABLE
            .save(&mut storage, &a, &Uint128::new(5))
            .unwrap();
        OLD_CLAIMABLE
            .save(&mut storage, &b, &Uint128::new(7))
            .unwrap();
        // a credit made under the new format since is kept and added to
        let mut totals = Totals::default();
        credit(&mut storage, &api, &mut totals, &a, Uint128::new(1)).unwrap();
        assert_eq!(migrate_claimable(&mut storage, &api).unwrap(), 2);
        assert_eq!(claimable(&storage, &api, &a).unwrap(), Uint128::new(6));
        assert_eq!(claimable(&storage, &api, &b).unwrap(), Uint128::new(7));
        assert!(OLD_CLAIMABLE
            .range(&storage, None, None, Order::Ascending)
            .next()
            .is_none());
        assert_eq!(migrate_claimable(&mut storage, &api).unwrap(), 0);
        let all = claimables(&storage, &api, None, 10).unwrap();
        assert_eq!(all.len(), 2);
        // pages continue after the address given
        let rest = claimables(&storage, &api, Some(&all[0].0), 10).unwrap();
        assert_eq!(rest, all[1..].to_vec());
    }
}
