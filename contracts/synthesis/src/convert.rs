//! Values at the door: submitted numbers checked against the maths package's bound, and
//! maps of values in their message form. `SignedDecimal`/`Decimal` ↔ `Fixed` are the
//! exact conversions of `nous_math::convert` (`From` / `TryFrom`).

use cosmwasm_std::SignedDecimal;
use nous_math::params::check_value;
use nous_math::sorted_map::SortedMap;
use nous_math::Fixed;
use nous_types::synthesis::{WorkerValue, MAX_ABS_VALUE};

use crate::error::ContractError;

/// A submitted value: inside `±MAX_ABS_VALUE` (the maths package's bound).
pub fn checked_value(field: &str, d: SignedDecimal) -> Result<Fixed, ContractError> {
    let f = Fixed::from(d);
    check_value(f, "submitted value").map_err(|_| ContractError::ValueOutOfRange {
        field: field.to_string(),
        value: d.to_string(),
        max: MAX_ABS_VALUE.to_string(),
    })
}

/// A map of values per worker in its message form (ascending worker).
pub fn worker_values(m: &SortedMap<u32, Fixed>) -> Vec<WorkerValue> {
    m.iter()
        .map(|(w, v)| WorkerValue {
            worker: *w,
            value: SignedDecimal::from(*v),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

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
