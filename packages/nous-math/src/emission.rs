//! Emission schedule of the mint module (MATH.md §10). Amounts are u128
//! base units; per-token rates are `Fixed`.

use crate::error::{MathError, MathResult};
use crate::fixed::{lit, Fixed};
use crate::stats::ema;
use crate::wide::U256;

/// Months of the vesting cliff and of the full vesting (§10.5).
pub const VESTING_CLIFF_MONTHS: u64 = 12;
pub const VESTING_END_MONTHS: u64 = 36;

/// `MPY = (1 + APY)^{1/12} − 1` (§10.7 uses APY = 12 %).
pub fn monthly_yield_from_annual(apy: Fixed) -> MathResult<Fixed> {
    Fixed::ONE
        .checked_add(apy)?
        .pow(Fixed::ONE.checked_div_int(12)?)?
        .checked_sub(Fixed::ONE)
}

/// §10.1: `ê_max = MPY / (f_v + (1 − f_v)·f_r)`.
pub fn max_emission_per_token(
    mpy: Fixed,
    reputer_share: Fixed,
    validator_share: Fixed,
) -> MathResult<Fixed> {
    let f = validator_share.checked_add(
        Fixed::ONE
            .checked_sub(validator_share)?
            .checked_mul(reputer_share)?,
    )?;
    if !f.is_positive() {
        return Err(MathError::DivisionByZero("emission cap: zero staker share"));
    }
    mpy.checked_div(f)
}

/// §10.2: `N_circ = N_total − locked vesting − T_eco` (error if negative).
pub fn circulating_supply(total: u128, locked_vesting: u128, ecosystem: u128) -> MathResult<u128> {
    total
        .checked_sub(locked_vesting)
        .and_then(|x| x.checked_sub(ecosystem))
        .ok_or(MathError::InvalidSign("circulating supply"))
}

/// §10.2: `ê_target = f_e · (T_eco/N_staked) · (N_circ/N_total)`.
///
/// Computed as one ratio, `f_e·T_eco·N_circ / (N_staked·N_total)`, through
/// 256 bits and truncated once (exact while `N_staked·N_total < 2^128`,
/// otherwise within 2^-126 relative), and the result **saturates** at
/// `Fixed::MAX` instead of failing: a tiny stake against a large treasury
/// asks for an emission per token far above any cap, and §10.3 takes
/// `min(target, cap)` next.
pub fn target_emission_per_token(
    f_emission: Fixed,
    ecosystem: u128,
    staked: u128,
    circulating: u128,
    total_supply: u128,
) -> MathResult<Fixed> {
    if staked == 0 {
        return Err(MathError::DivisionByZero("target emission: nothing staked"));
    }
    if total_supply == 0 {
        return Err(MathError::DivisionByZero("target emission: zero supply"));
    }
    if f_emission.is_negative() {
        return Err(MathError::InvalidSign("emission fraction"));
    }
    Ok(scaled_ratio(
        f_emission,
        ecosystem,
        circulating,
        staked,
        total_supply,
    ))
}

/// `x · a·b / (c·d)` for a non-negative `x`, truncated once, saturating at
/// `Fixed::MAX`; `c·d` must be positive. When `c·d ≥ 2^128` both products
/// first drop the same low bits (the divisor keeps at least 127 of them).
fn scaled_ratio(x: Fixed, a: u128, b: u128, c: u128, d: u128) -> Fixed {
    let x = x.raw().unsigned_abs();
    let num = U256::mul(a, b);
    let den = U256::mul(c, d);
    let shift = den.bits().saturating_sub(128);
    let (num, den) = (num.shr(shift), den.shr(shift).lo);
    // x·num/den = x·q + x·r/den with num = q·den + r
    let Some((q, r)) = num.div_rem_u128(den) else {
        return Fixed::MAX;
    };
    let whole = q.to_u128().map(|q| U256::mul(q, x));
    let part = U256::mul(r, x).div_u128(den);
    match (whole, part) {
        (Some(w), Some(p)) => w
            .checked_add(p)
            .and_then(U256::to_u128)
            .and_then(|v| i128::try_from(v).ok())
            .map_or(Fixed::MAX, Fixed::from_raw),
        _ => Fixed::MAX,
    }
}

/// §10.3: `ê = min(target, cap)`, `e = EMA_α(ê, e_prev)` (first month:
/// `e_prev = ê`). Returns `(ê, e)`.
pub fn emission_per_token(
    target: Fixed,
    cap: Fixed,
    previous: Option<Fixed>,
    alpha: Fixed,
) -> MathResult<(Fixed, Fixed)> {
    if target.is_negative() {
        return Err(MathError::InvalidSign("target emission"));
    }
    let capped = target.min(cap);
    let prev = previous.unwrap_or(capped);
    let e = alpha
        .checked_mul(capped)?
        .checked_add(Fixed::ONE.checked_sub(alpha)?.checked_mul(prev)?)?;
    Ok((capped, e))
}

/// §10.4: `E_month = trunc(e · N_staked)`, saturating at `u128::MAX` (what
/// is drawn is bounded by the treasury later, §9.2).
pub fn monthly_emission(e: Fixed, staked: u128) -> MathResult<u128> {
    match e.mul_floor_u128(staked) {
        Err(MathError::Overflow) => Ok(u128::MAX),
        r => r,
    }
}

/// §10.4: `E_block = E_month div blocks_per_month`.
pub fn block_emission(monthly: u128, blocks_per_month: u64) -> MathResult<u128> {
    if blocks_per_month == 0 {
        return Err(MathError::DivisionByZero("block emission"));
    }
    Ok(monthly / blocks_per_month as u128)
}

/// §10.4: `(validators, rewards account)` of one block's emission:
/// validators get `trunc(share · E_block)`, the rest goes to rewards.
pub fn validator_split(block: u128, validator_share: Fixed) -> MathResult<(u128, u128)> {
    if validator_share.is_negative() || validator_share > Fixed::ONE {
        return Err(MathError::OutOfRange("validator share"));
    }
    let v = validator_share.mul_floor_u128(block)?;
    Ok((v, block - v))
}

/// §10.5: amount of a cliff-and-linear allocation still locked at `month`.
pub fn locked_vesting(month: u64, allocation: u128) -> MathResult<u128> {
    if month < VESTING_CLIFF_MONTHS {
        return Ok(allocation);
    }
    if month >= VESTING_END_MONTHS {
        return Ok(0);
    }
    mul_div_u128(
        allocation,
        (VESTING_END_MONTHS - month) as u128,
        VESTING_END_MONTHS as u128,
    )
}

/// §10.5: amount unlocked during `month`: 12/36 at month 12, 1/36 in months
/// 13–36, nothing otherwise.
pub fn vesting_unlock(month: u64, allocation: u128) -> MathResult<u128> {
    match month {
        VESTING_CLIFF_MONTHS => mul_div_u128(allocation, 12, 36),
        m if m > VESTING_CLIFF_MONTHS && m <= VESTING_END_MONTHS => Ok(allocation / 36),
        _ => Ok(0),
    }
}

fn mul_div_u128(a: u128, b: u128, d: u128) -> MathResult<u128> {
    let q = U256::mul(a, b)
        .div_u128(d)
        .ok_or(MathError::DivisionByZero("mul_div"))?;
    q.to_u128().ok_or(MathError::Overflow)
}

/// Constants of the simulator's monthly model (§10.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthlyModel {
    /// `f_e` (0.025 per month).
    pub f_emission: Fixed,
    /// `ê_max`.
    pub cap: Fixed,
    /// `one_month_smoothing_degree` (0.1).
    pub smoothing: Fixed,
    /// Validators' share (0.25).
    pub validator_share: Fixed,
    /// Share of unlocked tokens that holders stake (0.75).
    pub staked_share_of_unlock: Fixed,
    /// Max supply (base units).
    pub total_supply: u128,
}

impl MonthlyModel {
    /// §10.7: 12 % APY, `f_r = 1/3`, validators 25 %, 75 % of unlocks staked,
    /// 10^9 tokens of 10^18 base units.
    pub fn simulator() -> MathResult<MonthlyModel> {
        let mpy = monthly_yield_from_annual(lit("0.12"))?;
        let validator_share = lit("0.25");
        Ok(MonthlyModel {
            f_emission: lit("0.025"),
            cap: max_emission_per_token(mpy, Fixed::from_ratio(1, 3)?, validator_share)?,
            smoothing: lit("0.1"),
            validator_share,
            staked_share_of_unlock: lit("0.75"),
            total_supply: 1_000_000_000u128 * 1_000_000_000_000_000_000,
        })
    }
}

/// End of the previous month, as the simulator's monthly rows carry it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MonthState {
    pub staked: u128,
    pub circulating: u128,
    pub ecosystem_total: u128,
    /// `e` of the previous month (`None` before the first emission month).
    pub e: Option<Fixed>,
}

/// One month of the simulator's model (§10.7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MonthOutcome {
    pub target: Fixed,
    pub capped: Fixed,
    pub e: Fixed,
    /// Ecosystem emission of the month (base units).
    pub emission: u128,
    pub validator_rewards: u128,
    pub topics_rewards: u128,
    /// Vesting unlock of the month (network emission = unlock + emission).
    pub unlock: u128,
    pub network_emission: u128,
    pub circulating: u128,
    pub ecosystem_total: u128,
}

/// §10.7: `N_staked = staked + 0.75·V_n`, `N_circ = circulating + V_n`,
/// `T_eco = ecosystem_total`, emission `= e · N_staked`, split 25/75.
pub fn simulate_month(
    model: &MonthlyModel,
    prev: &MonthState,
    unlock: u128,
) -> MathResult<MonthOutcome> {
    let staked = prev
        .staked
        .checked_add(model.staked_share_of_unlock.mul_floor_u128(unlock)?)
        .ok_or(MathError::Overflow)?;
    let circulating_before = prev
        .circulating
        .checked_add(unlock)
        .ok_or(MathError::Overflow)?;
    let target = target_emission_per_token(
        model.f_emission,
        prev.ecosystem_total,
        staked,
        circulating_before,
        model.total_supply,
    )?;
    let (capped, e) = emission_per_token(target, model.cap, prev.e, model.smoothing)?;
    let emission = monthly_emission(e, staked)?;
    let validator_rewards = model.validator_share.mul_floor_u128(emission)?;
    let network_emission = unlock.checked_add(emission).ok_or(MathError::Overflow)?;
    Ok(MonthOutcome {
        target,
        capped,
        e,
        emission,
        validator_rewards,
        topics_rewards: emission
            .checked_sub(validator_rewards)
            .ok_or(MathError::OutOfRange("validator share"))?,
        unlock,
        network_emission,
        circulating: prev
            .circulating
            .checked_add(network_emission)
            .ok_or(MathError::Overflow)?,
        ecosystem_total: prev
            .ecosystem_total
            .checked_sub(emission)
            .ok_or(MathError::InvalidSign("ecosystem bucket exhausted"))?,
    })
}

/// Effective monthly α of `n` per-epoch updates with α: `1 − (1 − α)^n`
/// (0.9375 for four α = 0.5 updates, §10.7).
pub fn compounded_alpha(alpha: Fixed, updates: u32) -> MathResult<Fixed> {
    Fixed::ONE.checked_sub(Fixed::ONE.checked_sub(alpha)?.powi(updates)?)
}

/// `EMA` re-exported for the monthly topic weights.
pub fn smooth(alpha: Fixed, x: Fixed, prev: Option<Fixed>) -> MathResult<Fixed> {
    ema(alpha, x, prev)
}
