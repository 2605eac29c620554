//! Removing the records of old nonces, so a topic's storage stays bounded. Only the
//! permissionless crank prunes (never a payload or a bundle), at most `PRUNE_PER_CALL` keys
//! per call, resuming where the last call stopped (`TopicRecord::pruned_below`).

use cosmwasm_std::{Order, Storage};
use cw_storage_plus::Bound;

use crate::error::ContractError;
use crate::records::{bundle_reputers, remove_bundle, remove_results};
use crate::state::{remove_scores_record, remove_sets, TopicRecord, COMMITMENTS, EPOCHS, PAYLOADS};

/// Nonces kept after their reputer window closed: twice reward-distribution's window of
/// unsettled epochs (`reward_distribution::MAX_UNSETTLED_EPOCHS`), so nothing it may still
/// settle is removed.
pub const RETAINED_EPOCHS: u64 = 2 * nous_types::reward_distribution::MAX_UNSETTLED_EPOCHS;
/// Keys removed per `CloseWindows` call at most.
pub const PRUNE_PER_CALL: usize = 100;
/// Keys of one nonce besides its payloads, bundles and active-set members, counted as an
/// upper bound (epoch, inference and losses heads and bodies, scores).
const FIXED_KEYS: usize = 10;

/// Removes the records of nonces whose reputer window closed more than `RETAINED_EPOCHS`
/// nonces ago, oldest first, within `budget` keys. Returns the keys removed.
pub fn prune(
    storage: &mut dyn Storage,
    topic_id: u64,
    topic: &mut TopicRecord,
    mut budget: usize,
) -> Result<usize, ContractError> {
    let start = budget;
    loop {
        let next = EPOCHS
            .prefix(topic_id)
            .keys(
                storage,
                Some(Bound::inclusive(topic.pruned_below)),
                None,
                Order::Ascending,
            )
            .next()
            .transpose()?;
        let Some(nonce) = next else {
            break;
        };
        if nonce.saturating_add(RETAINED_EPOCHS) >= topic.reputer_closed_below {
            break; // recent enough to keep
        }
        let workers: Vec<u32> = PAYLOADS
            .prefix((topic_id, nonce))
            .keys(storage, None, None, Order::Ascending)
            .take(budget)
            .collect::<Result<_, _>>()?;
        for w in &workers {
            PAYLOADS.remove(storage, (topic_id, nonce, *w));
        }
        budget -= workers.len();
        // commitments never revealed (commit–reveal topics)
        let unrevealed: Vec<u32> = COMMITMENTS
            .prefix((topic_id, nonce))
            .keys(storage, None, None, Order::Ascending)
            .take(budget)
            .collect::<Result<_, _>>()?;
        for w in &unrevealed {
            COMMITMENTS.remove(storage, (topic_id, nonce, *w));
        }
        budget -= unrevealed.len();
        let reputers = bundle_reputers(storage, topic_id, nonce, budget)?;
        for r in &reputers {
            remove_bundle(storage, (topic_id, nonce, *r));
        }
        budget -= reputers.len();
        budget -= remove_sets(storage, topic_id, nonce, budget)?;
        if budget < FIXED_KEYS {
            break; // the rest of this nonce next call
        }
        remove_results(storage, topic_id, nonce);
        remove_scores_record(storage, topic_id, nonce);
        EPOCHS.remove(storage, (topic_id, nonce));
        budget -= FIXED_KEYS;
        topic.pruned_below = nonce.saturating_add(1);
    }
    Ok(start - budget)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{add_member, load_set, EpochRecord, Member, CLASSES};
    use cosmwasm_std::testing::MockStorage;
    use cosmwasm_std::{Addr, Decimal, Uint128};
    use nous_math::Fixed;
    use nous_types::synthesis::{ActorClass, CachedTopicParams, EpochStatus, WorkerPayload};
    use nous_types::EpochClock;

    fn topic(reputer_closed_below: u64) -> TopicRecord {
        TopicRecord {
            clock: EpochClock {
                start_height: 0,
                epoch_length: 10,
                worker_window: 5,
                ground_truth_lag: 10,
                reveal_window: 0,
            },
            params: CachedTopicParams {
                p_norm: Decimal::percent(300),
                alpha_regret: Decimal::percent(10),
                payload_fee: cosmwasm_std::Uint128::zero(),
                alpha_regret_forecasters: None,
                allow_negative: true,
                epsilon: Decimal::percent(1),
                merit_sortition_alpha: Decimal::percent(10),
                active_inferer_quantile: Decimal::percent(25),
                active_forecaster_quantile: Decimal::percent(25),
                active_reputer_quantile: Decimal::percent(25),
                max_inferers: 32,
                max_forecasters: 6,
                max_reputers: 6,
                max_elements_per_forecast: 12,
                required_minimum_stake: Uint128::zero(),
                rules: Default::default(),
            },
            params_read_at: 0,
            worker_closed_below: reputer_closed_below,
            reputer_closed_below,
            initial_regret: Fixed::ZERO,
            latest_inference_nonce: None,
            latest_loss_nonce: None,
            latest_loss: None,
            quantiles: [None, None, None],
            pruned_below: 0,
        }
    }

    #[test]
    fn resumes_inside_a_nonce_and_keeps_recent_ones() {
        let mut st = MockStorage::new();
        let epoch = EpochRecord {
            status: EpochStatus::Skipped,
            failure: None,
            topic_active: None,
        };
        for nonce in 0..4u64 {
            EPOCHS.save(&mut st, (1, nonce), &epoch).unwrap();
            for w in 0..45u32 {
                let p = WorkerPayload {
                    worker: w,
                    address: Addr::unchecked("a"),
                    owner: Addr::unchecked("a"),
                    submitted_at: 0,
                    inference: None,
                    forecast: None,
                };
                PAYLOADS.save(&mut st, (1, nonce, w), &p).unwrap();
            }
        }
        // nonce 2 has three active-set members (one record each)
        for (class, actor) in [
            (ActorClass::Inferer, 4),
            (ActorClass::Inferer, 9),
            (ActorClass::Reputer, 1),
        ] {
            let ema = Fixed::ZERO;
            add_member(&mut st, 1, 2, class, &Member { actor, ema });
        }
        // nonces 0..3 are old enough, nonce 3 is not
        let mut t = topic(RETAINED_EPOCHS + 3);
        // 45 + 10 for nonce 0, then the 45 payloads of nonce 1: no room for its fixed keys
        assert_eq!(prune(&mut st, 1, &mut t, 100).unwrap(), 100);
        assert_eq!(t.pruned_below, 1);
        assert!(EPOCHS.has(&st, (1, 1)));
        assert_eq!(
            PAYLOADS
                .prefix((1, 1))
                .keys(&st, None, None, Order::Ascending)
                .count(),
            0
        );
        // next call: the rest of nonce 1, all of nonce 2, stop before nonce 3
        assert_eq!(prune(&mut st, 1, &mut t, 100).unwrap(), 10 + 55 + 3);
        assert_eq!(t.pruned_below, 3);
        for class in CLASSES {
            assert!(load_set(&st, 1, 2, class).unwrap().is_empty());
        }
        assert!(EPOCHS.has(&st, (1, 3)));
        assert_eq!(
            PAYLOADS
                .prefix((1, 3))
                .keys(&st, None, None, Order::Ascending)
                .count(),
            45
        );
        assert_eq!(prune(&mut st, 1, &mut t, 100).unwrap(), 0);
    }

    #[test]
    fn unrevealed_commitments_go_with_their_nonce() {
        let mut st = MockStorage::new();
        let epoch = EpochRecord {
            status: EpochStatus::Skipped,
            failure: None,
            topic_active: None,
        };
        for nonce in 0..2u64 {
            EPOCHS.save(&mut st, (1, nonce), &epoch).unwrap();
            for w in 0..3u32 {
                let c = cosmwasm_std::HexBinary::from(vec![w as u8; 32]);
                COMMITMENTS.save(&mut st, (1, nonce, w), &c).unwrap();
            }
        }
        // only nonce 0 is old enough
        let mut t = topic(RETAINED_EPOCHS + 1);
        assert_eq!(prune(&mut st, 1, &mut t, 100).unwrap(), 3 + FIXED_KEYS);
        let left = |nonce| {
            COMMITMENTS
                .prefix((1, nonce))
                .keys(&st, None, None, Order::Ascending)
                .count()
        };
        assert_eq!((left(0), left(1)), (0, 3));
        assert_eq!(t.pruned_below, 1);
    }
}
