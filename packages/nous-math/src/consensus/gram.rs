//! The Gram form of the consensus pass (§7.3): the reputers' pairwise loss products once,
//! in exact wide integers, so each pass of the listening-coefficient search costs O(R²).

use bnum::types::{I512, U512};

use super::columns::Columns;
use crate::error::{MathError, MathResult};
use crate::fixed::Fixed;
use crate::params::Params;
use crate::wide::U256;

/// The reputers' pairwise loss products `G_rs = Σ_e L_re·L_se` (raw values, so at scale
/// 10^36), exact, over the distinct columns of a loss matrix every reputer filled completely
/// (a column standing for `c` entries counted `c` times): the Gram form of the
/// consensus pass that the listening-coefficient search repeats `(R + 1)` times an
/// iteration. With weights `w` (adjusted stakes, raw) and `W = Σ w`, the consensus is
/// `L̄ = Σ_r w_r·L_r / W`, so
/// `W²·‖L_m − L̄‖² = W²·G_mm − 2W·(Gw)_m + wᵀGw` and `W²·‖L̄‖² = wᵀGw`: each pass costs
/// O(R²) instead of O(R·E), in exact integers. `None` (use [`super::consensus_scores`]) when an
/// entry is missing (its consensus weighs only its reporters) or a product does not fit.
pub(super) struct Gram {
    n: usize,
    /// Row-major `n × n`, as sign and magnitude: `G·w` is the search's inner loop, and a
    /// 256-bit magnitude times a 128-bit weight takes 8 word products where a product of
    /// two 512-bit integers takes 36 (62k SDK gas less an iteration at 128/24/24).
    g: Vec<Signed>,
    /// `G_mm`, for the distances.
    diag: Vec<I512>,
}

/// `±magnitude`.
#[derive(Clone, Copy)]
struct Signed {
    negative: bool,
    magnitude: U256,
}

impl Signed {
    /// `positive − negative`.
    fn difference(positive: U256, negative: U256) -> Signed {
        if positive.cmp_u(negative).is_lt() {
            Signed {
                negative: true,
                magnitude: negative.wrapping_sub(positive),
            }
        } else {
            Signed {
                negative: false,
                magnitude: positive.wrapping_sub(negative),
            }
        }
    }

    fn value(self) -> I512 {
        let m = wide(self.magnitude);
        if self.negative {
            -m
        } else {
            m
        }
    }
}

impl Gram {
    pub(super) fn of(columns: &Columns) -> Option<Gram> {
        let rows: Vec<Vec<i128>> = columns
            .rows
            .iter()
            .map(|row| row.iter().map(|v| v.map(|x| x.raw())).collect())
            .collect::<Option<_>>()?;
        let n = rows.len();
        let zero = Signed {
            negative: false,
            magnitude: U256::ZERO,
        };
        let mut g = vec![zero; n * n];
        for r in 0..n {
            for s in r..n {
                let (mut positive, mut negative) = (U256::ZERO, U256::ZERO);
                for ((a, b), count) in rows[r].iter().zip(&rows[s]).zip(&columns.count) {
                    // a column standing for `count` entries: its product `count` times
                    let p = U256::mul(a.unsigned_abs().checked_mul(*count)?, b.unsigned_abs());
                    let side = if (*a < 0) != (*b < 0) {
                        &mut negative
                    } else {
                        &mut positive
                    };
                    *side = side.checked_add(p)?;
                }
                let v = Signed::difference(positive, negative);
                g[r * n + s] = v;
                g[s * n + r] = v;
            }
        }
        let diag = (0..n).map(|m| g[m * n + m].value()).collect();
        Some(Gram { n, g, diag })
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
        // a negative weight has no Gram form
        let w: Vec<u128> = adj
            .iter()
            .map(|a| u128::try_from(a.raw()).ok())
            .collect::<Option<_>>()?;
        let total = w
            .iter()
            .try_fold(I512::ZERO, |t, x| t.checked_add(I512::from(*x)))?;
        if total == I512::ZERO {
            return None;
        }
        // u = G·w (exact: each sign's products summed apart), q = wᵀ·G·w
        let mut u = Vec::with_capacity(n);
        for row in self.g.chunks_exact(n) {
            let (mut positive, mut negative) = (Sum::ZERO, Sum::ZERO);
            for (g, ws) in row.iter().zip(&w) {
                let side = if g.negative {
                    &mut negative
                } else {
                    &mut positive
                };
                side.add_product(g.magnitude, *ws)?;
            }
            u.push(positive.signed()?.checked_sub(negative.signed()?)?);
        }
        let q = w.iter().zip(&u).try_fold(I512::ZERO, |t, (a, b)| {
            t.checked_add(I512::from(*a).checked_mul(*b)?)
        })?;
        if q <= I512::ZERO {
            return None;
        }
        let q_bits = q.to_bits();
        let total_sq = total.checked_mul(total)?;
        let twice = total.checked_add(total)?;
        let mut scores = Vec::with_capacity(n);
        for (m, um) in u.iter().enumerate() {
            let num = total_sq
                .checked_mul(self.diag[m])?
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

/// An exact sum of non-negative products below 2^512, in base 2^128 (lowest limb first).
struct Sum([u128; 4]);

impl Sum {
    const ZERO: Sum = Sum([0; 4]);

    /// Adds `g · w` (below 2^384); `None` when the sum passes 2^512.
    fn add_product(&mut self, g: U256, w: u128) -> Option<()> {
        let mut carry = false;
        for (limb, p) in self.0.iter_mut().zip(g.mul_u128(w)) {
            let (v, c1) = limb.overflowing_add(p);
            let (v, c2) = v.overflowing_add(u128::from(carry));
            *limb = v;
            carry = c1 || c2;
        }
        let (top, c) = self.0[3].overflowing_add(u128::from(carry));
        self.0[3] = top;
        (!c).then_some(())
    }

    /// The sum as a 512-bit signed integer; `None` from 2^511.
    fn signed(&self) -> Option<I512> {
        let mut digits = [0u64; 8];
        for (i, limb) in self.0.iter().enumerate() {
            digits[2 * i] = *limb as u64;
            digits[2 * i + 1] = (*limb >> 64) as u64;
        }
        let v = I512::from_bits(U512::from_digits(digits));
        (!v.is_negative()).then_some(v)
    }
}

/// A 256-bit magnitude as a 512-bit signed integer.
fn wide(x: U256) -> I512 {
    I512::from_bits((U512::from(x.hi) << 128u32) | U512::from(x.lo))
}

/// `floor(num · 10^36 / q)` for `q > 0`, in 512 bits; `None` past 512 bits. One product and
/// one division while `num · 10^36` fits (below 2^392, as a relative distance's always
/// does: each 512-bit division is a few thousand Wasm operations); else the integer part of
/// `num / q`, then the remainder's 36 digits in two steps of 18 (each below `q · 2^60`).
pub(super) fn scaled_ratio(num: U512, q: U512) -> Option<U512> {
    const E36_BITS: u32 = 120; // 10^36 < 2^120
    if num.bits() + E36_BITS <= 512 {
        return num.checked_mul(U512::from(10u128.pow(36)))?.checked_div(q);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn u512(x: U256) -> U512 {
        (U512::from(x.hi) << 128u32) | U512::from(x.lo)
    }

    #[test]
    fn sums_of_products_are_exact() {
        let max = U256 {
            hi: u128::MAX,
            lo: u128::MAX,
        };
        let cases = [
            (U256::ZERO, 5u128),
            (U256::from_u128(7), 0),
            (U256::from_u128(u128::MAX), u128::MAX),
            (max, u128::MAX),
            (
                U256 {
                    hi: 1,
                    lo: u128::MAX,
                },
                (1u128 << 64) + 3,
            ),
            (
                U256 {
                    hi: u128::MAX >> 3,
                    lo: 12345,
                },
                u128::MAX - 1,
            ),
        ];
        let mut sum = Sum::ZERO;
        let mut expected = U512::ZERO;
        for (g, w) in cases {
            sum.add_product(g, w).unwrap();
            expected += u512(g) * U512::from(w);
            assert_eq!(sum.signed().unwrap(), I512::from_bits(expected));
        }
        // a sum reaching 2^511 is no signed value; one passing 2^512 is refused, never wrapped
        let mut big = Sum([0, 0, u128::MAX, u128::MAX >> 1]);
        assert!(big.signed().is_some());
        assert!(big.add_product(max, u128::MAX).is_some());
        assert!(big.signed().is_none());
        let mut over = Sum([u128::MAX; 4]);
        assert!(over.add_product(U256::from_u128(1), 1).is_none());
    }
}
