//! Phase 1 for one topic: read each due epoch's scores and stakes, update the weight and
//! activity (§9.1), split the epoch's rewards by class (§8.1–8.6) and set its target (§9.2,
//! §10).

use std::collections::BTreeMap;

use cosmwasm_std::{Decimal, QuerierWrapper, SignedDecimal, Storage, Uint128};
use nous_math::Fixed;
use nous_types::params::{RewardParams, SynthesisParams};
use nous_types::reward_distribution::{
    query_epoch_scores, ActorScore, EpochOutcome, EpochScoresResponse, ScoresStatus,
    MAX_UNSETTLED_EPOCHS,
};
use nous_types::staking::ReputerStake;

use super::context::{Ctx, Planned};
use super::record::empty_record;
use crate::error::ContractError;
use crate::execute::activate::next_weight;
use crate::execute::emission::{month_of, month_record};
use crate::execute::ledger;
use crate::maths::{self, ClassInput, SplitInput, SplitOutput, SplitParams};
use crate::state::{Class, TopicState, SMOOTHED, TOPICS};

/// Phase 1 for one topic: its due epochs in order, while the call has epochs left.
pub fn plan_topic(
    storage: &mut dyn Storage,
    querier: &QuerierWrapper,
    ctx: &mut Ctx,
    topic_id: u64,
    max_epochs: u32,
) -> Result<(), ContractError> {
    let mut state = TOPICS.load(storage, topic_id)?;
    let Some(last_closed) = state.clock.last_closed_reputer_epoch(ctx.height) else {
        return Ok(());
    };
    let mut taken = 0u32;
    while ctx.epochs_left > 0
        && taken < max_epochs
        && state.active
        && state.next_epoch <= last_closed
    {
        // Storage stays bounded: at most MAX_UNSETTLED_EPOCHS closed epochs are settled.
        let oldest_kept = last_closed
            .saturating_add(1)
            .saturating_sub(MAX_UNSETTLED_EPOCHS);
        if state.next_epoch < oldest_kept {
            ctx.expired = ctx.expired.saturating_add(oldest_kept - state.next_epoch);
            state.next_epoch = oldest_kept;
        }
        let epoch = state.next_epoch;
        let end = state
            .clock
            .epoch_start(epoch.saturating_add(1))
            .unwrap_or(u64::MAX);
        // Every query of this epoch first, so a peer that fails for this topic leaves its
        // state untouched (and, in crank mode, the other topics unaffected).
        // §8.2: the reputers' stakes synthesis weighted the losses with, as of the first
        // block of the epoch's reputer window (`NetworkLosses.reputers`).
        let stakes_at = state.clock.reputer_window(epoch).map_or(end, |w| w.start);
        let inputs = match fetch_inputs(querier, ctx, topic_id, epoch, (end, stakes_at)) {
            Ok(Some(inputs)) => inputs,
            Ok(None) => break, // synthesis has not scored it yet
            Err(e) if ctx.crank => {
                ctx.skipped_topics.push((topic_id, e.to_string()));
                break;
            }
            Err(e) => return Err(e),
        };

        // §9.1: the weight at the epoch's end, and activity.
        let (weight, active) = next_weight(&ctx.params, &state, inputs.stake, inputs.revenue)?;
        state.stake = inputs.stake;
        ledger::set_weight(
            storage,
            &mut ctx.totals,
            topic_id,
            &mut state,
            weight,
            active,
        )?;
        state.next_epoch = epoch.saturating_add(1);
        state.last_settled = Some(epoch);
        ctx.epochs_left -= 1;
        taken = taken.saturating_add(1);

        let outcome = if !active {
            Some(EpochOutcome::Inactivated)
        } else if inputs.scores.status == ScoresStatus::Empty {
            Some(EpochOutcome::NoScores)
        } else {
            None
        };
        if let Some(outcome) = outcome {
            ctx.finished
                .push(empty_record(ctx, topic_id, epoch, outcome, weight));
            if active {
                continue;
            }
            break;
        }

        // §8.1–8.6: the class split (persistent state updated only when it succeeds).
        let split = match (&inputs.reputer_stakes, inputs.epsilon) {
            (Some(stakes), Some(eps)) => split_epoch(
                storage,
                &mut state,
                topic_id,
                &inputs.scores,
                stakes,
                eps,
                &ctx.params.rewards,
            )?,
            _ => None,
        };
        let (Some(split), Some(reputer_stakes)) = (split, inputs.reputer_stakes) else {
            ctx.finished.push(empty_record(
                ctx,
                topic_id,
                epoch,
                EpochOutcome::Unscorable,
                weight,
            ));
            continue;
        };
        let scores = inputs.scores;

        // §10, §9.2: the epoch's target reward from its month's block emission.
        let month = month_of(end, ctx.params.rewards.blocks_per_month);
        let record = month_record(
            storage,
            querier,
            &ctx.config,
            &ctx.params.rewards,
            &mut ctx.treasury,
            month,
        )?;
        let target = maths::topic_epoch_reward(
            Fixed::try_from(weight).map_err(|e| ContractError::math("weight", e))?,
            Fixed::try_from(ctx.totals.weight_sum)
                .map_err(|e| ContractError::math("weight sum", e))?,
            record.block_emission.u128(),
            state.clock.epoch_length,
        )
        .map_err(|e| ContractError::math("topic epoch reward", e))?;
        ctx.planned.push(Planned {
            topic_id,
            epoch,
            epoch_length: state.clock.epoch_length,
            weight,
            weight_sum: ctx.totals.weight_sum,
            target: Uint128::new(target),
            month: record.month,
            split,
            scores,
            reputer_stakes,
            stakes_at,
        });
    }
    TOPICS.save(storage, topic_id, &state)?;
    Ok(())
}

/// What settling one epoch needs from the peers.
struct EpochInputs {
    scores: EpochScoresResponse,
    stake: Uint128,
    revenue: Uint128,
    /// The topic's ε (§8.1) the epoch was scored with (synthesis records it at the reputer
    /// close, so a later `UpdateTopic` cannot change a scored epoch's rewards) and the
    /// reputers' stakes: only for usable scored epochs.
    epsilon: Option<Decimal>,
    reputer_stakes: Option<Vec<ReputerStake>>,
}

/// Runs every query of one epoch; `None` while synthesis has not scored it.
// Not inlined into `plan_topic` (see the module comment of `crate::execute`).
#[inline(never)]
fn fetch_inputs(
    querier: &QuerierWrapper,
    ctx: &Ctx,
    topic_id: u64,
    epoch: u64,
    (end, stakes_at): (u64, u64),
) -> Result<Option<EpochInputs>, ContractError> {
    let mut scores = query_epoch_scores(querier, &ctx.config.synthesis, topic_id, epoch)?;
    if scores.status == ScoresStatus::Pending {
        return Ok(None);
    }
    // Stored order is ascending actor index (§8.1); duplicates are refused below.
    for list in [
        &mut scores.inferers,
        &mut scores.forecasters,
        &mut scores.reputers,
    ] {
        list.sort_by_key(|a| a.actor_index);
    }
    let stake = ctx
        .config
        .staking
        .topic_stake(querier, topic_id, Some(end))?;
    let revenue = ctx
        .config
        .fee_vault
        .topic_revenue(querier, topic_id, Some(epoch))?;
    let usable = scores.status == ScoresStatus::Scored
        && check_scores(&scores, topic_id, epoch, &ctx.params.synthesis).is_ok();
    let (eps, reputer_stakes) = if usable {
        let reputers: Vec<String> = scores
            .reputers
            .iter()
            .map(|r| r.operator.to_string())
            .collect();
        let stakes =
            ctx.config
                .staking
                .reputer_stakes(querier, topic_id, reputers, Some(stakes_at))?;
        (Some(scores.epsilon), Some(stakes))
    } else {
        (None, None)
    };
    Ok(Some(EpochInputs {
        scores,
        stake,
        revenue,
        epsilon: eps,
        reputer_stakes,
    }))
}

/// Synthesis's answer must be about this epoch, each actor at most once per class (lists
/// sorted by actor index before), class sizes within synthesis's active-set caps, at least
/// one inferer and one reputer.
fn check_scores(
    s: &EpochScoresResponse,
    topic_id: u64,
    epoch: u64,
    params: &SynthesisParams,
) -> Result<(), &'static str> {
    if s.topic_id != topic_id || s.nonce != epoch {
        return Err("scores of another epoch");
    }
    let ascending = |xs: &[ActorScore]| {
        xs.windows(2)
            .all(|w| matches!(w, [a, b] if a.actor_index < b.actor_index))
    };
    if !ascending(&s.inferers) || !ascending(&s.forecasters) || !ascending(&s.reputers) {
        return Err("an actor listed twice in a class");
    }
    if s.inferers.len() > params.max_top_inferers_to_reward as usize
        || s.forecasters.len() > params.max_top_forecasters_to_reward as usize
        || s.reputers.len() > params.max_top_reputers_to_reward as usize
    {
        return Err("more actors than the active-set caps");
    }
    if s.inferers.is_empty() || s.reputers.is_empty() {
        return Err("no inferer or no reputer");
    }
    Ok(())
}

fn split_params(
    params: &RewardParams,
    epsilon: Decimal,
) -> Result<SplitParams, nous_math::MathError> {
    let f = Fixed::try_from;
    Ok(SplitParams {
        epsilon_topic: f(epsilon)?,
        p_reward_inference: f(params.p_reward_inference)?,
        p_reward_forecast: f(params.p_reward_forecast)?,
        p_reward_reputer: f(params.p_reward_reputer)?,
        c_reward_inference: f(params.c_reward_inference)?,
        c_reward_forecast: f(params.c_reward_forecast)?,
        task_reward_alpha: f(params.task_reward_alpha)?,
        beta_entropy: f(params.beta_entropy)?,
        max_samples_to_scale_scores: params.max_samples_to_scale_scores,
    })
}

fn class_input(
    storage: &dyn Storage,
    topic_id: u64,
    class: Class,
    actors: &[ActorScore],
) -> Result<ClassInput, ContractError> {
    let mut input = ClassInput::default();
    for a in actors {
        input.scores.insert(a.actor_index, Fixed::from(a.score));
        if let Some(prev) = SMOOTHED.may_load(storage, (topic_id, class.key(), a.actor_index))? {
            input
                .previous_smoothed
                .insert(a.actor_index, Fixed::from(prev));
        }
    }
    Ok(input)
}

fn save_smoothed(
    storage: &mut dyn Storage,
    topic_id: u64,
    class: Class,
    smoothed: &BTreeMap<u32, Fixed>,
) -> Result<(), ContractError> {
    for (index, value) in smoothed {
        SMOOTHED.save(
            storage,
            (topic_id, class.key(), *index),
            &SignedDecimal::from(*value),
        )?;
    }
    Ok(())
}

/// §8.1–8.6 for one scored epoch; on success the topic's §8 state is advanced. `None`
/// when the inputs are unusable (the epoch is then skipped, the state untouched).
// Not inlined into `plan_topic` (see the module comment of `crate::execute`).
#[inline(never)]
fn split_epoch(
    storage: &mut dyn Storage,
    state: &mut TopicState,
    topic_id: u64,
    scores: &EpochScoresResponse,
    stakes: &[ReputerStake],
    epsilon: Decimal,
    params: &RewardParams,
) -> Result<Option<SplitOutput>, ContractError> {
    if stakes.len() != scores.reputers.len()
        || stakes
            .iter()
            .zip(&scores.reputers)
            .any(|(s, r)| s.reputer != r.operator)
    {
        return Ok(None);
    }
    let input = SplitInput {
        inferers: class_input(storage, topic_id, Class::Inferer, &scores.inferers)?,
        inferer_samples: state
            .inferer_samples
            .iter()
            .map(|s| Fixed::from(*s))
            .collect(),
        forecasters: class_input(storage, topic_id, Class::Forecaster, &scores.forecasters)?,
        forecaster_samples: state
            .forecaster_samples
            .iter()
            .map(|s| Fixed::from(*s))
            .collect(),
        reputers: class_input(storage, topic_id, Class::Reputer, &scores.reputers)?,
        reputer_stakes: scores
            .reputers
            .iter()
            .zip(stakes)
            .map(|(r, s)| (r.actor_index, s.total.u128()))
            .collect(),
        forecasting_task_score: Fixed::from(scores.forecasting_task_score),
        previous_score_ratio: Fixed::from(state.forecaster_score_ratio),
    };
    let Ok(split) = split_params(params, epsilon).and_then(|p| maths::epoch_split(&input, &p))
    else {
        return Ok(None);
    };
    save_smoothed(storage, topic_id, Class::Inferer, &split.inferers.smoothed)?;
    save_smoothed(
        storage,
        topic_id,
        Class::Forecaster,
        &split.forecasters.smoothed,
    )?;
    save_smoothed(storage, topic_id, Class::Reputer, &split.reputers.smoothed)?;
    state.inferer_samples = split
        .inferer_samples
        .iter()
        .map(|s| SignedDecimal::from(*s))
        .collect();
    state.forecaster_samples = split
        .forecaster_samples
        .iter()
        .map(|s| SignedDecimal::from(*s))
        .collect();
    state.forecaster_score_ratio = SignedDecimal::from(split.score_ratio);
    Ok(Some(split))
}
