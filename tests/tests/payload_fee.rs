//! The per-payload fee through the whole suite: a worker attaches exactly the topic's fee to
//! its payload (on a commit–reveal topic, to its commitment), synthesis pays it on into the
//! topic's fee revenue at the vault, and anything else is refused with the state untouched.

use cosmwasm_std::SignedDecimal;
use cosmwasm_std::{coins, Addr, Coin, Uint128};
use cw20::Denom;
use cw_multi_test::Executor;
use nous_tests::{topic_params, Suite, SuiteBuilder};
use nous_types::synthesis::ExecuteMsg;
use nous_types::topic_registry::{Role, TopicParams};
use synthesis::ContractError;

const ACCOUNTS: [&str; 5] = ["creator", "funder", "keeper", "w0", "w1"];
const FEE: u128 = 7_000;

fn denom(s: &Suite) -> String {
    match &s.denom {
        Denom::Native(d) => d.clone(),
        Denom::Cw20(_) => unreachable!("a native-token suite"),
    }
}

/// A topic with workers w0 and w1 and the given payload fee and reveal window;
/// returns the topic and the first nonce whose worker window is ahead.
fn suite(fee: u128, reveal_window: u64) -> (Suite, u64, u64) {
    // no activity gate: this test is about payments, not topic weight
    let mut s = SuiteBuilder::new()
        .with_accounts(&ACCOUNTS)
        .with_initial_balance(1_000_000_000_000)
        .without_activity_gate()
        .build();
    let params = TopicParams {
        payload_fee: Uint128::new(fee),
        reveal_window,
        ..topic_params(12, 4, 12)
    };
    let t = s.create_topic("creator", params).unwrap();
    for w in ["w0", "w1"] {
        s.register(w, t, Role::Worker).unwrap();
    }
    s.fund_topic("funder", t, 1_000_000_000).unwrap();
    let nonce = s.current_epoch(t) + 1;
    let clock = s.nous.topic(&s.app, t).unwrap().clock();
    let start = clock.epoch_start(nonce).unwrap();
    s.advance_blocks(start - s.height());
    (s, t, nonce)
}

fn send(s: &mut Suite, who: &str, msg: &ExecuteMsg, funds: &[Coin]) -> Result<(), ContractError> {
    let sender: Addr = s.addr(who);
    let synthesis = s.synthesis.clone();
    s.app
        .execute_contract(sender, synthesis, msg, funds)
        .map(|_| ())
        .map_err(|e| e.downcast::<ContractError>().unwrap())
}

fn payload(t: u64, nonce: u64) -> ExecuteMsg {
    ExecuteMsg::SubmitWorkerPayload {
        topic_id: t,
        nonce,
        inference: Some(SignedDecimal::percent(10_150)),
        forecast: None,
    }
}

#[test]
fn a_payload_pays_the_topics_fee_into_its_revenue() {
    let (mut s, t, nonce) = suite(FEE, 0);
    let d = denom(&s);
    let revenue = s.topic_revenue(t, None);
    let wrong = |got: u128| ContractError::PayloadFee {
        topic_id: t,
        expected: Uint128::new(FEE),
        got: Uint128::new(got),
        denom: d.clone(),
    };
    // nothing, too little, too much: refused, nothing stored, nothing moved
    let before = s.fingerprint();
    for funds in [vec![], coins(FEE - 1, &d), coins(FEE + 1, &d)] {
        let got = funds.first().map_or(0, |c| c.amount.u128());
        assert_eq!(
            send(&mut s, "w0", &payload(t, nonce), &funds),
            Err(wrong(got))
        );
    }
    assert_eq!(s.fingerprint(), before);

    // exactly the fee: the payload is stored and the fee is the topic's revenue
    let w0 = s.addr("w0");
    let balance = s.balance(&w0);
    send(&mut s, "w0", &payload(t, nonce), &coins(FEE, &d)).unwrap();
    assert_eq!(s.balance(&w0), balance - FEE);
    assert_eq!(s.topic_revenue(t, None), revenue + FEE);
    assert_eq!(
        s.balance(&s.synthesis.clone()),
        0,
        "synthesis keeps nothing"
    );
    s.assert_conservation();
}

#[test]
fn a_free_topic_takes_no_funds_and_a_commitment_pays_on_a_commit_reveal_topic() {
    let (mut s, t, nonce) = suite(0, 0);
    let d = denom(&s);
    assert!(matches!(
        send(&mut s, "w0", &payload(t, nonce), &coins(1, &d)),
        Err(ContractError::Payment(_))
    ));
    send(&mut s, "w0", &payload(t, nonce), &[]).unwrap();

    let (mut s, t, nonce) = suite(FEE, 3);
    let revenue = s.topic_revenue(t, None);
    let commit = ExecuteMsg::CommitWorkerPayload {
        topic_id: t,
        nonce,
        commitment: vec![9u8; 32].into(),
    };
    assert!(matches!(
        send(&mut s, "w1", &commit, &[]),
        Err(ContractError::PayloadFee { .. })
    ));
    send(&mut s, "w1", &commit, &coins(FEE, &d)).unwrap();
    assert_eq!(s.topic_revenue(t, None), revenue + FEE);
    // the reveal takes no funds: the commitment paid
    s.advance_blocks(4);
    let reveal = ExecuteMsg::RevealWorkerPayload {
        topic_id: t,
        nonce,
        inference: Some(SignedDecimal::percent(10_150)),
        forecast: None,
        salt: vec![1u8; 16].into(),
    };
    assert!(matches!(
        send(&mut s, "w1", &reveal, &coins(FEE, &d)),
        Err(ContractError::Payment(_))
    ));
    s.assert_conservation();
}

#[test]
fn a_cw20_deployment_refuses_a_payload_fee() {
    let mut s = SuiteBuilder::new()
        .with_accounts(&ACCOUNTS)
        .with_initial_balance(1_000_000_000_000)
        .with_cw20()
        .build();
    let params = TopicParams {
        payload_fee: Uint128::new(FEE),
        ..topic_params(12, 4, 12)
    };
    let err = s.create_topic("creator", params).unwrap_err();
    assert!(
        matches!(
            err.downcast_ref::<topic_registry::ContractError>(),
            Some(topic_registry::ContractError::PayloadFeeNeedsNativeToken { .. })
        ),
        "{err:?}"
    );
    s.create_topic("creator", topic_params(12, 4, 12)).unwrap();
}
