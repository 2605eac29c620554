//! `LossBundle::from_inference` against the real synthesis contract: for each loss method of
//! the library, a topic with that `loss_method` runs several nonces (inferers and
//! forecasters, so that the network inference has every variant: one-out, one-in and
//! one-out-implied values), and two reputers submit the bundle built from the stored
//! network inference. Synthesis accepts every bundle; with equal reports the stake-weighted
//! network losses are exactly the bundle, and the nonce is scored.

use cosmwasm_std::SignedDecimal;
use nous_math::LossMethod;
use nous_tests::{topic_params, Suite, SuiteBuilder};
use nous_types::synthesis::{EpochResponse, EpochStatus, ForecastElement, LossBundle, QueryMsg};
use nous_types::topic_registry::{self as reg, Role};

const TOKEN: u128 = 1_000_000_000_000_000_000;
const LEN: u64 = 12;
const WINDOW: u64 = 5;
const LAG: u64 = 12;
const INFERERS: [&str; 4] = ["inf0", "inf1", "inf2", "inf3"];
const FORECASTERS: [&str; 2] = ["fc0", "fc1"];
const REPUTERS: [&str; 2] = ["rep0", "rep1"];

/// A decimal from ten-thousandths.
fn dec4(n: i64) -> SignedDecimal {
    SignedDecimal::from_atomics(n as i128 * 100_000_000_000_000, 18).unwrap()
}

/// The ground truth of nonce `k` and inferer `j`'s inference (deterministic, distinct).
fn truth(k: u64) -> SignedDecimal {
    dec4(10_002_500 + 30_000 * k as i64)
}
fn inference(j: usize, k: u64) -> SignedDecimal {
    let off = [-25_000, 7_500, 11_250, -625][j] + (k % 3) as i64 * 5_000;
    dec4(10_002_500 + 30_000 * k as i64 + off)
}

fn topic_clock(s: &Suite, t: u64) -> nous_types::EpochClock {
    let topic: reg::Topic = s
        .app
        .wrap()
        .query_wasm_smart(&s.registry, &reg::QueryMsg::Topic { topic_id: t })
        .unwrap();
    topic.clock()
}

#[test]
fn bundles_built_from_stored_inferences_are_accepted_for_every_loss_method() {
    let names: Vec<&'static str> = INFERERS
        .iter()
        .chain(&FORECASTERS)
        .chain(&REPUTERS)
        .chain(&["creator", "funder", "keeper"])
        .copied()
        .collect();
    let mut s = SuiteBuilder::new()
        .with_accounts(&names)
        .with_initial_balance(10_000_000 * TOKEN)
        .build();
    for method_name in ["mse", "mae", "huber", "huber:0.5", "log-cosh"] {
        let method: LossMethod = method_name.parse().unwrap();
        let mut params = topic_params(LEN, WINDOW, LAG);
        params.loss_method = method_name.into();
        let t = s.create_topic("creator", params).unwrap();
        for w in INFERERS.iter().chain(&FORECASTERS) {
            s.register(w, t, Role::Worker).unwrap();
        }
        for r in REPUTERS {
            s.register(r, t, Role::Reputer).unwrap();
            s.add_stake(r, t, 1_000 * TOKEN).unwrap();
        }
        s.fund_topic("funder", t, 1_000 * TOKEN).unwrap();
        s.activate_topic("keeper", t).unwrap();
        let clock = topic_clock(&s, t);
        // The registry's actor index of each inferer, for the forecast elements.
        let index: Vec<u32> = INFERERS.iter().map(|w| s.actor_index(t, w)).collect();
        let first = clock.epoch_at(s.height()).map_or(0, |e| e + 1);
        let last = first + 3;
        let mut full_variants = false;
        let mut bundles = std::collections::BTreeMap::new();
        // With LAG = LEN the reputer window of k is the epoch of k + 1: at the start of
        // epoch k the keeper closes the worker window of k − 1 and the reputer window of
        // k − 2, reputers report k − 1, workers submit k.
        for k in first..=last + 2 {
            s.advance_blocks(clock.epoch_start(k).unwrap() - s.height());
            if k > first {
                s.close_windows("keeper", t, None).unwrap();
            }
            if k >= first + 2 {
                let n = k - 2;
                let losses = s.network_losses(t, n).unwrap();
                assert_eq!(
                    Some(&losses.losses),
                    bundles.get(&n),
                    "{method_name}: equal reports are the consensus"
                );
                let epoch: EpochResponse = s
                    .query_synthesis(&QueryMsg::Epoch {
                        topic_id: t,
                        nonce: n,
                    })
                    .unwrap();
                assert_eq!(epoch.status, EpochStatus::Scored, "{method_name}: {n}");
            }
            if k > first && k <= last + 1 {
                let n = k - 1;
                assert!(clock.reputer_window(n).unwrap().contains(s.height()));
                let ni = s.network_inference(t, n).unwrap();
                let bundle = LossBundle::from_inference(&ni, truth(n), &method).unwrap();
                // every list synthesis stored has its losses, worker for worker
                assert_eq!(bundle.inferers.len(), ni.inferences.len());
                assert_eq!(bundle.forecasters.len(), ni.forecast_implied.len());
                assert_eq!(bundle.one_out_implied.len(), ni.one_out_implied.len());
                full_variants |= !ni.one_out_implied.is_empty()
                    && !ni.one_in_forecasters.is_empty()
                    && !ni.one_out_forecasters.is_empty();
                for r in REPUTERS {
                    s.submit_losses(r, t, n, bundle.clone())
                        .unwrap_or_else(|e| panic!("{method_name}: nonce {n}: {e:#}"));
                }
                bundles.insert(n, bundle);
            }
            if k <= last {
                for (j, w) in INFERERS.iter().enumerate() {
                    s.submit_payload(w, t, k, Some(inference(j, k)), None)
                        .unwrap();
                }
                for (i, f) in FORECASTERS.iter().enumerate() {
                    let forecast = index
                        .iter()
                        .enumerate()
                        .map(|(j, a)| ForecastElement {
                            inferer: *a,
                            value: dec4(-10_000 + 3_000 * j as i64 - 2_000 * i as i64),
                        })
                        .collect();
                    s.submit_payload(f, t, k, None, Some(forecast)).unwrap();
                }
            }
        }
        assert!(
            full_variants,
            "{method_name}: a nonce had every variant (one-out, one-in, one-out-implied)"
        );
    }
}
