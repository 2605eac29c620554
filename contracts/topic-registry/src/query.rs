//! Queries. List queries page with `nous_types::pagination`.

use cosmwasm_std::{to_json_binary, Binary, Deps, Env, Order};
use cw_storage_plus::Bound;
use nous_types::pagination::page_size;
use nous_types::topic_registry::{
    ActorIndexResponse, ConfigResponse, EpochInfoResponse, FeeResponse, FormerOwnerResponse,
    IsWhitelistedResponse, QueryMsg, RegistrationKey, RegistrationResponse, RegistrationsResponse,
    Role, Topic, TopicsResponse, WhitelistKind, WhitelistResponse,
};

use crate::state::{
    owner_index_key, ACTOR_INDEX, CONFIG, FORMER_OWNERS, NEXT_TOPIC_ID, PARAMS, REGISTRATIONS,
    REGISTRATIONS_BY_OWNER, TOPICS, WHITELISTS,
};
use crate::ContractError;

pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Params {} => to_json_binary(&PARAMS.load(deps.storage)?)?,
        QueryMsg::Topic { topic_id } => to_json_binary(&load_topic(deps, topic_id)?)?,
        QueryMsg::Registration {
            topic_id,
            role,
            operator,
        } => {
            let operator = deps.api.addr_validate(&operator)?;
            to_json_binary(&RegistrationResponse {
                registration: REGISTRATIONS
                    .may_load(deps.storage, (topic_id, role.as_str(), &operator))?,
            })?
        }
        QueryMsg::FormerOwner {
            topic_id,
            role,
            operator,
        } => {
            let operator = deps.api.addr_validate(&operator)?;
            to_json_binary(&FormerOwnerResponse {
                owner: FORMER_OWNERS
                    .may_load(deps.storage, (topic_id, role.as_str(), &operator))?,
            })?
        }
        QueryMsg::Config {} => {
            let c = CONFIG.load(deps.storage)?;
            to_json_binary(&ConfigResponse {
                denom: c.denom,
                fee_vault: c.fee_vault,
                synthesis: c.synthesis,
                whitelists_enabled: c.whitelists_enabled,
                next_topic_id: NEXT_TOPIC_ID.load(deps.storage)?,
            })?
        }
        QueryMsg::CreateTopicFee {} => to_json_binary(&FeeResponse {
            denom: CONFIG.load(deps.storage)?.denom,
            amount: PARAMS.load(deps.storage)?.registry.create_topic_fee,
        })?,
        QueryMsg::RegistrationFee {} => to_json_binary(&FeeResponse {
            denom: CONFIG.load(deps.storage)?.denom,
            amount: PARAMS.load(deps.storage)?.registry.registration_fee,
        })?,
        QueryMsg::Topics { start_after, limit } => {
            to_json_binary(&topics(deps, start_after, limit)?)?
        }
        QueryMsg::EpochInfo { topic_id, height } => {
            to_json_binary(&epoch_info(deps, env, topic_id, height)?)?
        }
        QueryMsg::Registrations {
            topic_id,
            role,
            start_after,
            limit,
        } => to_json_binary(&registrations(deps, topic_id, role, start_after, limit)?)?,
        QueryMsg::RegistrationsByOwner {
            owner,
            start_after,
            limit,
        } => to_json_binary(&registrations_by_owner(deps, owner, start_after, limit)?)?,
        QueryMsg::ActorIndex { topic_id, address } => {
            let address = deps.api.addr_validate(&address)?;
            to_json_binary(&ActorIndexResponse {
                actor_index: ACTOR_INDEX.may_load(deps.storage, (topic_id, &address))?,
            })?
        }
        QueryMsg::IsWhitelisted { list, address } => {
            let address = deps.api.addr_validate(&address)?;
            let whitelisted = WHITELISTS.has(deps.storage, (list.as_str(), &address));
            let enabled = CONFIG
                .load(deps.storage)?
                .whitelists_enabled
                .is_enabled(list);
            to_json_binary(&IsWhitelistedResponse {
                list,
                address,
                whitelisted,
                enabled,
                allowed: !enabled || whitelisted,
            })?
        }
        QueryMsg::Whitelist {
            list,
            start_after,
            limit,
        } => to_json_binary(&whitelist(deps, list, start_after, limit)?)?,
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
    })
}

fn load_topic(deps: Deps, topic_id: u64) -> Result<Topic, ContractError> {
    TOPICS
        .may_load(deps.storage, topic_id)?
        .ok_or(ContractError::TopicNotFound { topic_id })
}

fn topics(
    deps: Deps,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<TopicsResponse, ContractError> {
    let topics = TOPICS
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .map(|item| item.map(|(_, t)| t))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TopicsResponse { topics })
}

/// The topic's windows at `height`, computed only through the topic's `EpochClock`.
pub fn epoch_info(
    deps: Deps,
    env: Env,
    topic_id: u64,
    height: Option<u64>,
) -> Result<EpochInfoResponse, ContractError> {
    let topic = load_topic(deps, topic_id)?;
    let height = height.unwrap_or(env.block.height);
    let out_of_range = || ContractError::HeightOutOfRange { topic_id, height };
    let clock = topic.clock();
    let current_epoch = clock.epoch_at(height);
    let worker_epoch = match (clock.open_worker_epoch(height), current_epoch) {
        (Some(open), _) => open,
        (None, None) => 0,
        (None, Some(current)) => current.checked_add(1).ok_or_else(out_of_range)?,
    };
    let worker_window = clock.worker_window(worker_epoch).ok_or_else(out_of_range)?;
    let reputer_epoch = clock.open_reputer_epoch(height);
    let reputer_window = reputer_epoch.and_then(|e| clock.reputer_window(e));
    Ok(EpochInfoResponse {
        topic_id,
        height,
        current_epoch,
        worker_epoch,
        worker_window,
        worker_window_open: worker_window.contains(height),
        reputer_epoch,
        reputer_window,
    })
}

fn registrations(
    deps: Deps,
    topic_id: u64,
    role: Role,
    start_after: Option<String>,
    limit: Option<u32>,
) -> Result<RegistrationsResponse, ContractError> {
    let start = start_after
        .map(|a| deps.api.addr_validate(&a))
        .transpose()?;
    let registrations = REGISTRATIONS
        .prefix((topic_id, role.as_str()))
        .range(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .map(|item| item.map(|(_, r)| r))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RegistrationsResponse { registrations })
}

fn registrations_by_owner(
    deps: Deps,
    owner: String,
    start_after: Option<RegistrationKey>,
    limit: Option<u32>,
) -> Result<RegistrationsResponse, ContractError> {
    let owner = deps.api.addr_validate(&owner)?;
    let start = start_after
        .map(|k| {
            deps.api
                .addr_validate(&k.operator)
                .map(|op| (k.topic_id, owner_index_key(k.role, &op)))
        })
        .transpose()?;
    let registrations = REGISTRATIONS_BY_OWNER
        .sub_prefix(&owner)
        .range(
            deps.storage,
            start
                .as_ref()
                .map(|(t, sub)| Bound::exclusive((*t, sub.as_str()))),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .map(|item| {
            let ((topic_id, _), (role, operator)) = item?;
            Ok(REGISTRATIONS.load(deps.storage, (topic_id, role.as_str(), &operator))?)
        })
        .collect::<Result<Vec<_>, ContractError>>()?;
    Ok(RegistrationsResponse { registrations })
}

fn whitelist(
    deps: Deps,
    list: WhitelistKind,
    start_after: Option<String>,
    limit: Option<u32>,
) -> Result<WhitelistResponse, ContractError> {
    let start = start_after
        .map(|a| deps.api.addr_validate(&a))
        .transpose()?;
    let addresses = WHITELISTS
        .prefix(list.as_str())
        .keys(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(WhitelistResponse {
        list,
        enabled: CONFIG
            .load(deps.storage)?
            .whitelists_enabled
            .is_enabled(list),
        addresses,
    })
}
