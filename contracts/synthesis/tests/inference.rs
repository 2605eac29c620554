//! Worker-window close: frozen sets and the stored network inference.

mod common;

use common::*;
use nous_math::inference::synthesize;
use nous_math::regrets::RegretState;
use nous_math::sorted_map::SortedMap;
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
    let inputs: SortedMap<u32, Fixed> = [(0, fx("1")), (1, fx("5")), (2, fx("3")), (3, fx("10"))]
        .into_iter()
        .collect();
    let want = synthesize(
        &inputs,
        &SortedMap::new(),
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

fn latest_value(s: &Suite, topic_id: u64) -> Result<LatestValue, String> {
    s.query(&QueryMsg::LatestValue { topic_id })
        .map_err(|e| e.to_string())
}

fn latest_values(s: &Suite, topic_ids: Vec<u64>) -> Result<Vec<Option<LatestValue>>, String> {
    s.query::<LatestValuesResponse>(&QueryMsg::LatestValues { topic_ids })
        .map(|r| r.values)
        .map_err(|e| e.to_string())
}

#[test]
fn latest_value_is_the_compact_read_of_the_newest_inference() {
    let mut s = SuiteBuilder::new().build();
    let err = latest_value(&s, TOPIC).unwrap_err();
    assert!(
        err.contains("topic 1 has no network inference yet"),
        "{err}"
    );
    assert_eq!(latest_values(&s, vec![TOPIC, 7]).unwrap(), vec![None, None]);

    // nonce 0: one inferer, closed by the crank three blocks after its window
    s.set_height(worker_start(0));
    s.submit(0, 0, Some("42.5"), None).unwrap();
    s.set_height(worker_start(0) + WINDOW + 3);
    s.crank(None).unwrap();
    let time = s.app.block_info().time.seconds();
    let full = s.inference(0).unwrap().inference;
    assert_eq!(full.computed_at_time, time);
    let v = latest_value(&s, TOPIC).unwrap();
    assert_eq!(
        v,
        LatestValue {
            topic_id: TOPIC,
            nonce: 0,
            value: sd("42.5"),
            error_bars: vec![],
            path: InferencePath::Single,
            inferers: 1,
            worker_window_end: worker_start(0) + WINDOW,
            computed_at: worker_start(0) + WINDOW + 3,
            computed_at_time: time,
        }
    );

    // nonce 1: four inferers, no loss yet; it replaces nonce 0 as the latest value
    s.set_height(worker_start(1));
    for (w, v) in ["1", "5", "3", "10"].into_iter().enumerate() {
        s.submit(w, 1, Some(v), None).unwrap();
    }
    s.set_height(worker_start(2));
    s.crank(None).unwrap();
    let v = latest_value(&s, TOPIC).unwrap();
    assert_eq!(
        (v.nonce, v.path, v.inferers),
        (1, InferencePath::NoLossYet, 4)
    );
    let full = latest(&s, None).unwrap().inference;
    assert_eq!(
        (v.value, v.computed_at, v.computed_at_time),
        (full.combined, full.computed_at, full.computed_at_time)
    );
    assert_eq!(v.worker_window_end, full.worker_window.end);

    // several topics, in the order asked, a missing one as null, a repeated one twice
    assert_eq!(
        latest_values(&s, vec![TOPIC, 99, TOPIC]).unwrap(),
        vec![Some(v.clone()), None, Some(v.clone())]
    );
    assert_eq!(latest_values(&s, vec![]).unwrap(), vec![]);
    let most: Vec<u64> = (0..u64::from(MAX_LATEST_VALUES)).collect();
    assert_eq!(
        latest_values(&s, most.clone()).unwrap().len(),
        MAX_LATEST_VALUES as usize
    );
    let mut too_many = most;
    too_many.push(TOPIC);
    let err = latest_values(&s, too_many).unwrap_err();
    assert!(err.contains("at most 50 topics at once, got 51"), "{err}");
}
