//! `SubmitWorkerPayload`: validation, window and nonce rules, merit sortition admission.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, SignedDecimal, StdError};
use nous_types::reward_distribution::RewardDistributionContract;
use nous_types::synthesis::{ActorClass, EpochStatus, ForecastElement, WorkerPayload};
use nous_types::topic_registry::Role;

use crate::convert::checked_value;
use crate::error::ContractError;
use crate::registrations::registered_actor;
use crate::sortition::enter;
use crate::state::{EpochRecord, CONFIG, EPOCHS, PAYLOADS, TOPICS};
use crate::topic::load_or_init_topic;
use crate::windows::{advance, HOT_PATH_CLOSES};

/// A payload that passed the stateless checks.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedPayload {
    pub inference: Option<SignedDecimal>,
    /// Deduplicated: one element per inferer, the last value sent, in first-seen order.
    pub forecast: Option<Vec<ForecastElement>>,
}

/// Stateless checks of a worker payload (SECURITY.md 8): something is sent, every value is
/// bounded, inferences respect the topic's sign rule, a forecast is non-empty and at most
/// `max_elements` long before deduplication.
pub fn check_payload(
    topic_id: u64,
    allow_negative: bool,
    max_elements: u32,
    inference: Option<SignedDecimal>,
    forecast: Option<Vec<ForecastElement>>,
) -> Result<CheckedPayload, ContractError> {
    if inference.is_none() && forecast.is_none() {
        return Err(ContractError::EmptyPayload {});
    }
    if let Some(value) = inference {
        checked_value("inference", value)?;
        if value.is_negative() && !allow_negative {
            return Err(ContractError::NegativeInference {
                topic_id,
                value: value.to_string(),
            });
        }
    }
    let forecast = match forecast {
        None => None,
        Some(elements) => {
            if elements.is_empty() {
                return Err(ContractError::EmptyForecast {});
            }
            if elements.len() > max_elements as usize {
                return Err(ContractError::ForecastTooLong {
                    max: max_elements,
                    got: elements.len() as u64,
                });
            }
            let mut kept: Vec<ForecastElement> = Vec::with_capacity(elements.len());
            for el in elements {
                checked_value("forecast value", el.value)?;
                match kept.iter_mut().find(|k| k.inferer == el.inferer) {
                    Some(existing) => existing.value = el.value,
                    None => kept.push(el),
                }
            }
            Some(kept)
        }
    };
    Ok(CheckedPayload {
        inference,
        forecast,
    })
}

pub fn submit_worker_payload(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    topic_id: u64,
    nonce: u64,
    inference: Option<SignedDecimal>,
    forecast: Option<Vec<ForecastElement>>,
) -> Result<Response, ContractError> {
    let height = env.block.height;
    let mut topic = load_or_init_topic(&mut deps, &env, topic_id)?;
    let checked = check_payload(
        topic_id,
        topic.params.allow_negative,
        topic.params.max_inferers,
        inference,
        forecast,
    )?;

    // Windows that ended are closed first, in height order, so the merit sortition below
    // reads the EMAs every earlier close wrote (the same whoever sends the message).
    let closes = advance(&mut deps, &env, topic_id, &mut topic, HOT_PATH_CLOSES)?;
    if closes.pending {
        return Err(ContractError::ClosesPending { topic_id });
    }

    let window = topic
        .clock
        .worker_window(nonce)
        .ok_or(ContractError::NonceOutOfRange { topic_id, nonce })?;
    if !window.contains(height) {
        return Err(ContractError::WorkerWindowNotOpen {
            topic_id,
            nonce,
            height,
            open: topic.clock.open_worker_epoch(height),
        });
    }

    let registration = registered_actor(deps.as_ref(), topic_id, Role::Worker, &info.sender)?;
    let actor = registration.actor_index;
    if PAYLOADS.has(deps.storage, (topic_id, nonce, actor)) {
        return Err(ContractError::AlreadySubmitted {
            topic_id,
            nonce,
            actor,
        });
    }

    if !EPOCHS.has(deps.storage, (topic_id, nonce)) {
        // The nonce opens with its first payload: the topic's activity is read once here
        // (reward-distribution's canonical flag) and kept in the nonce's record.
        let topic_active = match CONFIG.load(deps.storage)?.reward_distribution {
            None => None,
            Some(rewards) => {
                let active = RewardDistributionContract(rewards)
                    .is_topic_active(&deps.querier, topic_id)
                    .map_err(|e| ContractError::ActivityUnknown {
                        topic_id,
                        reason: e.to_string(),
                    })?;
                if !active {
                    return Err(ContractError::TopicInactive { topic_id, nonce });
                }
                Some(true)
            }
        };
        let epoch = EpochRecord {
            status: EpochStatus::Collecting,
            failure: None,
            topic_active,
        };
        EPOCHS.save(deps.storage, (topic_id, nonce), &epoch)?;
    }

    let mut attrs = vec![];
    let mut payload = WorkerPayload {
        worker: actor,
        address: info.sender.clone(),
        owner: registration.owner.clone(),
        submitted_at: height,
        inference: None,
        forecast: None,
    };
    let parts = [
        (ActorClass::Inferer, checked.inference.is_some()),
        (ActorClass::Forecaster, checked.forecast.is_some()),
    ];
    for (class, sent) in parts {
        if !sent {
            continue;
        }
        let entry = enter(
            deps.storage,
            (topic_id, &topic),
            nonce,
            class,
            actor,
            height,
        )?;
        attrs.extend(entry.attributes(class));
        if let Some(gone) = entry.evicted {
            PAYLOADS.update(deps.storage, (topic_id, nonce, gone), |p| {
                let mut p = p.ok_or_else(|| StdError::not_found("payload of an evicted member"))?;
                match class {
                    ActorClass::Inferer => p.inference = None,
                    _ => p.forecast = None,
                }
                Ok::<_, ContractError>(p)
            })?;
        }
        if entry.admitted {
            match class {
                ActorClass::Inferer => payload.inference = checked.inference,
                _ => payload.forecast = checked.forecast.clone(),
            }
        }
    }

    PAYLOADS.save(deps.storage, (topic_id, nonce, actor), &payload)?;
    if closes.closed > 0 {
        TOPICS.save(deps.storage, topic_id, &topic)?;
    }

    Ok(Response::new()
        .add_attribute("action", "submit_worker_payload")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("nonce", nonce.to_string())
        .add_attribute("worker", actor.to_string())
        .add_attribute("address", info.sender)
        .add_attribute("windows_closed", closes.closed.to_string())
        .add_attributes(attrs)
        .add_events(closes.events))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> SignedDecimal {
        SignedDecimal::from_str(s).unwrap()
    }

    fn el(inferer: u32, v: &str) -> ForecastElement {
        ForecastElement {
            inferer,
            value: d(v),
        }
    }

    #[test]
    fn payload_checks() {
        assert_eq!(
            check_payload(1, true, 4, None, None),
            Err(ContractError::EmptyPayload {})
        );
        assert_eq!(
            check_payload(1, true, 4, None, Some(vec![])),
            Err(ContractError::EmptyForecast {})
        );
        assert!(matches!(
            check_payload(1, false, 4, Some(d("-1")), None),
            Err(ContractError::NegativeInference { .. })
        ));
        assert!(check_payload(1, true, 4, Some(d("-1")), None).is_ok());
        assert!(matches!(
            check_payload(
                1,
                true,
                2,
                None,
                Some(vec![el(1, "1"), el(2, "1"), el(3, "1")])
            ),
            Err(ContractError::ForecastTooLong { max: 2, got: 3 })
        ));
        assert!(matches!(
            check_payload(1, true, 4, None, Some(vec![el(1, "2000000000")])),
            Err(ContractError::ValueOutOfRange { .. })
        ));
        let p = check_payload(
            1,
            true,
            4,
            None,
            Some(vec![el(3, "1"), el(1, "2"), el(3, "-5")]),
        )
        .unwrap();
        assert_eq!(p.forecast, Some(vec![el(3, "-5"), el(1, "2")]));
    }
}
