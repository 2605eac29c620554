//! Helpers of MATH.md §1.3: sample standard deviation, median, quantile,
//! EMA, potential and its gradient, weighted percentiles.

use crate::error::{MathError, MathResult};
use crate::fixed::Fixed;
use crate::wide::U256;

/// Mean of a non-empty slice (truncated).
pub fn mean(xs: &[Fixed]) -> MathResult<Fixed> {
    if xs.is_empty() {
        return Err(MathError::EmptyInput("mean"));
    }
    Fixed::sum(xs.iter().copied())?.checked_div_int(xs.len() as i128)
}

/// Sum of squares of `raw` values through 256 bits.
fn sum_sq(raws: impl Iterator<Item = i128>) -> MathResult<U256> {
    sum_sq_counted(raws.map(|r| (r, 1)))
}

/// Sum of squares of `raw` values, each counted `c` times, through 256 bits (exact: the
/// same as the sum over every repetition).
fn sum_sq_counted(raws: impl Iterator<Item = (i128, u128)>) -> MathResult<U256> {
    let mut acc = U256::ZERO;
    for (r, c) in raws {
        let a = r.unsigned_abs();
        let square = U256::mul(a, a);
        let term = if c == 1 {
            Some(square)
        } else {
            square.checked_mul_u128(c)
        };
        acc = term
            .and_then(|t| acc.checked_add(t))
            .ok_or(MathError::Overflow)?;
    }
    Ok(acc)
}

/// Sample standard deviation with Bessel's correction; 0 for fewer than two
/// values (§1.3). The sum of squared deviations is exact (256-bit) and the
/// root is the exact floor, so only the mean is truncated.
pub fn sample_stdev(xs: &[Fixed]) -> MathResult<Fixed> {
    let n = xs.len();
    if n < 2 {
        return Ok(Fixed::ZERO);
    }
    let m = mean(xs)?;
    let devs: Vec<i128> = xs
        .iter()
        .map(|x| x.raw().checked_sub(m.raw()).ok_or(MathError::Overflow))
        .collect::<MathResult<_>>()?;
    let var = sum_sq(devs.into_iter())?
        .div_u128((n - 1) as u128)
        .ok_or(MathError::Overflow)?;
    i128::try_from(var.isqrt())
        .map(Fixed::from_raw)
        .map_err(|_| MathError::Overflow)
}

/// A weighted mean `Σ w·x / Σ w` with integer weights (stakes in base units,
/// or the raw value of a non-negative `Fixed`), accumulated exactly in 256
/// bits and truncated once toward zero, so even weights that are tiny next
/// to the values lose no digit (§6.1, §7.3).
#[derive(Clone, Copy, Debug, Default)]
pub struct WeightedMean {
    positive: U256,
    negative: U256,
    weight: u128,
}

impl WeightedMean {
    pub fn add(&mut self, weight: u128, x: Fixed) -> MathResult<()> {
        let product = U256::mul(weight, x.raw().unsigned_abs());
        let side = if x.is_negative() {
            &mut self.negative
        } else {
            &mut self.positive
        };
        *side = side.checked_add(product).ok_or(MathError::Overflow)?;
        self.weight = self.weight.checked_add(weight).ok_or(MathError::Overflow)?;
        Ok(())
    }

    /// The mean, `None` when nothing weighs anything.
    pub fn mean(&self) -> MathResult<Option<Fixed>> {
        if self.weight == 0 {
            return Ok(None);
        }
        let negative = self.negative.cmp_u(self.positive) == core::cmp::Ordering::Greater;
        let magnitude = if negative {
            self.negative.wrapping_sub(self.positive)
        } else {
            self.positive.wrapping_sub(self.negative)
        };
        let q = magnitude.div_u128(self.weight).ok_or(MathError::Overflow)?;
        let q = q
            .to_u128()
            .and_then(|q| i128::try_from(q).ok())
            .ok_or(MathError::Overflow)?;
        Ok(Some(Fixed::from_raw(if negative { -q } else { q })))
    }
}

/// Euclidean norm `sqrt(Σ x²)` (exact floor).
pub fn l2_norm(xs: impl Iterator<Item = Fixed>) -> MathResult<Fixed> {
    l2_norm_counted(xs.map(|x| (x, 1)))
}

/// [`l2_norm`] of a vector given as values and how many times each occurs.
pub fn l2_norm_counted(xs: impl Iterator<Item = (Fixed, u128)>) -> MathResult<Fixed> {
    let s = sum_sq_counted(xs.map(|(x, c)| (x.raw(), c)))?;
    i128::try_from(s.isqrt())
        .map(Fixed::from_raw)
        .map_err(|_| MathError::Overflow)
}

fn sorted(xs: &[Fixed]) -> Vec<Fixed> {
    let mut s = xs.to_vec();
    s.sort();
    s
}

/// Median: middle order statistic, mean of the two middle ones for even n;
/// 0 for empty input (§1.3).
pub fn median(xs: &[Fixed]) -> MathResult<Fixed> {
    let s = sorted(xs);
    let n = s.len();
    match (
        s.get(n / 2),
        n.checked_sub(1).and_then(|_| s.get(n.wrapping_sub(1) / 2)),
    ) {
        (None, _) => Ok(Fixed::ZERO),
        (Some(hi), Some(lo)) if n & 1 == 0 => lo.checked_add(*hi)?.checked_div_int(2),
        (Some(mid), _) => Ok(*mid),
    }
}

/// Quantile `Q_q` with linear interpolation (numpy "linear"), computed as the
/// chain does: sort descending, position `(1−q)(n−1)`. 0 for empty input.
pub fn quantile(xs: &[Fixed], q: Fixed) -> MathResult<Fixed> {
    if q.is_negative() || q > Fixed::ONE {
        return Err(MathError::OutOfRange("quantile q"));
    }
    let mut s = sorted(xs);
    s.reverse();
    let n = s.len();
    if n == 0 {
        return Ok(Fixed::ZERO);
    }
    let pos = Fixed::ONE
        .checked_sub(q)?
        .checked_mul_int((n - 1) as i128)?;
    let lo = pos.trunc_int() as usize; // pos ≥ 0: floor
    let frac = pos.checked_sub(Fixed::from_int(lo as i128)?)?;
    let a = *s
        .get(lo)
        .ok_or(MathError::OutOfRange("quantile position"))?;
    if frac.is_zero() {
        return Ok(a);
    }
    let b = *s
        .get(lo + 1)
        .ok_or(MathError::OutOfRange("quantile position"))?;
    a.checked_add(frac.checked_mul(b.checked_sub(a)?)?)
}

/// `EMA_α(x, prev) = α·x + (1−α)·prev`; `None` (no prior) or `x == prev`
/// returns `x` unchanged (§1.3).
pub fn ema(alpha: Fixed, x: Fixed, prev: Option<Fixed>) -> MathResult<Fixed> {
    match prev {
        None => Ok(x),
        Some(p) if p == x => Ok(x),
        Some(p) => alpha
            .checked_mul(x)?
            .checked_add(Fixed::ONE.checked_sub(alpha)?.checked_mul(p)?),
    }
}

/// Potential `φ_p(x) = ln(1 + e^{p(x−c)})` (softplus, §1.3).
pub fn potential(p: Fixed, c: Fixed, x: Fixed) -> MathResult<Fixed> {
    p.checked_mul(x.checked_sub(c)?)?.softplus()
}

/// Gradient `φ'_p(x) = p / (1 + e^{p(c−x)})` (scaled logistic, §1.3).
pub fn gradient(p: Fixed, c: Fixed, x: Fixed) -> MathResult<Fixed> {
    p.checked_mul(c.checked_sub(x)?)?.scaled_logistic(p)
}

/// Weighted percentiles of §5.6: sort (value, weight) by value (stable),
/// mid-point cumulative positions `(C_n − w_n/2)/C_last`, clamped linear
/// interpolation. `percentiles` are in percent.
pub fn weighted_percentiles(
    values: &[Fixed],
    weights: &[Fixed],
    percentiles: &[Fixed],
) -> MathResult<Vec<Fixed>> {
    if values.len() != weights.len() {
        return Err(MathError::Mismatch(
            "weighted_percentiles: values and weights differ in length",
        ));
    }
    if values.is_empty() {
        return Err(MathError::EmptyInput("weighted_percentiles"));
    }
    let mut pairs: Vec<(Fixed, Fixed)> = values
        .iter()
        .copied()
        .zip(weights.iter().copied())
        .collect();
    if pairs.iter().any(|(_, w)| w.is_negative()) {
        return Err(MathError::InvalidSign("percentile weight"));
    }
    pairs.sort_by_key(|p| p.0);
    let mut cum = Vec::with_capacity(pairs.len());
    let mut run = Fixed::ZERO;
    for (_, w) in &pairs {
        run = run.checked_add(*w)?;
        cum.push(run);
    }
    if run.is_zero() {
        return Err(MathError::DivisionByZero(
            "weighted_percentiles: zero total weight",
        ));
    }
    let pos: Vec<Fixed> = cum
        .iter()
        .zip(pairs.iter())
        .map(|(c, (_, w))| c.checked_sub(w.checked_div_int(2)?)?.checked_div(run))
        .collect::<MathResult<_>>()?;
    let hundred = Fixed::from_int(100)?;
    let (first, last) = match (pairs.first(), pairs.last(), pos.first(), pos.last()) {
        (Some(f), Some(l), Some(pf), Some(pl)) => ((f.0, *pf), (l.0, *pl)),
        _ => return Err(MathError::EmptyInput("weighted_percentiles")),
    };
    let mut out = Vec::with_capacity(percentiles.len());
    for p in percentiles {
        let q = p.checked_div(hundred)?;
        if q <= first.1 {
            out.push(first.0);
        } else if q >= last.1 {
            out.push(last.0);
        } else {
            let mut v = last.0;
            for i in 0..pos.len().saturating_sub(1) {
                if q < pos[i + 1] {
                    let t = q
                        .checked_sub(pos[i])?
                        .checked_div(pos[i + 1].checked_sub(pos[i])?)?;
                    let (a, b) = (pairs[i].0, pairs[i + 1].0);
                    v = a
                        .checked_mul(Fixed::ONE.checked_sub(t)?)?
                        .checked_add(b.checked_mul(t)?)?;
                    break;
                }
            }
            out.push(v);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Fixed {
        s.parse().unwrap()
    }
    fn v(xs: &[&str]) -> Vec<Fixed> {
        xs.iter().map(|s| f(s)).collect()
    }

    #[test]
    fn stdev_median_quantile() {
        assert_eq!(sample_stdev(&v(&["1"])).unwrap(), Fixed::ZERO);
        assert_eq!(
            sample_stdev(&v(&["1", "3"])).unwrap(),
            f("1.414213562373095048")
        );
        assert_eq!(median(&[]).unwrap(), Fixed::ZERO);
        assert_eq!(median(&v(&["3", "1", "2"])).unwrap(), f("2"));
        assert_eq!(median(&v(&["4", "1", "2", "3"])).unwrap(), f("2.5"));
        assert_eq!(
            quantile(&v(&["1", "2", "3", "4", "5"]), f("0.25")).unwrap(),
            f("2")
        );
        assert_eq!(
            quantile(&v(&["1", "2", "3", "4"]), f("0.25")).unwrap(),
            f("1.75")
        );
        assert_eq!(quantile(&[], f("0.25")).unwrap(), Fixed::ZERO);
        assert_eq!(ema(f("0.1"), f("1"), None).unwrap(), f("1"));
        assert_eq!(ema(f("0.1"), f("1"), Some(f("0"))).unwrap(), f("0.1"));
    }

    #[test]
    fn percentiles_clamp_and_interpolate() {
        let out = weighted_percentiles(&v(&["1", "2"]), &v(&["1", "1"]), &v(&["10", "50", "90"]))
            .unwrap();
        assert_eq!(out, v(&["1", "1.5", "2"]));
    }
}
