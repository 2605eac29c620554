//! Synthesis's copy of the registry's registrations, kept current by the registry
//! (`SyncRegistration` on every register, owner change and removal), so that a worker's
//! payload or a reputer's bundle checks its sender without loading the registry
//! (a hot path touches one contract: every instance load costs gas).
//!
//! A registration without a copy here (made before the registry was wired to this contract)
//! is read from the registry instead: the copy is an optimisation, never the only source.
//!
//! Key layout: `registrations` (topic_id, role, operator) -> KnownActor.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Deps, DepsMut, MessageInfo, Response};
use cw_storage_plus::Map;
use nous_types::topic_registry::{Registration, Role, TopicRegistryContract};

use crate::error::ContractError;
use crate::state::CONFIG;

/// What a payload needs of a registration: the actor id and who is paid.
#[cw_serde]
pub struct KnownActor {
    pub actor_index: u32,
    pub owner: Addr,
}

const REGISTRATIONS: Map<(u64, &str, &Addr), KnownActor> = Map::new("registrations");

/// Registry only: store, replace or (with `None`) remove the copy of one registration.
pub fn sync_registration(
    deps: DepsMut,
    info: MessageInfo,
    topic_id: u64,
    role: Role,
    operator: String,
    registration: Option<Registration>,
) -> Result<Response, ContractError> {
    if info.sender != CONFIG.load(deps.storage)?.topic_registry {
        return Err(ContractError::NotTopicRegistry {});
    }
    let operator = deps.api.addr_validate(&operator)?;
    let key = (topic_id, role.as_str(), &operator);
    let response = Response::new()
        .add_attribute("action", "sync_registration")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("role", role.as_str())
        .add_attribute("operator", operator.as_str());
    match registration {
        None => {
            REGISTRATIONS.remove(deps.storage, key);
            Ok(response.add_attribute("registered", "false"))
        }
        Some(r) => {
            if r.topic_id != topic_id || r.role != role || r.operator != operator {
                return Err(ContractError::RegistrationMismatch {});
            }
            let actor = KnownActor {
                actor_index: r.actor_index,
                owner: r.owner,
            };
            REGISTRATIONS.save(deps.storage, key, &actor)?;
            Ok(response
                .add_attribute("registered", "true")
                .add_attribute("actor_index", actor.actor_index.to_string())
                .add_attribute("owner", actor.owner))
        }
    }
}

/// The registration of `operator` as `role` in `topic_id`: the local copy, else the
/// registry's answer; `NotRegistered` when neither has one.
pub fn registered_actor(
    deps: Deps,
    topic_id: u64,
    role: Role,
    operator: &Addr,
) -> Result<KnownActor, ContractError> {
    if let Some(actor) =
        REGISTRATIONS.may_load(deps.storage, (topic_id, role.as_str(), operator))?
    {
        return Ok(actor);
    }
    let registry = TopicRegistryContract(CONFIG.load(deps.storage)?.topic_registry);
    registry
        .registration(&deps.querier, topic_id, role, operator)?
        // the registry answers for this topic, role and operator; anything else is no registration
        .filter(|r| r.topic_id == topic_id && r.role == role && r.operator == *operator)
        .map(|r| KnownActor {
            actor_index: r.actor_index,
            owner: r.owner,
        })
        .ok_or_else(|| ContractError::NotRegistered {
            topic_id,
            role: role.as_str().to_string(),
            address: operator.to_string(),
        })
}
