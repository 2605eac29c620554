//! Random event sequences (payloads, bundles, cranks, time passing) through the real entry
//! points: the only refusals are the ones a user can cause, the crank never fails, the
//! active sets stay within their caps and every nonce behind the close cursor is closed.

mod common;

use common::*;
use nous_math::Fixed;
use nous_types::synthesis::*;
use proptest::prelude::*;
use synthesis::ContractError;

#[derive(Debug, Clone)]
enum Event {
    Wait(u64),
    Payload {
        worker: usize,
        inference: Option<i64>,
        forecast: Vec<(u32, i64)>,
    },
    Bundle {
        reputer: usize,
        noise: i64,
        drop_one_out: bool,
    },
    Crank(u32),
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        (1u64..9).prop_map(Event::Wait),
        (
            0usize..6,
            proptest::option::of(-5_000i64..5_000),
            proptest::collection::vec((0u32..6, -3_000i64..3_000), 0..4)
        )
            .prop_map(|(worker, inference, forecast)| Event::Payload {
                worker,
                inference,
                forecast
            }),
        (0usize..3, -500i64..500, any::<bool>()).prop_map(|(reputer, noise, drop_one_out)| {
            Event::Bundle {
                reputer,
                noise,
                drop_one_out,
            }
        }),
        (1u32..4).prop_map(Event::Crank),
    ]
}

fn milli(v: i64) -> String {
    Fixed::from_ratio(v as i128, 1000).unwrap().to_string()
}

fn user_refusal(e: &ContractError) -> bool {
    matches!(
        e,
        ContractError::AlreadySubmitted { .. }
            | ContractError::ClosesPending { .. }
            | ContractError::WorkerWindowNotOpen { .. }
            | ContractError::ReputerWindowNotOpen { .. }
            | ContractError::NoNetworkInference { .. }
            | ContractError::EmptyPayload {}
            | ContractError::WorkerSetMismatch { .. }
    )
}

fn run(events: Vec<Event>) {
    let mut s = SuiteBuilder::new()
        .workers(6)
        .globals(|g| {
            g.synthesis.max_top_inferers_to_reward = 3;
            g.synthesis.max_top_forecasters_to_reward = 2;
            g.synthesis.max_top_reputers_to_reward = 2;
            g.synthesis.max_elements_per_forecast = 2;
        })
        .topic(|t| t.params.alpha_regret = dec("0.5"))
        .build();
    s.set_height(START);
    for ev in events {
        match ev {
            Event::Wait(n) => {
                let h = s.height() + n;
                s.set_height(h);
            }
            Event::Payload {
                worker,
                inference,
                forecast,
            } => {
                let Some(nonce) = EpochClockOf::open_worker(&s) else {
                    continue;
                };
                let inf = inference.map(milli);
                let fc: Vec<(u32, String)> =
                    forecast.iter().map(|(j, v)| (*j, milli(*v))).collect();
                let fc_ref: Option<Vec<(u32, &str)>> =
                    (!fc.is_empty()).then(|| fc.iter().map(|(j, v)| (*j, v.as_str())).collect());
                if let Err(e) = s.submit(worker, nonce, inf.as_deref(), fc_ref) {
                    assert!(user_refusal(&e), "unexpected refusal {e:?}");
                }
            }
            Event::Bundle {
                reputer,
                noise,
                drop_one_out,
            } => {
                let Some(nonce) = EpochClockOf::open_reputer(&s) else {
                    continue;
                };
                // the inference may still be waiting for its close: the bundle closes it
                let ni = match s.inference(nonce) {
                    Ok(r) => r.inference,
                    Err(_) => {
                        if s.crank(None).is_err() {
                            continue;
                        }
                        match s.inference(nonce) {
                            Ok(r) => r.inference,
                            Err(_) => continue,
                        }
                    }
                };
                let mut b = bundle_for(&ni, reputer as u32);
                b.combined = sd(&Fixed::from(b.combined)
                    .checked_add(Fixed::from_ratio(noise as i128, 1000).unwrap())
                    .unwrap()
                    .to_string());
                if drop_one_out {
                    b.one_out_inferers.pop();
                }
                if let Err(e) = s.submit_bundle(reputer, nonce, b) {
                    assert!(user_refusal(&e), "unexpected refusal {e:?}");
                }
            }
            Event::Crank(limit) => match s.crank(Some(limit)) {
                Ok(_) | Err(ContractError::TopicNotSeen { .. }) => {}
                Err(e) => panic!("the crank failed: {e:?}"),
            },
        }
        // invariants (once the topic is in use)
        let Ok(st) = s.query::<TopicStateResponse>(&QueryMsg::TopicState { topic_id: TOPIC })
        else {
            continue;
        };
        for nonce in 0..st.worker_closed_below {
            let e: Result<EpochResponse, _> = s.query(&QueryMsg::Epoch {
                topic_id: TOPIC,
                nonce,
            });
            if let Ok(e) = e {
                assert_ne!(e.status, EpochStatus::Collecting, "nonce {nonce}");
                assert!(e.inferers.len() <= 3 && e.forecasters.len() <= 2 && e.reputers.len() <= 2);
            }
        }
    }
    // draining always works and leaves nothing due
    s.set_height(s.height() + 10 * EPOCH);
    if s.query::<TopicStateResponse>(&QueryMsg::TopicState { topic_id: TOPIC })
        .is_err()
    {
        return;
    }
    loop {
        let res = s.crank(Some(50)).unwrap();
        if attr(&res, "pending").as_deref() == Some("false") {
            break;
        }
    }
    if std::env::var("SIMULATION_REPORT").is_ok() {
        let st = s.topic_state();
        let scored = (0..st.reputer_closed_below)
            .filter(|n| {
                s.query::<EpochResponse>(&QueryMsg::Epoch {
                    topic_id: TOPIC,
                    nonce: *n,
                })
                .is_ok_and(|e| e.status == EpochStatus::Scored)
            })
            .count();
        eprintln!("nonces closed {} scored {scored}", st.reputer_closed_below);
    }
}

/// Open nonces from the contract's own query.
struct EpochClockOf;

impl EpochClockOf {
    fn open_worker(s: &Suite) -> Option<u64> {
        let w: OpenWindowsResponse = s.query(&QueryMsg::OpenWindows { topic_id: TOPIC }).unwrap();
        w.worker.map(|w| w.nonce)
    }

    fn open_reputer(s: &Suite) -> Option<u64> {
        let w: OpenWindowsResponse = s.query(&QueryMsg::OpenWindows { topic_id: TOPIC }).unwrap();
        w.reputer.map(|w| w.nonce)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_event_sequences_keep_the_contract_live(events in proptest::collection::vec(event(), 1..80)) {
        run(events);
    }
}
