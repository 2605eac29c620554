//! Queries.

use cosmwasm_std::{to_json_binary, Binary, Deps, Env, Order, StdResult};
use cw_storage_plus::Bound;
use nous_types::fee_vault::{
    QueryMsg, ReadFeeResponse, RevenueAndTreasuryResponse, RevenueCheckpoint,
    RevenueCheckpointsResponse, TopicInfo, TopicRevenueResponse, TopicsResponse, TreasuryResponse,
};
use nous_types::pagination::page_size;

use crate::revenue::{epoch_of, revenue_as_of};
use crate::state::{CONFIG, REVENUE, TOPICS, TREASURY};
use crate::ContractError;

pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::TopicRevenue { topic_id, epoch } => {
            to_json_binary(&topic_revenue(deps, &env, topic_id, epoch)?)?
        }
        QueryMsg::Treasury {} => to_json_binary(&TreasuryResponse {
            balance: TREASURY.load(deps.storage)?,
        })?,
        QueryMsg::RevenueAndTreasury { topic_id, epoch } => {
            to_json_binary(&RevenueAndTreasuryResponse {
                revenue: topic_revenue(deps, &env, topic_id, epoch)?,
                treasury: TREASURY.load(deps.storage)?,
            })?
        }
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?)?,
        QueryMsg::Topic { topic_id } => to_json_binary(&load_topic(deps, topic_id)?)?,
        QueryMsg::Topics { start_after, limit } => {
            to_json_binary(&topics(deps, start_after, limit)?)?
        }
        QueryMsg::ReadFee { topic_id } => {
            load_topic(deps, topic_id)?;
            let config = CONFIG.load(deps.storage)?;
            to_json_binary(&ReadFeeResponse {
                topic_id,
                denom: config.denom,
                amount: config.read_fee,
            })?
        }
        QueryMsg::RevenueCheckpoints {
            topic_id,
            start_after,
            limit,
        } => to_json_binary(&revenue_checkpoints(deps, topic_id, start_after, limit)?)?,
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
    })
}

fn load_topic(deps: Deps, topic_id: u64) -> Result<TopicInfo, ContractError> {
    TOPICS
        .may_load(deps.storage, topic_id)?
        .ok_or(ContractError::TopicNotFound { topic_id })
}

/// Revenue as of `epoch` (default: the current epoch). A future epoch is refused: its
/// value depends on payments not made yet.
pub fn topic_revenue(
    deps: Deps,
    env: &Env,
    topic_id: u64,
    epoch: Option<u64>,
) -> Result<TopicRevenueResponse, ContractError> {
    let topic = load_topic(deps, topic_id)?;
    let config = CONFIG.load(deps.storage)?;
    let current = epoch_of(&topic, env.block.height);
    let epoch = epoch.unwrap_or(current);
    if epoch > current {
        return Err(ContractError::EpochNotStarted {
            topic_id,
            epoch,
            current,
        });
    }
    Ok(TopicRevenueResponse {
        topic_id,
        epoch,
        revenue: revenue_as_of(deps.storage, &topic, config.blocks_per_month, epoch)?,
    })
}

fn topics(deps: Deps, start_after: Option<u64>, limit: Option<u32>) -> StdResult<TopicsResponse> {
    let topics = TOPICS
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .map(|item| item.map(|(_, topic)| topic))
        .collect::<StdResult<Vec<_>>>()?;
    Ok(TopicsResponse { topics })
}

fn revenue_checkpoints(
    deps: Deps,
    topic_id: u64,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<RevenueCheckpointsResponse, ContractError> {
    load_topic(deps, topic_id)?;
    let checkpoints = REVENUE
        .prefix(topic_id)
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .map(|item| item.map(|(epoch, revenue)| RevenueCheckpoint { epoch, revenue }))
        .collect::<StdResult<Vec<_>>>()?;
    Ok(RevenueCheckpointsResponse {
        topic_id,
        checkpoints,
    })
}
