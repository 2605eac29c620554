//! A topic's fee revenue over time: which epoch a height belongs to, the revenue as of an
//! epoch (newest checkpoint at or before it, dripped), and booking a payment.

use cosmwasm_std::{OverflowError, OverflowOperation, Storage, Uint128};
use nous_types::fee_vault::TopicInfo;
use nous_types::EpochClock;

use crate::drip::DripRate;
use crate::state::{checkpoint_at_or_before, REVENUE};
use crate::ContractError;

/// The topic's epoch at `height` (nous_types::clock defines epochs; only `epoch_at` is
/// used, so the window fields are irrelevant here). Heights before the topic's start
/// height belong to epoch 0: a fee paid before the first epoch counts for it.
pub fn epoch_of(topic: &TopicInfo, height: u64) -> u64 {
    EpochClock {
        start_height: topic.start_height,
        epoch_length: topic.epoch_length,
        worker_window: topic.epoch_length,
        ground_truth_lag: topic.epoch_length,
        reveal_window: 0,
    }
    .epoch_at(height)
    .unwrap_or(0)
}

/// The topic's revenue as of `epoch`: every payment made up to the end of that epoch,
/// with one drip per epoch boundary crossed since each payment. 0 before the first payment.
pub fn revenue_as_of(
    storage: &dyn Storage,
    topic: &TopicInfo,
    blocks_per_month: u64,
    epoch: u64,
) -> Result<Uint128, ContractError> {
    let Some((at, revenue)) = checkpoint_at_or_before(storage, topic.topic_id, epoch)? else {
        return Ok(Uint128::zero());
    };
    let gap = epoch
        .checked_sub(at)
        .ok_or_else(|| OverflowError::new(OverflowOperation::Sub))?;
    Ok(DripRate::new(topic.epoch_length, blocks_per_month).apply(revenue, gap)?)
}

/// Adds `amount` to the topic's revenue in the epoch of `height` and writes that epoch's
/// checkpoint. Returns `(epoch, new revenue)`.
pub fn book_revenue(
    storage: &mut dyn Storage,
    topic: &TopicInfo,
    blocks_per_month: u64,
    height: u64,
    amount: Uint128,
) -> Result<(u64, Uint128), ContractError> {
    let epoch = epoch_of(topic, height);
    let revenue = revenue_as_of(storage, topic, blocks_per_month, epoch)?.checked_add(amount)?;
    REVENUE.save(storage, (topic.topic_id, epoch), &revenue)?;
    Ok((epoch, revenue))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    /// E_w = 200 exactly for a 100-block epoch (drip 0.5 % per epoch).
    const BPM: u64 = 86_900;

    fn topic() -> TopicInfo {
        TopicInfo {
            topic_id: 7,
            epoch_length: 100,
            start_height: 1_000,
            registered_height: 900,
        }
    }

    #[test]
    fn epochs_follow_the_topic_clock() {
        let t = topic();
        assert_eq!(epoch_of(&t, 0), 0);
        assert_eq!(epoch_of(&t, 999), 0);
        assert_eq!(epoch_of(&t, 1_099), 0);
        assert_eq!(epoch_of(&t, 1_100), 1);
        assert_eq!(epoch_of(&t, 1_250), 2);
    }

    #[test]
    fn booking_writes_the_current_epoch_and_leaves_the_past_alone() {
        let mut s = MockStorage::new();
        let t = topic();
        assert_eq!(revenue_as_of(&s, &t, BPM, 5).unwrap(), Uint128::zero());
        assert_eq!(
            book_revenue(&mut s, &t, BPM, 1_050, Uint128::new(1_000_000)).unwrap(),
            (0, Uint128::new(1_000_000))
        );
        assert_eq!(
            book_revenue(&mut s, &t, BPM, 1_099, Uint128::new(1_000)).unwrap(),
            (0, Uint128::new(1_001_000))
        );
        // Two epochs later: 1_001_000 -> 995_995 -> 991_015 (ceil(995_995/200) = 4_980).
        assert_eq!(
            revenue_as_of(&s, &t, BPM, 2).unwrap(),
            Uint128::new(991_015)
        );
        assert_eq!(
            book_revenue(&mut s, &t, BPM, 1_200, Uint128::new(5)).unwrap(),
            (2, Uint128::new(991_020))
        );
        assert_eq!(
            revenue_as_of(&s, &t, BPM, 0).unwrap(),
            Uint128::new(1_001_000)
        );
        assert_eq!(
            revenue_as_of(&s, &t, BPM, 1).unwrap(),
            Uint128::new(995_995)
        );
        assert_eq!(
            revenue_as_of(&s, &t, BPM, 2).unwrap(),
            Uint128::new(991_020)
        );
    }
}
