//! Entry points: instantiate / execute / query / migrate, and the funds policy per message.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    from_json, to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdResult,
    Uint128,
};
use nous_types::funds::{cw20_payment, must_pay, native_payment, nonpayable};

use crate::execute::{config, delegation, removal, rewards, stake};
use crate::msg::{Config, ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};
use crate::query;
use crate::state::{CONFIG, REMOVAL_SEQ, REWARD_FUNDS, TOTAL_STAKED};
use crate::ContractError;

pub const CONTRACT_NAME: &str = "crates.io:staking";
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
    let denom = match msg.denom {
        cw20::Denom::Cw20(token) => cw20::Denom::Cw20(deps.api.addr_validate(token.as_str())?),
        native => native,
    };
    let config = Config {
        denom,
        registry: deps.api.addr_validate(&msg.registry)?,
        reward_distributor: msg
            .reward_distributor
            .map(|d| deps.api.addr_validate(&d))
            .transpose()?,
        unbonding_blocks: msg.unbonding_blocks,
        max_removals_per_call: msg.max_removals_per_call,
        min_removal: msg.min_removal,
        min_delegation: msg.min_delegation,
    };
    config::validate(&config)?;
    CONFIG.save(deps.storage, &config)?;
    TOTAL_STAKED.save(deps.storage, &Uint128::zero())?;
    REWARD_FUNDS.save(deps.storage, &Uint128::zero())?;
    REMOVAL_SEQ.save(deps.storage, &0)?;
    let ownership = cw_ownable::initialize_owner(deps.storage, deps.api, msg.owner.as_deref())?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("registry", config.registry.as_str())
        .add_attribute("unbonding_blocks", config.unbonding_blocks.to_string())
        .add_attribute(
            "max_removals_per_call",
            config.max_removals_per_call.to_string(),
        )
        .add_attribute("min_removal", config.min_removal)
        .add_attribute("min_delegation", config.min_delegation)
        .add_attributes(ownership.into_attributes()))
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
            let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)?;
            Ok(Response::new()
                .add_attribute("action", "update_ownership")
                .add_attributes(ownership.into_attributes()))
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
    match msg {
        QueryMsg::ReputerStakes {
            topic_id,
            reputers,
            height,
        } => to_json_binary(&query::reputer_stakes(
            deps, env, topic_id, reputers, height,
        )?),
        QueryMsg::TopicStake { topic_id, height } => {
            to_json_binary(&query::topic_stake(deps, env, topic_id, height)?)
        }
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?),
        QueryMsg::ReputerStake { topic_id, reputer } => {
            to_json_binary(&query::reputer_stake(deps, topic_id, reputer)?)
        }
        QueryMsg::Delegation {
            topic_id,
            reputer,
            delegator,
        } => to_json_binary(&query::delegation(deps, topic_id, reputer, delegator)?),
        QueryMsg::DelegationsByDelegator {
            delegator,
            start_after,
            limit,
        } => to_json_binary(&query::delegations_by_delegator(
            deps,
            delegator,
            start_after,
            limit,
        )?),
        QueryMsg::PendingRemovals { start_after, limit } => {
            to_json_binary(&query::pending_removals(deps, start_after, limit)?)
        }
        QueryMsg::DueRemovals { height, limit } => {
            to_json_binary(&query::due_removals(deps, env, height, limit)?)
        }
        QueryMsg::Pool { topic_id, reputer } => {
            to_json_binary(&query::pool(deps, topic_id, reputer)?)
        }
        QueryMsg::Totals {} => to_json_binary(&query::totals(deps)?),
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    Ok(nous_types::migrate::migrate_version(
        deps.storage,
        CONTRACT_NAME,
        CONTRACT_VERSION,
    )?)
}
