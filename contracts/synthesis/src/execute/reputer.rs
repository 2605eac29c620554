//! `SubmitLossBundle`: reputer loss bundles inside the reputer window, validated on submit
//! (SECURITY.md 16) so that an inconsistent bundle is refused and never reaches a close.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, Uint128};
use nous_types::staking::StakingContract;
use nous_types::synthesis::{ActorClass, LossBundle};
use nous_types::topic_registry::Role;

use crate::bundle::check_bundle;
use crate::error::ContractError;
use crate::records::{drop_bundle_body, has_bundle, load_inference, save_bundle, StoredBundle};
use crate::registrations::registered_actor;
use crate::sortition::enter;
use crate::state::{CONFIG, TOPICS};
use crate::topic::load_or_init_topic;
use crate::windows::{advance, HOT_PATH_CLOSES};

pub fn submit_loss_bundle(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    topic_id: u64,
    nonce: u64,
    bundle: LossBundle,
) -> Result<Response, ContractError> {
    let height = env.block.height;
    let mut topic = load_or_init_topic(&mut deps, &env, topic_id)?;
    let closes = advance(&mut deps, &env, topic_id, &mut topic, HOT_PATH_CLOSES)?;
    if closes.pending {
        return Err(ContractError::ClosesPending { topic_id });
    }

    let window = topic
        .clock
        .reputer_window(nonce)
        .ok_or(ContractError::NonceOutOfRange { topic_id, nonce })?;
    if !window.contains(height) {
        return Err(ContractError::ReputerWindowNotOpen {
            topic_id,
            nonce,
            height,
            open: topic.clock.open_reputer_epoch(height),
        });
    }

    let config = CONFIG.load(deps.storage)?;
    let registration = registered_actor(deps.as_ref(), topic_id, Role::Reputer, &info.sender)?;
    let actor = registration.actor_index;
    if has_bundle(deps.storage, (topic_id, nonce, actor)) {
        return Err(ContractError::AlreadySubmitted {
            topic_id,
            nonce,
            actor,
        });
    }
    let ni = load_inference(deps.storage, topic_id, nonce)?
        .ok_or(ContractError::NoNetworkInference { topic_id, nonce })?;
    check_bundle(&bundle, &ni)?;

    // stake as of the reputer window's first block (the same height the close uses)
    let stake = StakingContract(config.staking)
        .reputer_stakes(
            &deps.querier,
            topic_id,
            vec![info.sender.to_string()],
            Some(window.start),
        )?
        .into_iter()
        .find(|s| s.reputer == info.sender)
        .map(|s| s.total)
        .unwrap_or(Uint128::zero());
    let minimum = topic.params.required_minimum_stake;
    if stake < minimum {
        return Err(ContractError::StakeBelowMinimum {
            topic_id,
            address: info.sender.to_string(),
            stake: stake.to_string(),
            minimum: minimum.to_string(),
        });
    }

    let entry = enter(
        deps.storage,
        (topic_id, &topic),
        nonce,
        ActorClass::Reputer,
        actor,
        height,
    )?;
    if let Some(gone) = entry.evicted {
        drop_bundle_body(deps.storage, (topic_id, nonce, gone));
    }
    let stored = StoredBundle {
        address: info.sender.clone(),
        owner: registration.owner.clone(),
        submitted_at: height,
        stake,
        bundle: entry.admitted.then_some(bundle),
    };
    save_bundle(deps.storage, (topic_id, nonce, actor), &stored)?;
    if closes.closed > 0 {
        TOPICS.save(deps.storage, topic_id, &topic)?;
    }

    let res = Response::new()
        .add_attribute("action", "submit_loss_bundle")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("nonce", nonce.to_string())
        .add_attribute("reputer", actor.to_string())
        .add_attribute("address", info.sender)
        .add_attribute("stake", stake)
        .add_attribute("windows_closed", closes.closed.to_string())
        .add_attributes(entry.attributes(ActorClass::Reputer));
    Ok(res.add_events(closes.events))
}
