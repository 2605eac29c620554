//! Reputer-window close (MATH.md §6–§7, §11): network losses, every regret, the topic
//! initial regret, instant scores (inferers, forecasters, reputers by consensus) and the
//! score EMAs with the class quantiles. Everything is computed first with the maths package;
//! only then is anything written, so a refusal of the maths skips the nonce (recorded with
//! its reason) without leaving half an update, and never blocks later nonces.

use cosmwasm_std::{Addr, Decimal, DepsMut, Env, Event, SignedDecimal, Storage, Uint128};
use nous_math::epoch::{scored_loss_epoch, EmaInputs, LossEpochOutcome, ScoredEpochOutcome};
use nous_math::losses::{NetworkLosses, ReputerReport};
use nous_math::regrets::RegretState;
use nous_math::sorted_map::SortedMap;
use nous_math::{Fixed, MathResult, Params, Rules};
use nous_types::staking::StakingContract;
use nous_types::synthesis::{
    ActorClass, EpochScores, EpochStatus, LossBundle, NetworkLossesResponse, ReputerScore,
    ReputerWeight, WithheldValue, WorkerScore,
};

use crate::actor_scores::{load_class_scores, save_class_scores, ActorScore};
use crate::bundle::reported_losses;
use crate::convert::worker_values as values;
use crate::error::ContractError;
use crate::maths::maths_params;
use crate::records::{load_bundle, load_inference, save_network_losses};
use crate::regret_store::{load_regrets_to_update, save_regrets};
use crate::state::{
    load_set, save_scores_record, ScoreEma, TopicRecord, CLASSES, CONFIG, EPOCHS, PAYLOADS,
};
use crate::topic::load_globals;

/// What one reputer brought to the close.
struct Reporter {
    address: Addr,
    owner: Addr,
    /// Total stake as of the window's first block, and its delegated part.
    stake: Uint128,
    delegated: Uint128,
}

/// What one class's actors had before this close.
#[derive(Default)]
struct ClassInputs {
    inclusions: SortedMap<u32, u64>,
    prev_emas: SortedMap<u32, Fixed>,
}

/// The maths inputs read from storage for the scored actors.
struct Inputs {
    reports: SortedMap<u32, ReputerReport>,
    regrets: RegretState,
    /// In `CLASSES` order.
    classes: [ClassInputs; 3],
    listening: SortedMap<u32, Fixed>,
}

/// The loss step of nous-math (the composition the simulator vectors check), on the
/// inputs read from storage.
fn compute(
    inputs: &Inputs,
    params: &Params,
    quantiles: [Fixed; 3],
) -> MathResult<ScoredEpochOutcome> {
    let [inferers, forecasters, _] = &inputs.classes;
    let emas = EmaInputs {
        previous: inputs.classes.each_ref().map(|c| c.prev_emas.clone()),
        quantiles,
    };
    scored_loss_epoch(
        &inputs.reports,
        &inputs.regrets,
        &inputs.listening,
        &inferers.inclusions,
        &forecasters.inclusions,
        &emas,
        params,
    )
}

/// The stored (message) form of a network loss bundle.
pub fn loss_bundle_of(l: &NetworkLosses) -> LossBundle {
    LossBundle {
        combined: SignedDecimal::from(l.combined),
        naive: SignedDecimal::from(l.naive),
        inferers: values(&l.inferer),
        forecasters: values(&l.forecaster),
        one_out_inferers: values(&l.one_out_inferer),
        one_out_forecasters: values(&l.one_out_forecaster),
        one_in_forecasters: values(&l.one_in),
        one_out_implied: l
            .one_out_inferer_forecaster
            .iter()
            .map(|((k, j), v)| WithheldValue {
                withheld: *j,
                forecaster: *k,
                value: SignedDecimal::from(*v),
            })
            .collect(),
    }
}

pub fn close_reputer_window(
    deps: &mut DepsMut,
    env: &Env,
    topic_id: u64,
    nonce: u64,
    topic: &mut TopicRecord,
) -> Result<Event, ContractError> {
    let mut epoch = EPOCHS.load(deps.storage, (topic_id, nonce))?;
    let event = Event::new("close_reputer_window")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("nonce", nonce.to_string());
    if epoch.status != EpochStatus::InferenceReady {
        return Ok(event.add_attribute("status", "nothing_to_score"));
    }
    let Some(ni) = load_inference(deps.storage, topic_id, nonce)? else {
        return Ok(event.add_attribute("status", "nothing_to_score"));
    };
    let window_start = topic
        .clock
        .reputer_window(nonce)
        .map(|w| w.start)
        .ok_or(ContractError::NonceOutOfRange { topic_id, nonce })?;

    // the admitted bundles (validated on submit; re-checked, an invalid one is ignored)
    let mut bundles = SortedMap::new();
    let mut reporters: SortedMap<u32, Reporter> = SortedMap::new();
    for m in load_set(deps.storage, topic_id, nonce, ActorClass::Reputer)? {
        let Some(stored) = load_bundle(deps.storage, (topic_id, nonce, m.actor))? else {
            continue;
        };
        let Some(bundle) = stored.bundle else {
            continue;
        };
        if let Ok(losses) = reported_losses(&bundle, &ni) {
            bundles.insert(m.actor, losses);
            reporters.insert(
                m.actor,
                Reporter {
                    address: stored.address,
                    owner: stored.owner,
                    stake: stored.stake,
                    // unknown until staking answers below; counted as the reputer's own
                    delegated: Uint128::zero(),
                },
            );
        }
    }
    // one batched stake query as of the window's first block; the stakes recorded at
    // submission (same height) stand in if staking does not answer
    let staking = StakingContract(CONFIG.load(deps.storage)?.staking);
    let addresses: Vec<String> = reporters.values().map(|r| r.address.to_string()).collect();
    if !addresses.is_empty() {
        if let Ok(stakes) =
            staking.reputer_stakes(&deps.querier, topic_id, addresses, Some(window_start))
        {
            for r in reporters.values_mut() {
                if let Some(s) = stakes.iter().find(|s| s.reputer == r.address) {
                    r.stake = s.total;
                    r.delegated = s.delegated;
                }
            }
        }
    }
    let minimum = topic.params.required_minimum_stake;
    reporters.retain(|_, r| r.stake >= minimum);
    let reports: SortedMap<u32, ReputerReport> = reporters
        .iter()
        .filter_map(|(m, r)| {
            bundles.remove(m).map(|losses| {
                (
                    *m,
                    ReputerReport {
                        stake: r.stake.u128(),
                        losses,
                    },
                )
            })
        })
        .collect();
    if reports.is_empty() {
        epoch.skip("no reputer bundle");
        EPOCHS.save(deps.storage, (topic_id, nonce), &epoch)?;
        return Ok(event.add_attribute("status", "skipped"));
    }

    // state the maths reads
    let inferers: Vec<u32> = ni.inferences.iter().map(|v| v.worker).collect();
    let forecasters: Vec<u32> = ni.forecast_implied.iter().map(|v| v.worker).collect();
    let (regrets, placement) = load_regrets_to_update(
        deps.storage,
        topic_id,
        topic.initial_regret,
        &inferers,
        &forecasters,
    )?;
    let actors: [Vec<u32>; 3] = [inferers, forecasters, reports.keys().copied().collect()];
    let mut classes: [ClassInputs; 3] = Default::default();
    let mut listening = SortedMap::new();
    let mut stored_scores = Vec::with_capacity(CLASSES.len());
    for ((class, ids), into) in CLASSES.iter().zip(&actors).zip(classes.iter_mut()) {
        let loaded = load_class_scores(deps.storage, topic_id, *class, ids)?;
        for (a, stored) in &loaded.records {
            // Deviation from MATH.md §6.3 (README): the count is of epochs *scored* here,
            // not epochs paid by reward-distribution, so results never depend on when the
            // reward crank runs.
            into.inclusions.insert(*a, stored.inclusions);
            into.prev_emas.insert(*a, stored.ema.value);
            if let (ActorClass::Reputer, Some(l)) = (class, stored.listening) {
                listening.insert(*a, l);
            }
        }
        stored_scores.push(loaded);
    }
    let inputs = Inputs {
        reports,
        regrets,
        classes,
        listening,
    };
    let globals = load_globals(deps, env)?;
    let tp = &topic.params;
    // parameters the maths refuses skip the nonce like any other refusal of the maths
    let computed = maths_params(&globals, tp, tp.active_inferer_quantile)
        .and_then(|params| {
            let quantiles = [
                Fixed::try_from(tp.active_inferer_quantile)?,
                Fixed::try_from(tp.active_forecaster_quantile)?,
                Fixed::try_from(tp.active_reputer_quantile)?,
            ];
            Ok((params, quantiles))
        })
        .map_err(|e| e.to_string())
        .and_then(|(params, quantiles)| {
            compute(&inputs, &params, quantiles).map_err(|e| e.to_string())
        });
    let outcome = match computed {
        Ok(o) => o,
        Err(reason) => {
            epoch.skip(reason.clone());
            EPOCHS.save(deps.storage, (topic_id, nonce), &epoch)?;
            return Ok(event
                .add_attribute("status", "skipped")
                .add_attribute("reason", reason));
        }
    };

    // write
    let height = env.block.height;
    let loss = &outcome.loss;
    save_regrets(
        deps.storage,
        topic_id,
        &inputs.regrets,
        &loss.regrets,
        placement,
    );
    topic.initial_regret = loss.regrets.initial;
    let per_class = CLASSES
        .iter()
        .zip(&outcome.emas)
        .zip(&inputs.classes)
        .zip(topic.quantiles.iter_mut())
        .zip(stored_scores);
    for ((((class, class_emas), before), stored_q), stored) in per_class {
        let scored = class_emas
            .emas
            .iter()
            .map(|(a, v)| {
                let listening = match class {
                    ActorClass::Reputer => loss.consensus.coefficients.get(a).copied(),
                    _ => None,
                };
                let record = ActorScore {
                    ema: ScoreEma {
                        value: *v,
                        updated_at: height,
                    },
                    inclusions: before
                        .inclusions
                        .get(a)
                        .copied()
                        .unwrap_or(0)
                        .saturating_add(1),
                    listening,
                };
                (*a, record)
            })
            .collect();
        save_class_scores(deps.storage, topic_id, stored, scored);
        *stored_q = Some(class_emas.quantile);
    }
    save_network_losses(
        deps.storage,
        &NetworkLossesResponse {
            topic_id,
            nonce,
            losses: loss_bundle_of(&loss.losses),
            reputers: inputs
                .reports
                .iter()
                .filter_map(|(m, rep)| {
                    reporters.get(m).map(|r| ReputerWeight {
                        reputer: *m,
                        address: r.address.clone(),
                        stake: Uint128::new(rep.stake),
                    })
                })
                .collect(),
        },
    )?;
    save_scores(
        deps.storage,
        (topic_id, nonce),
        loss,
        &reporters,
        (height, topic.params.epsilon, topic.params.rules),
    )?;
    topic.latest_loss_nonce = Some(nonce);
    topic.latest_loss = Some(loss.losses.combined);
    epoch.status = EpochStatus::Scored;
    EPOCHS.save(deps.storage, (topic_id, nonce), &epoch)?;
    Ok(event
        .add_attribute("status", "scored")
        .add_attribute(
            "network_loss",
            SignedDecimal::from(loss.losses.combined).to_string(),
        )
        .add_attribute("reputers", reporters.len().to_string())
        .add_attribute(
            "initial_regret",
            SignedDecimal::from(topic.initial_regret).to_string(),
        ))
}

/// The scores record of a nonce: everything reward-distribution settles the epoch from
/// (one record, one read): each scored actor's owner (workers' from their payloads,
/// reputers' from their bundles) and the stake each reputer was scored with.
#[inline(never)]
fn save_scores(
    storage: &mut dyn Storage,
    (topic_id, nonce): (u64, u64),
    loss: &LossEpochOutcome,
    reporters: &SortedMap<u32, Reporter>,
    (height, epsilon, rules): (u64, Decimal, Rules),
) -> Result<(), ContractError> {
    let read: &dyn Storage = storage;
    let workers = |scores: &SortedMap<u32, Fixed>| -> Result<Vec<WorkerScore>, ContractError> {
        let mut out = Vec::with_capacity(scores.len());
        for (worker, value) in scores {
            // a worker scored from the network inference always has its payload
            if let Some(p) = PAYLOADS.may_load(read, (topic_id, nonce, *worker))? {
                out.push(WorkerScore {
                    worker: *worker,
                    owner: p.owner,
                    value: SignedDecimal::from(*value),
                });
            }
        }
        Ok(out)
    };
    let inferers = workers(&loss.inferer_scores)?;
    let forecasters = workers(&loss.forecaster_scores)?;
    let consensus = &loss.consensus;
    let reputers = consensus
        .scores
        .iter()
        .filter_map(|(m, score)| {
            reporters.get(m).map(|r| ReputerScore {
                reputer: *m,
                address: r.address.clone(),
                owner: r.owner.clone(),
                stake: r.stake,
                delegated: r.delegated,
                score: SignedDecimal::from(*score),
                listening_coefficient: SignedDecimal::from(
                    consensus.coefficients.get(m).copied().unwrap_or(Fixed::ONE),
                ),
            })
        })
        .collect();
    let scores = EpochScores {
        topic_id,
        nonce,
        inferers,
        forecasters,
        forecasting_task: SignedDecimal::from(loss.forecasting_task_score),
        reputers,
        scored_at: height,
        epsilon,
        rules,
    };
    save_scores_record(storage, &scores);
    Ok(())
}
