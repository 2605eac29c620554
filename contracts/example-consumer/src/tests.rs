//! Unit tests of the contract through its entry points, with `nous_consumer`'s `MockNous`
//! standing in for the fee-vault and synthesis.

use cosmwasm_std::testing::{
    message_info, mock_dependencies, mock_env, MockApi, MockQuerier, MockStorage,
};
use cosmwasm_std::{
    coin, coins, from_json, to_json_binary, Addr, Coin, ContractResult, CosmosMsg, Empty,
    OwnedDeps, Response, SignedDecimal, SystemResult, Uint128, WasmMsg, WasmQuery,
};
use cw20::Cw20ExecuteMsg;
use nous_consumer::testing::{error_bars, latest_value, MockNous};
use nous_consumer::{ConsumerError, Cw20ReceiveMsg, Denom, InferencePath, LatestValue};
use nous_types::fee_vault::{ExecuteMsg as VaultExecute, ReceiveMsg as VaultReceive};

use crate::contract::{execute, instantiate, migrate, query};
use crate::msg::{
    Config, Decision, ExecuteMsg, Guard, InstantiateMsg, LastReadingResponse, MigrateMsg, QueryMsg,
    ReadFeeResponse, ReadingsResponse, ReceiveMsg, MAX_GUARDS, MAX_HISTORY_LIMIT,
};
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
        vault: api.addr_make("fee-vault"),
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

/// A consumer instantiated with `msg`, in front of a mock suite charging `FEE` in `denom`
/// (the mock's addresses are `addrs()`'s vault and synthesis).
fn setup_with(denom: Denom, msg: InstantiateMsg) -> (Deps, MockNous) {
    let a = addrs();
    let mut deps = mock_dependencies();
    let nous = MockNous::new(&deps.api, denom, Uint128::new(FEE));
    nous.install(&mut deps.querier);
    instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&a.creator, &[]),
        msg,
    )
    .unwrap();
    (deps, nous)
}

fn native(a: &Addrs) -> (Deps, MockNous) {
    setup_with(Denom::Native(DENOM.into()), instantiate_msg(a))
}

fn cw20(a: &Addrs) -> (Deps, MockNous) {
    setup_with(Denom::Cw20(a.token.clone()), instantiate_msg(a))
}

/// Nonce `nonce` of `topic_id` with value `value`, `age` blocks old (full path, five
/// inferers, every error bar at the value).
fn inference(topic_id: u64, nonce: u64, value: i64, age: u64) -> LatestValue {
    latest_value(&mock_env(), topic_id, nonce, d(value)).aged(age, 5 * age)
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

fn consumer(e: ConsumerError) -> ContractError {
    ContractError::Consumer(e)
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
        ContractError::UnexpectedFunds {}
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
    let (mut deps, nous) = native(&a);
    nous.set_inference(inference(TOPIC, 7, 120, 3));

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
    assert_eq!(attr(&res, "denom"), DENOM);

    let reading = last_reading(&deps, TOPIC).reading.unwrap();
    assert_eq!(reading.nonce, 7);
    assert_eq!(reading.value, d(120));
    assert_eq!((reading.band_low, reading.band_high), (d(120), d(120)));
    assert_eq!(reading.decision, Decision::Above);
    assert_eq!(reading.age, 3);
    assert_eq!(reading.computed_at, mock_env().block.height - 3);
    assert_eq!(reading.read_at, mock_env().block.height);
    assert_eq!(reading.payer, a.alice);
    assert_eq!(reading.fee, Uint128::new(FEE));
    assert_eq!(last_reading(&deps, 2).reading, None);
}

#[test]
fn error_bars_drive_the_decision() {
    let a = addrs();
    let mut below = inference(TOPIC, 4, 97, 1);
    below.error_bars = error_bars([d(90), d(94), d(97), d(99), d(104)]);
    let mut uncertain = inference(TOPIC, 5, 98, 0);
    uncertain.error_bars = error_bars([d(90), d(95), d(98), d(101), d(104)]);
    let (mut deps, nous) = native(&a);
    nous.set_inference(below);
    run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap();
    let r = last_reading(&deps, TOPIC).reading.unwrap();
    assert_eq!(
        (r.band_low, r.band_high, r.decision),
        (d(94), d(99), Decision::Below)
    );
    assert_eq!(r.error_bars.len(), 5);

    nous.set_inference(uncertain);
    run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap();
    let r = last_reading(&deps, TOPIC).reading.unwrap();
    assert_eq!((r.nonce, r.decision), (5, Decision::Uncertain));
}

#[test]
fn single_worker_and_median_inferences_are_accepted_as_before() {
    // This example's policy accepts every path (see `execute::use_latest_inference`).
    let a = addrs();
    let (mut deps, nous) = native(&a);
    for (nonce, path, inferers) in [
        (1, InferencePath::Single, 1),
        (2, InferencePath::NoLossYet, 4),
    ] {
        let mut v = inference(TOPIC, nonce, 120, 0);
        (v.path, v.inferers) = (path, inferers);
        v.error_bars.clear();
        // ... and has no limit in seconds, only `max_age` in blocks
        v.computed_at_time = 0;
        nous.set_inference(v);
        run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap();
        let r = last_reading(&deps, TOPIC).reading.unwrap();
        assert_eq!(
            (r.nonce, r.band_low, r.decision),
            (nonce, d(120), Decision::Above)
        );
    }
}

#[test]
fn stale_or_missing_inference_fails_and_stores_nothing() {
    let a = addrs();
    // Missing: no inference at all.
    let (mut deps, nous) = native(&a);
    let err = run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap_err();
    match &err {
        ContractError::Consumer(ConsumerError::InferenceUnavailable { topic_id, reason }) => {
            assert_eq!(*topic_id, TOPIC);
            assert!(reason.contains("has no network inference yet"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(last_reading(&deps, TOPIC).reading, None);

    // Stale: 6 blocks old, the contract accepts 5.
    nous.set_inference(inference(TOPIC, 2, 1, MAX_AGE + 1));
    let err = run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap_err();
    assert_eq!(
        err,
        consumer(ConsumerError::StaleReading {
            topic_id: TOPIC,
            nonce: 2,
            age_blocks: MAX_AGE + 1,
            max_age_blocks: MAX_AGE
        })
    );
    assert!(err.to_string().contains("6 blocks old"), "{err}");
    assert!(err.to_string().contains("nothing was paid"));
    assert_eq!(last_reading(&deps, TOPIC).reading, None);
    assert_eq!(readings(&deps, None, None), Vec::<u64>::new());
}

#[test]
fn caller_may_tighten_max_age_but_not_loosen_it() {
    let a = addrs();
    let (mut deps, nous) = native(&a);
    nous.set_inference(inference(TOPIC, 2, 1, 3));
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
        ContractError::Consumer(ConsumerError::StaleReading {
            max_age_blocks: 2,
            ..
        })
    ));
    let res = run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(Some(3))).unwrap();
    assert_eq!(attr(&res, "max_age"), "3");
}

#[test]
fn native_payment_must_be_exactly_the_fee() {
    let a = addrs();
    let (mut deps, nous) = native(&a);
    nous.set_inference(inference(TOPIC, 2, 1, 0));
    let cases: Vec<(Vec<Coin>, ConsumerError)> = vec![
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
        assert_eq!(
            run(&mut deps, &a.alice, &funds, use_msg(None)).unwrap_err(),
            consumer(expected)
        );
    }
    assert_eq!(last_reading(&deps, TOPIC).reading, None);

    // A zero fee: attach nothing, and `PayForRead` is still called (the vault records it).
    nous.set_fee(Uint128::zero());
    assert_eq!(
        run(&mut deps, &a.alice, &coins(1, DENOM), use_msg(None)).unwrap_err(),
        consumer(ConsumerError::Overpayment {
            expected: Uint128::zero(),
            got: Uint128::new(1)
        })
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
    let (mut deps, nous) = cw20(&a);
    nous.set_inference(inference(TOPIC, 9, 50, 1));

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
    assert_eq!(attr(&res, "denom"), a.token.as_str());
    let reading = last_reading(&deps, TOPIC).reading.unwrap();
    assert_eq!(
        (reading.payer, reading.decision),
        (a.alice.clone(), Decision::Below)
    );

    // Wrong amounts, another token, native coins or the plain execute message are refused.
    assert_eq!(
        cw20_send(&mut deps, &a.token, &a.alice, FEE + 1).unwrap_err(),
        consumer(ConsumerError::Overpayment {
            expected: Uint128::new(FEE),
            got: Uint128::new(FEE + 1)
        })
    );
    assert_eq!(
        cw20_send(&mut deps, &a.token, &a.alice, FEE - 1).unwrap_err(),
        consumer(ConsumerError::InsufficientFee {
            expected: Uint128::new(FEE),
            got: Uint128::new(FEE - 1)
        })
    );
    assert_eq!(
        cw20_send(&mut deps, &a.alice, &a.alice, FEE).unwrap_err(),
        consumer(ConsumerError::WrongCw20Token {
            expected: a.token.to_string(),
            got: a.alice.to_string()
        })
    );
    for funds in [vec![], coins(FEE, DENOM)] {
        assert_eq!(
            run(&mut deps, &a.alice, &funds, use_msg(None)).unwrap_err(),
            consumer(ConsumerError::UseCw20Send {
                token: a.token.to_string()
            })
        );
    }

    // A cw20 hook on a native deployment is refused too.
    let (mut native_deps, native_nous) = native(&a);
    native_nous.set_inference(inference(TOPIC, 9, 50, 1));
    assert_eq!(
        cw20_send(&mut native_deps, &a.token, &a.alice, FEE).unwrap_err(),
        consumer(ConsumerError::UseNativeFunds {
            denom: DENOM.into()
        })
    );

    // A zero fee on a cw20 deployment: the plain message with nothing attached.
    nous.set_fee(Uint128::zero());
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
    let (mut deps, nous) = native(&a);
    nous.set_inference(inference(3, 1, 1, 0));
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
    let (mut deps, _nous) = setup_with(Denom::Native(DENOM.into()), msg);
    let err = run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap_err();
    assert!(
        matches!(
            &err,
            ContractError::Consumer(ConsumerError::ReadFeeUnavailable {
                topic_id: TOPIC,
                ..
            })
        ),
        "{err}"
    );
    let err = query(
        deps.as_ref(),
        mock_env(),
        QueryMsg::ReadFee { topic_id: TOPIC },
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ContractError::Consumer(ConsumerError::ReadFeeUnavailable { .. })
    ));
}

#[test]
fn a_synthesis_answering_for_another_topic_is_not_trusted() {
    let a = addrs();
    let (mut deps, nous) = native(&a);
    let synthesis = a.synthesis.to_string();
    let other = inference(2, 4, 1, 0);
    deps.querier.update_wasm(move |q| match q {
        WasmQuery::Smart { contract_addr, .. } if *contract_addr == synthesis => {
            SystemResult::Ok(ContractResult::Ok(to_json_binary(&other).unwrap()))
        }
        _ => nous.handle(q),
    });
    assert_eq!(
        run(&mut deps, &a.alice, &coins(FEE, DENOM), use_msg(None)).unwrap_err(),
        consumer(ConsumerError::WrongTopicAnswer {
            expected: TOPIC,
            got: 2
        })
    );
    assert_eq!(last_reading(&deps, TOPIC).reading, None);
}

#[test]
fn history_is_bounded_and_paginated() {
    let a = addrs();
    let (mut deps, nous) = native(&a);
    for nonce in 0..5u64 {
        nous.set_inference(inference(TOPIC, nonce, nonce as i64, 0));
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
fn migrate_keeps_the_contract_name_and_never_downgrades() {
    let a = addrs();
    let (mut deps, _nous) = native(&a);
    let res = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
    assert_eq!(attr(&res, "action"), "migrate");
    cw2::set_contract_version(deps.as_mut().storage, "crates.io:example-consumer", "9.0.0")
        .unwrap();
    let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert!(
        matches!(&err, ContractError::MigrationRefused { reason } if reason.contains("newer version")),
        "{err}"
    );
    cw2::set_contract_version(deps.as_mut().storage, "crates.io:other", "0.1.0").unwrap();
    let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert!(
        matches!(&err, ContractError::MigrationRefused { reason } if reason.contains("crates.io:other")),
        "{err}"
    );
}
