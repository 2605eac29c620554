//! The contract's boundary to the maths package (numbers convert with the `From` /
//! `TryFrom` of `nous_math::convert`): the three computations this contract needs, each
//! named after its MATH.md section:
//! - [`topic_weight`] (§9.1), [`topic_epoch_reward`] and [`share_treasury`] (§9.2);
//! - [`month_emission`] (§10);
//! - [`epoch_reward_params`] for the reward step of §8, which the contract runs as
//!   `nous_math::epoch::reward_split` (at planning) and `reward_payouts` (once the treasury
//!   cap is known): the same functions the simulator vectors check through `reward_epoch`;
//!   [`delegator_split`] (§8.7).
//!
//! No storage here: plain data in, plain data out, so tests can run the same functions on
//! the same inputs and compare with what the contract paid.

use cosmwasm_std::Decimal;
use nous_math::convert::as_18_decimals;
use nous_math::rewards;
use nous_math::sorted_map::SortedMap;
use nous_math::topic::{self, TopicEntry};
use nous_math::{emission, Fixed, MathResult, Params, Rules};
use nous_types::params::RewardParams;

// ---- §9 topic weight and topic reward -------------------------------------------------

/// The maths package's parameter set with this contract's group of the registry's global
/// parameters (§8–§10); the rest, which these functions do not read, are chain defaults.
pub fn reward_params(rewards: &RewardParams) -> MathResult<Params> {
    let mut p = Params::chain_defaults();
    rewards.apply(&mut p)?;
    Ok(p)
}

/// [`reward_params`] with the ε (§8.1) and the rules an epoch was scored with: the reward
/// step's set.
pub fn epoch_reward_params(
    rewards: &RewardParams,
    epsilon: Decimal,
    rules: Rules,
) -> MathResult<Params> {
    let mut p = reward_params(rewards)?;
    p.epsilon_topic = Fixed::try_from(epsilon)?;
    p.rules = rules;
    Ok(p)
}

/// §9.1 with `nous_math::topic::topic_weight`: `ŵ = S^μ · (C/epoch_length)^ν` (0 when
/// `C = 0`), smoothed `EMA_α(ŵ, prev)`. Stake and revenue are base units of a token with
/// `decimals` decimals and enter in whole tokens (`nous_math::convert::as_18_decimals`, saturating: any `u128`
/// is accepted), so the weight and `min_topic_weight` are in tokens whatever the decimals.
pub fn topic_weight(
    stake: u128,
    revenue: u128,
    decimals: u8,
    epoch_length: u64,
    previous: Option<Fixed>,
    params: &Params,
) -> MathResult<Fixed> {
    topic::topic_weight(
        as_18_decimals(stake, decimals)?,
        as_18_decimals(revenue, decimals)?,
        epoch_length,
        previous,
        params.topic_reward_alpha,
        params,
    )
}

/// §9.1: active iff the weight reaches `min_topic_weight`.
pub fn is_active_weight(weight: Fixed, params: &Params) -> bool {
    topic::is_active_weight(weight, params)
}

/// §9.2 for one topic epoch, with `nous_math::topic::topic_rewards` (the treasury cap is
/// applied later over all epochs of a call, see [`share_treasury`]):
/// `E_t = trunc(w_t / W_sum · e_block · epoch_length)`; 0 when `W_sum = 0`.
pub fn topic_epoch_reward(
    weight: Fixed,
    weight_sum: Fixed,
    block_emission: u128,
    epoch_length: u64,
) -> MathResult<u128> {
    if !weight_sum.is_positive() || !weight.is_positive() {
        return Ok(0);
    }
    let topics: SortedMap<u32, TopicEntry> = [(
        0,
        TopicEntry {
            weight,
            epoch_length,
        },
    )]
    .into_iter()
    .collect();
    let out = topic::topic_rewards(&topics, &[0], weight_sum, block_emission, u128::MAX)?;
    Ok(out.get(&0).copied().unwrap_or(0))
}

/// §9.2 treasury cap over several topic epochs whose targets exceed the `balance`: each
/// gets `trunc(w·epoch_length / Σ w·epoch_length · balance)` (the rule of
/// `nous_math::topic::topic_rewards`), in input order.
pub fn share_treasury(entries: &[TopicEntry], balance: u128) -> MathResult<Vec<u128>> {
    let weights = entries
        .iter()
        .map(|e| e.weight.checked_mul_int(e.epoch_length as i128))
        .collect::<MathResult<Vec<_>>>()?;
    let sum = Fixed::sum(weights.iter().copied())?;
    if sum.is_zero() {
        return Ok(vec![0; entries.len()]);
    }
    weights
        .iter()
        .map(|w| w.checked_div(sum)?.mul_floor_u128(balance))
        .collect()
}

// ---- §10 emission ---------------------------------------------------------------------

/// Inputs of one month's emission (§10.1–10.4).
#[derive(Clone, Debug)]
pub struct EmissionInput {
    /// `T_eco`: what the treasury holds.
    pub treasury: u128,
    /// `N_staked`.
    pub staked: u128,
    pub circulating_supply: u128,
    pub total_supply: u128,
    /// `f_e`.
    pub emission_rate: Fixed,
    /// `MPY_max`.
    pub max_monthly_percentage_yield: Fixed,
    /// `f_v`: the chain-security share.
    pub validator_share: Fixed,
    /// `f_r`: share of topic rewards that went to reputers.
    pub reputer_share: Fixed,
    /// EMA α (0.1).
    pub smoothing: Fixed,
    /// `e_prev`, `None` in the first month.
    pub previous: Option<Fixed>,
    pub blocks_per_month: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmissionOutput {
    /// Smoothed emission per staked token `e`.
    pub emission_per_token: Fixed,
    /// `E_month = trunc(e · N_staked)`.
    pub month_emission: u128,
    /// `e_block = E_month div blocks_per_month`.
    pub block_emission: u128,
}

/// §10 with `nous_math::emission`: `ê = min(f_e·(T_eco/N_staked)·(N_circ/N_total),
/// MPY_max/f_stakers)`, `e = EMA(ê, e_prev)`, `E_month = trunc(e·N_staked)`,
/// `e_block = E_month div bpm`. A contract cannot refuse to settle, so where the reference
/// errors (nothing staked) the month emits nothing and `e` stays at `e_prev` (0 if none).
pub fn month_emission(i: &EmissionInput) -> MathResult<EmissionOutput> {
    if i.staked == 0 {
        return Ok(EmissionOutput {
            emission_per_token: i.previous.unwrap_or(Fixed::ZERO),
            month_emission: 0,
            block_emission: 0,
        });
    }
    let target = emission::target_emission_per_token(
        i.emission_rate,
        i.treasury,
        i.staked,
        i.circulating_supply,
        i.total_supply,
    )?;
    // No staker share at all (f_v = f_r = 0) leaves the yield uncapped rather than failing
    // every settlement of the month.
    let cap = if i.validator_share.is_zero() && i.reputer_share.is_zero() {
        Fixed::MAX
    } else {
        emission::max_emission_per_token(
            i.max_monthly_percentage_yield,
            i.reputer_share,
            i.validator_share,
        )?
    };
    let (_, e) = emission::emission_per_token(target, cap, i.previous, i.smoothing)?;
    let month = emission::monthly_emission(e, i.staked)?;
    Ok(EmissionOutput {
        emission_per_token: e,
        month_emission: month,
        block_emission: emission::block_emission(month, i.blocks_per_month)?,
    })
}

// ---- §8.7 delegators ------------------------------------------------------------------

/// §8.7: `(delegators, reputer)` parts of a reputer reward.
pub fn delegator_split(
    reward: u128,
    delegated: u128,
    total_stake: u128,
) -> MathResult<(u128, u128)> {
    rewards::delegator_split(reward, delegated.min(total_stake), total_stake)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(s: &str) -> Fixed {
        s.parse().unwrap()
    }

    fn input() -> EmissionInput {
        EmissionInput {
            treasury: 1_000_000,
            staked: 1_000_000,
            circulating_supply: 1,
            total_supply: 2,
            emission_rate: fx("0.025"),
            max_monthly_percentage_yield: fx("0.0095"),
            validator_share: fx("0.25"),
            reputer_share: fx("0.333333333333333333"),
            smoothing: fx("0.1"),
            previous: None,
            blocks_per_month: 100,
        }
    }

    #[test]
    fn month_emission_caps_smooths_and_survives_edge_inputs() {
        // ê = 0.025 · 1 · 0.5 = 0.0125 < cap 0.019: first month e = ê.
        let out = month_emission(&input()).unwrap();
        assert_eq!(out.emission_per_token, fx("0.0125"));
        assert_eq!(out.month_emission, 12_500);
        assert_eq!(out.block_emission, 125);
        // A huge treasury hits the cap; the EMA moves 10% towards it.
        let capped = month_emission(&EmissionInput {
            treasury: 100_000_000,
            previous: Some(fx("0.0125")),
            ..input()
        })
        .unwrap();
        let cap = fx("0.0095").checked_div(fx("0.5")).unwrap();
        let expected = fx("0.1")
            .checked_mul(cap)
            .unwrap()
            .checked_add(fx("0.9").checked_mul(fx("0.0125")).unwrap())
            .unwrap();
        assert_eq!(capped.emission_per_token, expected);
        // Nothing staked: nothing emitted, e kept.
        let none = month_emission(&EmissionInput {
            staked: 0,
            previous: Some(fx("0.01")),
            ..input()
        })
        .unwrap();
        assert_eq!(
            (none.month_emission, none.emission_per_token),
            (0, fx("0.01"))
        );
        // No staker share at all: uncapped instead of an error.
        let uncapped = month_emission(&EmissionInput {
            validator_share: Fixed::ZERO,
            reputer_share: Fixed::ZERO,
            treasury: 100_000_000,
            ..input()
        })
        .unwrap();
        assert_eq!(uncapped.emission_per_token, fx("1.25"));
    }

    #[test]
    fn treasury_share_never_exceeds_the_balance() {
        let entries = [
            TopicEntry {
                weight: fx("1"),
                epoch_length: 10,
            },
            TopicEntry {
                weight: fx("2"),
                epoch_length: 10,
            },
            TopicEntry {
                weight: fx("3"),
                epoch_length: 5,
            },
        ];
        let shares = share_treasury(&entries, 1_001).unwrap();
        assert!(shares.iter().sum::<u128>() <= 1_001);
        assert_eq!(shares, vec![222, 444, 333]);
        assert_eq!(
            topic_epoch_reward(fx("1"), Fixed::ZERO, 100, 10).unwrap(),
            0
        );
        assert_eq!(topic_epoch_reward(fx("1"), fx("4"), 100, 10).unwrap(), 250);
    }
}
