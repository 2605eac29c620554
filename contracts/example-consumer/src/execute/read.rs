//! The pattern this example exists to show: pay the read fee and use the latest network
//! inference in one transaction.
//!
//! Order inside the call: the fee is asked from the vault, the caller's payment is checked
//! against it, the inference is queried (stale or missing: the call fails here, before any
//! state change or payment), the reading is stored, and the fee is forwarded to the
//! vault's `PayForRead` as a message of this same transaction. If the vault refuses the
//! payment, the whole transaction reverts, the stored reading included: a reading exists
//! if and only if it was paid for.

use cosmwasm_std::{Deps, DepsMut, Env, MessageInfo, Response, StdError};
use nous_types::fee_vault::{FeeVaultContract, QueryMsg as FeeVaultQuery, ReadFeeResponse};
use nous_types::funds::{denom_label, must_pay, native_payment};
use nous_types::synthesis::SynthesisContract;
use nous_types::Payment;

use crate::decision::{decide, one_sigma_band};
use crate::msg::{Config, Reading};
use crate::state::{NEXT_SEQ, READINGS};
use crate::ContractError;

/// The vault's read fee (amount and denom) for `topic_id`.
pub fn read_fee(
    deps: Deps,
    config: &Config,
    topic_id: u64,
) -> Result<ReadFeeResponse, ContractError> {
    deps.querier
        .query_wasm_smart(&config.fee_vault, &FeeVaultQuery::ReadFee { topic_id })
        .map_err(|e| ContractError::ReadFeeUnavailable {
            topic_id,
            reason: e.to_string(),
        })
}

/// The native payment attached to `UseLatestInference`: one coin of the vault's denom, or
/// nothing when the fee is zero. On a cw20 deployment a non-zero fee must come through
/// cw20 `Send` (`PaymentError::UseCw20Send`).
pub fn native_fee_payment(
    info: &MessageInfo,
    fee: &ReadFeeResponse,
) -> Result<Payment, ContractError> {
    let amount = if fee.amount.is_zero() {
        native_payment(info, &fee.denom)?
    } else {
        must_pay(info, &fee.denom)?.amount
    };
    Ok(Payment {
        payer: info.sender.clone(),
        amount,
    })
}

/// `requested` if given and not looser than the configured maximum.
pub fn effective_max_age(config: &Config, requested: Option<u64>) -> Result<u64, ContractError> {
    match requested {
        None => Ok(config.max_age),
        Some(r) if r <= config.max_age => Ok(r),
        Some(r) => Err(ContractError::MaxAgeTooLoose {
            requested: r,
            allowed: config.max_age,
        }),
    }
}

/// Refuses a topic this contract doesn't guard, before any query is paid for in gas.
pub fn check_guarded(config: &Config, topic_id: u64) -> Result<(), ContractError> {
    match config.guard(topic_id) {
        Some(_) => Ok(()),
        None => Err(ContractError::TopicNotGuarded { topic_id }),
    }
}

/// Pays `fee` (already matched by `payment`'s denom) and uses the latest inference.
pub fn use_latest_inference(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    fee: ReadFeeResponse,
    payment: Payment,
    topic_id: u64,
    max_age: Option<u64>,
) -> Result<Response, ContractError> {
    let guard = config
        .guard(topic_id)
        .ok_or(ContractError::TopicNotGuarded { topic_id })?;
    // Exactly the fee: less would make the vault refuse, more would be kept here for nobody.
    if payment.amount < fee.amount {
        return Err(ContractError::InsufficientFee {
            expected: fee.amount,
            got: payment.amount,
        });
    }
    if payment.amount > fee.amount {
        return Err(ContractError::Overpayment {
            expected: fee.amount,
            got: payment.amount,
        });
    }
    let max_age = effective_max_age(config, max_age)?;

    // Synthesis applies `max_age` itself (its `StaleInference` / `NoInferenceYet` errors);
    // any refusal stops the transaction here, before anything is stored or paid.
    let answer = SynthesisContract(config.synthesis.clone())
        .latest_network_inference(&deps.querier, topic_id, Some(max_age))
        .map_err(|e| ContractError::InferenceUnavailable {
            topic_id,
            max_age,
            reason: e.to_string(),
        })?;
    let inference = answer.inference;
    // Belt and braces: a consumer should not trust more than it has to.
    if inference.topic_id != topic_id {
        return Err(ContractError::WrongTopicAnswer {
            expected: topic_id,
            got: inference.topic_id,
        });
    }
    if answer.age > max_age {
        return Err(ContractError::StaleInference {
            topic_id,
            nonce: inference.nonce,
            age: answer.age,
            max_age,
        });
    }

    // Use the value.
    let band = one_sigma_band(&inference);
    let decision = decide(band, guard.threshold);

    // Store it (bounded history), before the payment message.
    let seq = NEXT_SEQ.may_load(deps.storage, topic_id)?.unwrap_or(0);
    let next = seq
        .checked_add(1)
        .ok_or_else(|| StdError::generic_err("reading sequence overflow"))?;
    let reading = Reading {
        topic_id,
        seq,
        nonce: inference.nonce,
        value: inference.combined,
        band_low: band.0,
        band_high: band.1,
        error_bars: inference.error_bars,
        threshold: guard.threshold,
        decision,
        computed_at: inference.computed_at,
        age: answer.age,
        read_at: env.block.height,
        payer: payment.payer,
        fee: fee.amount,
    };
    READINGS.save(deps.storage, (topic_id, seq), &reading)?;
    NEXT_SEQ.save(deps.storage, topic_id, &next)?;
    if let Some(old) = seq.checked_sub(u64::from(config.history_limit)) {
        READINGS.remove(deps.storage, (topic_id, old));
    }

    // Forward the fee: native coins on `PayForRead`, or a cw20 `Send` with the
    // `PayForRead` hook; a zero fee calls `PayForRead` with nothing attached.
    let pay = FeeVaultContract(config.fee_vault.clone())
        .pay_for_read_msg(&fee.denom, fee.amount, topic_id)?;

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
        .add_attribute("amount", fee.amount)
        .add_attribute("denom", denom_label(&fee.denom)))
}
