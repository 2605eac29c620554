//! A synthesis that records the registration changes the registry pushes to it
//! (`SyncRegistration`), answers `LatestValue` with an inference the test sets, and answers
//! reward-distribution's `EpochScores` with scores the test sets, the reputers' stakes read
//! from a staking contract as synthesis reads them at the reputer close.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Decimal, Deps, DepsMut, Empty, Env, MessageInfo, Response,
    SignedDecimal, StdError, StdResult,
};
use cw_multi_test::{Contract, ContractWrapper};
use cw_storage_plus::{Item, Map};
use nous_math::inference::error_bar_percentiles;
use nous_math::Rules;
use nous_types::staking::{QueryMsg as StakingQueryMsg, ReputerStakesResponse};
use nous_types::synthesis::{
    EpochScores, EpochScoresResponse, InferencePath, LatestValue, PercentileValue, ReputerScore,
    ScoresStatus, WorkerScore,
};
use nous_types::topic_registry::{Registration, Role};

use super::instantiate;

/// One actor's score as a test sets it.
#[cw_serde]
pub struct ActorScore {
    pub actor_index: u32,
    /// The operator key (reputers: the address the staking contract knows).
    pub operator: Addr,
    pub owner: Addr,
    pub score: SignedDecimal,
}

/// What a test sets as synthesis's scores of an epoch. The mock answers with the real
/// `EpochScoresResponse`, the reputers' stakes read from the staking set by `UseStaking`.
#[cw_serde]
pub struct MockScores {
    pub topic_id: u64,
    pub nonce: u64,
    pub status: ScoresStatus,
    pub inferers: Vec<ActorScore>,
    pub forecasters: Vec<ActorScore>,
    pub reputers: Vec<ActorScore>,
    pub forecasting_task_score: SignedDecimal,
    pub epsilon: Decimal,
    /// The rules reward-distribution maps these scores by (absent: the reference).
    #[serde(default)]
    pub rules: Rules,
}

/// What the mock is sent: the registry's real message (same JSON), or the test's setters.
#[cw_serde]
pub enum SynthesisMockExec {
    /// The registry's push of a registration change (recorded).
    SyncRegistration {
        topic_id: u64,
        role: Role,
        operator: String,
        registration: Option<Registration>,
    },
    /// "The latest inference of `topic_id` is nonce `nonce` with value `value`, its worker
    /// window closed at this block" (a full-path value of five inferers, zero-width bars).
    SetLatest {
        topic_id: u64,
        nonce: u64,
        value: SignedDecimal,
    },
    /// Scores of one epoch, or (nonce None) the answer for every epoch without its own.
    SetScores {
        topic_id: u64,
        nonce: Option<u64>,
        scores: MockScores,
    },
    /// Every score query about this topic fails (or works again).
    SetBroken { topic_id: u64, broken: bool },
    /// Where the reputers' stakes are read.
    UseStaking { staking: Addr },
}

/// What the mock answers: the real queries (same JSON), or the test's question.
#[cw_serde]
pub enum SynthesisMockQuery {
    LatestValue {
        topic_id: u64,
    },
    /// Unset epochs are `Pending`; `Scored` ones carry the reputers' stakes.
    EpochScores {
        topic_id: u64,
        nonce: u64,
    },
    /// Every registration change it was told of, oldest first.
    Syncs {},
}

/// One registration change the mock was told of: (topic, role, operator, copy).
pub type SyncRecord = (u64, Role, String, Option<Registration>);

const SYNCS: Item<Vec<SyncRecord>> = Item::new("syncs");
const LATEST: Map<u64, LatestValue> = Map::new("latest");
// Not synthesis's "scores" namespace: reward-distribution's raw read misses and it asks the
// mock's smart query, which answers with the staking mock's stakes.
const SCORES: Map<(u64, u64), MockScores> = Map::new("mock_scores");
const DEFAULT_SCORES: Map<u64, MockScores> = Map::new("default_scores");
const BROKEN: Map<u64, bool> = Map::new("broken");
const STAKING: Item<Addr> = Item::new("staking");

fn execute(deps: DepsMut, env: Env, _: MessageInfo, msg: SynthesisMockExec) -> StdResult<Response> {
    match msg {
        SynthesisMockExec::SyncRegistration {
            topic_id,
            role,
            operator,
            registration,
        } => {
            let mut all = SYNCS.may_load(deps.storage)?.unwrap_or_default();
            all.push((topic_id, role, operator, registration));
            SYNCS.save(deps.storage, &all)?;
        }
        SynthesisMockExec::SetLatest {
            topic_id,
            nonce,
            value,
        } => {
            let error_bars = error_bar_percentiles()
                .iter()
                .map(|p| {
                    Ok(PercentileValue {
                        percentile: Decimal::try_from(*p)
                            .map_err(|e| StdError::generic_err(e.to_string()))?,
                        value,
                    })
                })
                .collect::<StdResult<Vec<_>>>()?;
            let latest = LatestValue {
                topic_id,
                nonce,
                value,
                error_bars,
                path: InferencePath::Full { all_new: false },
                inferers: 5,
                worker_window_end: env.block.height,
                computed_at: env.block.height,
                computed_at_time: env.block.time.seconds(),
            };
            LATEST.save(deps.storage, topic_id, &latest)?;
        }
        SynthesisMockExec::SetScores {
            topic_id,
            nonce: Some(n),
            scores,
        } => SCORES.save(deps.storage, (topic_id, n), &scores)?,
        SynthesisMockExec::SetScores {
            topic_id,
            nonce: None,
            scores,
        } => DEFAULT_SCORES.save(deps.storage, topic_id, &scores)?,
        SynthesisMockExec::SetBroken { topic_id, broken } => {
            BROKEN.save(deps.storage, topic_id, &broken)?
        }
        SynthesisMockExec::UseStaking { staking } => STAKING.save(deps.storage, &staking)?,
    }
    Ok(Response::new())
}

fn epoch_scores(deps: Deps, topic_id: u64, nonce: u64) -> StdResult<EpochScoresResponse> {
    if BROKEN.may_load(deps.storage, topic_id)?.unwrap_or(false) {
        return Err(StdError::generic_err("synthesis is broken for this topic"));
    }
    let mut s = match SCORES.may_load(deps.storage, (topic_id, nonce))? {
        Some(s) => s,
        None => DEFAULT_SCORES
            .may_load(deps.storage, topic_id)?
            .unwrap_or(MockScores {
                topic_id,
                nonce,
                status: ScoresStatus::Pending,
                inferers: vec![],
                forecasters: vec![],
                reputers: vec![],
                forecasting_task_score: SignedDecimal::zero(),
                epsilon: Decimal::zero(),
                rules: Rules::REFERENCE,
            }),
    };
    if s.status != ScoresStatus::Pending || s.topic_id == topic_id {
        s.topic_id = topic_id;
        s.nonce = nonce;
    }
    let scores = if s.status == ScoresStatus::Scored {
        let stakes: ReputerStakesResponse = deps.querier.query_wasm_smart(
            STAKING.load(deps.storage)?,
            &StakingQueryMsg::ReputerStakes {
                topic_id,
                reputers: s.reputers.iter().map(|r| r.operator.to_string()).collect(),
                height: None,
            },
        )?;
        let workers = |xs: &[ActorScore]| {
            xs.iter()
                .map(|a| WorkerScore {
                    worker: a.actor_index,
                    owner: a.owner.clone(),
                    value: a.score,
                })
                .collect()
        };
        Some(EpochScores {
            topic_id: s.topic_id,
            nonce: s.nonce,
            inferers: workers(&s.inferers),
            forecasters: workers(&s.forecasters),
            forecasting_task: s.forecasting_task_score,
            reputers: s
                .reputers
                .iter()
                .zip(stakes.stakes)
                .map(|(a, st)| ReputerScore {
                    reputer: a.actor_index,
                    address: a.operator.clone(),
                    owner: a.owner.clone(),
                    stake: st.total,
                    delegated: st.delegated,
                    score: a.score,
                    listening_coefficient: SignedDecimal::one(),
                })
                .collect(),
            scored_at: 0,
            epsilon: s.epsilon,
            rules: s.rules,
        })
    } else {
        None
    };
    Ok(EpochScoresResponse {
        topic_id: s.topic_id,
        nonce: s.nonce,
        status: s.status,
        scores,
    })
}

fn query(deps: Deps, _: Env, msg: SynthesisMockQuery) -> StdResult<Binary> {
    match msg {
        SynthesisMockQuery::LatestValue { topic_id } => {
            let latest = LATEST.may_load(deps.storage, topic_id)?.ok_or_else(|| {
                StdError::generic_err(format!("topic {topic_id} has no network inference yet"))
            })?;
            to_json_binary(&latest)
        }
        SynthesisMockQuery::EpochScores { topic_id, nonce } => {
            to_json_binary(&epoch_scores(deps, topic_id, nonce)?)
        }
        SynthesisMockQuery::Syncs {} => {
            to_json_binary(&SYNCS.may_load(deps.storage)?.unwrap_or_default())
        }
    }
}

/// The mock's code; instantiate it with `Empty {}`.
pub fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query))
}
