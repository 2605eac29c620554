//! Worker-window close: frozen sets and the stored network inference.

mod common;

use std::collections::BTreeMap;

use common::*;
use nous_math::inference::synthesize;
use nous_math::regrets::RegretState;
use nous_math::{Fixed, Params};
use nous_types::synthesis::*;

fn fx(s: &str) -> Fixed {
    s.parse().unwrap()
}

fn latest(s: &Suite, max_age: Option<u64>) -> Result<NetworkInferenceResponse, String> {
    s.query(&QueryMsg::LatestNetworkInference {
        topic_id: TOPIC,
        max_age,
    })
    .map_err(|e| e.to_string())
}

#[test]
fn a_single_inference_is_every_variant() {
    let mut s = SuiteBuilder::new().build();
    s.set_height(worker_start(0));
    s.submit(0, 0, Some("42.5"), Some(vec![(0, "1")])).unwrap();
    // last block of the window: not closed
    s.set_height(worker_start(0) + WINDOW - 1);
    assert!(s
        .inference(0)
        .unwrap_err()
        .to_string()
        .contains("has no network inference"));
    // first block after: ended but nobody closed it yet
    s.set_height(worker_start(0) + WINDOW);
    let err = s.inference(0).unwrap_err().to_string();
    assert!(err.contains("not closed yet"), "{err}");
    let res = s.crank(None).unwrap();
    assert_eq!(attr(&res, "status").as_deref(), Some("inference_ready"));
    let r = s.inference(0).unwrap();
    assert_eq!(r.age, 0);
    let i = r.inference;
    assert_eq!(i.path, InferencePath::Single);
    assert_eq!(i.combined, sd("42.5"));
    assert_eq!(i.naive, sd("42.5"));
    assert_eq!(i.epoch_start, worker_start(0));
    assert_eq!(i.worker_window.end, worker_start(0) + WINDOW);
    assert_eq!(i.computed_at, worker_start(0) + WINDOW);
    assert_eq!(
        i.inferences,
        vec![WorkerValue {
            worker: 0,
            value: sd("42.5")
        }]
    );
    assert!(i.error_bars.is_empty());
    assert_eq!(s.epoch(0).status, EpochStatus::InferenceReady);
}

#[test]
fn fresh_topic_gives_the_median_and_the_latest_ages() {
    let mut s = SuiteBuilder::new().build();
    s.set_height(worker_start(0));
    s.submit(0, 0, Some("1"), None).unwrap();
    s.submit(1, 0, Some("5"), None).unwrap();
    s.submit(2, 0, Some("3"), None).unwrap();
    s.submit(3, 0, Some("10"), None).unwrap();
    // closed lazily by the first payload of the next nonce
    s.set_height(worker_start(1));
    let res = s.submit(0, 1, Some("7"), None).unwrap();
    assert_eq!(attr(&res, "windows_closed").as_deref(), Some("1"));
    let r = latest(&s, Some(EPOCH - WINDOW)).unwrap();
    assert_eq!(r.age, EPOCH - WINDOW);
    assert_eq!(r.inference.nonce, 0);
    assert_eq!(r.inference.path, InferencePath::NoLossYet);
    assert_eq!(r.inference.combined, sd("4")); // median of 1, 3, 5, 10
    assert_eq!(r.inference.naive, sd("0"));
    // the maths package gives the same for the same inputs
    let inputs: BTreeMap<u32, Fixed> = [(0, fx("1")), (1, fx("5")), (2, fx("3")), (3, fx("10"))]
        .into_iter()
        .collect();
    let want = synthesize(
        &inputs,
        &BTreeMap::new(),
        None,
        &RegretState::new(),
        &Params::chain_defaults(),
    )
    .unwrap();
    assert_eq!(r.inference.combined, synthesis_dec(want.combined));
    // too old for a consumer asking for at most 5 blocks
    let err = latest(&s, Some(EPOCH - WINDOW - 1)).unwrap_err();
    assert!(err.contains("blocks old"), "{err}");
    // the query at a nonce
    assert_eq!(s.inference(0).unwrap().inference.combined, sd("4"));
}

fn synthesis_dec(f: Fixed) -> cosmwasm_std::SignedDecimal {
    cosmwasm_std::SignedDecimal::raw(f.raw())
}

#[test]
fn a_nonce_without_inference_is_skipped_not_fatal() {
    let mut s = SuiteBuilder::new().build();
    s.set_height(worker_start(0));
    // a forecast only: no inference this nonce
    s.submit(0, 0, None, Some(vec![(1, "1")])).unwrap();
    s.set_height(worker_start(1));
    s.submit(1, 1, Some("2"), None).unwrap();
    let e = s.epoch(0);
    assert_eq!(e.status, EpochStatus::Skipped);
    assert_eq!(e.failure.as_deref(), Some("no inference"));
    assert!(s
        .inference(0)
        .unwrap_err()
        .to_string()
        .contains("has no network inference"));
    assert!(latest(&s, None)
        .unwrap_err()
        .contains("has no network inference yet"));
}

#[test]
fn parameters_the_maths_refuses_skip_the_nonce_and_never_block() {
    let mut s = SuiteBuilder::new()
        .topic(|t| t.params.p_norm = dec("10"))
        .build();
    s.set_height(worker_start(0));
    s.submit(0, 0, Some("1"), None).unwrap();
    s.set_height(worker_start(1));
    s.submit(0, 1, Some("1"), None).unwrap();
    let e = s.epoch(0);
    assert_eq!(e.status, EpochStatus::Skipped);
    assert!(e.failure.unwrap().contains("p_norm"));
    s.set_height(worker_start(4));
    let res = s.crank(None).unwrap();
    assert_eq!(attr(&res, "pending").as_deref(), Some("false"));
    assert_eq!(s.epoch(1).status, EpochStatus::Skipped);
    assert_eq!(s.topic_state().reputer_closed_below, 2);
}
