//! Queries of the readings.

use cosmwasm_std::{Deps, Order, StdResult};
use cw_storage_plus::Bound;
use nous_types::pagination::page_size;

use crate::msg::{LastReadingResponse, ReadingsResponse};
use crate::state::{NEXT_SEQ, READINGS};

pub fn last_reading(deps: Deps, topic_id: u64) -> StdResult<LastReadingResponse> {
    let reading = match NEXT_SEQ.may_load(deps.storage, topic_id)? {
        Some(next) => match next.checked_sub(1) {
            Some(seq) => READINGS.may_load(deps.storage, (topic_id, seq))?,
            None => None,
        },
        None => None,
    };
    Ok(LastReadingResponse { reading })
}

pub fn readings(
    deps: Deps,
    topic_id: u64,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<ReadingsResponse> {
    let readings = READINGS
        .prefix(topic_id)
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(page_size(limit))
        .map(|item| item.map(|(_, r)| r))
        .collect::<StdResult<Vec<_>>>()?;
    Ok(ReadingsResponse { readings })
}
