//! Entry points only: the funds policy of each message, then dispatch.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{from_json, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use nous_consumer::Payment;

use crate::execute::use_latest_inference::use_latest_inference;
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};
use crate::{instantiate as init, query, ContractError};

pub use crate::state::{CONTRACT_NAME, CONTRACT_VERSION};

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    // No funds.
    if !info.funds.is_empty() {
        return Err(ContractError::UnexpectedFunds {});
    }
    init::instantiate(deps, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        // Anyone, attaching exactly the read fee (nothing when it is zero).
        ExecuteMsg::UseLatestInference { topic_id, max_age } => {
            use_latest_inference(deps, env, Payment::Native(&info), topic_id, max_age)
        }
        // A cw20 `Send` of exactly the read fee; its `sender` is the payer.
        ExecuteMsg::Receive(receive) => match from_json(&receive.msg)? {
            ReceiveMsg::UseLatestInference { topic_id, max_age } => {
                use_latest_inference(deps, env, Payment::Cw20(&info, &receive), topic_id, max_age)
            }
        },
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    query::query(deps, env, msg)
}

/// Same contract, no downgrade (cw2's rule).
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let from = cw2::ensure_from_older_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)
        .map_err(|e| ContractError::MigrationRefused {
            reason: e.to_string(),
        })?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from.to_string())
        .add_attribute("to_version", CONTRACT_VERSION))
}
