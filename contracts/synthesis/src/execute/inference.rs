//! Worker-window close: freeze the active sets and compute and store the network
//! inference of the nonce (MATH.md §5) with the maths package.

use cosmwasm_std::{Decimal, DepsMut, Env, Event, SignedDecimal};
use nous_math::forecast::Forecast;
use nous_math::inference::{error_bar_percentiles, synthesize, NetworkInferences};
use nous_math::regrets::RegretState;
use nous_math::sorted_map::SortedMap;
use nous_math::sortition::trim_forecast;
use nous_math::Fixed;
use nous_types::synthesis::{
    ActorClass, EpochStatus, InferencePath, NetworkInference, PercentileValue, WithheldValue,
    WorkerPayload,
};

use crate::convert::worker_values as values;
use crate::error::ContractError;
use crate::maths::maths_params;
use crate::records::{latest_value_of, load_network_losses, save_inference, save_latest_value};
use crate::regret_store::{load_own_regrets, load_regrets};
use crate::state::{load_set, TopicRecord, EPOCHS, PAYLOADS};
use crate::topic::{load_globals, refresh_params};

/// The inputs of §5 gathered from the frozen active sets of one nonce.
pub struct SynthesisInputs {
    pub inferences: SortedMap<u32, Fixed>,
    /// Per forecaster: elements about inferers of this nonce only, at most
    /// `max_elements_per_forecast` (those with the highest score EMA, §11).
    pub forecasts: SortedMap<u32, Forecast>,
}

/// Reads the admitted payloads of the nonce's (now frozen) active sets, each payload once
/// (a forecaster usually infers too: one payload holds both parts).
pub fn gather_inputs(
    deps: &DepsMut,
    topic_id: u64,
    nonce: u64,
    max_elements: u32,
) -> Result<SynthesisInputs, ContractError> {
    let inferers = load_set(deps.storage, topic_id, nonce, ActorClass::Inferer)?;
    let forecasters = load_set(deps.storage, topic_id, nonce, ActorClass::Forecaster)?;
    let mut payloads: SortedMap<u32, WorkerPayload> = SortedMap::new();
    for actor in inferers.iter().chain(&forecasters).map(|m| m.actor) {
        if payloads.contains_key(&actor) {
            continue;
        }
        if let Some(p) = PAYLOADS.may_load(deps.storage, (topic_id, nonce, actor))? {
            payloads.insert(actor, p);
        }
    }
    let mut inferences = SortedMap::new();
    for m in &inferers {
        if let Some(v) = payloads.get(&m.actor).and_then(|p| p.inference) {
            inferences.insert(m.actor, Fixed::from(v));
        }
    }
    let emas: SortedMap<u32, Fixed> = inferers
        .iter()
        .filter(|m| inferences.contains_key(&m.actor))
        .map(|m| (m.actor, m.ema))
        .collect();
    let mut forecasts = SortedMap::new();
    for m in &forecasters {
        let Some(elements) = payloads.get(&m.actor).and_then(|p| p.forecast.as_ref()) else {
            continue;
        };
        let about_this_nonce: Vec<(u32, Fixed)> = elements
            .iter()
            .filter(|e| inferences.contains_key(&e.inferer))
            .map(|e| (e.inferer, Fixed::from(e.value)))
            .collect();
        let kept = trim_forecast(&about_this_nonce, &emas, max_elements as usize);
        if !kept.is_empty() {
            forecasts.insert(m.actor, kept);
        }
    }
    Ok(SynthesisInputs {
        inferences,
        forecasts,
    })
}

/// The regrets §5 reads: none with a single inference or before the topic's first network
/// loss, only the inferers' and forecasters' own (the error bars' weights) in all-new mode
/// (initial regret 0: the variants are plain means), else every table of the actors.
fn regrets_needed(
    deps: &DepsMut,
    topic_id: u64,
    topic: &TopicRecord,
    inputs: &SynthesisInputs,
    has_prev_loss: bool,
) -> Result<RegretState, ContractError> {
    let inferers: Vec<u32> = inputs.inferences.keys().copied().collect();
    let forecasters: Vec<u32> = inputs.forecasts.keys().copied().collect();
    let initial = topic.initial_regret;
    if inferers.len() < 2 || !has_prev_loss {
        Ok(RegretState {
            initial,
            ..RegretState::default()
        })
    } else if initial.is_zero() {
        load_own_regrets(deps.storage, topic_id, initial, &inferers, &forecasters)
    } else {
        load_regrets(deps.storage, topic_id, initial, &inferers, &forecasters)
    }
}

/// The stored form of the maths package's result, computed in the block `env` describes.
#[allow(clippy::too_many_arguments)]
pub fn to_record(
    topic_id: u64,
    nonce: u64,
    topic: &TopicRecord,
    env: &Env,
    path: InferencePath,
    inferences: &SortedMap<u32, Fixed>,
    out: &NetworkInferences,
) -> Result<NetworkInference, ContractError> {
    let out_of_range = || ContractError::NonceOutOfRange { topic_id, nonce };
    let error_bars = error_bar_percentiles()
        .iter()
        .zip(out.error_bars.iter())
        .map(|(p, v)| {
            Ok(PercentileValue {
                percentile: Decimal::try_from(*p)?,
                value: SignedDecimal::from(*v),
            })
        })
        .collect::<Result<Vec<_>, ContractError>>()?;
    Ok(NetworkInference {
        topic_id,
        nonce,
        epoch_start: topic.clock.epoch_start(nonce).ok_or_else(out_of_range)?,
        worker_window: topic.clock.payload_window(nonce).ok_or_else(out_of_range)?,
        computed_at: env.block.height,
        computed_at_time: env.block.time.seconds(),
        path,
        combined: SignedDecimal::from(out.combined),
        naive: SignedDecimal::from(out.naive),
        inferences: values(inferences),
        forecast_implied: values(&out.forecast_implied),
        one_out_inferers: values(&out.one_out_inferer),
        one_out_forecasters: values(&out.one_out_forecaster),
        one_in_forecasters: values(&out.one_in_forecaster),
        one_out_implied: out
            .forecast_implied_one_out
            .iter()
            .map(|((k, j), v)| WithheldValue {
                withheld: *j,
                forecaster: *k,
                value: SignedDecimal::from(*v),
            })
            .collect(),
        error_bars,
    })
}

pub fn close_worker_window(
    deps: &mut DepsMut,
    env: &Env,
    topic_id: u64,
    nonce: u64,
    topic: &mut TopicRecord,
) -> Result<Event, ContractError> {
    refresh_params(deps, env, topic_id, topic)?;
    let globals = load_globals(deps, env)?;
    let mut epoch = EPOCHS.load(deps.storage, (topic_id, nonce))?;
    let inputs = gather_inputs(
        deps,
        topic_id,
        nonce,
        topic.params.max_elements_per_forecast,
    )?;
    let event = Event::new("close_worker_window")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("nonce", nonce.to_string())
        .add_attribute("inferers", inputs.inferences.len().to_string())
        .add_attribute("forecasters", inputs.forecasts.len().to_string());

    let prev_loss = match (topic.latest_loss_nonce, topic.latest_loss) {
        (Some(_), Some(loss)) => Some(loss),
        // a topic record from before the loss was kept in it
        (Some(n), None) => {
            load_network_losses(deps.storage, topic_id, n)?.map(|l| Fixed::from(l.losses.combined))
        }
        (None, _) => None,
    };
    let regrets = regrets_needed(deps, topic_id, topic, &inputs, prev_loss.is_some())?;
    // parameters the maths refuses skip the nonce like any other refusal of the maths
    let result = if inputs.inferences.is_empty() {
        Err("no inference".to_string())
    } else {
        maths_params(
            &globals,
            &topic.params,
            topic.params.active_inferer_quantile,
        )
        .map_err(|e| e.to_string())
        .and_then(|params| {
            synthesize(
                &inputs.inferences,
                &inputs.forecasts,
                prev_loss,
                &regrets,
                &params,
            )
            .map_err(|e| e.to_string())
        })
    };
    let event = match result {
        Ok(out) => {
            let path = match (inputs.inferences.len(), prev_loss) {
                (1, _) => InferencePath::Single,
                (_, None) => InferencePath::NoLossYet,
                _ => InferencePath::Full {
                    all_new: regrets.initial.is_zero(),
                },
            };
            let record = to_record(topic_id, nonce, topic, env, path, &inputs.inferences, &out)?;
            save_inference(deps.storage, &record)?;
            // nonces close in order: this is the topic's newest inference
            save_latest_value(deps.storage, &latest_value_of(&record));
            topic.latest_inference_nonce = Some(nonce);
            epoch.status = EpochStatus::InferenceReady;
            event
                .add_attribute("status", "inference_ready")
                .add_attribute("combined", record.combined.to_string())
        }
        Err(reason) => {
            epoch.skip(reason.clone());
            event
                .add_attribute("status", "skipped")
                .add_attribute("reason", reason)
        }
    };
    EPOCHS.save(deps.storage, (topic_id, nonce), &epoch)?;
    Ok(event)
}
