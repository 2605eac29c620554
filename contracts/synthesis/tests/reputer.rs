//! Reputer loss bundles: window, registration, stake, validation, sortition.

mod common;

use common::*;
use nous_types::synthesis::*;
use synthesis::ContractError;

pub fn wv(worker: u32, v: &str) -> WorkerValue {
    WorkerValue {
        worker,
        value: sd(v),
    }
}

pub fn bundle(combined: &str, naive: &str, inferers: Vec<WorkerValue>) -> LossBundle {
    LossBundle {
        combined: sd(combined),
        naive: sd(naive),
        inferers,
        forecasters: vec![],
        one_out_inferers: vec![],
        one_out_forecasters: vec![],
        one_in_forecasters: vec![],
        one_out_implied: vec![],
    }
}

/// Nonce 0 with inferers 0, 1, 2 (no loss yet: combined = median).
fn suite_with_inference() -> Suite {
    let mut s = SuiteBuilder::new().build();
    s.set_height(worker_start(0));
    s.submit(0, 0, Some("1"), None).unwrap();
    s.submit(1, 0, Some("2"), None).unwrap();
    s.submit(2, 0, Some("3"), None).unwrap();
    s
}

#[test]
fn reputer_window_boundaries() {
    let mut s = suite_with_inference();
    let b = bundle("-1", "-0.5", vec![wv(0, "-1"), wv(1, "-2"), wv(2, "-3")]);
    s.set_height(reputer_start(0) - 1);
    assert_eq!(
        s.submit_bundle(0, 0, b.clone()).unwrap_err(),
        ContractError::ReputerWindowNotOpen {
            topic_id: TOPIC,
            nonce: 0,
            height: reputer_start(0) - 1,
            open: None
        }
    );
    s.set_height(reputer_start(0));
    // the worker window was closed lazily by this message
    let res = s.submit_bundle(0, 0, b.clone()).unwrap();
    assert_eq!(attr(&res, "windows_closed").as_deref(), Some("1"));
    assert_eq!(attr(&res, "reputer_admitted").as_deref(), Some("true"));
    s.set_height(reputer_start(0) + EPOCH - 1);
    s.submit_bundle(1, 0, b.clone()).unwrap();
    s.set_height(reputer_start(0) + EPOCH);
    assert!(matches!(
        s.submit_bundle(2, 0, b.clone()).unwrap_err(),
        ContractError::ReputerWindowNotOpen { open: Some(1), .. }
    ));
    let stored: LossBundleResponse = s
        .query(&QueryMsg::LossBundle {
            topic_id: TOPIC,
            nonce: 0,
            reputer: 1,
        })
        .unwrap();
    assert_eq!(stored.bundle, Some(b));
    assert_eq!(s.epoch(0).reputers.len(), 2);
}

#[test]
fn one_bundle_per_reputer_registered_and_staked() {
    let mut s = suite_with_inference();
    s.set_height(reputer_start(0));
    let b = bundle("-1", "-0.5", vec![wv(0, "-1")]);
    s.submit_bundle(0, 0, b.clone()).unwrap();
    assert_eq!(
        s.submit_bundle(0, 0, b.clone()).unwrap_err(),
        ContractError::AlreadySubmitted {
            topic_id: TOPIC,
            nonce: 0,
            actor: 0
        }
    );
    let worker = s.workers[0].clone();
    assert!(matches!(
        s.exec(
            &worker,
            &ExecuteMsg::SubmitLossBundle {
                topic_id: TOPIC,
                nonce: 0,
                bundle: b.clone()
            }
        )
        .unwrap_err(),
        ContractError::NotRegistered { .. }
    ));
    let r1 = s.reputers[1].clone();
    s.set_stake(TOPIC, &r1, 9_999);
    assert_eq!(
        s.submit_bundle(1, 0, b.clone()).unwrap_err(),
        ContractError::StakeBelowMinimum {
            topic_id: TOPIC,
            address: r1.to_string(),
            stake: "9999".to_string(),
            minimum: "10000".to_string()
        }
    );
    s.set_stake(TOPIC, &r1, 10_000);
    s.submit_bundle(1, 0, b).unwrap();
}

#[test]
fn a_nonce_without_inference_takes_no_bundle() {
    let mut s = SuiteBuilder::new().build();
    s.set_height(worker_start(0));
    s.submit(0, 0, None, Some(vec![(1, "1")])).unwrap();
    s.set_height(reputer_start(0));
    assert_eq!(
        s.submit_bundle(0, 0, bundle("1", "1", vec![])).unwrap_err(),
        ContractError::NoNetworkInference {
            topic_id: TOPIC,
            nonce: 0
        }
    );
}

#[test]
fn inconsistent_bundles_are_refused() {
    let mut s = suite_with_inference();
    s.set_height(reputer_start(0));
    // a worker twice
    assert_eq!(
        s.submit_bundle(0, 0, bundle("1", "1", vec![wv(0, "1"), wv(0, "2")]))
            .unwrap_err(),
        ContractError::DuplicateWorker {
            list: "inferers".to_string(),
            worker: 0
        }
    );
    // a worker outside the frozen set (4 never submitted)
    assert_eq!(
        s.submit_bundle(0, 0, bundle("1", "1", vec![wv(4, "1")]))
            .unwrap_err(),
        ContractError::UnknownWorker {
            list: "inferers".to_string(),
            worker: 4,
            nonce: 0
        }
    );
    // a variant the nonce does not have (no loss yet: no one-out values)
    let mut b = bundle("1", "1", vec![wv(0, "1")]);
    b.one_out_inferers = vec![wv(0, "1")];
    assert!(matches!(
        s.submit_bundle(0, 0, b).unwrap_err(),
        ContractError::UnknownWorker { .. }
    ));
    let mut b = bundle("1", "1", vec![]);
    b.forecasters = vec![wv(0, "1")];
    assert!(matches!(
        s.submit_bundle(0, 0, b).unwrap_err(),
        ContractError::UnknownWorker { .. }
    ));
    // out of range values
    assert!(matches!(
        s.submit_bundle(0, 0, bundle("1000000001", "1", vec![]))
            .unwrap_err(),
        ContractError::ValueOutOfRange { .. }
    ));
    assert!(matches!(
        s.submit_bundle(0, 0, bundle("1", "1", vec![wv(1, "-1000000001")]))
            .unwrap_err(),
        ContractError::ValueOutOfRange { .. }
    ));
    // nothing was stored by the refusals
    let stored: LossBundleResponse = s
        .query(&QueryMsg::LossBundle {
            topic_id: TOPIC,
            nonce: 0,
            reputer: 0,
        })
        .unwrap();
    assert_eq!(stored.bundle, None);
    s.submit_bundle(0, 0, bundle("1", "1", vec![wv(1, "-1")]))
        .unwrap();
}

#[test]
fn reputer_sortition_caps_the_set() {
    let mut s = SuiteBuilder::new()
        .globals(|g| g.synthesis.max_top_reputers_to_reward = 2)
        .build();
    s.set_height(worker_start(0));
    s.submit(0, 0, Some("1"), None).unwrap();
    s.set_height(reputer_start(0));
    let b = bundle("1", "1", vec![]);
    s.submit_bundle(0, 0, b.clone()).unwrap();
    s.submit_bundle(1, 0, b.clone()).unwrap();
    let res = s.submit_bundle(2, 0, b.clone()).unwrap();
    assert_eq!(attr(&res, "reputer_admitted").as_deref(), Some("false"));
    assert_eq!(
        s.epoch(0)
            .reputers
            .iter()
            .map(|m| m.actor)
            .collect::<Vec<_>>(),
        vec![0, 1]
    );
    assert!(matches!(
        s.submit_bundle(2, 0, b).unwrap_err(),
        ContractError::AlreadySubmitted { .. }
    ));
}
