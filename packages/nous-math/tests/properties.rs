//! Property tests of the invariants a reviewer checks: relabelling actors
//! only relabels results, weights are non-negative, fractions sum to one,
//! payouts never exceed the budget and return the dust, listening
//! coefficients stay in [0, 1], and no input within bounds panics.

use nous_math::consensus::listening_coefficients;
use nous_math::forecast::Forecast;
use nous_math::inference::{one_out_implied, synthesize};
use nous_math::losses::{network_losses, ReputerLosses, ReputerReport};
use nous_math::regrets::{update_regrets, RegretState};
use nous_math::rewards::{
    payout, reputer_reward_fractions, smoothed_entropy, worker_reward_fractions,
};
use nous_math::sorted_map::SortedMap;
use nous_math::weights::regret_weights;
use nous_math::{Fixed, Params};
use proptest::prelude::*;

const E18: i128 = 1_000_000_000_000_000_000;

/// A value within `MAX_ABS_VALUE`, mostly of realistic size.
fn value() -> impl Strategy<Value = Fixed> {
    prop_oneof![
        4 => (-10 * E18..10 * E18).prop_map(Fixed::from_raw),
        1 => (-1_000_000_000 * E18..=1_000_000_000 * E18).prop_map(Fixed::from_raw),
        1 => (-1000i128..1000).prop_map(Fixed::from_raw),
    ]
}
fn regret() -> impl Strategy<Value = Fixed> {
    prop_oneof![
        4 => (-3 * E18..3 * E18).prop_map(Fixed::from_raw),
        1 => (-4_000_000_000 * E18..=4_000_000_000 * E18).prop_map(Fixed::from_raw),
    ]
}
fn unit() -> impl Strategy<Value = Fixed> {
    (0..=E18).prop_map(Fixed::from_raw)
}

#[derive(Clone, Debug)]
struct Epoch {
    inferences: SortedMap<u32, Fixed>,
    forecasts: SortedMap<u32, Forecast>,
    regrets: RegretState,
    prev_loss: Fixed,
}

fn epoch() -> impl Strategy<Value = Epoch> {
    (2usize..6, 0usize..4).prop_flat_map(|(ni, nk)| {
        (
            prop::collection::vec(value(), ni),
            prop::collection::vec(prop::collection::vec((0..ni as u32, value()), 1..5), nk),
            prop::collection::vec(
                regret(),
                ni * 3 + nk * 2 + ni * ni + ni * nk + nk * ni + nk * nk + nk * ni + nk,
            ),
            value(),
            prop::bool::weighted(0.9),
        )
            .prop_map(move |(inf, fc, rg, prev_loss, established)| {
                let inferences: SortedMap<u32, Fixed> = inf
                    .into_iter()
                    .enumerate()
                    .map(|(j, v)| (j as u32, v))
                    .collect();
                let forecasts: SortedMap<u32, Forecast> = fc
                    .into_iter()
                    .enumerate()
                    .map(|(k, e)| (k as u32, e))
                    .collect();
                let mut it = rg.into_iter();
                let mut next = || it.next().unwrap_or(Fixed::ZERO);
                let mut r = RegretState {
                    initial: if established { next() } else { Fixed::ZERO },
                    ..Default::default()
                };
                let (ni, nk) = (ni as u32, nk as u32);
                for j in 0..ni {
                    r.inferer.insert(j, next());
                    r.naive.insert(j, next());
                }
                for k in 0..nk {
                    r.forecaster.insert(k, next());
                    r.one_in_self.insert(k, next());
                }
                for a in 0..ni {
                    for j in 0..ni {
                        r.one_out_inferer_inferer.insert((a, j), next());
                    }
                    for k in 0..nk {
                        r.one_out_inferer_forecaster.insert((a, k), next());
                    }
                }
                for a in 0..nk {
                    for j in 0..ni {
                        r.one_out_forecaster_inferer.insert((a, j), next());
                        r.one_in_inferer.insert((a, j), next());
                    }
                    for k in 0..nk {
                        r.one_out_forecaster_forecaster.insert((a, k), next());
                    }
                }
                Epoch {
                    inferences,
                    forecasts,
                    regrets: r,
                    prev_loss,
                }
            })
    })
}

/// Relabel inferers j → 100 − j and forecasters k → 50 − k everywhere.
fn relabel(e: &Epoch) -> Epoch {
    let ji = |j: u32| 100 - j;
    let ki = |k: u32| 50 - k;
    let r = &e.regrets;
    let m1 = |m: &SortedMap<u32, Fixed>, f: &dyn Fn(u32) -> u32| {
        m.iter().map(|(a, v)| (f(*a), *v)).collect()
    };
    let m2 = |m: &SortedMap<(u32, u32), Fixed>, f: &dyn Fn(u32) -> u32, g: &dyn Fn(u32) -> u32| {
        m.iter().map(|((a, b), v)| ((f(*a), g(*b)), *v)).collect()
    };
    Epoch {
        inferences: m1(&e.inferences, &ji),
        forecasts: e
            .forecasts
            .iter()
            .map(|(k, el)| (ki(*k), el.iter().map(|(j, v)| (ji(*j), *v)).collect()))
            .collect(),
        regrets: RegretState {
            initial: r.initial,
            inferer: m1(&r.inferer, &ji),
            forecaster: m1(&r.forecaster, &ki),
            naive: m1(&r.naive, &ji),
            one_out_inferer_inferer: m2(&r.one_out_inferer_inferer, &ji, &ji),
            one_out_inferer_forecaster: m2(&r.one_out_inferer_forecaster, &ji, &ki),
            one_out_forecaster_inferer: m2(&r.one_out_forecaster_inferer, &ki, &ji),
            one_out_forecaster_forecaster: m2(&r.one_out_forecaster_forecaster, &ki, &ki),
            one_in_inferer: m2(&r.one_in_inferer, &ki, &ji),
            one_in_self: m1(&r.one_in_self, &ki),
        },
        prev_loss: e.prev_loss,
    }
}

fn sums_to_one(m: &SortedMap<u32, Fixed>) -> bool {
    let s = Fixed::sum(m.values().copied()).unwrap();
    (s.raw() - E18).abs() <= 2 * m.len() as i128 + 2
}

fn reputer_reports() -> impl Strategy<Value = SortedMap<u32, ReputerReport>> {
    reputer_reports_staking(1u128..=1_000_000_000_000_000_000_000_000u128)
}

/// Any `u128` amount, with the extremes well represented.
fn amount() -> impl Strategy<Value = u128> {
    prop_oneof![
        2 => any::<u128>(),
        1 => 0u128..1000,
        1 => u128::MAX - 1000..=u128::MAX,
        2 => E18 as u128..=1_000_000_000_000 * E18 as u128,
    ]
}

fn reputer_reports_staking(
    stake: impl Strategy<Value = u128>,
) -> impl Strategy<Value = SortedMap<u32, ReputerReport>> {
    prop::collection::vec(
        (
            stake,
            value(),
            value(),
            prop::collection::vec(prop::option::weighted(0.9, value()), 3),
            prop::collection::vec(prop::option::weighted(0.9, value()), 2),
        ),
        1..6,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(m, (stake, c, n, inf, fc))| {
                let mut l = ReputerLosses {
                    combined: Some(c),
                    naive: Some(n),
                    ..Default::default()
                };
                for (j, x) in inf.into_iter().enumerate() {
                    if let Some(x) = x {
                        l.inferer.insert(j as u32, x);
                        l.one_out_inferer
                            .insert(j as u32, x.checked_div_int(2).unwrap());
                    }
                }
                for (k, x) in fc.into_iter().enumerate() {
                    if let Some(x) = x {
                        l.forecaster.insert(k as u32, x);
                        l.one_in.insert(k as u32, x);
                        l.one_out_forecaster.insert(k as u32, x);
                        l.one_out_inferer_forecaster.insert((k as u32, 0), x);
                    }
                }
                (m as u32 * 7, ReputerReport { stake, losses: l })
            })
            .collect()
    })
}

/// §4 as first written (the reference the faster code must match bit for bit): the
/// regret→weight map evaluated for every inferer of `scope`, then the forecaster's
/// named ones used.
fn implied_reference(
    scope: &[u32],
    inferences: &SortedMap<u32, Fixed>,
    forecasters: &[u32],
    forecasts: &SortedMap<u32, Forecast>,
    prev_loss: Fixed,
    all_new: bool,
    p: &Params,
) -> Result<SortedMap<u32, Fixed>, nous_math::MathError> {
    let mut out = SortedMap::new();
    for k in forecasters {
        let Some(elements) = forecasts.get(k) else {
            continue;
        };
        let named: Vec<u32> = elements
            .iter()
            .filter(|(j, _)| inferences.contains_key(j))
            .map(|(j, _)| *j)
            .collect();
        if named.is_empty() {
            continue;
        }
        if all_new {
            let vals: Vec<Fixed> = named.iter().map(|j| inferences[j]).collect();
            out.insert(*k, nous_math::stats::median(&vals)?);
            continue;
        }
        let weights: SortedMap<u32, Fixed> = if named.len() > 1 {
            let mut regret = SortedMap::new();
            for (j, f) in elements.iter().filter(|(j, _)| inferences.contains_key(j)) {
                regret.insert(*j, prev_loss.checked_sub(*f)?);
            }
            if scope.iter().any(|j| regret.contains_key(j)) {
                regret_weights(
                    scope,
                    &regret,
                    &[],
                    &SortedMap::new(),
                    p.epsilon_topic,
                    p.p_norm,
                    p.c_norm,
                )?
                .inferers
            } else {
                SortedMap::new()
            }
        } else {
            named.iter().map(|j| (*j, Fixed::ONE)).collect()
        };
        let (mut num, mut den) = (Fixed::ZERO, Fixed::ZERO);
        for j in &named {
            let w = weights.get(j).copied().unwrap_or(Fixed::ZERO);
            if !w.is_zero() {
                num = num.checked_add(w.checked_mul(inferences[j])?)?;
                den = den.checked_add(w)?;
            }
        }
        if !den.is_zero() {
            out.insert(*k, num.checked_div(den)?);
        }
    }
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn synthesis_does_not_depend_on_actor_order(e in epoch()) {
        let p = Params::simulator();
        let a = synthesize(&e.inferences, &e.forecasts, Some(e.prev_loss), &e.regrets, &p);
        let r = relabel(&e);
        let b = synthesize(&r.inferences, &r.forecasts, Some(r.prev_loss), &r.regrets, &p);
        match (a, b) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a.combined, b.combined);
                prop_assert_eq!(a.naive, b.naive);
                for (j, v) in &a.one_out_inferer {
                    prop_assert_eq!(Some(v), b.one_out_inferer.get(&(100 - j)));
                }
                for (k, v) in &a.forecast_implied {
                    prop_assert_eq!(Some(v), b.forecast_implied.get(&(50 - k)));
                }
                for (k, v) in &a.one_out_forecaster {
                    prop_assert_eq!(Some(v), b.one_out_forecaster.get(&(50 - k)));
                }
                for (k, v) in &a.one_in_forecaster {
                    prop_assert_eq!(Some(v), b.one_in_forecaster.get(&(50 - k)));
                }
                for w in a.inferer_weights.values().chain(a.forecaster_weights.values()) {
                    prop_assert!(!w.is_negative());
                }
                let mut vals: Vec<Fixed> = e.inferences.values().chain(a.forecast_implied.values()).copied().collect();
                vals.sort();
                vals.dedup();
                if vals.len() == e.inferences.len() + a.forecast_implied.len() {
                    prop_assert_eq!(a.error_bars, b.error_bars);
                }
            }
            (Err(x), Err(y)) => prop_assert_eq!(x, y),
            (x, y) => prop_assert!(false, "one order failed: {:?} / {:?}", x.err(), y.err()),
        }
    }

    /// Only the pairs a forecaster named are recomputed, with weights of its named
    /// inferers only; every one-out value (named or read as `I_k`) equals the value of
    /// the first implementation, which recomputed every pair with every weight.
    #[test]
    fn one_out_values_of_named_pairs_equal_the_full_recomputation(e in epoch()) {
        let p = Params::simulator();
        let Ok(out) = synthesize(&e.inferences, &e.forecasts, Some(e.prev_loss), &e.regrets, &p) else {
            return Ok(());
        };
        let all_new = e.regrets.initial.is_zero();
        let inferers: Vec<u32> = e.inferences.keys().copied().collect();
        let forecasters: Vec<u32> = e.forecasts.keys().copied().collect();
        let implied = implied_reference(&inferers, &e.inferences, &forecasters, &e.forecasts, e.prev_loss, all_new, &p).unwrap();
        prop_assert_eq!(&out.forecast_implied, &implied);
        let active: Vec<u32> = implied.keys().copied().collect();
        for jw in &inferers {
            let rest: Vec<u32> = inferers.iter().copied().filter(|j| j != jw).collect();
            let full = implied_reference(&rest, &e.inferences, &active, &e.forecasts, e.prev_loss, all_new, &p).unwrap();
            for k in &active {
                let named = e.forecasts[k].iter().any(|(j, _)| j == jw);
                prop_assert_eq!(out.forecast_implied_one_out.contains_key(&(*k, *jw)), named && full.contains_key(k));
                match full.get(k) {
                    Some(v) => prop_assert_eq!(one_out_implied(&out, *k, *jw), Some(*v)),
                    // k named only the withheld inferer (more than once): no value
                    None => prop_assert!(named),
                }
            }
        }
    }

    #[test]
    fn regret_weights_are_non_negative(rs in prop::collection::vec(regret(), 1..12), nf in 0usize..4) {
        let ids: Vec<u32> = (0..rs.len() as u32).collect();
        let nf = nf.min(rs.len() - 1);
        let (fi, ii) = ids.split_at(nf);
        let m: SortedMap<u32, Fixed> = ids.iter().copied().zip(rs.iter().copied()).collect();
        let p = Params::simulator();
        let w = regret_weights(ii, &m, fi, &m, p.epsilon_topic, p.p_norm, p.c_norm).unwrap();
        for v in w.inferers.values().chain(w.forecasters.values()) {
            prop_assert!(!v.is_negative() && *v <= p.p_norm);
        }
    }

    #[test]
    fn reward_fractions_sum_to_one(
        scores in prop::collection::vec(value(), 1..10),
        sample in prop::collection::vec(value(), 0..12),
        stakes in prop::collection::vec(1u128..1_000_000_000_000_000_000_000_000_000u128, 1..10),
        prev in prop::collection::vec(prop::option::of(unit()), 1..10),
    ) {
        let p = Params::simulator();
        let t: SortedMap<u32, Fixed> = scores.iter().copied().enumerate().map(|(i, v)| (i as u32, v)).collect();
        if let Ok(u) = worker_reward_fractions(&t, &sample, p.p_reward_inference, p.c_reward_inference, p.epsilon_topic) {
            prop_assert!(u.values().all(|x| !x.is_negative()));
            prop_assert!(sums_to_one(&u));
            let pr: SortedMap<u32, Fixed> = prev.iter().enumerate().filter_map(|(i, x)| x.map(|x| (i as u32, x))).collect();
            let e = smoothed_entropy(&u, &pr, p.task_reward_alpha, p.beta_entropy);
            if let Ok(e) = e {
                prop_assert!(sums_to_one(&e.smoothed));
                prop_assert!(!e.entropy.is_negative());
            }
        }
        let n = stakes.len().min(scores.len());
        let st: SortedMap<u32, u128> = stakes.iter().take(n).copied().enumerate().map(|(i, s)| (i as u32, s)).collect();
        let ts: SortedMap<u32, Fixed> = (0..n as u32).map(|i| (i, t[&i].checked_abs().unwrap())).collect();
        for pr in [Fixed::ONE, "3".parse().unwrap()] {
            if let Ok(w) = reputer_reward_fractions(&st, &ts, pr) {
                prop_assert!(w.values().all(|x| !x.is_negative()));
                prop_assert!(sums_to_one(&w));
            }
        }
    }

    #[test]
    fn payout_never_exceeds_budget_and_returns_dust(
        budget in 0u128..u128::MAX / 2,
        parts in prop::collection::vec(0i128..1_000_000, 1..40),
    ) {
        let total: i128 = parts.iter().sum::<i128>().max(1);
        let fr: SortedMap<u32, Fixed> =
            parts.iter().enumerate().map(|(i, x)| (i as u32, Fixed::from_ratio(*x, total).unwrap())).collect();
        let p = payout(budget, &fr).unwrap();
        let paid: u128 = p.amounts.values().sum();
        prop_assert!(paid <= budget);
        prop_assert_eq!(paid + p.dust, budget);
    }

    #[test]
    fn listening_coefficients_stay_in_unit_interval(
        reps in reputer_reports(),
        prev in prop::collection::vec(unit(), 6),
    ) {
        let p = Params::simulator();
        let pc: SortedMap<u32, Fixed> = prev.iter().enumerate().map(|(i, a)| (i as u32 * 7, *a)).collect();
        if let Ok(out) = listening_coefficients(&reps, &pc, &p) {
            for a in out.coefficients.values() {
                prop_assert!(*a >= Fixed::ZERO && *a <= Fixed::ONE);
            }
            for s in out.adjusted_stakes.values() {
                prop_assert!(*s >= Fixed::ZERO && *s <= Fixed::ONE);
            }
        }
    }

    #[test]
    fn no_bounded_input_panics(e in epoch(), reps in reputer_reports(), alpha in unit()) {
        let p = Params::simulator();
        let _ = synthesize(&e.inferences, &e.forecasts, Some(e.prev_loss), &e.regrets, &p);
        if let Ok(l) = network_losses(&reps, &p) {
            let _ = update_regrets(&l, &e.regrets, alpha);
            let _ = nous_math::scores::inferer_scores(&l);
            let _ = nous_math::scores::forecaster_scores(&l);
        }
        let _ = listening_coefficients(&reps, &SortedMap::new(), &p);
    }

    #[test]
    fn fixed_arithmetic_never_panics(a in any::<i128>(), b in any::<i128>(), s in "[-+0-9.eE]{0,30}") {
        let (x, y) = (Fixed::from_raw(a), Fixed::from_raw(b));
        let _ = (x.checked_mul(y), x.checked_div(y), x.checked_add(y), x.checked_sub(y));
        let _ = (x.exp(), x.ln(), x.sqrt(), x.pow(y), x.softplus(), x.scaled_logistic(y));
        let _ = s.parse::<Fixed>();
        prop_assert_eq!(x.to_string().parse::<Fixed>(), Ok(x));
        if let Ok(p) = x.checked_mul(y) {
            prop_assert_eq!(Ok(p), y.checked_mul(x));
        }
        if a >= 0 {
            let r = x.sqrt().unwrap();
            prop_assert!(matches!(r.checked_mul(r), Ok(q) if q <= x));
        }
    }

    #[test]
    fn exp_and_ln_are_inverse(raw in 1i128..100_000_000 * E18) {
        let x = Fixed::from_raw(raw);
        let back = x.ln().unwrap().exp().unwrap();
        let err = (back.raw() - raw).abs() as f64;
        prop_assert!(err <= 2.0 + raw as f64 * 2e-17, "{} -> {}", x, back);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn reward_epoch_pays_at_most_the_topic_reward(
        ti in prop::collection::vec(value(), 1..6),
        tf in prop::collection::vec(value(), 0..4),
        tr in prop::collection::vec((1i128..200 * E18, 1u128..1_000_000_000_000_000_000_000_000u128), 1..6),
        budget in 0u128..1_000_000_000_000_000_000_000_000_000u128,
        task in value(),
        ratio in value(),
    ) {
        use nous_math::epoch::{reward_epoch, RewardState};
        let p = Params::simulator();
        let ti: SortedMap<u32, Fixed> = ti.into_iter().enumerate().map(|(i, v)| (i as u32, v)).collect();
        let tf: SortedMap<u32, Fixed> = tf.into_iter().enumerate().map(|(i, v)| (i as u32, v)).collect();
        let scores: SortedMap<u32, Fixed> = tr.iter().enumerate().map(|(i, (t, _))| (i as u32, Fixed::from_raw(*t))).collect();
        let stakes: SortedMap<u32, u128> = tr.iter().enumerate().map(|(i, (_, s))| (i as u32, *s)).collect();
        let state = RewardState { forecaster_score_ratio: ratio, ..Default::default() };
        if let Ok(out) = reward_epoch(&ti, &tf, task, &scores, &stakes, budget, &state, &p) {
            let paid: u128 = [&out.payouts.inferer_payout, &out.payouts.forecaster_payout, &out.payouts.reputer_payout]
                .iter()
                .map(|p| p.amounts.values().sum::<u128>())
                .sum();
            prop_assert!(paid <= budget);
            prop_assert_eq!(paid + out.payouts.dust, budget);
            prop_assert!(sums_to_one(&out.classes.inferer_fractions) && sums_to_one(&out.classes.reputer_fractions));
        }
    }
}

/// Issue 10, findings 5 and 9: over the whole legal input range the epoch
/// maths answers and never errs — stakes, treasuries, supplies and rewards
/// anywhere in `u128`, scores anywhere their bounds allow, every parameter
/// anywhere `Params::validate` accepts.
mod whole_range {
    use super::*;
    use nous_math::emission::{
        block_emission, emission_per_token, max_emission_per_token, monthly_emission,
        target_emission_per_token, validator_split,
    };
    use nous_math::epoch::{loss_epoch, reward_epoch, RewardState};
    use nous_math::topic::{topic_rewards, topic_weight, TopicEntry};

    /// A score of §7.1–7.2: a difference of two losses within `MAX_ABS_VALUE`.
    fn worker_score() -> impl Strategy<Value = Fixed> {
        prop_oneof![
            3 => value(),
            1 => (-2_000_000_000 * E18..=2_000_000_000 * E18).prop_map(Fixed::from_raw),
            1 => (-2 * E18..-E18 / 2).prop_map(Fixed::from_raw),
        ]
    }
    /// A reputer score of §7.3: `1/(d + ε_rep)` lies in [0, 1/ε_rep].
    fn reputer_score() -> impl Strategy<Value = Fixed> {
        prop_oneof![
            2 => (0..=100 * E18).prop_map(Fixed::from_raw),
            1 => (0i128..1_000_000_000).prop_map(Fixed::from_raw),
            1 => Just(Fixed::ZERO),
            1 => (0..=E18 * E18).prop_map(Fixed::from_raw),
        ]
    }
    fn positive_unit() -> impl Strategy<Value = Fixed> {
        (1..=E18).prop_map(Fixed::from_raw)
    }
    fn params() -> impl Strategy<Value = Params> {
        (
            (1..=10 * E18, 1..=10 * E18, 1..=10 * E18),
            (-10 * E18..=10 * E18, -10 * E18..=10 * E18),
            (1_000_000_000i128..=E18, unit(), unit()),
        )
            .prop_map(|((pi, pf, pr), (ci, cf), (eps, alpha, beta))| Params {
                p_reward_inference: Fixed::from_raw(pi),
                p_reward_forecast: Fixed::from_raw(pf),
                p_reward_reputer: Fixed::from_raw(pr),
                c_reward_inference: Fixed::from_raw(ci),
                c_reward_forecast: Fixed::from_raw(cf),
                epsilon_topic: Fixed::from_raw(eps),
                task_reward_alpha: alpha,
                beta_entropy: beta,
                ..Params::chain_defaults()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn loss_step_accepts_every_stake(reps in reputer_reports_staking(amount().prop_map(|a| a.max(1))), prev in prop::collection::vec(unit(), 6)) {
            let p = Params::simulator();
            let listening: SortedMap<u32, Fixed> = prev.iter().enumerate().map(|(i, a)| (i as u32 * 7, *a)).collect();
            let out = loss_epoch(&reps, &RegretState::new(), &listening, &SortedMap::new(), &SortedMap::new(), &p);
            prop_assert!(out.is_ok(), "{:?}", out.err());
            let out = out.unwrap_or_default();
            for a in out.consensus.coefficients.values().chain(out.consensus.adjusted_stakes.values()) {
                prop_assert!(*a >= Fixed::ZERO && *a <= Fixed::ONE);
            }
        }

        #[test]
        fn reward_step_accepts_every_legal_input(
            ti in prop::collection::vec(worker_score(), 1..8),
            tf in prop::collection::vec(worker_score(), 0..5),
            history in prop::collection::vec(worker_score(), 0..12),
            tr in prop::collection::vec((reputer_score(), amount()), 1..7),
            smoothed in prop::collection::vec(prop::option::of(unit()), 7),
            reward in amount(),
            task in worker_score(),
            ratio in any::<i128>().prop_map(|r| Fixed::from_raw(r.max(-i128::MAX))),
            p in params(),
        ) {
            let ids = |v: &[Fixed]| -> SortedMap<u32, Fixed> { v.iter().copied().enumerate().map(|(i, x)| (i as u32, x)).collect() };
            let scores = ids(&tr.iter().map(|(t, _)| *t).collect::<Vec<_>>());
            let stakes: SortedMap<u32, u128> = tr.iter().enumerate().map(|(i, (_, s))| (i as u32, *s)).collect();
            let previous: SortedMap<u32, Fixed> = smoothed.iter().enumerate().filter_map(|(i, x)| x.map(|x| (i as u32, x))).collect();
            let state = RewardState {
                smoothed_inferer: previous.clone(),
                smoothed_forecaster: previous.clone(),
                smoothed_reputer: previous,
                forecaster_score_ratio: ratio,
                inferer_score_history: vec![history.clone()],
                forecaster_score_history: vec![history],
            };
            let out = reward_epoch(&ids(&ti), &ids(&tf), task, &scores, &stakes, reward, &state, &p);
            prop_assert!(out.is_ok(), "{:?}", out.err());
            let out = out.unwrap_or_default();
            let paid: u128 = [&out.payouts.inferer_payout, &out.payouts.forecaster_payout, &out.payouts.reputer_payout]
                .iter()
                .flat_map(|p| p.amounts.values())
                .sum();
            prop_assert_eq!(paid + out.payouts.dust, reward);
            prop_assert!(sums_to_one(&out.classes.inferer_fractions));
            prop_assert!(out.classes.forecaster_fractions.is_empty() || sums_to_one(&out.classes.forecaster_fractions));
            let nothing = out.classes.reputer_fractions.values().all(|w| w.is_zero());
            prop_assert!(nothing || sums_to_one(&out.classes.reputer_fractions));
        }

        #[test]
        fn emission_accepts_every_legal_amount(
            treasury in amount(),
            staked in amount().prop_map(|a| a.max(1)),
            (circulating, total) in amount().prop_map(|t| t.max(1)).prop_flat_map(|t| (0..=t, Just(t))),
            (f_emission, mpy, smoothing) in (unit(), unit(), positive_unit()),
            (validator, reputer) in (unit(), unit()).prop_filter("a staker share", |(v, r)| v.is_positive() || r.is_positive()),
            previous in prop::option::of((0..=i128::MAX).prop_map(Fixed::from_raw)),
            blocks in 1u64..=u64::MAX,
        ) {
            let target = target_emission_per_token(f_emission, treasury, staked, circulating, total);
            prop_assert!(target.is_ok(), "{:?}", target);
            let cap = max_emission_per_token(mpy, reputer, validator);
            prop_assert!(cap.is_ok(), "{:?}", cap);
            let e = emission_per_token(target.unwrap_or_default(), cap.unwrap_or_default(), previous, smoothing);
            prop_assert!(e.is_ok(), "{:?}", e);
            let (_, e) = e.unwrap_or_default();
            let month = monthly_emission(e, staked);
            prop_assert!(month.is_ok(), "{:?}", month);
            let block = block_emission(month.unwrap_or_default(), blocks);
            prop_assert!(block.is_ok());
            prop_assert!(validator_split(block.unwrap_or_default(), validator).is_ok());
        }

        #[test]
        fn topic_weight_and_reward_accept_every_legal_amount(
            stakes in prop::collection::vec(amount(), 1..5),
            revenues in prop::collection::vec(amount(), 5),
            lengths in prop::collection::vec(1u64..=u64::MAX, 5),
            (mu, nu, alpha) in (unit(), unit(), unit()),
            previous in prop::option::of((0..=i128::MAX).prop_map(Fixed::from_raw)),
            block_reward in amount(),
            balance in amount(),
        ) {
            let p = Params {
                topic_reward_stake_importance: mu,
                topic_reward_fee_revenue_importance: nu,
                ..Params::chain_defaults()
            };
            let mut topics = SortedMap::new();
            for (i, s) in stakes.iter().enumerate() {
                let w = topic_weight(*s, revenues[i], lengths[i], previous, alpha, &p);
                prop_assert!(w.is_ok(), "{:?}", w);
                // the running sum of the weights must fit; each is at most MAX/8 here
                let weight = Fixed::from_raw(w.unwrap_or_default().raw() / 8);
                topics.insert(i as u32, TopicEntry { weight, epoch_length: lengths[i] });
            }
            let sum = Fixed::sum(topics.values().map(|t| t.weight)).unwrap_or(Fixed::MAX);
            let ids: Vec<u32> = topics.keys().copied().collect();
            if sum.is_positive() {
                let out = topic_rewards(&topics, &ids, sum, block_reward, balance);
                prop_assert!(out.is_ok(), "{:?}", out);
                prop_assert!(out.unwrap_or_default().values().sum::<u128>() <= balance);
            }
        }
    }
}
