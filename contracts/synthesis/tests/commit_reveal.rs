//! Commit–reveal topics: payloads are committed to in the worker window, revealed in the
//! reveal window after it, and only then admitted; the worker close waits for the reveal.

mod common;

use common::*;
use cosmwasm_std::HexBinary;
use nous_types::synthesis::*;
use synthesis::ContractError;

const REVEAL: u64 = 3;

fn commit_reveal_suite() -> Suite {
    SuiteBuilder::new()
        .topic(|t| t.params.reveal_window = REVEAL)
        .build()
}

fn reveal_start(nonce: u64) -> u64 {
    worker_start(nonce) + WINDOW
}

fn salt(worker: u8) -> Vec<u8> {
    vec![worker; 32]
}

#[test]
fn a_payload_is_hidden_until_its_reveal_and_an_unrevealed_commitment_is_dropped() {
    let mut s = commit_reveal_suite();
    s.set_height(worker_start(0));
    let res = s.commit(0, 0, Some("101"), None, &salt(0)).unwrap();
    assert_eq!(
        attr(&res, "action").as_deref(),
        Some("commit_worker_payload")
    );
    s.commit(1, 0, Some("103"), Some(vec![(0, "0.5")]), &salt(1))
        .unwrap();
    s.commit(2, 0, Some("90"), None, &salt(2)).unwrap();

    // committed, opened, and nothing of the payloads is public
    let e = s.epoch(0);
    assert_eq!(e.status, EpochStatus::Collecting);
    assert_eq!(
        e.reveal_window,
        Some(nous_types::HeightWindow {
            start: reveal_start(0),
            end: reveal_start(0) + REVEAL
        })
    );
    assert!(e.inferers.is_empty());
    for w in 0..3 {
        assert_eq!(s.payload(0, w), None);
        assert_eq!(s.commitment(0, w).map(|c| c.len()), Some(32));
    }

    s.set_height(reveal_start(0));
    let open: OpenWindowsResponse = s.query(&QueryMsg::OpenWindows { topic_id: TOPIC }).unwrap();
    assert_eq!(open.worker, None);
    assert_eq!(open.reveal.map(|w| w.nonce), Some(0));
    let res = s.reveal(0, 0, Some("101"), None, &salt(0)).unwrap();
    assert_eq!(
        attr(&res, "action").as_deref(),
        Some("reveal_worker_payload")
    );
    assert_eq!(attr(&res, "inferer_admitted").as_deref(), Some("true"));
    s.set_height(reveal_start(0) + REVEAL - 1);
    s.reveal(1, 0, Some("103"), Some(vec![(0, "0.5")]), &salt(1))
        .unwrap();
    // the commitment became the payload
    assert_eq!(s.commitment(0, 0), None);
    let p = s.payload(0, 1).unwrap();
    assert_eq!(p.inference, Some(sd("103")));
    assert_eq!(p.submitted_at, reveal_start(0) + REVEAL - 1);
    // the reveal window is still open: the worker close waits for its end
    let res = s.crank(None).unwrap();
    assert_eq!(attr(&res, "closed").as_deref(), Some("0"));
    assert!(matches!(
        s.inference(0).unwrap_err().to_string(),
        e if e.contains("has no network inference")
    ));

    s.set_height(reveal_start(0) + REVEAL);
    assert!(matches!(
        s.reveal(2, 0, Some("90"), None, &salt(2)),
        Err(ContractError::RevealWindowNotOpen { nonce: 0, .. })
    ));
    s.crank(None).unwrap();
    let ni = s.inference(0).unwrap().inference;
    // worker 2 never revealed: it takes no part
    let inferers: Vec<u32> = ni.inferences.iter().map(|v| v.worker).collect();
    assert_eq!(inferers, vec![0, 1]);
    assert_eq!(
        ni.worker_window,
        nous_types::HeightWindow {
            start: worker_start(0),
            end: reveal_start(0) + REVEAL
        }
    );
    assert_eq!(s.epoch(0).status, EpochStatus::InferenceReady);
}

#[test]
fn each_topic_takes_payloads_one_way() {
    let mut cr = commit_reveal_suite();
    cr.set_height(worker_start(0));
    assert_eq!(
        cr.submit(0, 0, Some("1"), None).unwrap_err(),
        ContractError::CommitRevealRequired { topic_id: TOPIC }
    );
    // nothing was opened
    assert!(cr
        .query::<EpochResponse>(&QueryMsg::Epoch {
            topic_id: TOPIC,
            nonce: 0
        })
        .is_err());

    let mut plain = SuiteBuilder::new().build();
    plain.set_height(worker_start(0));
    assert_eq!(
        plain.commit(0, 0, Some("1"), None, &salt(0)).unwrap_err(),
        ContractError::CommitRevealOff { topic_id: TOPIC }
    );
    plain.set_height(worker_start(0) + WINDOW);
    assert_eq!(
        plain.reveal(0, 0, Some("1"), None, &salt(0)).unwrap_err(),
        ContractError::CommitRevealOff { topic_id: TOPIC }
    );
}

#[test]
fn commitments_are_checked_and_kept_to_their_window() {
    let mut s = commit_reveal_suite();
    s.set_height(worker_start(0));
    let worker = s.workers[0].clone();
    let commit = |commitment: Vec<u8>| ExecuteMsg::CommitWorkerPayload {
        topic_id: TOPIC,
        nonce: 0,
        commitment: HexBinary::from(commitment),
    };
    assert_eq!(
        s.exec(&worker, &commit(vec![1; 31])).unwrap_err(),
        ContractError::CommitmentLength {
            expected: 32,
            got: 31
        }
    );
    s.commit(0, 0, Some("1"), None, &salt(0)).unwrap();
    assert_eq!(
        s.exec(&worker, &commit(vec![1; 32])).unwrap_err(),
        ContractError::AlreadyCommitted {
            topic_id: TOPIC,
            nonce: 0,
            actor: 0
        }
    );
    // a reveal inside the worker window is refused; so is a commitment after it
    assert!(matches!(
        s.reveal(0, 0, Some("1"), None, &salt(0)),
        Err(ContractError::RevealWindowNotOpen { .. })
    ));
    s.set_height(reveal_start(0));
    assert!(matches!(
        s.commit(1, 0, Some("1"), None, &salt(1)),
        Err(ContractError::WorkerWindowNotOpen { .. })
    ));
    // an outsider is refused before anything is stored
    let outsider = s.app.api().addr_make("outsider");
    assert!(s
        .exec(
            &outsider,
            &ExecuteMsg::RevealWorkerPayload {
                topic_id: TOPIC,
                nonce: 0,
                inference: Some(sd("1")),
                forecast: None,
                salt: salt(9).into(),
            },
        )
        .is_err());
}

#[test]
fn a_reveal_must_open_its_own_commitment() {
    let mut s = commit_reveal_suite();
    s.set_height(worker_start(0));
    s.commit(0, 0, Some("101"), None, &salt(0)).unwrap();
    // worker 1 copies worker 0's commitment as it appeared on chain
    let copied = s.commitment(0, 0).unwrap();
    let copier = s.workers[1].clone();
    s.exec(
        &copier,
        &ExecuteMsg::CommitWorkerPayload {
            topic_id: TOPIC,
            nonce: 0,
            commitment: copied.into(),
        },
    )
    .unwrap();

    s.set_height(reveal_start(0));
    let mismatch = |actor| ContractError::CommitmentMismatch {
        topic_id: TOPIC,
        nonce: 0,
        actor,
    };
    // other value, other salt, other worker's address: nothing opens worker 0's commitment
    assert_eq!(
        s.reveal(0, 0, Some("102"), None, &salt(0)).unwrap_err(),
        mismatch(0)
    );
    assert_eq!(
        s.reveal(0, 0, Some("101"), None, &salt(5)).unwrap_err(),
        mismatch(0)
    );
    assert_eq!(
        s.reveal(0, 0, Some("101"), Some(vec![(1, "1")]), &salt(0))
            .unwrap_err(),
        mismatch(0)
    );
    assert_eq!(
        s.reveal(1, 0, Some("101"), None, &salt(0)).unwrap_err(),
        mismatch(1)
    );
    // a failed reveal leaves the commitment in place and stores nothing
    assert!(s.commitment(0, 0).is_some());
    assert_eq!(s.payload(0, 0), None);
    assert_eq!(
        s.reveal(2, 0, Some("101"), None, &salt(2)).unwrap_err(),
        ContractError::NoCommitment {
            topic_id: TOPIC,
            nonce: 0,
            actor: 2
        }
    );
    assert_eq!(
        s.reveal(0, 0, Some("101"), None, &[0u8; 15]).unwrap_err(),
        ContractError::SaltLength {
            min: 16,
            max: 64,
            got: 15
        }
    );
    // the same value written differently opens it; a second reveal is a second payload
    s.reveal(0, 0, Some("101.000"), None, &salt(0)).unwrap();
    assert_eq!(
        s.reveal(0, 0, Some("101"), None, &salt(0)).unwrap_err(),
        ContractError::AlreadySubmitted {
            topic_id: TOPIC,
            nonce: 0,
            actor: 0
        }
    );
}

#[test]
fn the_commitment_query_computes_what_a_reveal_checks() {
    let mut s = commit_reveal_suite();
    s.set_height(worker_start(0));
    let worker = s.workers[3].clone();
    // a forecast as sent, duplicate included: the hash covers the message, not the dedup
    let forecast = Suite::forecast_of(Some(vec![(0, "0.5"), (1, "1"), (0, "0.25")]));
    let answer: PayloadCommitmentResponse = s
        .query(&QueryMsg::PayloadCommitment {
            topic_id: TOPIC,
            nonce: 0,
            address: worker.to_string(),
            inference: Some(sd("7")),
            forecast: forecast.clone(),
            salt: salt(3).into(),
        })
        .unwrap();
    let native = payload_commitment(
        TOPIC,
        0,
        worker.as_str(),
        Some(sd("7")),
        forecast.as_deref(),
        &salt(3),
    );
    assert_eq!(answer.commitment.to_vec(), native.to_vec());
    s.exec(
        &worker,
        &ExecuteMsg::CommitWorkerPayload {
            topic_id: TOPIC,
            nonce: 0,
            commitment: answer.commitment,
        },
    )
    .unwrap();
    s.set_height(reveal_start(0));
    s.reveal(
        3,
        0,
        Some("7"),
        Some(vec![(0, "0.5"), (1, "1"), (0, "0.25")]),
        &salt(3),
    )
    .unwrap();
    let p = s.payload(0, 3).unwrap();
    assert_eq!(p.forecast.map(|f| f.len()), Some(2));
}
