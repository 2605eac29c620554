//! A topic-registry that answers `Params`, `Topic`, `Registration` and `Config` — what
//! synthesis, staking and reward-distribution ask the registry — from state the test sets
//! (its `Config` names the token `unous` and no fee-vault).

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdError,
    StdResult,
};
use cw_multi_test::{Contract, ContractWrapper};
use cw_storage_plus::{Item, Map};

use super::instantiate;
use nous_types::topic_registry::{
    ConfigResponse, GlobalParams, QueryMsg, Registration, RegistrationResponse, Role, Topic,
};

/// The token the mock's `Config` names.
pub const MOCK_DENOM: &str = "unous";

/// The test's commands (anyone may send them).
// Each built once per test: their size does not matter.
#[allow(clippy::large_enum_variant)]
#[cw_serde]
pub enum RegistryExec {
    SetParams(GlobalParams),
    SetTopic(Topic),
    /// Registers `operator` (its own owner) with `actor_index`.
    Register {
        topic_id: u64,
        role: Role,
        operator: String,
        actor_index: u32,
    },
    Deregister {
        topic_id: u64,
        role: Role,
        operator: String,
    },
}

// The real registry's key: reward-distribution reads the parameters raw.
const PARAMS: Item<GlobalParams> = Item::new(nous_types::topic_registry::PARAMS_KEY);
/// The registry's parameter version (`PARAMS_VERSION_KEY`), bumped as the registry does.
const PARAMS_VERSION: Item<u64> = Item::new("params_version");

fn bump_version(storage: &mut dyn cosmwasm_std::Storage) -> StdResult<()> {
    let v = PARAMS_VERSION.may_load(storage)?.unwrap_or(0) + 1;
    PARAMS_VERSION.save(storage, &v)
}
const TOPICS: Map<u64, Topic> = Map::new("topics");
const REGISTRATIONS: Map<(u64, &str, &str), Registration> = Map::new("registrations");

fn execute(deps: DepsMut, env: Env, _: MessageInfo, msg: RegistryExec) -> StdResult<Response> {
    match msg {
        RegistryExec::SetParams(p) => {
            PARAMS.save(deps.storage, &p)?;
            bump_version(deps.storage)?
        }
        RegistryExec::SetTopic(t) => {
            TOPICS.save(deps.storage, t.id, &t)?;
            bump_version(deps.storage)?
        }
        RegistryExec::Register {
            topic_id,
            role,
            operator,
            actor_index,
        } => {
            let addr = Addr::unchecked(&operator);
            let registration = Registration {
                topic_id,
                role,
                operator: addr.clone(),
                owner: addr,
                pending_owner: None,
                actor_index,
                registered_at: env.block.height,
            };
            let key = (topic_id, role.as_str(), operator.as_str());
            REGISTRATIONS.save(deps.storage, key, &registration)?
        }
        RegistryExec::Deregister {
            topic_id,
            role,
            operator,
        } => REGISTRATIONS.remove(deps.storage, (topic_id, role.as_str(), &operator)),
    }
    Ok(Response::new())
}

fn query(deps: Deps, _: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Params {} => to_json_binary(&PARAMS.load(deps.storage)?),
        QueryMsg::Topic { topic_id } => to_json_binary(
            &TOPICS
                .may_load(deps.storage, topic_id)?
                .ok_or_else(|| StdError::generic_err(format!("topic {topic_id} not found")))?,
        ),
        QueryMsg::Registration {
            topic_id,
            role,
            operator,
        } => to_json_binary(&RegistrationResponse {
            registration: REGISTRATIONS
                .may_load(deps.storage, (topic_id, role.as_str(), &operator))?,
        }),
        QueryMsg::Config {} => to_json_binary(&ConfigResponse {
            denom: cw20::Denom::Native(MOCK_DENOM.to_string()),
            fee_vault: None,
            synthesis: None,
            whitelists_enabled: Default::default(),
            next_topic_id: 1,
        }),
        _ => Err(StdError::generic_err("not answered by the mock registry")),
    }
}

/// The mock's code; instantiate it with `Empty {}`.
pub fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query))
}
