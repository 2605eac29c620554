//! The improved rules (`nous_math::Rules`), each switch on its own against the reference:
//! what it changes, and that it changes nothing else.

use nous_math::consensus::{adjusted_stakes, listening_coefficients};
use nous_math::epoch::loss_epoch;
use nous_math::forecast::forecast_implied_inferences;
use nous_math::losses::{listened_network_losses, network_losses, ReputerReport};
use nous_math::regrets::{update_regrets, RegretAlphas, RegretState};
use nous_math::rewards::{floored_worker_reward_fractions, worker_reward_fractions};
use nous_math::sorted_map::SortedMap;
use nous_math::{Fixed, Params, Rules};

mod common;
use common::{f, map, report, TOKEN};

fn with(rules: Rules) -> Params {
    Params {
        rules,
        ..Params::simulator()
    }
}

/// Four honest reputers of 100 tokens near the truth and one of 200 (above the average, so
/// the reference's cap pins it at 1) that mirrors the losses around their mean, inverting
/// the inferers' ranking (the attack of the review).
fn honest_and_mirror() -> SortedMap<u32, ReputerReport> {
    let honest: [[&str; 4]; 4] = [
        ["-1.00", "-1.20", "-0.80", "-1.50"],
        ["-1.02", "-1.18", "-0.83", "-1.46"],
        ["-0.98", "-1.23", "-0.79", "-1.52"],
        ["-1.01", "-1.21", "-0.78", "-1.49"],
    ];
    let mut reports = SortedMap::new();
    for (m, row) in honest.iter().enumerate() {
        let inferers: Vec<(u32, &str)> = (0..3).map(|j| (j as u32, row[j + 1])).collect();
        reports.insert(m as u32, report(100 * TOKEN, row[0], &inferers));
    }
    // honest row 0 mirrored around its own mean (−1.125): the inferers' ranking inverted
    let mirrored = ["-1.25", "-1.05", "-1.45", "-0.75"].map(String::from);
    let inferers: Vec<(u32, &str)> = (0..3)
        .map(|j| (j as u32, mirrored[j + 1].as_str()))
        .collect();
    reports.insert(4, report(200 * TOKEN, &mirrored[0], &inferers));
    reports
}

/// The coefficients after `epochs` epochs of the same reports, each starting from the last.
fn coefficients_after(epochs: usize, params: &Params) -> SortedMap<u32, Fixed> {
    let reports = honest_and_mirror();
    let mut a = SortedMap::new();
    for _ in 0..epochs {
        a = listening_coefficients(&reports, &a, params)
            .unwrap()
            .coefficients;
    }
    a
}

#[test]
fn cap_then_listen_lets_a_coefficient_move_a_large_stake() {
    let stakes = [f("0.1"), f("0.1"), f("0.8")];
    let half = [Fixed::ONE, Fixed::ONE, f("0.5")];
    // reference: N·a·S/Σa·S = 3·0.4/0.6 = 2, capped at 1 — the coefficient does nothing
    let reference = adjusted_stakes(&stakes, &half, false).unwrap();
    assert_eq!(reference[2], Fixed::ONE);
    // improved: a · min(1, 3·0.8) = 0.5
    let improved = adjusted_stakes(&stakes, &half, true).unwrap();
    assert_eq!(improved[2], f("0.5"));
    assert_eq!(improved[0], f("0.3"), "small stakes: a·N·S/ΣS");
    // every coefficient 0: zero adjusted stakes, not an error (the reference divides by 0)
    let none = adjusted_stakes(&stakes, &[Fixed::ZERO; 3], true).unwrap();
    assert!(none.iter().all(|x| x.is_zero()));
}

#[test]
fn a_large_mirroring_reputer_loses_its_coefficient_faster_under_cap_then_listen() {
    let reference = coefficients_after(5, &with(Rules::REFERENCE));
    let improved = coefficients_after(
        5,
        &with(Rules {
            cap_then_listen: true,
            ..Rules::REFERENCE
        }),
    );
    let (r, i) = (reference[&4], improved[&4]);
    assert!(i < r, "mirror: improved {i} vs reference {r}");
    // after one epoch already: the reference's pinned cap leaves it far more weight
    let one = |rules| coefficients_after(1, &with(rules))[&4];
    let cap = Rules {
        cap_then_listen: true,
        ..Rules::REFERENCE
    };
    assert!(
        one(cap) < one(Rules::REFERENCE),
        "{} vs {}",
        one(cap),
        one(Rules::REFERENCE)
    );
    assert!(i < f("0.05"), "mirror still listened to: {i}");
    // the honest reputers stay listened to
    for m in 0..4 {
        assert!(improved[&m] > f("0.8"), "honest {m}: {}", improved[&m]);
    }
}

#[test]
fn listened_network_losses_follow_the_coefficients() {
    let p = with(Rules::REFERENCE);
    let reports = honest_and_mirror();
    // every coefficient 1 (or absent): the reference's stake-weighted losses exactly
    let ones: SortedMap<u32, Fixed> = (0..5).map(|m| (m, Fixed::ONE)).collect();
    let plain = network_losses(&reports, &p).unwrap();
    assert_eq!(listened_network_losses(&reports, &ones, &p).unwrap(), plain);
    assert_eq!(
        listened_network_losses(&reports, &SortedMap::new(), &p).unwrap(),
        plain
    );
    // the mirror not listened to: the honest reputers' mean alone
    let mut deaf = ones.clone();
    deaf.insert(4, Fixed::ZERO);
    let listened = listened_network_losses(&reports, &deaf, &p).unwrap();
    let honest: SortedMap<u32, ReputerReport> = reports
        .iter()
        .filter(|(m, _)| **m < 4)
        .map(|(m, r)| (*m, r.clone()))
        .collect();
    assert_eq!(listened, network_losses(&honest, &p).unwrap());
    // nobody listened to: the stakes decide, as in the reference
    let zeros: SortedMap<u32, Fixed> = (0..5).map(|m| (m, Fixed::ZERO)).collect();
    assert_eq!(
        listened_network_losses(&reports, &zeros, &p).unwrap(),
        plain
    );
}

#[test]
fn the_loss_epoch_weighs_network_losses_by_listened_stake_when_asked() {
    let reports = honest_and_mirror();
    let run = |rules: Rules| {
        loss_epoch(
            &reports,
            &RegretState::new(),
            &SortedMap::new(),
            &SortedMap::new(),
            &SortedMap::new(),
            &with(rules),
        )
        .unwrap()
    };
    let reference = run(Rules::REFERENCE);
    let both = run(Rules {
        cap_then_listen: true,
        listened_network_losses: true,
        ..Rules::REFERENCE
    });
    // the epoch's own coefficients weigh its losses
    let p = with(Rules::REFERENCE);
    let expected = listened_network_losses(&reports, &both.consensus.coefficients, &p).unwrap();
    assert_eq!(both.losses, expected);
    // the mirror (combined −1.25) pulled the reference's combined loss; the listened one less
    let honest_mean = f("-1.0025");
    let gap = |x: Fixed| x.checked_sub(honest_mean).unwrap().checked_abs().unwrap();
    assert!(gap(both.losses.combined) < gap(reference.losses.combined));
}

#[test]
fn forecasters_regrets_move_at_their_own_rate_when_the_topic_sets_one() {
    // the honest-and-mirror reports, with two forecasters and the one-out and one-in losses
    let mut reports = honest_and_mirror();
    for r in reports.values_mut() {
        r.losses.forecaster = map(&[(0, "-1.1"), (1, "-0.95")]);
        r.losses.one_in = map(&[(0, "-1.05"), (1, "-1.0")]);
        r.losses.one_out_forecaster = map(&[(0, "-1.02"), (1, "-0.99")]);
        r.losses.one_out_inferer = map(&[(0, "-1.03")]);
    }
    let losses = network_losses(&reports, &with(Rules::REFERENCE)).unwrap();
    assert!(!losses.forecaster.is_empty() && !losses.inferer.is_empty());
    let mut before = RegretState::new();
    before.initial = f("0.3");
    let slow = update_regrets(&losses, &before, f("0.1")).unwrap();
    let fast = update_regrets(&losses, &before, f("0.5")).unwrap();
    let p = Params {
        alpha_regret_forecasters: Some(f("0.5")),
        ..with(Rules::REFERENCE)
    };
    let own = update_regrets(&losses, &before, RegretAlphas::of(&p)).unwrap();
    // every regret of an inferer at α, of a forecaster at its own rate
    assert_eq!(
        (
            &own.inferer,
            &own.naive,
            &own.one_out_inferer_inferer,
            &own.one_in_inferer
        ),
        (
            &slow.inferer,
            &slow.naive,
            &slow.one_out_inferer_inferer,
            &slow.one_in_inferer
        )
    );
    assert_eq!(
        own.one_out_forecaster_inferer,
        slow.one_out_forecaster_inferer
    );
    assert_eq!(
        (
            &own.forecaster,
            &own.one_in_self,
            &own.one_out_forecaster_forecaster
        ),
        (
            &fast.forecaster,
            &fast.one_in_self,
            &fast.one_out_forecaster_forecaster
        )
    );
    assert_eq!(
        own.one_out_inferer_forecaster,
        fast.one_out_inferer_forecaster
    );
    assert_ne!(own.forecaster, slow.forecaster);
    // unset, the rate is alpha_regret: the loss epoch runs the reference update
    assert_eq!(RegretAlphas::of(&with(Rules::REFERENCE)), f("0.1").into());
    let epoch = |p: &Params| {
        loss_epoch(
            &reports,
            &before,
            &SortedMap::new(),
            &SortedMap::new(),
            &SortedMap::new(),
            p,
        )
        .unwrap()
        .regrets
    };
    assert_eq!(epoch(&with(Rules::REFERENCE)).forecaster, slow.forecaster);
    assert_eq!(epoch(&p).forecaster, fast.forecaster);
}

#[test]
fn the_floored_reward_map_pays_nothing_for_a_score_of_zero_or_less() {
    let (p, c, eps) = (f("3"), f("0.75"), f("0.01"));
    let scores = map(&[(0, "0.4"), (1, "0"), (2, "-0.2"), (3, "0.000001")]);
    let sample: Vec<Fixed> = scores.values().copied().collect();
    let floored = floored_worker_reward_fractions(&scores, &sample, p, c, eps).unwrap();
    assert_eq!(floored[&1], Fixed::ZERO);
    assert_eq!(floored[&2], Fixed::ZERO);
    // continuous at zero: a tiny positive score earns a tiny share
    assert!(
        floored[&3].is_positive() && floored[&3] < f("0.0001"),
        "{}",
        floored[&3]
    );
    let total = floored
        .values()
        .fold(Fixed::ZERO, |a, x| a.checked_add(*x).unwrap());
    assert!(
        total
            .checked_sub(Fixed::ONE)
            .unwrap()
            .checked_abs()
            .unwrap()
            < f("0.000000000000001")
    );
    // the reference pays the zero and the negative score
    let reference = worker_reward_fractions(&scores, &sample, p, c, eps).unwrap();
    assert!(reference[&1].is_positive() && reference[&2].is_positive());
    // no positive score: the class pays nothing
    let none = map(&[(0, "0"), (1, "-1")]);
    let s: Vec<Fixed> = none.values().copied().collect();
    let zero = floored_worker_reward_fractions(&none, &s, p, c, eps).unwrap();
    assert!(zero.values().all(|x| x.is_zero()));
    // equal scores (σ < ε): the positive ones share equally
    let flat = map(&[(0, "0.5"), (1, "0.5"), (2, "-0.5")]);
    let one = floored_worker_reward_fractions(&flat, &[f("0.5")], p, c, eps).unwrap();
    assert_eq!(one[&0], f("0.5"));
    assert_eq!(one[&2], Fixed::ZERO);
}

#[test]
fn centred_forecast_regrets_do_not_depend_on_the_previous_network_loss() {
    let inferences = map(&[(0, "10"), (1, "12"), (2, "15")]);
    let scope = [0, 1, 2];
    let forecasts: SortedMap<u32, Vec<(u32, Fixed)>> =
        [(7, vec![(0, f("-1.2")), (1, f("-1.0")), (2, f("-0.7"))])]
            .into_iter()
            .collect();
    let implied = |prev: &str, rules: Rules| {
        forecast_implied_inferences(
            &scope,
            &inferences,
            &[7],
            &forecasts,
            f(prev),
            false,
            &with(rules),
        )
        .unwrap()[&7]
    };
    let centred = Rules {
        centred_forecast_regrets: true,
        ..Rules::REFERENCE
    };
    assert_eq!(implied("-1", centred), implied("-4", centred));
    assert_eq!(implied("-1", centred), implied("2", centred));
    // the reference's value moves with where L_{i−1} fell
    assert_ne!(
        implied("-1", Rules::REFERENCE),
        implied("-4", Rules::REFERENCE)
    );
    // the forecast's ranking decides: the inferer forecast best (0) weighs most
    let v = implied("-1", centred);
    assert!(v < f("12"), "{v}");
}

#[test]
fn a_class_without_a_positive_score_pays_nothing_and_loses_nothing() {
    use nous_math::epoch::{reward_payouts, reward_split, RewardState};
    let inferers = map(&[(0, "-0.3"), (1, "0"), (2, "-0.1")]);
    let reputers = map(&[(0, "20"), (1, "30")]);
    let stakes: SortedMap<u32, u128> = [(0, 100 * TOKEN), (1, 200 * TOKEN)].into_iter().collect();
    let floored = with(Rules {
        zero_floor_rewards: true,
        ..Rules::REFERENCE
    });
    let split = reward_split(
        &inferers,
        &SortedMap::new(),
        f("-0.1"),
        &reputers,
        &stakes,
        &RewardState::default(),
        &floored,
    )
    .unwrap();
    assert!(split.inferer_fractions.values().all(|x| x.is_zero()));
    let topic_reward = 1_000 * TOKEN;
    let paid = reward_payouts(&split, topic_reward).unwrap();
    assert!(paid.inferer_payout.amounts.is_empty());
    let total: u128 = paid
        .reputer_payout
        .amounts
        .values()
        .chain(paid.forecaster_payout.amounts.values())
        .sum();
    // every base unit is paid or carried as dust
    assert_eq!(total + paid.dust, topic_reward);
    assert!(paid.dust >= paid.budgets.inference);
}
