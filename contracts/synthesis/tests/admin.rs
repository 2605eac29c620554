//! Ownership, migration and the query errors.

mod common;

use common::*;
use cw_multi_test::Executor;
use nous_types::synthesis::*;
use synthesis::ContractError;

#[test]
fn ownership_is_two_step_and_owner_only() {
    let mut s = SuiteBuilder::new().build();
    let stranger = s.app.api().addr_make("stranger");
    let err = s
        .exec(
            &stranger,
            &ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
                new_owner: stranger.to_string(),
                expiry: None,
            }),
        )
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner)
    );
    let owner = s.owner.clone();
    s.exec(
        &owner,
        &ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
            new_owner: stranger.to_string(),
            expiry: None,
        }),
    )
    .unwrap();
    s.exec(
        &stranger,
        &ExecuteMsg::UpdateOwnership(cw_ownable::Action::AcceptOwnership),
    )
    .unwrap();
    let o: cw_ownable::Ownership<cosmwasm_std::Addr> = s.query(&QueryMsg::Ownership {}).unwrap();
    assert_eq!(o.owner, Some(stranger));
}

#[test]
fn migrate_refuses_a_downgrade() {
    let mut s = SuiteBuilder::new().build();
    let code = s.app.store_code(synthesis_contract());
    let owner = s.owner.clone();
    let addr = s.synthesis.clone();
    s.app
        .migrate_contract(owner.clone(), addr.clone(), &MigrateMsg {}, code)
        .unwrap();
    cw2::set_contract_version(
        &mut *s.app.contract_storage_mut(&addr),
        "crates.io:synthesis",
        "99.0.0",
    )
    .unwrap();
    let err = s
        .app
        .migrate_contract(owner, addr, &MigrateMsg {}, code)
        .unwrap_err();
    assert!(matches!(
        err.downcast::<ContractError>().unwrap(),
        ContractError::Migrate(nous_types::migrate::MigrateError::Downgrade { .. })
    ));
}

#[test]
fn migrate_converts_records_of_the_old_layout() {
    use cw_storage_plus::Map;
    use nous_math::Fixed;
    use synthesis::state::ScoreEma;
    let mut s = SuiteBuilder::new().build();
    let code = s.app.store_code(synthesis_contract());
    let owner = s.owner.clone();
    let addr = s.synthesis.clone();
    let half: Fixed = "0.5".parse().unwrap();
    {
        // as the code before wrote them: the JSON EMA and listening coefficient of reputer
        // 4, and the inferer regret of actor 4 as a 16-byte single of the per-table layout
        let mut st = s.app.contract_storage_mut(&addr);
        let emas: Map<(u64, u8, u32), ScoreEma> = Map::new("score_ema");
        let ema = ScoreEma {
            value: half,
            updated_at: 9,
        };
        emas.save(&mut *st, (TOPIC, 2, 4), &ema).unwrap();
        let listening: Map<(u64, u32), Fixed> = Map::new("listening");
        listening.save(&mut *st, (TOPIC, 4), &half).unwrap();
        let regrets: Map<(u64, u8, u32), ()> = Map::new("regrets");
        st.set(&regrets.key((TOPIC, 0, 4)), &half.raw().to_be_bytes());
    }
    let res = s
        .app
        .migrate_contract(owner, addr.clone(), &MigrateMsg {}, code)
        .unwrap();
    let attribute = |key: &str| {
        res.events
            .iter()
            .flat_map(|e| &e.attributes)
            .find(|a| a.key == key)
            .map(|a| a.value.clone())
    };
    assert_eq!(attribute("score_records_converted").as_deref(), Some("2"));
    assert_eq!(attribute("regret_records_converted").as_deref(), Some("1"));
    assert_eq!(attribute("bundle_bodies_converted").as_deref(), Some("0"));
    assert_eq!(
        attribute("inference_bodies_converted").as_deref(),
        Some("0")
    );
    let r: ScoreEmaResponse = s
        .query(&QueryMsg::ScoreEma {
            topic_id: TOPIC,
            class: ActorClass::Reputer,
            actor: 4,
        })
        .unwrap();
    assert_eq!(r.value, Some(cosmwasm_std::SignedDecimal::percent(50)));
    assert_eq!(r.updated_at, 9);
    let st = s.app.contract_storage(&addr);
    assert!(st
        .get(&Map::<(u64, u32), Fixed>::new("listening").key((TOPIC, 4)))
        .is_none());
    let rows: Map<(u64, u8, u32), ()> = Map::new("regret_rows");
    assert!(st.get(&rows.key((TOPIC, 0, 4))).is_some());
    drop(st);
    // a second migrate finds nothing left in an old format and changes nothing
    let code = s.app.store_code(synthesis_contract());
    let again = s
        .app
        .migrate_contract(s.owner.clone(), addr.clone(), &MigrateMsg {}, code)
        .unwrap();
    for key in [
        "score_records_converted",
        "regret_records_converted",
        "bundle_bodies_converted",
        "inference_bodies_converted",
        "network_losses_converted",
        "scores_converted",
    ] {
        let v = again
            .events
            .iter()
            .flat_map(|e| &e.attributes)
            .find(|a| a.key == key)
            .map(|a| a.value.clone());
        assert_eq!(v.as_deref(), Some("0"), "{key}");
    }
    let r2: ScoreEmaResponse = s
        .query(&QueryMsg::ScoreEma {
            topic_id: TOPIC,
            class: ActorClass::Reputer,
            actor: 4,
        })
        .unwrap();
    assert_eq!(r2, r);
}

#[test]
fn query_errors_name_what_is_missing() {
    let mut s = SuiteBuilder::new().build();
    let err = s
        .query::<TopicStateResponse>(&QueryMsg::TopicState { topic_id: TOPIC })
        .unwrap_err()
        .to_string();
    assert!(err.contains("has not been used by synthesis yet"), "{err}");
    // open windows are answered from the registry before first use
    s.set_height(worker_start(2) + 1);
    let w: OpenWindowsResponse = s.query(&QueryMsg::OpenWindows { topic_id: TOPIC }).unwrap();
    assert_eq!(w.worker.map(|w| w.nonce), Some(2));
    let err = s
        .query::<OpenWindowsResponse>(&QueryMsg::OpenWindows { topic_id: 7 })
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown to the topic registry"), "{err}");

    s.set_height(worker_start(0));
    s.submit(0, 0, Some("1"), None).unwrap();
    let err = s
        .query::<EpochResponse>(&QueryMsg::Epoch {
            topic_id: TOPIC,
            nonce: 1,
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("has no payload"), "{err}");
    let err = s
        .query::<EpochScores>(&QueryMsg::Scores {
            topic_id: TOPIC,
            nonce: 0,
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("has no scores yet"), "{err}");
    let err = s
        .query::<NetworkLossesResponse>(&QueryMsg::NetworkLosses {
            topic_id: TOPIC,
            nonce: 0,
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("has no network losses yet"), "{err}");
    s.set_height(worker_start(3));
    s.crank(None).unwrap();
    let err = s
        .query::<NetworkInferenceResponse>(&QueryMsg::LatestNetworkInference {
            topic_id: TOPIC,
            max_age: Some(3),
        })
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("26 blocks old, more than the maximum 3"),
        "{err}"
    );
    // the epoch query shows the frozen set and its windows
    let e = s.epoch(0);
    assert_eq!(e.worker_window.start, worker_start(0));
    assert_eq!(e.reputer_window.start, reputer_start(0));
    // nobody reported: the nonce is skipped at reputer close, later nonces unaffected
    assert_eq!(e.status, EpochStatus::Skipped);
    assert_eq!(e.failure.as_deref(), Some("no reputer bundle"));
}

fn rd_status(s: &Suite, nonce: u64) -> ScoresStatus {
    let r: EpochScoresResponse = s
        .query(&QueryMsg::EpochScores {
            topic_id: TOPIC,
            nonce,
        })
        .unwrap();
    r.status
}

#[test]
fn epoch_scores_status_for_reward_distribution() {
    let mut s = SuiteBuilder::new().build();
    // a topic synthesis never saw: pending until the nonce's reputer window ends
    s.set_height(reputer_start(0));
    assert_eq!(rd_status(&s, 0), ScoresStatus::Pending);
    s.set_height(reputer_start(0) + EPOCH);
    assert_eq!(rd_status(&s, 0), ScoresStatus::Empty);
    // nonce 3: inference, one report
    s.set_height(worker_start(3));
    s.submit(0, 3, Some("1"), None).unwrap();
    assert_eq!(rd_status(&s, 3), ScoresStatus::Pending);
    s.set_height(reputer_start(3));
    let ni = s.inference(3).unwrap_err();
    assert!(ni.to_string().contains("not closed yet"));
    s.crank(None).unwrap();
    let ni = s.inference(3).unwrap().inference;
    s.submit_bundle(0, 3, bundle_for(&ni, 0)).unwrap();
    assert_eq!(rd_status(&s, 3), ScoresStatus::Pending);
    // nonce 4 had no payload; ended reputer window: empty
    s.set_height(reputer_start(4) + EPOCH);
    assert_eq!(rd_status(&s, 4), ScoresStatus::Empty);
    // nonce 3's reputer window ended but is not closed here yet: still pending
    assert_eq!(rd_status(&s, 3), ScoresStatus::Pending);
    s.crank(None).unwrap();
    assert_eq!(rd_status(&s, 3), ScoresStatus::Scored);
    let r: EpochScoresResponse = s
        .query(&QueryMsg::EpochScores {
            topic_id: TOPIC,
            nonce: 3,
        })
        .unwrap();
    // a single inferer scores 0; the one reputer is listed with the stake it was scored
    // with (the mock staking delegates a quarter of every stake)
    let scores = r.scores.expect("scored");
    assert_eq!(scores.inferers.len(), 1);
    assert_eq!(scores.inferers[0].value, sd("0"));
    assert_eq!(scores.inferers[0].owner, s.workers[0]);
    assert_eq!(scores.reputers.len(), 1);
    assert_eq!(scores.reputers[0].owner, s.reputers[0]);
    assert!(!scores.reputers[0].stake.is_zero());
    assert_eq!(
        scores.reputers[0].delegated,
        scores.reputers[0].stake.multiply_ratio(1u128, 4u128)
    );
}

/// The scores record as stored before it named owners and delegated stakes.
#[cosmwasm_schema::cw_serde]
struct OldReputerScore {
    reputer: u32,
    address: cosmwasm_std::Addr,
    stake: cosmwasm_std::Uint128,
    score: cosmwasm_std::SignedDecimal,
    listening_coefficient: cosmwasm_std::SignedDecimal,
}

#[cosmwasm_schema::cw_serde]
struct OldEpochScores {
    topic_id: u64,
    nonce: u64,
    inferers: Vec<WorkerValue>,
    forecasters: Vec<WorkerValue>,
    forecasting_task: cosmwasm_std::SignedDecimal,
    reputers: Vec<OldReputerScore>,
    scored_at: u64,
    epsilon: cosmwasm_std::Decimal,
}

#[test]
fn migrate_converts_scores_records_of_the_old_format() {
    let mut s = SuiteBuilder::new().build();
    s.set_height(worker_start(3));
    s.submit(0, 3, Some("1"), None).unwrap();
    s.set_height(reputer_start(3));
    s.crank(None).unwrap();
    let ni = s.inference(3).unwrap().inference;
    s.submit_bundle(0, 3, bundle_for(&ni, 0)).unwrap();
    s.set_height(reputer_start(3) + EPOCH);
    s.crank(None).unwrap();
    let scores = |s: &Suite| -> EpochScoresResponse {
        s.query(&QueryMsg::EpochScores {
            topic_id: TOPIC,
            nonce: 3,
        })
        .unwrap()
    };
    let new = scores(&s);
    let record = new.scores.clone().expect("scored");
    // the record as the previous code wrote it
    let old = OldEpochScores {
        topic_id: record.topic_id,
        nonce: record.nonce,
        inferers: record
            .inferers
            .iter()
            .map(|w| WorkerValue {
                worker: w.worker,
                value: w.value,
            })
            .collect(),
        forecasters: vec![],
        forecasting_task: record.forecasting_task,
        reputers: record
            .reputers
            .iter()
            .map(|r| OldReputerScore {
                reputer: r.reputer,
                address: r.address.clone(),
                stake: r.stake,
                score: r.score,
                listening_coefficient: r.listening_coefficient,
            })
            .collect(),
        scored_at: record.scored_at,
        epsilon: record.epsilon,
    };
    let addr = s.synthesis.clone();
    cw_storage_plus::Map::<(u64, u64), OldEpochScores>::new("scores")
        .save(&mut *s.app.contract_storage_mut(&addr), (TOPIC, 3), &old)
        .unwrap();
    assert!(s
        .query::<EpochScoresResponse>(&QueryMsg::EpochScores {
            topic_id: TOPIC,
            nonce: 3,
        })
        .is_err());
    let code = s.app.store_code(synthesis_contract());
    // migrates the contract; how many scores records the run converted
    let migrate = |s: &mut Suite| -> String {
        let owner = s.owner.clone();
        let addr = s.synthesis.clone();
        let res = s
            .app
            .migrate_contract(owner, addr, &MigrateMsg {}, code)
            .unwrap();
        res.events
            .iter()
            .flat_map(|e| &e.attributes)
            .find(|a| a.key == "scores_converted")
            .map(|a| a.value.clone())
            .expect("scores_converted")
    };
    assert_eq!(migrate(&mut s), "1");
    assert_eq!(scores(&s), new);
    let stored = s
        .app
        .contract_storage(&addr)
        .get(&nous_types::synthesis::SCORES.key((TOPIC, 3)))
        .unwrap();
    assert_eq!(stored, record.to_record(), "the binary form");
    // a JSON record of the current fields (written before the binary form) reads as it
    // is, and the migration rewrites it too
    cw_storage_plus::Map::<(u64, u64), nous_types::synthesis::EpochScores>::new("scores")
        .save(&mut *s.app.contract_storage_mut(&addr), (TOPIC, 3), &record)
        .unwrap();
    assert_eq!(scores(&s), new);
    assert_eq!(migrate(&mut s), "1");
    assert_eq!(scores(&s), new);
    // a second run finds nothing left to convert
    assert_eq!(migrate(&mut s), "0");
}

#[test]
fn instantiate_validates_addresses() {
    let mut app = cw_multi_test::App::default();
    let owner = app.api().addr_make("owner");
    let code = app.store_code(synthesis_contract());
    let err = app
        .instantiate_contract(
            code,
            owner.clone(),
            &InstantiateMsg {
                owner: None,
                topic_registry: "not an address".to_string(),
                staking: owner.to_string(),
            },
            &[],
            "synthesis",
            None,
        )
        .unwrap_err();
    assert!(matches!(
        err.downcast::<ContractError>().unwrap(),
        ContractError::Std(_)
    ));
}

#[test]
fn worker_payloads_paginate_by_actor() {
    let mut s = SuiteBuilder::new().build();
    s.set_height(worker_start(0));
    for w in [3usize, 0, 4, 1] {
        s.submit(w, 0, Some("1"), None).unwrap();
    }
    let page = |start_after: Option<u32>, limit: Option<u32>| -> Vec<u32> {
        let r: WorkerPayloadsResponse = s
            .query(&QueryMsg::WorkerPayloads {
                topic_id: TOPIC,
                nonce: 0,
                start_after,
                limit,
            })
            .unwrap();
        r.payloads.iter().map(|p| p.worker).collect()
    };
    assert_eq!(page(None, Some(2)), vec![0, 1]);
    assert_eq!(page(Some(1), Some(2)), vec![3, 4]);
    assert_eq!(page(Some(4), None), Vec::<u32>::new());
    assert_eq!(page(None, None), vec![0, 1, 3, 4]);
}

#[test]
fn update_config_is_owner_only_and_an_unreadable_activity_refuses_new_nonces() {
    let mut s = SuiteBuilder::new().build();
    let stranger = s.app.api().addr_make("stranger");
    let peer = s.staking.to_string();
    let err = s
        .exec(
            &stranger,
            &ExecuteMsg::UpdateConfig {
                reward_distribution: Some(peer.clone()),
            },
        )
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner)
    );
    let c: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    assert_eq!(c.reward_distribution, None);
    // without a reward-distribution there is no gate
    s.set_height(worker_start(0));
    s.submit(0, 0, Some("100"), None).unwrap();

    // a contract that does not answer TopicStatus: no nonce can be opened
    let owner = s.owner.clone();
    s.exec(
        &owner,
        &ExecuteMsg::UpdateConfig {
            reward_distribution: Some(peer),
        },
    )
    .unwrap();
    let c: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    assert_eq!(c.reward_distribution, Some(s.staking.clone()));
    // nonce 0 was opened before: its payloads are still accepted
    s.submit(1, 0, Some("101"), None).unwrap();
    s.set_height(worker_start(1));
    assert!(matches!(
        s.submit(0, 1, Some("100"), None).unwrap_err(),
        ContractError::ActivityUnknown {
            topic_id: TOPIC,
            ..
        }
    ));
}

mod activity_mock {
    use cosmwasm_std::{
        to_json_binary, Binary, Decimal, Deps, DepsMut, Empty, Env, MessageInfo, Response,
        StdError, StdResult, Uint128,
    };
    use cw_multi_test::{Contract, ContractWrapper};
    use cw_storage_plus::Item;
    use nous_types::reward_distribution::{QueryMsg, TopicStatusResponse};

    /// Whether the mock reward-distribution reports every topic active.
    pub const ACTIVE: Item<bool> = Item::new("active");

    fn exec(deps: DepsMut, _: Env, _: MessageInfo, active: bool) -> StdResult<Response> {
        ACTIVE.save(deps.storage, &active)?;
        Ok(Response::new())
    }
    fn inst(deps: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
        ACTIVE.save(deps.storage, &false)?;
        Ok(Response::new())
    }
    fn query(deps: Deps, _: Env, msg: QueryMsg) -> StdResult<Binary> {
        match msg {
            QueryMsg::TopicStatus { topic_id } => to_json_binary(&TopicStatusResponse {
                topic_id,
                active: ACTIVE.load(deps.storage)?,
                weight: Decimal::zero(),
                stake: Uint128::zero(),
                next_epoch: 0,
                last_settled_epoch: None,
            }),
            _ => Err(StdError::generic_err("not answered by the mock")),
        }
    }
    pub fn contract() -> Box<dyn Contract<Empty>> {
        Box::new(ContractWrapper::new(exec, inst, query))
    }
}

#[test]
fn an_inactive_topic_opens_no_nonce() {
    let mut s = SuiteBuilder::new().build();
    let owner = s.owner.clone();
    let code = s.app.store_code(activity_mock::contract());
    let rewards = s
        .app
        .instantiate_contract(
            code,
            owner.clone(),
            &cosmwasm_std::Empty {},
            &[],
            "rewards",
            None,
        )
        .unwrap();
    s.exec(
        &owner,
        &ExecuteMsg::UpdateConfig {
            reward_distribution: Some(rewards.to_string()),
        },
    )
    .unwrap();
    s.set_height(worker_start(0));
    assert_eq!(
        s.submit(0, 0, Some("100"), None).unwrap_err(),
        ContractError::TopicInactive {
            topic_id: TOPIC,
            nonce: 0
        }
    );
    // nothing was stored for the refused nonce
    assert!(s
        .query::<EpochResponse>(&QueryMsg::Epoch {
            topic_id: TOPIC,
            nonce: 0
        })
        .is_err());
    s.app
        .execute_contract(owner.clone(), rewards.clone(), &true, &[])
        .unwrap();
    s.submit(0, 0, Some("100"), None).unwrap();
    // inactivated after the nonce opened: the opened nonce still takes payloads, the next
    // one is refused
    s.app.execute_contract(owner, rewards, &false, &[]).unwrap();
    s.submit(1, 0, Some("101"), None).unwrap();
    s.set_height(worker_start(1));
    assert_eq!(
        s.submit(0, 1, Some("100"), None).unwrap_err(),
        ContractError::TopicInactive {
            topic_id: TOPIC,
            nonce: 1
        }
    );
}
