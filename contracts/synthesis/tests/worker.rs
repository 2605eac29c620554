//! Worker payloads: storage, windows, one submission per nonce, merit sortition admission.

mod common;

use common::*;
use cosmwasm_std::{coins, Addr};
use cw_multi_test::Executor;
use nous_types::params::Rules;
use nous_types::synthesis::*;
use nous_types::topic_registry::Role;
use synthesis::ContractError;

#[test]
fn instantiate_sets_config_and_owner() {
    let s = SuiteBuilder::new().build();
    let c: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    assert_eq!(c.topic_registry, s.registry);
    assert_eq!(c.staking, s.staking);
    let o: cw_ownable::Ownership<Addr> = s.query(&QueryMsg::Ownership {}).unwrap();
    assert_eq!(o.owner, Some(s.owner.clone()));
}

#[test]
fn payload_is_stored_per_topic_nonce_worker() {
    let mut s = SuiteBuilder::new().build();
    s.set_height(worker_start(0));
    let res = s
        .submit(
            1,
            0,
            Some("10.5"),
            Some(vec![(0, "-1.5"), (2, "0.25"), (0, "-2")]),
        )
        .unwrap();
    assert_eq!(
        attr(&res, "action").as_deref(),
        Some("submit_worker_payload")
    );
    assert_eq!(attr(&res, "inferer_admitted").as_deref(), Some("true"));
    assert_eq!(attr(&res, "forecaster_admitted").as_deref(), Some("true"));
    let p = s.payload(0, 1).unwrap();
    assert_eq!(p.address, s.workers[1]);
    assert_eq!(p.submitted_at, worker_start(0));
    assert_eq!(p.inference, Some(sd("10.5")));
    // deduplicated, the last value wins
    assert_eq!(
        p.forecast,
        Some(vec![
            ForecastElement {
                inferer: 0,
                value: sd("-2")
            },
            ForecastElement {
                inferer: 2,
                value: sd("0.25")
            },
        ])
    );
    let e = s.epoch(0);
    assert_eq!(e.status, EpochStatus::Collecting);
    assert_eq!(
        e.inferers.iter().map(|m| m.actor).collect::<Vec<_>>(),
        vec![1]
    );
    assert_eq!(
        e.forecasters.iter().map(|m| m.actor).collect::<Vec<_>>(),
        vec![1]
    );
    let list: WorkerPayloadsResponse = s
        .query(&QueryMsg::WorkerPayloads {
            topic_id: TOPIC,
            nonce: 0,
            start_after: None,
            limit: None,
        })
        .unwrap();
    assert_eq!(list.payloads.len(), 1);
    let st = s.topic_state();
    assert_eq!(st.clock.epoch_length, EPOCH);
    assert_eq!(st.params.max_inferers, 32);
}

#[test]
fn worker_window_boundaries() {
    let mut s = SuiteBuilder::new().build();
    // one block before the first window
    s.set_height(worker_start(0) - 1);
    assert_eq!(
        s.submit(0, 0, Some("1"), None).unwrap_err(),
        ContractError::WorkerWindowNotOpen {
            topic_id: TOPIC,
            nonce: 0,
            height: worker_start(0) - 1,
            open: None
        }
    );
    // first block
    s.set_height(worker_start(0));
    s.submit(0, 0, Some("1"), None).unwrap();
    // last block
    s.set_height(worker_start(0) + WINDOW - 1);
    s.submit(1, 0, Some("2"), None).unwrap();
    // one past
    s.set_height(worker_start(0) + WINDOW);
    assert_eq!(
        s.submit(2, 0, Some("3"), None).unwrap_err(),
        ContractError::WorkerWindowNotOpen {
            topic_id: TOPIC,
            nonce: 0,
            height: worker_start(0) + WINDOW,
            open: None
        }
    );
    // a payload naming another nonce than the open one is refused (replay)
    s.set_height(worker_start(1));
    assert_eq!(
        s.submit(2, 0, Some("3"), None).unwrap_err(),
        ContractError::WorkerWindowNotOpen {
            topic_id: TOPIC,
            nonce: 0,
            height: worker_start(1),
            open: Some(1)
        }
    );
    assert!(matches!(
        s.submit(2, 2, Some("3"), None).unwrap_err(),
        ContractError::WorkerWindowNotOpen { open: Some(1), .. }
    ));
    assert!(matches!(
        s.submit(2, u64::MAX, Some("3"), None).unwrap_err(),
        ContractError::NonceOutOfRange { .. }
    ));
    let w: OpenWindowsResponse = s.query(&QueryMsg::OpenWindows { topic_id: TOPIC }).unwrap();
    assert_eq!(w.worker.map(|w| w.nonce), Some(1));
    assert_eq!(w.reputer.map(|w| w.nonce), Some(0));
}

#[test]
fn one_submission_per_worker_per_nonce() {
    let mut s = SuiteBuilder::new().build();
    s.set_height(worker_start(0));
    s.submit(0, 0, Some("1"), None).unwrap();
    assert_eq!(
        s.submit(0, 0, None, Some(vec![(1, "1")])).unwrap_err(),
        ContractError::AlreadySubmitted {
            topic_id: TOPIC,
            nonce: 0,
            actor: 0
        }
    );
    // the next nonce is separate
    s.set_height(worker_start(1));
    s.submit(0, 1, Some("2"), None).unwrap();
    assert_eq!(s.payload(0, 0).unwrap().inference, Some(sd("1")));
    assert_eq!(s.payload(1, 0).unwrap().inference, Some(sd("2")));
}

#[test]
fn only_registered_operators_submit() {
    let mut s = SuiteBuilder::new().build();
    s.set_height(worker_start(0));
    let stranger = s.app.api().addr_make("stranger");
    assert_eq!(
        s.submit_as(&stranger, 0, Some("1"), None).unwrap_err(),
        ContractError::NotRegistered {
            topic_id: TOPIC,
            role: "worker".to_string(),
            address: stranger.to_string()
        }
    );
    // a reputer registration does not make a worker
    let r = s.reputers[0].clone();
    assert!(matches!(
        s.submit_as(&r, 0, Some("1"), None).unwrap_err(),
        ContractError::NotRegistered { .. }
    ));
    let w = s.workers[0].clone();
    s.deregister(TOPIC, Role::Worker, &w);
    assert!(matches!(
        s.submit(0, 0, Some("1"), None).unwrap_err(),
        ContractError::NotRegistered { .. }
    ));
}

#[test]
fn payload_validation_errors() {
    let mut s = SuiteBuilder::new()
        .globals(|g| g.synthesis.max_top_inferers_to_reward = 3)
        .topic(|t| t.params.allow_negative = false)
        .build();
    s.set_height(worker_start(0));
    assert_eq!(
        s.submit(0, 0, None, None).unwrap_err(),
        ContractError::EmptyPayload {}
    );
    assert_eq!(
        s.submit(0, 0, None, Some(vec![])).unwrap_err(),
        ContractError::EmptyForecast {}
    );
    assert_eq!(
        s.submit(
            0,
            0,
            None,
            Some(vec![(1, "1"), (2, "1"), (3, "1"), (4, "1")])
        )
        .unwrap_err(),
        ContractError::ForecastTooLong { max: 3, got: 4 }
    );
    assert!(matches!(
        s.submit(0, 0, Some("1000000000.1"), None).unwrap_err(),
        ContractError::ValueOutOfRange { .. }
    ));
    assert!(matches!(
        s.submit(0, 0, None, Some(vec![(1, "-1000000001")]))
            .unwrap_err(),
        ContractError::ValueOutOfRange { .. }
    ));
    assert_eq!(
        s.submit(0, 0, Some("-0.5"), None).unwrap_err(),
        ContractError::NegativeInference {
            topic_id: TOPIC,
            value: "-0.5".to_string()
        }
    );
    // negative forecast values are losses: allowed
    s.submit(0, 0, Some("0.5"), Some(vec![(1, "-3")])).unwrap();
    // funds are refused
    let w = s.workers[1].clone();
    s.app
        .sudo(cw_multi_test::SudoMsg::Bank(
            cw_multi_test::BankSudo::Mint {
                to_address: w.to_string(),
                amount: coins(10, "unous"),
            },
        ))
        .unwrap();
    let err = s
        .app
        .execute_contract(
            w,
            s.synthesis.clone(),
            &ExecuteMsg::SubmitWorkerPayload {
                topic_id: TOPIC,
                nonce: 0,
                inference: Some(sd("1")),
                forecast: None,
            },
            &coins(10, "unous"),
        )
        .unwrap_err();
    assert_eq!(
        err.downcast::<ContractError>().unwrap(),
        ContractError::Payment(nous_types::PaymentError::UnexpectedFunds {})
    );
}

#[test]
fn unknown_topic_is_refused() {
    let mut s = SuiteBuilder::new().build();
    s.set_height(worker_start(0));
    let w = s.workers[0].clone();
    let err = s
        .exec(
            &w,
            &ExecuteMsg::SubmitWorkerPayload {
                topic_id: 9,
                nonce: 0,
                inference: Some(sd("1")),
                forecast: None,
            },
        )
        .unwrap_err();
    assert!(matches!(
        err,
        ContractError::UnknownTopic { topic_id: 9, .. }
    ));
    let err = s
        .exec(
            &w,
            &ExecuteMsg::CloseWindows {
                topic_id: 9,
                limit: None,
            },
        )
        .unwrap_err();
    assert_eq!(err, ContractError::TopicNotSeen { topic_id: 9 });
}

#[test]
fn sortition_keeps_the_set_within_its_cap() {
    let mut s = SuiteBuilder::new()
        .globals(|g| {
            g.synthesis.max_top_inferers_to_reward = 2;
            g.synthesis.max_top_forecasters_to_reward = 1;
        })
        .build();
    s.set_height(worker_start(0));
    s.submit(0, 0, Some("1"), Some(vec![(1, "1")])).unwrap();
    s.submit(1, 0, Some("2"), Some(vec![(0, "1")])).unwrap();
    // full: a newcomer with an equal EMA (0, nobody scored yet) does not get in
    let res = s.submit(2, 0, Some("3"), Some(vec![(0, "1")])).unwrap();
    assert_eq!(attr(&res, "inferer_admitted").as_deref(), Some("false"));
    assert_eq!(attr(&res, "forecaster_admitted").as_deref(), Some("false"));
    let p = s.payload(0, 2).unwrap();
    assert_eq!(p.inference, None);
    assert_eq!(p.forecast, None);
    // ... and its submission for the nonce is used up
    assert!(matches!(
        s.submit(2, 0, Some("3"), None).unwrap_err(),
        ContractError::AlreadySubmitted { .. }
    ));
    let e = s.epoch(0);
    assert_eq!(
        e.inferers.iter().map(|m| m.actor).collect::<Vec<_>>(),
        vec![0, 1]
    );
    assert_eq!(
        e.forecasters.iter().map(|m| m.actor).collect::<Vec<_>>(),
        vec![0]
    );
    // before any scored epoch there is no quantile: nobody's EMA moves
    let ema: ScoreEmaResponse = s
        .query(&QueryMsg::ScoreEma {
            topic_id: TOPIC,
            class: ActorClass::Inferer,
            actor: 2,
        })
        .unwrap();
    assert_eq!(ema.value, None);
}

#[test]
fn crank_closes_in_order_bounded_and_never_touches_the_next_nonce() {
    // a lag of 5 epochs keeps 5 reputer windows pending behind the workers
    let mut s = SuiteBuilder::new()
        .topic(|t| t.params.ground_truth_lag = 50)
        .build();
    for nonce in 0..5 {
        s.set_height(worker_start(nonce));
        s.submit(0, nonce, Some("1"), None).unwrap();
    }
    assert_eq!(s.topic_state().worker_closed_below, 4);
    assert_eq!(s.epoch(3).status, EpochStatus::InferenceReady);
    assert_eq!(s.epoch(4).status, EpochStatus::Collecting);
    // much later: worker 4 and reputer 0..4 are due
    s.set_height(worker_start(20));
    assert_eq!(
        s.submit(1, 20, Some("1"), None).unwrap_err(),
        ContractError::ClosesPending { topic_id: TOPIC }
    );
    let res = s.crank(Some(2)).unwrap();
    assert_eq!(attr(&res, "closed").as_deref(), Some("2"));
    assert_eq!(attr(&res, "pending").as_deref(), Some("true"));
    // height order: worker 4 (ends 1044) before reputer 0 (ends 1060) before reputer 1
    assert_eq!(s.topic_state().worker_closed_below, 5);
    assert_eq!(s.topic_state().reputer_closed_below, 1);
    assert_eq!(
        s.submit(1, 20, Some("1"), None).unwrap_err(),
        ContractError::ClosesPending { topic_id: TOPIC }
    );
    let res = s.crank(None).unwrap();
    assert_eq!(attr(&res, "closed").as_deref(), Some("4"));
    assert_eq!(attr(&res, "pending").as_deref(), Some("false"));
    s.submit(1, 20, Some("1"), None).unwrap();
    assert_eq!(s.epoch(20).status, EpochStatus::Collecting);
    assert_eq!(s.epoch(20).inferers.len(), 1);
    assert_eq!(s.payload(20, 1).unwrap().inference, Some(sd("1")));
    // idempotent: nothing more to close
    let res = s.crank(None).unwrap();
    assert_eq!(attr(&res, "closed").as_deref(), Some("0"));
    assert_eq!(s.topic_state().worker_closed_below, 5);
    assert_eq!(s.topic_state().reputer_closed_below, 5);
}

#[test]
fn the_crank_prunes_nonces_long_closed_and_keeps_recent_ones() {
    use synthesis::execute::prune::RETAINED_EPOCHS;
    let mut s = SuiteBuilder::new().build();
    let epochs = RETAINED_EPOCHS + 10;
    let mut pruned = 0u64;
    for k in 0..epochs {
        s.set_height(worker_start(k));
        s.submit(0, k, Some("1"), Some(vec![(0, "1")])).unwrap();
        let res = s.crank(None).unwrap();
        pruned += attr(&res, "pruned_keys").unwrap().parse::<u64>().unwrap();
    }
    let st = s.topic_state();
    // reputer windows closed up to nonce epochs - 2; nonces more than RETAINED_EPOCHS older are gone
    assert_eq!(st.reputer_closed_below, epochs - 2);
    let first_kept = st.reputer_closed_below - RETAINED_EPOCHS;
    assert!(pruned > 0);
    for nonce in [0, first_kept - 1] {
        assert_eq!(s.payload(nonce, 0), None, "nonce {nonce}");
        assert!(s.inference(nonce).is_err());
        assert!(s
            .query::<EpochResponse>(&QueryMsg::Epoch {
                topic_id: TOPIC,
                nonce
            })
            .is_err());
    }
    assert!(s.payload(first_kept, 0).is_some());
    assert!(s.inference(first_kept).is_ok());
    assert_eq!(s.epoch(first_kept).inferers.len(), 1);
}

#[test]
fn a_pushed_registration_is_used_without_the_registry_and_removed_by_the_registry() {
    let mut s = SuiteBuilder::new().build();
    s.set_height(worker_start(0));
    let newcomer = s.app.api().addr_make("pushed-only");
    let owner = s.app.api().addr_make("its-owner");
    let copy = |operator: &Addr| nous_types::topic_registry::Registration {
        topic_id: TOPIC,
        role: Role::Worker,
        operator: operator.clone(),
        owner: owner.clone(),
        pending_owner: None,
        actor_index: 40,
        registered_at: 1,
    };
    let sync = |operator: &Addr, registration| ExecuteMsg::SyncRegistration {
        topic_id: TOPIC,
        role: Role::Worker,
        operator: operator.to_string(),
        registration,
    };

    // Only the registry sends copies, and a copy must be filed under its own key.
    let stranger = s.workers[0].clone();
    assert_eq!(
        s.exec(&stranger, &sync(&newcomer, Some(copy(&newcomer))))
            .unwrap_err(),
        ContractError::NotTopicRegistry {}
    );
    let registry = s.registry.clone();
    assert_eq!(
        s.exec(&registry, &sync(&stranger, Some(copy(&newcomer))))
            .unwrap_err(),
        ContractError::RegistrationMismatch {}
    );
    // Unknown to the registry and without a copy: refused.
    assert!(matches!(
        s.submit_as(&newcomer, 0, Some("1"), None),
        Err(ContractError::NotRegistered { .. })
    ));

    // With the registry's copy, the payload is accepted (the mock registry still does not
    // know the worker: the copy alone answered) and is filed under the copy's owner.
    let res = s
        .exec(&registry, &sync(&newcomer, Some(copy(&newcomer))))
        .unwrap();
    assert_eq!(attr(&res, "action").as_deref(), Some("sync_registration"));
    assert_eq!(attr(&res, "actor_index").as_deref(), Some("40"));
    s.submit_as(&newcomer, 0, Some("1"), None).unwrap();
    let p = s.payload(0, 40).unwrap();
    assert_eq!(p.owner, owner);
    assert_eq!(p.address, newcomer);

    // Removed by the registry: the next nonce's payload is refused again.
    s.exec(&registry, &sync(&newcomer, None)).unwrap();
    s.set_height(worker_start(1));
    assert!(matches!(
        s.submit_as(&newcomer, 1, Some("1"), None),
        Err(ContractError::NotRegistered { .. })
    ));
    // A registered worker without a copy is still read from the registry.
    s.submit(1, 1, Some("2"), None).unwrap();
}

/// The topic's parameters are re-read at a worker-window close only when the registry's
/// parameter version moved: unchanged, the cache stands (no registry call); after a topic
/// update or a global update, the next close reads the new values.
#[test]
fn params_are_re_read_only_when_the_registry_version_moves() {
    let mut s = SuiteBuilder::new().build();
    let close = |s: &mut Suite, nonce: u64| {
        s.set_height(worker_start(nonce));
        s.submit(0, nonce, Some("1"), None).unwrap();
        s.submit(1, nonce, Some("2"), None).unwrap();
        s.set_height(worker_start(nonce + 1) - 1);
        s.crank(None).unwrap();
    };
    close(&mut s, 0);
    let first = s.topic_state().params_read_at;
    close(&mut s, 1);
    assert_eq!(
        s.topic_state().params_read_at,
        first,
        "no change: cache kept"
    );

    let mut topic = default_topic(&s.owner);
    topic.params.epsilon = dec("0.02");
    topic.params.rules = Some(Rules::IMPROVED);
    let (owner, registry) = (s.owner.clone(), s.registry.clone());
    s.app
        .execute_contract(owner, registry, &RegistryExec::SetTopic(topic), &[])
        .unwrap();
    assert_eq!(
        s.topic_state().params.rules,
        Rules::REFERENCE,
        "not before a close"
    );
    close(&mut s, 2);
    let st = s.topic_state();
    assert!(st.params_read_at > first, "topic update read");
    assert_eq!(st.params.epsilon, dec("0.02"));
    assert_eq!(
        st.params.rules,
        Rules::IMPROVED,
        "the rules travel with the parameters"
    );
    let read = st.params_read_at;

    let mut g = default_globals();
    g.synthesis.max_elements_per_forecast = 7;
    s.set_globals(g);
    close(&mut s, 3);
    let st = s.topic_state();
    assert!(st.params_read_at > read, "global update read");
    assert_eq!(st.params.max_elements_per_forecast, 7);
}
