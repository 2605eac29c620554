//! The fee-revenue drip of MATH.md §9.1, in exact integer arithmetic.
//!
//! Once per epoch a topic's fee revenue decays: `C <- trunc(max(0, C - C / E_w))` with
//! `E_w = (blocks_per_month / 4.345) / epoch_length` (epochs per week). Written with
//! integers, `C / E_w = C * epoch_length * 4345 / (blocks_per_month * 1000)`, so with
//! `num = epoch_length * 4345` and `den = blocks_per_month * 1000` one epoch's step is
//!
//! ```text
//! C <- C - min(C, ceil(C * num / den)) = floor(C * (den - num) / den)   (0 when num >= den)
//! ```
//!
//! (`trunc(C - x)` for a fractional `x` is `C - ceil(x)`). Each step lowers a positive `C`
//! by at least 1, so the drip reaches 0 in at most `C` steps; [`DripRate::apply`] bounds
//! the work for any `C` and any number of epochs:
//!
//! 1. steps are taken one by one, exactly as the spec says, stopping at 0;
//! 2. once `C * num <= den` (that is `C <= E_w`), every further step removes exactly 1, so the
//!    remaining `n` steps give `C - min(C, n)` at once — still exact;
//! 3. after [`EXACT_DRIP_EPOCHS`] exact steps, the remaining `m` epochs are applied in closed
//!    form, `floor(C * f^m)` with `f = (den - num) / den` raised by square-and-multiply in
//!    fixed point (scale 1e38), every product rounded down. This is at most
//!    `(2 * log2(m) + 2) * C / 1e38 + 1` base units below the real-valued `C * f^m`, while
//!    the per-epoch rule itself sits up to `E_w` base units below it (each truncation loses
//!    less than 1, and the losses decay by `f`). So for gaps longer than
//!    `EXACT_DRIP_EPOCHS` the answer may differ from the epoch-by-epoch rule by at most about
//!    `E_w` base units (a few hundred thousandths of a token at most) — documented, bounded,
//!    deterministic, and never above the real-valued decay.
//!
//! The work is therefore at most `EXACT_DRIP_EPOCHS` cheap steps plus ~128 multiplications,
//! whatever `C` and the gap. A hard cap with an error was rejected: a topic left idle for a
//! long time would then make its revenue query (and reward-distribution's settlement) fail.

use cosmwasm_std::{OverflowError, OverflowOperation, Uint128, Uint256};

/// `4.345` weeks per month as the fraction `4345 / 1000` (MATH.md §9.1).
pub const WEEKS_PER_MONTH_NUM: u128 = 4345;
pub const WEEKS_PER_MONTH_DEN: u128 = 1000;

/// Epochs dripped one by one before the closed form takes over. Large enough that any
/// topic with payments at least every few thousand epochs gets the exact per-epoch rule;
/// small enough to keep a dApp's pay-per-read cheap after a long idle spell (each step is
/// one 128-bit multiply and divide).
pub const EXACT_DRIP_EPOCHS: u64 = 8192;

/// Fixed-point scale of the closed form's per-epoch factor (`1e38 < 2^127`, so a product
/// of two factors fits in 256 bits).
const FACTOR_SCALE: u128 = 100_000_000_000_000_000_000_000_000_000_000_000_000;

/// The per-epoch drip of one topic: each epoch removes `ceil(C * num / den)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DripRate {
    num: u128,
    den: u128,
}

impl DripRate {
    /// The rate for a topic of `epoch_length` blocks with `blocks_per_month` blocks a month.
    /// A zero `blocks_per_month` (refused at instantiate) would drain everything in one epoch.
    pub fn new(epoch_length: u64, blocks_per_month: u64) -> Self {
        DripRate {
            // u64 * 4345 and u64 * 1000 fit easily in u128.
            num: u128::from(epoch_length).saturating_mul(WEEKS_PER_MONTH_NUM),
            den: u128::from(blocks_per_month).saturating_mul(WEEKS_PER_MONTH_DEN),
        }
    }

    /// `den - num`: the part of `den` kept each epoch (0 when a whole week or more passes
    /// per epoch: then one epoch drains everything, as `max(0, ..)` in the spec).
    fn keep(&self) -> u128 {
        self.den.saturating_sub(self.num)
    }

    /// One epoch of drip: `floor(C * (den - num) / den)`.
    pub fn step(&self, c: Uint128) -> Result<Uint128, OverflowError> {
        let keep = self.keep();
        if keep == 0 || self.den == 0 || c.is_zero() {
            return Ok(Uint128::zero());
        }
        // Fast path in 128 bits; fall back to 256 bits for very large C.
        if let Some(p) = c.u128().checked_mul(keep) {
            return Ok(Uint128::new(p / self.den));
        }
        let p = Uint256::from(c).checked_mul(Uint256::from(keep))?;
        let q = p
            .checked_div(Uint256::from(self.den))
            .map_err(|_| OverflowError::new(OverflowOperation::Mul))?;
        // q <= c since keep <= den.
        Uint128::try_from(q).map_err(|_| OverflowError::new(OverflowOperation::Mul))
    }

    /// True when every further step removes exactly 1: `0 < C * num <= den`.
    fn in_linear_tail(&self, c: Uint128) -> bool {
        self.num > 0
            && c.u128()
                .checked_mul(self.num)
                .is_some_and(|p| p <= self.den)
    }

    /// `epochs` steps of drip from `c` (see the module documentation for the bounds).
    pub fn apply(&self, c: Uint128, epochs: u64) -> Result<Uint128, OverflowError> {
        let mut c = c;
        let mut left = epochs;
        let mut exact_steps: u64 = 0;
        while left > 0 && !c.is_zero() {
            if self.num == 0 {
                return Ok(c);
            }
            if self.in_linear_tail(c) {
                return Ok(c.saturating_sub(Uint128::from(left)));
            }
            if exact_steps >= EXACT_DRIP_EPOCHS {
                return self.closed_form(c, left);
            }
            c = self.step(c)?;
            left = left.saturating_sub(1);
            exact_steps = exact_steps.saturating_add(1);
        }
        Ok(c)
    }

    /// `floor(C * f^m)`, `f = (den - num) / den` in 1e38 fixed point, rounding down.
    fn closed_form(&self, c: Uint128, m: u64) -> Result<Uint128, OverflowError> {
        if self.den == 0 {
            return Ok(Uint128::zero());
        }
        let scale = Uint256::from(FACTOR_SCALE);
        let den = Uint256::from(self.den);
        let mut base = Uint256::from(self.keep())
            .checked_mul(scale)?
            .checked_div(den)
            .map_err(|_| OverflowError::new(OverflowOperation::Mul))?;
        let mut factor = scale;
        let mut m = m;
        // Every factor is <= 1e38, so each product is <= 1e76 < 2^256.
        while m > 0 && !factor.is_zero() {
            if m & 1 == 1 {
                factor = factor
                    .checked_mul(base)?
                    .checked_div(scale)
                    .map_err(|_| OverflowError::new(OverflowOperation::Mul))?;
            }
            m >>= 1;
            if m > 0 {
                base = base
                    .checked_mul(base)?
                    .checked_div(scale)
                    .map_err(|_| OverflowError::new(OverflowOperation::Mul))?;
            }
        }
        // C < 2^128 and factor <= 1e38 < 2^127: fits in 256 bits; the result is <= C.
        let out = Uint256::from(c)
            .checked_mul(factor)?
            .checked_div(scale)
            .map_err(|_| OverflowError::new(OverflowOperation::Mul))?;
        Uint128::try_from(out).map_err(|_| OverflowError::new(OverflowOperation::Mul))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BPM: u64 = 864_000;

    fn naive(rate: &DripRate, c: u128, n: u64) -> u128 {
        let mut c = Uint128::new(c);
        for _ in 0..n {
            c = rate.step(c).unwrap();
        }
        c.u128()
    }

    #[test]
    fn one_epoch_worked_value() {
        // E_w = 864000 / 4.345 / 720 = 276.18 epochs per week; C / E_w = 3620.83 -> 3621.
        let r = DripRate::new(720, BPM);
        assert_eq!(
            r.step(Uint128::new(1_000_000)).unwrap(),
            Uint128::new(996_379)
        );
        assert_eq!(
            r.apply(Uint128::new(1_000_000), 1).unwrap(),
            Uint128::new(996_379)
        );
        assert_eq!(
            r.apply(Uint128::new(1_000_000), 10).unwrap(),
            Uint128::new(964_372)
        );
    }

    #[test]
    fn zero_and_no_epochs() {
        let r = DripRate::new(720, BPM);
        assert_eq!(r.apply(Uint128::zero(), 5).unwrap(), Uint128::zero());
        assert_eq!(r.apply(Uint128::new(42), 0).unwrap(), Uint128::new(42));
        assert_eq!(r.step(Uint128::zero()).unwrap(), Uint128::zero());
    }

    #[test]
    fn below_e_w_each_epoch_removes_exactly_one() {
        // C = 100 < E_w = 276.18: C / E_w = 0.36, trunc(100 - 0.36) = 99.
        let r = DripRate::new(720, BPM);
        assert_eq!(r.step(Uint128::new(100)).unwrap(), Uint128::new(99));
        assert_eq!(r.apply(Uint128::new(100), 99).unwrap(), Uint128::new(1));
        assert_eq!(r.apply(Uint128::new(100), 100).unwrap(), Uint128::zero());
        assert_eq!(
            r.apply(Uint128::new(100), u64::MAX).unwrap(),
            Uint128::zero()
        );
        assert_eq!(r.apply(Uint128::new(1), 1).unwrap(), Uint128::zero());
        // The linear tail shortcut agrees with the epoch-by-epoch rule.
        for c in [1u128, 2, 150, 276, 277, 300, 1000] {
            for n in [0u64, 1, 2, 50, 276, 400, 2000] {
                assert_eq!(
                    r.apply(Uint128::new(c), n).unwrap().u128(),
                    naive(&r, c, n),
                    "c={c} n={n}"
                );
            }
        }
    }

    #[test]
    fn epochs_of_a_week_or_more_drain_in_one_epoch() {
        // E_w <= 1 means C / E_w >= C: max(0, ..) gives 0.
        let week = 864_000 * 1000 / 4345 + 1;
        let r = DripRate::new(week, BPM);
        assert_eq!(r.step(Uint128::new(1_000_000)).unwrap(), Uint128::zero());
        assert_eq!(r.apply(Uint128::MAX, 1).unwrap(), Uint128::zero());
        let r = DripRate::new(1, 0);
        assert_eq!(r.apply(Uint128::new(5), 1).unwrap(), Uint128::zero());
    }

    #[test]
    fn exact_within_the_exact_window() {
        let r = DripRate::new(12, BPM);
        for c in [1_000_000u128, 123_456_789_012_345, 10u128.pow(30)] {
            for n in [1u64, 7, 1000, EXACT_DRIP_EPOCHS] {
                assert_eq!(r.apply(Uint128::new(c), n).unwrap().u128(), naive(&r, c, n));
            }
        }
    }

    #[test]
    fn closed_form_stays_within_e_w_of_the_per_epoch_rule() {
        // E_w = 276.18; 10000 epochs from 1e30: per-epoch rule 176352971015597,
        // real-valued decay 176352971015733.06.
        let r = DripRate::new(720, BPM);
        let c = 10u128.pow(30);
        let n = 10_000;
        let exact = naive(&r, c, n);
        assert_eq!(exact, 176_352_971_015_597);
        let got = r.apply(Uint128::new(c), n).unwrap().u128();
        assert!(
            got <= 176_352_971_015_733,
            "never above the real-valued decay: {got}"
        );
        assert!(
            exact.abs_diff(got) <= 277,
            "exact {exact} closed form {got}"
        );
    }

    #[test]
    fn huge_revenue_and_huge_gaps_terminate_cheaply() {
        let r = DripRate::new(12, BPM);
        // One step at the top of the range goes through 256-bit arithmetic.
        let one = r.step(Uint128::MAX).unwrap();
        assert!(one < Uint128::MAX);
        assert_eq!(r.apply(Uint128::MAX, u64::MAX).unwrap(), Uint128::zero());
        let a = r.apply(Uint128::MAX, 1_000_000).unwrap();
        let b = r.apply(Uint128::MAX, 1_000_001).unwrap();
        assert!(a > Uint128::zero() && b <= a);
        // Real value: 2^128 * (1 - 1/16570.77)^1e6 = 2.2e12 (relative precision 1e-9).
        let real = 2.0f64.powi(128) * (1.0 - 52_140.0 / 864_000_000.0f64).powi(1_000_000);
        let rel = (a.u128() as f64 - real).abs() / real;
        assert!(rel < 1e-6, "closed form {a} vs real {real}");
        // A long gap at the smallest epoch length with a moderate C.
        let r = DripRate::new(1, BPM);
        assert_eq!(
            r.apply(Uint128::new(10u128.pow(24)), u64::MAX).unwrap(),
            Uint128::zero()
        );
    }
}
