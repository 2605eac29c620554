//! Queries.

use cosmwasm_std::{to_json_binary, Binary, Deps, Env, Order, StdResult};
use cw_storage_plus::Bound;
use nous_consumer::read_fee;

use crate::msg::{LastReadingResponse, QueryMsg, ReadingsResponse};
use crate::state::{CONFIG, NEXT_SEQ, READINGS};
use crate::ContractError;

/// Readings per `Readings` page by default, and at most.
const DEFAULT_PAGE: u32 = 10;
const MAX_PAGE: u32 = 100;

pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?)?,
        // The vault's answer, so a frontend asks one contract what to attach.
        QueryMsg::ReadFee { topic_id } => {
            let nous = CONFIG.load(deps.storage)?.nous();
            to_json_binary(&read_fee(&deps.querier, &nous, topic_id)?)?
        }
        QueryMsg::LastReading { topic_id } => {
            let last = NEXT_SEQ
                .may_load(deps.storage, topic_id)?
                .and_then(|next| next.checked_sub(1));
            let reading = match last {
                Some(seq) => READINGS.may_load(deps.storage, (topic_id, seq))?,
                None => None,
            };
            to_json_binary(&LastReadingResponse { reading })?
        }
        QueryMsg::Readings {
            topic_id,
            start_after,
            limit,
        } => {
            let page = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE) as usize;
            let readings = READINGS
                .prefix(topic_id)
                .range(
                    deps.storage,
                    start_after.map(Bound::exclusive),
                    None,
                    Order::Ascending,
                )
                .take(page)
                .map(|item| item.map(|(_, r)| r))
                .collect::<StdResult<Vec<_>>>()?;
            to_json_binary(&ReadingsResponse { readings })?
        }
    })
}
