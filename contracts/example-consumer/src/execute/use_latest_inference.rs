//! `UseLatestInference`: the paid read. `nous_consumer::paid_read` pays the vault's fee
//! with the caller's exact payment and returns synthesis' latest value if fresh enough;
//! `crate::decision` decides; the reading is stored.

use cosmwasm_std::{DepsMut, Env, Response, StdError};
use nous_consumer::{paid_read, Payment, ReadPolicy};

use crate::decision::{decide, one_sigma_band};
use crate::msg::Reading;
use crate::state::{CONFIG, NEXT_SEQ, READINGS};
use crate::ContractError;

/// Pays for the latest inference of a guarded topic, decides, stores the reading.
pub fn use_latest_inference(
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
