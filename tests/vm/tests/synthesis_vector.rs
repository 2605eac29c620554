//! The simulator-vector epochs (vectors/synthesis_epochs.csv, every row in order: 5
//! inferers, 3 forecasters, 5 reputers) through the synthesis artifact in cosmwasm-vm, one
//! nonce per row (payloads, worker close, loss bundles with the row's stakes, reputer
//! close): for every epoch the stored network inference and network losses must be
//! bit-identical (same i128 atomics) to what the native maths package computes from the
//! same inputs, chained the same way (the previous network loss and the regrets of the
//! previous loss epoch carried). The first row runs the NoLossYet path (median), the later
//! ones the weighted path.
#![cfg(feature = "vm")]

use std::collections::BTreeMap;
use std::path::PathBuf;

use cosmwasm_std::{Addr, SignedDecimal};
use nous_math::epoch::loss_epoch;
use nous_math::forecast::Forecast;
use nous_math::inference::synthesize;
use nous_math::losses::{ReputerLosses, ReputerReport};
use nous_math::regrets::RegretState;
use nous_math::sorted_map::SortedMap;
use nous_math::{Fixed, Params};
use nous_types::synthesis::{self as syn, ForecastElement, LossBundle, WithheldValue, WorkerValue};
use nous_types::topic_registry::{self as registry_msg, Role};
use nous_vm_tests::suite::{topic_params, Deploy, VmSuite};

type Row = BTreeMap<String, String>;

fn rows() -> Vec<Row> {
    let dir = match std::env::var("ALLORA_VECTORS_DIR") {
        Ok(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../vectors"),
    };
    let text = std::fs::read_to_string(dir.join("synthesis_epochs.csv")).expect("vectors");
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(|s| s.trim().into())
        .collect();
    lines
        .map(|line| {
            let cells: Vec<String> = line.split(',').map(|s| s.trim().into()).collect();
            assert_eq!(cells.len(), header.len(), "row width");
            header.iter().cloned().zip(cells).collect()
        })
        .collect()
}

/// Reputer `m`'s stake of a row in base units: the vector's ALLO figure × 10^6 (truncated;
/// every formula is scale invariant), so it fits the test accounts' balances.
fn stake_of(row: &Row, m: usize) -> u128 {
    let v = fx(row, &format!("reputer_stake_{m}")).raw();
    assert!(v > 0, "stake");
    (v / 1_000_000_000_000) as u128
}

fn fx(row: &Row, col: &str) -> Fixed {
    row.get(col)
        .unwrap_or_else(|| panic!("column {col}"))
        .parse()
        .unwrap_or_else(|e| panic!("{col}: {e:?}"))
}

fn dec(f: Fixed) -> SignedDecimal {
    SignedDecimal::raw(f.raw())
}

fn bits(d: SignedDecimal) -> i128 {
    d.atomics().i128()
}

fn map_of(values: &[WorkerValue]) -> SortedMap<u32, i128> {
    values.iter().map(|v| (v.worker, bits(v.value))).collect()
}

fn native_map(m: &SortedMap<u32, Fixed>) -> SortedMap<u32, i128> {
    m.iter().map(|(k, v)| (*k, v.raw())).collect()
}

/// The maths parameters synthesis derives from the deployment's parameters and
/// `topic_params(..)` (contracts/synthesis/src/maths.rs).
fn params(quantile_pct: i128) -> Params {
    let t = topic_params(12, 4, 24);
    let d = |x: cosmwasm_std::Decimal| Fixed::try_from(x).unwrap();
    Params {
        p_norm: d(t.p_norm),
        epsilon_topic: d(t.epsilon),
        alpha_regret: d(t.alpha_regret),
        merit_sortition_alpha: d(t.merit_sortition_alpha),
        active_quantile: Fixed::from_ratio(quantile_pct, 100).unwrap(),
        ..Deploy::default().params.maths_params().unwrap()
    }
}

struct Net {
    s: VmSuite,
    synthesis: Addr,
    topic: u64,
    inferers: Vec<u32>,
    forecasters: Vec<u32>,
    reputers: Vec<(String, u32, u128)>,
}

fn actor(s: &VmSuite, topic_id: u64, name: &str) -> u32 {
    let r: registry_msg::ActorIndexResponse = s
        .chain
        .query(
            &s.registry,
            &registry_msg::QueryMsg::ActorIndex {
                topic_id,
                address: s.chain.addr(name).to_string(),
            },
        )
        .unwrap();
    r.actor_index.expect("registered")
}

fn network(first: &Row) -> Net {
    let mut s = VmSuite::new(Deploy::default()).unwrap();
    let synthesis = s.deploy_synthesis().unwrap();
    // The vector's inferences are returns: negative values are allowed.
    let mut tp = topic_params(12, 4, 24);
    tp.allow_negative = true;
    let topic = s.create_topic("creator", tp).unwrap();
    let min = s.params().unwrap().staking.required_minimum_stake.u128();
    let mut inferers = vec![];
    for j in 0..5 {
        let n = format!("inferer{j}");
        s.register(&n, topic, Role::Worker).unwrap();
        inferers.push(actor(&s, topic, &n));
    }
    let mut forecasters = vec![];
    for k in 0..3 {
        let n = format!("forecaster{k}");
        s.register(&n, topic, Role::Worker).unwrap();
        forecasters.push(actor(&s, topic, &n));
    }
    let mut reputers = vec![];
    for m in 0..5u128 {
        let n = format!("reputer{m}");
        s.register(&n, topic, Role::Reputer).unwrap();
        let stake = stake_of(first, m as usize);
        assert!(stake >= min, "stake below the minimum");
        s.add_stake(&n, topic, stake).unwrap();
        reputers.push((n.clone(), actor(&s, topic, &n), stake));
    }
    s.chain.advance_blocks(1);
    Net {
        s,
        synthesis,
        topic,
        inferers,
        forecasters,
        reputers,
    }
}

fn open_windows(n: &Net) -> syn::OpenWindowsResponse {
    n.s.chain
        .query(
            &n.synthesis,
            &syn::QueryMsg::OpenWindows { topic_id: n.topic },
        )
        .unwrap()
}

/// What the chained native maths carries from one epoch to the next.
#[derive(Default)]
struct NativeState {
    prev_loss: Option<Fixed>,
    regrets: RegretState,
    listening: SortedMap<u32, Fixed>,
    inferer_inclusions: SortedMap<u32, u64>,
    forecaster_inclusions: SortedMap<u32, u64>,
}

#[test]
fn vector_epochs_are_bit_identical_to_native_maths() {
    let rows = rows();
    assert!(rows.len() >= 2, "the vectors hold several epochs");
    let mut n = network(&rows[0]);
    let mut state = NativeState::default();
    let mut last_nonce = None;
    let mut paths = vec![];
    for (r, row) in rows.iter().enumerate() {
        let epoch = row.get("epoch").cloned().unwrap_or_default();
        let (nonce, path) = run_epoch(&mut n, row, r, last_nonce, &mut state);
        eprintln!("row {r} (epoch {epoch}): nonce {nonce}, {path}");
        paths.push(path);
        last_nonce = Some(nonce);
    }
    // The first row has no previous loss (§5.0: median); the later ones run the full
    // synthesis, but while the topic initial regret is still 0 (§6.3: no actor yet scored
    // in 1/α_R epochs) in all-new mode (plain mean, median forecast-implied inferences).
    assert!(paths[0].contains("NoLossYet"), "first path: {}", paths[0]);
    for p in &paths[1..] {
        assert!(p.contains("Full"), "later path: {p}");
    }
    // The regret-weighted path needs experienced actors: the vector's later rows are
    // replayed, in order and round again, as further nonces (same chaining, stakes kept
    // at the last row's) until two epochs have run with a non-zero initial regret.
    let weighted = |paths: &[String]| {
        paths
            .iter()
            .filter(|p| p.contains("all_new: false"))
            .count()
    };
    let mut replay = (1..rows.len()).cycle();
    while weighted(&paths) < 2 {
        assert!(
            paths.len() < rows.len() + 40,
            "the weighted path never ran: {paths:?}"
        );
        let r = replay.next().unwrap();
        let (nonce, path) = run_epoch(&mut n, &rows[r], r, last_nonce, &mut state);
        eprintln!("row {r} replayed: nonce {nonce}, {path}");
        paths.push(path);
        last_nonce = Some(nonce);
    }
}

/// One vector row through the artifact (a fresh nonce after `after`), checked against the
/// native maths chained in `state`; returns the nonce and the stored inference path.
fn run_epoch(
    n: &mut Net,
    row: &Row,
    r: usize,
    after: Option<u64>,
    state: &mut NativeState,
) -> (u64, String) {
    let (topic, synthesis) = (n.topic, n.synthesis.clone());

    // The row's stakes: top the reputers up before the reputer window's first block (the
    // vector's stakes only grow; a replayed row keeps the stakes already held).
    for (m, (name, _, stake)) in n.reputers.iter_mut().enumerate() {
        let want = stake_of(row, m);
        if want > *stake {
            n.s.add_stake(name, topic, want - *stake).unwrap();
            *stake = want;
        }
    }

    // Worker window of the next nonce.
    let mut tries = 0;
    let w = loop {
        if let Some(w) = open_windows(n)
            .worker
            .filter(|w| after.is_none_or(|a| w.nonce > a))
        {
            break w;
        }
        n.s.chain.advance_blocks(1);
        tries += 1;
        assert!(tries < 60, "row {r}: no worker window opens");
    };
    let nonce = w.nonce;

    let mut inferences = SortedMap::new();
    for (j, a) in n.inferers.clone().into_iter().enumerate() {
        let v = fx(row, &format!("inference_{j}"));
        inferences.insert(a, v);
        let sender = n.s.account(&format!("inferer{j}"));
        n.s.chain
            .execute(
                &sender,
                &synthesis,
                &syn::ExecuteMsg::SubmitWorkerPayload {
                    topic_id: topic,
                    nonce,
                    inference: Some(dec(v)),
                    forecast: None,
                },
                &[],
            )
            .unwrap();
    }
    let mut forecasts: SortedMap<u32, Forecast> = SortedMap::new();
    for (k, a) in n.forecasters.clone().into_iter().enumerate() {
        let elements: Vec<(u32, Fixed)> = n
            .inferers
            .iter()
            .enumerate()
            .map(|(j, ij)| (*ij, fx(row, &format!("forecasted_loss_{k}_for_{j}"))))
            .collect();
        let sender = n.s.account(&format!("forecaster{k}"));
        n.s.chain
            .execute(
                &sender,
                &synthesis,
                &syn::ExecuteMsg::SubmitWorkerPayload {
                    topic_id: topic,
                    nonce,
                    inference: None,
                    forecast: Some(
                        elements
                            .iter()
                            .map(|(i, v)| ForecastElement {
                                inferer: *i,
                                value: dec(*v),
                            })
                            .collect(),
                    ),
                },
                &[],
            )
            .unwrap();
        forecasts.insert(a, elements);
    }

    // Close the worker window: the artifact computes and stores the network inference.
    n.s.chain.set_height(w.window.end);
    let keeper = n.s.account("keeper");
    let close = syn::ExecuteMsg::CloseWindows {
        topic_id: topic,
        limit: None,
    };
    n.s.chain.execute(&keeper, &synthesis, &close, &[]).unwrap();
    let stored: syn::NetworkInferenceResponse =
        n.s.chain
            .query(
                &synthesis,
                &syn::QueryMsg::NetworkInference {
                    topic_id: topic,
                    nonce,
                },
            )
            .unwrap();
    let stored = stored.inference;
    let path = format!("{:?}", stored.path);

    // The same inputs natively, with the previous loss and regrets carried.
    let native = synthesize(
        &inferences,
        &forecasts,
        state.prev_loss,
        &state.regrets,
        &params(25),
    )
    .unwrap();
    let at = |what: &str| format!("row {r}: {what}");
    assert_eq!(
        bits(stored.combined),
        native.combined.raw(),
        "{}",
        at("combined")
    );
    assert_eq!(bits(stored.naive), native.naive.raw(), "{}", at("naive"));
    assert_eq!(
        map_of(&stored.inferences),
        native_map(&inferences),
        "{}",
        at("inferences")
    );
    assert_eq!(
        map_of(&stored.forecast_implied),
        native_map(&native.forecast_implied),
        "{}",
        at("forecast-implied")
    );
    assert_eq!(
        map_of(&stored.one_out_inferers),
        native_map(&native.one_out_inferer),
        "{}",
        at("one-out inferers")
    );
    assert_eq!(
        map_of(&stored.one_out_forecasters),
        native_map(&native.one_out_forecaster),
        "{}",
        at("one-out forecasters")
    );
    assert_eq!(
        map_of(&stored.one_in_forecasters),
        native_map(&native.one_in_forecaster),
        "{}",
        at("one-in forecasters")
    );
    let stored_withheld: SortedMap<(u32, u32), i128> = stored
        .one_out_implied
        .iter()
        .map(|w| ((w.forecaster, w.withheld), bits(w.value)))
        .collect();
    let native_withheld: SortedMap<(u32, u32), i128> = native
        .forecast_implied_one_out
        .iter()
        .map(|(k, v)| (*k, v.raw()))
        .collect();
    assert_eq!(
        stored_withheld,
        native_withheld,
        "{}",
        at("one-out implied")
    );
    // Only the pairs a forecaster named are listed; the vector's value of any other pair
    // is the forecaster's own forecast-implied inference.
    for k in 0..3 {
        let Some(implied) = stored
            .forecast_implied
            .iter()
            .find(|v| v.worker == n.forecasters[k])
        else {
            continue;
        };
        for j in 0..5 {
            if !stored_withheld.contains_key(&(n.forecasters[k], n.inferers[j])) {
                let want = fx(row, &format!("forecast_implied_inference_{k}_oneout_{j}"));
                let got = bits(implied.value) as f64;
                let rel = (got - want.raw() as f64).abs() / (want.raw() as f64).abs().max(1.0);
                assert!(rel < 1e-9, "{}", at(&format!("unnamed pair ({k}, {j})")));
            }
        }
    }
    let native_bars: Vec<i128> = native.error_bars.iter().map(|v| v.raw()).collect();
    let stored_bars: Vec<i128> = stored.error_bars.iter().map(|p| bits(p.value)).collect();
    assert_eq!(stored_bars, native_bars, "{}", at("error bars"));

    // Reputer bundles from the vector, for the variants the stored inference has.
    let inf_col = |j: usize| n.inferers[j];
    let fc_col = |k: usize| n.forecasters[k];
    let mut reports = SortedMap::new();
    let rw = loop {
        if let Some(w) = open_windows(n).reputer.filter(|w| w.nonce == nonce) {
            break w;
        }
        n.s.chain.advance_blocks(1);
        tries += 1;
        assert!(tries < 120, "row {r}: no reputer window opens");
    };
    for (m, (name, a, stake)) in n.reputers.clone().into_iter().enumerate() {
        let l = |c: &str| fx(row, &format!("reputer_{m}_loss_{c}"));
        let has = |list: &[WorkerValue], w: u32| list.iter().any(|v| v.worker == w);
        let mut losses = ReputerLosses {
            combined: Some(l("network_inference")),
            naive: Some(l("naive_network_inference")),
            ..Default::default()
        };
        for j in 0..5 {
            losses
                .inferer
                .insert(inf_col(j), l(&format!("inference_{j}")));
            if has(&stored.one_out_inferers, inf_col(j)) {
                losses
                    .one_out_inferer
                    .insert(inf_col(j), l(&format!("network_inference_oneout_{j}")));
            }
        }
        for k in 0..3 {
            if has(&stored.forecast_implied, fc_col(k)) {
                losses
                    .forecaster
                    .insert(fc_col(k), l(&format!("forecast_implied_inference_{k}")));
            }
            if has(&stored.one_out_forecasters, fc_col(k)) {
                losses
                    .one_out_forecaster
                    .insert(fc_col(k), l(&format!("network_inference_oneout_{}", 5 + k)));
            }
            if has(&stored.one_in_forecasters, fc_col(k)) {
                losses
                    .one_in
                    .insert(fc_col(k), l(&format!("naive_network_inference_onein_{k}")));
            }
            for j in 0..5 {
                if stored
                    .one_out_implied
                    .iter()
                    .any(|w| w.forecaster == fc_col(k) && w.withheld == inf_col(j))
                {
                    losses.one_out_inferer_forecaster.insert(
                        (fc_col(k), inf_col(j)),
                        l(&format!("forecast_implied_inference_{k}_oneout_{j}")),
                    );
                }
            }
        }
        let bundle = to_bundle(&losses);
        // the native report holds every pair the forecaster reported on, as the close reads
        // it: a pair it did not name at the vector's loss of that pair
        for k in 0..3 {
            for j in 0..5 {
                let pair = (fc_col(k), inf_col(j));
                if losses.forecaster.contains_key(&pair.0) && !stored_withheld.contains_key(&pair) {
                    losses.one_out_inferer_forecaster.insert(
                        pair,
                        l(&format!("forecast_implied_inference_{k}_oneout_{j}")),
                    );
                }
            }
        }
        let sender = n.s.account(&name);
        n.s.chain
            .execute(
                &sender,
                &synthesis,
                &syn::ExecuteMsg::SubmitLossBundle {
                    topic_id: topic,
                    nonce,
                    bundle,
                },
                &[],
            )
            .unwrap_or_else(|e| panic!("row {r}: bundle of {name}: {e}"));
        reports.insert(a, ReputerReport { stake, losses });
    }

    n.s.chain.set_height(rw.window.end);
    n.s.chain.execute(&keeper, &synthesis, &close, &[]).unwrap();
    let stored: syn::NetworkLossesResponse =
        n.s.chain
            .query(
                &synthesis,
                &syn::QueryMsg::NetworkLosses {
                    topic_id: topic,
                    nonce,
                },
            )
            .unwrap();
    let stakes: SortedMap<u32, u128> = stored
        .reputers
        .iter()
        .map(|r| (r.reputer, r.stake.u128()))
        .collect();
    let expected: SortedMap<u32, u128> = reports.iter().map(|(a, r)| (*a, r.stake)).collect();
    assert_eq!(
        stakes,
        expected,
        "{}",
        at("stakes as of the reputer window")
    );
    // The loss step natively (§6–§7), its regrets and coefficients carried to the next row.
    let outcome = loss_epoch(
        &reports,
        &state.regrets,
        &state.listening,
        &state.inferer_inclusions,
        &state.forecaster_inclusions,
        &params(25),
    )
    .unwrap();
    let native = &outcome.losses;
    let l = &stored.losses;
    assert_eq!(
        bits(l.combined),
        native.combined.raw(),
        "{}",
        at("network loss")
    );
    assert_eq!(bits(l.naive), native.naive.raw(), "{}", at("naive loss"));
    assert_eq!(
        map_of(&l.inferers),
        native_map(&native.inferer),
        "{}",
        at("inferer losses")
    );
    assert_eq!(
        map_of(&l.forecasters),
        native_map(&native.forecaster),
        "{}",
        at("forecaster losses")
    );
    assert_eq!(
        map_of(&l.one_out_inferers),
        native_map(&native.one_out_inferer),
        "{}",
        at("one-out inferer losses")
    );
    assert_eq!(
        map_of(&l.one_out_forecasters),
        native_map(&native.one_out_forecaster),
        "{}",
        at("one-out forecaster losses")
    );
    assert_eq!(
        map_of(&l.one_in_forecasters),
        native_map(&native.one_in),
        "{}",
        at("one-in losses")
    );
    let stored_withheld: SortedMap<(u32, u32), i128> = l
        .one_out_implied
        .iter()
        .map(|w| ((w.forecaster, w.withheld), bits(w.value)))
        .collect();
    let native_withheld: SortedMap<(u32, u32), i128> = native
        .one_out_inferer_forecaster
        .iter()
        .map(|(k, v)| (*k, v.raw()))
        .collect();
    assert_eq!(
        stored_withheld,
        native_withheld,
        "{}",
        at("one-out implied losses")
    );
    // And the serialized bytes of the stored record equal the native result's.
    assert_eq!(
        cosmwasm_std::to_json_vec(l).unwrap(),
        cosmwasm_std::to_json_vec(&to_bundle_from_network(native)).unwrap(),
        "{}",
        at("stored loss bundle bytes")
    );

    // Carry the state the artifact carries: the latest network loss, the regrets (with
    // the topic initial regret), the listening coefficients and the scored actors'
    // inclusion counts.
    state.prev_loss = Some(native.combined);
    for a in outcome.inferer_scores.keys() {
        *state.inferer_inclusions.entry(*a).or_default() += 1;
    }
    for a in outcome.forecaster_scores.keys() {
        *state.forecaster_inclusions.entry(*a).or_default() += 1;
    }
    state.listening = outcome.consensus.coefficients.clone();
    state.regrets = outcome.regrets;
    (nonce, path)
}

fn values(m: &SortedMap<u32, Fixed>) -> Vec<WorkerValue> {
    m.iter()
        .map(|(w, v)| WorkerValue {
            worker: *w,
            value: dec(*v),
        })
        .collect()
}

fn withheld(m: &SortedMap<(u32, u32), Fixed>) -> Vec<WithheldValue> {
    m.iter()
        .map(|((k, j), v)| WithheldValue {
            withheld: *j,
            forecaster: *k,
            value: dec(*v),
        })
        .collect()
}

fn to_bundle(l: &ReputerLosses) -> LossBundle {
    LossBundle {
        combined: dec(l.combined.unwrap_or(Fixed::ZERO)),
        naive: dec(l.naive.unwrap_or(Fixed::ZERO)),
        inferers: values(&l.inferer),
        forecasters: values(&l.forecaster),
        one_out_inferers: values(&l.one_out_inferer),
        one_out_forecasters: values(&l.one_out_forecaster),
        one_in_forecasters: values(&l.one_in),
        one_out_implied: withheld(&l.one_out_inferer_forecaster),
    }
}

fn to_bundle_from_network(l: &nous_math::losses::NetworkLosses) -> LossBundle {
    LossBundle {
        combined: dec(l.combined),
        naive: dec(l.naive),
        inferers: values(&l.inferer),
        forecasters: values(&l.forecaster),
        one_out_inferers: values(&l.one_out_inferer),
        one_out_forecasters: values(&l.one_out_forecaster),
        one_in_forecasters: values(&l.one_in),
        one_out_implied: withheld(&l.one_out_inferer_forecaster),
    }
}
