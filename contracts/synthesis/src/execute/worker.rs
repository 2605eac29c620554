//! Worker messages: `SubmitWorkerPayload` (payloads in the clear) and, on a commit–reveal
//! topic, `CommitWorkerPayload` then `RevealWorkerPayload`; validation, window and nonce
//! rules, merit sortition admission.

use cosmwasm_std::{
    Addr, Attribute, CosmosMsg, DepsMut, Env, HexBinary, MessageInfo, Response, SignedDecimal,
    StdError, Uint128,
};
use cw20::Denom;
use nous_types::fee_vault::FeeVaultContract;
use nous_types::funds::{native_payment, nonpayable};
use nous_types::reward_distribution::RewardDistributionContract;
use nous_types::synthesis::commitment::{COMMITMENT_BYTES, MAX_SALT_BYTES, MIN_SALT_BYTES};
use nous_types::synthesis::{
    payload_commitment, ActorClass, EpochStatus, ForecastElement, WorkerPayload,
};
use nous_types::topic_registry::Role;

use crate::convert::checked_value;
use crate::error::ContractError;
use crate::registrations::{registered_actor, KnownActor};
use crate::sortition::enter;
use crate::state::{EpochRecord, TopicRecord, COMMITMENTS, CONFIG, EPOCHS, PAYLOADS, TOPICS};
use crate::topic::{load_or_init_topic, payment_target};
use crate::windows::{advance, Closes, HOT_PATH_CLOSES};

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

/// Closes the windows that ended before this block, in height order, so the merit
/// sortition of a payload reads the EMAs every earlier close wrote (the same whoever sends
/// the message).
fn close_due_windows(
    deps: &mut DepsMut,
    env: &Env,
    topic_id: u64,
    topic: &mut TopicRecord,
) -> Result<Closes, ContractError> {
    let closes = advance(deps, env, topic_id, topic, HOT_PATH_CLOSES)?;
    if closes.pending {
        return Err(ContractError::ClosesPending { topic_id });
    }
    Ok(closes)
}

/// `Ok` when the worker window of `nonce` holds this block.
fn in_worker_window(
    topic: &TopicRecord,
    topic_id: u64,
    nonce: u64,
    height: u64,
) -> Result<(), ContractError> {
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
    Ok(())
}

/// The payload fee attached to `info` (exactly the topic's, in the suite's token), as the
/// message that pays it into the topic's fee revenue; `None` on a free topic, which takes no
/// funds.
fn payload_fee(
    deps: &mut DepsMut,
    env: &Env,
    info: &MessageInfo,
    (topic_id, topic): (u64, &TopicRecord),
) -> Result<Option<CosmosMsg>, ContractError> {
    let fee = topic.params.payload_fee;
    if fee.is_zero() {
        nonpayable(info)?;
        return Ok(None);
    }
    let target = payment_target(deps, env)?;
    let (Some(denom), Some(vault)) = (target.native_denom, target.fee_vault) else {
        return Err(ContractError::PayloadFeeUnpayable {});
    };
    let paid = native_payment(info, &Denom::Native(denom.clone()))?;
    if paid != fee {
        return Err(ContractError::PayloadFee {
            topic_id,
            expected: fee,
            got: paid,
            denom,
        });
    }
    Ok(Some(
        FeeVaultContract(vault).fund_topic_native_msg(&denom, fee, topic_id)?,
    ))
}

/// The nonce opens with its first payload (or commitment): the topic's activity is read
/// once here (reward-distribution's canonical flag) and kept in the nonce's record.
fn open_nonce(deps: &mut DepsMut, topic_id: u64, nonce: u64) -> Result<(), ContractError> {
    if EPOCHS.has(deps.storage, (topic_id, nonce)) {
        return Ok(());
    }
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
    Ok(())
}

/// Refuses a second payload of one worker for one nonce.
fn not_submitted(
    deps: &DepsMut,
    topic_id: u64,
    nonce: u64,
    actor: u32,
) -> Result<(), ContractError> {
    if PAYLOADS.has(deps.storage, (topic_id, nonce, actor)) {
        return Err(ContractError::AlreadySubmitted {
            topic_id,
            nonce,
            actor,
        });
    }
    Ok(())
}

/// Admits a checked payload of an open nonce to the active sets by merit sortition and
/// stores it; returns the admission attributes.
fn admit(
    deps: &mut DepsMut,
    (topic_id, topic): (u64, &TopicRecord),
    nonce: u64,
    worker: (&Addr, &KnownActor),
    height: u64,
    checked: CheckedPayload,
) -> Result<Vec<Attribute>, ContractError> {
    let (address, registration) = worker;
    let actor = registration.actor_index;
    let mut attrs = vec![];
    let mut payload = WorkerPayload {
        worker: actor,
        address: address.clone(),
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
        let entry = enter(deps.storage, (topic_id, topic), nonce, class, actor, height)?;
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
    Ok(attrs)
}

/// The response of a worker message: its attributes, the closes it ran (the topic record
/// is saved when it ran any).
fn worker_response(
    deps: &mut DepsMut,
    (topic_id, topic): (u64, &TopicRecord),
    action: &str,
    nonce: u64,
    worker: (&Addr, u32),
    closes: Closes,
) -> Result<Response, ContractError> {
    if closes.closed > 0 {
        TOPICS.save(deps.storage, topic_id, topic)?;
    }
    Ok(Response::new()
        .add_attribute("action", action)
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("nonce", nonce.to_string())
        .add_attribute("worker", worker.1.to_string())
        .add_attribute("address", worker.0)
        .add_attribute("windows_closed", closes.closed.to_string())
        .add_events(closes.events))
}

/// Admits a payload (sent in the clear or revealed) and answers with the admission
/// attributes and the closes the message ran.
fn admit_and_respond(
    deps: &mut DepsMut,
    (topic_id, topic): (u64, &TopicRecord),
    (action, nonce): (&str, u64),
    worker: (&Addr, &KnownActor),
    height: u64,
    checked: CheckedPayload,
    closes: Closes,
) -> Result<Response, ContractError> {
    let attrs = admit(deps, (topic_id, topic), nonce, worker, height, checked)?;
    let response = worker_response(
        deps,
        (topic_id, topic),
        action,
        nonce,
        (worker.0, worker.1.actor_index),
        closes,
    )?;
    Ok(response.add_attributes(attrs))
}

/// The response, paying the payload fee on into the topic's revenue when there is one.
fn with_fee(response: Response, fee: Option<CosmosMsg>, amount: Uint128) -> Response {
    match fee {
        Some(msg) => response
            .add_message(msg)
            .add_attribute("payload_fee", amount),
        None => response,
    }
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
    if topic.clock.commit_reveal() {
        return Err(ContractError::CommitRevealRequired { topic_id });
    }
    let fee = payload_fee(&mut deps, &env, &info, (topic_id, &topic))?;
    let checked = check_payload(
        topic_id,
        topic.params.allow_negative,
        topic.params.max_inferers,
        inference,
        forecast,
    )?;
    let closes = close_due_windows(&mut deps, &env, topic_id, &mut topic)?;
    in_worker_window(&topic, topic_id, nonce, height)?;
    let registration = registered_actor(deps.as_ref(), topic_id, Role::Worker, &info.sender)?;
    let actor = registration.actor_index;
    not_submitted(&deps, topic_id, nonce, actor)?;
    open_nonce(&mut deps, topic_id, nonce)?;
    let response = admit_and_respond(
        &mut deps,
        (topic_id, &topic),
        ("submit_worker_payload", nonce),
        (&info.sender, &registration),
        height,
        checked,
        closes,
    )?;
    Ok(with_fee(response, fee, topic.params.payload_fee))
}

/// `CommitWorkerPayload`: stores the commitment inside the worker window.
pub fn commit_worker_payload(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    topic_id: u64,
    nonce: u64,
    commitment: HexBinary,
) -> Result<Response, ContractError> {
    let height = env.block.height;
    let mut topic = load_or_init_topic(&mut deps, &env, topic_id)?;
    if !topic.clock.commit_reveal() {
        return Err(ContractError::CommitRevealOff { topic_id });
    }
    let fee = payload_fee(&mut deps, &env, &info, (topic_id, &topic))?;
    if commitment.len() != COMMITMENT_BYTES {
        return Err(ContractError::CommitmentLength {
            expected: COMMITMENT_BYTES as u64,
            got: commitment.len() as u64,
        });
    }
    let closes = close_due_windows(&mut deps, &env, topic_id, &mut topic)?;
    in_worker_window(&topic, topic_id, nonce, height)?;
    let registration = registered_actor(deps.as_ref(), topic_id, Role::Worker, &info.sender)?;
    let actor = registration.actor_index;
    if COMMITMENTS.has(deps.storage, (topic_id, nonce, actor)) {
        return Err(ContractError::AlreadyCommitted {
            topic_id,
            nonce,
            actor,
        });
    }
    open_nonce(&mut deps, topic_id, nonce)?;
    COMMITMENTS.save(deps.storage, (topic_id, nonce, actor), &commitment)?;
    let response = worker_response(
        &mut deps,
        (topic_id, &topic),
        "commit_worker_payload",
        nonce,
        (&info.sender, actor),
        closes,
    )?;
    let response = response.add_attribute("commitment", commitment.to_hex());
    Ok(with_fee(response, fee, topic.params.payload_fee))
}

/// `RevealWorkerPayload`: inside the reveal window, a payload that hashes to the sender's
/// commitment is admitted as a clear payload would be; the commitment is consumed.
#[allow(clippy::too_many_arguments)] // the message's fields, passed through from dispatch
pub fn reveal_worker_payload(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    topic_id: u64,
    nonce: u64,
    inference: Option<SignedDecimal>,
    forecast: Option<Vec<ForecastElement>>,
    salt: HexBinary,
) -> Result<Response, ContractError> {
    let height = env.block.height;
    let mut topic = load_or_init_topic(&mut deps, &env, topic_id)?;
    if !topic.clock.commit_reveal() {
        return Err(ContractError::CommitRevealOff { topic_id });
    }
    if !(MIN_SALT_BYTES..=MAX_SALT_BYTES).contains(&salt.len()) {
        return Err(ContractError::SaltLength {
            min: MIN_SALT_BYTES as u64,
            max: MAX_SALT_BYTES as u64,
            got: salt.len() as u64,
        });
    }
    // hashed as sent: the commitment was made before deduplication
    let commitment = payload_commitment(
        topic_id,
        nonce,
        info.sender.as_str(),
        inference,
        forecast.as_deref(),
        &salt,
    );
    let checked = check_payload(
        topic_id,
        topic.params.allow_negative,
        topic.params.max_inferers,
        inference,
        forecast,
    )?;
    let closes = close_due_windows(&mut deps, &env, topic_id, &mut topic)?;
    let window = topic
        .clock
        .reveal_window(nonce)
        .ok_or(ContractError::NonceOutOfRange { topic_id, nonce })?;
    if !window.contains(height) {
        return Err(ContractError::RevealWindowNotOpen {
            topic_id,
            nonce,
            height,
            open: topic.clock.open_reveal_epoch(height),
        });
    }
    let registration = registered_actor(deps.as_ref(), topic_id, Role::Worker, &info.sender)?;
    let actor = registration.actor_index;
    not_submitted(&deps, topic_id, nonce, actor)?;
    let key = (topic_id, nonce, actor);
    let committed =
        COMMITMENTS
            .may_load(deps.storage, key)?
            .ok_or(ContractError::NoCommitment {
                topic_id,
                nonce,
                actor,
            })?;
    if committed.as_slice() != commitment.as_slice() {
        return Err(ContractError::CommitmentMismatch {
            topic_id,
            nonce,
            actor,
        });
    }
    COMMITMENTS.remove(deps.storage, key);
    admit_and_respond(
        &mut deps,
        (topic_id, &topic),
        ("reveal_worker_payload", nonce),
        (&info.sender, &registration),
        height,
        checked,
        closes,
    )
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
