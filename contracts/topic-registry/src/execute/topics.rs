//! Creating and updating topics.

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, Uint128};
use cw20::Denom;
use nous_types::fee_vault::FeeVaultContract;
use nous_types::params::Rules;
use nous_types::topic_registry::{Topic, TopicParams, WhitelistKind};

use crate::access::assert_whitelisted;
use crate::execute::fees::{check_exact_fee, require_vault};
use crate::state::{bump_params_version, CONFIG, NEXT_TOPIC_ID, PARAMS, TOPICS};
use crate::ContractError;

/// Creates topic `next_topic_id` for `creator`, who paid `paid`. Epoch 0 starts at the
/// block after creation (`start_height = height + 1`), so the first worker window is whole
/// and starts at a block where the topic exists for everyone. The fee goes to the vault
/// with `RegisterTopic`, which also tells the vault the topic exists; a vault must
/// therefore be configured even when the fee is zero.
pub fn create_topic(
    deps: DepsMut,
    env: Env,
    creator: Addr,
    paid: Uint128,
    params: TopicParams,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let global = PARAMS.load(deps.storage)?;

    assert_whitelisted(
        deps.storage,
        &config.whitelists_enabled,
        WhitelistKind::TopicCreators,
        &creator,
    )?;
    params.validate(&global.registry)?;
    payload_fee_payable(&config.denom, &params)?;
    check_exact_fee(&config.denom, global.registry.create_topic_fee, paid)?;
    let vault = require_vault(&config.fee_vault)?;

    let topic_id = NEXT_TOPIC_ID.load(deps.storage)?;
    let next_id = topic_id
        .checked_add(1)
        .ok_or(ContractError::TopicIdsExhausted {})?;
    let start_height = env
        .block
        .height
        .checked_add(1)
        .ok_or(ContractError::HeightOutOfRange {
            topic_id,
            height: env.block.height,
        })?;

    // rules left out: the registry's default at creation, stored with the topic so that a
    // later change of the default never changes a live topic
    let rules = params.rules.unwrap_or(global.registry.default_rules);
    let topic = Topic {
        id: topic_id,
        creator: creator.clone(),
        params: TopicParams {
            rules: Some(rules),
            ..params
        },
        start_height,
    };
    TOPICS.save(deps.storage, topic_id, &topic)?;
    NEXT_TOPIC_ID.save(deps.storage, &next_id)?;

    let forward = FeeVaultContract(vault).register_topic_msg(
        &config.denom,
        paid,
        topic_id,
        topic.params.epoch_length,
        start_height,
    )?;

    Ok(Response::new()
        .add_message(forward)
        .add_attribute("action", "create_topic")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("creator", creator)
        .add_attribute("fee", paid)
        .add_attribute("start_height", start_height.to_string())
        .add_attribute("epoch_length", topic.params.epoch_length.to_string())
        .add_attribute(
            "worker_submission_window",
            topic.params.worker_submission_window.to_string(),
        )
        .add_attribute(
            "ground_truth_lag",
            topic.params.ground_truth_lag.to_string(),
        )
        .add_attribute("reveal_window", topic.params.reveal_window.to_string())
        .add_attribute("payload_fee", topic.params.payload_fee)
        .add_attribute("rules", rules_attribute(rules)))
}

/// Workers pay a payload fee with their message: only a native token can ride along.
fn payload_fee_payable(denom: &Denom, params: &TopicParams) -> Result<(), ContractError> {
    match denom {
        Denom::Cw20(token) if !params.payload_fee.is_zero() => {
            Err(ContractError::PayloadFeeNeedsNativeToken {
                token: token.to_string(),
            })
        }
        _ => Ok(()),
    }
}

/// The rules as an event attribute: the switches that are on, or `reference`.
fn rules_attribute(rules: Rules) -> String {
    let on: Vec<&str> = [
        ("cap_then_listen", rules.cap_then_listen),
        ("listened_network_losses", rules.listened_network_losses),
        ("zero_floor_rewards", rules.zero_floor_rewards),
        ("centred_forecast_regrets", rules.centred_forecast_regrets),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect();
    if on.is_empty() {
        "reference".to_string()
    } else {
        on.join(",")
    }
}

/// Replaces a topic's parameters. Only the creator may; the timing fields (epoch_length,
/// worker_submission_window, ground_truth_lag, reveal_window) are fixed at creation because
/// epoch numbering and the windows already in flight (and the vault's drip) depend on them;
/// and no update lands while a worker window (or the reveal window after it) is open, so
/// every payload of one epoch is judged under one parameter set.
pub fn update_topic(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    topic_id: u64,
    params: TopicParams,
) -> Result<Response, ContractError> {
    let mut topic = TOPICS
        .may_load(deps.storage, topic_id)?
        .ok_or(ContractError::TopicNotFound { topic_id })?;
    if info.sender != topic.creator {
        return Err(ContractError::NotTopicCreator { topic_id });
    }
    let old = &topic.params;
    if params.epoch_length != old.epoch_length
        || params.worker_submission_window != old.worker_submission_window
        || params.ground_truth_lag != old.ground_truth_lag
        || params.reveal_window != old.reveal_window
    {
        return Err(ContractError::TimingFieldsImmutable { topic_id });
    }
    let clock = topic.clock();
    let height = env.block.height;
    if let Some((epoch, window)) = clock
        .epoch_at(height)
        .and_then(|e| clock.payload_window(e).map(|w| (e, w)))
        .filter(|(_, w)| w.contains(height))
    {
        return Err(ContractError::WorkerWindowOpen {
            topic_id,
            epoch,
            window_end: window.end,
        });
    }
    let global = PARAMS.load(deps.storage)?;
    params.validate(&global.registry)?;
    payload_fee_payable(&CONFIG.load(deps.storage)?.denom, &params)?;

    // rules left out: the topic's rules stay as they are
    let rules = params.rules.or(topic.params.rules);
    topic.params = TopicParams { rules, ..params };
    TOPICS.save(deps.storage, topic_id, &topic)?;
    let version = bump_params_version(deps.storage)?;

    Ok(Response::new()
        .add_attribute("action", "update_topic")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("params_version", version.to_string())
        .add_attribute("creator", topic.creator))
}
