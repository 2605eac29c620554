//! Entry points: instantiate / execute / query / migrate, and the funds policy per message.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{from_json, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdResult};
use nous_types::funds::{cw20_payment, must_pay, native_payment, nonpayable};
use nous_types::migrate::migrate_version;
use nous_types::ownership::update_ownership;

use crate::execute::{config, delegation, removal, rewards, stake};
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};
use crate::state::CONFIG;
use crate::ContractError;
use crate::{instantiate as init, query};

pub use crate::state::{CONTRACT_NAME, CONTRACT_VERSION};

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    init::instantiate(deps, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    let denom = CONFIG.load(deps.storage)?.denom;
    match msg {
        // Paid messages: native coins of the suite's denom.
        ExecuteMsg::AddStake { topic_id } => {
            let payment = must_pay(&info, &denom)?;
            stake::add_stake(deps, env, payment.payer, payment.amount, topic_id)
        }
        ExecuteMsg::Delegate { topic_id, reputer } => {
            let payment = must_pay(&info, &denom)?;
            delegation::delegate(deps, env, payment.payer, payment.amount, topic_id, reputer)
        }
        // Funds must equal the rewards' sum (none when it is zero).
        ExecuteMsg::DepositDelegatorRewards { topic_id, rewards } => {
            let received = native_payment(&info, &denom)?;
            rewards::deposit(deps, env, info.sender, received, topic_id, rewards)
        }
        // cw20 deployments: the token contract calls with the payment.
        ExecuteMsg::Receive(wrapper) => {
            let payment = cw20_payment(&info, &denom, &wrapper)?;
            let payer = deps.api.addr_validate(payment.payer.as_str())?;
            match from_json(&wrapper.msg)? {
                ReceiveMsg::AddStake { topic_id } => {
                    stake::add_stake(deps, env, payer, payment.amount, topic_id)
                }
                ReceiveMsg::Delegate { topic_id, reputer } => {
                    delegation::delegate(deps, env, payer, payment.amount, topic_id, reputer)
                }
                ReceiveMsg::DepositDelegatorRewards { topic_id, rewards } => {
                    rewards::deposit(deps, env, payer, payment.amount, topic_id, rewards)
                }
            }
        }
        // Everything else accepts no funds.
        ExecuteMsg::UpdateOwnership(action) => {
            nonpayable(&info)?;
            Ok(update_ownership(deps, &env.block, &info.sender, action)?)
        }
        ExecuteMsg::UpdateConfig {
            registry,
            reward_distributor,
            unbonding_blocks,
            max_removals_per_call,
            min_removal,
            min_delegation,
        } => {
            nonpayable(&info)?;
            config::update_config(
                deps,
                info,
                config::Changes {
                    registry,
                    reward_distributor,
                    unbonding_blocks,
                    max_removals_per_call,
                    min_removal,
                    min_delegation,
                },
            )
        }
        ExecuteMsg::RemoveStake { topic_id, amount } => {
            nonpayable(&info)?;
            removal::remove_stake(deps, env, info, topic_id, amount)
        }
        ExecuteMsg::CancelRemoveStake { topic_id } => {
            nonpayable(&info)?;
            removal::cancel(deps, info, topic_id, None)
        }
        ExecuteMsg::Undelegate {
            topic_id,
            reputer,
            amount,
        } => {
            nonpayable(&info)?;
            removal::undelegate(deps, env, info, topic_id, reputer, amount)
        }
        ExecuteMsg::CancelUndelegate { topic_id, reputer } => {
            nonpayable(&info)?;
            removal::cancel(deps, info, topic_id, Some(reputer))
        }
        ExecuteMsg::ProcessRemovals { limit } => {
            nonpayable(&info)?;
            removal::process_removals(deps, env, limit)
        }
        ExecuteMsg::WithdrawDue { topic_id, reputer } => {
            nonpayable(&info)?;
            removal::withdraw_due(deps, env, info, topic_id, reputer)
        }
        ExecuteMsg::ClaimDelegatorRewards { topic_id, reputer } => {
            nonpayable(&info)?;
            delegation::claim(deps, info, topic_id, reputer)
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
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
