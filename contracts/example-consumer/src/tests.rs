//! Unit tests of the contract through its entry points, with `MockNetworkInference`
//! standing in for the fee-vault and synthesis.

use cosmwasm_std::testing::{
    message_info, mock_dependencies, mock_env, MockApi, MockQuerier, MockStorage,
};
use cosmwasm_std::{
    coin, coins, from_json, to_json_binary, Addr, Coin, ContractResult, CosmosMsg, Empty,
    OwnedDeps, QuerierResult, Response, SignedDecimal, SystemResult, Uint128, WasmMsg, WasmQuery,
};
use cw20::{Cw20ExecuteMsg, Cw20ReceiveMsg, Denom};
use nous_types::fee_vault::{ExecuteMsg as VaultExecute, ReceiveMsg as VaultReceive};
use nous_types::migrate::MigrateError;
use nous_types::synthesis::NetworkInferenceResponse;
use nous_types::PaymentError;

use crate::contract::{execute, instantiate, migrate, query};
use crate::msg::{
    Config, Decision, ExecuteMsg, Guard, InstantiateMsg, LastReadingResponse, MigrateMsg, QueryMsg,
    ReadFeeResponse, ReadingsResponse, ReceiveMsg, MAX_GUARDS, MAX_HISTORY_LIMIT,
};
use crate::testing::{error_bars, network_inference, MockNetworkInference};
use crate::ContractError;

type Deps = OwnedDeps<MockStorage, MockApi, MockQuerier, Empty>;

const DENOM: &str = "unous";
const TOPIC: u64 = 1;
const FEE: u128 = 10;
const MAX_AGE: u64 = 5;

fn d(v: i64) -> SignedDecimal {
    SignedDecimal::from_atomics(v as i128, 0).unwrap()
}

struct Addrs {
    vault: Addr,
    synthesis: Addr,
    token: Addr,
    alice: Addr,
    creator: Addr,
}

fn addrs() -> Addrs {
    let api = MockApi::default();
    Addrs {
        vault: api.addr_make("vault"),
        synthesis: api.addr_make("synthesis"),
        token: api.addr_make("token"),
        alice: api.addr_make("alice"),
        creator: api.addr_make("creator"),
    }
}

fn instantiate_msg(a: &Addrs) -> InstantiateMsg {
    InstantiateMsg {
        fee_vault: a.vault.to_string(),
        synthesis: a.synthesis.to_string(),
        guards: vec![
            Guard {
                topic_id: TOPIC,
                threshold: d(100),
            },
            Guard {
                topic_id: 2,
                threshold: d(-5),
            },
        ],
        max_age: MAX_AGE,
        history_limit: Some(3),
    }
}

/// A consumer instantiated with `msg`, in front of `mock`.
fn setup_with(mock: MockNetworkInference, msg: InstantiateMsg) -> Deps {
    let a = addrs();
    let mut deps = mock_dependencies();
    mock.install(&mut deps.querier);
    instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&a.creator, &[]),
        msg,
    )
    .unwrap();
    deps
}

fn native_mock(a: &Addrs) -> MockNetworkInference {
    MockNetworkInference::new(
        &a.vault,
        &a.synthesis,
        Denom::Native(DENOM.into()),
        Uint128::new(FEE),
    )
}

fn cw20_mock(a: &Addrs) -> MockNetworkInference {
    MockNetworkInference::new(
        &a.vault,
        &a.synthesis,
        Denom::Cw20(a.token.clone()),
        Uint128::new(FEE),
    )
}

fn use_msg(max_age: Option<u64>) -> ExecuteMsg {
    ExecuteMsg::UseLatestInference {
        topic_id: TOPIC,
        max_age,
    }
}

fn run(
    deps: &mut Deps,
    sender: &Addr,
    funds: &[Coin],
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    execute(deps.as_mut(), mock_env(), message_info(sender, funds), msg)
}

fn cw20_send(
    deps: &mut Deps,
    token: &Addr,
    payer: &Addr,
    amount: u128,
) -> Result<Response, ContractError> {
    let hook = ReceiveMsg::UseLatestInference {
        topic_id: TOPIC,
        max_age: None,
    };
    run(
        deps,
        token,
        &[],
        ExecuteMsg::Receive(Cw20ReceiveMsg {
            sender: payer.to_string(),
            amount: Uint128::new(amount),
            msg: to_json_binary(&hook).unwrap(),
        }),
    )
}

fn last_reading(deps: &Deps, topic_id: u64) -> LastReadingResponse {
    from_json(
        query(
            deps.as_ref(),
            mock_env(),
            QueryMsg::LastReading { topic_id },
        )
        .unwrap(),
    )
    .unwrap()
}

fn readings(deps: &Deps, start_after: Option<u64>, limit: Option<u32>) -> Vec<u64> {
    let r: ReadingsResponse = from_json(
        query(
            deps.as_ref(),
            mock_env(),
            QueryMsg::Readings {
                topic_id: TOPIC,
                start_after,
                limit,
            },
        )
        .unwrap(),
    )
    .unwrap();
    r.readings.iter().map(|r| r.seq).collect()
}

fn attr<'a>(res: &'a Response, key: &str) -> &'a str {
    res.attributes
        .iter()
        .find(|a| a.key == key)
        .map(|a| a.value.as_str())
        .unwrap_or_default()
}

#[test]
fn instantiate_validates_the_config() {
    let a = addrs();
    let mut deps = mock_dependencies();
    let info = message_info(&a.creator, &[]);
    let mut msg = instantiate_msg(&a);
    msg.guards.clear();
    assert_eq!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg).unwrap_err(),
        ContractError::NoGuards {}
    );
    let mut msg = instantiate_msg(&a);
    msg.guards = (0..=u64::from(MAX_GUARDS))
        .map(|topic_id| Guard {
            topic_id,
            threshold: d(1),
        })
        .collect();
    assert_eq!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg).unwrap_err(),
        ContractError::TooManyGuards { max: MAX_GUARDS }
    );
    let mut msg = instantiate_msg(&a);
    msg.guards[1].topic_id = TOPIC;
    assert_eq!(
        instantiate(deps.as_mut(), mock_env(), info.clone(), msg).unwrap_err(),
        ContractError::DuplicateGuard { topic_id: TOPIC }
    );
    for limit in [0, MAX_HISTORY_LIMIT + 1] {
        let mut msg = instantiate_msg(&a);
        msg.history_limit = Some(limit);
        assert_eq!(
            instantiate(deps.as_mut(), mock_env(), info.clone(), msg).unwrap_err(),
            ContractError::InvalidHistoryLimit {
                limit,
                max: MAX_HISTORY_LIMIT
            }
        );
    }
    assert_eq!(
        instantiate(
            deps.as_mut(),
            mock_env(),
            message_info(&a.creator, &coins(1, DENOM)),
            instantiate_msg(&a)
        )
        .unwrap_err(),
        ContractError::Payment(PaymentError::UnexpectedFunds {})
    );
    let mut msg = instantiate_msg(&a);
    msg.history_limit = None;
    let res = instantiate(deps.as_mut(), mock_env(), info, msg).unwrap();
    assert_eq!(attr(&res, "topic_ids"), "1,2");
    let config: Config =
        from_json(query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap()).unwrap();
    assert_eq!(config.history_limit, crate::msg::DEFAULT_HISTORY_LIMIT);
    assert_eq!(config.fee_vault, a.vault);
}

#[test]
fn fresh_inference_native_fee_is_forwarded_to_the_vault() {
    let a = addrs();
    let mock = native_mock(&a).with_inference(network_inference(TOPIC, 7, d(120)), 3);
    let mut deps = setup_with(mock, instantiate_msg(&a));

    // The fee a frontend should attach, forwarded from the vault.
    let fee: ReadFeeResponse = from_json(
        query(
            deps.as_ref(),
            mock_env(),
            QueryMsg::ReadFee { topic_id: TOPIC },
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(fee.amount, Uint128::new(FEE));
    assert_eq!(fee.denom, Denom::Native(DENOM.into()));

    let res = run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap();
    assert_eq!(res.messages.len(), 1);
    assert_eq!(
        res.messages[0].msg,
        CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr: a.vault.to_string(),
            msg: to_json_binary(&VaultExecute::PayForRead { topic_id: TOPIC }).unwrap(),
            funds: coins(FEE, DENOM),
        })
    );
    assert_eq!(attr(&res, "action"), "use_latest_inference");
    assert_eq!(attr(&res, "nonce"), "7");
    assert_eq!(attr(&res, "decision"), "above");
    assert_eq!(attr(&res, "amount"), "10");

    let reading = last_reading(&deps, TOPIC).reading.unwrap();
    assert_eq!(reading.nonce, 7);
    assert_eq!(reading.value, d(120));
    assert_eq!((reading.band_low, reading.band_high), (d(120), d(120)));
    assert_eq!(reading.decision, Decision::Above);
    assert_eq!(reading.age, 3);
    assert_eq!(reading.read_at, mock_env().block.height);
    assert_eq!(reading.payer, a.alice);
    assert_eq!(reading.fee, Uint128::new(FEE));
    assert_eq!(last_reading(&deps, 2).reading, None);
}

#[test]
fn error_bars_drive_the_decision() {
    let a = addrs();
    let mut below = network_inference(TOPIC, 4, d(97));
    below.error_bars = error_bars([d(90), d(94), d(97), d(99), d(104)]);
    let mut uncertain = network_inference(TOPIC, 5, d(98));
    uncertain.error_bars = error_bars([d(90), d(95), d(98), d(101), d(104)]);
    let mock = native_mock(&a).with_inference(below, 1);
    let mut deps = setup_with(mock.clone(), instantiate_msg(&a));
    run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap();
    let r = last_reading(&deps, TOPIC).reading.unwrap();
    assert_eq!(
        (r.band_low, r.band_high, r.decision),
        (d(94), d(99), Decision::Below)
    );
    assert_eq!(r.error_bars.len(), 5);

    mock.with_inference(uncertain, 0).install(&mut deps.querier);
    run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap();
    let r = last_reading(&deps, TOPIC).reading.unwrap();
    assert_eq!((r.nonce, r.decision), (5, Decision::Uncertain));
}

#[test]
fn stale_or_missing_inference_fails_and_stores_nothing() {
    let a = addrs();
    // Missing: no inference at all.
    let mut deps = setup_with(native_mock(&a), instantiate_msg(&a));
    let err = run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap_err();
    match &err {
        ContractError::InferenceUnavailable {
            topic_id,
            max_age,
            reason,
        } => {
            assert_eq!((*topic_id, *max_age), (TOPIC, MAX_AGE));
            assert!(reason.contains("has no network inference yet"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(last_reading(&deps, TOPIC).reading, None);

    // Stale: 6 blocks old, the contract accepts 5.
    native_mock(&a)
        .with_inference(network_inference(TOPIC, 2, d(1)), MAX_AGE + 1)
        .install(&mut deps.querier);
    let err = run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap_err();
    assert!(
        matches!(&err, ContractError::InferenceUnavailable { reason, .. } if reason.contains("6 blocks old")),
        "{err}"
    );
    assert!(err.to_string().contains("nothing was paid"));
    assert_eq!(last_reading(&deps, TOPIC).reading, None);
    assert_eq!(readings(&deps, None, None), Vec::<u64>::new());
}

#[test]
fn caller_may_tighten_max_age_but_not_loosen_it() {
    let a = addrs();
    let mock = native_mock(&a).with_inference(network_inference(TOPIC, 2, d(1)), 3);
    let mut deps = setup_with(mock, instantiate_msg(&a));
    assert_eq!(
        run(
            &mut deps,
            &a.alice,
            &coins(FEE, DENOM),
            use_msg(Some(MAX_AGE + 1))
        )
        .unwrap_err(),
        ContractError::MaxAgeTooLoose {
            requested: MAX_AGE + 1,
            allowed: MAX_AGE
        }
    );
    let err = run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(Some(2))).unwrap_err();
    assert!(matches!(
        err,
        ContractError::InferenceUnavailable { max_age: 2, .. }
    ));
    let res = run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(Some(3))).unwrap();
    assert_eq!(attr(&res, "max_age"), "3");
}

#[test]
fn native_payment_must_be_exactly_the_fee() {
    let a = addrs();
    let mock = native_mock(&a).with_inference(network_inference(TOPIC, 2, d(1)), 0);
    let mut deps = setup_with(mock.clone(), instantiate_msg(&a));
    let cases: Vec<(Vec<Coin>, ContractError)> = vec![
        (
            vec![],
            PaymentError::NoFunds {
                expected: DENOM.into(),
            }
            .into(),
        ),
        (
            coins(FEE - 1, DENOM),
            ContractError::InsufficientFee {
                expected: Uint128::new(FEE),
                got: Uint128::new(FEE - 1),
            },
        ),
        (
            coins(FEE + 1, DENOM),
            ContractError::Overpayment {
                expected: Uint128::new(FEE),
                got: Uint128::new(FEE + 1),
            },
        ),
        (
            coins(FEE, "uatom"),
            PaymentError::WrongDenom {
                expected: DENOM.into(),
                got: "uatom".into(),
            }
            .into(),
        ),
        (
            vec![coin(FEE, DENOM), coin(1, "uatom")],
            PaymentError::MultipleDenoms {
                expected: DENOM.into(),
            }
            .into(),
        ),
    ];
    for (funds, expected) in cases {
        assert_eq!(
            run(&mut deps, &a.alice, &funds, use_msg(None)).unwrap_err(),
            expected
        );
    }
    assert_eq!(last_reading(&deps, TOPIC).reading, None);

    // A zero fee: attach nothing, and `PayForRead` is still called (the vault records it).
    mock.with_read_fee(Uint128::zero())
        .install(&mut deps.querier);
    assert_eq!(
        run(&mut deps, &a.alice, &coins(1, DENOM), use_msg(None)).unwrap_err(),
        ContractError::Overpayment {
            expected: Uint128::zero(),
            got: Uint128::new(1)
        }
    );
    let res = run(&mut deps, &a.alice, &[], use_msg(None)).unwrap();
    assert_eq!(
        res.messages[0].msg,
        CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr: a.vault.to_string(),
            msg: to_json_binary(&VaultExecute::PayForRead { topic_id: TOPIC }).unwrap(),
            funds: vec![],
        })
    );
}

#[test]
fn cw20_fee_is_forwarded_with_send() {
    let a = addrs();
    let mock = cw20_mock(&a).with_inference(network_inference(TOPIC, 9, d(50)), 1);
    let mut deps = setup_with(mock.clone(), instantiate_msg(&a));

    let res = cw20_send(&mut deps, &a.token, &a.alice, FEE).unwrap();
    assert_eq!(
        res.messages[0].msg,
        CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr: a.token.to_string(),
            msg: to_json_binary(&Cw20ExecuteMsg::Send {
                contract: a.vault.to_string(),
                amount: Uint128::new(FEE),
                msg: to_json_binary(&VaultReceive::PayForRead { topic_id: TOPIC }).unwrap(),
            })
            .unwrap(),
            funds: vec![],
        })
    );
    let reading = last_reading(&deps, TOPIC).reading.unwrap();
    assert_eq!(
        (reading.payer, reading.decision),
        (a.alice.clone(), Decision::Below)
    );

    // Wrong amounts, another token, native coins or the plain execute message are refused.
    assert_eq!(
        cw20_send(&mut deps, &a.token, &a.alice, FEE + 1).unwrap_err(),
        ContractError::Overpayment {
            expected: Uint128::new(FEE),
            got: Uint128::new(FEE + 1)
        }
    );
    assert_eq!(
        cw20_send(&mut deps, &a.token, &a.alice, FEE - 1).unwrap_err(),
        ContractError::InsufficientFee {
            expected: Uint128::new(FEE),
            got: Uint128::new(FEE - 1)
        }
    );
    assert_eq!(
        cw20_send(&mut deps, &a.alice, &a.alice, FEE).unwrap_err(),
        ContractError::Payment(PaymentError::WrongCw20Token {
            expected: a.token.to_string(),
            got: a.alice.to_string()
        })
    );
    assert_eq!(
        run(&mut deps, &a.alice, &[], use_msg(None)).unwrap_err(),
        ContractError::Payment(PaymentError::UseCw20Send {
            token: a.token.to_string()
        })
    );
    assert_eq!(
        run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap_err(),
        ContractError::Payment(PaymentError::UseCw20Send {
            token: a.token.to_string()
        })
    );

    // A cw20 hook on a native deployment is refused too.
    let mut native = setup_with(
        native_mock(&a).with_inference(network_inference(TOPIC, 9, d(50)), 1),
        instantiate_msg(&a),
    );
    assert_eq!(
        cw20_send(&mut native, &a.token, &a.alice, FEE).unwrap_err(),
        ContractError::Payment(PaymentError::UseNativeFunds {
            denom: DENOM.into()
        })
    );

    // A zero fee on a cw20 deployment: the plain message with nothing attached.
    mock.with_read_fee(Uint128::zero())
        .install(&mut deps.querier);
    let res = run(&mut deps, &a.alice, &[], use_msg(None)).unwrap();
    assert_eq!(
        res.messages[0].msg,
        CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr: a.vault.to_string(),
            msg: to_json_binary(&VaultExecute::PayForRead { topic_id: TOPIC }).unwrap(),
            funds: vec![],
        })
    );
}

#[test]
fn unguarded_topic_and_unreachable_vault_are_refused() {
    let a = addrs();
    let mock = native_mock(&a).with_inference(network_inference(3, 1, d(1)), 0);
    let mut deps = setup_with(mock, instantiate_msg(&a));
    assert_eq!(
        run(
            &mut deps,
            &a.alice,
            &coins(FEE, DENOM),
            ExecuteMsg::UseLatestInference {
                topic_id: 3,
                max_age: None
            }
        )
        .unwrap_err(),
        ContractError::TopicNotGuarded { topic_id: 3 }
    );

    // A consumer configured with the wrong vault address cannot learn the fee.
    let mut msg = instantiate_msg(&a);
    msg.fee_vault = a.creator.to_string();
    let mut deps = setup_with(native_mock(&a), msg);
    let err = run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap_err();
    assert!(
        matches!(
            &err,
            ContractError::ReadFeeUnavailable {
                topic_id: TOPIC,
                ..
            }
        ),
        "{err}"
    );
}

/// A synthesis that answers every query with `topic_id`'s nonce 4 at `age`, whatever
/// was asked (the vault is the normal mock).
fn lying_synthesis(
    a: &Addrs,
    topic_id: u64,
    age: u64,
) -> impl Fn(&WasmQuery) -> QuerierResult + 'static {
    let vault = native_mock(a);
    let synthesis = a.synthesis.to_string();
    move |q: &WasmQuery| match q {
        WasmQuery::Smart { contract_addr, .. } if *contract_addr == synthesis => {
            SystemResult::Ok(ContractResult::Ok(
                to_json_binary(&NetworkInferenceResponse {
                    inference: network_inference(topic_id, 4, d(1)),
                    age,
                })
                .unwrap(),
            ))
        }
        _ => vault.handle(q),
    }
}

#[test]
fn a_synthesis_that_ignores_max_age_or_the_topic_is_not_trusted() {
    let a = addrs();
    let mut deps = setup_with(native_mock(&a), instantiate_msg(&a));
    deps.querier
        .update_wasm(lying_synthesis(&a, TOPIC, MAX_AGE + 10));
    assert_eq!(
        run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap_err(),
        ContractError::StaleInference {
            topic_id: TOPIC,
            nonce: 4,
            age: MAX_AGE + 10,
            max_age: MAX_AGE
        }
    );
    deps.querier.update_wasm(lying_synthesis(&a, 2, 0));
    assert_eq!(
        run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap_err(),
        ContractError::WrongTopicAnswer {
            expected: TOPIC,
            got: 2
        }
    );
    assert_eq!(last_reading(&deps, TOPIC).reading, None);
}

#[test]
fn history_is_bounded_and_paginated() {
    let a = addrs();
    let mut deps = setup_with(native_mock(&a), instantiate_msg(&a));
    for nonce in 0..5u64 {
        native_mock(&a)
            .with_inference(network_inference(TOPIC, nonce, d(nonce as i64)), 0)
            .install(&mut deps.querier);
        run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap();
    }
    // history_limit 3: readings 0 and 1 were deleted.
    assert_eq!(readings(&deps, None, None), vec![2, 3, 4]);
    assert_eq!(readings(&deps, Some(2), None), vec![3, 4]);
    assert_eq!(readings(&deps, None, Some(1)), vec![2]);
    let last = last_reading(&deps, TOPIC).reading.unwrap();
    assert_eq!((last.seq, last.nonce), (4, 4));
}

#[test]
fn migrate_keeps_the_contract_name() {
    let a = addrs();
    let mut deps = setup_with(native_mock(&a), instantiate_msg(&a));
    let res = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
    assert_eq!(attr(&res, "action"), "migrate");
    cw2::set_contract_version(deps.as_mut().storage, "crates.io:other", "0.1.0").unwrap();
    assert!(matches!(
        migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err(),
        ContractError::Migrate(MigrateError::WrongContract { .. })
    ));
}

#[test]
fn mock_answers_network_inference_by_nonce() {
    let a = addrs();
    let mock = native_mock(&a)
        .with_inference(network_inference(TOPIC, 1, d(10)), 100)
        .with_inference(network_inference(TOPIC, 2, d(20)), 0);
    let mut deps = mock_dependencies();
    mock.install(&mut deps.querier);
    let q = deps.as_ref().querier;
    let s = nous_types::synthesis::SynthesisContract(a.synthesis.clone());
    assert_eq!(s.network_inference(&q, TOPIC, 1).unwrap().age, 100);
    assert_eq!(
        s.latest_network_inference(&q, TOPIC, None)
            .unwrap()
            .inference
            .nonce,
        2
    );
    assert!(s
        .network_inference(&q, TOPIC, 3)
        .unwrap_err()
        .to_string()
        .contains("nonce 3 of topic 1 has no network inference"));
    let v = nous_types::fee_vault::FeeVaultContract(a.vault.clone());
    assert_eq!(v.read_fee(&q, 42).unwrap(), Uint128::new(FEE));
    assert!(v.treasury(&q).is_err());
}
