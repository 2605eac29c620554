//! A minimal unsigned 256-bit integer: just what `Fixed` needs for exact
//! widening multiplication, division and square roots. Integer-only code,
//! identical natively and in wasm32.

use core::cmp::Ordering;

/// `hi · 2^128 + lo`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct U256 {
    pub hi: u128,
    pub lo: u128,
}

const MASK64: u128 = (1u128 << 64) - 1;

/// The 128-bit product of two u64 from four native 32×32→64 products. On wasm32 a u128
/// product is a call to compiler-rt's `__multi3`, and CosmWasm prices a call 14 times a
/// plain operation: this is the inner step of every `Fixed` product, so it stays inline.
#[inline(always)]
fn mul_64(a: u64, b: u64) -> u128 {
    const M32: u64 = 0xffff_ffff;
    let (a1, a0) = (a >> 32, a & M32);
    let (b1, b0) = (b >> 32, b & M32);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // a·b = p11·2^64 + (p01 + p10)·2^32 + p00, the middle column summed in halves
    let mid = (p00 >> 32) + (p01 & M32) + (p10 & M32);
    let lo = (p00 & M32) | (mid << 32);
    let hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    (u128::from(hi) << 64) | u128::from(lo)
}

/// `floor(x / d)` and the remainder for `d < 2^32`, by long division in 32-bit digits:
/// native 64-bit divisions only (a u128 division is a call on wasm32).
#[inline(always)]
fn div_rem_small(x: U256, d: u64) -> (U256, u64) {
    let digits = [x.hi, x.lo].map(|h| [h >> 96, h >> 64, h >> 32, h].map(|v| v as u32));
    let mut q = [0u128; 2];
    let mut r = 0u64;
    for (half, q) in digits.iter().zip(q.iter_mut()) {
        for digit in half {
            // r < d < 2^32, so the running value fits 64 bits
            let cur = (r << 32) | u64::from(*digit);
            *q = (*q << 32) | u128::from(cur / d);
            r = cur % d;
        }
    }
    (U256 { hi: q[0], lo: q[1] }, r)
}

impl U256 {
    pub const ZERO: U256 = U256 { hi: 0, lo: 0 };

    pub fn from_u128(x: u128) -> U256 {
        U256 { hi: 0, lo: x }
    }

    /// Full 256-bit product of two u128.
    pub fn mul(a: u128, b: u128) -> U256 {
        let (a1, a0) = ((a >> 64) as u64, a as u64);
        let (b1, b0) = ((b >> 64) as u64, b as u64);
        let p00 = mul_64(a0, b0);
        let p01 = mul_64(a0, b1);
        let p10 = mul_64(a1, b0);
        let p11 = mul_64(a1, b1);
        // middle = p01 + p10 + (p00 >> 64), may carry into bit 128
        let (mid, c1) = p01.overflowing_add(p10);
        let (mid, c2) = mid.overflowing_add(p00 >> 64);
        let carry = (c1 as u128 + c2 as u128) << 64;
        let lo = (mid << 64) | (p00 & MASK64);
        let hi = p11 + (mid >> 64) + carry;
        U256 { hi, lo }
    }

    /// Checked addition.
    pub fn checked_add(self, o: U256) -> Option<U256> {
        let (lo, c) = self.lo.overflowing_add(o.lo);
        let hi = self.hi.checked_add(o.hi)?.checked_add(c as u128)?;
        Some(U256 { hi, lo })
    }

    /// The full 384-bit product with a u128, in base 2^128 (lowest limb first).
    pub fn mul_u128(self, c: u128) -> [u128; 3] {
        let low = U256::mul(self.lo, c);
        let high = U256::mul(self.hi, c);
        let (middle, carry) = low.hi.overflowing_add(high.lo);
        // the product is below 2^384: its top limb cannot overflow
        [low.lo, middle, high.hi + u128::from(carry)]
    }

    /// Checked product with a u128.
    pub fn checked_mul_u128(self, c: u128) -> Option<U256> {
        let [lo, hi, top] = self.mul_u128(c);
        (top == 0).then_some(U256 { hi, lo })
    }

    pub fn wrapping_sub(self, o: U256) -> U256 {
        let (lo, b) = self.lo.overflowing_sub(o.lo);
        let hi = self.hi.wrapping_sub(o.hi).wrapping_sub(b as u128);
        U256 { hi, lo }
    }

    fn shl(self, n: u32) -> U256 {
        match n {
            0 => self,
            1..=127 => U256 {
                hi: (self.hi << n) | (self.lo >> (128 - n)),
                lo: self.lo << n,
            },
            128..=255 => U256 {
                hi: self.lo << (n - 128),
                lo: 0,
            },
            _ => U256::ZERO,
        }
    }

    pub fn shr(self, n: u32) -> U256 {
        match n {
            0 => self,
            1..=127 => U256 {
                hi: self.hi >> n,
                lo: (self.lo >> n) | (self.hi << (128 - n)),
            },
            128..=255 => U256 {
                hi: 0,
                lo: self.hi >> (n - 128),
            },
            _ => U256::ZERO,
        }
    }

    pub fn bits(self) -> u32 {
        if self.hi != 0 {
            256 - self.hi.leading_zeros()
        } else {
            128 - self.lo.leading_zeros()
        }
    }

    /// `floor(self / 10^18)` if it fits a u128: two long divisions by 10^9 (exact:
    /// `⌊⌊x/a⌋/b⌋ = ⌊x/(ab)⌋`), the divisor of every `Fixed` product.
    pub fn div_e18(self) -> Option<u128> {
        const E9: u64 = 1_000_000_000;
        div_rem_small(div_rem_small(self, E9).0, E9).0.to_u128()
    }

    /// Quotient of a division by a non-zero u128 (`None` for d = 0): [`U256::div_rem_u128`]
    /// without the remainder, which a 128-bit dividend then does not compute (on wasm32 each
    /// u128 division or remainder is a call to compiler-rt).
    pub fn div_u128(self, d: u128) -> Option<U256> {
        if self.hi == 0 {
            return self.lo.checked_div(d).map(U256::from_u128);
        }
        self.div_rem_u128(d).map(|(q, _)| q)
    }

    /// Quotient and remainder of a division by a non-zero u128 (`None` for
    /// d = 0): long division in base 2^64 on the normalised divisor
    /// (Knuth's algorithm D for a two-digit divisor).
    pub fn div_rem_u128(self, d: u128) -> Option<(U256, u128)> {
        if d == 0 {
            return None;
        }
        if self.hi == 0 {
            return Some((U256::from_u128(self.lo / d), self.lo % d));
        }
        let q_hi = self.hi / d;
        let (q_lo, rem) = div_2by1(self.hi % d, self.lo, d);
        Some((U256 { hi: q_hi, lo: q_lo }, rem))
    }

    /// The value as u128 if it fits.
    pub fn to_u128(self) -> Option<u128> {
        if self.hi == 0 {
            Some(self.lo)
        } else {
            None
        }
    }

    /// floor(sqrt(self)), digit by digit.
    pub fn isqrt(self) -> u128 {
        if self.hi == 0 {
            return isqrt_u128(self.lo);
        }
        let mut rem = self;
        let mut res = U256::ZERO;
        // highest power of four not above self
        let mut bit_pos = (self.bits() - 1) & !1;
        loop {
            let bit = U256::ZERO.with_bit(bit_pos);
            let cand = match res.checked_add(bit) {
                Some(c) => c,
                None => break,
            };
            if rem.cmp_u(cand) != Ordering::Less {
                rem = rem.wrapping_sub(cand);
                res = res.shr(1).checked_add(bit).unwrap_or(res);
            } else {
                res = res.shr(1);
            }
            if bit_pos < 2 {
                break;
            }
            bit_pos -= 2;
        }
        res.lo
    }

    fn with_bit(self, n: u32) -> U256 {
        let one = U256::from_u128(1).shl(n);
        U256 {
            hi: self.hi | one.hi,
            lo: self.lo | one.lo,
        }
    }

    pub fn cmp_u(self, o: U256) -> Ordering {
        self.hi.cmp(&o.hi).then(self.lo.cmp(&o.lo))
    }
}

/// `(hi·2^128 + lo) / d` and its remainder for `hi < d` (the quotient then
/// fits u128).
fn div_2by1(hi: u128, lo: u128, d: u128) -> (u128, u128) {
    debug_assert!(hi < d);
    let s = d.leading_zeros();
    let d = d << s;
    let (hi, lo) = if s == 0 {
        (hi, lo)
    } else {
        ((hi << s) | (lo >> (128 - s)), lo << s)
    };
    let (q1, r1) = div_3by2(hi, lo >> 64, d);
    let (q0, r0) = div_3by2(r1, lo & MASK64, d);
    ((q1 << 64) | q0, r0 >> s)
}

/// One base-2^64 quotient digit: `(u·2^64 + l) / d` for a normalised `d`
/// (top bit set), `u < d`, `l < 2^64`; returns the digit and the remainder.
fn div_3by2(u: u128, l: u128, d: u128) -> (u128, u128) {
    const B: u128 = 1u128 << 64;
    let d1 = d >> 64;
    let d0 = d & MASK64;
    let mut q = u / d1;
    let mut r = u % d1;
    while q >= B || q * d0 > ((r << 64) | l) {
        q -= 1;
        r += d1;
        if r >= B {
            break;
        }
    }
    // the true remainder is below d < 2^128: wrapping arithmetic is exact
    let rem = ((u << 64) | l).wrapping_sub(q.wrapping_mul(d));
    (q, rem)
}

/// floor(sqrt(x)) for u128 by Newton's method from an upper bound.
pub(crate) fn isqrt_u128(x: u128) -> u128 {
    if x < 2 {
        return x;
    }
    let bits = 128 - x.leading_zeros();
    let mut r: u128 = 1u128 << bits.div_ceil(2); // r ≥ sqrt(x)
    loop {
        let next = (r + x / r) >> 1;
        if next >= r {
            return r;
        }
        r = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_and_divide_back() {
        let cases = [
            (u128::MAX, u128::MAX),
            (u128::MAX, 3),
            (
                12345678901234567890123456789u128,
                98765432109876543210987654321u128,
            ),
            (0, 5),
            (1u128 << 127, 2),
        ];
        for (a, b) in cases {
            let p = U256::mul(a, b);
            if b != 0 {
                let (q, r) = p.div_rem_u128(b).unwrap();
                assert_eq!(q, U256::from_u128(a));
                assert_eq!(r, 0);
            }
        }
        assert_eq!(
            U256::mul(u128::MAX, u128::MAX),
            U256 {
                hi: u128::MAX - 1,
                lo: 1
            }
        );
        let (q, r) = U256 { hi: 1, lo: 5 }.div_rem_u128(7).unwrap();
        // 2^128 + 5 = 7·q + r
        let back = U256::mul(q.lo, 7).checked_add(U256::from_u128(r)).unwrap();
        assert_eq!(back, U256 { hi: 1, lo: 5 });
        assert!(U256::ZERO.div_rem_u128(0).is_none());
        assert!(U256::ZERO.div_u128(0).is_none());
        assert!(U256::from_u128(5).div_u128(0).is_none());
    }

    /// Bit-by-bit long division, the obviously correct reference.
    fn slow_div(n: U256, d: u128) -> (U256, u128) {
        let mut q = U256::ZERO;
        let mut rem: u128 = 0;
        for i in (0..256).rev() {
            let bit = if i >= 128 {
                (n.hi >> (i - 128)) & 1
            } else {
                (n.lo >> i) & 1
            };
            let carry = rem >> 127;
            rem = (rem << 1) | bit;
            if carry == 1 || rem >= d {
                rem = rem.wrapping_sub(d);
                q = q.with_bit(i);
            }
        }
        (q, rem)
    }

    proptest::proptest! {
        #[test]
        fn division_matches_long_division(hi in proptest::prelude::any::<u128>(), lo in proptest::prelude::any::<u128>(), d in 1u128.., shift in 0u32..128) {
            let d = (d >> shift).max(1);
            let n = U256 { hi, lo };
            proptest::prop_assert_eq!(n.div_rem_u128(d), Some(slow_div(n, d)));
            proptest::prop_assert_eq!(n.div_u128(d), Some(slow_div(n, d).0));
            let small = U256::from_u128(lo);
            proptest::prop_assert_eq!(small.div_u128(d), Some(slow_div(small, d).0));
        }
    }

    /// The product in 512-bit integers, the reference.
    fn wide_product(a: u128, b: u128) -> U256 {
        use bnum::types::U512;
        let p = U512::from(a) * U512::from(b);
        let d = p.digits();
        let part = |i: usize| (u128::from(d[i + 1]) << 64) | u128::from(d[i]);
        U256 {
            hi: part(2),
            lo: part(0),
        }
    }

    proptest::proptest! {
        #[test]
        fn products_match_wide_integers(a in proptest::prelude::any::<u128>(), b in proptest::prelude::any::<u128>(), sa in 0u32..128, sb in 0u32..128) {
            for (a, b) in [(a, b), (a >> sa, b >> sb), (a >> sa, b)] {
                proptest::prop_assert_eq!(U256::mul(a, b), wide_product(a, b));
            }
        }

        #[test]
        fn division_by_1e18_matches_long_division(hi in proptest::prelude::any::<u128>(), lo in proptest::prelude::any::<u128>(), shift in 0u32..128) {
            let n = U256 { hi: hi >> shift, lo };
            let (q, _) = slow_div(n, 1_000_000_000_000_000_000);
            proptest::prop_assert_eq!(n.div_e18(), q.to_u128());
        }
    }

    #[test]
    fn products_and_divisions_at_the_edges() {
        let m = u128::MAX;
        for (a, b) in [
            (m, m),
            (m, 1),
            (0, m),
            (1 << 64, 1 << 64),
            (m >> 64, m >> 64),
            ((1 << 64) + 1, m),
        ] {
            assert_eq!(U256::mul(a, b), wide_product(a, b), "{a} × {b}");
        }
        let e18 = 1_000_000_000_000_000_000u128;
        // the largest quotient that fits, and the first that does not
        let top = U256::mul(m, e18)
            .checked_add(U256::from_u128(e18 - 1))
            .unwrap();
        assert_eq!(top.div_e18(), Some(m));
        assert_eq!(top.checked_add(U256::from_u128(1)).unwrap().div_e18(), None);
        assert_eq!(U256::from_u128(e18 - 1).div_e18(), Some(0));
        assert_eq!(U256::from_u128(3 * e18).div_e18(), Some(3));
    }

    #[test]
    fn division_edge_cases() {
        for (hi, lo, d) in [
            (u128::MAX, u128::MAX, u128::MAX),
            (u128::MAX, u128::MAX, 1),
            (u128::MAX - 1, 0, u128::MAX),
            (1, 0, 1u128 << 127),
            (1, 0, (1u128 << 64) + 1),
            (12345, u128::MAX, 1u128 << 64),
            (
                0x8000_0000_0000_0000_0000_0000_0000_0000,
                0,
                0x8000_0000_0000_0000_0000_0000_0000_0001,
            ),
        ] {
            let n = U256 { hi, lo };
            assert_eq!(n.div_rem_u128(d), Some(slow_div(n, d)), "{hi} {lo} {d}");
        }
    }

    #[test]
    fn square_roots() {
        for x in [0u128, 1, 2, 3, 4, 15, 16, 17, 1_000_000, u128::MAX] {
            let r = isqrt_u128(x);
            assert!(r * r <= x);
            assert!(!matches!((r + 1).checked_mul(r + 1), Some(s) if s <= x));
        }
        for a in [
            u128::MAX,
            1u128 << 100,
            123456789012345678901234567890123u128,
        ] {
            let sq = U256::mul(a, a);
            assert_eq!(sq.isqrt(), a);
            let sq1 = sq.checked_add(U256::from_u128(1)).unwrap();
            assert_eq!(sq1.isqrt(), a);
            let below = sq.wrapping_sub(U256::from_u128(1));
            assert_eq!(below.isqrt(), a - 1);
        }
    }
}
