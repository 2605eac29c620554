//! Conversions at the door: message numbers (`SignedDecimal`, `Decimal`) and the maths
//! package's `Fixed` share one representation (18 decimals over i128), so they are exact.

use std::collections::BTreeMap;

use cosmwasm_std::{Decimal, SignedDecimal};
use nous_math::params::check_value;
use nous_math::{Fixed, MathError};
use nous_types::synthesis::{WorkerValue, MAX_ABS_VALUE};

use crate::error::ContractError;

pub fn to_fixed(d: SignedDecimal) -> Fixed {
    Fixed::from_raw(d.atomics().i128())
}

pub fn to_dec(f: Fixed) -> SignedDecimal {
    SignedDecimal::raw(f.raw())
}

/// An unsigned parameter as `Fixed`; errors only above ~1.7e20.
pub fn param(d: Decimal) -> Result<Fixed, ContractError> {
    i128::try_from(d.atomics().u128())
        .map(Fixed::from_raw)
        .map_err(|_| ContractError::Math(MathError::Overflow))
}

/// A submitted value: inside `±MAX_ABS_VALUE` (the maths package's bound).
pub fn checked_value(field: &str, d: SignedDecimal) -> Result<Fixed, ContractError> {
    let f = to_fixed(d);
    check_value(f, "submitted value").map_err(|_| ContractError::ValueOutOfRange {
        field: field.to_string(),
        value: d.to_string(),
        max: MAX_ABS_VALUE.to_string(),
    })
}

/// A map of values per worker in its message form (ascending worker).
pub fn worker_values(m: &BTreeMap<u32, Fixed>) -> Vec<WorkerValue> {
    m.iter()
        .map(|(w, v)| WorkerValue {
            worker: *w,
            value: to_dec(*v),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn decimal_and_fixed_share_a_representation() {
        let d = SignedDecimal::from_str("-12.000000000000000345").unwrap();
        assert_eq!(
            to_fixed(d),
            Fixed::from_str("-12.000000000000000345").unwrap()
        );
        assert_eq!(to_dec(to_fixed(d)), d);
        assert_eq!(
            param(Decimal::percent(25)).unwrap(),
            Fixed::from_str("0.25").unwrap()
        );
    }

    #[test]
    fn values_are_bounded() {
        assert!(checked_value("x", SignedDecimal::from_str("1000000000").unwrap()).is_ok());
        assert!(checked_value("x", SignedDecimal::from_str("-1000000000").unwrap()).is_ok());
        let err = checked_value(
            "x",
            SignedDecimal::from_str("1000000000.000000000000000001").unwrap(),
        );
        assert!(matches!(err, Err(ContractError::ValueOutOfRange { .. })));
        assert!(checked_value("x", SignedDecimal::MIN).is_err());
    }
}
