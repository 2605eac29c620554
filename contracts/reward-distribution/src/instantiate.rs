//! Instantiation: the validated config (peers, emission parameters, per-call limits), the
//! owner (the sender unless named), zero totals and the cw2 version.

use cosmwasm_std::{DepsMut, MessageInfo, Response};
use nous_types::fee_vault::FeeVaultContract;
use nous_types::reward_distribution::{
    Config, InstantiateMsg, Totals, DEFAULT_EPOCHS_PER_CALL, DEFAULT_TOPICS_PER_CALL,
    MAX_EPOCHS_PER_CALL, MAX_TOPICS_PER_CALL,
};
use nous_types::staking::StakingContract;
use nous_types::topic_registry::TopicRegistryContract;

use crate::error::ContractError;
use crate::state::{CONFIG, CONTRACT_NAME, CONTRACT_VERSION, TOTALS};
use crate::validate::{invalid, validate_addr, validate_emission, validate_limit};

pub fn instantiate(
    deps: DepsMut,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
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
