//! Reward fractions whose terms fall far below 10^-18 (issue 10, finding 9)
//! must keep their digits, and a class that earned nothing must pay nothing
//! without an error; where the reference answers, the same answer.
//!
//! Expected values come from the reference design's `reference.py` (the 34-digit decimal
//! model of the chain) and, where the reference's own 34 digits are the limit,
//! from the same formula evaluated with Python's `decimal` at 80 digits; the
//! computation is in the comment above each value. Every test here was run
//! once against the code before the fix and failed as its comment says.

use nous_math::consensus::listening_coefficients;
use nous_math::epoch::{reward_epoch, RewardState};
use nous_math::losses::{ReputerLosses, ReputerReport};
use nous_math::rewards::{
    class_budgets, class_reward_split, forecasting_utility, reputer_reward_fractions,
    worker_reward_fractions,
};
use nous_math::sorted_map::SortedMap;
use nous_math::{Fixed, Params};

mod common;
use common::{close, f, ids, TOKEN};

// ---- finding 9: fractions whose terms underflow 18 digits ---------------------------------

/// Fractions of a class scored `scores` with its own scores as the sample,
/// against `(reference.py value, 80-digit value)` per member: within
/// `reference_tol` of the reference (its 34 digits hold only part of the
/// tiny `φ` values) and within 10^-15 of the exact value.
fn assert_class_fractions(
    scores: &[&str],
    p: &str,
    epsilon: &str,
    want: &[(&str, &str)],
    reference_tol: f64,
) {
    let s: Vec<Fixed> = scores.iter().map(|x| f(x)).collect();
    let u = worker_reward_fractions(&ids(scores), &s, f(p), f("0.75"), f(epsilon)).unwrap();
    assert_eq!(u.len(), want.len());
    for (i, (reference, exact)) in want.iter().enumerate() {
        close(u[&(i as u32)], reference, reference_tol);
        close(u[&(i as u32)], exact, 1e-15);
    }
}

fn mirror_report(stake: u128, sign: &str) -> ReputerReport {
    let v = |x: &str| f(&format!("{sign}{x}"));
    ReputerReport {
        stake,
        losses: ReputerLosses {
            combined: Some(v("0.5")),
            naive: Some(v("0.6")),
            inferer: [(0, v("0.3")), (1, v("0.4"))].into_iter().collect(),
            ..Default::default()
        },
    }
}

/// Two colluding reputers with equal stake report mirror-image losses: the
/// consensus is 0, its norm falls back to `epsilon_safe_div` = 10^-7 and each
/// score is about 1.08·10^-7, so `(S·T)^3` with `S = 1/2` is 1.6·10^-22.
/// reference.py (chain defaults): `reputer_scores` gives both
/// 1.078327730871593460848801556128617E-7 and `reputer_reward_fractions`
/// gives [0.5, 0.5].
/// Before the fix: `Err(DivisionByZero("reputer fractions: all terms zero"))`,
/// so `reward_epoch` failed and the topic's reward step with it.
#[test]
fn mirror_image_reputers_share_equally() {
    let p = Params::chain_defaults();
    let reps: SortedMap<u32, ReputerReport> = [
        (0, mirror_report(1000 * TOKEN, "")),
        (1, mirror_report(1000 * TOKEN, "-")),
    ]
    .into_iter()
    .collect();
    let consensus = listening_coefficients(&reps, &SortedMap::new(), &p).unwrap();
    for t in consensus.scores.values() {
        close(*t, "1.078327730871593460848801556128617E-7", 1e-9);
    }
    let stakes: SortedMap<u32, u128> = [(0, 1000 * TOKEN), (1, 1000 * TOKEN)].into_iter().collect();
    let w = reputer_reward_fractions(&stakes, &consensus.scores, p.p_reward_reputer).unwrap();
    assert_eq!(w, ids(&["0.5", "0.5"]));

    let out = reward_epoch(
        &ids(&["0.1", "0.2"]),
        &SortedMap::new(),
        Fixed::ZERO,
        &consensus.scores,
        &stakes,
        1000 * TOKEN,
        &RewardState::default(),
        &p,
    )
    .unwrap();
    let paid = &out.payouts.reputer_payout.amounts;
    assert_eq!(paid.len(), 2);
    assert_eq!(paid[&0], paid[&1], "50/50");
    assert!(paid[&0] > 0);
}

/// A class whose scores are negative and tightly clustered: `φ_1(T/(σ+ε))`
/// is about e^-45 ≈ 3·10^-20 for every member.
/// reference.py: `worker_reward_fractions(s, s, 1, 0.75, 0.01)` for
/// s = [-1.16, -1.15, -1.14, -1.13, -1.12] pays all five (values below; the
/// reference keeps 14 digits here, as 1 + e^-45 holds only 14 of e^-45 in 34;
/// the 80-digit evaluation of the same formula is the second column).
/// Before the fix: `Err(DivisionByZero("reward fractions: zero total"))`.
#[test]
fn clustered_negative_scores_pay_the_whole_class() {
    assert_class_fractions(
        &["-1.16", "-1.15", "-1.14", "-1.13", "-1.12"],
        "1",
        "0.01",
        &[
            (
                "0.07967660871452206613186317854308507",
                "0.079676608714523652831289",
            ),
            (
                "0.1173782865754992213241624934232907",
                "0.117378286575501706954561",
            ),
            (
                "0.1729197863925805595589563454264330",
                "0.172919786392579950390822",
            ),
            (
                "0.2547426223232688415227654184141091",
                "0.254742622323269094182112",
            ),
            (
                "0.3752826959941293114622525641930827",
                "0.375282695994125595641216",
            ),
        ],
        1e-12,
    );
}

/// The same class shape straddling 10^-18: before the fix only the top two
/// were paid, [0, 0, 0, 1/3, 2/3] (their M were 1 and 2 units of 10^-18).
/// reference.py: `worker_reward_fractions(s, s, 1, 0.75, 0.0001)` for
/// s = [-1.010, -0.995, -0.980, -0.965, -0.950]; 80-digit values second.
#[test]
fn clustered_negative_scores_straddling_the_resolution_pay_everyone() {
    assert_class_fractions(
        &["-1.010", "-0.995", "-0.980", "-0.965", "-0.950"],
        "1",
        "0.0001",
        &[
            (
                "0.03931542788409691199832464869481527",
                "0.039315427884097060542457",
            ),
            (
                "0.07380430554913550541728449944765274",
                "0.073804305549135512062405",
            ),
            (
                "0.1385480410806739664339783293732227",
                "0.138548041080673982632853",
            ),
            (
                "0.2600872610949859916655789477495370",
                "0.260087261094985911846152",
            ),
            (
                "0.4882449643911076244848335747347721",
                "0.488244964391107532916133",
            ),
        ],
        1e-12,
    );
}

/// Forecasters use p = 3 by default: the same effect sooner.
/// reference.py: `worker_reward_fractions(s, s, 3, 0.75, 0.01)` for
/// s = [-0.40, -0.39, -0.38, -0.37, -0.36]; 80-digit values second.
/// Before the fix: `Err(DivisionByZero("reward fractions: zero total"))`.
#[test]
fn clustered_negative_forecaster_scores_pay_the_whole_class() {
    assert_class_fractions(
        &["-0.40", "-0.39", "-0.38", "-0.37", "-0.36"],
        "3",
        "0.01",
        &[
            (
                "0.006596583153223418771902415658805006",
                "0.006596583153225129215749",
            ),
            (
                "0.02109064276124684924380464332017819",
                "0.021090642761251903783911",
            ),
            (
                "0.06743115363675258161337660230614763",
                "0.067431153636754073949334",
            ),
            (
                "0.2155913659083586363938941712846076",
                "0.215591365908358523937863",
            ),
            (
                "0.6892902545404185139770221674302619",
                "0.689290254540410369113143",
            ),
        ],
        1e-11,
    );
}

/// All reputer scores zero. reference.py: `reputer_reward_fractions([10^21,
/// 3·10^21], [0, 0], 3)` returns [0, 0] (zero terms stay 0, nothing divided).
/// Before the fix: `Err(DivisionByZero("reputer fractions: all terms zero"))`.
/// Through `reward_epoch` the class then pays nothing: with no smoothed
/// history its entropy is 0 (the reference's `smoothed_entropy` divides by
/// zero there), so the whole reward goes to the workers.
#[test]
fn all_zero_reputer_scores_pay_nothing_without_an_error() {
    let p = Params::chain_defaults();
    let stakes: SortedMap<u32, u128> = [(0, 1000 * TOKEN), (1, 3000 * TOKEN)].into_iter().collect();
    let zero = ids(&["0", "0"]);
    let w = reputer_reward_fractions(&stakes, &zero, f("3")).unwrap();
    assert_eq!(w, zero);
    let out = reward_epoch(
        &ids(&["0.1", "0.2"]),
        &SortedMap::new(),
        Fixed::ZERO,
        &zero,
        &stakes,
        1000 * TOKEN,
        &RewardState::default(),
        &p,
    )
    .unwrap();
    assert!(out.payouts.reputer_payout.amounts.is_empty());
    assert_eq!(out.classes.reputers_entropy, Fixed::ZERO);
    assert_eq!(out.payouts.budgets.reputation, 0);
    let paid: u128 = out.payouts.inferer_payout.amounts.values().sum();
    assert_eq!(paid + out.payouts.dust, 1000 * TOKEN);
    assert!(
        out.payouts.dust <= 1000 * TOKEN / 1_000_000_000_000_000,
        "the workers take the whole reward but truncation dust: {}",
        out.payouts.dust
    );
}

/// The same class of bug elsewhere in §8: ratios of tiny numbers.
/// * Class split with F = 3·10^-18, G = H = 0, χ = 0.5: reference.py
///   `class_reward_split` gives γ = 2 and U/E = 1. Before the fix
///   `(1−χ)F` truncated to 10^-18, γ came out 3, U/E = 1.333… and
///   `class_budgets` refused the shares (`OutOfRange`); with F = G = H = 0
///   the split was `DivisionByZero`.
/// * χ with a largest inferer score of 10^-18 and a task score of 1000:
///   reference.py `forecasting_utility` gives ratio 10^20 + 0.9·ρ̄_prev, χ =
///   0.5. Before the fix `T_i/|max T_j|` overflowed (`Overflow`).
#[test]
fn ratios_of_tiny_numbers_elsewhere_in_the_reward_step() {
    let s = class_reward_split(Fixed::from_raw(3), Fixed::ZERO, Fixed::ZERO, f("0.5")).unwrap();
    assert_eq!((s.gamma, s.inference), (f("2"), Fixed::ONE));
    let b = class_budgets(1000, &s).unwrap();
    assert_eq!((b.inference, b.dust), (1000, 0));
    assert_eq!(
        class_reward_split(Fixed::ZERO, Fixed::ZERO, Fixed::ZERO, f("0.5")).unwrap(),
        Default::default(),
        "no entropy anywhere: nothing shared, no error"
    );

    let top = [(0, Fixed::from_raw(1)), (1, f("-3"))]
        .into_iter()
        .collect();
    let (chi, ratio) = forecasting_utility(f("1000"), &top, f("0.5"), f("0.1")).unwrap();
    assert_eq!(chi, f("0.5"));
    assert!(ratio >= Fixed::ONE);
}
