//! Queries.

use cosmwasm_std::{to_json_binary, Addr, Binary, Deps, Env, HexBinary, Order, SignedDecimal};
use cw_storage_plus::Bound;
use nous_types::pagination::page_size;
use nous_types::synthesis::{
    ActiveMember, ActorClass, ClassQuantile, ConfigResponse, EpochResponse, EpochScores,
    EpochScoresResponse, EpochStatus, ForecastElement, LatestValue, LatestValuesResponse,
    LossBundleResponse, NetworkInferenceResponse, NetworkLossesResponse, OpenWindow,
    OpenWindowsResponse, PayloadCommitmentResponse, QueryMsg, ScoreEmaResponse, ScoresStatus,
    TopicStateResponse, WorkerCommitmentResponse, WorkerPayloadResponse, WorkerPayloadsResponse,
    MAX_LATEST_VALUES,
};
use nous_types::topic_registry::TopicRegistryContract;
use nous_types::EpochClock;

use crate::actor_scores::load_actor_score;
use crate::error::ContractError;
use crate::records::{load_bundle, load_inference, load_latest_value, load_network_losses};
use crate::state::{
    load_scores_record, load_set, CLASSES, COMMITMENTS, CONFIG, EPOCHS, PAYLOADS, TOPICS,
};
use crate::topic::load_topic;

pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => {
            let c = CONFIG.load(deps.storage)?;
            to_json_binary(&ConfigResponse {
                topic_registry: c.topic_registry,
                staking: c.staking,
                reward_distribution: c.reward_distribution,
            })?
        }
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
        QueryMsg::TopicState { topic_id } => to_json_binary(&topic_state(deps, topic_id)?)?,
        QueryMsg::OpenWindows { topic_id } => to_json_binary(&open_windows(deps, &env, topic_id)?)?,
        QueryMsg::Epoch { topic_id, nonce } => to_json_binary(&epoch(deps, topic_id, nonce)?)?,
        QueryMsg::WorkerPayload {
            topic_id,
            nonce,
            worker,
        } => to_json_binary(&worker_payload(deps, topic_id, nonce, worker)?)?,
        QueryMsg::WorkerPayloads {
            topic_id,
            nonce,
            start_after,
            limit,
        } => to_json_binary(&worker_payloads(deps, topic_id, nonce, start_after, limit)?)?,
        QueryMsg::WorkerCommitment {
            topic_id,
            nonce,
            worker,
        } => to_json_binary(&WorkerCommitmentResponse {
            commitment: COMMITMENTS.may_load(deps.storage, (topic_id, nonce, worker))?,
        })?,
        QueryMsg::PayloadCommitment {
            topic_id,
            nonce,
            address,
            inference,
            forecast,
            salt,
        } => to_json_binary(&payload_commitment_of(
            deps,
            (topic_id, nonce),
            &address,
            inference,
            forecast.as_deref(),
            &salt,
        )?)?,
        QueryMsg::NetworkInference { topic_id, nonce } => {
            to_json_binary(&network_inference(deps, &env, topic_id, nonce)?)?
        }
        QueryMsg::LatestNetworkInference { topic_id, max_age } => {
            to_json_binary(&latest_network_inference(deps, &env, topic_id, max_age)?)?
        }
        QueryMsg::LatestValue { topic_id } => to_json_binary(&latest_value(deps, topic_id)?)?,
        QueryMsg::LatestValues { topic_ids } => to_json_binary(&latest_values(deps, topic_ids)?)?,
        QueryMsg::LossBundle {
            topic_id,
            nonce,
            reputer,
        } => to_json_binary(&loss_bundle(deps, topic_id, nonce, reputer)?)?,
        QueryMsg::NetworkLosses { topic_id, nonce } => {
            to_json_binary(&network_losses(deps, topic_id, nonce)?)?
        }
        QueryMsg::Scores { topic_id, nonce } => to_json_binary(&scores(deps, topic_id, nonce)?)?,
        QueryMsg::EpochScores { topic_id, nonce } => {
            to_json_binary(&epoch_scores(deps, &env, topic_id, nonce)?)?
        }
        QueryMsg::ScoreEma {
            topic_id,
            class,
            actor,
        } => to_json_binary(&score_ema(deps, topic_id, class, actor)?)?,
    })
}

pub fn topic_state(deps: Deps, topic_id: u64) -> Result<TopicStateResponse, ContractError> {
    let t = load_topic(deps, topic_id)?;
    let quantiles = CLASSES
        .iter()
        .zip(t.quantiles.iter())
        .filter_map(|(class, q)| {
            q.map(|v| ClassQuantile {
                class: *class,
                value: SignedDecimal::from(v),
            })
        })
        .collect();
    Ok(TopicStateResponse {
        topic_id,
        clock: t.clock,
        params: t.params,
        params_read_at: t.params_read_at,
        worker_closed_below: t.worker_closed_below,
        reputer_closed_below: t.reputer_closed_below,
        initial_regret: SignedDecimal::from(t.initial_regret),
        latest_inference_nonce: t.latest_inference_nonce,
        quantiles,
    })
}

/// The topic's clock: cached, or read from the registry for a topic not used here yet.
fn topic_clock(deps: Deps, topic_id: u64) -> Result<EpochClock, ContractError> {
    Ok(match TOPICS.may_load(deps.storage, topic_id)? {
        Some(t) => t.clock,
        None => TopicRegistryContract(CONFIG.load(deps.storage)?.topic_registry)
            .topic(&deps.querier, topic_id)
            .map_err(|e| ContractError::UnknownTopic {
                topic_id,
                reason: e.to_string(),
            })?
            .clock(),
    })
}

pub fn open_windows(
    deps: Deps,
    env: &Env,
    topic_id: u64,
) -> Result<OpenWindowsResponse, ContractError> {
    let clock = topic_clock(deps, topic_id)?;
    let height = env.block.height;
    let worker = clock.open_worker_epoch(height).and_then(|nonce| {
        clock
            .worker_window(nonce)
            .map(|window| OpenWindow { nonce, window })
    });
    let reveal = clock.open_reveal_epoch(height).and_then(|nonce| {
        clock
            .reveal_window(nonce)
            .map(|window| OpenWindow { nonce, window })
    });
    let reputer = clock.open_reputer_epoch(height).and_then(|nonce| {
        clock
            .reputer_window(nonce)
            .map(|window| OpenWindow { nonce, window })
    });
    Ok(OpenWindowsResponse {
        topic_id,
        height,
        worker,
        reveal,
        reputer,
    })
}

/// The operator and owner an actor submitted with (from its payload or bundle record).
fn keys_of(
    deps: Deps,
    topic_id: u64,
    nonce: u64,
    class: ActorClass,
    actor: u32,
) -> Result<Option<(Addr, Addr)>, ContractError> {
    Ok(match class {
        ActorClass::Reputer => {
            load_bundle(deps.storage, (topic_id, nonce, actor))?.map(|b| (b.address, b.owner))
        }
        _ => PAYLOADS
            .may_load(deps.storage, (topic_id, nonce, actor))?
            .map(|p| (p.address, p.owner)),
    })
}

fn members(
    deps: Deps,
    topic_id: u64,
    nonce: u64,
    class: ActorClass,
) -> Result<Vec<ActiveMember>, ContractError> {
    let mut out = vec![];
    for m in load_set(deps.storage, topic_id, nonce, class)? {
        if let Some((address, _)) = keys_of(deps, topic_id, nonce, class, m.actor)? {
            out.push(ActiveMember {
                actor: m.actor,
                address,
                score_ema: SignedDecimal::from(m.ema),
            });
        }
    }
    Ok(out)
}

pub fn epoch(deps: Deps, topic_id: u64, nonce: u64) -> Result<EpochResponse, ContractError> {
    let t = load_topic(deps, topic_id)?;
    let e = EPOCHS
        .may_load(deps.storage, (topic_id, nonce))?
        .ok_or(ContractError::UnknownNonce { topic_id, nonce })?;
    let out_of_range = || ContractError::NonceOutOfRange { topic_id, nonce };
    Ok(EpochResponse {
        topic_id,
        nonce,
        worker_window: t.clock.worker_window(nonce).ok_or_else(out_of_range)?,
        reveal_window: t.clock.reveal_window(nonce),
        reputer_window: t.clock.reputer_window(nonce).ok_or_else(out_of_range)?,
        status: e.status,
        inferers: members(deps, topic_id, nonce, ActorClass::Inferer)?,
        forecasters: members(deps, topic_id, nonce, ActorClass::Forecaster)?,
        reputers: members(deps, topic_id, nonce, ActorClass::Reputer)?,
        failure: e.failure,
    })
}

/// The commitment a reveal by `address` would be checked against (the address validated,
/// so it is written as the chain writes the sender).
fn payload_commitment_of(
    deps: Deps,
    (topic_id, nonce): (u64, u64),
    address: &str,
    inference: Option<SignedDecimal>,
    forecast: Option<&[ForecastElement]>,
    salt: &HexBinary,
) -> Result<PayloadCommitmentResponse, ContractError> {
    let address = deps.api.addr_validate(address)?;
    let hash = nous_types::synthesis::payload_commitment(
        topic_id,
        nonce,
        address.as_str(),
        inference,
        forecast,
        salt,
    );
    Ok(PayloadCommitmentResponse {
        commitment: HexBinary::from(hash.to_vec()),
    })
}

pub fn worker_payload(
    deps: Deps,
    topic_id: u64,
    nonce: u64,
    worker: u32,
) -> Result<WorkerPayloadResponse, ContractError> {
    Ok(WorkerPayloadResponse {
        payload: PAYLOADS.may_load(deps.storage, (topic_id, nonce, worker))?,
    })
}

pub fn worker_payloads(
    deps: Deps,
    topic_id: u64,
    nonce: u64,
    start_after: Option<u32>,
    limit: Option<u32>,
) -> Result<WorkerPayloadsResponse, ContractError> {
    let payloads = PAYLOADS
        .prefix((topic_id, nonce))
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .map(|r| r.map(|(_, p)| p))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(WorkerPayloadsResponse { payloads })
}

pub fn network_inference(
    deps: Deps,
    env: &Env,
    topic_id: u64,
    nonce: u64,
) -> Result<NetworkInferenceResponse, ContractError> {
    match load_inference(deps.storage, topic_id, nonce)? {
        Some(inference) => {
            let age = env.block.height.saturating_sub(inference.worker_window.end);
            Ok(NetworkInferenceResponse { inference, age })
        }
        None => {
            let t = load_topic(deps, topic_id)?;
            let collecting = EPOCHS
                .may_load(deps.storage, (topic_id, nonce))?
                .is_some_and(|e| e.status == EpochStatus::Collecting);
            let ended = t
                .clock
                .payload_window(nonce)
                .is_some_and(|w| w.is_closed_at(env.block.height));
            if collecting && ended {
                Err(ContractError::NotClosedYet { topic_id, nonce })
            } else {
                Err(ContractError::NoNetworkInference { topic_id, nonce })
            }
        }
    }
}

pub fn latest_network_inference(
    deps: Deps,
    env: &Env,
    topic_id: u64,
    max_age: Option<u64>,
) -> Result<NetworkInferenceResponse, ContractError> {
    let t = load_topic(deps, topic_id)?;
    let nonce = t
        .latest_inference_nonce
        .ok_or(ContractError::NoInferenceYet { topic_id })?;
    let r = network_inference(deps, env, topic_id, nonce)?;
    if let Some(max_age) = max_age {
        if r.age > max_age {
            return Err(ContractError::StaleInference {
                topic_id,
                age: r.age,
                max_age,
            });
        }
    }
    Ok(r)
}

/// The compact read: one small record of the topic, written with its newest inference.
pub fn latest_value(deps: Deps, topic_id: u64) -> Result<LatestValue, ContractError> {
    load_latest_value(deps.storage, topic_id)?.ok_or(ContractError::NoInferenceYet { topic_id })
}

/// The compact reads of several topics, in the order asked (a topic asked twice is answered
/// twice); `None` for a topic without an inference.
pub fn latest_values(
    deps: Deps,
    topic_ids: Vec<u64>,
) -> Result<LatestValuesResponse, ContractError> {
    if topic_ids.len() > MAX_LATEST_VALUES as usize {
        return Err(ContractError::TooManyTopics {
            max: MAX_LATEST_VALUES,
            got: topic_ids.len() as u64,
        });
    }
    let values = topic_ids
        .into_iter()
        .map(|topic_id| load_latest_value(deps.storage, topic_id))
        .collect::<Result<_, _>>()?;
    Ok(LatestValuesResponse { values })
}

pub fn loss_bundle(
    deps: Deps,
    topic_id: u64,
    nonce: u64,
    reputer: u32,
) -> Result<LossBundleResponse, ContractError> {
    Ok(LossBundleResponse {
        bundle: load_bundle(deps.storage, (topic_id, nonce, reputer))?.and_then(|b| b.bundle),
    })
}

pub fn network_losses(
    deps: Deps,
    topic_id: u64,
    nonce: u64,
) -> Result<NetworkLossesResponse, ContractError> {
    load_network_losses(deps.storage, topic_id, nonce)?.ok_or(ContractError::NotScored {
        topic_id,
        nonce,
        what: "network losses".to_string(),
    })
}

pub fn scores(deps: Deps, topic_id: u64, nonce: u64) -> Result<EpochScores, ContractError> {
    load_scores_record(deps.storage, topic_id, nonce)?.ok_or(ContractError::NotScored {
        topic_id,
        nonce,
        what: "scores".to_string(),
    })
}

pub fn score_ema(
    deps: Deps,
    topic_id: u64,
    class: ActorClass,
    actor: u32,
) -> Result<ScoreEmaResponse, ContractError> {
    let stored = load_actor_score(deps.storage, topic_id, class, actor)?.map(|s| s.ema);
    Ok(ScoreEmaResponse {
        topic_id,
        class,
        actor,
        value: stored.as_ref().map(|e| SignedDecimal::from(e.value)),
        updated_at: stored.map(|e| e.updated_at).unwrap_or(0),
    })
}

/// Status and, once scored, the scores record of a nonce: what reward-distribution settles
/// the epoch from (`Pending` until the reputer window is closed, `Empty` if nothing was
/// scored). One record read: owners and stakes are in it.
pub fn epoch_scores(
    deps: Deps,
    env: &Env,
    topic_id: u64,
    nonce: u64,
) -> Result<EpochScoresResponse, ContractError> {
    let response = |status, scores| EpochScoresResponse {
        topic_id,
        nonce,
        status,
        scores,
    };
    let Some(epoch) = EPOCHS.may_load(deps.storage, (topic_id, nonce))? else {
        // nobody submitted: empty once the nonce's reputer window has ended
        let ended = topic_clock(deps, topic_id)?
            .reputer_window(nonce)
            .is_some_and(|w| w.is_closed_at(env.block.height));
        let status = if ended {
            ScoresStatus::Empty
        } else {
            ScoresStatus::Pending
        };
        return Ok(response(status, None));
    };
    Ok(match epoch.status {
        EpochStatus::Collecting | EpochStatus::InferenceReady => {
            response(ScoresStatus::Pending, None)
        }
        EpochStatus::Skipped => response(ScoresStatus::Empty, None),
        EpochStatus::Scored => response(ScoresStatus::Scored, Some(scores(deps, topic_id, nonce)?)),
    })
}
