//! Validation of the configuration, shared by instantiate and `UpdateConfig`.

use cosmwasm_std::{Addr, Api, Decimal};
use nous_types::reward_distribution::EmissionParams;

use crate::error::ContractError;

/// An `InvalidConfig` error naming the field and what it must be.
pub fn invalid(field: &str, reason: &str) -> ContractError {
    ContractError::InvalidConfig {
        field: field.to_string(),
        reason: reason.to_string(),
    }
}

/// A configured address, its error naming the field.
pub fn validate_addr(api: &dyn Api, field: &str, addr: &str) -> Result<Addr, ContractError> {
    api.addr_validate(addr)
        .map_err(|e| invalid(field, &format!("not a valid address: {e}")))
}

/// Every bound of the emission parameters (§10), checked as a whole.
pub fn validate_emission(e: &EmissionParams) -> Result<(), ContractError> {
    if e.total_supply.is_zero() {
        return Err(invalid("emission.total_supply", "must be positive"));
    }
    if e.circulating_supply > e.total_supply {
        return Err(invalid(
            "emission.circulating_supply",
            "must not exceed total_supply",
        ));
    }
    if e.emission_rate > Decimal::one() {
        return Err(invalid("emission.emission_rate", "must be at most 1"));
    }
    if e.max_monthly_percentage_yield > Decimal::one() {
        return Err(invalid(
            "emission.max_monthly_percentage_yield",
            "must be at most 1",
        ));
    }
    if e.one_month_smoothing_degree.is_zero() || e.one_month_smoothing_degree > Decimal::one() {
        return Err(invalid(
            "emission.one_month_smoothing_degree",
            "must be in (0, 1]",
        ));
    }
    if e.default_reputer_share > Decimal::one() {
        return Err(invalid(
            "emission.default_reputer_share",
            "must be at most 1",
        ));
    }
    Ok(())
}

/// A per-call limit in 1..=max.
pub fn validate_limit(field: &str, value: u32, max: u32) -> Result<u32, ContractError> {
    if value == 0 || value > max {
        return Err(invalid(field, &format!("must be between 1 and {max}")));
    }
    Ok(value)
}
