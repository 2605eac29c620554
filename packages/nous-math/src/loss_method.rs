//! The loss methods a topic may name in its `loss_method`, and the number a reputer
//! reports for one stored value against the ground truth.
//!
//! **Reporting convention.** For every value the network stored for a nonce (the combined
//! and naive inferences, each inferer's inference, each forecast-implied inference, every
//! one-out, one-in and one-out-implied variant), a reputer reports
//!
//! ```text
//! log10( max( loss(value, truth), 10^-12 ) )
//! ```
//!
//! where `loss` is the topic's method applied to that single value. Lower is better; one
//! unit is a factor of ten in the loss; an exact hit reports −12 instead of −∞
//! ([`LOSS_FLOOR_LOG10`]). The logarithm is what the maths of MATH.md §6–7 compares
//! (regrets and scores are differences of these numbers).
//!
//! | `loss_method` | loss of one value, `e = value − truth` |
//! |---|---|
//! | `mse` | `e²` |
//! | `mae` | `\|e\|` |
//! | `huber` | Huber with δ = 1: `e²/2` if `\|e\| ≤ δ`, else `δ(\|e\| − δ/2)` |
//! | `huber:<δ>` | the same with δ given, e.g. `huber:0.5` (δ > 0) |
//! | `log-cosh` | `ln cosh e` |
//!
//! **Precision.** The logarithm of the loss is taken at the 30-digit internal scale of the
//! transcendental functions, from the exact difference `e` (never from a loss that was
//! first truncated to 18 digits: a squared error of 10^-10 has only 8 significant digits
//! there), and the result is rounded once to 18 digits. The reported number is the exact
//! value rounded to 18 digits (within one unit of the 18th digit in every case), natively
//! and in wasm32; a power of ten reports an integer.

use core::fmt;
use core::str::FromStr;

use crate::error::{MathError, MathResult};
use crate::fixed::{exp_hp_nonpositive, ln_hp, mul_div, Fixed, GUARD, HP, LN2_HP};

/// ln 10 · 10^30, truncated.
const LN10_HP: i128 = 2_302_585_092_994_045_684_017_991_454_684;

/// The reported value of a loss at or below 10^-12 (an exact hit included).
pub const LOSS_FLOOR_LOG10: Fixed = Fixed::from_raw(-12 * Fixed::SCALE);

/// δ of the plain `huber` method.
pub const HUBER_DEFAULT_DELTA: Fixed = Fixed::ONE;

/// The canonical names, as a topic's `loss_method` spells them (`huber:<δ>` besides).
pub const LOSS_METHOD_NAMES: [&str; 4] = ["mse", "mae", "huber", "log-cosh"];

/// Below this |e| (10^-5) `ln cosh e` is taken from its series (see [`ln_log_cosh`]).
const LOG_COSH_SERIES_BELOW: i128 = 10_000_000_000_000;
/// Above this |e| (40) `ln cosh e = |e| − ln 2` to more than 34 digits.
const LOG_COSH_LINEAR_ABOVE: i128 = 40 * Fixed::SCALE;

/// A topic's loss method (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossMethod {
    Mse,
    Mae,
    Huber { delta: Fixed },
    LogCosh,
}

/// A `loss_method` this library does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown loss method {name:?}: expected one of mse, mae, huber, huber:<delta> (delta > 0, e.g. huber:0.5), log-cosh")]
pub struct UnknownLossMethod {
    pub name: String,
}

impl FromStr for LossMethod {
    type Err = UnknownLossMethod;

    /// The exact spellings of [`LOSS_METHOD_NAMES`] and `huber:<δ>`; anything else is
    /// refused (a reputer must not guess what a topic means).
    fn from_str(name: &str) -> Result<Self, UnknownLossMethod> {
        let unknown = || UnknownLossMethod {
            name: name.to_string(),
        };
        match name {
            "mse" => Ok(LossMethod::Mse),
            "mae" => Ok(LossMethod::Mae),
            "huber" => Ok(LossMethod::Huber {
                delta: HUBER_DEFAULT_DELTA,
            }),
            "log-cosh" => Ok(LossMethod::LogCosh),
            _ => {
                let delta = name.strip_prefix("huber:").ok_or_else(unknown)?;
                let delta = Fixed::from_str(delta).map_err(|_| unknown())?;
                if !delta.is_positive() {
                    return Err(unknown());
                }
                Ok(LossMethod::Huber { delta })
            }
        }
    }
}

impl fmt::Display for LossMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LossMethod::Mse => f.write_str("mse"),
            LossMethod::Mae => f.write_str("mae"),
            LossMethod::Huber { delta } if *delta == HUBER_DEFAULT_DELTA => f.write_str("huber"),
            LossMethod::Huber { delta } => write!(f, "huber:{delta}"),
            LossMethod::LogCosh => f.write_str("log-cosh"),
        }
    }
}

impl LossMethod {
    /// The loss of one value, truncated to 18 digits (for display and checks; a reputer
    /// reports [`LossMethod::log10_loss`]).
    pub fn loss(&self, value: Fixed, truth: Fixed) -> MathResult<Fixed> {
        let a = value.checked_sub(truth)?.checked_abs()?;
        match self {
            LossMethod::Mse => a.checked_mul(a),
            LossMethod::Mae => Ok(a),
            LossMethod::Huber { delta } => {
                if a <= *delta {
                    a.checked_mul(a)?.checked_div_int(2)
                } else {
                    // δ(|e| − δ/2) = δ(2|e| − δ)/2, exact before the one truncation.
                    let twice = a.checked_mul_int(2)?.checked_sub(*delta)?;
                    delta.checked_mul(twice)?.checked_div_int(2)
                }
            }
            LossMethod::LogCosh => {
                if a.raw() > LOG_COSH_LINEAR_ABOVE {
                    a.checked_sub(Fixed::from_raw(LN2_HP / GUARD))
                } else {
                    Ok(Fixed::from_raw(log_cosh_hp(a.raw())? / GUARD))
                }
            }
        }
    }

    /// The number a reputer reports: `log10(max(loss(value, truth), 10^-12))`.
    pub fn log10_loss(&self, value: Fixed, truth: Fixed) -> MathResult<Fixed> {
        let a = value.checked_sub(truth)?.checked_abs()?;
        let floor_ln = LOSS_FLOOR_LOG10.trunc_int() * LN10_HP;
        match self.ln_loss_hp(a)? {
            Some(ln) if ln > floor_ln => {
                // One more digit, then rounded half away from zero: the 30-digit logarithm
                // is good to ~10^-28, so a power of ten reports an exact integer.
                let q = mul_div(ln, 10 * Fixed::SCALE, LN10_HP).ok_or(MathError::Overflow)?;
                Ok(Fixed::from_raw((q + 5 * q.signum()) / 10))
            }
            _ => Ok(LOSS_FLOOR_LOG10),
        }
    }

    /// ln of the loss at the 30-digit scale for `a = |e|`; `None` for a zero loss.
    fn ln_loss_hp(&self, a: Fixed) -> MathResult<Option<i128>> {
        if a.is_zero() {
            return Ok(None);
        }
        let ln = |raw: i128| ln_hp(raw, Fixed::SCALE).ok_or(MathError::Overflow);
        let add = |x: i128, y: i128| x.checked_add(y).ok_or(MathError::Overflow);
        let ln_a = ln(a.raw())?;
        let v = match self {
            LossMethod::Mse => add(ln_a, ln_a)?,
            LossMethod::Mae => ln_a,
            LossMethod::Huber { delta } => {
                if a <= *delta {
                    add(ln_a, ln_a)? - LN2_HP
                } else {
                    let twice = a.checked_mul_int(2)?.checked_sub(*delta)?;
                    add(ln(delta.raw())?, ln(twice.raw())?)? - LN2_HP
                }
            }
            LossMethod::LogCosh => ln_log_cosh(a.raw(), ln_a)?,
        };
        Ok(Some(v))
    }
}

/// `ln(ln cosh a)` at the 30-digit scale for `a > 0` (raw, 18 digits), `ln_a = ln a`.
fn ln_log_cosh(a: i128, ln_a: i128) -> MathResult<i128> {
    if a > LOG_COSH_LINEAR_ABOVE {
        // ln cosh a = a − ln 2 + ln(1 + e^{−2a}), the last term below 10^-34.
        let v = a.checked_sub(LN2_HP / GUARD).ok_or(MathError::Overflow)?;
        return ln_hp(v, Fixed::SCALE).ok_or(MathError::Overflow);
    }
    if a < LOG_COSH_SERIES_BELOW {
        // ln cosh a = (a²/2)(1 − a²/6 + 2a⁴/45 − …), so its log is
        // 2 ln a − ln 2 − a²/6 + O(a⁴): below 10^-5 the rest is under 10^-21, and the
        // direct formula below would lose the digits of a number this small.
        let a_hp = a * GUARD;
        let a2 = mul_div(a_hp, a_hp, HP).ok_or(MathError::Overflow)?;
        return Ok(2 * ln_a - LN2_HP - a2 / 6);
    }
    ln_hp(log_cosh_hp(a)?, HP).ok_or(MathError::Overflow)
}

/// `ln cosh a` at the 30-digit scale for `0 < a ≤ 40` (raw, 18 digits):
/// `a + ln(1 + e^{−2a}) − ln 2`, which never overflows.
fn log_cosh_hp(a: i128) -> MathResult<i128> {
    let a_hp = a.checked_mul(GUARD).ok_or(MathError::Overflow)?;
    let t = exp_hp_nonpositive(-2 * a_hp).ok_or(MathError::Overflow)?;
    let l = ln_hp(HP + t, HP).ok_or(MathError::Overflow)?;
    Ok(a_hp + l - LN2_HP)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Fixed {
        Fixed::from_str(s).unwrap()
    }

    /// `got` within one unit in the 18th digit of the 50-digit reference `want`
    /// (computed with Python's decimal module at 60 digits).
    fn close(got: Fixed, want: &str) {
        let w = f(want);
        assert!(
            (got.raw() - w.raw()).abs() <= 1,
            "got {got}, want {want} (within 1e-18)"
        );
    }

    #[test]
    fn names_parse_and_print() {
        for name in LOSS_METHOD_NAMES {
            let m: LossMethod = name.parse().unwrap();
            assert_eq!(m.to_string(), name);
        }
        assert_eq!(
            "huber:0.5".parse::<LossMethod>().unwrap(),
            LossMethod::Huber { delta: f("0.5") }
        );
        assert_eq!(
            LossMethod::Huber { delta: f("0.5") }.to_string(),
            "huber:0.5"
        );
        for bad in [
            "MSE",
            " mse",
            "log10 squared error",
            "huber:",
            "huber:0",
            "huber:-1",
            "huber:x",
            "",
        ] {
            let e = bad.parse::<LossMethod>().unwrap_err();
            assert!(e.to_string().contains("expected one of mse, mae"), "{e}");
        }
    }

    #[test]
    fn ln10_constant_is_ln_of_ten() {
        // ln_hp is good to a few 10^-29; the constant is the exact value truncated
        let ln10 = ln_hp(10 * Fixed::SCALE, Fixed::SCALE).unwrap();
        assert!((ln10 - LN10_HP).abs() <= 100, "{ln10} vs {LN10_HP}");
    }

    #[test]
    fn mse_against_hand_computed_values() {
        let m = LossMethod::Mse;
        // e = 2: loss 4, log10 4
        assert_eq!(m.loss(f("3"), f("1")).unwrap(), f("4"));
        close(
            m.log10_loss(f("3"), f("1")).unwrap(),
            "0.602059991327962390427",
        );
        // the sign of the error does not matter
        close(
            m.log10_loss(f("1"), f("3")).unwrap(),
            "0.602059991327962390427",
        );
        // e = 1234.5678: loss 1524157.65279684
        assert_eq!(
            m.loss(f("1234.5678"), f("0")).unwrap(),
            f("1524157.65279684")
        );
        close(
            m.log10_loss(f("1234.5678"), f("0")).unwrap(),
            "6.183029891018402549310",
        );
    }

    #[test]
    fn mae_against_hand_computed_values() {
        let m = LossMethod::Mae;
        assert_eq!(m.loss(f("-1"), f("1")).unwrap(), f("2"));
        close(
            m.log10_loss(f("-1"), f("1")).unwrap(),
            "0.301029995663981195214",
        );
        close(
            m.log10_loss(f("100.00000003"), f("100")).unwrap(),
            "-7.522878745280337562705",
        );
    }

    #[test]
    fn huber_against_hand_computed_values() {
        let m: LossMethod = "huber".parse().unwrap();
        // |e| = 0.5 <= 1: e²/2 = 0.125
        assert_eq!(m.loss(f("1.5"), f("1")).unwrap(), f("0.125"));
        close(
            m.log10_loss(f("1.5"), f("1")).unwrap(),
            "-0.903089986991943585641",
        );
        // |e| = 3 > 1: 1·(3 − 0.5) = 2.5
        assert_eq!(m.loss(f("-2"), f("1")).unwrap(), f("2.5"));
        close(
            m.log10_loss(f("-2"), f("1")).unwrap(),
            "0.397940008672037609573",
        );
        // δ = 0.5, |e| = 2: 0.5·(2 − 0.25) = 0.875
        let m: LossMethod = "huber:0.5".parse().unwrap();
        assert_eq!(m.loss(f("2"), f("0")).unwrap(), f("0.875"));
        close(
            m.log10_loss(f("2"), f("0")).unwrap(),
            "-0.057991946977686754929",
        );
        // exactly at δ: the quadratic branch, continuous with the linear one
        assert_eq!(m.loss(f("0.5"), f("0")).unwrap(), f("0.125"));
    }

    #[test]
    fn log_cosh_against_hand_computed_values() {
        let m = LossMethod::LogCosh;
        close(m.loss(f("1"), f("0")).unwrap(), "0.433780830483027187026");
        close(
            m.log10_loss(f("1"), f("0")).unwrap(),
            "-0.362729644113877390162",
        );
        // small errors: the series branch, and either side of its threshold
        close(
            m.log10_loss(f("0.001"), f("0")).unwrap(),
            "-6.301030068046381575650",
        );
        close(
            m.log10_loss(f("0.00001"), f("0")).unwrap(),
            "-10.301029995671219436579",
        );
        close(
            m.log10_loss(f("0.00002"), f("0")).unwrap(),
            "-9.698970004364971770244",
        );
        // large errors: the linear branch either side of 40
        close(
            m.log10_loss(f("20"), f("0")).unwrap(),
            "1.285711485869248110625",
        );
        close(
            m.log10_loss(f("-50"), f("0")).unwrap(),
            "1.692907283067128798315",
        );
        close(m.loss(f("50"), f("0")).unwrap(), "49.306852819440054690583");
    }

    #[test]
    fn losses_at_or_below_the_floor_report_minus_twelve() {
        for m in [
            LossMethod::Mse,
            LossMethod::Mae,
            LossMethod::Huber {
                delta: HUBER_DEFAULT_DELTA,
            },
            LossMethod::LogCosh,
        ] {
            assert_eq!(m.log10_loss(f("7"), f("7")).unwrap(), LOSS_FLOOR_LOG10);
            assert_eq!(
                m.log10_loss(f("7.0000000000001"), f("7")).unwrap(),
                LOSS_FLOOR_LOG10
            );
        }
        // log cosh 1e-6 = 4.99…e-13: below the floor; mse of 1e-6 is exactly the floor
        assert_eq!(
            LossMethod::LogCosh
                .log10_loss(f("0.000001"), f("0"))
                .unwrap(),
            LOSS_FLOOR_LOG10
        );
        assert_eq!(
            LossMethod::Mse.log10_loss(f("0.000001"), f("0")).unwrap(),
            LOSS_FLOOR_LOG10
        );
        // just above it
        assert!(LossMethod::Mse.log10_loss(f("0.0000011"), f("0")).unwrap() > LOSS_FLOOR_LOG10);
    }

    #[test]
    fn the_largest_values_do_not_overflow() {
        let max = crate::params::MAX_ABS_VALUE;
        let min = Fixed::ZERO.checked_sub(max).unwrap();
        for m in [
            LossMethod::Mse,
            LossMethod::Mae,
            LossMethod::Huber {
                delta: HUBER_DEFAULT_DELTA,
            },
            LossMethod::LogCosh,
        ] {
            let v = m.log10_loss(max, min).unwrap();
            // (2e9)² = 4e18: log10 = 18.602…
            assert!(v < f("18.61"), "{m}: {v}");
            assert!(v > f("9.30"), "{m}: {v}");
        }
    }
}
