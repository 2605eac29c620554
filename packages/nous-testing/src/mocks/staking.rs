//! A staking contract that answers a reputer's stake (`ReputerStakes`, `TopicStake`) from
//! amounts the test sets: what synthesis asks staking when it admits and scores reputers.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdError,
    StdResult, Uint128,
};
use cw_multi_test::{Contract, ContractWrapper};
use cw_storage_plus::Map;
use nous_types::staking::{QueryMsg, ReputerStake, ReputerStakesResponse, TopicStakeResponse};

use super::instantiate;

/// The test's setter: `reputer` has `self_stake` of its own and `delegated` from
/// delegators in `topic_id`.
#[cw_serde]
pub enum StakingMockExec {
    SetStake {
        topic_id: u64,
        reputer: String,
        self_stake: Uint128,
        delegated: Uint128,
    },
}

/// (self stake, delegated) per (topic, reputer).
const STAKES: Map<(u64, &str), (Uint128, Uint128)> = Map::new("stakes");

fn execute(deps: DepsMut, _: Env, _: MessageInfo, msg: StakingMockExec) -> StdResult<Response> {
    let StakingMockExec::SetStake {
        topic_id,
        reputer,
        self_stake,
        delegated,
    } = msg;
    STAKES.save(deps.storage, (topic_id, &reputer), &(self_stake, delegated))?;
    Ok(Response::new())
}

fn query(deps: Deps, _: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::ReputerStakes {
            topic_id,
            reputers,
            height: _,
        } => {
            let stakes = reputers
                .iter()
                .map(|r| {
                    let (self_stake, delegated) = STAKES
                        .may_load(deps.storage, (topic_id, r))?
                        .unwrap_or_default();
                    Ok(ReputerStake {
                        reputer: Addr::unchecked(r),
                        self_stake,
                        delegated,
                        total: self_stake + delegated,
                    })
                })
                .collect::<StdResult<Vec<_>>>()?;
            to_json_binary(&ReputerStakesResponse { stakes })
        }
        QueryMsg::TopicStake { topic_id, .. } => to_json_binary(&TopicStakeResponse {
            topic_id,
            total: Uint128::zero(),
        }),
        _ => Err(StdError::generic_err("not answered by the mock staking")),
    }
}

/// The mock's code; instantiate it with `Empty {}`.
pub fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query))
}
