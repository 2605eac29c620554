//! `Settle`: the permissionless, bounded, resumable crank over closed topic epochs.
//!
//! One call works in three phases so every draw is fully allocated within the call:
//! 1. **plan** — for each visited topic (highest weight first), for each due epoch in
//!    order: read the epoch's scores from synthesis (stop at the first not yet scored),
//!    update the topic weight (§9.1) and activity, and for a scored epoch compute the
//!    class split (§8.1–8.6, its persistent state written now, as the next epoch of the
//!    same topic reads it) and the epoch's target reward `E_t` (§9.2, §10);
//! 2. **allocate** — cap the targets by the treasury (§9.2: one epoch takes the whole
//!    treasury, several share it by `w_t · epoch_length`);
//! 3. **pay** — per epoch: the chain-security share, the class budgets and the integer
//!    payouts (§8.7) credited to owners, the delegators' part of reputer rewards, dust
//!    carried. Then one `DrawEmission` for the sum (first message, so the tokens arrive
//!    before any transfer leaves), the chain-security transfer and one delegator deposit
//!    per topic (its epochs in order), each isolated (`payouts`): a refused one is parked,
//!    the call goes on.

use cosmwasm_std::{
    Decimal, DepsMut, Env, Event, Order, QuerierWrapper, Response, SignedDecimal, Storage, Uint128,
};
use std::collections::BTreeMap;

use cw_storage_plus::Bound;
use nous_math::topic::TopicEntry;
use nous_math::Fixed;
use nous_types::params::{RewardParams, SynthesisParams};
use nous_types::reward_distribution::{
    query_epoch_scores, ActorScore, Config, EpochOutcome, EpochReward, EpochScoresResponse,
    ScoresStatus, Totals, MAX_UNSETTLED_EPOCHS,
};
use nous_types::staking::{ReputerReward, ReputerStake};
use nous_types::topic_registry::RewardGroups;

use crate::error::ContractError;
use crate::execute::activate::next_weight;
use crate::execute::emission::{month_of, month_record, record_paid, TreasuryView};
use crate::execute::ledger;
use crate::execute::payout::{pay_epoch, PaidEpoch};
use crate::execute::payouts::{self, Outgoing};
use crate::maths::{self, ClassInput, SplitInput, SplitOutput, SplitParams};
use crate::state::{
    Class, TopicState, CONFIG, CRANK_CURSOR, EPOCH_REWARDS, SMOOTHED, TOPICS, TOTALS, WEIGHT_INDEX,
};

/// Index entries a crank reads at most while looking for due topics (each is one small
/// read; keeps a crank over many idle topics bounded).
pub const MAX_TOPICS_SCANNED: usize = 100;

/// A scored epoch waiting for its allocation.
pub struct Planned {
    pub topic_id: u64,
    pub epoch: u64,
    pub epoch_length: u64,
    pub weight: Decimal,
    pub weight_sum: Decimal,
    pub target: Uint128,
    pub month: u64,
    pub split: SplitOutput,
    pub scores: EpochScoresResponse,
    /// Staking's answer for `scores.reputers`, same order, as of `stakes_at` (the first
    /// block of the epoch's reputer window).
    pub reputer_stakes: Vec<ReputerStake>,
    pub stakes_at: u64,
}

/// Everything one call shares.
struct Ctx {
    config: Config,
    params: RewardGroups,
    totals: Totals,
    treasury: TreasuryView,
    height: u64,
    epochs_left: u32,
    /// Epochs that ended without a draw (their records are final).
    finished: Vec<EpochReward>,
    planned: Vec<Planned>,
    expired: u64,
    /// Crank mode: a topic whose peers fail is skipped (recorded) instead of failing the call.
    crank: bool,
    skipped_topics: Vec<(u64, String)>,
}

pub fn settle(
    deps: DepsMut,
    env: Env,
    topic_id: Option<u64>,
    limit: Option<u32>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let max = config.max_epochs_per_call;
    let epochs = match limit {
        None => max,
        Some(n) if n == 0 || n > max => return Err(ContractError::InvalidLimit { max, got: n }),
        Some(n) => n,
    };
    let params = config.topic_registry.reward_groups(&deps.querier)?;
    let mut ctx = Ctx {
        totals: TOTALS.load(deps.storage)?,
        config,
        params,
        treasury: TreasuryView::new(),
        height: env.block.height,
        epochs_left: epochs,
        finished: vec![],
        planned: vec![],
        expired: 0,
        crank: topic_id.is_none(),
        skipped_topics: vec![],
    };

    // ---- which topics -----------------------------------------------------------------
    let selection = match topic_id {
        Some(id) => match TOPICS.may_load(deps.storage, id)? {
            Some(s) if s.active => Selection {
                due: vec![(s.weight.atomics().u128(), id)],
                last_scanned: None,
                full_round: true,
            },
            _ => return Err(ContractError::TopicNotActive { topic_id: id }),
        },
        None => select_due_topics(deps.storage, &ctx)?,
    };

    // ---- phase 1: plan ----------------------------------------------------------------
    // Round robin: the crank cursor moves to the last topic that got a turn, so topics not
    // reached because the epoch budget ran out come first in the next crank.
    let last_turn = if ctx.crank {
        plan_crank(deps.storage, &deps.querier, &mut ctx, &selection.due)?
    } else {
        let mut last_turn = None;
        for key in &selection.due {
            plan_topic(deps.storage, &deps.querier, &mut ctx, key.1, u32::MAX)?;
            last_turn = Some(*key);
        }
        last_turn
    };
    if ctx.crank {
        if let Some(cursor) = last_turn.or(selection.last_scanned) {
            CRANK_CURSOR.save(deps.storage, &cursor)?;
        }
    }
    if ctx.finished.is_empty() && ctx.planned.is_empty() && ctx.expired == 0 && selection.full_round
    {
        return Err(ContractError::NothingToSettle {});
    }

    // ---- phase 2: allocate ------------------------------------------------------------
    let targets: Uint128 = ctx
        .planned
        .iter()
        .try_fold(Uint128::zero(), |a, p| a.checked_add(p.target))?;
    let allocations = if targets.is_zero() {
        vec![Uint128::zero(); ctx.planned.len()]
    } else {
        let balance = ctx.treasury.balance(&deps.querier, &ctx.config)?;
        allocate(&ctx.planned, balance)?
    };

    // ---- phase 3: pay -----------------------------------------------------------------
    let mut drawn = Uint128::zero();
    let mut chain_security = Uint128::zero();
    // one deposit per topic: its epochs of this call in order (staking takes a topic's
    // deposits in snapshot order)
    let mut deposits: BTreeMap<u64, (Uint128, Vec<ReputerReward>)> = BTreeMap::new();
    let mut events = vec![];
    let share = ctx.params.rewards.chain_security_share;
    for (planned, alloc) in ctx.planned.iter().zip(allocations) {
        let cs = alloc.mul_floor(share);
        let PaidEpoch {
            record,
            delegators,
            event,
        } = pay_epoch(
            deps.storage,
            &mut ctx.totals,
            planned,
            alloc,
            cs,
            ctx.height,
        )?;
        record_paid(
            deps.storage,
            planned.month,
            record.topic_reward,
            record.reputation,
        )?;
        drawn = drawn.checked_add(alloc)?;
        chain_security = chain_security.checked_add(cs)?;
        if let Some((total, rewards)) = delegators {
            let deposit = deposits.entry(planned.topic_id).or_default();
            deposit.0 = deposit.0.checked_add(total)?;
            deposit.1.extend(rewards);
        }
        events.push(epoch_event(&record));
        events.push(event);
        save_record(deps.storage, record)?;
    }
    for record in std::mem::take(&mut ctx.finished) {
        events.push(epoch_event(&record));
        save_record(deps.storage, record)?;
    }
    // the payouts that leave, isolated: a refusal parks the amount, never fails the call
    let mut outgoing = vec![];
    if !chain_security.is_zero() {
        outgoing.push(payouts::chain_security(&ctx.config, chain_security)?);
    }
    for (topic_id, deposit) in deposits {
        outgoing.push(payouts::delegator_deposit(
            deps.storage,
            &ctx.config,
            &mut ctx.totals,
            ctx.height,
            topic_id,
            deposit,
        )?);
    }
    TOTALS.save(deps.storage, &ctx.totals)?;

    let mut res = Response::new()
        .add_attribute("action", "settle")
        .add_attribute("epochs_settled", (epochs - ctx.epochs_left).to_string())
        .add_attribute("epochs_expired", ctx.expired.to_string())
        .add_attribute("drawn", drawn)
        .add_attribute("chain_security", chain_security)
        .add_attribute("dust", ctx.totals.dust)
        .add_events(events);
    for (topic, reason) in &ctx.skipped_topics {
        res = res.add_event(
            Event::new("topic_skipped")
                .add_attribute("topic_id", topic.to_string())
                .add_attribute("reason", reason),
        );
    }
    if !drawn.is_zero() {
        res = res.add_message(ctx.config.fee_vault.draw_emission_msg(drawn)?);
    }
    for out in outgoing {
        res = match out {
            Outgoing::Send(sub) => res.add_submessage(sub),
            Outgoing::Parked(event) => res.add_event(event),
        };
    }
    Ok(res)
}

/// Phase 1 of a crank: one epoch at a time, always the epoch that became due first (its
/// reputer window closed earliest; ties: highest weight first, as the crank orders topics).
/// A late crank thus settles the topics in the interleaving an on-time keeper would have,
/// so the weight sum each epoch's §9.2 target sees does not depend on when (or with which
/// cap) the crank runs. Returns the last topic that got a turn (the next cursor).
fn plan_crank(
    storage: &mut dyn Storage,
    querier: &QuerierWrapper,
    ctx: &mut Ctx,
    due: &[(u128, u64)],
) -> Result<Option<(u128, u64)>, ContractError> {
    let mut last_turn = None;
    let mut open = due.to_vec();
    while ctx.epochs_left > 0 && !open.is_empty() {
        let mut first: Option<(DueRank, usize)> = None;
        for (i, key) in open.iter().enumerate() {
            let state = TOPICS.load(storage, key.1)?;
            let due_at = state
                .clock
                .reputer_window(state.next_epoch)
                .map_or(u64::MAX, |w| w.end);
            let rank = (
                due_at,
                std::cmp::Reverse((state.weight.atomics().u128(), key.1)),
            );
            let earlier = match &first {
                None => true,
                Some((best, _)) => rank < *best,
            };
            if earlier {
                first = Some((rank, i));
            }
        }
        let Some((_, i)) = first else { break };
        let key = open[i];
        let before = (ctx.epochs_left, ctx.skipped_topics.len());
        plan_topic(storage, querier, ctx, key.1, 1)?;
        last_turn = Some(key);
        // a topic that settled nothing (pending scores, a failing peer) or has nothing
        // more due leaves this call
        let settled = ctx.epochs_left < before.0 && ctx.skipped_topics.len() == before.1;
        if !settled || !is_due(&TOPICS.load(storage, key.1)?, ctx.height) {
            open.remove(i);
        }
    }
    Ok(last_turn)
}

/// The crank's order of due epochs: the height at which the epoch became due (its
/// reputer window's end), then highest (weight, topic id) first.
type DueRank = (u64, std::cmp::Reverse<(u128, u64)>);

/// The topics one call works on.
struct Selection {
    /// Due active topics in the order they get their turn, with their index keys.
    due: Vec<(u128, u64)>,
    /// The last index entry read (the cursor when no due topic gets a turn).
    last_scanned: Option<(u128, u64)>,
    /// Whether the scan saw every active topic (only then may "nothing to settle" be an
    /// error: otherwise the cursor must move on so later topics get their turn).
    full_round: bool,
}

/// Crank mode: the next due active topics in weight order (descending) after the stored
/// cursor, wrapping once; at most `max_topics_per_call` due topics and
/// `MAX_TOPICS_SCANNED` index entries.
fn select_due_topics(storage: &dyn Storage, ctx: &Ctx) -> Result<Selection, ContractError> {
    let cursor = CRANK_CURSOR.may_load(storage)?;
    let mut keys: Vec<(u128, u64)> = WEIGHT_INDEX
        .keys(
            storage,
            None,
            cursor.map(Bound::exclusive),
            Order::Descending,
        )
        .take(MAX_TOPICS_SCANNED)
        .collect::<Result<_, _>>()?;
    if let Some(c) = cursor {
        let rest = MAX_TOPICS_SCANNED.saturating_sub(keys.len());
        let above: Vec<(u128, u64)> = WEIGHT_INDEX
            .keys(storage, Some(Bound::inclusive(c)), None, Order::Descending)
            .take(rest)
            .collect::<Result<_, _>>()?;
        keys.extend(above);
    }
    let saw_all = keys.len() < MAX_TOPICS_SCANNED;
    let max_topics = ctx.config.max_topics_per_call as usize;
    let mut due = vec![];
    let mut last_scanned = None;
    for key in keys {
        last_scanned = Some(key);
        let state = TOPICS.load(storage, key.1)?;
        if is_due(&state, ctx.height) {
            due.push(key);
            if due.len() >= max_topics {
                break;
            }
        }
    }
    Ok(Selection {
        full_round: saw_all && due.len() < max_topics,
        due,
        last_scanned,
    })
}

/// A topic is due when its next epoch's reputer window has closed.
fn is_due(state: &TopicState, height: u64) -> bool {
    state.active
        && state
            .clock
            .last_closed_reputer_epoch(height)
            .is_some_and(|last| state.next_epoch <= last)
}

fn empty_record(
    ctx: &Ctx,
    topic_id: u64,
    epoch: u64,
    outcome: EpochOutcome,
    weight: Decimal,
) -> EpochReward {
    EpochReward {
        topic_id,
        epoch,
        outcome,
        settled_at: ctx.height,
        weight,
        weight_sum: ctx.totals.weight_sum,
        target: Uint128::zero(),
        drawn: Uint128::zero(),
        chain_security: Uint128::zero(),
        dust_in: Uint128::zero(),
        topic_reward: Uint128::zero(),
        inference: Uint128::zero(),
        forecast: Uint128::zero(),
        reputation: Uint128::zero(),
        paid_inferers: Uint128::zero(),
        paid_forecasters: Uint128::zero(),
        paid_reputers: Uint128::zero(),
        delegators: Uint128::zero(),
        dust_out: Uint128::zero(),
        entropy_inference: Default::default(),
        entropy_forecast: Default::default(),
        entropy_reputation: Default::default(),
        chi: Default::default(),
    }
}

/// Phase 1 for one topic: its due epochs in order, while the call has epochs left.
fn plan_topic(
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

/// §9.2 treasury cap: targets are paid in full when the treasury covers them; otherwise a
/// single epoch takes the whole balance and several share it by `w_t · epoch_length`
/// (truncated, never above an epoch's own target).
pub fn allocate(planned: &[Planned], balance: Uint128) -> Result<Vec<Uint128>, ContractError> {
    let wanted: Vec<&Planned> = planned.iter().filter(|p| !p.target.is_zero()).collect();
    let total = wanted
        .iter()
        .try_fold(Uint128::zero(), |a, p| a.checked_add(p.target))?;
    if total <= balance {
        return Ok(planned.iter().map(|p| p.target).collect());
    }
    if wanted.len() == 1 {
        return Ok(planned
            .iter()
            .map(|p| {
                if p.target.is_zero() {
                    p.target
                } else {
                    balance
                }
            })
            .collect());
    }
    let entries = wanted
        .iter()
        .map(|p| {
            Ok(TopicEntry {
                weight: Fixed::try_from(p.weight)?,
                epoch_length: p.epoch_length,
            })
        })
        .collect::<Result<Vec<_>, nous_math::MathError>>()
        .map_err(|e| ContractError::math("topic weights", e))?;
    let shares = maths::share_treasury(&entries, balance.u128())
        .map_err(|e| ContractError::math("treasury share", e))?;
    let mut shares = wanted
        .iter()
        .zip(shares)
        .map(|(p, a)| Uint128::new(a).min(p.target));
    Ok(planned
        .iter()
        .map(|p| {
            if p.target.is_zero() {
                Uint128::zero()
            } else {
                shares.next().unwrap_or_default()
            }
        })
        .collect())
}

/// Stores an epoch's breakdown and drops the topic's breakdowns more than
/// `MAX_UNSETTLED_EPOCHS` epochs older (several at once after an expiry jump).
fn save_record(storage: &mut dyn Storage, record: EpochReward) -> Result<(), ContractError> {
    if let Some(oldest_kept) = record.epoch.checked_sub(MAX_UNSETTLED_EPOCHS - 1) {
        let stale: Vec<u64> = EPOCH_REWARDS
            .prefix(record.topic_id)
            .keys(
                storage,
                None,
                Some(Bound::exclusive(oldest_kept)),
                Order::Ascending,
            )
            .take(MAX_UNSETTLED_EPOCHS as usize)
            .collect::<Result<_, _>>()?;
        for epoch in stale {
            EPOCH_REWARDS.remove(storage, (record.topic_id, epoch));
        }
    }
    EPOCH_REWARDS.save(storage, (record.topic_id, record.epoch), &record)?;
    Ok(())
}

fn outcome_str(o: EpochOutcome) -> &'static str {
    match o {
        EpochOutcome::Rewarded => "rewarded",
        EpochOutcome::NoScores => "no_scores",
        EpochOutcome::Inactivated => "inactivated",
        EpochOutcome::NoEmission => "no_emission",
        EpochOutcome::Unscorable => "unscorable",
    }
}

fn epoch_event(r: &EpochReward) -> Event {
    Event::new("epoch_settled")
        .add_attribute("topic_id", r.topic_id.to_string())
        .add_attribute("epoch", r.epoch.to_string())
        .add_attribute("outcome", outcome_str(r.outcome))
        .add_attribute("weight", r.weight.to_string())
        .add_attribute("target", r.target)
        .add_attribute("drawn", r.drawn)
        .add_attribute("chain_security", r.chain_security)
        .add_attribute("topic_reward", r.topic_reward)
        .add_attribute("delegators", r.delegators)
        .add_attribute("dust_out", r.dust_out)
}
