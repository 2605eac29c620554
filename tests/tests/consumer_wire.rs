//! `nous-consumer` declares again the messages and answers a dApp exchanges with the suite,
//! so that it depends on cosmwasm-std, serde and schemars only. This file proves they are
//! the contracts' own JSON: every type it uses is serialised with one crate and read back
//! with the other, both directions, byte for byte; the payment messages it builds are the
//! ones `nous-types` builds; and `MockNous` answers what the real contracts answer.

use std::fmt::Debug;

use cosmwasm_std::{
    from_json, to_json_binary, to_json_vec, Addr, Binary, ContractResult, Decimal, Empty,
    QuerierResult, QuerierWrapper, QueryRequest, SignedDecimal, SystemResult, Uint128, WasmQuery,
};
use nous_consumer::msg as consumer;
use nous_consumer::testing::MockNous;
use nous_consumer::NousAddrs;
use nous_tests::{topic_params, SuiteBuilder};
use nous_types::fee_vault as vault;
use nous_types::synthesis;
use nous_types::topic_registry::Role;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// `a` (one crate's type) and `b` (the other's) are the same JSON, and each reads the other.
fn same_json<A, B>(a: &A, b: &B)
where
    A: Serialize + DeserializeOwned + PartialEq + Debug,
    B: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let (ja, jb) = (to_json_vec(a).unwrap(), to_json_vec(b).unwrap());
    assert_eq!(
        String::from_utf8_lossy(&ja),
        String::from_utf8_lossy(&jb),
        "different JSON"
    );
    assert_eq!(
        &from_json::<B>(&ja).unwrap(),
        b,
        "nous-types reads nous-consumer"
    );
    assert_eq!(
        &from_json::<A>(&jb).unwrap(),
        a,
        "nous-consumer reads nous-types"
    );
}

fn sd(raw: i128) -> SignedDecimal {
    SignedDecimal::raw(raw)
}

fn addr(name: &str) -> Addr {
    cosmwasm_std::testing::MockApi::default().addr_make(name)
}

#[test]
fn fee_vault_and_cw20_messages_are_the_contracts_json() {
    same_json(
        &consumer::FeeVaultQueryMsg::ReadFee { topic_id: 7 },
        &vault::QueryMsg::ReadFee { topic_id: 7 },
    );
    for (denom, cw20_denom) in [
        (
            consumer::Denom::Native("unous".into()),
            cw20::Denom::Native("unous".into()),
        ),
        (
            consumer::Denom::Cw20(addr("token")),
            cw20::Denom::Cw20(addr("token")),
        ),
    ] {
        same_json(&denom, &cw20_denom);
        same_json(
            &consumer::ReadFeeResponse {
                topic_id: 7,
                denom,
                amount: Uint128::new(u128::MAX),
            },
            &vault::ReadFeeResponse {
                topic_id: 7,
                denom: cw20_denom,
                amount: Uint128::new(u128::MAX),
            },
        );
    }
    same_json(
        &consumer::FeeVaultExecuteMsg::PayForRead { topic_id: 7 },
        &vault::ExecuteMsg::PayForRead { topic_id: 7 },
    );
    same_json(
        &consumer::FeeVaultReceiveMsg::PayForRead { topic_id: 7 },
        &vault::ReceiveMsg::PayForRead { topic_id: 7 },
    );
    let hook = Binary::from(br#"{"pay_for_read":{"topic_id":7}}"#.as_slice());
    same_json(
        &consumer::Cw20ExecuteMsg::Send {
            contract: "vault".into(),
            amount: Uint128::new(10),
            msg: hook.clone(),
        },
        &cw20::Cw20ExecuteMsg::Send {
            contract: "vault".into(),
            amount: Uint128::new(10),
            msg: hook.clone(),
        },
    );
    same_json(
        &consumer::Cw20ReceiveMsg {
            sender: "alice".into(),
            amount: Uint128::new(10),
            msg: hook.clone(),
        },
        &cw20::Cw20ReceiveMsg {
            sender: "alice".into(),
            amount: Uint128::new(10),
            msg: hook,
        },
    );
}

/// A latest value of each path, with and without error bars, in both crates' types.
fn latest_values() -> Vec<(consumer::LatestValue, synthesis::LatestValue)> {
    let paths = [
        (
            consumer::InferencePath::Single,
            synthesis::InferencePath::Single,
        ),
        (
            consumer::InferencePath::NoLossYet,
            synthesis::InferencePath::NoLossYet,
        ),
        (
            consumer::InferencePath::Full { all_new: false },
            synthesis::InferencePath::Full { all_new: false },
        ),
        (
            consumer::InferencePath::Full { all_new: true },
            synthesis::InferencePath::Full { all_new: true },
        ),
    ];
    paths
        .into_iter()
        .enumerate()
        .map(|(i, (cp, sp))| {
            let bars: Vec<(Decimal, SignedDecimal)> = if i < 2 {
                vec![]
            } else {
                consumer::ERROR_BAR_PERCENTILES
                    .iter()
                    .enumerate()
                    .map(|(j, p)| (*p, sd(-3_000_000 + j as i128 * (i128::MAX / 8))))
                    .collect()
            };
            let n = i as u64;
            (
                consumer::LatestValue {
                    topic_id: n + 1,
                    nonce: u64::MAX - n,
                    value: sd(i128::MIN + i as i128),
                    error_bars: bars
                        .iter()
                        .map(|(percentile, value)| consumer::PercentileValue {
                            percentile: *percentile,
                            value: *value,
                        })
                        .collect(),
                    path: cp,
                    inferers: 1 + i as u32,
                    worker_window_end: 100 + n,
                    computed_at: 103 + n,
                    computed_at_time: 1_700_000_000 + n,
                },
                synthesis::LatestValue {
                    topic_id: n + 1,
                    nonce: u64::MAX - n,
                    value: sd(i128::MIN + i as i128),
                    error_bars: bars
                        .iter()
                        .map(|(percentile, value)| synthesis::PercentileValue {
                            percentile: *percentile,
                            value: *value,
                        })
                        .collect(),
                    path: sp,
                    inferers: 1 + i as u32,
                    worker_window_end: 100 + n,
                    computed_at: 103 + n,
                    computed_at_time: 1_700_000_000 + n,
                },
            )
        })
        .collect()
}

#[test]
fn synthesis_queries_and_answers_are_the_contracts_json() {
    same_json(
        &consumer::SynthesisQueryMsg::LatestValue { topic_id: 3 },
        &synthesis::QueryMsg::LatestValue { topic_id: 3 },
    );
    same_json(
        &consumer::SynthesisQueryMsg::LatestValues {
            topic_ids: vec![3, 1, 3],
        },
        &synthesis::QueryMsg::LatestValues {
            topic_ids: vec![3, 1, 3],
        },
    );
    let values = latest_values();
    for (c, s) in &values {
        same_json(&c.path, &s.path);
        same_json(c, s);
    }
    let (mut c_list, mut s_list): (Vec<_>, Vec<_>) =
        values.into_iter().map(|(c, s)| (Some(c), Some(s))).unzip();
    c_list.insert(1, None);
    s_list.insert(1, None);
    same_json(
        &consumer::LatestValuesResponse { values: c_list },
        &synthesis::LatestValuesResponse { values: s_list },
    );
    assert_eq!(consumer::MAX_LATEST_VALUES, synthesis::MAX_LATEST_VALUES);
    let percentiles: Vec<Decimal> = synthesis::ERROR_BAR_PERCENTILES
        .iter()
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(consumer::ERROR_BAR_PERCENTILES.to_vec(), percentiles);
}

#[test]
fn payment_messages_are_the_ones_nous_types_builds() {
    let nous = NousAddrs {
        fee_vault: addr("vault"),
        synthesis: addr("synthesis"),
    };
    let typed = vault::FeeVaultContract(nous.fee_vault.clone());
    for amount in [0u128, 10] {
        for (denom, cw20_denom) in [
            (
                consumer::Denom::Native("unous".into()),
                cw20::Denom::Native("unous".into()),
            ),
            (
                consumer::Denom::Cw20(addr("token")),
                cw20::Denom::Cw20(addr("token")),
            ),
        ] {
            let fee = consumer::ReadFeeResponse {
                topic_id: 4,
                denom,
                amount: Uint128::new(amount),
            };
            assert_eq!(
                nous_consumer::pay_for_read_msg(&nous, &fee).unwrap(),
                typed
                    .pay_for_read_msg(&cw20_denom, Uint128::new(amount), 4)
                    .unwrap(),
                "{fee:?}"
            );
        }
    }
}

fn smart(contract: &Addr, msg: &impl Serialize) -> WasmQuery {
    WasmQuery::Smart {
        contract_addr: contract.to_string(),
        msg: to_json_binary(msg).unwrap(),
    }
}

/// The answer's bytes, or the error text.
fn bytes(result: QuerierResult) -> Result<Binary, String> {
    match result {
        SystemResult::Ok(ContractResult::Ok(b)) => Ok(b),
        SystemResult::Ok(ContractResult::Err(e)) => Err(e),
        SystemResult::Err(e) => Err(e.to_string()),
    }
}

/// The raw answer (or error text) of a smart query to `contract` on the chain.
fn raw(
    querier: &QuerierWrapper<Empty>,
    contract: &Addr,
    msg: &impl Serialize,
) -> Result<Binary, String> {
    let request = QueryRequest::<Empty>::Wasm(smart(contract, msg));
    bytes(querier.raw_query(&to_json_vec(&request).unwrap()))
}

/// What `mock` answers to the same query.
fn mock_raw(mock: &MockNous, contract: &Addr, msg: &impl Serialize) -> Result<Binary, String> {
    bytes(mock.handle(&smart(contract, msg)))
}

#[test]
fn mock_nous_answers_what_the_contracts_answer() {
    let workers = ["w0", "w1", "w2", "w3"];
    let mut names = vec!["creator", "keeper"];
    names.extend(workers);
    let mut s = SuiteBuilder::new()
        .with_accounts(&names)
        .with_initial_balance(1_000_000_000_000_000_000_000)
        .without_activity_gate()
        .build();
    let t = s.create_topic("creator", topic_params(12, 5, 15)).unwrap();
    for w in workers {
        s.register(w, t, Role::Worker).unwrap();
    }
    let nous = NousAddrs {
        fee_vault: s.vault.clone(),
        synthesis: s.synthesis.clone(),
    };
    let fee: vault::ReadFeeResponse = s
        .app
        .wrap()
        .query_wasm_smart(&s.vault, &vault::QueryMsg::ReadFee { topic_id: t })
        .unwrap();
    let denom: consumer::Denom = from_json(to_json_vec(&fee.denom).unwrap()).unwrap();
    let mock = MockNous::at(nous.clone(), denom, fee.amount);

    // the fee, and the error of a topic without inference, as the contracts give them
    let q = s.app.wrap();
    let read_fee = consumer::FeeVaultQueryMsg::ReadFee { topic_id: t };
    assert_eq!(
        raw(&q, &nous.fee_vault, &read_fee).unwrap(),
        mock_raw(&mock, &nous.fee_vault, &read_fee).unwrap()
    );
    let latest = consumer::SynthesisQueryMsg::LatestValue { topic_id: t };
    let mock_err = mock_raw(&mock, &nous.synthesis, &latest).unwrap_err();
    let real_err = raw(&q, &nous.synthesis, &latest).unwrap_err();
    assert!(real_err.contains(&mock_err), "{real_err} / {mock_err}");
    let too_many = consumer::SynthesisQueryMsg::LatestValues {
        topic_ids: vec![t; consumer::MAX_LATEST_VALUES as usize + 1],
    };
    let mock_err = mock_raw(&mock, &nous.synthesis, &too_many).unwrap_err();
    let real_err = raw(&q, &nous.synthesis, &too_many).unwrap_err();
    assert!(real_err.contains(&mock_err), "{real_err} / {mock_err}");

    // a real inference from four workers, closed by the keeper
    let clock = {
        let topic: nous_types::topic_registry::Topic = s
            .app
            .wrap()
            .query_wasm_smart(
                &s.registry,
                &nous_types::topic_registry::QueryMsg::Topic { topic_id: t },
            )
            .unwrap();
        topic.clock()
    };
    let k = clock.epoch_at(s.height()).map_or(0, |e| e + 1);
    let open = clock.epoch_start(k).unwrap();
    s.advance_blocks(open - s.height());
    for (j, w) in workers.iter().enumerate() {
        let value = SignedDecimal::from_atomics(3000 + 7 * j as i128, 0).unwrap();
        s.submit_payload(w, t, k, Some(value), None).unwrap();
    }
    let end = clock.worker_window(k).unwrap().end;
    s.advance_blocks(end - s.height() + 2);
    s.close_windows("keeper", t, None).unwrap();

    // the real answer, set into the mock, comes back byte for byte
    let q = s.app.wrap();
    let real = raw(&q, &nous.synthesis, &latest).unwrap();
    let value: consumer::LatestValue = from_json(&real).unwrap();
    assert_eq!((value.nonce, value.inferers), (k, 4));
    mock.set_inference(value);
    assert_eq!(real, mock_raw(&mock, &nous.synthesis, &latest).unwrap());
    let both = consumer::SynthesisQueryMsg::LatestValues {
        topic_ids: vec![t, t + 1],
    };
    assert_eq!(
        raw(&q, &nous.synthesis, &both).unwrap(),
        mock_raw(&mock, &nous.synthesis, &both).unwrap()
    );
}
