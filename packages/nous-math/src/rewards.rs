//! Reward fractions, smoothing, modified entropy, forecasting utility, the
//! class split and integer payouts (MATH.md §8).

use crate::error::{MathError, MathResult};
use crate::fixed::Fixed;
use crate::logspace::{power_fractions, Ln};
use crate::params::check_count;
use crate::sorted_map::SortedMap;
use crate::stats::{ema, sample_stdev};
use crate::wide::U256;

/// Entropy of a class with a single actor (§8.4): 0.173286795139986.
pub const SINGLE_ACTOR_ENTROPY: Fixed = Fixed::from_raw(173_286_795_139_986_000);
/// χ at or below a smoothed ratio of 0, and its slope and top (§8.5).
const UTILITY_FLOOR: Fixed = Fixed::from_raw(100_000_000_000_000_000);
const UTILITY_SLOPE: Fixed = Fixed::from_raw(400_000_000_000_000_000);
const UTILITY_TOP: Fixed = Fixed::from_raw(500_000_000_000_000_000);

/// Entropy of a class with a single actor (§8.4): [`SINGLE_ACTOR_ENTROPY`].
pub fn single_actor_entropy() -> Fixed {
    SINGLE_ACTOR_ENTROPY
}

/// §8.1: the score sample — the most recent `max_samples` instant scores of a
/// class, newest epoch first, in stored order (ascending id) within an epoch.
pub fn score_sample(history_newest_first: &[Vec<Fixed>], max_samples: usize) -> Vec<Fixed> {
    history_newest_first
        .iter()
        .flat_map(|e| e.iter().copied())
        .take(max_samples)
        .collect()
}

/// §8.1: worker reward fractions `u_x = M_x / Σ M`, `M_x = φ_p(T_x/(σ+ε))`
/// with `σ = |σ(sample)|`; all equal if `σ < ε`.
///
/// The ratio is taken in log space ([`crate::logspace`]): `M_x` of a class
/// whose scores are negative and tightly clustered is far below 10^-18
/// (`φ_p(−45) ≈ 3·10^-20`), and only `M_x / M_max` is needed, which keeps its
/// digits at any scale.
pub fn worker_reward_fractions(
    scores: &SortedMap<u32, Fixed>,
    sample: &[Fixed],
    p: Fixed,
    c: Fixed,
    epsilon: Fixed,
) -> MathResult<SortedMap<u32, Fixed>> {
    reward_fractions(scores, sample, p, c, epsilon, false)
}

/// §8.1 under the improved rules ([`crate::Rules::zero_floor_rewards`]):
/// `M_x = max(0, φ_p(T_x/(σ+ε)) − φ_p(0))`, so a score of zero or less earns nothing and
/// the map stays continuous at zero. With `σ < ε` the positive scores share equally. A
/// class without a positive score gets zero fractions (it pays nothing, as a reputer class
/// of zero terms does).
pub fn floored_worker_reward_fractions(
    scores: &SortedMap<u32, Fixed>,
    sample: &[Fixed],
    p: Fixed,
    c: Fixed,
    epsilon: Fixed,
) -> MathResult<SortedMap<u32, Fixed>> {
    reward_fractions(scores, sample, p, c, epsilon, true)
}

fn reward_fractions(
    scores: &SortedMap<u32, Fixed>,
    sample: &[Fixed],
    p: Fixed,
    c: Fixed,
    epsilon: Fixed,
    zero_floor: bool,
) -> MathResult<SortedMap<u32, Fixed>> {
    check_count(scores.len(), "number of scored workers")?;
    if scores.is_empty() {
        return Ok(SortedMap::new());
    }
    let sigma = if sample.len() > 1 {
        sample_stdev(sample)?.checked_abs()?
    } else {
        Fixed::ZERO
    };
    let earns = |t: &Fixed| !zero_floor || t.is_positive();
    if sigma < epsilon {
        let ones: SortedMap<u32, Fixed> = scores
            .iter()
            .map(|(x, t)| (*x, if earns(t) { Fixed::ONE } else { Fixed::ZERO }))
            .collect();
        if ones.values().all(|v| v.is_zero()) {
            return Ok(ones);
        }
        return normalise(&ones);
    }
    let d = sigma.checked_add(epsilon)?;
    // φ_p at a score of zero: what the floored map subtracts (the reference never needs it)
    let at_zero = if zero_floor {
        Some(p.checked_mul(c)?.checked_neg()?.softplus()?)
    } else {
        None
    };
    let mapped = scores
        .iter()
        .map(|(x, t)| {
            if !earns(t) {
                return Ok((*x, None));
            }
            // the argument of the potential φ_p(t/d) = softplus(p·(t/d − c))
            let y = p.checked_mul(t.checked_div(d)?.checked_sub(c)?)?;
            let term = match at_zero {
                Some(zero) => Ln::of_fixed(y.softplus()?.checked_sub(zero)?)?,
                None => Some(Ln::of_softplus(y)?),
            };
            Ok((*x, term))
        })
        .collect::<MathResult<SortedMap<u32, Option<Ln>>>>()?;
    power_fractions(&mapped, Fixed::ONE)
}

fn normalise(m: &SortedMap<u32, Fixed>) -> MathResult<SortedMap<u32, Fixed>> {
    let total = Fixed::sum(m.values().copied())?;
    if total.is_zero() {
        return Err(MathError::DivisionByZero("reward fractions: zero total"));
    }
    m.iter()
        .map(|(x, v)| Ok((*x, v.checked_div(total)?)))
        .collect()
}

/// §8.2: `w_m = (S_m T_m)^p / Σ (S T)^p`, zero terms staying 0.
///
/// Computed in log space from the stakes in base units
/// ([`crate::logspace`]), so no stake of any legal size overflows and no
/// product underflows: two reputers with equal stake and scores of 10^-7
/// have terms of 10^-22 (for `p = 3`) and still get 1/2 each. A class whose
/// terms are all zero (zero scores or stakes) gets zero fractions — it pays
/// nothing — as in the reference.
pub fn reputer_reward_fractions(
    stakes: &SortedMap<u32, u128>,
    scores: &SortedMap<u32, Fixed>,
    p: Fixed,
) -> MathResult<SortedMap<u32, Fixed>> {
    check_count(scores.len(), "number of reputers")?;
    let mut terms = SortedMap::new();
    for (m, t) in scores {
        let s = stakes
            .get(m)
            .ok_or(MathError::Mismatch("reputer score without a stake"))?;
        if t.is_negative() {
            return Err(MathError::InvalidSign("reputer score"));
        }
        let term = match (Ln::of_amount(*s)?, Ln::of_fixed(*t)?) {
            (Some(ls), Some(lt)) => Some(ls.times(lt)?),
            _ => None,
        };
        terms.insert(*m, term);
    }
    power_fractions(&terms, p)
}

/// Result of §8.3–8.4 for one class.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntropyOutcome {
    /// `H` of the class.
    pub entropy: Fixed,
    /// `ū`: renormalised smoothed fractions (store for the next epoch).
    pub smoothed: SortedMap<u32, Fixed>,
    /// `N_eff = 1/Σ ũ²`.
    pub effective_number: Fixed,
}

/// §8.3–8.4: smooth the fractions (`EMA_α` with the stored smoothed value,
/// no prior → the fraction), renormalise, and the modified entropy
/// `−Σ ū ln ū · (N_eff/N)^β` (fixed constant for a single actor).
///
/// A class that paid nothing and has no smoothed history left (every
/// smoothed value below 10^-9, so `Σ ũ²` is 0 at 18 digits) has entropy 0
/// and keeps its EMA values unnormalised: it takes no share of the topic
/// reward instead of failing the reward step (the reference divides by zero).
pub fn smoothed_entropy(
    fractions: &SortedMap<u32, Fixed>,
    previous_smoothed: &SortedMap<u32, Fixed>,
    alpha: Fixed,
    beta: Fixed,
) -> MathResult<EntropyOutcome> {
    check_count(fractions.len(), "number of actors")?;
    if fractions.is_empty() {
        return Err(MathError::EmptyInput("entropy"));
    }
    let mut emas = SortedMap::new();
    for (x, u) in fractions {
        if u.is_negative() || *u > Fixed::ONE {
            return Err(MathError::OutOfRange("reward fraction"));
        }
        emas.insert(*x, ema(alpha, *u, previous_smoothed.get(x).copied())?);
    }
    let sq = Fixed::sum(
        emas.values()
            .map(|e| e.checked_mul(*e))
            .collect::<MathResult<Vec<_>>>()?,
    )?;
    if sq.is_zero() {
        return Ok(EntropyOutcome {
            entropy: Fixed::ZERO,
            smoothed: emas,
            effective_number: Fixed::ZERO,
        });
    }
    let effective_number = Fixed::ONE.checked_div(sq)?;
    let smoothed = normalise(&emas)?;
    let n = fractions.len();
    let entropy = if n > 1 {
        let mut s = Fixed::ZERO;
        for f in smoothed.values() {
            if f.is_positive() {
                s = s.checked_add(f.checked_mul(f.ln()?)?)?;
            }
        }
        let ratio = effective_number.checked_div_int(n as i128)?;
        s.checked_neg()?.checked_mul(ratio.pow(beta)?)?
    } else {
        single_actor_entropy()
    };
    Ok(EntropyOutcome {
        entropy,
        smoothed,
        effective_number,
    })
}

/// §8.5: `χ` for a smoothed ratio `ρ̄`.
pub fn utility_from_ratio(ratio: Fixed) -> MathResult<Fixed> {
    if ratio.is_negative() {
        Ok(UTILITY_FLOOR)
    } else if ratio >= Fixed::ONE {
        Ok(UTILITY_TOP)
    } else {
        UTILITY_SLOPE.checked_mul(ratio)?.checked_add(UTILITY_FLOOR)
    }
}

/// §8.5: forecasting utility `χ` and the new smoothed ratio `ρ̄` (to store).
/// The raw ratio `T_i / |max T_j|` saturates at ±`Fixed::MAX` when the
/// largest inferer score is tiny next to the task score (the smoothed ratio
/// is a convex combination, so it stays in range; only its side of [0, 1]
/// matters for `χ`).
pub fn forecasting_utility(
    task_score: Fixed,
    inferer_scores: &SortedMap<u32, Fixed>,
    previous_ratio: Fixed,
    alpha: Fixed,
) -> MathResult<(Fixed, Fixed)> {
    let top = inferer_scores
        .values()
        .copied()
        .fold(Fixed::ZERO, Fixed::max);
    let mut denom = top.checked_abs()?;
    if top.is_zero() {
        if task_score.is_zero() {
            return Ok((UTILITY_TOP, Fixed::ZERO));
        }
        denom = task_score.checked_abs()?;
    }
    let num = task_score.checked_sub(Fixed::ZERO.min(top))?;
    let raw = match num.checked_div(denom) {
        Err(MathError::Overflow) if num.is_negative() => Fixed::from_raw(-Fixed::MAX.raw()),
        Err(MathError::Overflow) => Fixed::MAX,
        r => r?,
    };
    let ratio = alpha
        .checked_mul(raw)?
        .checked_add(Fixed::ONE.checked_sub(alpha)?.checked_mul(previous_ratio)?)?;
    Ok((utility_from_ratio(ratio)?, ratio))
}

/// §8.6: class shares of the topic reward (fractions of `E_i`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClassSplit {
    pub gamma: Fixed,
    /// `U/E`.
    pub inference: Fixed,
    /// `V/E`.
    pub forecasting: Fixed,
    /// `W/E`.
    pub reputation: Fixed,
}

/// §8.6: `γ = (F+G)/((1−χ)F + χG)`, `U/E = (1−χ)γF/(F+G+H)`,
/// `V/E = χγG/(F+G+H)`, `W/E = H/(F+G+H)`.
///
/// The shares depend only on the ratios of F, G and H, so tiny entropies are
/// first scaled up by a power of two (exactly) until the largest is at least
/// 1/2 (they keep their digits). The shares are computed as `W = H/Σ` and
/// workers `(F+G)/Σ`, split between `U` and `V` in proportion
/// `(1−χ)F : χG` — the same numbers, arranged so that the truncated shares
/// never sum above one. With every entropy zero nothing is shared (all zero:
/// the topic reward is carried as dust); with `(1−χ)F + χG = 0` the workers'
/// part is not shared (γ = 0).
pub fn class_reward_split(f: Fixed, g: Fixed, h: Fixed, chi: Fixed) -> MathResult<ClassSplit> {
    if f.is_negative() || g.is_negative() || h.is_negative() {
        return Err(MathError::InvalidSign("class entropy"));
    }
    if chi.is_negative() || chi > Fixed::ONE {
        return Err(MathError::OutOfRange("forecasting utility"));
    }
    let largest = f.max(g).max(h);
    if largest.is_zero() {
        return Ok(ClassSplit::default());
    }
    // doubling is exact: bring the largest entropy to at least 1/2
    let mut factor: i128 = 1;
    while largest.checked_mul_int(factor)? < Fixed::from_ratio(1, 2)? {
        factor *= 2;
    }
    let (f, g, h) = (
        f.checked_mul_int(factor)?,
        g.checked_mul_int(factor)?,
        h.checked_mul_int(factor)?,
    );
    let inference_weight = Fixed::ONE.checked_sub(chi)?.checked_mul(f)?;
    let forecasting_weight = chi.checked_mul(g)?;
    let den = inference_weight.checked_add(forecasting_weight)?;
    let total = f.checked_add(g)?.checked_add(h)?;
    let workers = f.checked_add(g)?.checked_div(total)?;
    if den.is_zero() {
        return Ok(ClassSplit {
            reputation: h.checked_div(total)?,
            ..ClassSplit::default()
        });
    }
    Ok(ClassSplit {
        gamma: f.checked_add(g)?.checked_div(den)?,
        inference: workers.checked_mul(inference_weight)?.checked_div(den)?,
        forecasting: workers.checked_mul(forecasting_weight)?.checked_div(den)?,
        reputation: h.checked_div(total)?,
    })
}

/// Integer payout of a budget by fractions (§8.7).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Payout {
    /// Base units per actor (zero amounts omitted).
    pub amounts: SortedMap<u32, u128>,
    /// `budget − Σ amounts`: returned to the caller, never dropped.
    pub dust: u128,
}

/// §8.7: pay `trunc(budget · f_x)` to each actor. Negative fractions are
/// refused; fractions summing above `1 + 10^-12` are refused; if rounding of
/// fractions that sum to about one would overspend, the excess units are
/// taken from the largest amounts (ties: lowest id first), so
/// `Σ amounts ≤ budget` always holds.
pub fn payout(budget: u128, fractions: &SortedMap<u32, Fixed>) -> MathResult<Payout> {
    check_count(fractions.len(), "number of payees")?;
    let sum = Fixed::sum(fractions.values().copied())?;
    if sum > Fixed::ONE.checked_add(Fixed::from_raw(1_000_000))? {
        return Err(MathError::OutOfRange("reward fractions sum above one"));
    }
    let mut amounts = SortedMap::new();
    let mut paid: u128 = 0;
    for (x, f) in fractions {
        if f.is_negative() {
            return Err(MathError::InvalidSign("reward fraction"));
        }
        let a = f.mul_floor_u128(budget)?;
        if a > 0 {
            amounts.insert(*x, a);
            paid = paid.checked_add(a).ok_or(MathError::Overflow)?;
        }
    }
    while paid > budget {
        let excess = paid - budget;
        let (id, amt) = match amounts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        {
            Some((i, a)) => (*i, *a),
            None => break,
        };
        let cut = excess.min(amt);
        let left = amt - cut;
        if left == 0 {
            amounts.remove(&id);
        } else {
            amounts.insert(id, left);
        }
        paid -= cut;
    }
    Ok(Payout {
        amounts,
        dust: budget - paid,
    })
}

/// Class budgets in base units: `trunc(E · share)` per class, and the dust.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClassBudgets {
    pub inference: u128,
    pub forecasting: u128,
    pub reputation: u128,
    pub dust: u128,
}

/// §8.6 in integers: split the topic reward `E_i` (base units) by the shares.
pub fn class_budgets(topic_reward: u128, split: &ClassSplit) -> MathResult<ClassBudgets> {
    let i = split.inference.mul_floor_u128(topic_reward)?;
    let f = split.forecasting.mul_floor_u128(topic_reward)?;
    let r = split.reputation.mul_floor_u128(topic_reward)?;
    let total = i
        .checked_add(f)
        .and_then(|s| s.checked_add(r))
        .ok_or(MathError::Overflow)?;
    if total > topic_reward {
        return Err(MathError::OutOfRange("class shares sum above one"));
    }
    Ok(ClassBudgets {
        inference: i,
        forecasting: f,
        reputation: r,
        dust: topic_reward - total,
    })
}

/// §8.7: split a reputer's reward: delegators get
/// `trunc(reward · delegated / total)`, the reputer the rest.
/// Returns `(delegators, reputer)`.
pub fn delegator_split(
    reward: u128,
    delegated: u128,
    total_stake: u128,
) -> MathResult<(u128, u128)> {
    if delegated > total_stake {
        return Err(MathError::OutOfRange("delegated stake above total stake"));
    }
    if total_stake == 0 {
        return Ok((0, reward));
    }
    let q = U256::mul(reward, delegated)
        .div_u128(total_stake)
        .ok_or(MathError::Overflow)?;
    let d = q.to_u128().ok_or(MathError::Overflow)?;
    Ok((d, reward - d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::lit;

    #[test]
    fn constants_equal_their_text() {
        assert_eq!(SINGLE_ACTOR_ENTROPY, lit("0.173286795139986"));
        assert_eq!(UTILITY_FLOOR, lit("0.1"));
        assert_eq!(UTILITY_SLOPE, lit("0.4"));
        assert_eq!(UTILITY_TOP, lit("0.5"));
    }

    #[test]
    fn payout_never_overspends() {
        let third = Fixed::from_ratio(1, 3).unwrap();
        let fr: SortedMap<u32, Fixed> = [(1, third), (2, third), (3, third)].into_iter().collect();
        let p = payout(100, &fr).unwrap();
        assert_eq!(p.amounts.values().sum::<u128>() + p.dust, 100);
        assert_eq!(p.dust, 1);
        let over: SortedMap<u32, Fixed> = [
            (1, Fixed::from_raw(500_000_000_000_000_001)),
            (2, Fixed::from_raw(500_000_000_000_000_001)),
        ]
        .into_iter()
        .collect();
        let p = payout(10u128.pow(30), &over).unwrap();
        assert!(p.amounts.values().sum::<u128>() <= 10u128.pow(30));
        assert_eq!(delegator_split(100, 1, 3).unwrap(), (33, 67));
    }

    #[test]
    fn utility_branches() {
        let s: SortedMap<u32, Fixed> = SortedMap::new();
        assert_eq!(
            forecasting_utility(Fixed::ZERO, &s, Fixed::ONE, lit("0.1")).unwrap(),
            (lit("0.5"), Fixed::ZERO)
        );
        assert_eq!(utility_from_ratio(lit("-0.5")).unwrap(), lit("0.1"));
        assert_eq!(utility_from_ratio(lit("0.5")).unwrap(), lit("0.3"));
        assert_eq!(utility_from_ratio(lit("2")).unwrap(), lit("0.5"));
    }
}
