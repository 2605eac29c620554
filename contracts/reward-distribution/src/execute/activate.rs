//! `ActivateTopic`: a topic starts (or restarts) earning once its weight reaches the minimum.

use cosmwasm_std::{Decimal, DepsMut, Env, QuerierWrapper, Response, Uint128};
use nous_math::Fixed;
use nous_types::topic_registry::{RewardGroups, Topic, TopicRegistryContract};

use crate::error::ContractError;
use crate::execute::ledger;
use crate::maths;
use crate::state::{TopicState, CONFIG, TOPICS, TOTALS};

/// §9.1 for one topic: the new smoothed weight from `stake` and `revenue` (base units of
/// the token, whose decimals the parameters carry) and the stored previous weight, and
/// whether it keeps the topic active.
pub fn next_weight(
    params: &RewardGroups,
    state: &TopicState,
    stake: Uint128,
    revenue: Uint128,
) -> Result<(Decimal, bool), ContractError> {
    let mp = maths::reward_params(&params.rewards)
        .map_err(|e| ContractError::math("global parameters", e))?;
    let previous = if state.has_weight {
        Some(Fixed::try_from(state.weight).map_err(|e| ContractError::math("stored weight", e))?)
    } else {
        None
    };
    let weight = maths::topic_weight(
        stake.u128(),
        revenue.u128(),
        params.token_decimals,
        state.clock.epoch_length,
        previous,
        &mp,
    )
    .map_err(|e| ContractError::math("topic weight", e))?;
    let active = maths::is_active_weight(weight, &mp);
    let weight = Decimal::try_from(weight).map_err(|e| ContractError::math("topic weight", e))?;
    Ok((weight, active))
}

/// Loads a topic from the registry; a failed query means the topic does not exist.
pub fn load_topic(
    querier: &QuerierWrapper,
    registry: &TopicRegistryContract,
    topic_id: u64,
) -> Result<Topic, ContractError> {
    registry
        .topic(querier, topic_id)
        .map_err(|_| ContractError::TopicNotFound { topic_id })
}

pub fn activate_topic(deps: DepsMut, env: Env, topic_id: u64) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let topic = load_topic(&deps.querier, &config.topic_registry, topic_id)?;
    let params = config.topic_registry.reward_groups(&deps.querier)?;
    let clock = topic.clock();
    let height = env.block.height;

    // Epochs whose reputer window closed before now earn nothing; never move backwards.
    let first_open = clock
        .last_closed_reputer_epoch(height)
        .map_or(0, |e| e.saturating_add(1));
    let mut state = match TOPICS.may_load(deps.storage, topic_id)? {
        Some(s) if s.active => return Err(ContractError::TopicAlreadyActive { topic_id }),
        Some(s) => s,
        None => TopicState::new(clock, first_open),
    };
    state.clock = clock;
    let skipped = first_open.saturating_sub(state.next_epoch);
    state.next_epoch = state.next_epoch.max(first_open);

    // The weight now: current stake and the current epoch's fee revenue.
    let stake = config.staking.topic_stake(&deps.querier, topic_id, None)?;
    let revenue = config
        .fee_vault
        .topic_revenue(&deps.querier, topic_id, None)?;
    let (weight, active) = next_weight(&params, &state, stake, revenue)?;
    if !active {
        return Err(ContractError::WeightBelowMinimum {
            topic_id,
            weight,
            minimum: params.rewards.min_topic_weight,
        });
    }

    let mut totals = TOTALS.load(deps.storage)?;
    state.stake = stake;
    ledger::set_weight(
        deps.storage,
        &mut totals,
        topic_id,
        &mut state,
        weight,
        true,
    )?;
    TOPICS.save(deps.storage, topic_id, &state)?;
    TOTALS.save(deps.storage, &totals)?;

    Ok(Response::new()
        .add_attribute("action", "activate_topic")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("weight", weight.to_string())
        .add_attribute("stake", stake)
        .add_attribute("revenue", revenue)
        .add_attribute("next_epoch", state.next_epoch.to_string())
        .add_attribute("skipped_epochs", skipped.to_string()))
}
