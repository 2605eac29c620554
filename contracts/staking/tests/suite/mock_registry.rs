//! A tiny stand-in for the topic-registry: it answers `Params`, `Topic` and `Registration`
//! from state the test gives it (the real registry is built elsewhere).

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdError, StdResult,
    Uint128,
};
use cw_multi_test::{Contract, ContractWrapper};
use cw_storage_plus::{Item, Map};
use nous_types::topic_registry::{
    GlobalParams, QueryMsg, Registration, RegistrationResponse, Role, Topic, TopicParams,
};

#[cw_serde]
pub struct InstantiateMsg {
    pub required_minimum_stake: Uint128,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Registers `reputer` as a reputer of `topic_id` (creating the topic if needed).
    Register {
        topic_id: u64,
        reputer: String,
    },
    Unregister {
        topic_id: u64,
        reputer: String,
    },
    SetMinimumStake {
        amount: Uint128,
    },
}

const PARAMS: Item<GlobalParams> = Item::new("params");
const TOPICS: Map<u64, Topic> = Map::new("topics");
const REGISTRATIONS: Map<(u64, &Addr), Registration> = Map::new("registrations");

/// The suite's defaults with the test's minimum stake (staking reads only that).
pub fn params(required_minimum_stake: Uint128) -> GlobalParams {
    let mut p = GlobalParams::defaults(6);
    p.staking.required_minimum_stake = required_minimum_stake;
    p
}

fn instantiate(
    deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    msg: InstantiateMsg,
) -> StdResult<Response> {
    PARAMS.save(deps.storage, &params(msg.required_minimum_stake))?;
    Ok(Response::new())
}

fn execute(deps: DepsMut, env: Env, info: MessageInfo, msg: ExecuteMsg) -> StdResult<Response> {
    match msg {
        ExecuteMsg::Register { topic_id, reputer } => {
            let reputer = deps.api.addr_validate(&reputer)?;
            if !TOPICS.has(deps.storage, topic_id) {
                let topic = Topic {
                    id: topic_id,
                    creator: info.sender,
                    params: TopicParams::defaults("mock", 10, 5, 10),
                    start_height: env.block.height,
                };
                TOPICS.save(deps.storage, topic_id, &topic)?;
            }
            let registration = Registration {
                topic_id,
                role: Role::Reputer,
                operator: reputer.clone(),
                owner: reputer.clone(),
                pending_owner: None,
                actor_index: 0,
                registered_at: env.block.height,
            };
            REGISTRATIONS.save(deps.storage, (topic_id, &reputer), &registration)?;
        }
        ExecuteMsg::Unregister { topic_id, reputer } => {
            let reputer = deps.api.addr_validate(&reputer)?;
            REGISTRATIONS.remove(deps.storage, (topic_id, &reputer));
        }
        ExecuteMsg::SetMinimumStake { amount } => {
            PARAMS.update(deps.storage, |mut p| -> StdResult<_> {
                p.staking.required_minimum_stake = amount;
                Ok(p)
            })?;
        }
    }
    Ok(Response::new())
}

fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Params {} => to_json_binary(&PARAMS.load(deps.storage)?),
        QueryMsg::Topic { topic_id } => to_json_binary(
            &TOPICS
                .may_load(deps.storage, topic_id)?
                .ok_or_else(|| StdError::generic_err(format!("no topic {topic_id}")))?,
        ),
        QueryMsg::Registration {
            topic_id,
            role,
            operator,
        } => {
            let operator = deps.api.addr_validate(&operator)?;
            let registration = match role {
                Role::Reputer => REGISTRATIONS.may_load(deps.storage, (topic_id, &operator))?,
                Role::Worker => None,
            };
            to_json_binary(&RegistrationResponse { registration })
        }
        // The real registry answers more; staking only asks the three above.
        _ => Err(StdError::generic_err(
            "the mock registry does not answer this query",
        )),
    }
}

pub fn contract() -> Box<dyn Contract<cosmwasm_std::Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query))
}
