//! Instantiate, configuration updates and ownership.

use cosmwasm_std::{Addr, Api, Decimal, DepsMut, Env, MessageInfo, Response};
use nous_types::fee_vault::FeeVaultContract;
use nous_types::reward_distribution::{
    Config, EmissionParams, InstantiateMsg, Totals, DEFAULT_EPOCHS_PER_CALL,
    DEFAULT_TOPICS_PER_CALL, MAX_EPOCHS_PER_CALL, MAX_TOPICS_PER_CALL,
};
use nous_types::staking::StakingContract;
use nous_types::topic_registry::TopicRegistryContract;

use crate::error::ContractError;
use crate::state::{CONFIG, TOTALS};

fn invalid(field: &str, reason: &str) -> ContractError {
    ContractError::InvalidConfig {
        field: field.to_string(),
        reason: reason.to_string(),
    }
}

fn validate_addr(api: &dyn Api, field: &str, addr: &str) -> Result<Addr, ContractError> {
    api.addr_validate(addr)
        .map_err(|e| invalid(field, &format!("not a valid address: {e}")))
}

/// Every bound of the emission parameters (§10), checked as a whole.
pub fn validate_emission(e: &EmissionParams) -> Result<(), ContractError> {
    if e.total_supply.is_zero() {
        return Err(invalid("emission.total_supply", "must be positive"));
    }
    if e.circulating_supply > e.total_supply {
        return Err(invalid(
            "emission.circulating_supply",
            "must not exceed total_supply",
        ));
    }
    if e.emission_rate > Decimal::one() {
        return Err(invalid("emission.emission_rate", "must be at most 1"));
    }
    if e.max_monthly_percentage_yield > Decimal::one() {
        return Err(invalid(
            "emission.max_monthly_percentage_yield",
            "must be at most 1",
        ));
    }
    if e.one_month_smoothing_degree.is_zero() || e.one_month_smoothing_degree > Decimal::one() {
        return Err(invalid(
            "emission.one_month_smoothing_degree",
            "must be in (0, 1]",
        ));
    }
    if e.default_reputer_share > Decimal::one() {
        return Err(invalid(
            "emission.default_reputer_share",
            "must be at most 1",
        ));
    }
    Ok(())
}

fn validate_limit(field: &str, value: u32, max: u32) -> Result<u32, ContractError> {
    if value == 0 || value > max {
        return Err(invalid(field, &format!("must be between 1 and {max}")));
    }
    Ok(value)
}

pub fn instantiate(
    deps: DepsMut,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let api = deps.api;
    validate_emission(&msg.emission)?;
    let config = Config {
        denom: match msg.denom {
            cw20::Denom::Native(d) if d.is_empty() => {
                return Err(invalid("denom", "must not be empty"))
            }
            cw20::Denom::Native(d) => cw20::Denom::Native(d),
            cw20::Denom::Cw20(a) => cw20::Denom::Cw20(validate_addr(api, "denom", a.as_str())?),
        },
        topic_registry: TopicRegistryContract(validate_addr(
            api,
            "topic_registry",
            &msg.topic_registry,
        )?),
        fee_vault: FeeVaultContract(validate_addr(api, "fee_vault", &msg.fee_vault)?),
        staking: StakingContract(validate_addr(api, "staking", &msg.staking)?),
        synthesis: validate_addr(api, "synthesis", &msg.synthesis)?,
        chain_security_recipient: validate_addr(
            api,
            "chain_security_recipient",
            &msg.chain_security_recipient,
        )?,
        emission: msg.emission,
        max_epochs_per_call: validate_limit(
            "max_epochs_per_call",
            msg.max_epochs_per_call.unwrap_or(DEFAULT_EPOCHS_PER_CALL),
            MAX_EPOCHS_PER_CALL,
        )?,
        max_topics_per_call: validate_limit(
            "max_topics_per_call",
            msg.max_topics_per_call.unwrap_or(DEFAULT_TOPICS_PER_CALL),
            MAX_TOPICS_PER_CALL,
        )?,
    };
    let owner = match msg.owner {
        Some(o) => validate_addr(api, "owner", &o)?,
        None => info.sender,
    };
    cw_ownable::initialize_owner(deps.storage, api, Some(owner.as_str()))?;
    CONFIG.save(deps.storage, &config)?;
    TOTALS.save(deps.storage, &Totals::default())?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", owner)
        .add_attribute("fee_vault", config.fee_vault.addr())
        .add_attribute("chain_security_recipient", config.chain_security_recipient))
}

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    chain_security_recipient: Option<String>,
    emission: Option<EmissionParams>,
    max_epochs_per_call: Option<u32>,
    max_topics_per_call: Option<u32>,
) -> Result<Response, ContractError> {
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    if chain_security_recipient.is_none()
        && emission.is_none()
        && max_epochs_per_call.is_none()
        && max_topics_per_call.is_none()
    {
        return Err(ContractError::NothingToUpdate {});
    }
    let mut config = CONFIG.load(deps.storage)?;
    let mut res = Response::new().add_attribute("action", "update_config");
    if let Some(r) = chain_security_recipient {
        config.chain_security_recipient = validate_addr(deps.api, "chain_security_recipient", &r)?;
        res = res.add_attribute(
            "chain_security_recipient",
            config.chain_security_recipient.as_str(),
        );
    }
    if let Some(e) = emission {
        validate_emission(&e)?;
        config.emission = e;
        res = res.add_attribute("emission", "updated");
    }
    if let Some(n) = max_epochs_per_call {
        config.max_epochs_per_call = validate_limit("max_epochs_per_call", n, MAX_EPOCHS_PER_CALL)?;
        res = res.add_attribute("max_epochs_per_call", n.to_string());
    }
    if let Some(n) = max_topics_per_call {
        config.max_topics_per_call = validate_limit("max_topics_per_call", n, MAX_TOPICS_PER_CALL)?;
        res = res.add_attribute("max_topics_per_call", n.to_string());
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(res)
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
