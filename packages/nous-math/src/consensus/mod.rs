//! Reputer consensus (MATH.md §7.3): adjusted stakes, consensus scores and
//! listening coefficients by bounded finite-difference gradient ascent.

use crate::error::{MathError, MathResult};
use crate::fixed::{lit, Fixed};
use crate::losses::{stake_weights, ReputerLosses, ReputerReport};
use crate::params::{check_count, check_unit, Params};
use crate::sorted_map::{SortedMap, SortedSet};
use crate::stats::{l2_norm_counted, WeightedMean};

mod columns;
mod gram;

use columns::Columns;
use gram::Gram;

/// One entry of a loss bundle (the order of entries does not affect scores).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Entry {
    Combined,
    Naive,
    Inferer(u32),
    Forecaster(u32),
    OneOutInferer(u32),
    OneOutForecaster(u32),
    OneIn(u32),
    /// `(forecaster k, withheld inferer j')`.
    OneOutInfererForecaster(u32, u32),
}

fn entries_of(r: &ReputerLosses) -> Vec<(Entry, Fixed)> {
    let mut v = Vec::new();
    if let Some(x) = r.combined {
        v.push((Entry::Combined, x));
    }
    if let Some(x) = r.naive {
        v.push((Entry::Naive, x));
    }
    v.extend(r.inferer.iter().map(|(j, x)| (Entry::Inferer(*j), *x)));
    v.extend(
        r.forecaster
            .iter()
            .map(|(k, x)| (Entry::Forecaster(*k), *x)),
    );
    v.extend(
        r.one_out_inferer
            .iter()
            .map(|(j, x)| (Entry::OneOutInferer(*j), *x)),
    );
    v.extend(
        r.one_out_forecaster
            .iter()
            .map(|(k, x)| (Entry::OneOutForecaster(*k), *x)),
    );
    v.extend(r.one_in.iter().map(|(k, x)| (Entry::OneIn(*k), *x)));
    v.extend(
        r.one_out_inferer_forecaster
            .iter()
            .map(|((k, j), x)| (Entry::OneOutInfererForecaster(*k, *j), *x)),
    );
    v
}

/// Loss vectors of the reputers (rows in the order given) over the union of
/// all entries; `None` marks an entry the reputer did not report.
pub fn loss_matrix<'a>(
    reports: impl Iterator<Item = &'a ReputerLosses> + Clone,
) -> Vec<Vec<Option<Fixed>>> {
    // Each row comes out of sorted maps in the order of `Entry`'s variants, so it is
    // sorted already (sorted again should that ever change); rows are aligned on the
    // union of the keys by one merge walk each, instead of a map per row.
    let rows: Vec<Vec<(Entry, Fixed)>> = reports
        .map(|r| {
            let mut row = entries_of(r);
            if !row.windows(2).all(|w| w[0].0 < w[1].0) {
                row.sort_by_key(|(e, _)| *e);
                row.dedup_by_key(|(e, _)| *e);
            }
            row
        })
        .collect();
    let same_keys = rows
        .windows(2)
        .all(|w| w[0].iter().map(|(e, _)| e).eq(w[1].iter().map(|(e, _)| e)));
    let keys: Vec<Entry> = match rows.first() {
        Some(first) if same_keys => first.iter().map(|(e, _)| *e).collect(),
        _ => rows
            .iter()
            .flat_map(|r| r.iter().map(|(e, _)| *e))
            .collect::<SortedSet<Entry>>()
            .into_iter()
            .collect(),
    };
    rows.iter()
        .map(|row| {
            let mut values = row.iter().peekable();
            keys.iter()
                .map(|k| match values.peek() {
                    Some((e, v)) if e == k => {
                        let v = *v;
                        values.next();
                        Some(v)
                    }
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// Adjusted stakes (§7.3) of stake fractions `S` at coefficients `a`: the reference's
/// `Ŝ_m = min(1, N·a_m·S_m / Σ a·S)` (`Σ a·S = 0` is an error, §12), or with
/// `cap_then_listen` (improved rules) `Ŝ_m = a_m · min(1, N·S_m / ΣS)`, where the
/// coefficient scales every stake, large ones included.
pub fn adjusted_stakes(
    stakes: &[Fixed],
    coefficients: &[Fixed],
    cap_then_listen: bool,
) -> MathResult<Vec<Fixed>> {
    if stakes.len() != coefficients.len() {
        return Err(MathError::Mismatch(
            "adjusted_stakes: stakes and coefficients differ in length",
        ));
    }
    let n = stakes.len() as i128;
    if cap_then_listen {
        let total = Fixed::sum(stakes.iter().copied())?;
        if total.is_zero() {
            return Err(MathError::DivisionByZero("adjusted stake: no stake"));
        }
        return stakes
            .iter()
            .zip(coefficients)
            .map(|(s, a)| {
                let capped = s.checked_mul_int(n)?.checked_div(total)?.min(Fixed::ONE);
                a.checked_mul(capped)
            })
            .collect();
    }
    let listened = Fixed::sum(
        stakes
            .iter()
            .zip(coefficients)
            .map(|(s, a)| a.checked_mul(*s))
            .collect::<MathResult<Vec<_>>>()?,
    )?;
    if listened.is_zero() {
        return Err(MathError::DivisionByZero(
            "adjusted stake: no listened stake",
        ));
    }
    stakes
        .iter()
        .zip(coefficients)
        .map(|(s, a)| {
            Ok(a.checked_mul(*s)?
                .checked_mul_int(n)?
                .checked_div(listened)?
                .min(Fixed::ONE))
        })
        .collect()
}

/// Consensus scores `T_m = 1/(‖L_m − L̄‖/‖L̄‖ + ε_rep)` and the adjusted
/// stakes used, at the given coefficients. Missing values are replaced by
/// the entry's most distant (furthest below consensus) reported value.
pub fn consensus_scores(
    matrix: &[Vec<Option<Fixed>>],
    stakes: &[Fixed],
    coefficients: &[Fixed],
    params: &Params,
) -> MathResult<(Vec<Fixed>, Vec<Fixed>)> {
    folded_consensus_scores(&Columns::fold(matrix), stakes, coefficients, params)
}

/// [`consensus_scores`] over the matrix's distinct columns, each term counted as often as
/// its column occurs (the same result bit for bit).
fn folded_consensus_scores(
    columns: &Columns,
    stakes: &[Fixed],
    coefficients: &[Fixed],
    params: &Params,
) -> MathResult<(Vec<Fixed>, Vec<Fixed>)> {
    let adj = adjusted_stakes(stakes, coefficients, params.rules.cap_then_listen)?;
    let matrix = &columns.rows;
    if matrix.len() != stakes.len() {
        return Err(MathError::Mismatch(
            "consensus: one loss vector per reputer",
        ));
    }
    let n_entries = columns.len();
    // each value with the number of entries its column stands for
    let norm_of =
        |v: &[Fixed]| l2_norm_counted(v.iter().copied().zip(columns.count.iter().copied()));
    let mut consensus = Vec::with_capacity(n_entries);
    let mut most_distant = Vec::with_capacity(n_entries);
    for e in 0..n_entries {
        let mut weighted = WeightedMean::default();
        let mut plain = WeightedMean::default();
        for (row, a) in matrix.iter().zip(&adj) {
            if let Some(Some(v)) = row.get(e) {
                let weight = u128::try_from(a.raw())
                    .map_err(|_| MathError::InvalidSign("adjusted stake"))?;
                weighted.add(weight, *v)?;
                plain.add(1, *v)?;
            }
        }
        // Every adjusted stake behind the entry below 10^-18 (reputers with a
        // negligible share of the listened stake reported it alone): their
        // weights are lost to the resolution, so they count equally.
        let cons = match (weighted.mean()?, plain.mean()?) {
            (Some(m), _) | (None, Some(m)) => m,
            (None, None) => {
                return Err(MathError::DivisionByZero(
                    "consensus: no reputer reported an entry",
                ))
            }
        };
        let mut far: Option<(Fixed, Fixed)> = None;
        for row in matrix {
            if let Some(Some(v)) = row.get(e) {
                let d = cons.checked_sub(*v)?;
                if !matches!(far, Some((best, _)) if d <= best) {
                    far = Some((d, *v));
                }
            }
        }
        consensus.push(cons);
        most_distant.push(far.map(|(_, v)| v).unwrap_or(cons));
    }
    let mut norm = norm_of(&consensus)?;
    if norm.is_zero() {
        norm = params.epsilon_safe_div;
    }
    let mut scores = Vec::with_capacity(matrix.len());
    for row in matrix {
        let diffs: Vec<Fixed> = (0..n_entries)
            .map(|e| {
                let v = row.get(e).copied().flatten().unwrap_or(most_distant[e]);
                v.checked_sub(consensus[e])
            })
            .collect::<MathResult<_>>()?;
        let dist = norm_of(&diffs)?;
        // a relative distance beyond Fixed::MAX gives a score below 10^-20:
        // 0 at 18 digits, not an error
        let score = match dist.checked_div(norm) {
            Ok(relative) => match relative.checked_add(params.epsilon_reputer) {
                Ok(d) => Fixed::ONE.checked_div(d)?,
                Err(MathError::Overflow) => Fixed::ZERO,
                Err(e) => return Err(e),
            },
            Err(MathError::Overflow) => Fixed::ZERO,
            Err(e) => return Err(e),
        };
        scores.push(score);
    }
    Ok((scores, adj))
}

/// The finite-difference gradient `(1 − Φ(a)/Φ(a + h·e_l)) / h` of §7.3.
/// When every score vanished (`Φ = 0` at 18 digits) the objective is flat:
/// no move (the reference divides by zero). A ratio beyond `Fixed` (scores
/// at the edge of underflow) saturates, and the clamp to [0, 1] follows.
fn gradient(base: Fixed, bumped: Fixed, h: Fixed) -> MathResult<Fixed> {
    if bumped.is_zero() {
        return Ok(Fixed::ZERO);
    }
    let ratio = match base.checked_div(bumped) {
        Err(MathError::Overflow) => Fixed::MAX,
        r => r?,
    };
    let g = Fixed::ONE.checked_sub(ratio)?;
    match g.checked_div(h) {
        Err(MathError::Overflow) if g.is_negative() == h.is_negative() => Ok(Fixed::MAX),
        Err(MathError::Overflow) => Ok(Fixed::from_raw(-Fixed::MAX.raw())),
        r => r,
    }
}

/// Result of §7.3 for one epoch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsensusOutcome {
    /// Reputer scores (at the coefficients of the start of the last iteration).
    pub scores: SortedMap<u32, Fixed>,
    /// Updated listening coefficients (to store for the next epoch).
    pub coefficients: SortedMap<u32, Fixed>,
    /// Adjusted stakes at the coefficients that produced `scores`.
    pub adjusted_stakes: SortedMap<u32, Fixed>,
    pub iterations: u32,
}

/// §7.3: listening coefficients by projected finite-difference ascent on
/// `Φ(a) = Σ S·T(a)`, and the reputer scores. `previous` holds the stored
/// coefficients (1 for a reputer never seen). Reputers below
/// `required_minimum_stake` are ignored. Stakes are used as fractions of
/// their total, after [`stake_weights`] (every formula here is scale
/// invariant, so a stake of any legal size is accepted).
///
/// Deviation from the letter of MATH.md §7.3: when the stored coefficients
/// already sit below `min_stake_fraction`, the spec's interpolation factor
/// `(min − f_old)/(f_new − f_old)` can be negative or above one and push a
/// coefficient outside `[0, 1]`; the interpolated values are clamped to
/// `[0, 1]` (no effect on the vectors, where the factor never leaves [0, 1]).
pub fn listening_coefficients(
    reports: &SortedMap<u32, ReputerReport>,
    previous: &SortedMap<u32, Fixed>,
    params: &Params,
) -> MathResult<ConsensusOutcome> {
    params.validate()?;
    check_count(reports.len(), "number of reputers")?;
    let kept: Vec<(u32, &ReputerReport)> = reports
        .iter()
        .filter(|(_, r)| r.stake >= params.required_minimum_stake)
        .map(|(m, r)| (*m, r))
        .collect();
    if kept.is_empty() {
        return Err(MathError::EmptyInput("reputer consensus: no reputer"));
    }
    for (_, r) in &kept {
        r.losses.validate()?;
    }
    let raw_stakes: Vec<u128> = kept.iter().map(|(_, r)| r.stake).collect();
    let (weights, total) = stake_weights(&raw_stakes);
    if total == 0 {
        return Err(MathError::DivisionByZero(
            "reputer consensus: zero total stake",
        ));
    }
    let ids: Vec<u32> = kept.iter().map(|(m, _)| *m).collect();
    let stakes: Vec<Fixed> = weights
        .iter()
        .map(|w| Fixed::from_ratio_u128(*w, total))
        .collect::<MathResult<_>>()?;
    let matrix = loss_matrix(kept.iter().map(|(_, r)| &r.losses));
    let mut coeffs: Vec<Fixed> = ids
        .iter()
        .map(|m| {
            check_unit(
                previous.get(m).copied().unwrap_or(Fixed::ONE),
                "listening coefficient",
            )
        })
        .collect::<MathResult<_>>()?;
    let n = ids.len();
    let phi = |scores: &[Fixed]| -> MathResult<Fixed> {
        Fixed::sum(
            scores
                .iter()
                .zip(&stakes)
                .map(|(t, s)| t.checked_mul(*s))
                .collect::<MathResult<Vec<_>>>()?,
        )
    };
    let weighted_fraction = |a: &[Fixed]| -> MathResult<Fixed> {
        Fixed::sum(
            a.iter()
                .zip(&stakes)
                .map(|(x, s)| x.checked_mul(*s))
                .collect::<MathResult<Vec<_>>>()?,
        )
    };
    // Φ at given coefficients: by the Gram form when the matrix allows it (the search's
    // R + 1 passes an iteration then cost O(R²) each), else by the per-entry pass.
    let columns = Columns::fold(&matrix);
    let gram = Gram::of(&columns);
    let objective = |a: &[Fixed]| -> MathResult<Fixed> {
        if let Some(gram) = &gram {
            if let Some(scores) = gram.scores(
                &adjusted_stakes(&stakes, a, params.rules.cap_then_listen)?,
                params,
            ) {
                return phi(&scores?);
            }
        }
        phi(&folded_consensus_scores(&columns, &stakes, a, params)?.0)
    };
    let h_up = lit("0.001");
    // the scores are reported at the coefficients of the start of the last iteration
    let mut scored_at = coeffs.clone();
    let mut it: u32 = 0;
    let mut max_step = Fixed::ONE;
    while max_step >= params.max_gradient_threshold && it < params.gradient_descent_max_iters {
        let old = coeffs.clone();
        scored_at.clone_from(&coeffs);
        let base = objective(&coeffs)?;
        let mut proposal = Vec::with_capacity(n);
        for l in 0..n {
            let h = if coeffs[l] == Fixed::ONE {
                h_up.checked_neg()?
            } else {
                h_up
            };
            let mut bumped = coeffs.clone();
            bumped[l] = bumped[l].checked_add(h)?;
            let g = gradient(base, objective(&bumped)?, h)?;
            // a step beyond Fixed lands on a bound of [0, 1] like any step past it
            let moved = params
                .learning_rate
                .checked_mul(g)
                .and_then(|d| coeffs[l].checked_add(d))
                .unwrap_or(if g.is_negative() {
                    Fixed::ZERO
                } else {
                    Fixed::ONE
                });
            proposal.push(moved.clamp_to(Fixed::ZERO, Fixed::ONE));
        }
        let f_old = weighted_fraction(&old)?;
        let f_new = weighted_fraction(&proposal)?;
        if f_new < params.min_stake_fraction {
            if f_new == f_old {
                it = params.gradient_descent_max_iters;
            } else {
                let k = params
                    .min_stake_fraction
                    .checked_sub(f_old)?
                    .checked_div(f_new.checked_sub(f_old)?)?;
                coeffs = old
                    .iter()
                    .zip(&proposal)
                    .map(|(o, p)| {
                        Ok(o.checked_add(p.checked_sub(*o)?.checked_mul(k)?)?
                            .clamp_to(Fixed::ZERO, Fixed::ONE))
                    })
                    .collect::<MathResult<_>>()?;
            }
        } else {
            coeffs = proposal;
        }
        let mut step = Fixed::ZERO;
        for (a, o) in coeffs.iter().zip(&old) {
            step = step.max(a.checked_sub(*o)?.checked_abs()?);
        }
        max_step = step.checked_div(params.learning_rate)?;
        it += 1;
    }
    let (scores, adj) = folded_consensus_scores(&columns, &stakes, &scored_at, params)?;
    let zip = |v: &[Fixed]| {
        ids.iter()
            .copied()
            .zip(v.iter().copied())
            .collect::<SortedMap<u32, Fixed>>()
    };
    Ok(ConsensusOutcome {
        scores: zip(&scores),
        coefficients: zip(&coeffs),
        adjusted_stakes: zip(&adj),
        iterations: it,
    })
}

#[cfg(test)]
mod tests {
    use super::gram::{narrow, scaled_ratio};
    use super::*;
    use crate::wide::U256;
    use bnum::types::U512;

    fn fx(raw: i128) -> Fixed {
        Fixed::from_raw(raw)
    }

    /// A complete matrix of `n` reputers over `e` entries, deterministic, with signs mixed.
    fn matrix(n: usize, e: usize) -> Vec<Vec<Option<Fixed>>> {
        (0..n)
            .map(|r| {
                (0..e)
                    .map(|k| {
                        let x = ((r * 7919 + k * 104_729) % 1_000_003) as i128;
                        Some(fx((x - 400_000) * 1_000_000_000_000 + r as i128 * 37))
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_gram_form_matches_the_per_entry_pass() {
        let params = Params::chain_defaults();
        for (n, e) in [(1, 3), (2, 1), (6, 40), (24, 200)] {
            let m = matrix(n, e);
            let stakes: Vec<Fixed> = (0..n).map(|i| fx(1_000_000 + i as i128 * 999)).collect();
            let coeffs: Vec<Fixed> = (0..n)
                .map(|i| fx(1_000_000_000_000_000_000 - i as i128 * 31_000_000_000_000_000))
                .collect();
            let (expected, adj) = consensus_scores(&m, &stakes, &coeffs, &params).unwrap();
            let gram = Gram::of(&Columns::fold(&m)).unwrap();
            let got = gram.scores(&adj, &params).unwrap().unwrap();
            for (a, b) in got.iter().zip(&expected) {
                // the per-entry pass truncates the consensus of each entry and the two
                // roots: the relative distance is off by ~10^-17, the score by that × T²
                let d = a.raw().abs_diff(b.raw());
                let t = a.raw().unsigned_abs() / 100_000_000_000_000_000;
                assert!(d <= t * t + 1_000, "{n}x{e}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn the_loss_matrix_aligns_rows_on_the_union_of_entries() {
        let mut a = ReputerLosses {
            combined: Some(fx(1)),
            ..ReputerLosses::default()
        };
        a.inferer.insert(2, fx(2));
        a.one_out_inferer_forecaster.insert((1, 2), fx(3));
        let mut b = ReputerLosses {
            naive: Some(fx(4)),
            ..ReputerLosses::default()
        };
        b.inferer.insert(2, fx(5));
        b.inferer.insert(7, fx(6));
        // union: Combined, Naive, Inferer(2), Inferer(7), OneOutInfererForecaster(1, 2)
        assert_eq!(
            loss_matrix([&a, &b].into_iter()),
            vec![
                vec![Some(fx(1)), None, Some(fx(2)), None, Some(fx(3))],
                vec![None, Some(fx(4)), Some(fx(5)), Some(fx(6)), None],
            ]
        );
        // the same keys everywhere: the rows as they are
        assert_eq!(
            loss_matrix([&b, &b].into_iter()),
            vec![vec![Some(fx(4)), Some(fx(5)), Some(fx(6))]; 2]
        );
        assert!(loss_matrix(std::iter::empty()).is_empty());
    }

    #[test]
    fn scaled_ratios_are_exact_floors() {
        let r = |n: u128, q: u128| scaled_ratio(U512::from(n), U512::from(q)).map(narrow);
        // 7/3 at 36 digits: 2.333…3 (floor)
        let third = 2 * 10u128.pow(36) + (10u128.pow(36) - 1) / 3;
        assert_eq!(r(7, 3), Some(Some(U256::from_u128(third))));
        assert_eq!(r(0, 5), Some(Some(U256::ZERO)));
        // u128::MAX · 10^36 / 1 needs 248 bits: still a U256
        let big = narrow(scaled_ratio(U512::from(u128::MAX), U512::from(1u8)).unwrap()).unwrap();
        assert_eq!(big, U256::mul(u128::MAX, 10u128.pow(36)));
        assert_eq!(r(1, 0), None);
        // either side of the one-division path's bound (num below 2^392): the exact floor,
        // checked in 1024 bits
        use bnum::types::U1024;
        let wide = |x: U512| {
            U1024::from_digits(core::array::from_fn(|i| {
                x.digits().get(i).copied().unwrap_or(0)
            }))
        };
        let e36 = U1024::from(10u128.pow(36));
        for bits in [300u32, 391, 392, 393, 420] {
            for q in [U512::from(3u8), U512::from(u128::MAX - 12) << 150u32] {
                let num = (U512::ONE << bits) - U512::from(977u16);
                let (n36, q1024) = (wide(num) * e36, wide(q));
                match scaled_ratio(num, q) {
                    Some(f) => {
                        let f = wide(f);
                        assert!(
                            f * q1024 <= n36 && n36 < (f + U1024::ONE) * q1024,
                            "2^{bits}"
                        );
                    }
                    // only a quotient past 512 bits is refused
                    None => assert!((n36 / q1024).bits() > 512, "2^{bits}"),
                }
            }
        }
    }

    #[test]
    fn the_gram_form_stands_aside_where_it_does_not_apply() {
        let params = Params::chain_defaults();
        // a missing entry: its consensus weighs its reporters only
        let mut m = matrix(3, 4);
        m[1][2] = None;
        assert!(Gram::of(&Columns::fold(&m)).is_none());
        // every weight zero, or a zero consensus: the per-entry pass decides
        let gram = Gram::of(&Columns::fold(&matrix(3, 4))).unwrap();
        assert!(gram.scores(&[Fixed::ZERO; 3], &params).is_none());
        let zero = Gram::of(&Columns::fold(&vec![vec![Some(Fixed::ZERO); 4]; 3])).unwrap();
        assert!(zero.scores(&[Fixed::ONE; 3], &params).is_none());
        // a length mismatch
        assert!(gram.scores(&[Fixed::ONE; 2], &params).is_none());
    }
}
