//! The crank: late calls, backlogs larger than the per-call caps, several topics in weight
//! order, expiry of very old epochs, activity transitions, the treasury cap.

mod common;

use common::*;
use cosmwasm_std::{coins, Decimal, Uint128};
use cw_multi_test::Executor;
use nous_math::sorted_map::SortedMap;
use nous_math::topic::{topic_rewards, TopicEntry};
use nous_math::Fixed;
use nous_types::reward_distribution::{EpochOutcome, MAX_UNSETTLED_EPOCHS};
use reward_distribution::ContractError;

const STAKE: u128 = 1_000_000 * TOKEN;
const REVENUE: u128 = 100 * TOKEN;

fn topic_with_scores(s: &mut Suite, id: u64, stake: u128, revenue: u128) {
    s.add_topic(id, EPOCH, stake, revenue);
    let scores = scored(s, id, 2, 1, &["rep-a"]);
    s.set_scores(id, None, scores);
    let a = s.addr("rep-a");
    s.set_reputer_stake(id, &a, 1_000 * TOKEN, 1_000 * TOKEN);
    s.activate(id).unwrap();
}

#[test]
fn late_crank_drains_a_backlog_over_several_calls() {
    let mut s = Suite::new(1_000_000 * TOKEN);
    topic_with_scores(&mut s, 1, STAKE, REVENUE);
    // 30 epochs close before anyone cranks; 10 per call by default.
    s.close_epoch(29, EPOCH);
    for round in 0..3u64 {
        let res = s.settle(None, None).unwrap();
        assert_eq!(
            attrs(&res, "wasm", "epochs_settled"),
            vec!["10".to_string()]
        );
        assert_eq!(s.status(1).last_settled_epoch, Some(round * 10 + 9));
        s.assert_invariants();
    }
    assert_eq!(
        contract_err(s.settle(None, None).unwrap_err()),
        ContractError::NothingToSettle {}
    );
    for k in 0..30 {
        assert_eq!(
            s.epoch_reward(1, k).unwrap().outcome,
            EpochOutcome::Rewarded,
            "epoch {k}"
        );
    }
    // An explicit limit is honoured.
    s.close_epoch(33, EPOCH);
    let res = s.settle(Some(1), Some(3)).unwrap();
    assert_eq!(attrs(&res, "wasm", "epochs_settled"), vec!["3".to_string()]);
    assert_eq!(s.status(1).last_settled_epoch, Some(32));
}

#[test]
fn crank_visits_highest_weight_first_and_resumes() {
    let mut s = Suite::with_limits(1_000_000 * TOKEN, Some(50), Some(2));
    topic_with_scores(&mut s, 1, STAKE, REVENUE);
    topic_with_scores(&mut s, 2, 4 * STAKE, REVENUE);
    topic_with_scores(&mut s, 3, 9 * STAKE, REVENUE);
    s.close_epoch(2, EPOCH);
    let res = s.settle(None, None).unwrap();
    let order: Vec<String> = attrs(&res, "epoch_settled", "topic_id");
    // Highest weight first, two topics per call; within a call the epochs of the
    // selected topics are settled in the order they became due (epoch by epoch, ties in
    // weight order), as an on-time keeper would have settled them.
    assert_eq!(
        order,
        ["3", "2", "3", "2", "3", "2"],
        "highest weight first, two topics per call"
    );
    assert_eq!(s.status(1).last_settled_epoch, None);
    s.assert_invariants();
    let res = s.settle(None, None).unwrap();
    assert_eq!(attrs(&res, "epoch_settled", "topic_id"), ["1", "1", "1"]);
    assert_eq!(
        contract_err(s.settle(None, None).unwrap_err()),
        ContractError::NothingToSettle {}
    );
    s.assert_invariants();
}

#[test]
fn epochs_older_than_the_window_expire() {
    let mut s = Suite::with_limits(1_000_000 * TOKEN, Some(50), None);
    topic_with_scores(&mut s, 1, STAKE, REVENUE);
    s.close_epoch(4, EPOCH);
    s.settle(Some(1), Some(5)).unwrap();
    assert!(s.epoch_reward(1, 4).is_some());
    s.close_epoch(149, EPOCH);
    let res = s.settle(Some(1), None).unwrap();
    let expired = 150 - MAX_UNSETTLED_EPOCHS;
    assert_eq!(
        attrs(&res, "wasm", "epochs_expired"),
        vec![(expired - 5).to_string()]
    );
    assert!(s.epoch_reward(1, expired - 1).is_none());
    assert!(s.epoch_reward(1, expired).is_some());
    assert_eq!(s.status(1).last_settled_epoch, Some(expired + 49));
    s.settle(Some(1), None).unwrap();
    assert_eq!(s.status(1).last_settled_epoch, Some(149));
    assert!(
        s.epoch_reward(1, 4).is_none(),
        "breakdowns before the window are pruned"
    );
    s.assert_invariants();
    // Breakdowns are kept for the last MAX_UNSETTLED_EPOCHS epochs only.
    s.close_epoch(160, EPOCH);
    s.settle(Some(1), None).unwrap();
    assert!(s.epoch_reward(1, 160 - MAX_UNSETTLED_EPOCHS).is_none());
    assert!(s.epoch_reward(1, 161 - MAX_UNSETTLED_EPOCHS).is_some());
}

#[test]
fn emission_is_recomputed_per_month() {
    let mut s = Suite::with_limits(1_000_000 * TOKEN, Some(50), None);
    topic_with_scores(&mut s, 1, STAKE, REVENUE);
    // Epochs of 10 blocks, 1000 blocks a month: epoch 90 ends in month 1.
    s.close_epoch(95, EPOCH);
    s.settle(Some(1), None).unwrap();
    s.settle(Some(1), None).unwrap();
    let m1 = s.latest_month().unwrap();
    assert_eq!(m1.month, 1);
    // Month 1: EMA 0.1 of the new capped target with month 0's e = 0.0125.
    let target = dec("0.025")
        * Decimal::from_ratio(m1.treasury, m1.staked)
        * Decimal::from_ratio(1u128, 2u128);
    let expected = dec("0.1") * target.min(dec("0.019")) + dec("0.9") * dec("0.0125");
    let diff = if expected > m1.emission_per_token {
        expected - m1.emission_per_token
    } else {
        m1.emission_per_token - expected
    };
    assert!(
        diff < dec("0.000000000000001"),
        "{expected} vs {}",
        m1.emission_per_token
    );
    s.assert_invariants();
}

#[test]
fn weight_below_minimum_inactivates_until_funded_again() {
    let mut s = Suite::new(1_000_000 * TOKEN);
    topic_with_scores(&mut s, 1, STAKE, REVENUE);
    topic_with_scores(&mut s, 2, STAKE, REVENUE);
    let w = s.status(2).weight;
    // Almost no fee revenue: the weight halves each epoch (EMA 0.5 towards ~0) and falls
    // below 100 after 5 epochs (3162 / 32 < 100). (No revenue at all is weight 0 at once.)
    s.set_revenue(2, 1);
    s.close_epoch(7, EPOCH);
    s.settle(Some(2), None).unwrap();
    let st = s.status(2);
    assert!(!st.active);
    assert_eq!(st.last_settled_epoch, Some(4));
    assert_eq!(
        s.epoch_reward(2, 4).unwrap().outcome,
        EpochOutcome::Inactivated
    );
    assert!(w > st.weight);
    s.assert_invariants();
    assert_eq!(s.totals().weight_sum, s.status(1).weight);
    assert_eq!(
        contract_err(s.settle(Some(2), None).unwrap_err()),
        ContractError::TopicNotActive { topic_id: 2 }
    );
    // The crank no longer visits it.
    let res = s.settle(None, None).unwrap();
    assert!(attrs(&res, "epoch_settled", "topic_id")
        .iter()
        .all(|t| t == "1"));
    // Funding lifts it again; epochs closed meanwhile earn nothing.
    s.set_revenue(2, REVENUE);
    s.activate(2).unwrap();
    let st = s.status(2);
    assert!(st.active);
    assert_eq!(st.next_epoch, 8);
    s.assert_invariants();
    s.close_epoch(8, EPOCH);
    s.settle(Some(2), None).unwrap();
    assert_eq!(
        s.epoch_reward(2, 8).unwrap().outcome,
        EpochOutcome::Rewarded
    );
    assert!(s.epoch_reward(2, 6).is_none());
    s.assert_invariants();
}

#[test]
fn treasury_cap_shares_by_weight_and_epoch_length() {
    let mut s = Suite::new(1_000_000 * TOKEN);
    topic_with_scores(&mut s, 1, STAKE, REVENUE);
    topic_with_scores(&mut s, 2, 4 * STAKE, REVENUE);
    s.close_epoch(0, EPOCH);
    s.settle(None, None).unwrap();
    // Empty the treasury but for 1000 base units: the next targets exceed it.
    let vault = s.vault.clone();
    let sink = s.addr("sink");
    let left = 1_000u128;
    let bal = s.balance(&vault);
    s.app
        .send_tokens(vault.clone(), sink, &coins(bal - left, DENOM))
        .unwrap();
    s.close_epoch(1, EPOCH);
    s.settle(None, None).unwrap();
    let (r1, r2) = (s.epoch_reward(1, 1).unwrap(), s.epoch_reward(2, 1).unwrap());
    assert_eq!(s.balance(&vault), left - r1.drawn.u128() - r2.drawn.u128());
    // The same split as nous-math's §9.2 rule.
    let entry = |w: Decimal| TopicEntry {
        weight: Fixed::try_from(w).unwrap(),
        epoch_length: EPOCH,
    };
    let topics: SortedMap<u32, TopicEntry> = [(1, entry(r1.weight)), (2, entry(r2.weight))]
        .into_iter()
        .collect();
    let expected = topic_rewards(
        &topics,
        &[2, 1],
        Fixed::try_from(r1.weight_sum).unwrap(),
        10u128.pow(30),
        left,
    )
    .unwrap();
    assert_eq!(r1.drawn, Uint128::new(expected[&1]));
    assert_eq!(r2.drawn, Uint128::new(expected[&2]));
    assert!(r2.drawn > r1.drawn);
    s.assert_invariants();
}

#[test]
fn a_crank_scans_a_bounded_number_of_topics_and_moves_on() {
    let mut s = Suite::with_limits(1_000_000 * TOKEN, Some(50), Some(20));
    // 100 heavy topics with long epochs (nothing due for a long time) ...
    for id in 10..110u64 {
        s.add_topic(id, 1_000, 9 * STAKE, 1_000 * REVENUE);
        s.activate(id).unwrap();
    }
    // ... and one light topic that is due.
    topic_with_scores(&mut s, 1, STAKE, REVENUE);
    s.close_epoch(0, EPOCH);
    // The first crank reads 100 index entries, finds nothing due, and moves its cursor on
    // instead of failing (more topics lie beyond the scan).
    let res = s.settle(None, None).unwrap();
    assert_eq!(attrs(&res, "wasm", "epochs_settled"), vec!["0".to_string()]);
    let res = s.settle(None, None).unwrap();
    assert_eq!(
        attrs(&res, "epoch_settled", "topic_id"),
        vec!["1".to_string()]
    );
    s.assert_invariants();
}

#[test]
fn a_failing_peer_skips_one_topic_in_crank_mode() {
    let mut s = Suite::new(1_000_000 * TOKEN);
    topic_with_scores(&mut s, 1, STAKE, REVENUE);
    topic_with_scores(&mut s, 2, 4 * STAKE, REVENUE);
    let synthesis = s.synthesis.clone();
    s.exec_mock(
        &synthesis,
        &SynthesisMockExec::SetBroken {
            topic_id: 2,
            broken: true,
        },
    );
    s.close_epoch(1, EPOCH);
    let res = s.settle(None, None).unwrap();
    assert_eq!(
        attrs(&res, "topic_skipped", "topic_id"),
        vec!["2".to_string()]
    );
    assert_eq!(s.status(1).last_settled_epoch, Some(1));
    assert_eq!(s.status(2).last_settled_epoch, None);
    // Asked for explicitly, the failure is reported.
    assert!(matches!(
        contract_err(s.settle(Some(2), None).unwrap_err()),
        ContractError::Std(_)
    ));
    s.exec_mock(
        &synthesis,
        &SynthesisMockExec::SetBroken {
            topic_id: 2,
            broken: false,
        },
    );
    s.settle(Some(2), None).unwrap();
    assert_eq!(s.status(2).last_settled_epoch, Some(1));
    s.assert_invariants();
}

#[test]
fn a_long_backlog_does_not_starve_lighter_topics() {
    let mut s = Suite::with_limits(1_000_000 * TOKEN, Some(5), Some(3));
    topic_with_scores(&mut s, 1, STAKE, REVENUE);
    topic_with_scores(&mut s, 2, 4 * STAKE, REVENUE);
    topic_with_scores(&mut s, 3, 9 * STAKE, REVENUE);
    s.close_epoch(9, EPOCH);
    // Each crank starts below the last topic that got a turn (round robin) and settles
    // the selected topics' epochs in the order they became due (epoch by epoch, ties in
    // turn order): every topic advances, none waits for another's backlog.
    for (crank, order) in [
        (0, ["3", "2", "1", "3", "2"]),
        (1, ["1", "3", "2", "1", "3"]),
        (2, ["2", "1", "3", "2", "1"]),
        (3, ["3", "2", "1", "3", "2"]),
    ] {
        let res = s.settle(None, None).unwrap();
        let settled = attrs(&res, "epoch_settled", "topic_id");
        assert_eq!(settled, order, "crank {crank}");
        s.assert_invariants();
    }
    assert_eq!(s.status(3).last_settled_epoch, Some(6));
    assert_eq!(s.status(2).last_settled_epoch, Some(6));
    assert_eq!(s.status(1).last_settled_epoch, Some(5));
}
