//! Queries.

use cosmwasm_std::{Decimal, Deps, Order, StdResult, Uint128};
use cw_storage_plus::Bound;
use nous_types::pagination::page_size;
use nous_types::reward_distribution::{
    ClaimableResponse, ClaimablesResponse, Config, EmissionResponse, EpochRewardResponse,
    LastSettledResponse, TopicStatusResponse, TopicsResponse, Totals,
};

use crate::state::{TopicState, CLAIMABLE, CONFIG, EPOCH_REWARDS, MONTHS, TOPICS, TOTALS};

pub fn config(deps: Deps) -> StdResult<Config> {
    CONFIG.load(deps.storage)
}

pub fn claimable(deps: Deps, address: String) -> StdResult<ClaimableResponse> {
    let address = deps.api.addr_validate(&address)?;
    let amount = CLAIMABLE
        .may_load(deps.storage, &address)?
        .unwrap_or_default();
    Ok(ClaimableResponse { address, amount })
}

pub fn claimables(
    deps: Deps,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<ClaimablesResponse> {
    let start = start_after
        .map(|s| deps.api.addr_validate(&s))
        .transpose()?;
    let claimables = CLAIMABLE
        .range(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .map(|r| r.map(|(address, amount)| ClaimableResponse { address, amount }))
        .collect::<StdResult<_>>()?;
    Ok(ClaimablesResponse { claimables })
}

fn status(topic_id: u64, t: TopicState) -> TopicStatusResponse {
    TopicStatusResponse {
        topic_id,
        active: t.active,
        weight: t.weight,
        stake: t.stake,
        next_epoch: t.next_epoch,
        last_settled_epoch: t.last_settled,
    }
}

/// A topic never activated answers inactive with zeros.
pub fn topic_status(deps: Deps, topic_id: u64) -> StdResult<TopicStatusResponse> {
    Ok(match TOPICS.may_load(deps.storage, topic_id)? {
        Some(t) => status(topic_id, t),
        None => TopicStatusResponse {
            topic_id,
            active: false,
            weight: Decimal::zero(),
            stake: Uint128::zero(),
            next_epoch: 0,
            last_settled_epoch: None,
        },
    })
}

pub fn topics(
    deps: Deps,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<TopicsResponse> {
    let topics = TOPICS
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .map(|r| r.map(|(id, t)| status(id, t)))
        .collect::<StdResult<_>>()?;
    Ok(TopicsResponse { topics })
}

pub fn last_settled(deps: Deps, topic_id: u64) -> StdResult<LastSettledResponse> {
    let epoch = TOPICS
        .may_load(deps.storage, topic_id)?
        .and_then(|t| t.last_settled);
    Ok(LastSettledResponse { topic_id, epoch })
}

pub fn epoch_reward(deps: Deps, topic_id: u64, epoch: u64) -> StdResult<EpochRewardResponse> {
    Ok(EpochRewardResponse {
        reward: EPOCH_REWARDS.may_load(deps.storage, (topic_id, epoch))?,
    })
}

pub fn emission(deps: Deps) -> StdResult<EmissionResponse> {
    let latest = MONTHS
        .range(deps.storage, None, None, Order::Descending)
        .next()
        .transpose()?
        .map(|(_, m)| m);
    Ok(EmissionResponse { latest })
}

pub fn totals(deps: Deps) -> StdResult<Totals> {
    TOTALS.load(deps.storage)
}
