//! Many epochs through the real entry points, checked step by step against the maths
//! package run on the same inputs with an in-memory state (regrets, initial regret,
//! listening coefficients, score EMAs, inclusion counts).

mod common;

use common::*;
use nous_math::consensus::listening_coefficients;
use nous_math::inference::synthesize;
use nous_math::losses::{network_losses, ReputerReport};
use nous_math::regrets::{experienced_regrets, topic_initial_regret, update_regrets, RegretState};
use nous_math::scores::{forecaster_scores, forecasting_task_score, inferer_scores};
use nous_math::sorted_map::SortedMap;
use nous_math::sortition::score_ema;
use nous_math::stats::quantile;
use nous_math::{Fixed, Params};
use nous_types::synthesis::*;
use synthesis::ContractError;

const STAKES: [u128; 3] = [1_000_000, 2_000_000, 3_000_000];

/// The reference: the maths package over in-memory state.
#[derive(Default)]
struct Model {
    regrets: RegretState,
    latest_loss: Option<Fixed>,
    listening: SortedMap<u32, Fixed>,
    inclusions: [SortedMap<u32, u64>; 3],
    emas: [SortedMap<u32, Fixed>; 3],
    quantiles: [Option<Fixed>; 3],
    /// Inputs per nonce.
    inferences: SortedMap<u64, SortedMap<u32, Fixed>>,
    forecasts: SortedMap<u64, SortedMap<u32, Vec<(u32, Fixed)>>>,
    reports: SortedMap<u64, SortedMap<u32, ReputerReport>>,
}

fn inference_of(worker: u32, nonce: u64) -> Fixed {
    // worker w is off by (w + 1) * 0.3, alternating sides, and worker 2 is noisy
    let off = Fixed::from_ratio((worker as i128 + 1) * 3, 10).unwrap();
    let mut v = if worker % 2 != 1 {
        truth(nonce).checked_add(off).unwrap()
    } else {
        truth(nonce).checked_sub(off).unwrap()
    };
    if worker == 2 && nonce % 2 == 1 {
        v = v.checked_add(fx("2.5")).unwrap();
    }
    v
}

fn params(s: &Suite) -> Params {
    let st = s.topic_state();
    let g = default_globals();
    synthesis::maths::maths_params(
        &synthesis::state::CachedGlobals {
            synthesis: g.synthesis,
            staking: g.staking,
            read_at: 0,
            payment: None,
        },
        &st.params,
        st.params.active_inferer_quantile,
    )
    .unwrap()
}

impl Model {
    /// Worker-window close of `nonce`: the contract's stored inference must equal this.
    fn close_worker(&self, s: &Suite, nonce: u64) {
        let inf = &self.inferences[&nonce];
        let fc = self.forecasts.get(&nonce).cloned().unwrap_or_default();
        let want = synthesize(inf, &fc, self.latest_loss, &self.regrets, &params(s)).unwrap();
        let got = s.inference(nonce).unwrap().inference;
        assert_eq!(map(&got.inferences), *inf, "nonce {nonce}");
        assert_eq!(f(got.combined), want.combined, "combined, nonce {nonce}");
        assert_eq!(f(got.naive), want.naive, "naive, nonce {nonce}");
        assert_eq!(
            map(&got.forecast_implied),
            want.forecast_implied,
            "implied, nonce {nonce}"
        );
        assert_eq!(
            map(&got.one_out_inferers),
            want.one_out_inferer,
            "nonce {nonce}"
        );
        assert_eq!(
            map(&got.one_out_forecasters),
            want.one_out_forecaster,
            "nonce {nonce}"
        );
        assert_eq!(
            map(&got.one_in_forecasters),
            want.one_in_forecaster,
            "nonce {nonce}"
        );
        let ooi: SortedMap<(u32, u32), Fixed> = got
            .one_out_implied
            .iter()
            .map(|x| ((x.forecaster, x.withheld), f(x.value)))
            .collect();
        assert_eq!(ooi, want.forecast_implied_one_out, "nonce {nonce}");
        // only named pairs are listed (forecaster 3 never names inferer 3, 4 never 2)
        assert!(!ooi.contains_key(&(3, 3)) && !ooi.contains_key(&(4, 2)));
        let bars: Vec<Fixed> = got.error_bars.iter().map(|p| f(p.value)).collect();
        assert_eq!(bars, want.error_bars, "nonce {nonce}");
    }

    /// Reputer-window close of `nonce`.
    fn close_reputer(&mut self, s: &Suite, nonce: u64) {
        let p = params(s);
        let reports = self.reports.remove(&nonce).unwrap();
        let losses = network_losses(&reports, &p).unwrap();
        let before = self.regrets.clone();
        let after = update_regrets(&losses, &before, p.alpha_regret).unwrap();
        let x = experienced_regrets(
            &before,
            &after,
            &self.inclusions[0],
            &self.inclusions[1],
            p.alpha_regret,
        )
        .unwrap();
        let mut after = after;
        if let Some(r) = topic_initial_regret(&x, &p).unwrap() {
            after.initial = r;
        }
        self.regrets = after;
        self.latest_loss = Some(losses.combined);
        let ti = inferer_scores(&losses).unwrap();
        let tf = forecaster_scores(&losses).unwrap();
        let task = forecasting_task_score(&losses).unwrap();
        let cons = listening_coefficients(&reports, &self.listening, &p).unwrap();
        self.listening = cons.coefficients.clone();

        let got_losses: NetworkLossesResponse = s
            .query(&QueryMsg::NetworkLosses {
                topic_id: TOPIC,
                nonce,
            })
            .unwrap();
        assert_eq!(f(got_losses.losses.combined), losses.combined);
        assert_eq!(f(got_losses.losses.naive), losses.naive);
        assert_eq!(map(&got_losses.losses.inferers), losses.inferer);
        assert_eq!(map(&got_losses.losses.forecasters), losses.forecaster);
        assert_eq!(
            map(&got_losses.losses.one_out_inferers),
            losses.one_out_inferer
        );
        assert_eq!(
            map(&got_losses.losses.one_out_forecasters),
            losses.one_out_forecaster
        );
        assert_eq!(map(&got_losses.losses.one_in_forecasters), losses.one_in);
        // every pair, the unnamed ones read from the forecasters' own losses
        let got_pairs: SortedMap<(u32, u32), Fixed> = got_losses
            .losses
            .one_out_implied
            .iter()
            .map(|x| ((x.forecaster, x.withheld), f(x.value)))
            .collect();
        assert_eq!(got_pairs, losses.one_out_inferer_forecaster);
        let scores: EpochScores = s
            .query(&QueryMsg::Scores {
                topic_id: TOPIC,
                nonce,
            })
            .unwrap();
        assert_eq!(scored(&scores.inferers), ti);
        assert_eq!(scored(&scores.forecasters), tf);
        assert_eq!(f(scores.forecasting_task), task);
        let rs: SortedMap<u32, Fixed> = scores
            .reputers
            .iter()
            .map(|r| (r.reputer, f(r.score)))
            .collect();
        assert_eq!(rs, cons.scores);
        let rc: SortedMap<u32, Fixed> = scores
            .reputers
            .iter()
            .map(|r| (r.reputer, f(r.listening_coefficient)))
            .collect();
        assert_eq!(rc, cons.coefficients);
        // the interface reward-distribution reads
        let rd: EpochScoresResponse = s
            .query(&QueryMsg::EpochScores {
                topic_id: TOPIC,
                nonce,
            })
            .unwrap();
        assert_eq!(rd.status, ScoresStatus::Scored);
        // one record: the answer is the stored scores
        assert_eq!(rd.scores.as_ref(), Some(&scores));
        // the topic's ε at scoring, recorded for settlement (issue 10, F7)
        assert_eq!(scores.epsilon, s.topic_state().params.epsilon);
        for a in scores.inferers.iter().chain(&scores.forecasters) {
            assert_eq!(a.owner, s.workers[a.worker as usize]);
        }
        for a in &scores.reputers {
            assert_eq!(a.address, s.reputers[a.reputer as usize]);
            assert_eq!(a.owner, s.reputers[a.reputer as usize]);
        }
        let st = s.topic_state();
        assert_eq!(
            f(st.initial_regret),
            self.regrets.initial,
            "initial regret, nonce {nonce}"
        );

        // score EMAs and class quantiles
        let qs = [
            st.params.active_inferer_quantile,
            st.params.active_forecaster_quantile,
            st.params.active_reputer_quantile,
        ];
        let classes = [
            ActorClass::Inferer,
            ActorClass::Forecaster,
            ActorClass::Reputer,
        ];
        for (i, sc) in [&ti, &tf, &cons.scores].into_iter().enumerate() {
            let vals: Vec<Fixed> = sc.values().copied().collect();
            let q = quantile(&vals, Fixed::try_from(qs[i]).unwrap()).unwrap();
            self.quantiles[i] = Some(q);
            for (a, t) in sc {
                let prev = self.emas[i].get(a).copied();
                let e = score_ema(prev, Some(*t), q, p.merit_sortition_alpha).unwrap();
                self.emas[i].insert(*a, e);
                *self.inclusions[i].entry(*a).or_default() += 1;
                let got: ScoreEmaResponse = s
                    .query(&QueryMsg::ScoreEma {
                        topic_id: TOPIC,
                        class: classes[i],
                        actor: *a,
                    })
                    .unwrap();
                assert_eq!(
                    got.value,
                    Some(d(e)),
                    "ema {:?} {a} nonce {nonce}",
                    classes[i]
                );
            }
            let got_q = st
                .quantiles
                .iter()
                .find(|c| c.class == classes[i])
                .map(|c| f(c.value));
            assert_eq!(got_q, Some(q));
        }
    }
}

/// The topic record keeps the latest combined network loss (`L_{i-1}`, read by every worker
/// close); a record written before it was kept lacks the field. Checks the kept value, then
/// rewrites the record as an old one: the next closes must read the loss from the stored
/// network losses and still match the model.
fn forget_the_kept_loss(s: &mut Suite, want: Option<Fixed>) {
    let key = cw_storage_plus::Map::<u64, ()>::new("topics").key(TOPIC);
    let addr = s.synthesis.clone();
    let mut storage = s.app.contract_storage_mut(&addr);
    let bytes = storage.get(&key).expect("the topic record");
    let mut record: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let kept: Fixed = serde_json::from_value(record["latest_loss"].clone()).unwrap();
    assert_eq!(Some(kept), want, "the kept loss is the model's L_(i-1)");
    record.as_object_mut().unwrap().remove("latest_loss");
    storage.set(&key, &serde_json::to_vec(&record).unwrap());
}

#[test]
fn epochs_match_the_maths_package() {
    let mut s = SuiteBuilder::new()
        .topic(|t| t.params.alpha_regret = dec("0.5"))
        .build();
    for (m, stake) in STAKES.iter().enumerate() {
        let r = s.reputers[m].clone();
        s.set_stake(TOPIC, &r, *stake);
    }
    let mut model = Model::default();
    let epochs = 9u64;
    let mut saw_full = false;
    let mut saw_not_all_new = false;
    for k in 0..=epochs + 1 {
        // worker window of k; the first payload closes worker k-1 then reputer k-2
        s.set_height(worker_start(k));
        if k <= epochs {
            let mut inf = SortedMap::new();
            let mut fcs = SortedMap::new();
            for w in 0..5u32 {
                let inference = (w < 4).then(|| inference_of(w, k));
                let forecast: Option<Vec<(u32, Fixed)>> = match w {
                    3 => Some(vec![(0, fx("0.4")), (1, fx("0.7")), (2, fx("2"))]),
                    4 => Some(vec![(0, fx("0.3")), (3, fx("1.1")), (1, fx("0.5"))]),
                    _ => None,
                };
                let inf_s = inference.map(|v| v.to_string());
                let fc_s: Option<Vec<(u32, String)>> = forecast
                    .clone()
                    .map(|f| f.into_iter().map(|(j, v)| (j, v.to_string())).collect());
                s.submit(
                    w as usize,
                    k,
                    inf_s.as_deref(),
                    fc_s.as_ref()
                        .map(|f| f.iter().map(|(j, v)| (*j, v.as_str())).collect()),
                )
                .unwrap();
                if let Some(v) = inference {
                    inf.insert(w, v);
                }
                if let Some(f) = forecast {
                    fcs.insert(w, f);
                }
            }
            model.inferences.insert(k, inf);
            model.forecasts.insert(k, fcs);
        } else {
            s.crank(None).unwrap();
        }
        if k >= 1 {
            model.close_worker(&s, k - 1);
            let ni = s.inference(k - 1).unwrap().inference;
            if matches!(ni.path, InferencePath::Full { .. }) {
                saw_full = true;
            }
            if ni.path == (InferencePath::Full { all_new: false }) {
                saw_not_all_new = true;
            }
        }
        if k >= 2 {
            model.close_reputer(&s, k - 2);
            assert_eq!(s.epoch(k - 2).status, EpochStatus::Scored);
        }
        if k == 8 {
            forget_the_kept_loss(&mut s, model.latest_loss);
        }
        // reputers report on k-1 inside its reputer window
        if k >= 1 && k - 1 < epochs {
            s.set_height(worker_start(k) + 1);
            let ni = s.inference(k - 1).unwrap().inference;
            let mut reports = SortedMap::new();
            for m in 0..3u32 {
                let b = bundle_for(&ni, m);
                s.submit_bundle(m as usize, k - 1, b.clone()).unwrap();
                reports.insert(
                    m,
                    ReputerReport {
                        stake: STAKES[m as usize],
                        losses: full_report(&ni, m),
                    },
                );
            }
            model.reports.insert(k - 1, reports);
        }
    }
    assert!(saw_full, "the full path of §5 ran");
    assert!(saw_not_all_new, "the weighted (not all-new) path of §5 ran");
    assert!(!model.regrets.initial.is_zero());
}

#[test]
fn inconsistent_bundle_sets_are_refused_in_the_full_path() {
    let mut s = SuiteBuilder::new().build();
    // nonce 0 scored so that nonce 2 has one-out and one-in variants
    let mut reported = false;
    for k in 0..3u64 {
        s.set_height(worker_start(k));
        for w in 0..4u32 {
            let v = inference_of(w, k).to_string();
            let fc = (w >= 2).then(|| vec![(0u32, "0.5"), (1, "0.7")]);
            s.submit(w as usize, k, Some(&v), fc).unwrap();
        }
        if k == 1 && !reported {
            s.set_height(worker_start(1) + 1);
            let ni = s.inference(0).unwrap().inference;
            s.submit_bundle(0, 0, bundle_for(&ni, 0)).unwrap();
            reported = true;
        }
    }
    s.set_height(worker_start(3));
    s.crank(None).unwrap();
    let ni = s.inference(2).unwrap().inference;
    assert!(matches!(ni.path, InferencePath::Full { .. }));
    assert_eq!(ni.one_out_inferers.len(), 4);
    assert_eq!(ni.one_in_forecasters.len(), 2);
    let good = bundle_for(&ni, 0);
    s.set_height(reputer_start(2));
    // one-out list naming fewer inferers than the inferer list
    let mut b = good.clone();
    b.one_out_inferers.pop();
    assert_eq!(
        s.submit_bundle(0, 2, b).unwrap_err(),
        ContractError::WorkerSetMismatch {
            list: "one_out_inferers".to_string(),
            other: "inferers".to_string()
        }
    );
    let mut b = good.clone();
    b.one_in_forecasters.pop();
    assert_eq!(
        s.submit_bundle(0, 2, b).unwrap_err(),
        ContractError::WorkerSetMismatch {
            list: "one_in_forecasters".to_string(),
            other: "forecasters".to_string()
        }
    );
    let mut b = good.clone();
    if let Some(first) = b.one_out_implied.first().cloned() {
        b.one_out_implied.push(first);
    }
    assert!(matches!(
        s.submit_bundle(0, 2, b).unwrap_err(),
        ContractError::DuplicateWorker { .. }
    ));
    let mut b = good.clone();
    b.one_out_implied.push(WithheldValue {
        withheld: 9,
        forecaster: 2,
        value: sd("1"),
    });
    assert!(matches!(
        s.submit_bundle(0, 2, b).unwrap_err(),
        ContractError::UnknownWorker { .. }
    ));
    s.submit_bundle(0, 2, good).unwrap();
}

/// Runs the same payloads and bundles with a crank after every block (`eager`) or with no
/// crank at all (every close done lazily by the next payload); returns every stored result.
fn run_scenario(eager: bool) -> Vec<String> {
    let mut s = SuiteBuilder::new()
        .topic(|t| t.params.alpha_regret = dec("0.5"))
        .globals(|g| g.synthesis.max_top_inferers_to_reward = 3)
        .build();
    for (m, stake) in STAKES.iter().enumerate() {
        let r = s.reputers[m].clone();
        s.set_stake(TOPIC, &r, *stake);
    }
    let epochs = 7u64;
    for k in 0..epochs {
        for offset in 0..EPOCH {
            let h = worker_start(k) + offset;
            s.set_height(h);
            if eager {
                s.crank(None).ok();
            }
            if offset == 1 {
                // five workers compete for three inferer seats
                for w in [4u32, 0, 2, 1, 3] {
                    let v = inference_of(w, k).to_string();
                    let fc = (w == 4).then(|| vec![(0u32, "0.4"), (1, "0.6")]);
                    s.submit(w as usize, k, Some(&v), fc).unwrap();
                }
            }
            if offset == 2 && k >= 1 {
                let ni = s.inference(k - 1).unwrap().inference;
                for m in 0..3u32 {
                    s.submit_bundle(m as usize, k - 1, bundle_for(&ni, m))
                        .unwrap();
                }
            }
        }
    }
    s.set_height(worker_start(epochs + 3));
    s.crank(None).unwrap();
    let mut out = vec![];
    for k in 0..epochs {
        out.push(format!("{:?}", s.inference(k).unwrap().inference.combined));
        out.push(format!("{:?}", s.epoch(k).inferers));
        if k + 1 < epochs {
            let sc: EpochScores = s
                .query(&QueryMsg::Scores {
                    topic_id: TOPIC,
                    nonce: k,
                })
                .unwrap();
            out.push(format!("{:?}", (sc.inferers, sc.forecasters, sc.reputers)));
        }
    }
    out.push(format!("{:?}", s.topic_state().initial_regret));
    for w in 0..5 {
        let e: ScoreEmaResponse = s
            .query(&QueryMsg::ScoreEma {
                topic_id: TOPIC,
                class: ActorClass::Inferer,
                actor: w,
            })
            .unwrap();
        out.push(format!("{:?}", e.value));
    }
    out
}

#[test]
fn results_do_not_depend_on_who_closes_or_when() {
    let eager = run_scenario(true);
    let lazy = run_scenario(false);
    assert_eq!(eager, lazy);
}
