//! Commit–reveal end to end on the embedded chain: every worker commits in the worker
//! window and reveals in the reveal window, the network infers from the revealed payloads,
//! the chain checks (refusals included) pass, and a copycat can only copy what its source
//! revealed in the previous epoch.

mod common;

use indicatif::ProgressBar;
use nous_chain::{ChainExt, SuiteContract};
use nous_sim::actors::roster::roster;
use nous_sim::units::num;
use nous_sim::{driver, report, scenario::Scenario};
use nous_types::synthesis as syn;

#[test]
fn committed_payloads_are_revealed_and_the_network_infers_from_them() {
    // scored nonces, rewards claimed, books balanced, nothing failed or refused but the
    // deliberate refusals, which now send commitments
    let (net, run) = common::chain_smoke(&["reveal_window=4".into()]);
    let roster = roster(&run.scenario);
    let workers = roster.inferers.len() + roster.forecasters.len();
    let whats: Vec<&str> = run.refusals.iter().map(|r| r.what).collect();
    assert_eq!(
        whats,
        [
            "commitment from an unregistered account",
            "read paying the wrong fee",
            "commitment outside its worker window"
        ]
    );
    // every payload went as a commitment, then a reveal; none in the clear
    let kinds = |prefix: &str| {
        run.txs
            .iter()
            .filter(|t| t.ok && t.kind.starts_with(prefix))
            .count()
    };
    let t = &run.topics[0];
    assert_eq!(t.reveal_window, 4);
    assert_eq!(kinds("worker payload"), 0);
    assert_eq!(kinds("worker commitment"), kinds("worker reveal"));
    assert!(kinds("worker commitment") > workers * (t.epochs as usize - 2));
    // each epoch's network inference exists and holds exactly the values revealed
    let synthesis = net.contract(SuiteContract::Synthesis).expect("synthesis");
    for r in &t.records {
        let nonce = t.nonce0 + r.epoch;
        let ni = net
            .network_inference(t.id, nonce)
            .expect("a network inference");
        assert!(r.network.is_some() && r.admitted_inferers > 0, "{r:?}");
        let stored: Vec<(&str, f64)> = ni
            .inferences
            .iter()
            .map(|w| (t.worker_name(w.worker).expect("a worker"), num(&w.value)))
            .collect();
        assert_eq!(stored.len(), r.submitted.len(), "epoch {}", r.epoch);
        for (name, v) in stored {
            let sent = r.submitted.get(name).expect("revealed by the simulator");
            assert!(
                (v - sent).abs() < 1e-9,
                "{name}: {v} stored, {sent} revealed"
            );
        }
        // nothing is left committed and unrevealed
        for (name, &index) in &t.worker_index {
            let c: syn::WorkerCommitmentResponse = net
                .chain
                .query(
                    &synthesis,
                    &syn::QueryMsg::WorkerCommitment {
                        topic_id: t.id,
                        nonce,
                        worker: index,
                    },
                )
                .expect("query");
            assert_eq!(c.commitment, None, "{name}, epoch {}", r.epoch);
        }
    }
    let report = report::text::summary(&run);
    assert!(
        report.contains("payloads: commit–reveal (committed in the worker window, revealed in the 4 blocks after it)"),
        "{report}"
    );
}

#[test]
fn under_commit_reveal_a_copycat_submits_what_its_source_revealed_the_epoch_before() {
    let mut sc = Scenario::default_with(&["reveal_window=2".into()]).expect("parse");
    sc.epochs = 12;
    sc.warmup_epochs = 2;
    let run = driver::run(&sc, &ProgressBar::hidden()).expect("run");
    let mut copied = 0;
    for t in &run.topics {
        for (before, now) in t.records.iter().zip(&t.records[1..]) {
            let source = before.submitted.get("trend-specialist");
            match (source, now.submitted.get("copycat")) {
                (Some(s), Some(c)) => {
                    assert!((s - c).abs() < 0.01, "epoch {}: {c} for {s}", now.epoch);
                    copied += 1;
                }
                (None, None) => {}
                other => panic!("epoch {}: {other:?}", now.epoch),
            }
        }
        assert!(!t.records[0].submitted.contains_key("copycat"));
    }
    assert!(copied > 20, "{copied}");
    // deterministic, salts included
    let again = driver::run(&sc, &ProgressBar::hidden()).expect("run");
    let csv = |r| report::epochs_csv::epochs_csv(r).expect("csv");
    assert_eq!(csv(&run), csv(&again));
}
