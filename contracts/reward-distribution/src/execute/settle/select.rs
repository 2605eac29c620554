//! Which topics a call works on, and in crank mode the order of their turns.

use cosmwasm_std::{Order, QuerierWrapper, Storage};
use cw_storage_plus::Bound;

use super::context::Ctx;
use super::plan::plan_topic;
use crate::error::ContractError;
use crate::state::{TopicState, CRANK_CURSOR, TOPICS, WEIGHT_INDEX};

/// Index entries a crank reads at most while looking for due topics (each is one small
/// read; keeps a crank over many idle topics bounded).
pub const MAX_TOPICS_SCANNED: usize = 100;

/// Phase 1 of a crank: one epoch at a time, always the epoch that became due first (its
/// reputer window closed earliest; ties: highest weight first, as the crank orders topics).
/// A late crank thus settles the topics in the interleaving an on-time keeper would have,
/// so the weight sum each epoch's §9.2 target sees does not depend on when (or with which
/// cap) the crank runs. Returns the last topic that got a turn (the next cursor).
pub fn plan_crank(
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
        plan_topic(storage, querier, ctx, key.1, 1, None)?;
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
pub struct Selection {
    /// Due active topics in the order they get their turn, with their index keys.
    pub due: Vec<(u128, u64)>,
    /// The last index entry read (the cursor when no due topic gets a turn).
    pub last_scanned: Option<(u128, u64)>,
    /// Whether the scan saw every active topic (only then may "nothing to settle" be an
    /// error: otherwise the cursor must move on so later topics get their turn).
    pub full_round: bool,
}

/// Crank mode: the next due active topics in weight order (descending) after the stored
/// cursor, wrapping once; at most `max_topics_per_call` due topics and
/// `MAX_TOPICS_SCANNED` index entries.
pub fn select_due_topics(storage: &dyn Storage, ctx: &Ctx) -> Result<Selection, ContractError> {
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
pub fn is_due(state: &TopicState, height: u64) -> bool {
    state.active
        && state
            .clock
            .last_closed_reputer_epoch(height)
            .is_some_and(|last| state.next_epoch <= last)
}
