//! Conversions at the package's edge: token amounts in base units to whole tokens, and
//! (feature `cosmwasm`) the contracts' number types to and from [`Fixed`].

use crate::error::{MathError, MathResult};
use crate::fixed::Fixed;

/// Most decimals a token may have: a whole token of `10^decimals` base units must map
/// onto `Fixed`'s 18 fractional digits without losing any.
pub const MAX_TOKEN_DECIMALS: u8 = 18;

/// `amount` base units of a token with `decimals` decimals, as a number of whole tokens:
/// exact (`amount · 10^(18 − decimals)` raw). The maths reads stakes and fee revenue in
/// whole tokens (topic weight, §9.1), so the same economy gives the same weights whatever
/// the token's decimals. Above `Fixed`'s range (about 1.7·10^20 tokens): `Overflow`.
pub fn whole_tokens(amount: u128, decimals: u8) -> MathResult<Fixed> {
    let shift = MAX_TOKEN_DECIMALS
        .checked_sub(decimals)
        .ok_or(MathError::OutOfRange("token decimals"))?;
    10i128
        .checked_pow(u32::from(shift))
        .and_then(|scale| i128::try_from(amount).ok()?.checked_mul(scale))
        .map(Fixed::from_raw)
        .ok_or(MathError::Overflow)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_tokens_do_not_depend_on_decimals() {
        let ten: Fixed = "10".parse().unwrap();
        assert_eq!(whole_tokens(10_000_000, 6).unwrap(), ten);
        assert_eq!(whole_tokens(10 * 10u128.pow(18), 18).unwrap(), ten);
        assert_eq!(whole_tokens(10, 0).unwrap(), ten);
        // 18 decimals: one base unit is the smallest `Fixed`.
        assert_eq!(whole_tokens(1, 18).unwrap(), Fixed::from_raw(1));
        assert_eq!(
            whole_tokens(1, 19),
            Err(MathError::OutOfRange("token decimals"))
        );
        // 6 decimals: 1.7e20 whole tokens still fit, u128::MAX base units do not.
        assert!(whole_tokens(170_000_000_000_000_000_000 * 1_000_000, 6).is_ok());
        assert_eq!(whole_tokens(u128::MAX, 6), Err(MathError::Overflow));
        assert_eq!(whole_tokens(u128::MAX, 18), Err(MathError::Overflow));
    }

    #[cfg(feature = "cosmwasm")]
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
