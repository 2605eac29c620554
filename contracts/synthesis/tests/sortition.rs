//! Merit sortition with score EMAs from scored epochs (MATH.md §11).

mod common;

use common::*;
use nous_math::stats::ema;
use nous_math::Fixed;
use nous_types::synthesis::*;

fn score_ema_of(s: &Suite, class: ActorClass, actor: u32) -> Option<Fixed> {
    let r: ScoreEmaResponse = s
        .query(&QueryMsg::ScoreEma {
            topic_id: TOPIC,
            class,
            actor,
        })
        .unwrap();
    r.value.map(f)
}

/// Workers 0 (good) and 1 (bad) fill a 2-inferer set for nonces 0..=3; all three reputers
/// report; by height `worker_start(4)` nonce 2 is scored (the first with one-out losses).
fn scored_suite() -> Suite {
    scored_suite_with(|_| {})
}

fn scored_suite_with(edit: impl FnOnce(&mut nous_types::topic_registry::GlobalParams)) -> Suite {
    let mut s = SuiteBuilder::new()
        .globals(|g| {
            g.synthesis.max_top_inferers_to_reward = 2;
            g.synthesis.max_elements_per_forecast = 1;
            edit(g);
        })
        .build();
    for k in 0..4u64 {
        s.set_height(worker_start(k));
        let good = truth(k).checked_add(fx("0.1")).unwrap().to_string();
        let bad = truth(k).checked_add(fx("50")).unwrap().to_string();
        s.submit(0, k, Some(&good), None).unwrap();
        s.submit(1, k, Some(&bad), None).unwrap();
        if k >= 1 {
            s.set_height(worker_start(k) + 1);
            let ni = s.inference(k - 1).unwrap().inference;
            for m in 0..3u32 {
                s.submit_bundle(m as usize, k - 1, bundle_for(&ni, m))
                    .unwrap();
            }
        }
    }
    s.set_height(worker_start(4));
    s.crank(None).unwrap();
    assert_eq!(s.epoch(2).status, EpochStatus::Scored);
    s
}

#[test]
fn a_better_newcomer_replaces_the_lowest_and_the_left_out_drift() {
    let mut s = scored_suite();
    let scores: EpochScores = s
        .query(&QueryMsg::Scores {
            topic_id: TOPIC,
            nonce: 2,
        })
        .unwrap();
    let t = scored(&scores.inferers);
    assert!(
        t[&0] > Fixed::ZERO,
        "the network is worse without the good inferer"
    );
    assert!(
        t[&1] < Fixed::ZERO,
        "the network is better without the bad inferer"
    );
    let ema1 = score_ema_of(&s, ActorClass::Inferer, 1).unwrap();
    assert_eq!(ema1, t[&1]); // first EMA: no prior
    let q = s
        .topic_state()
        .quantiles
        .iter()
        .find(|c| c.class == ActorClass::Inferer)
        .map(|c| f(c.value))
        .unwrap();

    // nonce 4: 0 and 1 fill the set, newcomer 2 (no EMA: 0) beats 1's negative EMA
    s.submit(0, 4, Some("104"), None).unwrap();
    s.submit(1, 4, Some("154"), None).unwrap();
    let res = s
        .submit(2, 4, Some("104.2"), Some(vec![(1, "9"), (0, "0.1")]))
        .unwrap();
    assert_eq!(attr(&res, "inferer_admitted").as_deref(), Some("true"));
    assert_eq!(attr(&res, "inferer_evicted").as_deref(), Some("1"));
    assert_eq!(
        s.epoch(4)
            .inferers
            .iter()
            .map(|m| m.actor)
            .collect::<Vec<_>>(),
        vec![0, 2]
    );
    // the evicted inferer's inference is no longer used; its EMA moved toward the quantile
    assert_eq!(s.payload(4, 1).unwrap().inference, None);
    let alpha = fx("0.1");
    assert_eq!(
        score_ema_of(&s, ActorClass::Inferer, 1),
        Some(ema(alpha, q, Some(ema1)).unwrap())
    );
    // newcomer 3 (EMA 0) does not beat 2 (EMA 0): refused, and its EMA starts at the quantile
    let res = s.submit(3, 4, Some("104"), None).unwrap();
    assert_eq!(attr(&res, "inferer_admitted").as_deref(), Some("false"));
    assert_eq!(s.payload(4, 3).unwrap().inference, None);
    assert_eq!(score_ema_of(&s, ActorClass::Inferer, 3), Some(q));

    // forecast of 2 names 1 (not an inferer of the nonce any more) and 0: with at most one
    // element kept, the one about 0 remains and the implied inference is 0's inference
    s.set_height(worker_start(5));
    s.crank(None).unwrap();
    let ni = s.inference(4).unwrap().inference;
    assert!(matches!(ni.path, InferencePath::Full { .. }));
    assert_eq!(
        ni.forecast_implied,
        vec![WorkerValue {
            worker: 2,
            value: sd("104")
        }]
    );
}

#[test]
fn forecast_elements_keep_the_highest_ema_inferers() {
    let mut s = scored_suite();
    // set is {0, 1}; forecaster 4 names both; one element is kept: inferer 0 (higher EMA)
    s.submit(0, 4, Some("104"), None).unwrap();
    s.submit(1, 4, Some("154"), None).unwrap();
    s.submit(4, 4, None, Some(vec![(1, "0.2"), (0, "3")]))
        .unwrap();
    s.set_height(worker_start(5));
    s.crank(None).unwrap();
    let ni = s.inference(4).unwrap().inference;
    assert_eq!(
        ni.forecast_implied,
        vec![WorkerValue {
            worker: 4,
            value: sd("104")
        }]
    );
}

#[test]
fn reputers_are_ranked_by_their_consensus_score_ema() {
    let mut s = scored_suite_with(|g| g.synthesis.max_top_reputers_to_reward = 2);
    // reputer 2 was refused every nonce; once scores exist its EMA drifted to the quantile
    let q = s
        .topic_state()
        .quantiles
        .iter()
        .find(|c| c.class == ActorClass::Reputer)
        .map(|c| f(c.value))
        .unwrap();
    let e0 = score_ema_of(&s, ActorClass::Reputer, 0).unwrap();
    let e1 = score_ema_of(&s, ActorClass::Reputer, 1).unwrap();
    // passed over at each nonce since scores exist: its EMA follows the quantiles
    assert!(score_ema_of(&s, ActorClass::Reputer, 2).is_some());
    assert!(q > Fixed::ZERO);
    let bundles: Vec<Option<LossBundle>> = (0..3)
        .map(|m| {
            let r: LossBundleResponse = s
                .query(&QueryMsg::LossBundle {
                    topic_id: TOPIC,
                    nonce: 2,
                    reputer: m,
                })
                .unwrap();
            r.bundle
        })
        .collect();
    assert!(bundles[0].is_some() && bundles[1].is_some() && bundles[2].is_none());

    // nonce 3's reputer window is open: 0 and 1 join, 2 (EMA now the quantile, above the
    // lower of the two) replaces the lower one, whose bundle is dropped
    s.set_height(reputer_start(3));
    let ni = s.inference(3).unwrap().inference;
    s.submit_bundle(0, 3, bundle_for(&ni, 0)).unwrap();
    s.submit_bundle(1, 3, bundle_for(&ni, 1)).unwrap();
    let e2 = score_ema_of(&s, ActorClass::Reputer, 2).unwrap_or(Fixed::ZERO);
    let res = s.submit_bundle(2, 3, bundle_for(&ni, 2)).unwrap();

    let lower = if e0 <= e1 { (0u32, e0) } else { (1, e1) };
    assert!(
        e2 > lower.1,
        "these inputs make the passed-over reputer the better one"
    );
    assert_eq!(attr(&res, "reputer_evicted"), Some(lower.0.to_string()));
    let r: LossBundleResponse = s
        .query(&QueryMsg::LossBundle {
            topic_id: TOPIC,
            nonce: 3,
            reputer: lower.0,
        })
        .unwrap();
    assert_eq!(r.bundle, None);
    let set: Vec<u32> = s.epoch(3).reputers.iter().map(|m| m.actor).collect();
    assert_eq!(set, if lower.0 == 0 { vec![1, 2] } else { vec![0, 2] });
    // the evicted reputer's EMA moved toward the quantile
    let alpha = fx("0.1");
    assert_eq!(
        score_ema_of(&s, ActorClass::Reputer, lower.0),
        Some(ema(alpha, q, Some(lower.1)).unwrap())
    );
}
