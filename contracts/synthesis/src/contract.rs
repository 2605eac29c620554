//! Entry points only: funds policy, then dispatch.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Response};
use nous_types::funds::nonpayable;
use nous_types::migrate::migrate_version;
use nous_types::ownership::update_ownership;

use crate::error::ContractError;
use crate::execute::{close, config, reputer, worker};
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use crate::{actor_scores, instantiate as init, query, records, registrations, regret_store};

pub use crate::state::{CONTRACT_NAME, CONTRACT_VERSION};

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    init::instantiate(deps, info, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    // Only a worker's payload or commitment takes funds: the topic's payload fee, checked
    // by its handler; every other message takes none.
    if !matches!(
        msg,
        ExecuteMsg::SubmitWorkerPayload { .. } | ExecuteMsg::CommitWorkerPayload { .. }
    ) {
        nonpayable(&info)?;
    }
    match msg {
        ExecuteMsg::SubmitWorkerPayload {
            topic_id,
            nonce,
            inference,
            forecast,
        } => worker::submit_worker_payload(deps, env, info, topic_id, nonce, inference, forecast),
        ExecuteMsg::CommitWorkerPayload {
            topic_id,
            nonce,
            commitment,
        } => worker::commit_worker_payload(deps, env, info, topic_id, nonce, commitment),
        ExecuteMsg::RevealWorkerPayload {
            topic_id,
            nonce,
            inference,
            forecast,
            salt,
        } => worker::reveal_worker_payload(
            deps, env, info, topic_id, nonce, inference, forecast, salt,
        ),
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
        } => config::update_config(deps, info, reward_distribution),
        ExecuteMsg::SyncRegistration {
            topic_id,
            role,
            operator,
            registration,
        } => registrations::sync_registration(deps, info, topic_id, role, operator, registration),
        ExecuteMsg::UpdateOwnership(action) => {
            Ok(update_ownership(deps, &env.block, &info.sender, action)?)
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    query::query(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(mut deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let response = migrate_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let regrets = regret_store::migrate_regret_tables(deps.storage)?;
    let actor_scores = actor_scores::migrate_actor_scores(deps.storage)?;
    // bundle bodies first: the old scores records are completed from the bundles' heads
    let (bodies, inference_bodies) = records::migrate_bodies(deps.storage)?;
    let network_losses = records::migrate_network_losses(deps.storage)?;
    let scores = crate::migrate::migrate_scores(&mut deps)?;
    Ok(response
        .add_attribute("regret_records_converted", regrets.to_string())
        .add_attribute("score_records_converted", actor_scores.to_string())
        .add_attribute("bundle_bodies_converted", bodies.to_string())
        .add_attribute("inference_bodies_converted", inference_bodies.to_string())
        .add_attribute("network_losses_converted", network_losses.to_string())
        .add_attribute("scores_converted", scores.to_string()))
}
