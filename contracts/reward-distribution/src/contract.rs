//! Entry points: instantiate / execute / query / migrate, dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response, StdResult};
use nous_types::funds::nonpayable;
use nous_types::migrate::migrate_version;
use nous_types::ownership::update_ownership;

use crate::error::ContractError;
use crate::execute;
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
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
    init::instantiate(deps, info, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    // Funds policy: no message of this contract takes payments (the emission arrives from
    // the fee vault's `DrawEmission`, a bank/cw20 transfer rather than an execute).
    nonpayable(&info)?;
    match msg {
        ExecuteMsg::ActivateTopic { topic_id } => {
            execute::activate::activate_topic(deps, env, topic_id)
        }
        ExecuteMsg::Settle { topic_id, limit } => {
            execute::settle::settle(deps, env, topic_id, limit)
        }
        ExecuteMsg::Claim {} => execute::claim::claim(deps, info),
        ExecuteMsg::RetryParked { limit } => execute::payouts::retry(deps, limit),
        ExecuteMsg::RedirectParked { id, recipient } => {
            execute::payouts::redirect(deps, info, id, recipient)
        }
        ExecuteMsg::UpdateConfig {
            chain_security_recipient,
            emission,
            max_epochs_per_call,
            max_topics_per_call,
        } => execute::config::update_config(
            deps,
            info,
            chain_security_recipient,
            emission,
            max_epochs_per_call,
            max_topics_per_call,
        ),
        ExecuteMsg::UpdateOwnership(action) => {
            Ok(update_ownership(deps, &env.block, &info.sender, action)?)
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    query::query(deps, env, msg)
}

/// Replies of the isolated payouts (`execute::payouts`): a refused one is parked.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    execute::payouts::reply(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let res = migrate_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let moved = crate::smoothed::migrate_per_actor_values(deps.storage)?;
    let rewritten = crate::smoothed::migrate_fixed_width_records(deps.storage)?;
    let credits = execute::ledger::migrate_claimable(deps.storage, deps.api)?;
    let topics = crate::state::TOPICS.migrate_json_records(deps.storage)?;
    let months = crate::state::MONTHS.migrate_json_records(deps.storage)?;
    Ok(res
        .add_attribute("topic_records_rewritten", topics.to_string())
        .add_attribute("month_records_rewritten", months.to_string())
        .add_attribute("smoothed_values_packed", moved.to_string())
        .add_attribute("smoothed_records_rewritten", rewritten.to_string())
        .add_attribute("claimable_balances_moved", credits.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi};
    use cosmwasm_std::{coins, Decimal, Uint128};
    use nous_types::migrate::MigrateError;
    use nous_types::reward_distribution::EmissionParams;

    fn msg(api: &MockApi) -> InstantiateMsg {
        InstantiateMsg {
            owner: None,
            denom: cw20::Denom::Native("unous".into()),
            topic_registry: api.addr_make("registry").to_string(),
            fee_vault: api.addr_make("vault").to_string(),
            staking: api.addr_make("staking").to_string(),
            synthesis: api.addr_make("synthesis").to_string(),
            chain_security_recipient: api.addr_make("security").to_string(),
            emission: EmissionParams {
                total_supply: Uint128::new(100),
                circulating_supply: Uint128::new(50),
                emission_rate: Decimal::percent(2),
                max_monthly_percentage_yield: Decimal::permille(9),
                one_month_smoothing_degree: Decimal::percent(10),
                default_reputer_share: Decimal::percent(33),
                external_stake: Uint128::zero(),
            },
            max_epochs_per_call: None,
            max_topics_per_call: None,
        }
    }

    #[test]
    fn instantiate_refuses_funds_and_bad_parameters() {
        let mut deps = mock_dependencies();
        let api = deps.api;
        let owner = api.addr_make("owner");
        let err = instantiate(
            deps.as_mut(),
            mock_env(),
            message_info(&owner, &coins(1, "unous")),
            msg(&api),
        )
        .unwrap_err();
        assert!(matches!(err, ContractError::Payment(_)));
        let mut bad = msg(&api);
        bad.emission.one_month_smoothing_degree = Decimal::zero();
        let err =
            instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), bad).unwrap_err();
        assert!(matches!(err, ContractError::InvalidConfig { .. }));
        let mut bad = msg(&api);
        bad.max_topics_per_call = Some(0);
        let err =
            instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), bad).unwrap_err();
        assert!(matches!(err, ContractError::InvalidConfig { .. }));
        instantiate(
            deps.as_mut(),
            mock_env(),
            message_info(&owner, &[]),
            msg(&api),
        )
        .unwrap();
        assert_eq!(
            cw2::get_contract_version(&deps.storage).unwrap().contract,
            CONTRACT_NAME
        );
    }

    #[test]
    fn migrate_refuses_another_contract_and_a_downgrade() {
        let mut deps = mock_dependencies();
        cw2::set_contract_version(&mut deps.storage, "crates.io:other", "0.1.0").unwrap();
        let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
        assert!(matches!(
            err,
            ContractError::Migrate(MigrateError::WrongContract { .. })
        ));
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "99.0.0").unwrap();
        let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
        assert!(matches!(
            err,
            ContractError::Migrate(MigrateError::Downgrade { .. })
        ));
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.0.1").unwrap();
        let res = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
        assert_eq!(res.attributes[0].value, "migrate");
    }
}
