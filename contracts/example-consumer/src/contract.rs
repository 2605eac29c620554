//! The whole contract: entry points, the paid read (`use_latest_inference`) and queries.

use std::collections::BTreeSet;

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    from_json, to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Order, Response, StdError,
    StdResult,
};
use cw_storage_plus::Bound;
use nous_consumer::{paid_read, read_fee, Payment, ReadPolicy};

use crate::decision::{decide, one_sigma_band};
use crate::msg::{
    Config, ExecuteMsg, InstantiateMsg, LastReadingResponse, MigrateMsg, QueryMsg, Reading,
    ReadingsResponse, ReceiveMsg, DEFAULT_HISTORY_LIMIT, MAX_GUARDS, MAX_HISTORY_LIMIT,
};
use crate::state::{CONFIG, NEXT_SEQ, READINGS};
use crate::ContractError;

pub const CONTRACT_NAME: &str = "crates.io:example-consumer";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Readings per `Readings` page by default, and at most.
const DEFAULT_PAGE: u32 = 10;
const MAX_PAGE: u32 = 100;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    if !info.funds.is_empty() {
        return Err(ContractError::UnexpectedFunds {});
    }
    if msg.guards.is_empty() {
        return Err(ContractError::NoGuards {});
    }
    if msg.guards.len() > MAX_GUARDS as usize {
        return Err(ContractError::TooManyGuards { max: MAX_GUARDS });
    }
    let mut seen = BTreeSet::new();
    if let Some(g) = msg.guards.iter().find(|g| !seen.insert(g.topic_id)) {
        return Err(ContractError::DuplicateGuard {
            topic_id: g.topic_id,
        });
    }
    let history_limit = msg.history_limit.unwrap_or(DEFAULT_HISTORY_LIMIT);
    if history_limit == 0 || history_limit > MAX_HISTORY_LIMIT {
        return Err(ContractError::InvalidHistoryLimit {
            limit: history_limit,
            max: MAX_HISTORY_LIMIT,
        });
    }
    let config = Config {
        fee_vault: deps.api.addr_validate(&msg.fee_vault)?,
        synthesis: deps.api.addr_validate(&msg.synthesis)?,
        guards: msg.guards,
        max_age: msg.max_age,
        history_limit,
    };
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    CONFIG.save(deps.storage, &config)?;
    let topic_ids: Vec<String> = config
        .guards
        .iter()
        .map(|g| g.topic_id.to_string())
        .collect();
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("fee_vault", config.fee_vault.as_str())
        .add_attribute("synthesis", config.synthesis.as_str())
        .add_attribute("topic_ids", topic_ids.join(","))
        .add_attribute("max_age", config.max_age.to_string())
        .add_attribute("history_limit", config.history_limit.to_string()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        // Anyone, attaching exactly the read fee (nothing when it is zero).
        ExecuteMsg::UseLatestInference { topic_id, max_age } => {
            use_latest_inference(deps, env, Payment::Native(&info), topic_id, max_age)
        }
        // A cw20 `Send` of exactly the read fee; its `sender` is the payer.
        ExecuteMsg::Receive(receive) => match from_json(&receive.msg)? {
            ReceiveMsg::UseLatestInference { topic_id, max_age } => {
                use_latest_inference(deps, env, Payment::Cw20(&info, &receive), topic_id, max_age)
            }
        },
    }
}

/// Pays for the latest inference of a guarded topic, decides, stores the reading.
fn use_latest_inference(
    deps: DepsMut,
    env: Env,
    payment: Payment,
    topic_id: u64,
    max_age: Option<u64>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let guard = config
        .guard(topic_id)
        .ok_or(ContractError::TopicNotGuarded { topic_id })?;
    // A caller may ask for fresher data than the contract's maximum, never older.
    let max_age = match max_age {
        Some(requested) if requested > config.max_age => {
            return Err(ContractError::MaxAgeTooLoose {
                requested,
                allowed: config.max_age,
            })
        }
        requested => requested.unwrap_or(config.max_age),
    };
    // This example accepts every path and one inferer, as it always has (so it also works
    // on a young topic); a dApp acting on money should keep `ReadPolicy::new`'s full path
    // and three inferers, and set a limit in seconds.
    let policy = ReadPolicy::new(max_age, u64::MAX)
        .allowing_any_path()
        .with_min_inferers(1);
    // Fee, exact payment, latest value, policy: any refusal reverts the transaction here.
    let (paid, pay) = paid_read(
        deps.as_ref(),
        &env,
        &config.nous(),
        payment,
        topic_id,
        &policy,
    )?;
    let latest = paid.latest;
    let band = one_sigma_band(&latest);
    let decision = decide(band, guard.threshold);

    // Store the reading (bounded history), before the payment message runs.
    let seq = NEXT_SEQ.may_load(deps.storage, topic_id)?.unwrap_or(0);
    let next = seq
        .checked_add(1)
        .ok_or_else(|| StdError::generic_err("reading sequence overflow"))?;
    let reading = Reading {
        topic_id,
        seq,
        nonce: latest.nonce,
        value: latest.value,
        band_low: band.0,
        band_high: band.1,
        error_bars: latest.error_bars,
        threshold: guard.threshold,
        decision,
        computed_at: latest.computed_at,
        age: paid.age_blocks,
        read_at: env.block.height,
        payer: paid.payer,
        fee: paid.fee,
    };
    READINGS.save(deps.storage, (topic_id, seq), &reading)?;
    NEXT_SEQ.save(deps.storage, topic_id, &next)?;
    if let Some(old) = seq.checked_sub(u64::from(config.history_limit)) {
        READINGS.remove(deps.storage, (topic_id, old));
    }

    Ok(Response::new()
        .add_message(pay)
        .add_attribute("action", "use_latest_inference")
        .add_attribute("topic_id", topic_id.to_string())
        .add_attribute("nonce", reading.nonce.to_string())
        .add_attribute("seq", seq.to_string())
        .add_attribute("value", reading.value.to_string())
        .add_attribute("band_low", reading.band_low.to_string())
        .add_attribute("band_high", reading.band_high.to_string())
        .add_attribute("threshold", reading.threshold.to_string())
        .add_attribute("decision", decision.as_str())
        .add_attribute("age", reading.age.to_string())
        .add_attribute("max_age", max_age.to_string())
        .add_attribute("payer", reading.payer.as_str())
        .add_attribute("amount", reading.fee)
        .add_attribute("denom", paid.denom.label()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
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

/// Same contract, no downgrade (cw2's rule).
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let from = cw2::ensure_from_older_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)
        .map_err(|e| ContractError::MigrationRefused {
            reason: e.to_string(),
        })?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from.to_string())
        .add_attribute("to_version", CONTRACT_VERSION))
}
