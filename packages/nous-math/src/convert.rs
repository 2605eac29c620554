//! Conversions at the package's edge: token amounts in base units to 18-decimal units, and
//! (feature `cosmwasm`) the contracts' number types to and from [`Fixed`](crate::Fixed).

use crate::error::{MathError, MathResult};

/// Most decimals a token may have: a whole token of `10^decimals` base units must map
/// onto `Fixed`'s 18 fractional digits without losing any.
pub const MAX_TOKEN_DECIMALS: u8 = 18;

/// `amount` base units of a token with `decimals` decimals, as base units of an 18-decimal
/// token (`amount · 10^(18 − decimals)`), the unit the topic-weight maths reads (§9.1).
/// Saturates at `u128::MAX` instead of failing: the weight maths accepts every `u128` and
/// itself saturates, so an extreme amount never stops a topic (F5).
pub fn as_18_decimals(amount: u128, decimals: u8) -> MathResult<u128> {
    let shift = MAX_TOKEN_DECIMALS
        .checked_sub(decimals)
        .ok_or(MathError::OutOfRange("token decimals"))?;
    Ok(amount.saturating_mul(10u128.pow(u32::from(shift))))
}

/// `cosmwasm_std::Decimal` and `SignedDecimal` have 18 fractional digits, as `Fixed` has:
/// every conversion is exact, and fails only where the ranges differ (a `Decimal` above
/// `i128::MAX` raw, a negative `Fixed` as a `Decimal`).
#[cfg(feature = "cosmwasm")]
mod cosmwasm {
    use cosmwasm_std::{Decimal, SignedDecimal};

    use super::*;
    use crate::fixed::Fixed;

    const _: () = assert!(Decimal::DECIMAL_PLACES == Fixed::DECIMALS);
    const _: () = assert!(SignedDecimal::DECIMAL_PLACES == Fixed::DECIMALS);

    impl From<SignedDecimal> for Fixed {
        fn from(d: SignedDecimal) -> Fixed {
            Fixed::from_raw(d.atomics().i128())
        }
    }

    impl From<Fixed> for SignedDecimal {
        fn from(f: Fixed) -> SignedDecimal {
            SignedDecimal::raw(f.raw())
        }
    }

    impl TryFrom<Decimal> for Fixed {
        type Error = MathError;

        /// Fails above about 1.7·10^20.
        fn try_from(d: Decimal) -> MathResult<Fixed> {
            i128::try_from(d.atomics().u128())
                .map(Fixed::from_raw)
                .map_err(|_| MathError::Overflow)
        }
    }

    impl TryFrom<Fixed> for Decimal {
        type Error = MathError;

        /// Fails on a negative number.
        fn try_from(f: Fixed) -> MathResult<Decimal> {
            u128::try_from(f.raw())
                .map(Decimal::raw)
                .map_err(|_| MathError::InvalidSign("unsigned decimal"))
        }
    }
}

#[cfg(all(test, feature = "cosmwasm"))]
mod tests {
    use super::*;
    use crate::fixed::Fixed;

    #[test]
    fn cosmwasm_numbers_convert_exactly() {
        use cosmwasm_std::{Decimal, SignedDecimal};
        use std::str::FromStr;

        let s = SignedDecimal::from_str("-12.000000000000000345").unwrap();
        let f = Fixed::from(s);
        assert_eq!(f, Fixed::from_str("-12.000000000000000345").unwrap());
        assert_eq!(SignedDecimal::from(f), s);
        let d = Decimal::percent(125);
        let f = Fixed::try_from(d).unwrap();
        assert_eq!(f, Fixed::from_str("1.25").unwrap());
        assert_eq!(Decimal::try_from(f).unwrap(), d);
        assert_eq!(Fixed::try_from(Decimal::MAX), Err(MathError::Overflow));
        assert!(Decimal::try_from(Fixed::from_str("-1").unwrap()).is_err());
    }
}
