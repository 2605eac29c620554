//! Extreme but legal amounts (issue 10, finding 5): stakes, treasuries and
//! rewards anywhere in `u128` must give an answer, never an error, and where
//! the reference answers, the same answer.
//!
//! Expected values come from the reference design's `reference.py` (the 34-digit decimal
//! model of the chain) and, where the reference's own 34 digits are the limit,
//! from the same formula evaluated with Python's `decimal` at 80 digits; the
//! computation is in the comment above each value. Every test here was run
//! once against the code before the fix and failed as its comment says.

use nous_math::consensus::{consensus_scores, listening_coefficients};
use nous_math::emission::{
    emission_per_token, max_emission_per_token, monthly_emission, target_emission_per_token,
};
use nous_math::losses::{network_losses, ReputerReport};
use nous_math::rewards::reputer_reward_fractions;
use nous_math::sorted_map::SortedMap;
use nous_math::topic::{target_weight, topic_rewards, topic_weight, TopicEntry};
use nous_math::{Fixed, Params};

mod common;
use common::{close, f, ids, report, TOKEN};

// ---- finding 5: amounts anywhere in u128 ----------------------------------------------------

/// A 1-unit total stake against a 10^12-token treasury (circulating half the
/// supply): `ê_target = 0.025·10^30·0.5 = 1.25·10^28` per token, far above
/// the cap. Before the fix `T_eco/N_staked` overflowed `Fixed` and every
/// month's emission (every `Settle`) failed with `Overflow`; now the target
/// saturates, the cap applies and the month emits `trunc(ê_max · 1) = 0`.
/// The second case needs the two ratios taken together: with 1 circulating
/// unit of 10^27 the exact target is 0.025·10^30·10^-27 = 25 per token
/// (reference.py `target_emission_per_token` gives 25), which neither an
/// overflow nor a truncated `N_circ/N_total = 0` gets right.
#[test]
fn tiny_stake_against_a_huge_treasury_emits_at_the_cap() {
    let fe = f("0.025");
    let target = target_emission_per_token(
        fe,
        1_000_000_000_000 * TOKEN,
        1,
        500_000_000 * TOKEN,
        1_000_000_000 * TOKEN,
    )
    .unwrap();
    assert_eq!(target, Fixed::MAX, "saturated");
    let cap = max_emission_per_token(f("0.0095"), f("0.333333333333333333"), f("0.25")).unwrap();
    let (capped, e) = emission_per_token(target, cap, None, f("0.1")).unwrap();
    assert_eq!((capped, e), (cap, cap));
    assert_eq!(monthly_emission(e, 1).unwrap(), 0);
    assert_eq!(
        target_emission_per_token(fe, 1_000_000_000_000 * TOKEN, 1, 1, 1_000_000_000 * TOKEN)
            .unwrap(),
        f("25")
    );
    assert_eq!(
        monthly_emission(Fixed::MAX, u128::MAX).unwrap(),
        u128::MAX,
        "saturates"
    );
}

/// A reputer delegated 3·2^126 ≈ 2.6·10^38 base units (above `i128::MAX`)
/// beside one with 2^100 that alone reports inferer 1. Before the fix both
/// §6.1 and §7.3 refused the epoch (here `Overflow`: the stake does not fit
/// `Fixed`; any total above 10^28 base units gave `OutOfRange("total
/// reputer stake")`), so every epoch of the topic was skipped.
/// Now the stakes are halved together until their total fits:
/// * the network loss is the exact stake-weighted mean, truncated once:
///   (3·2^26·(−2) + (−4)) / (3·2^26 + 1) = −402653188/201326593;
/// * the small reputer alone carries the entry only it reported;
/// * the scores equal those of the same reports with both stakes divided by
///   2^60 (scale invariance, MATH.md §1.4).
#[test]
fn a_delegation_near_u128_keeps_the_epoch_scored() {
    let p = Params::chain_defaults();
    let (whale, small) = (3u128 << 126, 1u128 << 100);
    let reports = |whale: u128, small: u128| -> SortedMap<u32, ReputerReport> {
        [
            (0, report(whale, "-2", &[(0, "-1")])),
            (1, report(small, "-4", &[(0, "-3"), (1, "-5")])),
        ]
        .into_iter()
        .collect()
    };
    let l = network_losses(&reports(whale, small), &p).unwrap();
    assert_eq!(
        l.combined,
        Fixed::from_ratio(-402_653_188, 201_326_593).unwrap()
    );
    assert_eq!(
        l.inferer[&1],
        f("-5"),
        "carried by the only reputer that reported it"
    );
    let out = listening_coefficients(&reports(whale, small), &SortedMap::new(), &p).unwrap();
    let scaled =
        listening_coefficients(&reports(whale >> 60, small >> 60), &SortedMap::new(), &p).unwrap();
    assert_eq!(out.scores, scaled.scores);
    assert_eq!(out.coefficients, scaled.coefficients);
}

/// Reputer fractions with stakes near `u128::MAX`: `(S·T)^3` with
/// S = u128::MAX and u128::MAX/2 at equal scores is 8 : 1. Before the fix the
/// sum of the stakes overflowed (`Overflow`).
#[test]
fn reputer_fractions_with_stakes_near_u128() {
    let stakes: SortedMap<u32, u128> = [(0, u128::MAX), (1, u128::MAX / 2)].into_iter().collect();
    let w = reputer_reward_fractions(&stakes, &ids(&["2", "2"]), f("3")).unwrap();
    assert!(
        (w[&0].raw() - 888_888_888_888_888_888).abs() <= 1,
        "{}",
        w[&0]
    );
    assert!(
        (w[&1].raw() - 111_111_111_111_111_111).abs() <= 1,
        "{}",
        w[&1]
    );
}

/// §9.1 with a stake above `i128::MAX` base units: `ŵ = sqrt(S·C/len)` in
/// tokens, S = u128::MAX/10^18 = 340282366920938463463.37…, C/len = 100:
/// sqrt(3.4028236692093846346·10^22) = 184467440737.09551615… (80-digit
/// `decimal`). Before the fix the stake could not even be expressed
/// (`Fixed::from_base_units` → `Overflow`): activating or settling the topic
/// failed. With μ = ν = 1 the weight exceeds `Fixed` and saturates.
#[test]
fn topic_weight_of_a_stake_near_u128() {
    let p = Params::chain_defaults();
    let w = target_weight(u128::MAX, 1200 * TOKEN, 12, &p).unwrap();
    close(w, "184467440737.09551615", 1e-15);
    let w = topic_weight(u128::MAX, 1200 * TOKEN, 12, Some(f("5")), f("0.5"), &p).unwrap();
    close(w, "92233720371.047758075", 1e-15);
    let linear = Params {
        topic_reward_stake_importance: Fixed::ONE,
        topic_reward_fee_revenue_importance: Fixed::ONE,
        ..p
    };
    assert_eq!(
        target_weight(u128::MAX, u128::MAX, 1, &linear).unwrap(),
        Fixed::MAX
    );
}

/// §9.2 with a block reward near `u128::MAX` and weights whose products with
/// the epoch length leave `Fixed`: targets saturate, the treasury split
/// takes the weights relative to the largest. Before the fix both were
/// `Overflow`.
#[test]
fn topic_rewards_saturate_then_split_the_treasury() {
    let topics: SortedMap<u32, TopicEntry> = [
        (
            1,
            TopicEntry {
                weight: f("100000000000000000000"),
                epoch_length: 100,
            },
        ),
        (
            2,
            TopicEntry {
                weight: f("50000000000000000000"),
                epoch_length: 100,
            },
        ),
    ]
    .into_iter()
    .collect();
    let out = topic_rewards(
        &topics,
        &[1, 2],
        f("150000000000000000000"),
        u128::MAX / 2,
        3000,
    )
    .unwrap();
    // (2/3, 1/3 truncated to 18 digits) · 3000, truncated: two units of dust stay
    assert_eq!((out[&1], out[&2]), (1999, 999));
}

/// A reputer 1000 away from a consensus whose norm is 10^-18: its score
/// 1/(10^21 + 0.01) is 0 at 18 digits (reference.py gives 9.99…·10^-22).
/// Before the fix `‖L − L̄‖/‖L̄‖` overflowed (`Overflow`) and the whole epoch
/// was skipped.
#[test]
fn a_relative_distance_beyond_fixed_scores_zero() {
    let p = Params::chain_defaults();
    let m = vec![
        vec![Some(Fixed::from_raw(1))],
        vec![Some(Fixed::from_raw(1))],
        vec![Some(f("1000"))],
    ];
    // the third reputer's adjusted stake is 0 (coefficient 0): the consensus stays 10^-18
    let (scores, _) = consensus_scores(
        &m,
        &[f("0.4"), f("0.4"), f("0.2")],
        &[Fixed::ONE, Fixed::ONE, Fixed::ZERO],
        &p,
    )
    .unwrap();
    assert_eq!(scores[2], Fixed::ZERO);
    assert_eq!(scores[0], f("100"), "the others sit on the consensus");
}
