//! Every storage item of the registry. Key layout:
//! - `config`, `params`, `next_topic_id`: singletons; the admin lives in cw-ownable's
//!   `ownership` item.
//! - `params_version`: u64 (JSON), bumped by every change of the global parameters or of a
//!   topic's parameters; peers read it raw ([`PARAMS_VERSION_KEY`]) to know when their
//!   cached copies are stale. Absent reads as 0.
//! - `topics`: topic_id -> Topic.
//! - `registrations`: (topic_id, role string "worker"|"reputer", operator) -> Registration,
//!   so one topic/role is a prefix ranged in operator order.
//! - `actor_index`: (topic_id, address) -> u32, assigned at an address's first registration
//!   in the topic (any role) and kept forever, so an index is never reused.
//! - `next_actor_index`: topic_id -> the next index to hand out.
//! - `registrations_by_owner`: (owner, topic_id, "role/operator") -> (role, operator), a
//!   secondary index kept in step with `registrations` (written on register and ownership
//!   accept, removed on unregister and accept); see [`owner_index_key`].
//! - `former_owners`: (topic_id, role string, operator) -> the owner of an unregistered
//!   registration whose owner was not its operator. The operator may register again only
//!   under this owner until the owner releases the binding (`ReleaseRegistrationOwner`).
//! - `whitelists`: (list name, address) -> () membership.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Empty};
use cw20::Denom;
use cw_storage_plus::{Item, Map};
use nous_types::topic_registry::{GlobalParams, Registration, Role, Topic, WhitelistFlags};

/// The cw2 name and version this code records at instantiate and checks at migrate.
pub const CONTRACT_NAME: &str = "crates.io:topic-registry";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cw_serde]
pub struct Config {
    pub denom: Denom,
    pub fee_vault: Option<Addr>,
    /// Told of every registration change (`SyncRegistration`); set once, by the admin.
    #[serde(default)]
    pub synthesis: Option<Addr>,
    pub whitelists_enabled: WhitelistFlags,
}

pub const CONFIG: Item<Config> = Item::new("config");
/// Under nous-types' key: reward-distribution reads it raw.
pub const PARAMS: Item<GlobalParams> = Item::new(nous_types::topic_registry::PARAMS_KEY);
/// See the module documentation; the key is `nous_types::topic_registry::PARAMS_VERSION_KEY`.
pub const PARAMS_VERSION: Item<u64> = Item::new("params_version");

/// Marks the global or a topic's parameters as changed (their readers re-read them).
pub fn bump_params_version(
    storage: &mut dyn cosmwasm_std::Storage,
) -> cosmwasm_std::StdResult<u64> {
    let v = PARAMS_VERSION
        .may_load(storage)?
        .unwrap_or(0)
        .wrapping_add(1);
    PARAMS_VERSION.save(storage, &v)?;
    Ok(v)
}
/// Topic ids start at 1.
pub const NEXT_TOPIC_ID: Item<u64> = Item::new("next_topic_id");
pub const TOPICS: Map<u64, Topic> = Map::new("topics");
pub const REGISTRATIONS: Map<(u64, &str, &Addr), Registration> = Map::new("registrations");
pub const REGISTRATIONS_BY_OWNER: Map<(&Addr, u64, &str), (Role, Addr)> =
    Map::new("registrations_by_owner");

/// The last key segment of `registrations_by_owner`: "worker/<operator>" or
/// "reputer/<operator>" (cw-storage-plus keys have at most three flat segments).
pub fn owner_index_key(role: Role, operator: &Addr) -> String {
    format!("{}/{}", role.as_str(), operator)
}
pub const FORMER_OWNERS: Map<(u64, &str, &Addr), Addr> = Map::new("former_owners");
pub const ACTOR_INDEX: Map<(u64, &Addr), u32> = Map::new("actor_index");
pub const NEXT_ACTOR_INDEX: Map<u64, u32> = Map::new("next_actor_index");
pub const WHITELISTS: Map<(&str, &Addr), Empty> = Map::new("whitelists");
