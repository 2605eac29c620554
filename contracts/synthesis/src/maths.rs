//! The bridge to `nous-math`: its parameter struct built from the registry's parameters.

use cosmwasm_std::Decimal;
use nous_math::Params;
use nous_types::synthesis::CachedTopicParams;

use crate::convert::param;
use crate::error::ContractError;
use crate::state::SynthesisGlobals;

/// `nous_math::Params` for one topic; `quantile` is the class's active quantile (§11).
/// Parameters the registry does not hold (or synthesis does not read: reward, topic-weight
/// and emission parameters) keep the maths package's chain defaults. Filled one field at a
/// time and never inlined, so the function stays within the wasm limit on locals.
#[inline(never)]
pub fn maths_params(
    g: &SynthesisGlobals,
    t: &CachedTopicParams,
    quantile: Decimal,
) -> Result<Params, ContractError> {
    let mut p = Params::chain_defaults();
    p.p_norm = param(t.p_norm)?;
    p.epsilon_topic = param(t.epsilon)?;
    p.alpha_regret = param(t.alpha_regret)?;
    p.merit_sortition_alpha = param(t.merit_sortition_alpha)?;
    p.active_quantile = param(quantile)?;
    p.c_norm = param(g.c_norm)?;
    p.epsilon_safe_div = param(g.epsilon_safe_div)?;
    p.epsilon_reputer = param(g.epsilon_reputer)?;
    p.learning_rate = param(g.learning_rate)?;
    p.gradient_descent_max_iters = g.gradient_descent_max_iters;
    p.max_gradient_threshold = param(g.max_gradient_threshold)?;
    p.min_stake_fraction = param(g.min_stake_fraction)?;
    p.initial_regret_quantile = param(g.initial_regret_quantile)?;
    p.p_norm_safe_div = param(g.p_norm_safe_div)?;
    p.max_top_inferers_to_reward = g.max_top_inferers_to_reward;
    p.max_top_forecasters_to_reward = g.max_top_forecasters_to_reward;
    p.max_top_reputers_to_reward = g.max_top_reputers_to_reward;
    p.max_elements_per_forecast = g.max_elements_per_forecast;
    p.required_minimum_stake = g.required_minimum_stake.u128();
    Ok(p)
}
