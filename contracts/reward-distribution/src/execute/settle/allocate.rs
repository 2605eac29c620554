//! Phase 2: the planned targets capped by the treasury.

use cosmwasm_std::Uint128;
use nous_math::topic::TopicEntry;
use nous_math::Fixed;

use super::context::Planned;
use crate::error::ContractError;
use crate::maths;

/// §9.2 treasury cap: targets are paid in full when the treasury covers them; otherwise a
/// single epoch takes the whole balance and several share it by `w_t · epoch_length`
/// (truncated, never above an epoch's own target).
pub fn allocate(planned: &[Planned], balance: Uint128) -> Result<Vec<Uint128>, ContractError> {
    let wanted: Vec<&Planned> = planned.iter().filter(|p| !p.target.is_zero()).collect();
    let total = wanted
        .iter()
        .try_fold(Uint128::zero(), |a, p| a.checked_add(p.target))?;
    if total <= balance {
        return Ok(planned.iter().map(|p| p.target).collect());
    }
    if wanted.len() == 1 {
        return Ok(planned
            .iter()
            .map(|p| {
                if p.target.is_zero() {
                    p.target
                } else {
                    balance
                }
            })
            .collect());
    }
    let entries = wanted
        .iter()
        .map(|p| {
            Ok(TopicEntry {
                weight: Fixed::try_from(p.weight)?,
                epoch_length: p.epoch_length,
            })
        })
        .collect::<Result<Vec<_>, nous_math::MathError>>()
        .map_err(|e| ContractError::math("topic weights", e))?;
    let shares = maths::share_treasury(&entries, balance.u128())
        .map_err(|e| ContractError::math("treasury share", e))?;
    let mut shares = wanted
        .iter()
        .zip(shares)
        .map(|(p, a)| Uint128::new(a).min(p.target));
    Ok(planned
        .iter()
        .map(|p| {
            if p.target.is_zero() {
                Uint128::zero()
            } else {
                shares.next().unwrap_or_default()
            }
        })
        .collect())
}
