//! Regret-informed weights (MATH.md §3): normalisation (§3.1), the
//! regret→weight map (§3.2) and the weighted combination (§3.3).

use crate::error::{MathError, MathResult};
use crate::fixed::Fixed;
use crate::sorted_map::SortedMap;
use crate::stats::{gradient, sample_stdev};

/// 6.75: the clip above `c` (in units of `1/p`) of §3.2.
pub const CLIP_ABOVE: Fixed = Fixed::from_raw(6_750_000_000_000_000_000);
/// 8.25: the shift anchor below `c` (in units of `1/p`) of §3.2.
pub const SHIFT_ANCHOR_BELOW: Fixed = Fixed::from_raw(8_250_000_000_000_000_000);
/// 17.25: the zero cut below `c` (in units of `1/p`) of §3.2.
pub const ZERO_CUT_BELOW: Fixed = Fixed::from_raw(17_250_000_000_000_000_000);

/// Weights per inferer and per forecaster (ids ascending).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegretWeights {
    pub inferers: SortedMap<u32, Fixed>,
    /// Empty when no listed forecaster has a regret (§3.2).
    pub forecasters: SortedMap<u32, Fixed>,
}

/// The thresholds of the §3.2 map for one `(p, c)`: computed once per pool
/// rather than once per weight.
#[derive(Clone, Copy, Debug)]
struct WeightMap {
    p: Fixed,
    c: Fixed,
    /// `c + 6.75/p`
    hi: Fixed,
    /// `c − 8.25/p`
    anchor: Fixed,
    /// `c − 17.25/p`
    cut: Fixed,
}

impl WeightMap {
    fn new(p: Fixed, c: Fixed) -> MathResult<WeightMap> {
        Ok(WeightMap {
            p,
            c,
            hi: c.checked_add(CLIP_ABOVE.checked_div(p)?)?,
            anchor: c.checked_sub(SHIFT_ANCHOR_BELOW.checked_div(p)?)?,
            cut: c.checked_sub(ZERO_CUT_BELOW.checked_div(p)?)?,
        })
    }

    fn weight(&self, r: Fixed, r_max: Fixed) -> MathResult<Fixed> {
        let mut r = r.min(self.hi);
        if r_max < self.anchor {
            r = r.checked_sub(r_max)?.checked_add(self.anchor)?;
        }
        if r < self.cut {
            return Ok(Fixed::ZERO);
        }
        gradient(self.p, self.c, r)
    }
}

/// §3.2: weight of one normalised regret `r` given the unclipped maximum
/// `r_max` of its pool: clip from above at `c + 6.75/p`, shift the set when
/// `r_max < c − 8.25/p`, zero below `c − 17.25/p`, else `φ'_p(r)`.
pub fn regret_to_weight(r: Fixed, r_max: Fixed, p: Fixed, c: Fixed) -> MathResult<Fixed> {
    WeightMap::new(p, c)?.weight(r, r_max)
}

/// §3.1–3.2: weights of the listed inferers and forecasters from their
/// regret maps (either may lack entries). σ is pooled over both lists; a
/// listed actor without a regret gets normalised regret 0. Forecaster weights
/// are produced only if at least one listed forecaster has a regret.
pub fn regret_weights(
    inferers: &[u32],
    inferer_regret: &SortedMap<u32, Fixed>,
    forecasters: &[u32],
    forecaster_regret: &SortedMap<u32, Fixed>,
    epsilon: Fixed,
    p: Fixed,
    c: Fixed,
) -> MathResult<RegretWeights> {
    let r_inf: Vec<(u32, Fixed)> = inferers
        .iter()
        .filter_map(|j| inferer_regret.get(j).map(|r| (*j, *r)))
        .collect();
    let r_fc: Vec<(u32, Fixed)> = forecasters
        .iter()
        .filter_map(|k| forecaster_regret.get(k).map(|r| (*k, *r)))
        .collect();
    let pool: Vec<Fixed> = r_inf.iter().chain(r_fc.iter()).map(|(_, r)| *r).collect();
    if pool.is_empty() {
        return Err(MathError::EmptyInput(
            "regret weights (no regrets in the pool)",
        ));
    }
    let scale = sample_stdev(&pool)?.checked_abs()?.checked_add(epsilon)?;
    if !scale.is_positive() {
        return Err(MathError::DivisionByZero("regret normalisation"));
    }
    let norm_i: SortedMap<u32, Fixed> = r_inf
        .iter()
        .map(|(j, r)| Ok((*j, r.checked_div(scale)?)))
        .collect::<MathResult<_>>()?;
    let norm_f: SortedMap<u32, Fixed> = r_fc
        .iter()
        .map(|(k, r)| Ok((*k, r.checked_div(scale)?)))
        .collect::<MathResult<_>>()?;
    let r_max = norm_i
        .values()
        .chain(norm_f.values())
        .copied()
        .max()
        .unwrap_or(Fixed::ZERO);
    let map = WeightMap::new(p, c)?;
    let mut out = RegretWeights::default();
    for j in inferers {
        let r = norm_i.get(j).copied().unwrap_or(Fixed::ZERO);
        out.inferers.insert(*j, map.weight(r, r_max)?);
    }
    if !r_fc.is_empty() {
        for k in forecasters {
            let r = norm_f.get(k).copied().unwrap_or(Fixed::ZERO);
            out.forecasters.insert(*k, map.weight(r, r_max)?);
        }
    }
    Ok(out)
}

/// §3.3: `Σ w·v / max(Σ w, ε_safe)` over `(weight, value)` pairs, skipping
/// zero weights.
pub fn combine(pairs: &[(Fixed, Fixed)], epsilon_safe_div: Fixed) -> MathResult<Fixed> {
    let mut num = Fixed::ZERO;
    let mut den = Fixed::ZERO;
    for (w, v) in pairs {
        if w.is_zero() {
            continue;
        }
        num = num.checked_add(w.checked_mul(*v)?)?;
        den = den.checked_add(*w)?;
    }
    if den < epsilon_safe_div {
        den = epsilon_safe_div;
    }
    num.checked_div(den)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Fixed {
        s.parse().unwrap()
    }

    /// Worked values of MATH.md §3.2 (p = 3, c = 0.75).
    #[test]
    fn worked_values_of_section_3_2() {
        let (p, c) = (f("3"), f("0.75"));
        let cases = [
            ("0", "0", "0.28604839469732846"),
            ("1", "1", "2.037536097526179"),
            ("-0.25", "0", "0.14227761953270035"),
            ("-1.32345", "0.1238729", "0.00595380787049663"),
            ("-24.5", "-24.5", "0.0007835709572871582"),
            ("-15", "-14", "0.0000390213853994281"),
        ];
        for (r, m, w) in cases {
            let got = regret_to_weight(f(r), f(m), p, c).unwrap();
            let want = f(w);
            let rel = (got.raw() - want.raw()).abs() as f64 / want.raw() as f64;
            assert!(rel < 1e-14, "({r},{m}) -> {got}, want {want}");
        }
        assert_eq!(
            regret_to_weight(f("-5.5"), f("0"), p, c).unwrap(),
            Fixed::ZERO
        );
    }

    #[test]
    fn constants_equal_their_text() {
        assert_eq!(CLIP_ABOVE, f("6.75"));
        assert_eq!(SHIFT_ANCHOR_BELOW, f("8.25"));
        assert_eq!(ZERO_CUT_BELOW, f("17.25"));
    }

    #[test]
    fn combine_floors_the_denominator() {
        let eps = f("0.0000001");
        assert_eq!(
            combine(&[(f("0.00000001"), f("2"))], eps).unwrap(),
            f("0.2")
        );
        assert_eq!(
            combine(&[(f("1"), f("2")), (f("3"), f("4"))], eps).unwrap(),
            f("3.5")
        );
        assert_eq!(combine(&[], eps).unwrap(), Fixed::ZERO);
    }
}
