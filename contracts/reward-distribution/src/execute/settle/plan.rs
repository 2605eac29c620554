//! Phase 1 for one topic: read each due epoch's scores (with the stakes synthesis scored
//! the reputers with), update the weight and activity (§9.1), split the epoch's rewards by
//! class (§8.1–8.6) and set its target (§9.2, §10).

use cosmwasm_std::{QuerierWrapper, SignedDecimal, Storage, Uint128};
use nous_math::epoch::{reward_split, RewardSplit, RewardState};
use nous_math::sorted_map::SortedMap;
use nous_math::Fixed;
use nous_types::params::{RewardParams, SynthesisParams};
use nous_types::reward_distribution::{EpochOutcome, MAX_UNSETTLED_EPOCHS};
use nous_types::synthesis::{EpochScores, ScoresStatus, SynthesisContract, WorkerScore};

use super::context::{Ctx, Planned};
use super::record::empty_record;
use crate::error::ContractError;
use crate::execute::activate::next_weight;
use crate::execute::emission::{month_of, month_record};
use crate::execute::ledger;
use crate::maths;
use crate::smoothed;
use crate::state::{Class, TopicState, TOPICS};

/// Phase 1 for one topic: its due epochs in order, while the call has epochs left.
/// `loaded`: the topic's record if the caller has just read it.
pub fn plan_topic(
    storage: &mut dyn Storage,
    querier: &QuerierWrapper,
    ctx: &mut Ctx,
    topic_id: u64,
    max_epochs: u32,
    loaded: Option<TopicState>,
) -> Result<(), ContractError> {
    let mut state = match loaded {
        Some(state) => state,
        None => TOPICS.load(storage, topic_id)?,
    };
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
        let inputs = match fetch_inputs(querier, ctx, topic_id, epoch, end) {
            Ok(Some(inputs)) => inputs,
            Ok(None) => break, // synthesis has not scored it yet
            Err(e) if ctx.crank => {
                ctx.skipped_topics.push((topic_id, e.to_string()));
                break;
            }
            Err(e) => return Err(e),
        };
        ctx.treasury.seen(inputs.treasury);

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
        } else if inputs.status == ScoresStatus::Empty {
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
        let split = match &inputs.scores {
            Some(scores) => {
                split_epoch(storage, &mut state, topic_id, scores, &ctx.params.rewards)?
            }
            None => None,
        };
        let (Some(split), Some(scores)) = (split, inputs.scores) else {
            ctx.finished.push(empty_record(
                ctx,
                topic_id,
                epoch,
                EpochOutcome::Unscorable,
                weight,
            ));
            continue;
        };

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
            month: record,
            split,
            scores,
            // §8.7: synthesis scored the reputers with the stakes as of the first block of
            // the epoch's reputer window; their delegators are paid from that snapshot
            stakes_at: state.clock.reputer_window(epoch).map_or(end, |w| w.start),
        });
    }
    TOPICS.save(storage, topic_id, &state)?;
    Ok(())
}

/// What settling one epoch needs from the peers.
struct EpochInputs {
    status: ScoresStatus,
    /// Synthesis's scores record, only for a usable scored epoch: actors in ascending
    /// index, owners, the reputers' stakes as scored, and the topic's ε (§8.1) recorded at
    /// the reputer close (a later `UpdateTopic` cannot change a scored epoch's rewards).
    scores: Option<EpochScores>,
    stake: Uint128,
    revenue: Uint128,
    treasury: Uint128,
}

/// Everything settling an epoch reads from the peers: synthesis's scores record (one
/// query), the topic's stake and revenue; `None` while synthesis has not scored it.
// Not inlined into `plan_topic` (see the module comment of `crate::execute`).
#[inline(never)]
fn fetch_inputs(
    querier: &QuerierWrapper,
    ctx: &Ctx,
    topic_id: u64,
    epoch: u64,
    end: u64,
) -> Result<Option<EpochInputs>, ContractError> {
    let answer =
        SynthesisContract(ctx.config.synthesis.clone()).epoch_scores(querier, topic_id, epoch)?;
    if answer.status == ScoresStatus::Pending {
        return Ok(None);
    }
    let stake = ctx
        .config
        .staking
        .topic_stake(querier, topic_id, Some(end))?;
    // the vault's two answers in one query: revenue for §9.1, the treasury for §9.2/§10
    let vault = ctx
        .config
        .fee_vault
        .revenue_and_treasury(querier, topic_id, Some(epoch))?;
    let scores = match (answer.status, answer.scores) {
        (ScoresStatus::Scored, Some(mut scores)) => {
            // Stored order is ascending actor index (§8.1); duplicates are refused below.
            scores.inferers.sort_by_key(|a| a.worker);
            scores.forecasters.sort_by_key(|a| a.worker);
            scores.reputers.sort_by_key(|a| a.reputer);
            check_scores(&scores, topic_id, epoch, &ctx.params.synthesis)
                .is_ok()
                .then_some(scores)
        }
        _ => None,
    };
    Ok(Some(EpochInputs {
        status: answer.status,
        scores,
        stake,
        revenue: vault.revenue.revenue,
        treasury: vault.treasury,
    }))
}

/// Synthesis's answer must be about this epoch, each actor at most once per class (lists
/// sorted by actor index before), class sizes within synthesis's active-set caps, at least
/// one inferer and one reputer.
fn check_scores(
    s: &EpochScores,
    topic_id: u64,
    epoch: u64,
    params: &SynthesisParams,
) -> Result<(), &'static str> {
    if s.topic_id != topic_id || s.nonce != epoch {
        return Err("scores of another epoch");
    }
    let ascending = |xs: &[u32]| xs.windows(2).all(|w| matches!(w, [a, b] if a < b));
    let workers = |xs: &[WorkerScore]| xs.iter().map(|a| a.worker).collect::<Vec<_>>();
    let reputers: Vec<u32> = s.reputers.iter().map(|r| r.reputer).collect();
    if !ascending(&workers(&s.inferers))
        || !ascending(&workers(&s.forecasters))
        || !ascending(&reputers)
    {
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

fn worker_scores(xs: &[WorkerScore]) -> SortedMap<u32, Fixed> {
    xs.iter()
        .map(|a| (a.worker, Fixed::from(a.value)))
        .collect()
}

/// §8.1–8.6 for one scored epoch with `nous_math::epoch::reward_split`; on success the
/// topic's §8 state (smoothed fractions, score samples, ρ̄) is advanced. `None` when the
/// maths refuses the inputs (the epoch is then skipped, the state untouched).
// Not inlined into `plan_topic` (see the module comment of `crate::execute`).
#[inline(never)]
fn split_epoch(
    storage: &mut dyn Storage,
    state: &mut TopicState,
    topic_id: u64,
    scores: &EpochScores,
    params: &RewardParams,
) -> Result<Option<RewardSplit>, ContractError> {
    let samples = |xs: &[SignedDecimal]| xs.iter().map(|s| Fixed::from(*s)).collect();
    let reward_state = RewardState {
        smoothed_inferer: smoothed::load(storage, topic_id, Class::Inferer)?,
        smoothed_forecaster: smoothed::load(storage, topic_id, Class::Forecaster)?,
        smoothed_reputer: smoothed::load(storage, topic_id, Class::Reputer)?,
        forecaster_score_ratio: Fixed::from(state.forecaster_score_ratio),
        inferer_score_history: vec![samples(&state.inferer_samples)],
        forecaster_score_history: vec![samples(&state.forecaster_samples)],
    };
    let reputer_scores: SortedMap<u32, Fixed> = scores
        .reputers
        .iter()
        .map(|r| (r.reputer, Fixed::from(r.score)))
        .collect();
    let reputer_stakes: SortedMap<u32, u128> = scores
        .reputers
        .iter()
        .map(|r| (r.reputer, r.stake.u128()))
        .collect();
    let Ok(split) =
        maths::epoch_reward_params(params, scores.epsilon, scores.rules).and_then(|p| {
            reward_split(
                &worker_scores(&scores.inferers),
                &worker_scores(&scores.forecasters),
                Fixed::from(scores.forecasting_task),
                &reputer_scores,
                &reputer_stakes,
                &reward_state,
                &p,
            )
        })
    else {
        return Ok(None);
    };
    let merged = [
        (
            Class::Inferer,
            reward_state.smoothed_inferer,
            &split.smoothed_inferer,
        ),
        (
            Class::Forecaster,
            reward_state.smoothed_forecaster,
            &split.smoothed_forecaster,
        ),
        (
            Class::Reputer,
            reward_state.smoothed_reputer,
            &split.smoothed_reputer,
        ),
    ];
    for (class, mut stored, new) in merged {
        if !new.is_empty() {
            stored.extend(new.iter().map(|(a, v)| (*a, *v)));
            smoothed::save(storage, topic_id, class, &stored);
        }
    }
    let samples = |xs: &[Fixed]| xs.iter().map(|s| SignedDecimal::from(*s)).collect();
    state.inferer_samples = samples(&split.inferer_sample);
    state.forecaster_samples = samples(&split.forecaster_sample);
    state.forecaster_score_ratio = SignedDecimal::from(split.forecaster_score_ratio);
    Ok(Some(split))
}
