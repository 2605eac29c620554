//! Entry points only: the funds policy of each message is stated here, the work lives in
//! `execute/` and `query.rs`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{from_json, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use nous_types::funds::{cw20_payment, native_payment, nonpayable};
use nous_types::migrate::migrate_version;
use nous_types::ownership::update_ownership;

use crate::execute::{config, registration, topics, whitelist};
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};
use crate::state::CONFIG;
use crate::{instantiate as init, query, ContractError};

pub use crate::state::{CONTRACT_NAME, CONTRACT_VERSION};

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    // Funds: none.
    nonpayable(&info)?;
    init::instantiate(deps, env, info, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        // Funds: exactly `create_topic_fee` of the suite's native denom (none when zero).
        ExecuteMsg::CreateTopic { params } => {
            let denom = CONFIG.load(deps.storage)?.denom;
            let paid = native_payment(&info, &denom)?;
            topics::create_topic(deps, env, info.sender, paid, params)
        }
        // Funds: exactly `registration_fee` of the suite's native denom (none when zero).
        ExecuteMsg::Register {
            topic_id,
            role,
            owner,
        } => {
            let denom = CONFIG.load(deps.storage)?.denom;
            let paid = native_payment(&info, &denom)?;
            registration::register(deps, env, info.sender, paid, topic_id, role, owner)
        }
        // Funds: the cw20 amount of the hook; no native coins.
        ExecuteMsg::Receive(wrapper) => {
            let denom = CONFIG.load(deps.storage)?.denom;
            let payment = cw20_payment(&info, &denom, &wrapper)?;
            let payer = deps.api.addr_validate(payment.payer.as_str())?;
            match from_json(&wrapper.msg)? {
                ReceiveMsg::CreateTopic { params } => {
                    topics::create_topic(deps, env, payer, payment.amount, params)
                }
                ReceiveMsg::Register {
                    topic_id,
                    role,
                    owner,
                } => {
                    registration::register(deps, env, payer, payment.amount, topic_id, role, owner)
                }
            }
        }
        // Every other message: no funds.
        ExecuteMsg::UpdateTopic { topic_id, params } => {
            nonpayable(&info)?;
            topics::update_topic(deps, env, info, topic_id, params)
        }
        ExecuteMsg::Unregister {
            topic_id,
            role,
            operator,
        } => {
            nonpayable(&info)?;
            registration::unregister(deps, info, topic_id, role, operator)
        }
        ExecuteMsg::ProposeRegistrationOwner {
            topic_id,
            role,
            operator,
            new_owner,
        } => {
            nonpayable(&info)?;
            registration::propose_owner(deps, info, topic_id, role, operator, new_owner)
        }
        ExecuteMsg::AcceptRegistrationOwner {
            topic_id,
            role,
            operator,
        } => {
            nonpayable(&info)?;
            registration::accept_owner(deps, info, topic_id, role, operator)
        }
        ExecuteMsg::CancelRegistrationOwner {
            topic_id,
            role,
            operator,
        } => {
            nonpayable(&info)?;
            registration::cancel_owner(deps, info, topic_id, role, operator)
        }
        ExecuteMsg::ReleaseRegistrationOwner {
            topic_id,
            role,
            operator,
        } => {
            nonpayable(&info)?;
            registration::release_owner(deps, info, topic_id, role, operator)
        }
        ExecuteMsg::UpdateParams { params } => {
            nonpayable(&info)?;
            config::update_params(deps, info, params)
        }
        ExecuteMsg::UpdateConfig {
            fee_vault,
            synthesis,
        } => {
            nonpayable(&info)?;
            config::update_config(deps, info, fee_vault, synthesis)
        }
        ExecuteMsg::UpdateWhitelist { list, add, remove } => {
            nonpayable(&info)?;
            whitelist::update_whitelist(deps, info, list, add, remove)
        }
        ExecuteMsg::SetWhitelistEnabled { list, enabled } => {
            nonpayable(&info)?;
            whitelist::set_whitelist_enabled(deps, info, list, enabled)
        }
        ExecuteMsg::UpdateOwnership(action) => {
            nonpayable(&info)?;
            Ok(update_ownership(deps, &env.block, &info.sender, action)?)
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    query::query(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    Ok(migrate_version(
        deps.storage,
        CONTRACT_NAME,
        CONTRACT_VERSION,
    )?)
}
