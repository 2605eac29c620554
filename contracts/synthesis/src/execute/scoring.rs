//! Reputer-window close (MATH.md §6–§7, §11): network losses, every regret, the topic
//! initial regret, instant scores (inferers, forecasters, reputers by consensus) and the
//! score EMAs with the class quantiles. Everything is computed first with the maths package;
//! only then is anything written, so a refusal of the maths skips the nonce (recorded with
//! its reason) without leaving half an update, and never blocks later nonces.

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, DepsMut, Env, Event, SignedDecimal, Uint128};
use nous_math::consensus::{listening_coefficients, ConsensusOutcome};
use nous_math::losses::{network_losses, NetworkLosses, ReputerReport};
use nous_math::regrets::{experienced_regrets, topic_initial_regret, update_regrets, RegretState};
use nous_math::scores::{forecaster_scores, forecasting_task_score, inferer_scores};
use nous_math::sortition::score_ema;
use nous_math::stats::quantile;
use nous_math::{Fixed, MathResult, Params};
use nous_types::staking::StakingContract;
use nous_types::synthesis::{
    ActorClass, EpochScores, EpochStatus, LossBundle, NetworkLossesResponse, ReputerScore,
    ReputerWeight, WithheldValue,
};

use crate::bundle::reported_losses;
use crate::convert::worker_values as values;
use crate::error::ContractError;
use crate::maths::maths_params;
use crate::records::{load_bundle, load_inference, save_network_losses};
use crate::regret_store::{load_regrets, save_regrets};
use crate::state::{
    load_set, ScoreEma, TopicRecord, CLASSES, CONFIG, EPOCHS, INCLUSIONS, LISTENING, SCORES,
    SCORE_EMAS,
};
use crate::topic::load_globals;

/// What one reputer brought to the close.
struct Reporter {
    address: Addr,
    stake: Uint128,
}

/// Everything the close computes before writing.
struct Outcome {
    losses: NetworkLosses,
    regrets: RegretState,
    initial_regret: Option<Fixed>,
    inferer_scores: BTreeMap<u32, Fixed>,
    forecaster_scores: BTreeMap<u32, Fixed>,
    task_score: Fixed,
    consensus: ConsensusOutcome,
    /// Per class (in `CLASSES` order): new EMAs of the scored actors, the class quantile.
    emas: Vec<(BTreeMap<u32, Fixed>, Fixed)>,
}

/// What one class's actors had before this close.
#[derive(Default)]
struct ClassInputs {
    inclusions: BTreeMap<u32, u64>,
    prev_emas: BTreeMap<u32, Fixed>,
}

/// The maths inputs read from storage for the scored actors.
struct Inputs {
    reports: BTreeMap<u32, ReputerReport>,
    regrets: RegretState,
    /// In `CLASSES` order.
    classes: [ClassInputs; 3],
    listening: BTreeMap<u32, Fixed>,
}

fn compute(inputs: &Inputs, params: &Params, quantiles: [Fixed; 3]) -> MathResult<Outcome> {
    let losses = network_losses(&inputs.reports, params)?;
    let regrets = update_regrets(&losses, &inputs.regrets, params.alpha_regret)?;
    let [inferers, forecasters, _] = &inputs.classes;
    let experienced = experienced_regrets(
        &inputs.regrets,
        &regrets,
        &inferers.inclusions,
        &forecasters.inclusions,
        params.alpha_regret,
    )?;
    let initial_regret = topic_initial_regret(&experienced, params)?;
    let inferer_scores = inferer_scores(&losses)?;
    let forecaster_scores = forecaster_scores(&losses)?;
    let task_score = forecasting_task_score(&losses)?;
    let consensus = listening_coefficients(&inputs.reports, &inputs.listening, params)?;
    let class_scores = [&inferer_scores, &forecaster_scores, &consensus.scores];
    let emas = class_scores
        .iter()
        .zip(&inputs.classes)
        .zip(quantiles)
        .map(|((scores, before), q_param)| {
            let values: Vec<Fixed> = scores.values().copied().collect();
            let q = quantile(&values, q_param)?;
            let new = scores
                .iter()
                .map(|(actor, t)| {
                    let prev = before.prev_emas.get(actor).copied();
                    let e = score_ema(prev, Some(*t), q, params.merit_sortition_alpha)?;
                    Ok((*actor, e))
                })
                .collect::<MathResult<BTreeMap<u32, Fixed>>>()?;
            Ok((new, q))
        })
        .collect::<MathResult<Vec<_>>>()?;
    Ok(Outcome {
        losses,
        regrets,
        initial_regret,
        inferer_scores,
        forecaster_scores,
        task_score,
        consensus,
        emas,
    })
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
    let mut bundles = BTreeMap::new();
    let mut reporters: BTreeMap<u32, Reporter> = BTreeMap::new();
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
                    stake: stored.stake,
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
                }
            }
        }
    }
    let minimum = topic.params.required_minimum_stake;
    reporters.retain(|_, r| r.stake >= minimum);
    let reports: BTreeMap<u32, ReputerReport> = reporters
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
    let regrets = load_regrets(
        deps.storage,
        topic_id,
        topic.initial_regret,
        &inferers,
        &forecasters,
    )?;
    let actors: [Vec<u32>; 3] = [inferers, forecasters, reports.keys().copied().collect()];
    let mut classes: [ClassInputs; 3] = Default::default();
    for ((class, ids), into) in CLASSES.iter().zip(&actors).zip(classes.iter_mut()) {
        for a in ids {
            let key = (topic_id, class.tag(), *a);
            // Deviation from MATH.md §6.3 (README): the count is of epochs *scored* here,
            // not epochs paid by reward-distribution, so results never depend on when the
            // reward crank runs.
            if let Some(n) = INCLUSIONS.may_load(deps.storage, key)? {
                into.inclusions.insert(*a, n);
            }
            if let Some(e) = SCORE_EMAS.may_load(deps.storage, key)? {
                into.prev_emas.insert(*a, e.value);
            }
        }
    }
    let mut listening = BTreeMap::new();
    for m in reports.keys() {
        if let Some(a) = LISTENING.may_load(deps.storage, (topic_id, *m))? {
            listening.insert(*m, a);
        }
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
    save_regrets(deps.storage, topic_id, &outcome.regrets);
    if let Some(r) = outcome.initial_regret {
        topic.initial_regret = r;
    }
    let per_class = CLASSES
        .iter()
        .zip(&outcome.emas)
        .zip(&inputs.classes)
        .zip(topic.quantiles.iter_mut());
    for (((class, (emas, q)), before), stored_q) in per_class {
        for (a, v) in emas {
            let key = (topic_id, class.tag(), *a);
            let ema = ScoreEma {
                value: *v,
                updated_at: height,
            };
            SCORE_EMAS.save(deps.storage, key, &ema)?;
            let n = before.inclusions.get(a).copied().unwrap_or(0);
            INCLUSIONS.save(deps.storage, key, &n.saturating_add(1))?;
        }
        *stored_q = Some(*q);
    }
    for (m, a) in &outcome.consensus.coefficients {
        LISTENING.save(deps.storage, (topic_id, *m), a)?;
    }
    let reputer_rows: Vec<ReputerScore> = outcome
        .consensus
        .scores
        .iter()
        .filter_map(|(m, score)| {
            reporters.get(m).map(|r| ReputerScore {
                reputer: *m,
                address: r.address.clone(),
                stake: r.stake,
                score: SignedDecimal::from(*score),
                listening_coefficient: SignedDecimal::from(
                    outcome
                        .consensus
                        .coefficients
                        .get(m)
                        .copied()
                        .unwrap_or(Fixed::ONE),
                ),
            })
        })
        .collect();
    save_network_losses(
        deps.storage,
        &NetworkLossesResponse {
            topic_id,
            nonce,
            losses: loss_bundle_of(&outcome.losses),
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
    SCORES.save(
        deps.storage,
        (topic_id, nonce),
        &EpochScores {
            topic_id,
            nonce,
            inferers: values(&outcome.inferer_scores),
            forecasters: values(&outcome.forecaster_scores),
            forecasting_task: SignedDecimal::from(outcome.task_score),
            reputers: reputer_rows,
            scored_at: height,
            epsilon: topic.params.epsilon,
        },
    )?;
    topic.latest_loss_nonce = Some(nonce);
    epoch.status = EpochStatus::Scored;
    EPOCHS.save(deps.storage, (topic_id, nonce), &epoch)?;
    Ok(event
        .add_attribute("status", "scored")
        .add_attribute(
            "network_loss",
            SignedDecimal::from(outcome.losses.combined).to_string(),
        )
        .add_attribute("reputers", reporters.len().to_string())
        .add_attribute(
            "initial_regret",
            SignedDecimal::from(topic.initial_regret).to_string(),
        ))
}
