//! Entry points only: funds policy per message, then dispatch.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{from_json, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use nous_types::fee_vault::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};
use nous_types::funds::{cw20_payment, must_pay, native_payment, nonpayable};
use nous_types::migrate::migrate_version;
use nous_types::ownership::update_ownership;
use nous_types::Payment;

use crate::execute::config::update_config;
use crate::execute::{payments, treasury};
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
    let config = CONFIG.load(deps.storage)?;
    match msg {
        // Registry only; the creation fee may be zero (then no coins).
        ExecuteMsg::RegisterTopic {
            topic_id,
            epoch_length,
            start_height,
        } => {
            let amount = native_payment(&info, &config.denom)?;
            let payment = Payment {
                payer: info.sender,
                amount,
            };
            payments::register_topic(
                deps.storage,
                &env,
                &config,
                payment,
                topic_id,
                epoch_length,
                start_height,
            )
        }
        // Anyone; a non-zero native payment.
        ExecuteMsg::FundTopic { topic_id } => {
            let payment = must_pay(&info, &config.denom)?;
            payments::fund_topic(deps.storage, &env, &config, payment, topic_id)
        }
        // Anyone; exactly the read fee (nothing when the fee is zero).
        ExecuteMsg::PayForRead { topic_id } => {
            let amount = native_payment(&info, &config.denom)?;
            let payment = Payment {
                payer: info.sender,
                amount,
            };
            payments::pay_for_read(deps.storage, &env, &config, payment, topic_id)
        }
        // Anyone; a non-zero native payment.
        ExecuteMsg::FundTreasury {} => {
            let payment = must_pay(&info, &config.denom)?;
            payments::fund_treasury(deps.storage, payment)
        }
        // Reward-distribution only; no funds.
        ExecuteMsg::DrawEmission { amount } => {
            nonpayable(&info)?;
            treasury::draw_emission(deps, info, &config, amount)
        }
        // Anyone; no funds.
        ExecuteMsg::SyncTreasury {} => {
            nonpayable(&info)?;
            treasury::sync_treasury(deps, env, &config)
        }
        // Admin; no funds.
        ExecuteMsg::UpdateConfig {
            registry,
            reward_distributor,
            read_fee,
        } => {
            nonpayable(&info)?;
            update_config(deps, info, config, registry, reward_distributor, read_fee)
        }
        // Owner / pending owner; no funds.
        ExecuteMsg::UpdateOwnership(action) => {
            nonpayable(&info)?;
            Ok(update_ownership(deps, &env.block, &info.sender, action)?)
        }
        // The vault's cw20 token only; the cw20 `sender` is the payer.
        ExecuteMsg::Receive(wrapper) => {
            let payment = cw20_payment(&info, &config.denom, &wrapper)?;
            match from_json::<ReceiveMsg>(&wrapper.msg)? {
                ReceiveMsg::RegisterTopic {
                    topic_id,
                    epoch_length,
                    start_height,
                } => payments::register_topic(
                    deps.storage,
                    &env,
                    &config,
                    payment,
                    topic_id,
                    epoch_length,
                    start_height,
                ),
                ReceiveMsg::FundTopic { topic_id } => {
                    payments::fund_topic(deps.storage, &env, &config, payment, topic_id)
                }
                ReceiveMsg::PayForRead { topic_id } => {
                    payments::pay_for_read(deps.storage, &env, &config, payment, topic_id)
                }
                ReceiveMsg::FundTreasury {} => payments::fund_treasury(deps.storage, payment),
            }
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
