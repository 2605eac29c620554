//! Edge cases of MATH.md §12, one named test each, plus constructed cases
//! for the quantities the shared vectors cannot exercise (forecaster reward
//! fractions, χ branches, all-new mode, missing reputer entries).

use nous_math::consensus::{adjusted_stakes, consensus_scores, listening_coefficients};
use nous_math::forecast::{forecast_implied_inferences, Forecast};
use nous_math::inference::synthesize;
use nous_math::losses::{network_losses, NetworkLosses, ReputerLosses, ReputerReport};
use nous_math::regrets::RegretState;
use nous_math::rewards::{
    class_reward_split, forecasting_utility, payout, score_sample, single_actor_entropy,
    smoothed_entropy, worker_reward_fractions,
};
use nous_math::scores::{forecaster_scores, inferer_scores};
use nous_math::sorted_map::SortedMap;
use nous_math::topic::{target_weight, topic_rewards, topic_weight, TopicEntry};
use nous_math::{Fixed, MathError, Params};

mod common;
use common::{close, f, map, report, TOKEN};

/// An established topic: every actor has regrets, initial regret non-zero.
fn established(inferers: &[u32], forecasters: &[u32]) -> RegretState {
    let mut r = RegretState {
        initial: f("0.1"),
        ..Default::default()
    };
    for (n, j) in inferers.iter().enumerate() {
        r.inferer
            .insert(*j, f("0.2").checked_mul_int(n as i128 + 1).unwrap());
        r.naive
            .insert(*j, f("0.1").checked_mul_int(n as i128 + 1).unwrap());
    }
    for k in forecasters {
        r.forecaster.insert(*k, f("0.3"));
    }
    r
}
fn forecasts(xs: &[(u32, &[(u32, &str)])]) -> SortedMap<u32, Forecast> {
    xs.iter()
        .map(|(k, e)| (*k, e.iter().map(|(j, v)| (*j, f(v))).collect()))
        .collect()
}

#[test]
fn no_inferences_is_an_error() {
    let p = Params::simulator();
    let r = synthesize(
        &SortedMap::new(),
        &SortedMap::new(),
        Some(f("-2")),
        &RegretState::new(),
        &p,
    );
    assert!(matches!(r, Err(MathError::EmptyInput(_))));
}

#[test]
fn single_inferer() {
    let p = Params::simulator();
    let inf = map(&[(7, "1.25")]);
    let fc = forecasts(&[(0, &[(7, "-3")]), (1, &[(7, "-2")])]);
    let out = synthesize(&inf, &fc, Some(f("-2")), &established(&[7], &[0, 1]), &p).unwrap();
    assert_eq!(out.combined, f("1.25"));
    assert_eq!(out.naive, f("1.25"));
    assert!(out.one_out_inferer.is_empty() && out.forecast_implied.is_empty());
    // score 0 for a lone inferer (§7.1)
    let losses = NetworkLosses {
        combined: f("-2"),
        naive: f("-2"),
        inferer: map(&[(7, "-2.5")]),
        one_out_inferer: map(&[(7, "-1")]),
        ..Default::default()
    };
    assert_eq!(inferer_scores(&losses).unwrap(), map(&[(7, "0")]));
}

#[test]
fn no_previous_network_loss_uses_the_median() {
    let p = Params::simulator();
    let inf = map(&[(1, "1"), (2, "5"), (3, "2"), (4, "10")]);
    let out = synthesize(&inf, &SortedMap::new(), None, &RegretState::new(), &p).unwrap();
    assert_eq!(out.combined, f("3.5"));
    assert_eq!(out.naive, Fixed::ZERO);
}

#[test]
fn no_forecasters() {
    let p = Params::simulator();
    let inf = map(&[(0, "1"), (1, "2"), (2, "4")]);
    let out = synthesize(
        &inf,
        &SortedMap::new(),
        Some(f("-2")),
        &established(&[0, 1, 2], &[]),
        &p,
    )
    .unwrap();
    assert!(out.forecast_implied.is_empty() && out.forecaster_weights.is_empty());
    assert!(out.one_out_forecaster.is_empty() && out.one_in_forecaster.is_empty());
    assert_eq!(out.one_out_inferer.len(), 3);
    // inferers only: the combined value is a weighted mean of the inferences
    assert!(out.combined > f("1") && out.combined < f("4"));
    assert_eq!(out.error_bars.len(), 5);
}

#[test]
fn fewer_than_two_forecasters() {
    let p = Params::simulator();
    let inf = map(&[(0, "1"), (1, "2"), (2, "4")]);
    let fc = forecasts(&[(5, &[(0, "-2.1"), (1, "-2.5"), (2, "-1.9")])]);
    let out = synthesize(&inf, &fc, Some(f("-2")), &established(&[0, 1, 2], &[5]), &p).unwrap();
    assert_eq!(out.forecast_implied.len(), 1);
    assert!(
        out.one_out_forecaster.is_empty(),
        "no one-out forecaster value with one forecaster"
    );
    assert!(
        out.one_in_forecaster.is_empty(),
        "no one-in value with one forecaster"
    );
    // a single forecaster scores 0 (§7.2)
    let losses = NetworkLosses {
        combined: f("-2"),
        naive: f("-1.9"),
        forecaster: map(&[(5, "-2.2")]),
        ..Default::default()
    };
    assert_eq!(forecaster_scores(&losses).unwrap(), map(&[(5, "0")]));
}

#[test]
fn forecaster_without_usable_element_is_dropped() {
    let p = Params::simulator();
    let inf = map(&[(0, "1"), (1, "2")]);
    // forecaster 3 only names inferer 9, who did not submit
    let fc = forecasts(&[
        (3, &[(9, "-2")]),
        (4, &[(0, "-2"), (1, "-2.2")]),
        (6, &[(1, "-2.2")]),
    ]);
    let out = synthesize(
        &inf,
        &fc,
        Some(f("-2")),
        &established(&[0, 1], &[3, 4, 6]),
        &p,
    )
    .unwrap();
    assert!(!out.forecast_implied.contains_key(&3));
    assert_eq!(
        out.forecast_implied[&6],
        f("2"),
        "a single element has weight 1"
    );
    assert_eq!(out.one_out_forecaster.len(), 2);
    assert!(!out.forecaster_weights.contains_key(&3));
}

#[test]
fn one_element_forecast_keeps_weight_one_when_its_inferer_is_withheld() {
    let p = Params::simulator();
    let inf = map(&[(0, "1"), (1, "2"), (2, "3")]);
    let fc = forecasts(&[(0, &[(1, "-2.5")])]);
    let implied =
        forecast_implied_inferences(&[0, 2], &inf, &[0], &fc, f("-2"), false, &p).unwrap();
    assert_eq!(implied[&0], f("2"));
}

#[test]
fn all_newcomers() {
    let p = Params::simulator();
    let inf = map(&[(0, "1"), (1, "2"), (2, "6")]);
    let fc = forecasts(&[
        (0, &[(0, "-2"), (1, "-3"), (2, "-1")]),
        (1, &[(0, "-1"), (2, "-4")]),
    ]);
    // topic initial regret exactly 0: plain means, implied = median
    let out = synthesize(&inf, &fc, Some(f("-2")), &RegretState::new(), &p).unwrap();
    assert_eq!(out.combined, f("3"));
    assert_eq!(out.naive, f("3"));
    assert_eq!(out.forecast_implied[&0], f("2"));
    assert_eq!(out.forecast_implied[&1], f("3.5"));
    assert_eq!(out.one_out_inferer[&2], f("1.5"));
    assert_eq!(out.one_out_forecaster[&0], f("3"));
}

#[test]
fn zero_stake() {
    let p = Params::simulator();
    let reps: SortedMap<u32, ReputerReport> = [
        (0, report(0, "-2", &[(0, "-1")])),
        (1, report(0, "-3", &[(0, "-2")])),
    ]
    .into_iter()
    .collect();
    assert!(matches!(
        network_losses(&reps, &p),
        Err(MathError::DivisionByZero(_))
    ));
    assert!(matches!(
        listening_coefficients(&reps, &SortedMap::new(), &p),
        Err(MathError::DivisionByZero(_))
    ));
    // below the minimum stake: ignored
    let chain = Params::chain_defaults();
    let reps: SortedMap<u32, ReputerReport> = [
        (0, report(9_999, "-100", &[(0, "-100")])),
        (1, report(10_000, "-3", &[(0, "-2")])),
    ]
    .into_iter()
    .collect();
    let l = network_losses(&reps, &chain).unwrap();
    assert_eq!(l.combined, f("-3"));
    // Σ a·S = 0
    assert!(matches!(
        adjusted_stakes(&[f("1"), f("2")], &[Fixed::ZERO, Fixed::ZERO], false),
        Err(MathError::DivisionByZero(_))
    ));
}

#[test]
fn missing_reputer_entries() {
    let p = Params::simulator();
    let mut a = report(100, "-2", &[(0, "-1"), (1, "-3")]);
    let b = report(300, "-4", &[(0, "-2")]); // did not report inferer 1
    a.losses.naive = None; // did not report the naive loss
    let reps: SortedMap<u32, ReputerReport> = [(0, a), (1, b)].into_iter().collect();
    let l = network_losses(&reps, &p).unwrap();
    assert_eq!(l.combined, f("-3.5"));
    assert_eq!(l.naive, f("-4"), "skipped in the network loss");
    assert_eq!(l.inferer[&1], f("-3"));
    assert_eq!(l.inferer[&0], f("-1.75"));
    // consensus: the missing value is replaced by the most distant reported one
    let m = vec![
        vec![Some(f("-2")), Some(f("-1")), Some(f("-3"))],
        vec![Some(f("-4")), Some(f("-2")), None],
    ];
    let (scores, _) =
        consensus_scores(&m, &[f("0.25"), f("0.75")], &[Fixed::ONE, Fixed::ONE], &p).unwrap();
    assert_eq!(scores.len(), 2);
    let out = listening_coefficients(&reps, &SortedMap::new(), &p).unwrap();
    assert!(out
        .coefficients
        .values()
        .all(|a| *a >= Fixed::ZERO && *a <= Fixed::ONE));
}

/// Reports over the same keys are weighed by position, others key by key: one entry
/// that only one reputer reported changes nothing for the entries everyone reported.
#[test]
fn aligned_and_unaligned_reports_weigh_alike() {
    let p = Params::simulator();
    let a = report(100, "-2", &[(0, "-1"), (1, "-3.3")]);
    let b = report(300, "-4", &[(0, "-2"), (1, "-0.7")]);
    let aligned: SortedMap<u32, ReputerReport> =
        [(0, a.clone()), (1, b.clone())].into_iter().collect();
    let mut a_more = a;
    a_more.losses.inferer.insert(2, f("-5"));
    let unaligned: SortedMap<u32, ReputerReport> = [(0, a_more), (1, b)].into_iter().collect();
    let (x, y) = (
        network_losses(&aligned, &p).unwrap(),
        network_losses(&unaligned, &p).unwrap(),
    );
    assert_eq!(x.inferer[&0], f("-1.75"));
    for j in [0, 1] {
        assert_eq!(x.inferer[&j], y.inferer[&j]);
    }
    assert_eq!(y.inferer[&2], f("-5"));
    assert!(!x.inferer.contains_key(&2));
}

#[test]
fn consensus_norm_zero_uses_epsilon_safe_div() {
    let p = Params::simulator();
    let m = vec![
        vec![Some(Fixed::ZERO), Some(Fixed::ZERO)],
        vec![Some(Fixed::ZERO), Some(Fixed::ZERO)],
    ];
    let (scores, _) =
        consensus_scores(&m, &[f("0.5"), f("0.5")], &[Fixed::ONE, Fixed::ONE], &p).unwrap();
    assert_eq!(scores, vec![f("100"), f("100")]); // 1/(0 + 0.01)
}

#[test]
fn score_spread_below_epsilon_gives_equal_fractions() {
    let u = worker_reward_fractions(
        &map(&[(0, "0.001"), (1, "0.002")]),
        &[f("0.001"), f("0.002"), f("0.0015")],
        f("3"),
        f("0.75"),
        f("0.01"),
    )
    .unwrap();
    assert_eq!(u, map(&[(0, "0.5"), (1, "0.5")]));
}

/// Forecaster reward fractions need ten scores of history, more than the
/// shared rows hold; constructed case (values from the 34-digit spec).
#[test]
fn forecaster_reward_fractions_constructed() {
    let hist: Vec<Vec<Fixed>> = [
        ["0.12", "-0.4", "0.33"],
        ["0.05", "0.2", "-0.1"],
        ["0.3", "-0.25", "0.02"],
        ["-0.15", "0.4", "0.1"],
    ]
    .iter()
    .map(|e| e.iter().map(|s| f(s)).collect())
    .collect();
    let sample = score_sample(&hist, 10);
    assert_eq!(sample.len(), 10);
    assert_eq!(
        sample[9],
        f("-0.15"),
        "the first score of the fourth epoch closes the window"
    );
    let latest = map(&[(0, "0.12"), (1, "-0.4"), (2, "0.33")]);
    let u3 = worker_reward_fractions(&latest, &sample, f("3"), f("0.75"), f("0.01")).unwrap();
    close(u3[&0], "0.1632815561234421959062289875032729", 1e-15);
    close(u3[&1], "0.0003664397801322846557166806241289204", 1e-13);
    close(u3[&2], "0.8363520040964255194380543318725986", 1e-15);
    let u1 = worker_reward_fractions(&latest, &sample, f("1"), f("0.75"), f("0.01")).unwrap();
    close(u1[&0], "0.3378466485779249877238314334439009", 1e-15);
    close(u1[&1], "0.05342789465554708615189230223261390", 1e-15);
    close(u1[&2], "0.6087254567665279261242762643234856", 1e-15);
}

#[test]
fn smoothing_with_a_newcomer() {
    let e = smoothed_entropy(
        &map(&[(0, "0.5"), (1, "0.3"), (2, "0.2")]),
        &map(&[(0, "0.4"), (2, "0.1")]),
        f("0.1"),
        f("0.25"),
    )
    .unwrap();
    close(e.entropy, "1.036954807343182605814576168754722", 1e-15);
    close(
        e.smoothed[&1],
        "0.3658536585365853658536585365853658",
        1e-15,
    );
    close(
        e.effective_number,
        "3.700962250185048112509252405625462",
        1e-15,
    );
}

#[test]
fn single_actor_in_a_class() {
    let e = smoothed_entropy(&map(&[(4, "1")]), &SortedMap::new(), f("0.1"), f("0.25")).unwrap();
    assert_eq!(e.entropy, single_actor_entropy());
    assert_eq!(e.entropy, f("0.173286795139986"));
}

#[test]
fn forecasting_utility_branches() {
    let (chi, ratio) = forecasting_utility(
        f("0.02"),
        &map(&[(0, "0.1"), (1, "-0.3")]),
        f("0.5"),
        f("0.1"),
    )
    .unwrap();
    assert_eq!((chi, ratio), (f("0.288"), f("0.47")));
    // maximum inferer score ≤ 0: the denominator is |T_i|
    let (chi, ratio) =
        forecasting_utility(f("-0.02"), &map(&[(0, "-0.1")]), f("0.2"), f("0.1")).unwrap();
    assert_eq!((chi, ratio), (f("0.132"), f("0.08")));
    // ... and a zero task score: χ = 0.5, ratio reset
    assert_eq!(
        forecasting_utility(Fixed::ZERO, &map(&[(0, "-0.1")]), f("0.7"), f("0.1")).unwrap(),
        (f("0.5"), Fixed::ZERO)
    );
    let (chi, _) = forecasting_utility(f("-5"), &map(&[(0, "0.1")]), f("-1"), f("0.1")).unwrap();
    assert_eq!(chi, f("0.1"));
}

#[test]
fn class_split_constructed() {
    let s = class_reward_split(f("1.2"), f("0.9"), f("1.1"), f("0.3")).unwrap();
    close(s.gamma, "1.891891891891891891891891891891891", 1e-16);
    close(s.inference, "0.4966216216216216216216216216216209", 1e-16);
    close(s.forecasting, "0.1596283783783783783783783783783782", 1e-16);
    assert_eq!(s.reputation, f("0.34375"));
    // forecasting entropy 0 (single inferer / no forecaster): nothing to forecasters
    let s = class_reward_split(f("1.2"), Fixed::ZERO, f("1.1"), f("0.5")).unwrap();
    assert_eq!(s.forecasting, Fixed::ZERO);
}

#[test]
fn zero_fee_revenue_gives_zero_weight() {
    let p = Params::chain_defaults();
    assert_eq!(
        topic_weight(1000 * TOKEN, 0, 12, Some(f("5")), f("0.5"), &p).unwrap(),
        Fixed::ZERO
    );
    assert_eq!(
        target_weight(400 * TOKEN, 1200 * TOKEN, 12, &p).unwrap(),
        f("200")
    );
}

#[test]
fn rewards_above_treasury_are_split_by_weight_and_epoch_length() {
    let topics: SortedMap<u32, TopicEntry> = [
        (
            1,
            TopicEntry {
                weight: f("300"),
                epoch_length: 10,
            },
        ),
        (
            2,
            TopicEntry {
                weight: f("100"),
                epoch_length: 20,
            },
        ),
    ]
    .into_iter()
    .collect();
    let r = topic_rewards(&topics, &[1, 2], f("400"), 1_000, 500).unwrap();
    assert_eq!(r[&1], 300);
    assert_eq!(r[&2], 200);
    let single = topic_rewards(&topics, &[1], f("400"), 1_000, 500).unwrap();
    assert_eq!(single[&1], 500);
    let fits = topic_rewards(&topics, &[1, 2], f("400"), 10, 1_000_000).unwrap();
    assert_eq!((fits[&1], fits[&2]), (75, 50));
}

#[test]
fn negative_payout_is_rejected() {
    assert!(matches!(
        payout(100, &map(&[(0, "-0.1"), (1, "0.5")])),
        Err(MathError::InvalidSign(_))
    ));
    assert!(matches!(
        payout(100, &map(&[(0, "0.7"), (1, "0.5")])),
        Err(MathError::OutOfRange(_))
    ));
    let p = payout(100, &map(&[(0, "0"), (1, "0.5")])).unwrap();
    assert!(!p.amounts.contains_key(&0), "zero rewards are skipped");
    assert_eq!(p.dust, 50);
}

#[test]
fn non_finite_and_out_of_range_inputs_are_refused() {
    assert!(matches!(
        "NaN".parse::<Fixed>(),
        Err(MathError::NonFinite(_))
    ));
    assert!(matches!(
        "inf".parse::<Fixed>(),
        Err(MathError::NonFinite(_))
    ));
    let p = Params::simulator();
    let inf = map(&[(0, "1"), (1, "2000000000")]);
    assert!(matches!(
        synthesize(
            &inf,
            &SortedMap::new(),
            Some(f("-2")),
            &RegretState::new(),
            &p
        ),
        Err(MathError::OutOfRange(_))
    ));
    let bad = Params {
        p_norm: f("5"),
        ..Params::simulator()
    };
    assert!(matches!(bad.validate(), Err(MathError::InvalidParam(_))));
}

#[test]
fn reward_epoch_matches_the_steps_and_conserves_the_budget() {
    use nous_math::epoch::{reward_epoch, RewardState};
    use nous_math::rewards::reputer_reward_fractions;
    let p = Params::simulator();
    let ti = map(&[(0, "0.2"), (1, "-0.1"), (2, "0.05")]);
    let tf = map(&[(0, "0.12"), (1, "-0.4"), (2, "0.33")]);
    let tr = map(&[(0, "40"), (1, "55"), (2, "12")]);
    let stakes: SortedMap<u32, u128> = [
        (0, 4u128 * 10u128.pow(23)),
        (1, 10u128.pow(23)),
        (2, 7 * 10u128.pow(22)),
    ]
    .into_iter()
    .collect();
    let state = RewardState {
        smoothed_inferer: map(&[(0, "0.3"), (1, "0.3"), (2, "0.4")]),
        smoothed_forecaster: map(&[(0, "0.5"), (2, "0.5")]),
        forecaster_score_ratio: f("0.4"),
        inferer_score_history: vec![
            vec![f("0.1"), f("0.3"), f("-0.2")],
            vec![f("0.0"), f("0.15"), f("0.2")],
            vec![f("0.4"), f("0.1")],
        ],
        forecaster_score_history: vec![
            vec![f("0.05"), f("0.2"), f("-0.1")],
            vec![f("0.3"), f("-0.25"), f("0.02")],
            vec![f("-0.15"), f("0.4"), f("0.1")],
        ],
        ..Default::default()
    };
    let budget = 7_708_805_149_400_669_500_000u128;
    let out = reward_epoch(&ti, &tf, f("0.03"), &tr, &stakes, budget, &state, &p).unwrap();
    // same numbers as the individual steps
    let sample: Vec<Fixed> = score_sample(
        &[
            tf.values().copied().collect(),
            state.forecaster_score_history[0].clone(),
            state.forecaster_score_history[1].clone(),
            state.forecaster_score_history[2].clone(),
        ],
        10,
    );
    assert_eq!(
        out.classes.forecaster_fractions,
        worker_reward_fractions(&tf, &sample, f("3"), f("0.75"), f("0.01")).unwrap()
    );
    assert_eq!(
        out.classes.reputer_fractions,
        reputer_reward_fractions(&stakes, &tr, Fixed::ONE).unwrap()
    );
    let (chi, ratio) = forecasting_utility(f("0.03"), &ti, f("0.4"), f("0.1")).unwrap();
    assert_eq!(
        (
            out.classes.forecasting_utility,
            out.classes.forecaster_score_ratio
        ),
        (chi, ratio)
    );
    let split = class_reward_split(
        out.classes.inferers_entropy,
        out.classes.forecasters_entropy,
        out.classes.reputers_entropy,
        chi,
    )
    .unwrap();
    assert_eq!(out.classes.split, split);
    // conservation: every base unit is paid or returned as dust
    let paid: u128 = [
        &out.payouts.inferer_payout,
        &out.payouts.forecaster_payout,
        &out.payouts.reputer_payout,
    ]
    .iter()
    .map(|p| p.amounts.values().sum::<u128>())
    .sum();
    assert_eq!(paid + out.payouts.dust, budget);
    // 18-digit fractions truncate: dust is below 10^-15 of the budget
    assert!(
        out.payouts.dust <= budget / 1_000_000_000_000_000,
        "dust {}",
        out.payouts.dust
    );
}

/// The reference's largest active set (32 inferers, 6 forecasters with 12
/// elements, 6 reputers with full bundles) runs end to end within bounds;
/// prints the native time of each step.
#[test]
fn full_active_set_epoch_runs() {
    use nous_math::epoch::{loss_epoch, reward_epoch, RewardState};
    let p = Params::chain_defaults();
    let v = |a: i128, b: i128| Fixed::from_ratio(a, b).unwrap();
    let inf: SortedMap<u32, Fixed> = (0..32)
        .map(|j| (j, v(1000 + 37 * (j as i128 % 7), 1000)))
        .collect();
    let fc: SortedMap<u32, Forecast> = (0..6)
        .map(|k| {
            (
                k,
                (0..12)
                    .map(|e| {
                        (
                            (k * 5 + e) % 32,
                            v(-2000 - 13 * e as i128 - k as i128, 1000),
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    let mut reg = RegretState {
        initial: f("0.05"),
        ..Default::default()
    };
    for j in 0..32 {
        reg.inferer.insert(j, v(j as i128 - 16, 100));
    }
    let t = std::time::Instant::now();
    let out = synthesize(&inf, &fc, Some(f("-2")), &reg, &p).unwrap();
    let t_syn = t.elapsed();
    let mut reports = SortedMap::new();
    for m in 0..6u32 {
        let l = |x: i128| v(-2000 - x - 17 * m as i128, 1000);
        let mut r = ReputerLosses {
            combined: Some(l(0)),
            naive: Some(l(5)),
            ..Default::default()
        };
        for j in 0..32 {
            r.inferer.insert(j, l(j as i128));
            r.one_out_inferer.insert(j, l(2 + j as i128 % 3));
        }
        for k in 0..6 {
            r.forecaster.insert(k, l(3 * k as i128));
            r.one_out_forecaster.insert(k, l(1 + k as i128));
            r.one_in.insert(k, l(4 + k as i128));
            for j in 0..32 {
                r.one_out_inferer_forecaster
                    .insert((k, j), l((k * j) as i128 % 11));
            }
        }
        reports.insert(
            m,
            ReputerReport {
                stake: (m as u128 + 1) * 10u128.pow(22),
                losses: r,
            },
        );
    }
    let t = std::time::Instant::now();
    let le = loss_epoch(
        &reports,
        &reg,
        &SortedMap::new(),
        &SortedMap::new(),
        &SortedMap::new(),
        &p,
    )
    .unwrap();
    let t_loss = t.elapsed();
    let stakes: SortedMap<u32, u128> = reports.iter().map(|(m, r)| (*m, r.stake)).collect();
    let t = std::time::Instant::now();
    let re = reward_epoch(
        &le.inferer_scores,
        &le.forecaster_scores,
        le.forecasting_task_score,
        &le.consensus.scores,
        &stakes,
        10u128.pow(22),
        &RewardState::default(),
        &p,
    )
    .unwrap();
    let t_rew = t.elapsed();
    println!("32/6/6 epoch: synthesize {t_syn:?}, loss_epoch {t_loss:?}, reward_epoch {t_rew:?}");
    assert_eq!(out.one_out_inferer.len(), 32);
    assert_eq!(le.regrets.one_out_inferer_forecaster.len(), 32 * 6);
    assert_eq!(le.consensus.coefficients.len(), 6);
    assert!(re.payouts.dust <= 10u128.pow(22) / 10u128.pow(15));
}

#[test]
fn json_round_trip_of_state_and_results() {
    let mut r = RegretState {
        initial: f("-0.25"),
        ..Default::default()
    };
    r.inferer.insert(3, f("1.5e-7"));
    r.one_out_inferer_forecaster.insert((3, 1), f("-2"));
    let json = serde_json_wasm::to_string(&r).unwrap();
    assert!(json.contains(r#""inferer":[[3,"0.00000015"]]"#), "{json}");
    assert!(
        json.contains(r#""one_out_inferer_forecaster":[[3,1,"-2"]]"#),
        "{json}"
    );
    let back: RegretState = serde_json_wasm::from_str(&json).unwrap();
    assert_eq!(back, r);
    let dup = json.replace(r#"[[3,"0.00000015"]]"#, r#"[[3,"1"],[3,"2"]]"#);
    assert!(
        serde_json_wasm::from_str::<RegretState>(&dup).is_err(),
        "duplicate ids refused"
    );
    assert!(serde_json_wasm::from_str::<Fixed>(r#""NaN""#).is_err());
    let p = Params::chain_defaults();
    let back: Params = serde_json_wasm::from_str(&serde_json_wasm::to_string(&p).unwrap()).unwrap();
    assert_eq!(back, p);
}
