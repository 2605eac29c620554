//! Registering workers and reputers, unregistering, and the two-step transfer of a
//! registration's ownership (the address that receives its rewards).
//!
//! The owner consents to every change of owner: while registered through the two-step
//! transfer; after an unregistration the operator stays bound to its former owner
//! (`FORMER_OWNERS`) and can register again under another owner only once that owner
//! released it. Otherwise the operator key alone could move the rewards (unregister,
//! register again naming itself).

use cosmwasm_std::{Addr, CosmosMsg, Deps, DepsMut, Env, MessageInfo, Response, Storage, Uint128};
use nous_types::fee_vault::FeeVaultContract;
use nous_types::synthesis::SynthesisContract;
use nous_types::topic_registry::{Registration, Role, WhitelistKind};

use crate::execute::admin::assert_whitelisted;
use crate::execute::fees::{check_exact_fee, require_vault};
use crate::state::{
    owner_index_key, ACTOR_INDEX, CONFIG, FORMER_OWNERS, NEXT_ACTOR_INDEX, PARAMS, REGISTRATIONS,
    REGISTRATIONS_BY_OWNER, TOPICS,
};
use crate::ContractError;

/// The actor index of `address` in `topic_id`, assigned on first use and never reused.
/// Returns the index and whether it was newly assigned.
fn actor_index(
    storage: &mut dyn Storage,
    topic_id: u64,
    address: &Addr,
) -> Result<(u32, bool), ContractError> {
    if let Some(index) = ACTOR_INDEX.may_load(storage, (topic_id, address))? {
        return Ok((index, false));
    }
    let index = NEXT_ACTOR_INDEX
        .may_load(storage, topic_id)?
        .unwrap_or_default();
    let next = index
        .checked_add(1)
        .ok_or(ContractError::ActorIndicesExhausted { topic_id })?;
    ACTOR_INDEX.save(storage, (topic_id, address), &index)?;
    NEXT_ACTOR_INDEX.save(storage, topic_id, &next)?;
    Ok((index, true))
}

/// The message telling `synthesis` (the configured one, if any) that the registration of
/// (`topic_id`, `role`, `operator`) is now `registration` (`None`: removed).
fn sync_synthesis(
    synthesis: Option<Addr>,
    topic_id: u64,
    role: Role,
    operator: &Addr,
    registration: Option<&Registration>,
) -> Result<Option<CosmosMsg>, ContractError> {
    let Some(synthesis) = synthesis else {
        return Ok(None);
    };
    Ok(Some(SynthesisContract(synthesis).sync_registration_msg(
        topic_id,
        role,
        operator,
        registration.cloned(),
    )?))
}

/// Registers `operator` (the sender, or the cw20 sender) in `topic_id` as `role`, paying
/// `paid`, which must equal `registration_fee`; a non-zero fee is forwarded to the vault
/// with `FundTopic` (nothing is sent when the fee is zero).
pub fn register(
    deps: DepsMut,
    env: Env,
    operator: Addr,
    paid: Uint128,
    topic_id: u64,
    role: Role,
    owner: Option<String>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let global = PARAMS.load(deps.storage)?;
    if !TOPICS.has(deps.storage, topic_id) {
        return Err(ContractError::TopicNotFound { topic_id });
    }
    assert_whitelisted(
        deps.storage,
        &config.whitelists_enabled,
        WhitelistKind::for_role(role),
        &operator,
    )?;
    let key = (topic_id, role.as_str(), &operator);
    if REGISTRATIONS.has(deps.storage, key) {
        return Err(ContractError::AlreadyRegistered {
            topic_id,
            role: role.as_str().to_string(),
            operator: operator.to_string(),
        });
    }
    let former_owner = FORMER_OWNERS.may_load(deps.storage, key)?;
    let owner = match (owner, &former_owner) {
        (Some(o), _) => deps.api.addr_validate(&o)?,
        (None, Some(former)) => former.clone(),
        (None, None) => operator.clone(),
    };
    if let Some(former) = former_owner {
        if former != owner {
            return Err(ContractError::OwnerConsentRequired {
                topic_id,
                role: role.as_str().to_string(),
                operator: operator.to_string(),
                former_owner: former.to_string(),
                requested: owner.to_string(),
            });
        }
        // the registration holds the binding again
        FORMER_OWNERS.remove(deps.storage, key);
    }
    check_exact_fee(&config.denom, global.registry.registration_fee, paid)?;
    let forward = if paid.is_zero() {
        None
    } else {
        let vault = require_vault(&config.fee_vault)?;
        Some(FeeVaultContract(vault).fund_topic_msg(&config.denom, paid, topic_id)?)
    };

    let (index, new_actor) = actor_index(deps.storage, topic_id, &operator)?;
    let registration = Registration {
        topic_id,
        role,
        operator: operator.clone(),
        owner: owner.clone(),
        pending_owner: None,
        actor_index: index,
        registered_at: env.block.height,
    };
    REGISTRATIONS.save(deps.storage, key, &registration)?;
    REGISTRATIONS_BY_OWNER.save(
        deps.storage,
        (&owner, topic_id, &owner_index_key(role, &operator)),
        &(role, operator.clone()),
    )?;
    let sync = sync_synthesis(
        config.synthesis,
        topic_id,
        role,
        &operator,
        Some(&registration),
    )?;

    Ok(Response::new()
        .add_messages(forward)
        .add_messages(sync)
        .add_attribute("action", "register")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("role", role.as_str())
        .add_attribute("operator", operator)
        .add_attribute("owner", owner)
        .add_attribute("actor_index", index.to_string())
        .add_attribute("new_actor", new_actor.to_string())
        .add_attribute("fee", paid))
}

fn load_registration(
    deps: Deps,
    topic_id: u64,
    role: Role,
    operator: &str,
) -> Result<Registration, ContractError> {
    let operator = deps.api.addr_validate(operator)?;
    REGISTRATIONS
        .may_load(deps.storage, (topic_id, role.as_str(), &operator))?
        .ok_or(ContractError::NotRegistered {
            topic_id,
            role: role.as_str().to_string(),
            operator: operator.to_string(),
        })
}

fn save_registration(deps: DepsMut, r: &Registration) -> Result<(), ContractError> {
    REGISTRATIONS.save(deps.storage, (r.topic_id, r.role.as_str(), &r.operator), r)?;
    Ok(())
}

fn ids(response: Response, r: &Registration) -> Response {
    response
        .add_attribute("topic_id", r.topic_id.to_string())
        .add_attribute("role", r.role.as_str())
        .add_attribute("operator", r.operator.as_str())
}

/// The operator or the owner removes a registration. No fee is refunded; the actor index
/// stays reserved for the address.
pub fn unregister(
    deps: DepsMut,
    info: MessageInfo,
    topic_id: u64,
    role: Role,
    operator: String,
) -> Result<Response, ContractError> {
    let r = load_registration(deps.as_ref(), topic_id, role, &operator)?;
    if info.sender != r.operator && info.sender != r.owner {
        return Err(ContractError::NotOperatorOrOwner {});
    }
    let key = (topic_id, role.as_str(), &r.operator);
    REGISTRATIONS.remove(deps.storage, key);
    // An operator that was its own owner needs nobody's consent to pick another owner.
    if r.owner != r.operator {
        FORMER_OWNERS.save(deps.storage, key, &r.owner)?;
    }
    REGISTRATIONS_BY_OWNER.remove(
        deps.storage,
        (&r.owner, topic_id, &owner_index_key(role, &r.operator)),
    );
    let synthesis = CONFIG.load(deps.storage)?.synthesis;
    let sync = sync_synthesis(synthesis, topic_id, role, &r.operator, None)?;
    Ok(ids(
        Response::new()
            .add_messages(sync)
            .add_attribute("action", "unregister"),
        &r,
    )
    .add_attribute("sender", info.sender)
    .add_attribute("owner", r.owner.as_str()))
}

/// The former owner of an unregistered registration lets its operator register again
/// under any owner.
pub fn release_owner(
    deps: DepsMut,
    info: MessageInfo,
    topic_id: u64,
    role: Role,
    operator: String,
) -> Result<Response, ContractError> {
    let operator = deps.api.addr_validate(&operator)?;
    let key = (topic_id, role.as_str(), &operator);
    let former =
        FORMER_OWNERS
            .may_load(deps.storage, key)?
            .ok_or_else(|| ContractError::NoFormerOwner {
                topic_id,
                role: role.as_str().to_string(),
                operator: operator.to_string(),
            })?;
    if info.sender != former {
        return Err(ContractError::NotFormerOwner {
            former_owner: former.to_string(),
        });
    }
    FORMER_OWNERS.remove(deps.storage, key);
    Ok(Response::new()
        .add_attribute("action", "release_registration_owner")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("role", role.as_str())
        .add_attribute("operator", operator)
        .add_attribute("owner", former))
}

/// The owner proposes `new_owner`; proposing the current owner withdraws a pending proposal.
pub fn propose_owner(
    deps: DepsMut,
    info: MessageInfo,
    topic_id: u64,
    role: Role,
    operator: String,
    new_owner: String,
) -> Result<Response, ContractError> {
    let mut r = load_registration(deps.as_ref(), topic_id, role, &operator)?;
    if info.sender != r.owner {
        return Err(ContractError::NotRegistrationOwner {});
    }
    let new_owner = deps.api.addr_validate(&new_owner)?;
    if new_owner == r.owner {
        return cancel(deps, r);
    }
    r.pending_owner = Some(new_owner.clone());
    save_registration(deps, &r)?;
    Ok(ids(
        Response::new().add_attribute("action", "propose_registration_owner"),
        &r,
    )
    .add_attribute("owner", r.owner.as_str())
    .add_attribute("pending_owner", new_owner))
}

/// The pending owner accepts.
pub fn accept_owner(
    mut deps: DepsMut,
    info: MessageInfo,
    topic_id: u64,
    role: Role,
    operator: String,
) -> Result<Response, ContractError> {
    let mut r = load_registration(deps.as_ref(), topic_id, role, &operator)?;
    let pending = r
        .pending_owner
        .clone()
        .ok_or(ContractError::NoPendingOwner {})?;
    if info.sender != pending {
        return Err(ContractError::NotPendingOwner {});
    }
    let previous = std::mem::replace(&mut r.owner, pending);
    r.pending_owner = None;
    let sub_key = owner_index_key(r.role, &r.operator);
    REGISTRATIONS_BY_OWNER.remove(deps.storage, (&previous, r.topic_id, &sub_key));
    REGISTRATIONS_BY_OWNER.save(
        deps.storage,
        (&r.owner, r.topic_id, &sub_key),
        &(r.role, r.operator.clone()),
    )?;
    save_registration(deps.branch(), &r)?;
    let synthesis = CONFIG.load(deps.storage)?.synthesis;
    let sync = sync_synthesis(synthesis, r.topic_id, r.role, &r.operator, Some(&r))?;
    Ok(ids(
        Response::new()
            .add_messages(sync)
            .add_attribute("action", "accept_registration_owner"),
        &r,
    )
    .add_attribute("previous_owner", previous)
    .add_attribute("owner", r.owner.as_str()))
}

/// The owner withdraws a pending proposal.
pub fn cancel_owner(
    deps: DepsMut,
    info: MessageInfo,
    topic_id: u64,
    role: Role,
    operator: String,
) -> Result<Response, ContractError> {
    let r = load_registration(deps.as_ref(), topic_id, role, &operator)?;
    if info.sender != r.owner {
        return Err(ContractError::NotRegistrationOwner {});
    }
    cancel(deps, r)
}

fn cancel(deps: DepsMut, mut r: Registration) -> Result<Response, ContractError> {
    if r.pending_owner.take().is_none() {
        return Err(ContractError::NoPendingOwner {});
    }
    save_registration(deps, &r)?;
    Ok(ids(
        Response::new().add_attribute("action", "cancel_registration_owner"),
        &r,
    ))
}
