//! `SubmitLossBundle`: reputer loss bundles inside the reputer window, validated on submit
//! (SECURITY.md 16) so that an inconsistent bundle is refused and never reaches a close.

use std::collections::{BTreeMap, BTreeSet};

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, Uint128};
use nous_math::losses::ReputerLosses;
use nous_math::Fixed;
use nous_types::staking::StakingContract;
use nous_types::synthesis::{ActorClass, LossBundle, NetworkInference, WithheldValue, WorkerValue};
use nous_types::topic_registry::Role;

use crate::convert::checked_value;
use crate::error::ContractError;
use crate::execute::close::{advance, HOT_PATH_CLOSES};
use crate::records::{drop_bundle_body, has_bundle, load_inference, save_bundle, StoredBundle};
use crate::registrations::registered_actor;
use crate::sortition::enter;
use crate::state::{CONFIG, TOPICS};
use crate::topic::load_or_init_topic;

fn worker_map(
    list_name: &str,
    list: &[WorkerValue],
    allowed: &BTreeSet<u32>,
    nonce: u64,
) -> Result<BTreeMap<u32, Fixed>, ContractError> {
    let mut out = BTreeMap::new();
    for wv in list {
        if !allowed.contains(&wv.worker) {
            return Err(ContractError::UnknownWorker {
                list: list_name.to_string(),
                worker: wv.worker,
                nonce,
            });
        }
        let v = checked_value(list_name, wv.value)?;
        if out.insert(wv.worker, v).is_some() {
            return Err(ContractError::DuplicateWorker {
                list: list_name.to_string(),
                worker: wv.worker,
            });
        }
    }
    Ok(out)
}

fn keys(values: &[WorkerValue]) -> BTreeSet<u32> {
    values.iter().map(|v| v.worker).collect()
}

/// The non-empty lists of one class must name the same workers.
fn same_workers(lists: &[(&str, &BTreeMap<u32, Fixed>)]) -> Result<(), ContractError> {
    let mut first: Option<(&str, &BTreeMap<u32, Fixed>)> = None;
    for (name, m) in lists.iter().filter(|(_, m)| !m.is_empty()) {
        match first {
            None => first = Some((name, m)),
            Some((other, f)) => {
                if !f.keys().eq(m.keys()) {
                    return Err(ContractError::WorkerSetMismatch {
                        list: name.to_string(),
                        other: other.to_string(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Stateless checks of a bundle against the network inference of its nonce: every value
/// bounded, no worker twice in a list, only workers (and variants) that the nonce has, and
/// the same workers in every non-empty list of one class. Returns the maths package's form.
pub fn check_bundle(
    bundle: &LossBundle,
    ni: &NetworkInference,
) -> Result<ReputerLosses, ContractError> {
    let nonce = ni.nonce;
    let combined = checked_value("combined", bundle.combined)?;
    let naive = checked_value("naive", bundle.naive)?;
    let inferer = worker_map("inferers", &bundle.inferers, &keys(&ni.inferences), nonce)?;
    let forecaster = worker_map(
        "forecasters",
        &bundle.forecasters,
        &keys(&ni.forecast_implied),
        nonce,
    )?;
    let one_out_inferer = worker_map(
        "one_out_inferers",
        &bundle.one_out_inferers,
        &keys(&ni.one_out_inferers),
        nonce,
    )?;
    let one_out_forecaster = worker_map(
        "one_out_forecasters",
        &bundle.one_out_forecasters,
        &keys(&ni.one_out_forecasters),
        nonce,
    )?;
    let one_in = worker_map(
        "one_in_forecasters",
        &bundle.one_in_forecasters,
        &keys(&ni.one_in_forecasters),
        nonce,
    )?;
    let pairs: BTreeSet<(u32, u32)> = ni
        .one_out_implied
        .iter()
        .map(|v| (v.forecaster, v.withheld))
        .collect();
    let mut one_out_inferer_forecaster = BTreeMap::new();
    for WithheldValue {
        withheld,
        forecaster: k,
        value,
    } in &bundle.one_out_implied
    {
        if !pairs.contains(&(*k, *withheld)) {
            return Err(ContractError::UnknownWorker {
                list: "one_out_implied".to_string(),
                worker: *k,
                nonce,
            });
        }
        let v = checked_value("one_out_implied", *value)?;
        if one_out_inferer_forecaster
            .insert((*k, *withheld), v)
            .is_some()
        {
            return Err(ContractError::DuplicateWorker {
                list: "one_out_implied".to_string(),
                worker: *k,
            });
        }
    }
    same_workers(&[
        ("inferers", &inferer),
        ("one_out_inferers", &one_out_inferer),
    ])?;
    same_workers(&[
        ("forecasters", &forecaster),
        ("one_out_forecasters", &one_out_forecaster),
        ("one_in_forecasters", &one_in),
    ])?;
    Ok(ReputerLosses {
        combined: Some(combined),
        naive: Some(naive),
        inferer,
        forecaster,
        one_out_inferer,
        one_out_forecaster,
        one_in,
        one_out_inferer_forecaster,
    })
}

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
