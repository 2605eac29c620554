//! `paid_read` and `MockNous` through the public API, on `mock_dependencies`.

use cosmwasm_std::testing::{mock_dependencies, mock_env, MockApi, MockQuerier, MockStorage};
use cosmwasm_std::{
    coin, coins, from_json, to_json_binary, Addr, Coin, ContractResult, CosmosMsg, Empty, Env,
    MessageInfo, OwnedDeps, QuerierWrapper, SignedDecimal, SystemResult, Uint128, WasmMsg,
    WasmQuery,
};

use crate::msg::*;
use crate::testing::{error_bars, latest_value, MockNous};
use crate::{paid_read, ConsumerError, NousAddrs, Payment, ReadPolicy, Reading};

type Deps = OwnedDeps<MockStorage, MockApi, MockQuerier, Empty>;

const DENOM: &str = "unous";
const TOPIC: u64 = 1;
const FEE: u128 = 10;
const POLICY: ReadPolicy = ReadPolicy::new(5, 30);

/// `MessageInfo` built by hand: `testing::message_info` is newer than cosmwasm-std 2.0,
/// which these tests also run against (scripts/check-consumer.sh --tests).
fn message_info(sender: &Addr, funds: &[Coin]) -> MessageInfo {
    MessageInfo {
        sender: sender.clone(),
        funds: funds.to_vec(),
    }
}

fn d(v: i64) -> SignedDecimal {
    SignedDecimal::from_atomics(v as i128, 0).unwrap()
}

fn setup(denom: Denom) -> (Deps, MockNous) {
    let mut deps = mock_dependencies();
    let nous = MockNous::new(&deps.api, denom, Uint128::new(FEE));
    nous.install(&mut deps.querier);
    (deps, nous)
}

fn native() -> (Deps, MockNous) {
    setup(Denom::Native(DENOM.into()))
}

fn token() -> Addr {
    MockApi::default().addr_make("token")
}

fn alice() -> Addr {
    MockApi::default().addr_make("alice")
}

fn read(
    deps: &Deps,
    nous: &MockNous,
    payment: Payment,
    policy: &ReadPolicy,
) -> Result<(Reading, CosmosMsg), ConsumerError> {
    paid_read(
        deps.as_ref(),
        &mock_env(),
        &nous.addrs(),
        payment,
        TOPIC,
        policy,
    )
}

fn read_native(deps: &Deps, nous: &MockNous, funds: &[Coin]) -> Result<Reading, ConsumerError> {
    let info = message_info(&alice(), funds);
    read(deps, nous, Payment::Native(&info), &POLICY).map(|(r, _)| r)
}

fn read_cw20(
    deps: &Deps,
    nous: &MockNous,
    from: &Addr,
    amount: u128,
) -> Result<(Reading, CosmosMsg), ConsumerError> {
    let info = message_info(from, &[]);
    let hook = Cw20ReceiveMsg {
        sender: alice().to_string(),
        amount: Uint128::new(amount),
        msg: Default::default(),
    };
    read(deps, nous, Payment::Cw20(&info, &hook), &POLICY)
}

fn pay_msg(vault: &Addr, funds: Vec<Coin>) -> CosmosMsg {
    WasmMsg::Execute {
        contract_addr: vault.to_string(),
        msg: to_json_binary(&FeeVaultExecuteMsg::PayForRead { topic_id: TOPIC }).unwrap(),
        funds,
    }
    .into()
}

#[test]
fn a_fresh_full_reading_is_paid_with_native_coins() {
    let (deps, nous) = native();
    let env = mock_env();
    let mut latest = latest_value(&env, TOPIC, 7, d(120)).aged(3, 15);
    latest.error_bars = error_bars([d(100), d(110), d(120), d(130), d(140)]);
    nous.set_inference(latest.clone());
    let info = message_info(&alice(), &coins(FEE, DENOM));
    let (reading, msg) = read(&deps, &nous, Payment::Native(&info), &POLICY).unwrap();
    assert_eq!(
        reading,
        Reading {
            latest: latest.clone(),
            age_blocks: 3,
            age_seconds: 15,
            payer: alice(),
            fee: Uint128::new(FEE),
            denom: Denom::Native(DENOM.into()),
        }
    );
    assert_eq!(msg, pay_msg(&nous.addrs().fee_vault, coins(FEE, DENOM)));
    assert_eq!(latest.error_bar(MINUS_ONE_SIGMA), Some(d(110)));
    assert_eq!(latest.error_bar(PLUS_ONE_SIGMA), Some(d(130)));
    assert_eq!(latest.error_bar(cosmwasm_std::Decimal::one()), None);
}

#[test]
fn stale_readings_are_refused_in_blocks_and_in_seconds() {
    let (deps, nous) = native();
    let fresh = latest_value(&mock_env(), TOPIC, 4, d(1));
    // exactly the maximum age is accepted, one more is not
    nous.set_inference(fresh.clone().aged(5, 30));
    let r = read_native(&deps, &nous, &coins(FEE, DENOM)).unwrap();
    assert_eq!((r.age_blocks, r.age_seconds), (5, 30));
    nous.set_inference(fresh.clone().aged(6, 30));
    let err = read_native(&deps, &nous, &coins(FEE, DENOM)).unwrap_err();
    assert_eq!(
        err,
        ConsumerError::StaleReading {
            topic_id: TOPIC,
            nonce: 4,
            age_blocks: 6,
            max_age_blocks: 5
        }
    );
    assert!(err
        .to_string()
        .contains("is 6 blocks old, more than the maximum 5"));
    nous.set_inference(fresh.clone().aged(0, 31));
    assert_eq!(
        read_native(&deps, &nous, &coins(FEE, DENOM)).unwrap_err(),
        ConsumerError::StaleReadingSeconds {
            topic_id: TOPIC,
            nonce: 4,
            age_seconds: 31,
            max_age_seconds: 30
        }
    );
    // the block age counts from the worker window's end, even when computed later
    let mut late = fresh;
    late.worker_window_end -= 6;
    nous.set_inference(late);
    assert!(matches!(
        read_native(&deps, &nous, &coins(FEE, DENOM)),
        Err(ConsumerError::StaleReading { age_blocks: 6, .. })
    ));
}

#[test]
fn thin_readings_are_refused_unless_the_policy_allows_them() {
    let (deps, nous) = native();
    let env = mock_env();
    let info = message_info(&alice(), &coins(FEE, DENOM));
    let single = LatestValue {
        path: InferencePath::Single,
        inferers: 1,
        error_bars: vec![],
        ..latest_value(&env, TOPIC, 2, d(1))
    };
    let median = LatestValue {
        path: InferencePath::NoLossYet,
        inferers: 4,
        ..single.clone()
    };
    nous.set_inference(single.clone());
    let err = read(&deps, &nous, Payment::Native(&info), &POLICY).unwrap_err();
    assert_eq!(
        err,
        ConsumerError::PathNotFull {
            topic_id: TOPIC,
            nonce: 2,
            path: InferencePath::Single
        }
    );
    assert!(err.to_string().contains("single-worker path"), "{err}");
    nous.set_inference(median);
    assert!(matches!(
        read(&deps, &nous, Payment::Native(&info), &POLICY),
        Err(ConsumerError::PathNotFull {
            path: InferencePath::NoLossYet,
            ..
        })
    ));
    // any path, but still at least three inferers: the median of four passes, one does not
    let any_path = POLICY.allowing_any_path();
    read(&deps, &nous, Payment::Native(&info), &any_path).unwrap();
    nous.set_inference(single);
    assert_eq!(
        read(&deps, &nous, Payment::Native(&info), &any_path).unwrap_err(),
        ConsumerError::TooFewInferers {
            topic_id: TOPIC,
            nonce: 2,
            inferers: 1,
            min_inferers: 3
        }
    );
    read(
        &deps,
        &nous,
        Payment::Native(&info),
        &any_path.with_min_inferers(1),
    )
    .unwrap();
    // a full path from two inferers, under the default minimum of three
    nous.set_inference(LatestValue {
        inferers: 2,
        ..latest_value(&env, TOPIC, 3, d(1))
    });
    assert!(matches!(
        read(&deps, &nous, Payment::Native(&info), &POLICY),
        Err(ConsumerError::TooFewInferers { inferers: 2, .. })
    ));
}

#[test]
fn native_payment_must_be_exactly_the_fee() {
    let (deps, nous) = native();
    nous.set_inference(latest_value(&mock_env(), TOPIC, 1, d(1)));
    let cases = [
        (
            vec![],
            ConsumerError::NoFunds {
                expected: DENOM.into(),
            },
        ),
        (
            coins(FEE - 1, DENOM),
            ConsumerError::InsufficientFee {
                expected: Uint128::new(FEE),
                got: Uint128::new(FEE - 1),
            },
        ),
        (
            coins(FEE + 1, DENOM),
            ConsumerError::Overpayment {
                expected: Uint128::new(FEE),
                got: Uint128::new(FEE + 1),
            },
        ),
        (
            coins(FEE, "uatom"),
            ConsumerError::WrongDenom {
                expected: DENOM.into(),
                got: "uatom".into(),
            },
        ),
        (
            vec![coin(FEE, DENOM), coin(1, "uatom")],
            ConsumerError::MultipleDenoms {
                expected: DENOM.into(),
            },
        ),
    ];
    for (funds, expected) in cases {
        assert_eq!(read_native(&deps, &nous, &funds).unwrap_err(), expected);
    }
    // a zero fee: attach nothing, and `PayForRead` is still called
    nous.set_fee(Uint128::zero());
    assert_eq!(
        read_native(&deps, &nous, &coins(1, DENOM)).unwrap_err(),
        ConsumerError::Overpayment {
            expected: Uint128::zero(),
            got: Uint128::new(1)
        }
    );
    let info = message_info(&alice(), &[]);
    let (reading, msg) = read(&deps, &nous, Payment::Native(&info), &POLICY).unwrap();
    assert_eq!(reading.fee, Uint128::zero());
    assert_eq!(msg, pay_msg(&nous.addrs().fee_vault, vec![]));
}

#[test]
fn cw20_payment_is_forwarded_with_send() {
    let (deps, nous) = setup(Denom::Cw20(token()));
    nous.set_inference(latest_value(&mock_env(), TOPIC, 9, d(50)));
    let (reading, msg) = read_cw20(&deps, &nous, &token(), FEE).unwrap();
    assert_eq!(
        (reading.payer, reading.denom),
        (alice(), Denom::Cw20(token()))
    );
    let vault = nous.addrs().fee_vault;
    assert_eq!(
        msg,
        WasmMsg::Execute {
            contract_addr: token().to_string(),
            msg: to_json_binary(&Cw20ExecuteMsg::Send {
                contract: vault.to_string(),
                amount: Uint128::new(FEE),
                msg: to_json_binary(&FeeVaultReceiveMsg::PayForRead { topic_id: TOPIC }).unwrap(),
            })
            .unwrap(),
            funds: vec![],
        }
        .into()
    );
    // wrong amounts, another token, coins alongside, or the native path
    assert_eq!(
        read_cw20(&deps, &nous, &token(), FEE + 1).unwrap_err(),
        ConsumerError::Overpayment {
            expected: Uint128::new(FEE),
            got: Uint128::new(FEE + 1)
        }
    );
    assert_eq!(
        read_cw20(&deps, &nous, &token(), FEE - 1).unwrap_err(),
        ConsumerError::InsufficientFee {
            expected: Uint128::new(FEE),
            got: Uint128::new(FEE - 1)
        }
    );
    assert_eq!(
        read_cw20(&deps, &nous, &alice(), FEE).unwrap_err(),
        ConsumerError::WrongCw20Token {
            expected: token().to_string(),
            got: alice().to_string()
        }
    );
    let info = message_info(&token(), &coins(1, DENOM));
    let hook = Cw20ReceiveMsg {
        sender: alice().to_string(),
        amount: Uint128::new(FEE),
        msg: Default::default(),
    };
    assert_eq!(
        read(&deps, &nous, Payment::Cw20(&info, &hook), &POLICY).unwrap_err(),
        ConsumerError::UnexpectedFunds {}
    );
    for funds in [vec![], coins(FEE, DENOM)] {
        assert_eq!(
            read_native(&deps, &nous, &funds).unwrap_err(),
            ConsumerError::UseCw20Send {
                token: token().to_string()
            }
        );
    }
    // a cw20 hook on a native deployment
    let (native_deps, native_nous) = native();
    native_nous.set_inference(latest_value(&mock_env(), TOPIC, 9, d(50)));
    assert_eq!(
        read_cw20(&native_deps, &native_nous, &token(), FEE).unwrap_err(),
        ConsumerError::UseNativeFunds {
            denom: DENOM.into()
        }
    );
    // a zero fee on a cw20 deployment: the plain message, nothing attached
    nous.set_fee(Uint128::zero());
    let (_, msg) = read(
        &deps,
        &nous,
        Payment::Native(&message_info(&alice(), &[])),
        &POLICY,
    )
    .unwrap();
    assert_eq!(msg, pay_msg(&vault, vec![]));
}

#[test]
fn missing_inference_unknown_vault_and_wrong_answers_are_refused() {
    let (deps, nous) = native();
    let err = read_native(&deps, &nous, &coins(FEE, DENOM)).unwrap_err();
    assert!(
        matches!(&err, ConsumerError::InferenceUnavailable { topic_id: TOPIC, reason }
            if reason.contains("topic 1 has no network inference yet")),
        "{err}"
    );
    assert!(err.to_string().contains("nothing was paid"));

    // a consumer configured with a wrong vault address cannot learn the fee
    let wrong = NousAddrs {
        fee_vault: alice(),
        ..nous.addrs()
    };
    let info = message_info(&alice(), &coins(FEE, DENOM));
    let err = paid_read(
        deps.as_ref(),
        &mock_env(),
        &wrong,
        Payment::Native(&info),
        TOPIC,
        &POLICY,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            ConsumerError::ReadFeeUnavailable {
                topic_id: TOPIC,
                ..
            }
        ),
        "{err}"
    );

    // a synthesis answering about another topic is not trusted
    let mut deps = deps;
    let vault = nous.clone();
    let synthesis = nous.addrs().synthesis.to_string();
    let other = latest_value(&mock_env(), 2, 1, d(1));
    deps.querier.update_wasm(move |q| match q {
        WasmQuery::Smart { contract_addr, .. } if *contract_addr == synthesis => {
            SystemResult::Ok(ContractResult::Ok(to_json_binary(&other).unwrap()))
        }
        _ => vault.handle(q),
    });
    assert_eq!(
        read_native(&deps, &nous, &coins(FEE, DENOM)).unwrap_err(),
        ConsumerError::WrongTopicAnswer {
            expected: TOPIC,
            got: 2
        }
    );
}

#[test]
fn mock_answers_latest_values_in_order_and_bounded() {
    let (deps, nous) = native();
    let env: Env = mock_env();
    let one = latest_value(&env, 1, 3, d(1));
    let three = latest_value(&env, 3, 8, d(3));
    nous.set_inference(one.clone());
    nous.set_inference(three.clone());
    let querier = QuerierWrapper::<Empty>::new(&deps.querier);
    let synthesis = nous.addrs().synthesis;
    let values = |topic_ids: Vec<u64>| {
        querier.query_wasm_smart::<LatestValuesResponse>(
            &synthesis,
            &SynthesisQueryMsg::LatestValues { topic_ids },
        )
    };
    assert_eq!(
        values(vec![3, 2, 1]).unwrap().values,
        vec![Some(three), None, Some(one.clone())]
    );
    let err = values((0..=u64::from(MAX_LATEST_VALUES)).collect()).unwrap_err();
    assert!(
        err.to_string()
            .contains("at most 50 topics at once, got 51"),
        "{err}"
    );
    nous.remove_inference(1);
    assert_eq!(values(vec![1]).unwrap().values, vec![None]);
    // what the mock does not know
    let unknown = querier
        .query_wasm_smart::<ReadFeeResponse>(alice(), &FeeVaultQueryMsg::ReadFee { topic_id: 1 });
    assert!(unknown
        .unwrap_err()
        .to_string()
        .contains("No such contract"));
    let garbage = querier.query_wasm_smart::<ReadFeeResponse>(
        nous.addrs().fee_vault,
        &SynthesisQueryMsg::LatestValue { topic_id: 1 },
    );
    assert!(garbage.is_err());
    let fee: ReadFeeResponse = from_json(
        to_json_binary(
            &querier
                .query_wasm_smart::<ReadFeeResponse>(
                    nous.addrs().fee_vault,
                    &FeeVaultQueryMsg::ReadFee { topic_id: 42 },
                )
                .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!((fee.topic_id, fee.amount), (42, Uint128::new(FEE)));
}
