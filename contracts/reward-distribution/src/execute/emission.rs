//! The monthly emission state (MATH.md §10) as a contract keeps it: one record per month,
//! opened by the first settlement of an epoch ending in that month.

use cosmwasm_std::{Decimal, Order, QuerierWrapper, Storage, Uint128};
use cw_storage_plus::Bound;
use nous_math::sorted_map::SortedMap;
use nous_math::Fixed;
use nous_types::params::RewardParams;
use nous_types::reward_distribution::{Config, MonthEmission, MAX_MONTH_RECORDS};
use nous_types::staking::{QueryMsg as StakingQuery, TotalsResponse};

use crate::error::ContractError;
use crate::maths::{self, EmissionInput};
use crate::state::MONTHS;

/// `floor(height / blocks_per_month)`.
pub fn month_of(height: u64, blocks_per_month: u64) -> u64 {
    height.checked_div(blocks_per_month).unwrap_or(0)
}

/// What one call knows about the treasury: queried once, then kept.
pub struct TreasuryView {
    balance: Option<Uint128>,
}

impl TreasuryView {
    pub fn new() -> Self {
        TreasuryView { balance: None }
    }

    /// The balance as read along with another answer of the vault; the first read of a
    /// call stands (nothing is drawn before every epoch is planned).
    pub fn seen(&mut self, balance: Uint128) {
        self.balance.get_or_insert(balance);
    }

    pub fn balance(
        &mut self,
        querier: &QuerierWrapper,
        config: &Config,
    ) -> Result<Uint128, ContractError> {
        match self.balance {
            Some(b) => Ok(b),
            None => {
                let b = config.fee_vault.treasury(querier)?;
                self.balance = Some(b);
                Ok(b)
            }
        }
    }
}

/// The month record serving epochs that end in `month`: its own record if one exists, a
/// new one if `month` is newer than every record, otherwise the nearest record before it
/// (or, failing that, after it) — a month in which nothing was settled has no record.
// Not inlined into `plan_topic` (see the module comment of `crate::execute`).
#[inline(never)]
pub fn month_record(
    storage: &mut dyn Storage,
    querier: &QuerierWrapper,
    config: &Config,
    params: &RewardParams,
    treasury: &mut TreasuryView,
    month: u64,
) -> Result<MonthEmission, ContractError> {
    if let Some(r) = MONTHS.may_load(storage, month)? {
        return Ok(r);
    }
    let latest = MONTHS
        .first(storage, None, None, Order::Descending)?
        .map(|(_, r)| r);
    if let Some(l) = &latest {
        if l.month > month {
            let before = MONTHS.first(
                storage,
                None,
                Some(Bound::exclusive(month)),
                Order::Descending,
            )?;
            return Ok(before.map_or_else(|| l.clone(), |(_, r)| r));
        }
    }

    let e = &config.emission;
    let reputer_share = match &latest {
        Some(l) if !l.topic_rewards_paid.is_zero() => {
            Decimal::checked_from_ratio(l.reputer_rewards_paid, l.topic_rewards_paid)
                .map_err(|_| ContractError::math("reputer share", nous_math::MathError::Overflow))?
                .min(Decimal::one())
        }
        _ => e.default_reputer_share,
    };
    let f =
        |d: Decimal, what: &str| Fixed::try_from(d).map_err(|err| ContractError::math(what, err));
    let balance = treasury.balance(querier, config)?;
    let staking: TotalsResponse =
        querier.query_wasm_smart(config.staking.addr(), &StakingQuery::Totals {})?;
    let staked = staking.total_staked.checked_add(e.external_stake)?;
    let out = maths::month_emission(&EmissionInput {
        treasury: balance.u128(),
        staked: staked.u128(),
        circulating_supply: e.circulating_supply.u128(),
        total_supply: e.total_supply.u128(),
        emission_rate: f(e.emission_rate, "emission rate")?,
        max_monthly_percentage_yield: f(e.max_monthly_percentage_yield, "max monthly yield")?,
        validator_share: f(params.chain_security_share, "chain security share")?,
        reputer_share: f(reputer_share, "reputer share")?,
        smoothing: f(e.one_month_smoothing_degree, "smoothing degree")?,
        previous: latest
            .as_ref()
            .map(|l| f(l.emission_per_token, "previous emission"))
            .transpose()?,
        blocks_per_month: params.blocks_per_month,
    })
    .map_err(|err| ContractError::math("month emission", err))?;
    let record = MonthEmission {
        month,
        emission_per_token: Decimal::try_from(out.emission_per_token)
            .map_err(|err| ContractError::math("emission per token", err))?,
        treasury: balance,
        staked,
        reputer_share,
        month_emission: Uint128::new(out.month_emission),
        block_emission: Uint128::new(out.block_emission),
        topic_rewards_paid: Uint128::zero(),
        reputer_rewards_paid: Uint128::zero(),
    };
    MONTHS.save(storage, month, &record)?;
    // Keep the last MAX_MONTH_RECORDS months.
    if let Some(oldest_kept) = month.checked_sub(MAX_MONTH_RECORDS) {
        let stale: Vec<u64> = MONTHS
            .ids(
                storage,
                None,
                Some(Bound::inclusive(oldest_kept)),
                Order::Ascending,
            )
            .collect::<Result<_, _>>()?;
        for m in stale {
            MONTHS.remove(storage, m);
        }
    }
    Ok(record)
}

/// Adds an epoch's payout to its month's record (`month`: the record as the plan read or
/// opened it), kept in `months` until [`save_paid`]: one write per month and call, and no
/// second read.
pub fn add_paid(
    months: &mut SortedMap<u64, MonthEmission>,
    month: &MonthEmission,
    topic_reward: Uint128,
    reputer_reward: Uint128,
) -> Result<(), ContractError> {
    let r = months.entry(month.month).or_insert_with(|| month.clone());
    r.topic_rewards_paid = r.topic_rewards_paid.checked_add(topic_reward)?;
    r.reputer_rewards_paid = r.reputer_rewards_paid.checked_add(reputer_reward)?;
    Ok(())
}

/// Stores the month records [`add_paid`] updated, except a month that opening a newer one
/// in this call pruned (at least `MAX_MONTH_RECORDS` older than the newest here).
pub fn save_paid(
    storage: &mut dyn Storage,
    months: SortedMap<u64, MonthEmission>,
) -> Result<(), ContractError> {
    let newest = months.keys().next_back().copied().unwrap_or(0);
    for (month, record) in months {
        if month.saturating_add(MAX_MONTH_RECORDS) > newest {
            MONTHS.save(storage, month, &record)?;
        }
    }
    Ok(())
}
