//! The Gram form of the consensus pass (§7.3): the reputers' pairwise loss products once,
//! in exact wide integers, so each pass of the listening-coefficient search costs O(R²).

use bnum::types::{I512, U512};

use crate::error::{MathError, MathResult};
use crate::fixed::Fixed;
use crate::params::Params;
use crate::wide::U256;

/// The reputers' pairwise loss products `G_rs = Σ_e L_re·L_se` (raw values, so at scale
/// 10^36), exact, for a loss matrix every reputer filled completely: the Gram form of the
/// consensus pass that the listening-coefficient search repeats `(R + 1)` times an
/// iteration. With weights `w` (adjusted stakes, raw) and `W = Σ w`, the consensus is
/// `L̄ = Σ_r w_r·L_r / W`, so
/// `W²·‖L_m − L̄‖² = W²·G_mm − 2W·(Gw)_m + wᵀGw` and `W²·‖L̄‖² = wᵀGw`: each pass costs
/// O(R²) instead of O(R·E), in exact integers. `None` (use [`super::consensus_scores`]) when an
/// entry is missing (its consensus weighs only its reporters) or a product does not fit.
pub(super) struct Gram {
    n: usize,
    /// Row-major `n × n`.
    g: Vec<I512>,
}

impl Gram {
    pub(super) fn of(matrix: &[Vec<Option<Fixed>>]) -> Option<Gram> {
        let rows: Vec<Vec<i128>> = matrix
            .iter()
            .map(|row| row.iter().map(|v| v.map(|x| x.raw())).collect())
            .collect::<Option<_>>()?;
        let n = rows.len();
        let mut g = vec![I512::ZERO; n * n];
        for r in 0..n {
            for s in r..n {
                let (mut positive, mut negative) = (U256::ZERO, U256::ZERO);
                for (a, b) in rows[r].iter().zip(&rows[s]) {
                    let p = U256::mul(a.unsigned_abs(), b.unsigned_abs());
                    let side = if (*a < 0) != (*b < 0) {
                        &mut negative
                    } else {
                        &mut positive
                    };
                    *side = side.checked_add(p)?;
                }
                let v = wide(positive).checked_sub(wide(negative))?;
                g[r * n + s] = v;
                g[s * n + r] = v;
            }
        }
        Some(Gram { n, g })
    }

    /// The consensus scores at adjusted stakes `adj` (as [`consensus_scores`] computes
    /// them, from the exact distances instead of the consensus truncated per entry); `None`
    /// when the weights or the consensus vanish or a value does not fit (the caller then
    /// runs the per-entry pass, which defines those cases).
    pub(super) fn scores(&self, adj: &[Fixed], params: &Params) -> Option<MathResult<Vec<Fixed>>> {
        let n = self.n;
        if adj.len() != n {
            return None;
        }
        let w: Vec<I512> = adj
            .iter()
            .map(|a| (!a.is_negative()).then(|| I512::from(a.raw())))
            .collect::<Option<_>>()?;
        let total = w.iter().try_fold(I512::ZERO, |t, x| t.checked_add(*x))?;
        if total == I512::ZERO {
            return None;
        }
        // u = G·w, q = wᵀ·G·w
        let mut u = Vec::with_capacity(n);
        for r in 0..n {
            let mut acc = I512::ZERO;
            for (s, ws) in w.iter().enumerate() {
                acc = acc.checked_add(self.g[r * n + s].checked_mul(*ws)?)?;
            }
            u.push(acc);
        }
        let q = w
            .iter()
            .zip(&u)
            .try_fold(I512::ZERO, |t, (a, b)| t.checked_add(a.checked_mul(*b)?))?;
        if q <= I512::ZERO {
            return None;
        }
        let q_bits = q.to_bits();
        let total_sq = total.checked_mul(total)?;
        let twice = total.checked_add(total)?;
        let mut scores = Vec::with_capacity(n);
        for (m, um) in u.iter().enumerate() {
            let num = total_sq
                .checked_mul(self.g[m * n + m])?
                .checked_sub(twice.checked_mul(*um)?)?
                .checked_add(q)?;
            if num.is_negative() {
                return None;
            }
            // relative distance ‖L_m − L̄‖/‖L̄‖ at 18 digits: floor(sqrt(num·10^36 / q))
            let ratio = scaled_ratio(num.to_bits(), q_bits)?;
            let score = match narrow(ratio)
                .map(|r| r.isqrt())
                .and_then(|r| i128::try_from(r).ok())
            {
                // a relative distance beyond Fixed: a score of 0, as in the per-entry pass
                None => Fixed::ZERO,
                Some(raw) => match Fixed::from_raw(raw).checked_add(params.epsilon_reputer) {
                    Ok(d) => match Fixed::ONE.checked_div(d) {
                        Ok(t) => t,
                        Err(e) => return Some(Err(e)),
                    },
                    Err(MathError::Overflow) => Fixed::ZERO,
                    Err(e) => return Some(Err(e)),
                },
            };
            scores.push(score);
        }
        Some(Ok(scores))
    }
}

/// A 256-bit magnitude as a 512-bit signed integer.
fn wide(x: U256) -> I512 {
    I512::from_bits((U512::from(x.hi) << 128u32) | U512::from(x.lo))
}

/// `floor(num · 10^36 / q)` for `q > 0`, in 512 bits: the integer part of `num / q`, then the
/// remainder's 36 digits in two steps of 18 (each below `q · 2^60`); `None` past 512 bits.
pub(super) fn scaled_ratio(num: U512, q: U512) -> Option<U512> {
    let e18 = U512::from(10u128.pow(18));
    let digits = |rem: U512| -> Option<(U512, U512)> {
        let x = rem.checked_mul(e18)?;
        Some((x.checked_div(q)?, x.checked_rem(q)?))
    };
    let whole = num.checked_div(q)?;
    let (high, rem) = digits(num.checked_rem(q)?)?;
    let (low, _) = digits(rem)?;
    whole
        .checked_mul(e18)?
        .checked_add(high)?
        .checked_mul(e18)?
        .checked_add(low)
}

/// A value below 2^256 as a [`U256`].
pub(super) fn narrow(x: U512) -> Option<U256> {
    let d = x.digits();
    if d[4..].iter().any(|x| *x != 0) {
        return None;
    }
    let part = |i: usize| (u128::from(d[i + 1]) << 64) | u128::from(d[i]);
    Some(U256 {
        hi: part(2),
        lo: part(0),
    })
}
