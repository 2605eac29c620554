//! `Fixed`: the one number type of the package (MATH.md §1.4).
//!
//! A signed decimal fixed-point number with 18 fractional digits, stored as
//! `raw / 10^18` in an `i128` (range about ±1.7·10^20, resolution 10^-18).
//! Every operation is integer-only, checked and rounds toward zero
//! (truncation, as the chain's decimal does), so it gives the same bits
//! natively and in wasm32. Products and quotients go through an exact
//! 256-bit intermediate. `exp`, `ln`, `pow` and the two logistic helpers work
//! internally with 30 fractional digits (12 guard digits) and truncate once
//! at the end; `sqrt` is the exact floor of the square root.

use crate::error::{MathError, MathResult};
use crate::wide::U256;

mod text;
pub(crate) use text::lit;

/// 10^18: one unit.
const SCALE: i128 = 1_000_000_000_000_000_000;
/// 10^12: guard digits of the high-precision internal scale.
pub(crate) const GUARD: i128 = 1_000_000_000_000;
/// 10^30: internal scale of the transcendental functions.
pub(crate) const HP: i128 = 1_000_000_000_000_000_000_000_000_000_000;
/// ln 2 · 10^30, truncated.
pub(crate) const LN2_HP: i128 = 693_147_180_559_945_309_417_232_121_458;
/// sqrt 2 · 10^30, truncated.
const SQRT2_HP: i128 = 1_414_213_562_373_095_048_801_688_724_209;

/// Signed 18-decimal fixed-point number (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fixed(i128);

/// `a · b / d` rounded toward zero, exact through 256 bits; `None` on
/// overflow of the result or `d = 0`. The magnitudes' product is always taken in 256 bits
/// (no i128 overflow check, a call on wasm32), and a division by 10^18, that of every
/// `Fixed` product, takes native 64-bit divisions only.
pub(crate) fn mul_div(a: i128, b: i128, d: i128) -> Option<i128> {
    if d == 0 {
        return None;
    }
    let negative = (a < 0) ^ (b < 0) ^ (d < 0);
    let product = U256::mul(a.unsigned_abs(), b.unsigned_abs());
    let q = if d == SCALE {
        product.div_e18()?
    } else {
        product.div_u128(d.unsigned_abs())?.to_u128()?
    };
    if negative {
        if q <= i128::MAX as u128 {
            Some(-(q as i128))
        } else if q == 1u128 << 127 {
            Some(i128::MIN)
        } else {
            None
        }
    } else {
        i128::try_from(q).ok()
    }
}

fn pow2(k: u32) -> Option<i128> {
    if k < 127 {
        Some(1i128 << k)
    } else {
        None
    }
}

/// Fractional bits of the binary scale used inside the series: products
/// are rescaled by a shift instead of a 256-bit division.
const BIN: u32 = 100;
const BIN_ONE: u128 = 1u128 << BIN;
/// floor(2^227 / 10^30): `x·2^100/10^30 = (x·C) >> 127` converts an HP value
/// to the binary scale with one widening multiply.
const HP_TO_BIN: u128 = 215_679_573_337_205_118_357_336_120_696_157_045_389;

/// `(a·b) >> s` through 256 bits, if the result fits u128.
fn mul_shr(a: u128, b: u128, s: u32) -> Option<u128> {
    U256::mul(a, b).shr(s).to_u128()
}

/// ln 2 / 32 · 10^30, rounded: the step of the table reduction in [`exp_parts`].
const LN2_32ND_HP: i128 = 21_660_849_392_498_290_919_288_503_796;
/// The same step · 10^36, rounded: the reduction subtracts q steps at this precision,
/// so its error does not grow with q (up to 3,700 steps).
const LN2_32ND_E36: i128 = 21_660_849_392_498_290_919_288_503_795_568_018;

/// 2^(j/32) for j = 0..32 in binary fixed point (· 2^BIN), rounded (computed to 80
/// digits; `tests::exp2_table_is_two_to_the_j_32nds` checks it).
const EXP2_32NDS: [u128; 32] = [
    1_267_650_600_228_229_401_496_703_205_376,
    1_295_408_533_862_907_174_262_462_278_505,
    1_323_774_287_096_714_591_494_552_121_732,
    1_352_761_169_445_768_680_626_187_857_299,
    1_382_382_781_866_639_398_002_081_157_355,
    1_412_653_023_138_064_550_485_909_735_825,
    1_443_586_096_382_406_077_374_420_163_606,
    1_475_196_515_729_907_629_957_926_836_773,
    1_507_499_113_128_880_389_969_770_996_486,
    1_540_509_045_305_012_539_264_524_809_300,
    1_574_241_800_873_067_763_483_740_987_709,
    1_608_713_207_604_309_675_039_730_474_480,
    1_643_939_439_853_062_109_021_974_031_427,
    1_679_937_026_145_889_913_891_757_268_359,
    1_716_722_856_936_961_162_113_612_847_391,
    1_754_314_192_533_229_679_979_478_318_382,
    1_792_728_671_193_156_477_399_422_023_279,
    1_831_984_317_402_770_084_748_776_894_219,
    1_872_099_550_332_949_013_181_654_890_190,
    1_913_093_192_481_894_586_187_800_095_541,
    1_954_984_478_506_849_283_481_206_921_517,
    1_997_793_064_249_204_534_336_156_542_273,
    2_041_539_035_957_232_637_893_359_464_947,
    2_086_242_919_710_770_215_322_108_676_856,
    2_131_925_691_052_275_356_552_421_013_298,
    2_178_608_784_828_777_457_045_465_049_940,
    2_226_314_105_249_337_693_186_110_431_378,
    2_275_064_036_162_739_204_788_050_848_074,
    2_324_881_451_560_229_387_346_197_263_982,
    2_375_789_726_308_242_293_538_399_952_595,
    2_427_812_747_116_137_052_616_221_888_350,
    2_480_974_923_744_098_488_364_578_595_462,
];

/// Degree of the Taylor polynomial of e^s for |s| ≤ ln2/64: the first term left out,
/// s^13/13!, is below 2^-117.
const EXP_DEGREE: usize = 12;

/// 1/n! in binary fixed point (· 2^BIN), truncated, n = 0..=EXP_DEGREE.
const INV_FACTORIALS: [u128; EXP_DEGREE + 1] = {
    let mut out = [0u128; EXP_DEGREE + 1];
    let mut factorial: u128 = 1;
    let mut n = 0;
    while n <= EXP_DEGREE {
        if n > 0 {
            factorial *= n as u128;
        }
        out[n] = BIN_ONE / factorial;
        n += 1;
    }
    out
};

/// e^x for x at the HP scale: returns (m, k) with e^x ≈ m·2^k / 2^BIN,
/// m in about [0.98, 1.98]·2^BIN. Table reduction x = (32k + j)·ln2/32 + s with
/// |s| ≤ ln2/64, so e^x = 2^k · 2^(j/32) · e^s; e^s by Horner's rule on its Taylor
/// polynomial in binary fixed point (2^-100). No division: each step is one
/// widening multiply (in wasm a division of u128 is a long library routine).
fn exp_parts(x_hp: i128) -> Option<(u128, i32)> {
    let half = LN2_32ND_HP / 2;
    let q = if x_hp >= 0 {
        x_hp.checked_add(half)? / LN2_32ND_HP
    } else {
        x_hp.checked_sub(half)? / LN2_32ND_HP
    };
    let s_hp = x_hp.checked_sub(q.checked_mul(LN2_32ND_E36)? / 1_000_000)?;
    let s_neg = s_hp < 0;
    let s = mul_shr(s_hp.unsigned_abs(), HP_TO_BIN, 127)?;
    // Σ s^n/n! as c0 + s(c1 + s(c2 + …)); with s < 0 every step subtracts, and never
    // below zero (each inner sum is below 1.02·c_n and |s| < 1/90)
    let mut acc = INV_FACTORIALS[EXP_DEGREE];
    for c in INV_FACTORIALS[..EXP_DEGREE].iter().rev() {
        let t = mul_shr(acc, s, BIN)?;
        acc = if s_neg {
            c.checked_sub(t)?
        } else {
            c.checked_add(t)?
        };
    }
    let j = usize::try_from(q.rem_euclid(32)).ok()?;
    let k = i32::try_from(q.div_euclid(32)).ok()?;
    Some((mul_shr(acc, *EXP2_32NDS.get(j)?, BIN)?, k))
}

/// `m·2^k / 2^BIN` rescaled to `unit` (10^18 or 10^30), truncated.
fn exp_rescale(m: u128, k: i32, unit: i128) -> Option<i128> {
    let shift = i64::from(BIN) - i64::from(k);
    if shift < 0 {
        return None;
    }
    let v = U256::mul(m, unit as u128)
        .shr(u32::try_from(shift).ok()?)
        .to_u128()?;
    i128::try_from(v).ok()
}

/// e^x at the HP scale for x ≤ 0 given at the HP scale (result in (0, HP]).
pub(crate) fn exp_hp_nonpositive(x_hp: i128) -> Option<i128> {
    // e^-80 < 10^-34: below the HP resolution
    if x_hp < -80 * HP {
        return Some(0);
    }
    let (m, k) = exp_parts(x_hp)?;
    exp_rescale(m, k, HP)
}

/// Reduce v (a positive number at scale `unit`) to m·2^k with m at the HP
/// scale in [HP/sqrt2, HP·sqrt2).
fn ln_reduce(v: i128, unit: i128) -> Option<(i128, i32)> {
    if v <= 0 {
        return None;
    }
    let factor = HP / unit; // 10^12 for Fixed, 1 for HP values
                            // find k with v / 2^k in [unit, 2·unit)
    let mut k: i32 = 0;
    if v >= unit {
        while (v >> k) >= 2 * unit {
            k += 1;
        }
    } else {
        // v ≥ 1 and unit ≤ 10^30, so at most 100 doublings; v << s < 2·unit
        let mut s: u32 = 0;
        while (v << s) < unit {
            s += 1;
        }
        k = -(s as i32);
    }
    let mut m = if k >= 0 {
        mul_div(v, factor, pow2(k as u32)?)?
    } else {
        mul_div(v, factor.checked_mul(pow2(k.unsigned_abs())?)?, 1)?
    };
    if m > SQRT2_HP {
        m /= 2;
        k += 1;
    }
    Some((m, k))
}

/// ln of m (HP scale, near 1) via 2·atanh((m−1)/(m+1)), the series in
/// binary fixed point (2^-100).
fn ln_reduced(m: i128) -> Option<i128> {
    let num = m - HP;
    let z = mul_div(num.checked_abs()?, BIN_ONE as i128, m + HP)? as u128;
    let z2 = mul_shr(z, z, BIN)?;
    let mut sum = z;
    let mut t = z;
    let mut n: u128 = 3;
    while t != 0 && n < 200 {
        t = mul_shr(t, z2, BIN)?;
        sum = sum.checked_add(t / n)?;
        n += 2;
    }
    let v = i128::try_from(mul_shr(sum, 2 * HP as u128, BIN)?).ok()?;
    Some(if num < 0 { -v } else { v })
}

/// ln of a positive value at scale `unit`, result at the HP scale.
pub(crate) fn ln_hp(v: i128, unit: i128) -> Option<i128> {
    let (m, k) = ln_reduce(v, unit)?;
    ln_reduced(m)?.checked_add((k as i128).checked_mul(LN2_HP)?)
}

/// e^x for x at the HP scale, result as a Fixed raw value.
fn exp_hp_to_raw(x_hp: i128) -> MathResult<i128> {
    // e^-43 < 10^-18: truncates to zero
    if x_hp < -43 * HP {
        return Ok(0);
    }
    if x_hp > 47 * HP {
        return Err(MathError::Overflow);
    }
    let (m, k) = exp_parts(x_hp).ok_or(MathError::Overflow)?;
    exp_rescale(m, k, SCALE).ok_or(MathError::Overflow)
}

impl Fixed {
    /// Number of fractional decimal digits.
    pub const DECIMALS: u32 = 18;
    /// `raw` of one unit (10^18).
    pub const SCALE: i128 = SCALE;
    pub const ZERO: Fixed = Fixed(0);
    pub const ONE: Fixed = Fixed(SCALE);
    pub const MAX: Fixed = Fixed(i128::MAX);
    pub const MIN: Fixed = Fixed(i128::MIN);

    /// The number `raw / 10^18`.
    pub const fn from_raw(raw: i128) -> Fixed {
        Fixed(raw)
    }

    /// The underlying integer (`value · 10^18`).
    pub const fn raw(self) -> i128 {
        self.0
    }

    /// An integer.
    pub fn from_int(n: i128) -> MathResult<Fixed> {
        n.checked_mul(SCALE).map(Fixed).ok_or(MathError::Overflow)
    }

    /// `num / den`, truncated.
    pub fn from_ratio(num: i128, den: i128) -> MathResult<Fixed> {
        if den == 0 {
            return Err(MathError::DivisionByZero("from_ratio"));
        }
        mul_div(num, SCALE, den)
            .map(Fixed)
            .ok_or(MathError::Overflow)
    }

    /// `num / den` for unsigned amounts (e.g. token base units), truncated.
    pub fn from_ratio_u128(num: u128, den: u128) -> MathResult<Fixed> {
        if den == 0 {
            return Err(MathError::DivisionByZero("from_ratio_u128"));
        }
        U256::mul(num, SCALE as u128)
            .div_u128(den)
            .and_then(U256::to_u128)
            .and_then(|q| i128::try_from(q).ok())
            .map(Fixed)
            .ok_or(MathError::Overflow)
    }

    /// A token amount in base units (10^18 per whole token) as a number of
    /// whole tokens: exact, `raw == amount`.
    pub fn from_base_units(amount: u128) -> MathResult<Fixed> {
        i128::try_from(amount)
            .map(Fixed)
            .map_err(|_| MathError::Overflow)
    }

    /// Inverse of [`Fixed::from_base_units`]; negative values are refused.
    pub fn to_base_units(self) -> MathResult<u128> {
        u128::try_from(self.0).map_err(|_| MathError::InvalidSign("token amount"))
    }

    /// Integer part, truncated toward zero.
    pub fn trunc_int(self) -> i128 {
        self.0 / SCALE
    }

    /// `trunc(self · n)` for a non-negative factor and an integer amount
    /// (used to turn a fraction of a budget into base units).
    pub fn mul_floor_u128(self, n: u128) -> MathResult<u128> {
        let f =
            u128::try_from(self.0).map_err(|_| MathError::InvalidSign("fraction of an amount"))?;
        U256::mul(f, n)
            .div_u128(SCALE as u128)
            .and_then(U256::to_u128)
            .ok_or(MathError::Overflow)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn checked_add(self, o: Fixed) -> MathResult<Fixed> {
        self.0
            .checked_add(o.0)
            .map(Fixed)
            .ok_or(MathError::Overflow)
    }
    pub fn checked_sub(self, o: Fixed) -> MathResult<Fixed> {
        self.0
            .checked_sub(o.0)
            .map(Fixed)
            .ok_or(MathError::Overflow)
    }
    /// Product, truncated toward zero.
    pub fn checked_mul(self, o: Fixed) -> MathResult<Fixed> {
        mul_div(self.0, o.0, SCALE)
            .map(Fixed)
            .ok_or(MathError::Overflow)
    }
    /// Quotient, truncated toward zero.
    pub fn checked_div(self, o: Fixed) -> MathResult<Fixed> {
        if o.0 == 0 {
            return Err(MathError::DivisionByZero("Fixed::checked_div"));
        }
        mul_div(self.0, SCALE, o.0)
            .map(Fixed)
            .ok_or(MathError::Overflow)
    }
    /// Multiplication by an integer.
    pub fn checked_mul_int(self, n: i128) -> MathResult<Fixed> {
        self.0.checked_mul(n).map(Fixed).ok_or(MathError::Overflow)
    }
    /// Division by an integer, truncated toward zero.
    pub fn checked_div_int(self, n: i128) -> MathResult<Fixed> {
        if n == 0 {
            return Err(MathError::DivisionByZero("Fixed::checked_div_int"));
        }
        self.0.checked_div(n).map(Fixed).ok_or(MathError::Overflow)
    }
    pub fn checked_neg(self) -> MathResult<Fixed> {
        self.0.checked_neg().map(Fixed).ok_or(MathError::Overflow)
    }
    pub fn checked_abs(self) -> MathResult<Fixed> {
        self.0.checked_abs().map(Fixed).ok_or(MathError::Overflow)
    }
    pub fn min(self, o: Fixed) -> Fixed {
        if o < self {
            o
        } else {
            self
        }
    }
    pub fn max(self, o: Fixed) -> Fixed {
        if o > self {
            o
        } else {
            self
        }
    }
    /// Clamp into `[lo, hi]`.
    pub fn clamp_to(self, lo: Fixed, hi: Fixed) -> Fixed {
        self.max(lo).min(hi)
    }

    /// Sum of a sequence, checked.
    pub fn sum<I: IntoIterator<Item = Fixed>>(items: I) -> MathResult<Fixed> {
        items
            .into_iter()
            .try_fold(Fixed::ZERO, |a, b| a.checked_add(b))
    }

    /// e^self (error below 10^-18 relative plus the final truncation).
    pub fn exp(self) -> MathResult<Fixed> {
        if self.0 < -43 * SCALE {
            return Ok(Fixed::ZERO);
        }
        if self.0 > 47 * SCALE {
            return Err(MathError::Overflow);
        }
        exp_hp_to_raw(self.0 * GUARD).map(Fixed)
    }

    /// Natural logarithm of a positive number.
    pub fn ln(self) -> MathResult<Fixed> {
        if self.0 <= 0 {
            return Err(MathError::Domain("ln of a non-positive number"));
        }
        ln_hp(self.0, SCALE)
            .map(|v| Fixed(v / GUARD))
            .ok_or(MathError::Overflow)
    }

    /// Square root (exact floor at 18 digits) of a non-negative number.
    pub fn sqrt(self) -> MathResult<Fixed> {
        if self.0 < 0 {
            return Err(MathError::Domain("sqrt of a negative number"));
        }
        let r = U256::mul(self.0 as u128, SCALE as u128).isqrt();
        i128::try_from(r)
            .map(Fixed)
            .map_err(|_| MathError::Overflow)
    }

    /// self^n for an integer exponent (square and multiply, truncating).
    pub fn powi(self, n: u32) -> MathResult<Fixed> {
        let mut result = Fixed::ONE;
        let mut base = self;
        let mut e = n;
        while e > 0 {
            if e & 1 == 1 {
                result = result.checked_mul(base)?;
            }
            e >>= 1;
            if e > 0 {
                base = base.checked_mul(base)?;
            }
        }
        Ok(result)
    }

    /// self^y for self ≥ 0: `y = 1/2` is the exact square root, integer
    /// exponents up to 64 go by multiplication,
    /// otherwise e^{y·ln self} at 30 internal digits.
    pub fn pow(self, y: Fixed) -> MathResult<Fixed> {
        if self.0 < 0 {
            return Err(MathError::Domain("pow of a negative base"));
        }
        if y.0 == 0 {
            return Ok(Fixed::ONE);
        }
        if self.0 == 0 {
            return if y.0 > 0 {
                Ok(Fixed::ZERO)
            } else {
                Err(MathError::DivisionByZero("0^negative"))
            };
        }
        if y.0 == SCALE / 2 {
            return self.sqrt();
        }
        if y.0 > 0 && y.0 % SCALE == 0 && y.0 <= 64 * SCALE {
            return self.powi((y.0 / SCALE) as u32);
        }
        let ln = ln_hp(self.0, SCALE).ok_or(MathError::Overflow)?;
        let t = mul_div(y.0, ln, SCALE).ok_or(MathError::Overflow)?;
        exp_hp_to_raw(t).map(Fixed)
    }

    /// Softplus `ln(1 + e^self)` (the potential of MATH.md §1.3 at p(x−c)).
    /// Accurate for every argument: z + ln(1 + e^{−z}) for z ≥ 0.
    pub fn softplus(self) -> MathResult<Fixed> {
        let neg_abs = self
            .0
            .checked_abs()
            .map(|a| -a)
            .ok_or(MathError::Overflow)?;
        let t = if neg_abs < -80 * SCALE {
            0
        } else {
            exp_hp_nonpositive(neg_abs * GUARD).ok_or(MathError::Overflow)?
        };
        let l = ln_hp(HP + t, HP).ok_or(MathError::Overflow)?;
        let l = Fixed(l / GUARD);
        if self.0 >= 0 {
            self.checked_add(l)
        } else {
            Ok(l)
        }
    }

    /// `p / (1 + e^self)`: the scaled logistic of MATH.md §1.3 with
    /// `self = p(c − x)`. Accurate for every argument.
    pub fn scaled_logistic(self, p: Fixed) -> MathResult<Fixed> {
        let neg_abs = self
            .0
            .checked_abs()
            .map(|a| -a)
            .ok_or(MathError::Overflow)?;
        let t = if neg_abs < -80 * SCALE {
            0
        } else {
            exp_hp_nonpositive(neg_abs * GUARD).ok_or(MathError::Overflow)?
        };
        let num = if self.0 >= 0 { t } else { HP };
        mul_div(p.0, num, HP + t)
            .map(Fixed)
            .ok_or(MathError::Overflow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Fixed {
        s.parse().unwrap()
    }

    /// `a·b/d` toward zero in 512-bit integers, where it fits an i128: the reference.
    fn wide_mul_div(a: i128, b: i128, d: i128) -> Option<i128> {
        use bnum::types::I512;
        let q = (I512::from(a) * I512::from(b)).checked_div(I512::from(d))?;
        i128::try_from(q).ok()
    }

    proptest::proptest! {
        #[test]
        fn products_and_quotients_match_wide_integers(
            a in proptest::prelude::any::<i128>(),
            b in proptest::prelude::any::<i128>(),
            d in proptest::prelude::any::<i128>(),
            sa in 0u32..127, sb in 0u32..127, sd in 0u32..127,
        ) {
            let (a, b, d) = (a >> sa, b >> sb, d >> sd);
            for d in [d, SCALE, -SCALE, 1, -1] {
                proptest::prop_assert_eq!(mul_div(a, b, d), wide_mul_div(a, b, d), "{} {} {}", a, b, d);
            }
        }
    }

    #[test]
    fn products_and_quotients_at_the_edges() {
        let values = [
            i128::MIN,
            i128::MIN + 1,
            -SCALE,
            -1,
            0,
            1,
            SCALE,
            i128::MAX - 1,
            i128::MAX,
        ];
        for a in values {
            for b in values {
                for d in values {
                    assert_eq!(mul_div(a, b, d), wide_mul_div(a, b, d), "{a} {b} {d}");
                }
            }
        }
    }

    #[test]
    fn parse_and_display() {
        assert_eq!(f("1.5").raw(), 1_500_000_000_000_000_000);
        assert_eq!(f("-0.000000000000000001").raw(), -1);
        assert_eq!(f("1.5e-7"), f("0.00000015"));
        assert_eq!(f("3E+02"), Fixed::from_int(300).unwrap());
        assert_eq!(f("0.1234567890123456789").raw(), 123_456_789_012_345_678);
        assert_eq!(f("1e-19"), Fixed::ZERO);
        assert_eq!(f("-12.25").to_string(), "-12.25");
        assert_eq!(Fixed::from_raw(1).to_string(), "0.000000000000000001");
        assert_eq!(Fixed::MIN.to_string().parse::<Fixed>(), Ok(Fixed::MIN));
        assert!(matches!(
            "nan".parse::<Fixed>(),
            Err(MathError::NonFinite(_))
        ));
        assert!(matches!(
            "-inf".parse::<Fixed>(),
            Err(MathError::NonFinite(_))
        ));
        assert!("1e40".parse::<Fixed>().is_err());
        assert!("abc".parse::<Fixed>().is_err());
        assert!("".parse::<Fixed>().is_err());
        assert!("1.2.3".parse::<Fixed>().is_err());
    }

    #[test]
    fn mul_div_truncate_toward_zero() {
        let third = Fixed::ONE.checked_div(Fixed::from_int(3).unwrap()).unwrap();
        assert_eq!(third.raw(), 333_333_333_333_333_333);
        assert_eq!(third.checked_neg().unwrap().raw(), -333_333_333_333_333_333);
        let big = Fixed::from_int(10_000_000_000).unwrap();
        assert_eq!(
            big.checked_mul(big).unwrap(),
            Fixed::from_int(100_000_000_000_000_000_000).unwrap()
        );
        assert_eq!(
            Fixed::MAX.checked_mul(Fixed::from_int(2).unwrap()),
            Err(MathError::Overflow)
        );
        assert!(Fixed::ONE.checked_div(Fixed::ZERO).is_err());
        assert_eq!(
            Fixed::from_ratio(-1, 3).unwrap().raw(),
            -333_333_333_333_333_333
        );
    }

    fn close(a: Fixed, b: &str, ulps: i128) {
        let b = f(b);
        assert!((a.raw() - b.raw()).abs() <= ulps, "{a} vs {b}");
    }

    /// e^x at the HP scale against values computed to 90 digits (truncated): the table
    /// reduction and Horner's rule keep the error within a few units of 10^-30.
    #[test]
    fn exp_at_the_internal_scale_keeps_its_digits() {
        let cases: [(&str, i128); 12] = [
            ("0", 1_000_000_000_000_000_000_000_000_000_000),
            ("-0.0108", 989_258_110_613_648_160_532_255_320_205),
            ("-0.25", 778_800_783_071_404_868_245_170_266_978),
            ("-0.5", 606_530_659_712_633_423_603_799_534_991),
            (
                "-0.6931471805599453",
                500_000_000_000_000_004_708_616_060_729,
            ),
            ("-1", 367_879_441_171_442_321_595_523_770_161),
            ("-3.75", 23_517_745_856_009_108_236_151_185_100),
            ("-10.8303", 19_790_668_880_646_004_303_707_610),
            ("-17.25", 32_241_867_372_567_333_106_747),
            ("-31.4159", 22_711_613_348_298_464),
            ("-50.5", 116_984_591),
            ("-69.0776", 0),
        ];
        for (x, want) in cases {
            let got = exp_hp_nonpositive(f(x).raw() * GUARD).unwrap();
            assert!((got - want).abs() <= 30, "e^{x}: {got} vs {want}");
        }
    }

    /// The table of 2^(j/32): every product of two entries is the entry of the sum of
    /// their indices (times 2 past 32), within the product's rounding; with entry 0 at 1
    /// this pins each entry to 2^(j/32).
    #[test]
    fn exp2_table_is_two_to_the_j_32nds() {
        assert_eq!(EXP2_32NDS[0], BIN_ONE);
        for (a, ta) in EXP2_32NDS.iter().enumerate() {
            for (b, tb) in EXP2_32NDS.iter().enumerate() {
                let got = mul_shr(*ta, *tb, BIN).unwrap();
                let want = EXP2_32NDS[(a + b) % 32] << ((a + b) / 32);
                assert!(
                    got.abs_diff(want) <= 4,
                    "2^({a}/32)·2^({b}/32): {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn transcendental_values() {
        close(Fixed::ONE.exp().unwrap(), "2.718281828459045235", 1);
        close(f("-1").exp().unwrap(), "0.367879441171442321", 1);
        close(f("17.25").exp().unwrap(), "31015573.274482230832018317", 2);
        close(f("-40").exp().unwrap(), "0.000000000000000004", 1);
        close(
            f("40").exp().unwrap(),
            "235385266837019985.407899910749034804",
            10_000_000,
        );
        close(f("2").ln().unwrap(), "0.693147180559945309", 1);
        close(f("10").ln().unwrap(), "2.302585092994045684", 1);
        close(f("0.000001").ln().unwrap(), "-13.815510557964274104", 1);
        close(
            f("123456789012.5").ln().unwrap(),
            "25.539157045251405086",
            1,
        );
        close(f("2").sqrt().unwrap(), "1.414213562373095048", 0);
        close(f("1e20").sqrt().unwrap(), "10000000000", 0);
        close(f("2").pow(f("0.5")).unwrap(), "1.414213562373095048", 1);
        close(f("0.3").pow(f("0.25")).unwrap(), "0.740082804492285250", 1);
        close(f("1.1").pow(f("3")).unwrap(), "1.331", 0);
        close(Fixed::ZERO.softplus().unwrap(), "0.693147180559945309", 1);
        close(f("50").softplus().unwrap(), "50.000000000000000000", 1);
        close(f("-3").softplus().unwrap(), "0.048587351573742058", 1);
        close(Fixed::ZERO.scaled_logistic(f("3")).unwrap(), "1.5", 0);
    }
}
