//! Topic weight and topic reward (MATH.md §9).

use crate::error::{MathError, MathResult};
use crate::fixed::Fixed;
use crate::params::Params;
use crate::sorted_map::SortedMap;
use crate::stats::ema;

/// §9.1 target weight `ŵ = S^μ · (C/epoch_length)^ν` for a stake `S` and a
/// fee revenue `C` in base units, both counted in whole tokens (10^18 base
/// units each, as `Fixed::from_base_units`), so with μ + ν = 1 the weight is
/// the chain's weight divided by 10^18.
///
/// Every legal amount is accepted: one above `Fixed::MAX` (1.7·10^38 base
/// units) is halved first and the power multiplied back (`(2a)^μ = a^μ·2^μ`),
/// and a weight beyond `Fixed::MAX` saturates there, so a very large
/// delegation never stops a topic.
pub fn target_weight(
    stake: u128,
    fee_revenue: u128,
    epoch_length: u64,
    params: &Params,
) -> MathResult<Fixed> {
    if epoch_length == 0 {
        return Err(MathError::DivisionByZero("topic weight: epoch length 0"));
    }
    let per_block = fee_revenue / epoch_length as u128;
    let weight = amount_pow(stake, params.topic_reward_stake_importance).and_then(|s| {
        s.checked_mul(amount_pow(
            per_block,
            params.topic_reward_fee_revenue_importance,
        )?)
    });
    match weight {
        Err(MathError::Overflow) => Ok(Fixed::MAX),
        w => w,
    }
}

/// `(a / 10^18)^e` for an amount `a` in base units and `e ≥ 0`.
fn amount_pow(a: u128, e: Fixed) -> MathResult<Fixed> {
    if e.is_negative() {
        return Err(MathError::InvalidSign("topic weight exponent"));
    }
    match i128::try_from(a) {
        Ok(raw) => Fixed::from_raw(raw).pow(e),
        Err(_) => Fixed::from_raw((a >> 1) as i128)
            .pow(e)?
            .checked_mul(Fixed::from_int(2)?.pow(e)?),
    }
}

/// §9.1 topic weight: 0 without fee revenue, else `EMA_α(ŵ, previous)`
/// (no prior → ŵ). `alpha` is `topic_reward_alpha` per epoch (the
/// simulator's monthly rows use 0.9375, see §10.7). Amounts in base units
/// (see [`target_weight`]).
pub fn topic_weight(
    stake: u128,
    fee_revenue: u128,
    epoch_length: u64,
    previous: Option<Fixed>,
    alpha: Fixed,
    params: &Params,
) -> MathResult<Fixed> {
    if fee_revenue == 0 {
        return Ok(Fixed::ZERO);
    }
    ema(
        alpha,
        target_weight(stake, fee_revenue, epoch_length, params)?,
        previous,
    )
}

/// §9.1: a topic whose weight is below `min_topic_weight` is inactivated.
pub fn is_active_weight(weight: Fixed, params: &Params) -> bool {
    weight >= params.min_topic_weight
}

/// One topic as seen by the reward step of §9.2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopicEntry {
    pub weight: Fixed,
    pub epoch_length: u64,
}

/// §9.2: `E_t = trunc((w_t/W_sum) · e_block · epoch_length)` for each
/// rewardable topic; if their sum exceeds the rewards balance, a single topic
/// gets the balance and several share it by `w·epoch_length`. Topics with a
/// zero amount are omitted. The total never exceeds `balance`.
pub fn topic_rewards(
    topics: &SortedMap<u32, TopicEntry>,
    rewardable: &[u32],
    weight_sum: Fixed,
    block_reward: u128,
    balance: u128,
) -> MathResult<SortedMap<u32, u128>> {
    if !weight_sum.is_positive() {
        return Err(MathError::DivisionByZero("topic reward: zero weight sum"));
    }
    let mut out = SortedMap::new();
    let mut total: u128 = 0;
    for id in rewardable {
        let t = topics
            .get(id)
            .ok_or(MathError::Mismatch("rewardable topic not listed"))?;
        if t.weight.is_negative() {
            return Err(MathError::InvalidSign("topic weight"));
        }
        let share = t.weight.checked_div(weight_sum)?;
        // saturating: the treasury bounds what is paid just below
        let per_epoch = block_reward.saturating_mul(t.epoch_length as u128);
        let amount = share.mul_floor_u128(per_epoch).unwrap_or(u128::MAX);
        total = total.saturating_add(amount);
        out.insert(*id, amount);
    }
    if total > balance {
        out.clear();
        if rewardable.len() == 1 {
            if let Some(id) = rewardable.first() {
                out.insert(*id, balance);
            }
        } else {
            let weights = match treasury_weights(topics, rewardable, Fixed::ONE) {
                Err(MathError::Overflow) => {
                    // w·epoch_length beyond Fixed: the shares are scale
                    // invariant, so take the weights relative to the largest
                    let largest = rewardable
                        .iter()
                        .filter_map(|id| topics.get(id).map(|t| t.weight))
                        .fold(Fixed::ZERO, Fixed::max);
                    treasury_weights(topics, rewardable, largest)?
                }
                w => w?,
            };
            let sum = Fixed::sum(weights.values().copied())?;
            if sum.is_zero() {
                return Ok(SortedMap::new());
            }
            for (id, w) in weights {
                out.insert(id, w.checked_div(sum)?.mul_floor_u128(balance)?);
            }
        }
    }
    out.retain(|_, a| *a > 0);
    Ok(out)
}

/// `(w/unit)·epoch_length` of the rewardable topics (the §9.2 treasury
/// split); `Overflow` if a product or their sum leaves `Fixed`.
fn treasury_weights(
    topics: &SortedMap<u32, TopicEntry>,
    rewardable: &[u32],
    unit: Fixed,
) -> MathResult<SortedMap<u32, Fixed>> {
    let mut weights = SortedMap::new();
    for id in rewardable {
        if let Some(t) = topics.get(id) {
            let w = t.weight.checked_div(unit)?;
            weights.insert(*id, w.checked_mul_int(t.epoch_length as i128)?);
        }
    }
    Fixed::sum(weights.values().copied())?;
    Ok(weights)
}

/// §9.2 / §10.7 in decimals: `topics_reward · w_t / W_sum`.
pub fn topic_reward_share(
    topics_reward: Fixed,
    weight: Fixed,
    weight_sum: Fixed,
) -> MathResult<Fixed> {
    topics_reward.checked_mul(weight)?.checked_div(weight_sum)
}
