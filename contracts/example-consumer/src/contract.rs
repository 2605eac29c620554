//! Entry points only: funds policy per message, then dispatch.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{from_json, to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use nous_types::funds::{cw20_payment, nonpayable};
use nous_types::migrate::migrate_version;

use crate::execute::{read, setup};
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};
use crate::query;
use crate::state::CONFIG;
use crate::ContractError;

pub const CONTRACT_NAME: &str = "crates.io:example-consumer";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    setup::instantiate(deps, msg)
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
        // Anyone; exactly the topic's read fee in the vault's native denom (nothing when
        // the fee is zero; a cw20 deployment pays through `Receive`).
        ExecuteMsg::UseLatestInference { topic_id, max_age } => {
            read::check_guarded(&config, topic_id)?;
            let fee = read::read_fee(deps.as_ref(), &config, topic_id)?;
            let payment = read::native_fee_payment(&info, &fee)?;
            read::use_latest_inference(deps, &env, &config, fee, payment, topic_id, max_age)
        }
        // The vault's cw20 token only, carrying exactly the read fee; the cw20 `sender`
        // is the payer.
        ExecuteMsg::Receive(wrapper) => match from_json::<ReceiveMsg>(&wrapper.msg)? {
            ReceiveMsg::UseLatestInference { topic_id, max_age } => {
                read::check_guarded(&config, topic_id)?;
                let fee = read::read_fee(deps.as_ref(), &config, topic_id)?;
                let payment = cw20_payment(&info, &fee.denom, &wrapper)?;
                read::use_latest_inference(deps, &env, &config, fee, payment, topic_id, max_age)
            }
        },
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?)?,
        QueryMsg::ReadFee { topic_id } => {
            let config = CONFIG.load(deps.storage)?;
            to_json_binary(&read::read_fee(deps, &config, topic_id)?)?
        }
        QueryMsg::LastReading { topic_id } => {
            to_json_binary(&query::last_reading(deps, topic_id)?)?
        }
        QueryMsg::Readings {
            topic_id,
            start_after,
            limit,
        } => to_json_binary(&query::readings(deps, topic_id, start_after, limit)?)?,
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
