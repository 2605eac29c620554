//! Entry points only: funds policy, then dispatch.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use nous_types::funds::nonpayable;
use nous_types::migrate::migrate_version;

use crate::error::ContractError;
use crate::execute::{close, reputer, worker};
use crate::msg::{ConfigResponse, ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use crate::query;
use crate::registrations;
use crate::state::{Config, CONFIG};

pub const CONTRACT_NAME: &str = "crates.io:synthesis";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(&owner))?;
    let config = Config {
        topic_registry: deps.api.addr_validate(&msg.topic_registry)?,
        staking: deps.api.addr_validate(&msg.staking)?,
        reward_distribution: None,
    };
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", owner)
        .add_attribute("topic_registry", config.topic_registry)
        .add_attribute("staking", config.staking))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    // No message of this contract takes funds.
    nonpayable(&info)?;
    match msg {
        ExecuteMsg::SubmitWorkerPayload {
            topic_id,
            nonce,
            inference,
            forecast,
        } => worker::submit_worker_payload(deps, env, info, topic_id, nonce, inference, forecast),
        ExecuteMsg::SubmitLossBundle {
            topic_id,
            nonce,
            bundle,
        } => reputer::submit_loss_bundle(deps, env, info, topic_id, nonce, bundle),
        ExecuteMsg::CloseWindows { topic_id, limit } => {
            close::close_windows(deps, env, info, topic_id, limit)
        }
        ExecuteMsg::UpdateConfig {
            reward_distribution,
        } => update_config(deps, info, reward_distribution),
        ExecuteMsg::SyncRegistration {
            topic_id,
            role,
            operator,
            registration,
        } => registrations::sync_registration(deps, info, topic_id, role, operator, registration),
        ExecuteMsg::UpdateOwnership(action) => {
            let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)?;
            Ok(Response::new()
                .add_attribute("action", "update_ownership")
                .add_attributes(ownership.into_attributes()))
        }
    }
}

/// Owner: set the reward-distribution contract (source of the topic activity flag).
fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    reward_distribution: Option<String>,
) -> Result<Response, ContractError> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let mut config = CONFIG.load(deps.storage)?;
    let mut response = Response::new().add_attribute("action", "update_config");
    if let Some(addr) = reward_distribution {
        let addr = deps.api.addr_validate(&addr)?;
        response = response.add_attribute("reward_distribution", addr.as_str());
        config.reward_distribution = Some(addr);
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(response)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => {
            let c = CONFIG.load(deps.storage)?;
            to_json_binary(&ConfigResponse {
                topic_registry: c.topic_registry,
                staking: c.staking,
                reward_distribution: c.reward_distribution,
            })?
        }
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
        QueryMsg::TopicState { topic_id } => to_json_binary(&query::topic_state(deps, topic_id)?)?,
        QueryMsg::OpenWindows { topic_id } => {
            to_json_binary(&query::open_windows(deps, &env, topic_id)?)?
        }
        QueryMsg::Epoch { topic_id, nonce } => {
            to_json_binary(&query::epoch(deps, topic_id, nonce)?)?
        }
        QueryMsg::WorkerPayload {
            topic_id,
            nonce,
            worker,
        } => to_json_binary(&query::worker_payload(deps, topic_id, nonce, worker)?)?,
        QueryMsg::WorkerPayloads {
            topic_id,
            nonce,
            start_after,
            limit,
        } => to_json_binary(&query::worker_payloads(
            deps,
            topic_id,
            nonce,
            start_after,
            limit,
        )?)?,
        QueryMsg::NetworkInference { topic_id, nonce } => {
            to_json_binary(&query::network_inference(deps, &env, topic_id, nonce)?)?
        }
        QueryMsg::LatestNetworkInference { topic_id, max_age } => to_json_binary(
            &query::latest_network_inference(deps, &env, topic_id, max_age)?,
        )?,
        QueryMsg::LatestValue { topic_id } => {
            to_json_binary(&query::latest_value(deps, topic_id)?)?
        }
        QueryMsg::LatestValues { topic_ids } => {
            to_json_binary(&query::latest_values(deps, topic_ids)?)?
        }
        QueryMsg::LossBundle {
            topic_id,
            nonce,
            reputer,
        } => to_json_binary(&query::loss_bundle(deps, topic_id, nonce, reputer)?)?,
        QueryMsg::NetworkLosses { topic_id, nonce } => {
            to_json_binary(&query::network_losses(deps, topic_id, nonce)?)?
        }
        QueryMsg::Scores { topic_id, nonce } => {
            to_json_binary(&query::scores(deps, topic_id, nonce)?)?
        }
        QueryMsg::EpochScores { topic_id, nonce } => {
            to_json_binary(&query::epoch_scores(deps, &env, topic_id, nonce)?)?
        }
        QueryMsg::ScoreEma {
            topic_id,
            class,
            actor,
        } => to_json_binary(&query::score_ema(deps, topic_id, class, actor)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    Ok(migrate_version(
        deps.storage,
        CONTRACT_NAME,
        CONTRACT_VERSION,
    )?)
}
