//! Instantiation: the vault's config, its owner, an empty treasury and the cw2 version.

use cosmwasm_std::{Api, DepsMut, Response, Uint128};
use cw20::Denom;
use nous_types::fee_vault::{Config, InstantiateMsg, DEFAULT_BLOCKS_PER_MONTH};
use nous_types::funds::denom_label;

use crate::state::{CONFIG, CONTRACT_NAME, CONTRACT_VERSION, TREASURY};
use crate::ContractError;

fn validate_denom(api: &dyn Api, denom: Denom) -> Result<Denom, ContractError> {
    match denom {
        Denom::Native(d) if d.trim().is_empty() => Err(ContractError::EmptyDenom {}),
        Denom::Native(d) => Ok(Denom::Native(d)),
        Denom::Cw20(token) => Ok(Denom::Cw20(api.addr_validate(token.as_str())?)),
    }
}

pub fn instantiate(deps: DepsMut, msg: InstantiateMsg) -> Result<Response, ContractError> {
    let blocks_per_month = msg.blocks_per_month.unwrap_or(DEFAULT_BLOCKS_PER_MONTH);
    if blocks_per_month == 0 {
        return Err(ContractError::ZeroBlocksPerMonth {});
    }
    let config = Config {
        denom: validate_denom(deps.api, msg.denom)?,
        registry: deps.api.addr_validate(&msg.registry)?,
        reward_distributor: msg
            .reward_distributor
            .map(|a| deps.api.addr_validate(&a))
            .transpose()?,
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
