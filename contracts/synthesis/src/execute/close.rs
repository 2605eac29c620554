//! `CloseWindows`: the permissionless crank that closes a topic's due windows (in
//! `crate::windows`) and prunes old epochs.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response};

use crate::error::ContractError;
use crate::execute::prune::{prune, PRUNE_PER_CALL};
use crate::state::TOPICS;
use crate::topic::load_topic;
use crate::windows::advance;

/// Closes per `CloseWindows` call when no limit is given, and the largest limit.
pub const DEFAULT_CLOSE_LIMIT: u32 = 10;
pub const MAX_CLOSE_LIMIT: u32 = 50;

pub fn close_windows(
    mut deps: DepsMut,
    env: Env,
    _info: MessageInfo,
    topic_id: u64,
    limit: Option<u32>,
) -> Result<Response, ContractError> {
    let mut topic = load_topic(deps.as_ref(), topic_id)?;
    let limit = limit
        .unwrap_or(DEFAULT_CLOSE_LIMIT)
        .clamp(1, MAX_CLOSE_LIMIT);
    let closes = advance(&mut deps, &env, topic_id, &mut topic, limit)?;
    let pruned = prune(deps.storage, topic_id, &mut topic, PRUNE_PER_CALL)?;
    TOPICS.save(deps.storage, topic_id, &topic)?;
    Ok(Response::new()
        .add_attribute("action", "close_windows")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("closed", closes.closed.to_string())
        .add_attribute("pending", closes.pending.to_string())
        .add_attribute("pruned_keys", pruned.to_string())
        .add_events(closes.events))
}
