//! The bench's steady state at the smallest size, as a test: a topic runs its 16 scored
//! nonces in the VM with every actor experienced, the last nonce takes the weighted path,
//! every operation of the steady table is measured with its request bytes, the heavy ones
//! against a floor, the probes leave no trace, and no token is created or lost.
#![cfg(feature = "vm")]

use nous_types::params::Rules;
use nous_types::synthesis::{EpochScoresResponse, QueryMsg as SynthesisQuery};
use nous_vm_tests::chain_cost::INSTANCE_LOAD_DISCOUNTED;
use nous_vm_tests::flows::{
    op, probe, steady_run, steady_run_topic, steady_run_with, Net, FIRST_NONCES, STEADY_NONCES,
};
use nous_vm_tests::report::Phase;
use nous_vm_tests::storage::price;

#[test]
fn a_topic_reaches_the_weighted_path_and_every_steady_operation_is_measured() {
    let run = steady_run((8, 2, 2)).expect("the steady run");
    assert!(run.extras.missing.is_empty(), "{:?}", run.extras.missing);
    assert_eq!(run.extras.nonce_ordinal, STEADY_NONCES);
    assert_eq!(run.extras.path, "Full { all_new: false }");
    assert_eq!(run.net.nonces.len(), STEADY_NONCES);
    assert!(run.first.len() >= FIRST_NONCES);

    let row = |name: &str| {
        run.steady
            .iter()
            .find(|r| r.operation == name)
            .unwrap_or_else(|| panic!("no steady `{name}` row"))
    };
    for name in [
        op::PAYLOAD,
        op::BUNDLE,
        op::WORKER_CLOSE,
        op::REPUTER_CLOSE,
        op::SETTLEMENT,
        op::CLAIM,
        op::PAY_PER_READ,
        op::DAPP_READ,
        op::REGISTER_WIRED,
        op::STAKE,
        op::DELEGATE,
    ] {
        let r = row(name);
        assert_eq!(r.phase, Phase::Steady);
        assert!(r.request_bytes.is_some_and(|b| b > 0), "{name}");
        assert!(r.meter.vm_gas > 0, "{name} ran no code");
    }
    for name in [
        op::PAYLOAD,
        op::BUNDLE,
        op::WORKER_CLOSE,
        op::REPUTER_CLOSE,
        op::SETTLEMENT,
    ] {
        let r = row(name);
        let floor = r.floor.as_ref().expect("a heavy operation has a floor");
        // the floor leaves computation out and assumes no more than the measured layout
        assert!(
            floor.sdk_gas() < r.per_call(),
            "{name}: floor {} >= measured {}",
            floor.sdk_gas(),
            r.per_call()
        );
        assert!(!floor.layout.is_empty());
    }
    // The steady settlement pays delegators: reward-distribution, its peers, the draw and
    // the staking deposit; wasmd >= 0.54 loads a code twice in one transaction at a discount.
    let settle = row(op::SETTLEMENT);
    assert!(
        settle.meter.bank_sends >= 1,
        "the chain-security share moves coins"
    );
    let ca = settle.chain();
    assert!(
        ca.instances
            < settle.meter.instance_loads * price::INSTANCE_LOAD - INSTANCE_LOAD_DISCOUNTED,
        "repeated codes are discounted: {ca:?}"
    );
    // A reputer's later nonces carry one-out values: its bundle outgrows the first one.
    let first_bundle = run
        .first
        .iter()
        .find(|r| r.operation == op::BUNDLE)
        .expect("first bundle");
    assert!(row(op::BUNDLE).request_bytes > first_bundle.request_bytes);

    // probes ran on the measured closes and were rolled back
    let probe_of = |name: &str| {
        run.extras
            .probes
            .iter()
            .find(|p| p.0 == name)
            .unwrap_or_else(|| panic!("no probe {name}"))
            .1
            .clone()
    };
    let all_new = probe_of(probe::WORKER_ALL_NEW);
    assert!(all_new.vm_gas < row(op::WORKER_CLOSE).meter.vm_gas);
    // (a probe whose close skipped the nonce is refused where it runs)
    let one = probe_of(probe::REPUTER_ITERS_1);
    let two = probe_of(probe::REPUTER_ITERS_2);
    assert!(
        one.vm_gas < two.vm_gas,
        "a second iteration costs something"
    );
    assert!(two.vm_gas <= row(op::REPUTER_CLOSE).meter.vm_gas);

    let answer = run.extras.answer.expect("the latest inference answer");
    assert!(answer.bytes > 0 && answer.result_bytes > answer.bytes);
    let net: &Net = &run.net;
    assert_eq!(
        net.latest_inference_answer().expect("answer").bytes,
        answer.bytes
    );
    net.s.assert_conservation();
}

/// The same topic with every improved switch on, from the optimised artifacts: it reaches the
/// weighted path, its scores record carries the rules reward-distribution settles by, every
/// steady operation succeeds and no token is created or lost.
#[test]
fn every_improved_switch_runs_to_the_steady_state_in_the_vm() {
    let run = steady_run_with((8, 2, 2), Rules::EVERY_SWITCH).expect("the steady run");
    assert!(run.extras.missing.is_empty(), "{:?}", run.extras.missing);
    assert_eq!(run.extras.path, "Full { all_new: false }");
    for name in [
        op::WORKER_CLOSE,
        op::REPUTER_CLOSE,
        op::SETTLEMENT,
        op::CLAIM,
    ] {
        let r = run
            .steady
            .iter()
            .find(|r| r.operation == name)
            .unwrap_or_else(|| panic!("no steady `{name}` row"));
        assert!(r.meter.vm_gas > 0, "{name} ran no code");
    }
    let net: &Net = &run.net;
    let last = *net.nonces.last().expect("a nonce");
    let scores: EpochScoresResponse = net
        .s
        .chain
        .query(
            &net.synthesis,
            &SynthesisQuery::EpochScores {
                topic_id: net.topic,
                nonce: last,
            },
        )
        .expect("the scores of the last nonce");
    assert_eq!(scores.scores.expect("scored").rules, Rules::EVERY_SWITCH);
    net.s.assert_conservation();
}

/// A commit–reveal topic under the improved rules in the VM: every worker commits in the
/// worker window and reveals after it (SHA-256 of the commitment run in wasm), the topic
/// reaches the weighted path, every revealed payload is in the inference, and the steady
/// table measures the commitment and the reveal in place of the clear payload.
#[test]
fn a_commit_reveal_topic_runs_to_the_steady_state_in_the_vm() {
    let run = steady_run_topic((8, 2, 2), Rules::IMPROVED, 3).expect("the steady run");
    assert!(run.extras.missing.is_empty(), "{:?}", run.extras.missing);
    assert_eq!(run.extras.path, "Full { all_new: false }");
    let row = |name: &str| run.steady.iter().find(|r| r.operation == name);
    assert!(
        row(op::PAYLOAD).is_none(),
        "no payload is sent in the clear"
    );
    for name in [op::COMMIT, op::REVEAL, op::WORKER_CLOSE, op::SETTLEMENT] {
        let r = row(name).unwrap_or_else(|| panic!("no steady `{name}` row"));
        assert!(r.meter.vm_gas > 0, "{name} ran no code");
    }
    // the commitment stores 32 bytes; the reveal does a payload's work on top of the hash
    assert!(row(op::COMMIT).unwrap().per_call() < row(op::REVEAL).unwrap().per_call());
    let net: &Net = &run.net;
    let last = *net.nonces.last().expect("a nonce");
    let inference: nous_types::synthesis::NetworkInferenceResponse = net
        .s
        .chain
        .query(
            &net.synthesis,
            &SynthesisQuery::NetworkInference {
                topic_id: net.topic,
                nonce: last,
            },
        )
        .expect("the inference of the last nonce");
    let inference = inference.inference;
    assert_eq!(inference.inferences.len(), 8, "every worker revealed");
    assert_eq!(
        inference.worker_window.end - inference.worker_window.start,
        4 + 3,
        "the close waited for the reveal window"
    );
    net.s.assert_conservation();
}

#[test]
fn a_checkpoint_undoes_transactions_and_raw_edits() {
    use nous_vm_tests::suite::{topic_params, Deploy, VmSuite};
    let mut s = VmSuite::new(Deploy::default()).expect("suite");
    s.create_topic("creator", topic_params(12, 4, 24))
        .expect("a first topic");
    let before = (s.chain.dump(&s.registry), s.chain.dump(&s.vault));
    let balance = s.balance(&s.chain.addr("creator"));
    let cp = s.chain.checkpoint();
    s.create_topic("creator", topic_params(12, 4, 24))
        .expect("a topic inside the checkpoint");
    s.chain.set_raw(&s.registry, b"probe", b"1");
    assert_ne!(s.chain.dump(&s.registry), before.0);
    s.chain.rollback(cp);
    assert_eq!((s.chain.dump(&s.registry), s.chain.dump(&s.vault)), before);
    assert_eq!(s.balance(&s.chain.addr("creator")), balance);
    // and the chain goes on from there
    s.create_topic("creator", topic_params(12, 4, 24))
        .expect("a topic after the rollback");
}
