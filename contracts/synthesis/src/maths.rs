//! The bridge to `nous-math`: its parameter struct for one topic and class.

use cosmwasm_std::Decimal;
use nous_math::{Fixed, Params};
use nous_types::synthesis::CachedTopicParams;

use crate::error::ContractError;
use crate::state::CachedGlobals;

/// `nous_math::Params` for one topic; `quantile` is the class's active quantile (§11).
/// Synthesis's group of the global parameters, its stake gate and the topic's cached
/// parameters; the parameters synthesis's maths does not read (reward, topic-weight and
/// emission parameters) stay the maths' chain defaults.
pub fn maths_params(
    g: &CachedGlobals,
    t: &CachedTopicParams,
    quantile: Decimal,
) -> Result<Params, ContractError> {
    let mut p = Params::chain_defaults();
    g.synthesis.apply(&mut p)?;
    p.required_minimum_stake = g.staking.required_minimum_stake.u128();
    p.p_norm = Fixed::try_from(t.p_norm)?;
    p.epsilon_topic = Fixed::try_from(t.epsilon)?;
    p.alpha_regret = Fixed::try_from(t.alpha_regret)?;
    p.alpha_regret_forecasters = t
        .alpha_regret_forecasters
        .map(Fixed::try_from)
        .transpose()?;
    p.merit_sortition_alpha = Fixed::try_from(t.merit_sortition_alpha)?;
    p.active_quantile = Fixed::try_from(quantile)?;
    p.rules = t.rules;
    Ok(p)
}
