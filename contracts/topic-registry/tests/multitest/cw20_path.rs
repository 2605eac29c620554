//! A cw20 deployment (cw20-base as the token): fees arrive through `Receive` and are
//! forwarded to the vault with a cw20 `Send`.

use cosmwasm_std::{coins, to_json_binary, Uint128};
use cw20::{Cw20ExecuteMsg, Denom};
use cw_multi_test::Executor;
use nous_types::topic_registry::{ExecuteMsg, InstantiateMsg, ReceiveMsg, Role, WhitelistFlags};
use nous_types::PaymentError;
use topic_registry::ContractError;

use crate::suite::*;

#[test]
fn cw20_fees_flow_through_receive_to_the_vault() {
    let mut suite = SuiteBuilder::default().cw20().build();
    let token = suite.token.clone().unwrap();
    let alice = suite.addr("alice");
    let bob = suite.addr("bob");
    assert_eq!(suite.create_topic_fee().denom, Denom::Cw20(token.clone()));
    suite.assert_conservation();

    let h = suite.height();
    let r = suite
        .create_topic_paying(&alice, topic_params(), 10_000)
        .unwrap();
    assert_eq!(attr(&r, "topic_id").as_deref(), Some("1"));
    suite.assert_conservation();
    assert_eq!(suite.balance(&alice), Uint128::new(START_BALANCE - 10_000));
    let topic = suite.topic(1).unwrap();
    assert_eq!(topic.creator, alice);
    assert_eq!(topic.start_height, h + 1);
    let rec = suite.vault_records().pop().unwrap();
    assert_eq!(rec.kind, "register_topic");
    assert_eq!(rec.via, "cw20");
    assert_eq!(rec.amount, Uint128::new(10_000));
    assert_eq!(rec.caller, token);
    assert_eq!(rec.cw20_sender.as_deref(), Some(suite.registry.as_str()));
    assert_eq!(
        (rec.epoch_length, rec.start_height),
        (Some(12), Some(h + 1))
    );

    // Registration: the cw20 sender is the operator.
    suite.register(&bob, 1, Role::Worker, None).unwrap();
    let reg = suite.registration(1, Role::Worker, &bob).unwrap();
    assert_eq!(
        (reg.operator.clone(), reg.owner.clone()),
        (bob.clone(), bob.clone())
    );
    let rec = suite.vault_records().pop().unwrap();
    assert_eq!(
        (rec.kind.as_str(), rec.via.as_str()),
        ("fund_topic", "cw20")
    );
    assert_eq!(rec.amount, Uint128::new(1_000));
    suite.assert_conservation();

    // Wrong amounts through the hook are refused and nothing moves.
    assert_err(
        suite.create_topic_paying(&alice, topic_params(), 9_999),
        ContractError::InsufficientFee {
            expected: Uint128::new(10_000),
            got: Uint128::new(9_999),
        },
    );
    assert_err(
        suite.register_paying(&alice, 1, Role::Reputer, None, 1_001),
        ContractError::ExcessFee {
            expected: Uint128::new(1_000),
            got: Uint128::new(1_001),
        },
    );
    assert_err(
        suite.register(&bob, 1, Role::Worker, None),
        ContractError::AlreadyRegistered {
            topic_id: 1,
            role: "worker".into(),
            operator: bob.to_string(),
        },
    );
    suite.assert_conservation();
    assert_eq!(suite.balance(&alice), Uint128::new(START_BALANCE - 10_000));
}

#[test]
fn cw20_deployments_refuse_the_other_payment_paths() {
    let mut suite = SuiteBuilder::default().cw20().build();
    let token = suite.token.clone().unwrap();
    let alice = suite.addr("alice");
    let msg = ExecuteMsg::CreateTopic {
        params: topic_params(),
    };
    // Calling directly without coins: told to use cw20 Send.
    assert_err(
        suite.execute(&alice, &msg),
        ContractError::Payment(PaymentError::UseCw20Send {
            token: token.to_string(),
        }),
    );
    // Native coins on a cw20 deployment.
    assert_err(
        suite.execute_with_funds(&alice, &msg, &coins(10_000, DENOM)),
        ContractError::Payment(PaymentError::UseCw20Send {
            token: token.to_string(),
        }),
    );

    // A hook from another cw20 token.
    let cw20_code = suite.app.store_code(cw20_contract());
    let other = suite
        .app
        .instantiate_contract(
            cw20_code,
            suite.admin.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Other".into(),
                symbol: "OTHER".into(),
                decimals: 6,
                initial_balances: vec![cw20::Cw20Coin {
                    address: alice.to_string(),
                    amount: Uint128::new(50_000),
                }],
                mint: None,
                marketing: None,
            },
            &[],
            "other",
            None,
        )
        .unwrap();
    let send = |contract: &cosmwasm_std::Addr| Cw20ExecuteMsg::Send {
        contract: contract.to_string(),
        amount: Uint128::new(10_000),
        msg: to_json_binary(&ReceiveMsg::CreateTopic {
            params: topic_params(),
        })
        .unwrap(),
    };
    let registry = suite.registry.clone();
    assert_err(
        suite
            .app
            .execute_contract(alice.clone(), other.clone(), &send(&registry), &[]),
        ContractError::Payment(PaymentError::WrongCw20Token {
            expected: token.to_string(),
            got: other.to_string(),
        }),
    );

    // A native deployment receiving a cw20 hook.
    let native = suite
        .app
        .instantiate_contract(
            suite.registry_code,
            suite.admin.clone(),
            &InstantiateMsg {
                owner: None,
                denom: Denom::Native(DENOM.into()),
                fee_vault: Some(suite.vault.to_string()),
                params: nous_types::topic_registry::GlobalParams::defaults(DECIMALS),
                whitelists_enabled: WhitelistFlags::default(),
            },
            &[],
            "native registry",
            None,
        )
        .unwrap();
    assert_err(
        suite
            .app
            .execute_contract(alice.clone(), token.clone(), &send(&native), &[]),
        ContractError::Payment(PaymentError::UseNativeFunds {
            denom: DENOM.into(),
        }),
    );
    assert!(suite.topics(None, None).is_empty());
    suite.assert_conservation();
}
