//! A staking contract that answers a reputer's stake (`ReputerStakes`), a topic's stake
//! (`TopicStake`) and `Totals` from amounts the test sets — what synthesis asks staking when
//! it admits and scores reputers, and what reward-distribution reads to weigh topics — and
//! that books reward-distribution's `DepositDelegatorRewards` (native or through a cw20
//! hook) with the real contract's order rule, refusing a topic's deposits when told to.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    from_json, to_json_binary, Addr, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Order,
    Response, StdError, StdResult, Uint128,
};
use cw20::Cw20ReceiveMsg;
use cw_multi_test::{Contract, ContractWrapper};
use cw_storage_plus::Map;
use nous_types::staking::{
    ReceiveMsg, ReputerReward, ReputerStake, ReputerStakesResponse, TopicStakeResponse,
    TotalsResponse,
};

use super::instantiate;
use crate::DENOM;

/// What the mock is sent: the real staking's messages its peers send (same JSON), or the
/// test's setters.
#[cw_serde]
pub enum StakingMockExec {
    /// Reward-distribution's payment of delegator rewards (native `DENOM`).
    DepositDelegatorRewards {
        topic_id: u64,
        rewards: Vec<ReputerReward>,
    },
    /// The cw20 hook of `DepositDelegatorRewards`.
    Receive(Cw20ReceiveMsg),
    /// "`reputer` has `self_stake` of its own and `delegated` from delegators in
    /// `topic_id`".
    SetStake {
        topic_id: u64,
        reputer: String,
        self_stake: Uint128,
        delegated: Uint128,
    },
    /// "`topic_id`'s total stake is `total`" (independent of the reputers' stakes).
    SetTopicStake { topic_id: u64, total: Uint128 },
    /// Refuse (or accept again) the deposits of a topic.
    SetRefuse { topic_id: u64, refuse: bool },
}

/// What the mock answers: the real staking's queries (same JSON), or the test's question.
#[cw_serde]
pub enum StakingMockQuery {
    ReputerStakes {
        topic_id: u64,
        reputers: Vec<String>,
        height: Option<u64>,
    },
    TopicStake {
        topic_id: u64,
        height: Option<u64>,
    },
    /// `total_staked`: the sum of the topic stakes set.
    Totals {},
    /// What the delegators of `reputer` in `topic_id` were deposited (a `Uint128`).
    Deposited {
        topic_id: u64,
        reputer: String,
    },
}

/// (self stake, delegated) per (topic, reputer).
const STAKES: Map<(u64, &str), (Uint128, Uint128)> = Map::new("stakes");
const TOPIC_STAKES: Map<u64, Uint128> = Map::new("topic_stakes");
const DEPOSITED: Map<(u64, &str), Uint128> = Map::new("deposited");
const REFUSE: Map<u64, bool> = Map::new("refuse");
const LAST_SNAPSHOT: Map<u64, u64> = Map::new("last_snapshot");

/// Records a deposit, with the real staking's rules on order: a topic's snapshot heights
/// never go down.
fn record_deposit(
    deps: DepsMut,
    topic_id: u64,
    rewards: Vec<ReputerReward>,
    paid: Uint128,
) -> StdResult<()> {
    if REFUSE.may_load(deps.storage, topic_id)?.unwrap_or(false) {
        return Err(StdError::generic_err(
            "staking refuses deposits of this topic",
        ));
    }
    let sum: Uint128 = rewards.iter().map(|r| r.amount).sum();
    if sum != paid || sum.is_zero() {
        return Err(StdError::generic_err("deposit does not match its rewards"));
    }
    let mut last = LAST_SNAPSHOT.may_load(deps.storage, topic_id)?;
    for r in &rewards {
        if last.is_some_and(|l| l > r.snapshot_height) {
            return Err(StdError::generic_err("deposit out of snapshot order"));
        }
        last = Some(r.snapshot_height);
    }
    if let Some(l) = last {
        LAST_SNAPSHOT.save(deps.storage, topic_id, &l)?;
    }
    for r in rewards {
        let cur = DEPOSITED
            .may_load(deps.storage, (topic_id, &r.reputer))?
            .unwrap_or_default();
        DEPOSITED.save(deps.storage, (topic_id, &r.reputer), &(cur + r.amount))?;
    }
    Ok(())
}

fn execute(deps: DepsMut, _: Env, info: MessageInfo, msg: StakingMockExec) -> StdResult<Response> {
    match msg {
        StakingMockExec::DepositDelegatorRewards { topic_id, rewards } => {
            let paid = info
                .funds
                .iter()
                .find(|c| c.denom == DENOM)
                .map(|c| c.amount)
                .unwrap_or_default();
            record_deposit(deps, topic_id, rewards, paid)?
        }
        StakingMockExec::Receive(wrapper) => match from_json(&wrapper.msg)? {
            ReceiveMsg::DepositDelegatorRewards { topic_id, rewards } => {
                record_deposit(deps, topic_id, rewards, wrapper.amount)?
            }
            _ => return Err(StdError::generic_err("unexpected hook")),
        },
        StakingMockExec::SetStake {
            topic_id,
            reputer,
            self_stake,
            delegated,
        } => STAKES.save(deps.storage, (topic_id, &reputer), &(self_stake, delegated))?,
        StakingMockExec::SetTopicStake { topic_id, total } => {
            TOPIC_STAKES.save(deps.storage, topic_id, &total)?
        }
        StakingMockExec::SetRefuse { topic_id, refuse } => {
            REFUSE.save(deps.storage, topic_id, &refuse)?
        }
    }
    Ok(Response::new())
}

fn query(deps: Deps, _: Env, msg: StakingMockQuery) -> StdResult<Binary> {
    match msg {
        StakingMockQuery::ReputerStakes {
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
        StakingMockQuery::TopicStake { topic_id, .. } => to_json_binary(&TopicStakeResponse {
            topic_id,
            total: TOPIC_STAKES
                .may_load(deps.storage, topic_id)?
                .unwrap_or_default(),
        }),
        StakingMockQuery::Totals {} => {
            let total_staked = TOPIC_STAKES
                .range(deps.storage, None, None, Order::Ascending)
                .map(|r| r.map(|(_, v)| v))
                .sum::<StdResult<Uint128>>()?;
            to_json_binary(&TotalsResponse {
                total_staked,
                reward_funds: Uint128::zero(),
            })
        }
        StakingMockQuery::Deposited { topic_id, reputer } => to_json_binary(
            &DEPOSITED
                .may_load(deps.storage, (topic_id, &reputer))?
                .unwrap_or_default(),
        ),
    }
}

/// The mock's code; instantiate it with `Empty {}`.
pub fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query))
}
