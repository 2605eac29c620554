//! Creating, listing and updating topics; the epoch clock queries; native fees.

use cosmwasm_std::{coin, coins, Uint128};
use cw20::Denom;
use nous_types::params::ParamError;
use nous_types::topic_registry::{ExecuteMsg, GlobalParams, TopicParams};
use nous_types::{HeightWindow, PaymentError};
use topic_registry::state::NEXT_TOPIC_ID;
use topic_registry::ContractError;

use crate::suite::*;

#[test]
fn fees_are_queryable_before_paying() {
    let suite = SuiteBuilder::default().build();
    let fee = suite.create_topic_fee();
    assert_eq!(fee.denom, Denom::Native(DENOM.into()));
    assert_eq!(fee.amount, Uint128::new(10_000));
    assert_eq!(suite.registration_fee().amount, Uint128::new(1_000));
}

#[test]
fn create_topic_forwards_the_fee_and_numbers_topics_from_one() {
    let mut suite = SuiteBuilder::default().build();
    let alice = suite.addr("alice");
    let h = suite.height();
    suite.assert_conservation();

    let r = suite
        .create_topic_paying(&alice, topic_params(), 10_000)
        .unwrap();
    assert_eq!(attr(&r, "action").as_deref(), Some("create_topic"));
    assert_eq!(attr(&r, "topic_id").as_deref(), Some("1"));
    assert_eq!(attr(&r, "fee").as_deref(), Some("10000"));
    suite.assert_conservation();
    assert_eq!(suite.balance(&alice), Uint128::new(START_BALANCE - 10_000));

    let topic = suite.topic(1).unwrap();
    assert_eq!(topic.id, 1);
    assert_eq!(topic.creator, alice);
    assert_eq!(topic.start_height, h + 1);
    assert_eq!(topic.params, stored(&topic_params()));

    // The vault heard about the topic, with the fee, epoch length and start.
    let records = suite.vault_records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].kind, "register_topic");
    assert_eq!(records[0].topic_id, 1);
    assert_eq!(records[0].amount, Uint128::new(10_000));
    assert_eq!(records[0].via, "native");
    assert_eq!(records[0].epoch_length, Some(12));
    assert_eq!(records[0].start_height, Some(h + 1));
    assert_eq!(records[0].caller, suite.registry);

    let bob = suite.addr("bob");
    assert_eq!(suite.create_topic(&bob, topic_params()).unwrap(), 2);
    assert_eq!(suite.create_topic(&alice, topic_params()).unwrap(), 3);
    suite.assert_conservation();
    assert_eq!(suite.config().next_topic_id, 4);

    // Pagination
    let ids =
        |v: Vec<nous_types::topic_registry::Topic>| v.iter().map(|t| t.id).collect::<Vec<_>>();
    assert_eq!(ids(suite.topics(None, None)), vec![1, 2, 3]);
    assert_eq!(ids(suite.topics(None, Some(2))), vec![1, 2]);
    assert_eq!(ids(suite.topics(Some(2), None)), vec![3]);
    assert_eq!(ids(suite.topics(Some(3), None)), Vec::<u64>::new());
}

#[test]
fn create_topic_requires_exactly_the_fee() {
    let mut suite = SuiteBuilder::default().build();
    let alice = suite.addr("alice");
    assert_err(
        suite.create_topic_paying(&alice, topic_params(), 9_999),
        ContractError::InsufficientFee {
            expected: Uint128::new(10_000),
            got: Uint128::new(9_999),
        },
    );
    assert_err(
        suite.create_topic_paying(&alice, topic_params(), 0),
        ContractError::InsufficientFee {
            expected: Uint128::new(10_000),
            got: Uint128::zero(),
        },
    );
    assert_err(
        suite.create_topic_paying(&alice, topic_params(), 10_001),
        ContractError::ExcessFee {
            expected: Uint128::new(10_000),
            got: Uint128::new(10_001),
        },
    );
    let msg = ExecuteMsg::CreateTopic {
        params: topic_params(),
    };
    assert_err(
        suite.execute_with_funds(&alice, &msg, &coins(10_000, "uatom")),
        ContractError::Payment(PaymentError::WrongDenom {
            expected: DENOM.into(),
            got: "uatom".into(),
        }),
    );
    assert_err(
        suite.execute_with_funds(&alice, &msg, &[coin(10_000, DENOM), coin(1, "uatom")]),
        ContractError::Payment(PaymentError::MultipleDenoms {
            expected: DENOM.into(),
        }),
    );
    // State untouched: no topic, no forwarded money, alice kept her coins.
    assert_eq!(suite.config().next_topic_id, 1);
    assert!(suite.topics(None, None).is_empty());
    assert!(suite.vault_records().is_empty());
    assert_eq!(suite.balance(&alice), Uint128::new(START_BALANCE));
    suite.assert_conservation();
}

#[test]
fn invalid_topic_params_are_refused_at_the_entry_point() {
    let mut suite = SuiteBuilder::default().build();
    let alice = suite.addr("alice");
    let mut p = topic_params();
    p.p_norm = dec("2.49");
    assert_err(
        suite.create_topic_paying(&alice, p, 10_000),
        ContractError::Param(ParamError::InvalidTopicParam {
            field: "p_norm".into(),
            value: "2.49".into(),
            expected: "[2.5, 4.5]".into(),
        }),
    );
    let mut p = topic_params();
    p.worker_submission_window = 0;
    assert_err(
        suite.create_topic_paying(&alice, p, 10_000),
        ContractError::Param(ParamError::WorkerWindowOutOfRange {
            epoch_length: 12,
            got: 0,
        }),
    );
    let mut p = topic_params();
    p.ground_truth_lag = 101 * 12;
    assert_err(
        suite.create_topic_paying(&alice, p, 10_000),
        ContractError::Param(ParamError::GroundTruthLagOutOfRange {
            min: 12,
            max: 1200,
            got: 1212,
        }),
    );
    let mut p = topic_params();
    p.reveal_window = 9; // 4 + 9 > 12
    assert_err(
        suite.create_topic_paying(&alice, p, 10_000),
        ContractError::Param(ParamError::RevealWindowOutOfRange {
            epoch_length: 12,
            worker_window: 4,
            got: 9,
        }),
    );
    let mut p = topic_params();
    p.epoch_length = 11;
    p.worker_submission_window = 11;
    assert_err(
        suite.create_topic_paying(&alice, p, 10_000),
        ContractError::Param(ParamError::EpochLengthTooShort { min: 12, got: 11 }),
    );
    let mut p = topic_params();
    p.metadata = "m".repeat(256);
    assert_err(
        suite.create_topic_paying(&alice, p, 10_000),
        ContractError::Param(ParamError::StringTooLong {
            field: "metadata".into(),
            max: 255,
            got: 256,
        }),
    );
    let mut p = topic_params();
    p.loss_method = String::new();
    assert_err(
        suite.create_topic_paying(&alice, p, 10_000),
        ContractError::Param(ParamError::EmptyString {
            field: "loss_method".into(),
        }),
    );
    // The edges are accepted.
    let mut p = topic_params();
    p.metadata = "m".repeat(255);
    p.worker_submission_window = 12;
    p.ground_truth_lag = 1200;
    p.p_norm = dec("4.5");
    suite.create_topic(&alice, p).unwrap();
    suite.assert_conservation();
}

#[test]
fn topic_creation_needs_a_fee_vault() {
    let mut suite = SuiteBuilder::default().without_vault().build();
    let alice = suite.addr("alice");
    assert_eq!(suite.config().fee_vault, None);
    assert_err(
        suite.create_topic_paying(&alice, topic_params(), 10_000),
        ContractError::FeeVaultNotSet {},
    );
    assert_eq!(suite.balance(&alice), Uint128::new(START_BALANCE));

    // Only the admin sets it, and saying nothing is refused.
    let vault = suite.vault.to_string();
    assert_err(
        suite.execute(
            &alice,
            &ExecuteMsg::UpdateConfig {
                fee_vault: Some(vault.clone()),
                synthesis: None,
            },
        ),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    let admin = suite.admin.clone();
    assert_err(
        suite.execute(
            &admin,
            &ExecuteMsg::UpdateConfig {
                fee_vault: None,
                synthesis: None,
            },
        ),
        ContractError::NothingToUpdate {},
    );
    let version = suite.params_version();
    let r = suite
        .execute(
            &admin,
            &ExecuteMsg::UpdateConfig {
                fee_vault: Some(vault),
                synthesis: None,
            },
        )
        .unwrap();
    assert_eq!(attr(&r, "action").as_deref(), Some("update_config"));
    assert_eq!(suite.config().fee_vault, Some(suite.vault.clone()));
    // synthesis caches the vault (payload fees) with the parameters: the version moves
    assert_eq!(suite.params_version(), version + 1);
    suite.create_topic(&alice, topic_params()).unwrap();
    suite.assert_conservation();
}

#[test]
fn a_zero_creation_fee_still_registers_the_topic_with_the_vault() {
    let mut params = GlobalParams::defaults(DECIMALS);
    params.registry.create_topic_fee = Uint128::zero();
    let mut suite = SuiteBuilder::default().params(params).build();
    let alice = suite.addr("alice");
    assert_err(
        suite.create_topic_paying(&alice, topic_params(), 1),
        ContractError::ExcessFee {
            expected: Uint128::zero(),
            got: Uint128::new(1),
        },
    );
    suite
        .create_topic_paying(&alice, topic_params(), 0)
        .unwrap();
    let records = suite.vault_records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].kind, "register_topic");
    assert_eq!(records[0].amount, Uint128::zero());
    suite.assert_conservation();
}

#[test]
fn topic_ids_can_run_out_without_panicking() {
    let mut suite = SuiteBuilder::default().build();
    let alice = suite.addr("alice");
    let registry = suite.registry.clone();
    NEXT_TOPIC_ID
        .save(&mut *suite.app.contract_storage_mut(&registry), &u64::MAX)
        .unwrap();
    assert_err(
        suite.create_topic_paying(&alice, topic_params(), 10_000),
        ContractError::TopicIdsExhausted {},
    );
    suite.assert_conservation();
}

/// Topic created at height H: epoch 0 starts at H+1; 12-block epochs, 4-block worker
/// windows, reputer windows 24 blocks after each epoch's start.
fn clock_suite() -> (Suite, u64) {
    let mut suite = SuiteBuilder::default().build();
    let alice = suite.addr("alice");
    suite.set_height(1_000);
    suite.create_topic(&alice, topic_params()).unwrap();
    (suite, 1_001)
}

#[test]
fn epoch_info_reports_windows_at_their_boundaries() {
    let (mut suite, s) = clock_suite();

    // Creation block: before epoch 0; the next worker window is epoch 0's.
    let info = suite.epoch_info(1, None).unwrap();
    assert_eq!(info.height, s - 1);
    assert_eq!(info.current_epoch, None);
    assert_eq!(info.worker_epoch, 0);
    assert_eq!(
        info.worker_window,
        HeightWindow {
            start: s,
            end: s + 4
        }
    );
    assert!(!info.worker_window_open);
    assert_eq!(info.reputer_epoch, None);
    assert_eq!(info.reputer_window, None);

    // First and last block of the worker window, and one past.
    for h in [s, s + 3] {
        let info = suite.epoch_info(1, Some(h)).unwrap();
        assert_eq!(info.current_epoch, Some(0));
        assert_eq!(info.worker_epoch, 0);
        assert!(info.worker_window_open, "height {h}");
    }
    let info = suite.epoch_info(1, Some(s + 4)).unwrap();
    assert_eq!(info.current_epoch, Some(0));
    assert_eq!(info.worker_epoch, 1);
    assert_eq!(
        info.worker_window,
        HeightWindow {
            start: s + 12,
            end: s + 16
        }
    );
    assert!(!info.worker_window_open);

    // The current block is the default height.
    suite.set_height(s + 12);
    let info = suite.epoch_info(1, None).unwrap();
    assert_eq!((info.current_epoch, info.worker_epoch), (Some(1), 1));
    assert!(info.worker_window_open);

    // Reputer window of epoch 0: [s + 24, s + 36).
    assert_eq!(
        suite.epoch_info(1, Some(s + 23)).unwrap().reputer_epoch,
        None
    );
    for h in [s + 24, s + 35] {
        let info = suite.epoch_info(1, Some(h)).unwrap();
        assert_eq!(info.reputer_epoch, Some(0), "height {h}");
        assert_eq!(
            info.reputer_window,
            Some(HeightWindow {
                start: s + 24,
                end: s + 36
            })
        );
    }
    let info = suite.epoch_info(1, Some(s + 36)).unwrap();
    assert_eq!(info.reputer_epoch, Some(1));
    assert_eq!(
        info.reputer_window,
        Some(HeightWindow {
            start: s + 36,
            end: s + 48
        })
    );

    // Beyond the representable range, and an unknown topic.
    let err = suite.epoch_info(1, Some(u64::MAX)).unwrap_err();
    assert!(
        err.to_string().contains(
            &ContractError::HeightOutOfRange {
                topic_id: 1,
                height: u64::MAX
            }
            .to_string()
        ),
        "{err}"
    );
    let err = suite.epoch_info(9, None).unwrap_err();
    assert!(err
        .to_string()
        .contains(&ContractError::TopicNotFound { topic_id: 9 }.to_string()));
    let err = suite.topic(9).unwrap_err();
    assert!(err.to_string().contains("topic 9 does not exist"));
}

#[test]
fn update_topic_is_refused_while_a_worker_window_is_open() {
    let (mut suite, s) = clock_suite();
    let alice = suite.addr("alice");
    let mut p = topic_params();
    p.p_norm = dec("3.5");
    p.metadata = "updated".into();
    let update = |p: &nous_types::topic_registry::TopicParams| ExecuteMsg::UpdateTopic {
        topic_id: 1,
        params: p.clone(),
    };

    // Before epoch 0 (creation block): accepted.
    let version = suite.params_version();
    let r = suite.execute(&alice, &update(&p)).unwrap();
    assert_eq!(attr(&r, "action").as_deref(), Some("update_topic"));
    assert_eq!(attr(&r, "topic_id").as_deref(), Some("1"));
    assert_eq!(
        suite.params_version(),
        version + 1,
        "a topic update moves the version"
    );

    // First and last block of epoch 0's worker window: refused.
    for h in [s, s + 3] {
        suite.set_height(h);
        assert_err(
            suite.execute(&alice, &update(&p)),
            ContractError::WorkerWindowOpen {
                topic_id: 1,
                epoch: 0,
                window_end: s + 4,
            },
        );
    }
    // One block after: accepted, and stored.
    suite.set_height(s + 4);
    p.alpha_regret = dec("0.2");
    suite.execute(&alice, &update(&p)).unwrap();
    assert_eq!(suite.topic(1).unwrap().params, stored(&p));
    // Last block before the next window: accepted; its first block: refused.
    suite.set_height(s + 11);
    suite.execute(&alice, &update(&p)).unwrap();
    suite.set_height(s + 12);
    assert_err(
        suite.execute(&alice, &update(&p)),
        ContractError::WorkerWindowOpen {
            topic_id: 1,
            epoch: 1,
            window_end: s + 16,
        },
    );
}

#[test]
fn a_topic_without_rules_gets_the_registrys_default_and_keeps_it() {
    use nous_types::params::Rules;
    let mut suite = SuiteBuilder::default().build();
    let alice = suite.addr("alice");
    assert_eq!(suite.params().registry.default_rules, Rules::IMPROVED);
    let fee = suite.create_topic_fee().amount.u128();
    // left out: the default, written into the topic (and said in the event)
    let r = suite
        .create_topic_paying(&alice, topic_params(), fee)
        .unwrap();
    assert_eq!(
        attr(&r, "rules").as_deref(),
        Some("cap_then_listen,zero_floor_rewards")
    );
    assert_eq!(suite.topic(1).unwrap().params.rules, Some(Rules::IMPROVED));
    // chosen: kept
    let reference = TopicParams {
        rules: Some(Rules::REFERENCE),
        ..topic_params()
    };
    let r = suite.create_topic_paying(&alice, reference, fee).unwrap();
    assert_eq!(attr(&r, "rules").as_deref(), Some("reference"));
    assert_eq!(suite.topic(2).unwrap().params.rules, Some(Rules::REFERENCE));

    // the owner moves the default: new topics follow, live ones keep theirs
    let mut g = suite.params();
    g.registry.default_rules = Rules::EVERY_SWITCH;
    let admin = suite.admin.clone();
    suite
        .execute(&admin, &ExecuteMsg::UpdateParams { params: g })
        .unwrap();
    suite.create_topic(&alice, topic_params()).unwrap();
    assert_eq!(
        suite.topic(3).unwrap().params.rules,
        Some(Rules::EVERY_SWITCH)
    );
    assert_eq!(suite.topic(1).unwrap().params.rules, Some(Rules::IMPROVED));

    // an update that leaves the rules out keeps them; one that names them changes them
    let update = |rules| ExecuteMsg::UpdateTopic {
        topic_id: 2,
        params: TopicParams {
            rules,
            p_norm: dec("3.5"),
            ..topic_params()
        },
    };
    suite.execute(&alice, &update(None)).unwrap();
    let t = suite.topic(2).unwrap().params;
    assert_eq!((t.rules, t.p_norm), (Some(Rules::REFERENCE), dec("3.5")));
    suite
        .execute(&alice, &update(Some(Rules::IMPROVED)))
        .unwrap();
    assert_eq!(suite.topic(2).unwrap().params.rules, Some(Rules::IMPROVED));

    // parameters stored before the default existed read as the improved default
    let mut json = cosmwasm_std::to_json_string(&GlobalParams::defaults(6)).unwrap();
    json = json.replace(r#","default_rules":{"cap_then_listen":true,"listened_network_losses":false,"zero_floor_rewards":true,"centred_forecast_regrets":false}"#, "");
    assert!(!json.contains("default_rules"), "{json}");
    let old: GlobalParams = cosmwasm_std::from_json(json.as_bytes()).unwrap();
    assert_eq!(old.registry.default_rules, Rules::IMPROVED);
}

#[test]
fn update_topic_is_refused_while_a_reveal_window_is_open() {
    let mut suite = SuiteBuilder::default().build();
    let alice = suite.addr("alice");
    suite.set_height(1_000);
    let mut p = topic_params();
    p.reveal_window = 3;
    let fee = suite.create_topic_fee().amount.u128();
    let r = suite.create_topic_paying(&alice, p.clone(), fee).unwrap();
    assert_eq!(attr(&r, "reveal_window").as_deref(), Some("3"));
    assert_eq!(suite.topic(1).unwrap().params.reveal_window, 3);
    let s = 1_001;
    let update = ExecuteMsg::UpdateTopic {
        topic_id: 1,
        params: p.clone(),
    };
    // worker window [s, s + 4), reveal window [s + 4, s + 7): payloads arrive in both
    for h in [s + 4, s + 6] {
        suite.set_height(h);
        assert_err(
            suite.execute(&alice, &update),
            ContractError::WorkerWindowOpen {
                topic_id: 1,
                epoch: 0,
                window_end: s + 7,
            },
        );
    }
    suite.set_height(s + 7);
    suite.execute(&alice, &update).unwrap();
}

#[test]
fn update_topic_checks_creator_timing_and_params() {
    let (mut suite, s) = clock_suite();
    let alice = suite.addr("alice");
    let bob = suite.addr("bob");
    suite.set_height(s + 5);
    let p = topic_params();

    assert_err(
        suite.execute(
            &bob,
            &ExecuteMsg::UpdateTopic {
                topic_id: 1,
                params: p.clone(),
            },
        ),
        ContractError::NotTopicCreator { topic_id: 1 },
    );
    assert_err(
        suite.execute(
            &alice,
            &ExecuteMsg::UpdateTopic {
                topic_id: 7,
                params: p.clone(),
            },
        ),
        ContractError::TopicNotFound { topic_id: 7 },
    );
    type Change = fn(&mut nous_types::topic_registry::TopicParams);
    let timing: [Change; 4] = [
        |p| p.epoch_length = 24,
        |p| p.worker_submission_window = 5,
        |p| p.ground_truth_lag = 36,
        |p| p.reveal_window = 2,
    ];
    for change in timing {
        let mut q = p.clone();
        change(&mut q);
        assert_err(
            suite.execute(
                &alice,
                &ExecuteMsg::UpdateTopic {
                    topic_id: 1,
                    params: q,
                },
            ),
            ContractError::TimingFieldsImmutable { topic_id: 1 },
        );
    }
    let mut q = p.clone();
    q.p_norm = dec("4.51");
    assert_err(
        suite.execute(
            &alice,
            &ExecuteMsg::UpdateTopic {
                topic_id: 1,
                params: q,
            },
        ),
        ContractError::Param(ParamError::InvalidTopicParam {
            field: "p_norm".into(),
            value: "4.51".into(),
            expected: "[2.5, 4.5]".into(),
        }),
    );
    assert_err(
        suite.execute_with_funds(
            &alice,
            &ExecuteMsg::UpdateTopic {
                topic_id: 1,
                params: p.clone(),
            },
            &coins(1, DENOM),
        ),
        ContractError::Payment(PaymentError::UnexpectedFunds {}),
    );
    assert_eq!(suite.topic(1).unwrap().params, stored(&p));
    suite.assert_conservation();
}
