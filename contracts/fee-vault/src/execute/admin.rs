//! Instantiation, configuration and ownership.

use cosmwasm_std::{Addr, Api, DepsMut, Env, MessageInfo, Response, Uint128};
use cw20::Denom;
use nous_types::fee_vault::{Config, InstantiateMsg, DEFAULT_BLOCKS_PER_MONTH};
use nous_types::funds::denom_label;

use crate::contract::{CONTRACT_NAME, CONTRACT_VERSION};
use crate::state::{CONFIG, TREASURY};
use crate::ContractError;

fn validate_denom(api: &dyn Api, denom: Denom) -> Result<Denom, ContractError> {
    match denom {
        Denom::Native(d) if d.trim().is_empty() => Err(ContractError::EmptyDenom {}),
        Denom::Native(d) => Ok(Denom::Native(d)),
        Denom::Cw20(token) => Ok(Denom::Cw20(api.addr_validate(token.as_str())?)),
    }
}

fn optional_addr(api: &dyn Api, addr: Option<&str>) -> Result<Option<Addr>, ContractError> {
    Ok(addr.map(|a| api.addr_validate(a)).transpose()?)
}

pub fn instantiate(deps: DepsMut, msg: InstantiateMsg) -> Result<Response, ContractError> {
    let blocks_per_month = msg.blocks_per_month.unwrap_or(DEFAULT_BLOCKS_PER_MONTH);
    if blocks_per_month == 0 {
        return Err(ContractError::ZeroBlocksPerMonth {});
    }
    let config = Config {
        denom: validate_denom(deps.api, msg.denom)?,
        registry: deps.api.addr_validate(&msg.registry)?,
        reward_distributor: optional_addr(deps.api, msg.reward_distributor.as_deref())?,
        read_fee: msg.read_fee,
        blocks_per_month,
    };
    let ownership = cw_ownable::initialize_owner(deps.storage, deps.api, msg.owner.as_deref())?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    CONFIG.save(deps.storage, &config)?;
    TREASURY.save(deps.storage, &Uint128::zero())?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("denom", denom_label(&config.denom))
        .add_attribute("registry", config.registry.as_str())
        .add_attribute("read_fee", config.read_fee)
        .add_attribute("blocks_per_month", config.blocks_per_month.to_string())
        .add_attributes(ownership.into_attributes()))
}

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    mut config: Config,
    registry: Option<String>,
    reward_distributor: Option<String>,
    read_fee: Option<Uint128>,
) -> Result<Response, ContractError> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    if let Some(registry) = registry {
        config.registry = deps.api.addr_validate(&registry)?;
    }
    if let Some(distributor) = optional_addr(deps.api, reward_distributor.as_deref())? {
        config.reward_distributor = Some(distributor);
    }
    if let Some(fee) = read_fee {
        config.read_fee = fee;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("registry", config.registry.as_str())
        .add_attribute(
            "reward_distributor",
            config
                .reward_distributor
                .as_ref()
                .map_or("none", |a| a.as_str()),
        )
        .add_attribute("read_fee", config.read_fee))
}

pub fn update_ownership(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    action: cw_ownable::Action,
) -> Result<Response, ContractError> {
    let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)?;
    Ok(Response::new()
        .add_attribute("action", "update_ownership")
        .add_attributes(ownership.into_attributes()))
}
