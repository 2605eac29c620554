//! Reward fractions from logarithms (MATH.md §8.1–8.2).
//!
//! A fraction `x_i^p / Σ_j x_j^p` is the same number as
//! `e^{p(ln x_i − ln x_max)} / Σ_j e^{p(ln x_j − ln x_max)}`. Written the second
//! way every term is compared with the largest one, so the ratio keeps its
//! digits whatever the scale of the `x`: `(S·T)^p` of two reputers can be
//! 10^-22 and `φ_p(z)` of a tightly clustered negative class 10^-25, far below
//! the 10^-18 resolution of [`Fixed`], and the fractions still come out to 18
//! digits (the reference computes them in a 34-digit decimal whose exponent
//! never runs out). Logarithms are carried at the 30-digit internal scale of
//! the transcendental functions.

use crate::error::{MathError, MathResult};
use crate::fixed::{exp_hp_nonpositive, ln_hp, mul_div, Fixed, GUARD, HP, LN2_HP};
use crate::sorted_map::SortedMap;

/// The natural logarithm of a positive number as `coarse + fine·10^-30`:
/// `coarse` is an exact [`Fixed`] of any size (only the far negative tail of
/// the softplus uses it), `fine` a bounded part at the 30-digit scale
/// (|fine| < 200·10^30 for every constructor here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ln {
    coarse: Fixed,
    fine: i128,
}

/// A term more than this far below the largest (in `coarse`) is e^-9000
/// times smaller or less: its fraction is 0 at any precision.
const NEGLIGIBLE: Fixed = Fixed::from_raw(-10_000 * Fixed::SCALE);

/// Above this the softplus is its argument to more than 40 digits.
const SOFTPLUS_LINEAR: i128 = 100;
/// Below this `e^y < 10^-34`: `ln φ(y) = y` to the 30-digit scale.
const SOFTPLUS_EXPONENTIAL: i128 = -80;

impl Ln {
    /// ln x of a positive number; `None` (a zero term) for x ≤ 0.
    pub(crate) fn of_fixed(x: Fixed) -> MathResult<Option<Ln>> {
        if !x.is_positive() {
            return Ok(None);
        }
        let fine = ln_hp(x.raw(), Fixed::SCALE).ok_or(MathError::Overflow)?;
        Ok(Some(Ln {
            coarse: Fixed::ZERO,
            fine,
        }))
    }

    /// ln n of a positive integer (a stake in base units, up to `u128::MAX`);
    /// `None` for 0. Above `i128::MAX` the lowest bit is dropped
    /// (`ln n = ln(n/2) + ln 2`, a relative error below 2^-127).
    pub(crate) fn of_amount(n: u128) -> MathResult<Option<Ln>> {
        if n == 0 {
            return Ok(None);
        }
        let (v, extra) = match i128::try_from(n) {
            Ok(v) => (v, 0),
            Err(_) => ((n >> 1) as i128, LN2_HP),
        };
        let fine = ln_hp(v, 1)
            .and_then(|l| l.checked_add(extra))
            .ok_or(MathError::Overflow)?;
        Ok(Some(Ln {
            coarse: Fixed::ZERO,
            fine,
        }))
    }

    /// ln(a·b).
    pub(crate) fn times(self, o: Ln) -> MathResult<Ln> {
        Ok(Ln {
            coarse: self.coarse.checked_add(o.coarse)?,
            fine: self.fine.checked_add(o.fine).ok_or(MathError::Overflow)?,
        })
    }

    /// `ln φ(y)` of the softplus `φ(y) = ln(1 + e^y)` (the potential of
    /// MATH.md §1.3 at `y = p(x − c)`), for every `y`:
    /// * `y > 100`: `φ(y) = y` to 40 digits, so `ln y`;
    /// * `0 ≤ y ≤ 100`: `φ(y) = y + ln(1 + e^{-y})` at 30 digits, then its ln;
    /// * `y < 0`: `φ(y) = e^y · g(e^y)` with `g(w) = ln(1+w)/w ∈ (ln 2, 1]`, so
    ///   `ln φ = y + ln g`: `y` exact in `coarse`, `ln g` at 30 digits — from
    ///   `ln(1+w)` while `w ≥ 1/10`, from the series `1 − w/2 + w²/3 − …`
    ///   below (where `ln(1+w)` itself would lose digits), and 0 once
    ///   `w < 10^-34`.
    pub(crate) fn of_softplus(y: Fixed) -> MathResult<Ln> {
        let overflow = || MathError::Overflow;
        if y > Fixed::from_int(SOFTPLUS_LINEAR)? {
            return Ok(Ln {
                coarse: Fixed::ZERO,
                fine: ln_hp(y.raw(), Fixed::SCALE).ok_or_else(overflow)?,
            });
        }
        if !y.is_negative() {
            // y ≤ 100: y·10^30 fits
            let y_hp = y.raw().checked_mul(GUARD).ok_or_else(overflow)?;
            let tail = exp_hp_nonpositive(-y_hp).ok_or_else(overflow)?;
            let softplus = ln_hp(HP + tail, HP)
                .and_then(|l| l.checked_add(y_hp))
                .ok_or_else(overflow)?;
            return Ok(Ln {
                coarse: Fixed::ZERO,
                fine: ln_hp(softplus, HP).ok_or_else(overflow)?,
            });
        }
        if y < Fixed::from_int(SOFTPLUS_EXPONENTIAL)? {
            return Ok(Ln { coarse: y, fine: 0 });
        }
        let y_hp = y.raw().checked_mul(GUARD).ok_or_else(overflow)?;
        let w = exp_hp_nonpositive(y_hp).ok_or_else(overflow)?;
        let ln_g = if w >= HP / 10 {
            let softplus = ln_hp(HP + w, HP).ok_or_else(overflow)?;
            ln_hp(softplus, HP)
                .and_then(|l| l.checked_sub(y_hp))
                .ok_or_else(overflow)?
        } else {
            // g(w) = Σ (−w)^n/(n+1); w < 1/10, so at most about 30 terms
            let mut g = HP;
            let mut power = HP;
            let mut n: i128 = 1;
            loop {
                power = mul_div(power, w, HP).ok_or_else(overflow)?;
                if power == 0 {
                    break;
                }
                let term = power / (n + 1);
                g = if n % 2 == 1 { g - term } else { g + term };
                n += 1;
            }
            ln_hp(g, HP).ok_or_else(overflow)?
        };
        Ok(Ln {
            coarse: y,
            fine: ln_g,
        })
    }
}

/// `x_k^power / Σ_j x_j^power` for terms given by their logarithms (`None`
/// is a zero term: fraction 0). With every term zero every fraction is 0 —
/// a class that earned nothing pays nothing, without an error. Each fraction
/// is truncated, so they sum to at most one, and to at least
/// `1 − n·10^-18` when some term is positive. `power` must be positive.
pub(crate) fn power_fractions(
    terms: &SortedMap<u32, Option<Ln>>,
    power: Fixed,
) -> MathResult<SortedMap<u32, Fixed>> {
    if !power.is_positive() {
        return Err(MathError::InvalidParam("reward exponent must be positive"));
    }
    let Some(top) = terms.values().flatten().map(|l| l.coarse).max() else {
        return Ok(terms.keys().map(|k| (*k, Fixed::ZERO)).collect());
    };
    // ln x_k − top at the 30-digit scale (None when negligible)
    let relative = |l: &Ln| -> MathResult<Option<i128>> {
        match l.coarse.checked_sub(top) {
            Ok(d) if d >= NEGLIGIBLE => d
                .raw()
                .checked_mul(GUARD)
                .and_then(|d| d.checked_add(l.fine))
                .map(Some)
                .ok_or(MathError::Overflow),
            _ => Ok(None),
        }
    };
    let rel: SortedMap<u32, Option<i128>> = terms
        .iter()
        .map(|(k, l)| Ok((*k, l.as_ref().map(relative).transpose()?.flatten())))
        .collect::<MathResult<_>>()?;
    let Some(max) = rel.values().flatten().copied().max() else {
        return Ok(terms.keys().map(|k| (*k, Fixed::ZERO)).collect());
    };
    // e^{p(ln x_k − ln x_max)} ∈ (0, 1] at the 30-digit scale; the largest is exactly 1
    let mut scaled = SortedMap::new();
    let mut sum: i128 = 0;
    for (k, r) in &rel {
        let e = match r {
            Some(r) => {
                let d = mul_div(power.raw(), r - max, Fixed::SCALE).ok_or(MathError::Overflow)?;
                exp_hp_nonpositive(d).ok_or(MathError::Overflow)?
            }
            None => 0,
        };
        sum = sum.checked_add(e).ok_or(MathError::Overflow)?;
        scaled.insert(*k, e);
    }
    scaled
        .into_iter()
        .map(|(k, e)| {
            mul_div(e, Fixed::SCALE, sum)
                .map(|f| (k, Fixed::from_raw(f)))
                .ok_or(MathError::Overflow)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Fixed {
        s.parse().unwrap()
    }

    /// `ln φ(y)` at the 30-digit scale against `ln(ln(1 + e^y))` from Python's
    /// decimal at 80 digits, rounded to 30 decimals, across every branch.
    #[test]
    fn softplus_logarithm_keeps_its_digits() {
        let cases: [(&str, i128); 12] = [
            ("150", 5_010_635_294_096_255_750_013_996_024_833),
            ("3", 1_114_678_319_907_568_100_187_651_550_586),
            ("0.5", -26_264_939_263_746_709_242_467_843_160),
            ("-1", -1_160_716_375_388_897_577_353_651_462_531),
            ("-2.5", -2_539_704_169_955_983_521_713_278_442_432),
            ("-5", -5_003_359_553_239_908_338_758_683_119_890),
            ("-13", -13_000_001_130_163_639_098_423_175_446_689),
            ("-14.5", -14_500_000_252_173_778_290_925_753_735_707),
            ("-20", -20_000_000_001_030_576_810_334_205_111_892),
            ("-60", -60_000_000_000_000_000_000_000_000_004_378),
            ("-79", -79_000_000_000_000_000_000_000_000_000_000),
            ("-1000", -1_000_000_000_000_000_000_000_000_000_000_000),
        ];
        for (y, want) in cases {
            let l = Ln::of_softplus(f(y)).unwrap();
            let got = l.coarse.raw() * GUARD + l.fine;
            // 10^-27 absolute: a few units of the 30-digit scale per series term
            assert!((got - want).abs() <= 1_000, "{y}: {got} vs {want}");
        }
    }

    #[test]
    fn fractions_of_tiny_and_huge_terms() {
        let t = |x: &str| Ln::of_fixed(f(x)).unwrap().unwrap();
        // 10^-22 and 3·10^-22, far below Fixed's resolution: a quarter and three quarters
        let small = t("0.0001");
        let terms: SortedMap<u32, Option<Ln>> = [
            (1, Some(t("0.000000000000000001").times(small).unwrap())),
            (2, Some(t("0.000000000000000003").times(small).unwrap())),
        ]
        .into_iter()
        .collect();
        let fr = power_fractions(&terms, Fixed::ONE).unwrap();
        assert!(
            (fr[&1].raw() - 250_000_000_000_000_000).abs() <= 1,
            "{}",
            fr[&1]
        );
        assert!(
            (fr[&2].raw() - 750_000_000_000_000_000).abs() <= 1,
            "{}",
            fr[&2]
        );
        // u128::MAX and u128::MAX/2 with p = 3: 8/9 and 1/9
        let big: SortedMap<u32, Option<Ln>> = [
            (1, Ln::of_amount(u128::MAX).unwrap()),
            (2, Ln::of_amount(u128::MAX / 2).unwrap()),
            (3, None),
        ]
        .into_iter()
        .collect();
        let fr = power_fractions(&big, f("3")).unwrap();
        assert!(
            (fr[&1].raw() - 888_888_888_888_888_888).abs() <= 1,
            "{}",
            fr[&1]
        );
        assert!(
            (fr[&2].raw() - 111_111_111_111_111_111).abs() <= 1,
            "{}",
            fr[&2]
        );
        assert_eq!(fr[&3], Fixed::ZERO);
        // every term zero: zero fractions, no error
        let none: SortedMap<u32, Option<Ln>> = [(1, None), (2, None)].into_iter().collect();
        assert_eq!(
            power_fractions(&none, Fixed::ONE).unwrap(),
            [(1, Fixed::ZERO), (2, Fixed::ZERO)].into_iter().collect()
        );
    }
}
