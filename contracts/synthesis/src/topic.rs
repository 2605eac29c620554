//! The topic cache: what synthesis keeps of the registry's topic and global parameters.

use cosmwasm_std::{Deps, DepsMut, Env, StdError};
use cw20::Denom;
use nous_math::Fixed;
use nous_types::synthesis::CachedTopicParams;
use nous_types::topic_registry::{Topic, TopicRegistryContract};

use crate::error::ContractError;
use crate::state::{
    CachedGlobals, PaymentTarget, TopicRecord, CONFIG, GLOBALS, PARAMS_SEEN, TOPICS,
};

fn registry(deps: Deps) -> Result<TopicRegistryContract, ContractError> {
    Ok(TopicRegistryContract(
        CONFIG.load(deps.storage)?.topic_registry,
    ))
}

fn unknown(topic_id: u64, e: StdError) -> ContractError {
    ContractError::UnknownTopic {
        topic_id,
        reason: e.to_string(),
    }
}

/// The per-topic parameters synthesis needs, from the registry's topic and globals.
pub fn cached_params(topic: &Topic, globals: &CachedGlobals) -> CachedTopicParams {
    let p = &topic.params;
    CachedTopicParams {
        p_norm: p.p_norm,
        alpha_regret: p.alpha_regret,
        alpha_regret_forecasters: p.alpha_regret_forecasters,
        payload_fee: p.payload_fee,
        allow_negative: p.allow_negative,
        epsilon: p.epsilon,
        merit_sortition_alpha: p.merit_sortition_alpha,
        active_inferer_quantile: p.active_inferer_quantile,
        active_forecaster_quantile: p.active_forecaster_quantile,
        active_reputer_quantile: p.active_reputer_quantile,
        max_inferers: globals.synthesis.max_top_inferers_to_reward,
        max_forecasters: globals.synthesis.max_top_forecasters_to_reward,
        max_reputers: globals.synthesis.max_top_reputers_to_reward,
        max_elements_per_forecast: globals.synthesis.max_elements_per_forecast,
        required_minimum_stake: globals.staking.required_minimum_stake,
        rules: topic.params.rules_or_reference(),
    }
}

/// The registry's global parameters synthesis reads: the cached copy, or read and cached
/// at first use.
pub fn load_globals(deps: &mut DepsMut, env: &Env) -> Result<CachedGlobals, ContractError> {
    if let Some(g) = GLOBALS.may_load(deps.storage)? {
        return Ok(g);
    }
    refresh_globals(deps, env)
}

/// Re-reads the registry's global parameters and keeps synthesis's groups.
pub fn refresh_globals(deps: &mut DepsMut, env: &Env) -> Result<CachedGlobals, ContractError> {
    let reg = registry(deps.as_ref())?;
    let read = reg.synthesis_groups(&deps.querier)?;
    let config = reg.payment_config(&deps.querier)?;
    let globals = CachedGlobals {
        synthesis: read.synthesis,
        staking: read.staking,
        read_at: env.block.height,
        payment: Some(PaymentTarget {
            native_denom: match config.denom {
                Denom::Native(d) => Some(d),
                Denom::Cw20(_) => None,
            },
            fee_vault: config.fee_vault,
        }),
    };
    GLOBALS.save(deps.storage, &globals)?;
    Ok(globals)
}

/// Where payload fees go, as cached with the global parameters (read from the registry
/// when the cache predates payload fees).
pub fn payment_target(deps: &mut DepsMut, env: &Env) -> Result<PaymentTarget, ContractError> {
    let cached = load_globals(deps, env)?.payment;
    let target = match cached {
        Some(t) => t,
        None => refresh_globals(deps, env)?
            .payment
            .ok_or(ContractError::PayloadFeeUnpayable {})?,
    };
    Ok(target)
}

/// The topic's record, created from the registry at first use.
pub fn load_or_init_topic(
    deps: &mut DepsMut,
    env: &Env,
    topic_id: u64,
) -> Result<TopicRecord, ContractError> {
    if let Some(t) = TOPICS.may_load(deps.storage, topic_id)? {
        return Ok(t);
    }
    let topic = registry(deps.as_ref())?
        .topic(&deps.querier, topic_id)
        .map_err(|e| unknown(topic_id, e))?;
    let globals = load_globals(deps, env)?;
    let record = TopicRecord {
        clock: topic.clock(),
        params: cached_params(&topic, &globals),
        params_read_at: env.block.height,
        worker_closed_below: 0,
        reputer_closed_below: 0,
        initial_regret: Fixed::ZERO,
        latest_inference_nonce: None,
        latest_loss_nonce: None,
        latest_loss: None,
        quantiles: [None, None, None],
        pruned_below: 0,
    };
    TOPICS.save(deps.storage, topic_id, &record)?;
    Ok(record)
}

/// Re-reads the topic's parameters (not its clock) and the global parameters, unless the
/// registry's parameter version (one raw read, no contract call) is the one they were read
/// at: the registry bumps it with every change of either. A registry that no longer answers
/// leaves the cached values in place, so a close never fails on it.
pub fn refresh_params(
    deps: &mut DepsMut,
    env: &Env,
    topic_id: u64,
    record: &mut TopicRecord,
) -> Result<(), ContractError> {
    let reg = registry(deps.as_ref())?;
    let version = reg.params_version(&deps.querier).ok();
    if version.is_some() && version == PARAMS_SEEN.may_load(deps.storage, topic_id)? {
        return Ok(());
    }
    let topic = reg.topic(&deps.querier, topic_id);
    let globals = refresh_globals(deps, env);
    let globals_read = globals.is_ok();
    let globals = match globals {
        Ok(g) => g,
        Err(_) => load_globals(deps, env)?,
    };
    if let Ok(topic) = topic {
        record.params = cached_params(&topic, &globals);
        record.params_read_at = env.block.height;
        if let (Some(v), true) = (version, globals_read) {
            PARAMS_SEEN.save(deps.storage, topic_id, &v)?;
        }
    }
    Ok(())
}

/// The topic's record for a query: cached, or `TopicNotSeen`.
pub fn load_topic(deps: Deps, topic_id: u64) -> Result<TopicRecord, ContractError> {
    TOPICS
        .may_load(deps.storage, topic_id)?
        .ok_or(ContractError::TopicNotSeen { topic_id })
}
