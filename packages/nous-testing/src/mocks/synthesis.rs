//! A synthesis that records the registration changes the registry pushes to it
//! (`SyncRegistration`) and answers `LatestValue` with an inference the test sets.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    to_json_binary, Binary, Decimal, Deps, DepsMut, Empty, Env, MessageInfo, Response,
    SignedDecimal, StdError, StdResult,
};
use cw_multi_test::{Contract, ContractWrapper};
use cw_storage_plus::{Item, Map};
use nous_math::inference::error_bar_percentiles;
use nous_types::synthesis::{InferencePath, LatestValue, PercentileValue};
use nous_types::topic_registry::{Registration, Role};

use super::instantiate;

/// What the mock is sent: the registry's real message, or the test's setter.
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
}

/// What the mock answers: the real compact read, or the test's question.
#[cw_serde]
pub enum SynthesisMockQuery {
    LatestValue {
        topic_id: u64,
    },
    /// Every registration change it was told of, oldest first.
    Syncs {},
}

/// One registration change the mock was told of: (topic, role, operator, copy).
pub type SyncRecord = (u64, Role, String, Option<Registration>);

const SYNCS: Item<Vec<SyncRecord>> = Item::new("syncs");
const LATEST: Map<u64, LatestValue> = Map::new("latest");

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
    }
    Ok(Response::new())
}

fn query(deps: Deps, _: Env, msg: SynthesisMockQuery) -> StdResult<Binary> {
    match msg {
        SynthesisMockQuery::LatestValue { topic_id } => {
            let latest = LATEST.may_load(deps.storage, topic_id)?.ok_or_else(|| {
                StdError::generic_err(format!("topic {topic_id} has no network inference yet"))
            })?;
            to_json_binary(&latest)
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
