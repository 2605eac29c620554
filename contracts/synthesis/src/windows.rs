//! Closing windows, lazily (by the first message that needs it) or by the permissionless
//! `CloseWindows` crank. Due windows of a topic are closed strictly in the order of the
//! height at which they ended (a worker window before a reputer window ending at the same
//! height), at most `limit` per call, each exactly once, keyed by (topic, nonce).

use cosmwasm_std::{DepsMut, Env, Event, Order};
use cw_storage_plus::Bound;

use crate::error::ContractError;
use crate::execute::inference::close_worker_window;
use crate::execute::scoring::close_reputer_window;
use crate::state::{TopicRecord, EPOCHS};

/// Closes a submission may do before it must ask for the crank.
pub const HOT_PATH_CLOSES: u32 = 3;

/// What `advance` did.
#[derive(Debug, Default)]
pub struct Closes {
    pub closed: u32,
    /// More windows were due than the limit allowed.
    pub pending: bool,
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    Worker { nonce: u64, end: u64 },
    Reputer { nonce: u64, end: u64 },
}

/// The first nonce with a record at or after `from`.
fn next_epoch(deps: &DepsMut, topic_id: u64, from: u64) -> Result<Option<u64>, ContractError> {
    Ok(EPOCHS
        .prefix(topic_id)
        .keys(
            deps.storage,
            Some(Bound::inclusive(from)),
            None,
            Order::Ascending,
        )
        .next()
        .transpose()?)
}

/// The earliest window of the topic that has ended at `height` and is not closed yet.
fn next_due(
    deps: &DepsMut,
    topic_id: u64,
    topic: &TopicRecord,
    height: u64,
) -> Result<Option<Due>, ContractError> {
    let worker = match next_epoch(deps, topic_id, topic.worker_closed_below)? {
        // the worker close waits for the reveal window on a commit–reveal topic
        Some(nonce) => topic
            .clock
            .payload_window(nonce)
            .map(|w| Due::Worker { nonce, end: w.end }),
        None => None,
    };
    // a reputer window is closed only after its worker window
    let reputer = match next_epoch(deps, topic_id, topic.reputer_closed_below)? {
        Some(nonce) if nonce < topic.worker_closed_below => topic
            .clock
            .reputer_window(nonce)
            .map(|w| Due::Reputer { nonce, end: w.end }),
        _ => None,
    };
    let end = |d: &Due| match d {
        Due::Worker { end, .. } | Due::Reputer { end, .. } => *end,
    };
    let first = match (worker, reputer) {
        (Some(w), Some(r)) => Some(if end(&r) < end(&w) { r } else { w }),
        (w, r) => w.or(r),
    };
    Ok(first.filter(|d| end(d) <= height))
}

/// Closes up to `limit` due windows of the topic in height order. The caller saves `topic`.
pub fn advance(
    deps: &mut DepsMut,
    env: &Env,
    topic_id: u64,
    topic: &mut TopicRecord,
    limit: u32,
) -> Result<Closes, ContractError> {
    let height = env.block.height;
    let mut out = Closes::default();
    while let Some(due) = next_due(deps, topic_id, topic, height)? {
        if out.closed >= limit {
            out.pending = true;
            break;
        }
        let event = match due {
            Due::Worker { nonce, .. } => {
                let event = close_worker_window(deps, env, topic_id, nonce, topic)?;
                topic.worker_closed_below = nonce.saturating_add(1);
                event
            }
            Due::Reputer { nonce, .. } => {
                let event = close_reputer_window(deps, env, topic_id, nonce, topic)?;
                topic.reputer_closed_below = nonce.saturating_add(1);
                event
            }
        };
        out.events.push(event);
        out.closed += 1;
    }
    Ok(out)
}
