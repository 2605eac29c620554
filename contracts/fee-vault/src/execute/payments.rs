//! Money coming in: topic registration fees, topic funding, pay-per-read and treasury
//! funding. Each arrives either as native coins on the execute message or as a cw20 `Send`
//! whose hook is a `ReceiveMsg`; `contract.rs` turns both into a `Payment` in the vault's
//! denom. Every topic payment is booked as topic fee revenue and added to the treasury.

use cosmwasm_std::{Env, Response, Storage, Uint128};
use nous_types::fee_vault::{Config, TopicInfo};
use nous_types::Payment;

use crate::revenue::book_revenue;
use crate::state::{TOPICS, TREASURY};
use crate::ContractError;

fn load_topic(storage: &dyn Storage, topic_id: u64) -> Result<TopicInfo, ContractError> {
    TOPICS
        .may_load(storage, topic_id)?
        .ok_or(ContractError::TopicNotFound { topic_id })
}

/// Adds `amount` to the treasury and returns the new balance.
fn add_to_treasury(storage: &mut dyn Storage, amount: Uint128) -> Result<Uint128, ContractError> {
    let treasury = TREASURY.load(storage)?.checked_add(amount)?;
    TREASURY.save(storage, &treasury)?;
    Ok(treasury)
}

/// Books a non-zero topic payment: revenue checkpoint of the current epoch and treasury.
fn book_topic_payment(
    storage: &mut dyn Storage,
    config: &Config,
    topic: &TopicInfo,
    height: u64,
    action: &str,
    payment: &Payment,
) -> Result<Response, ContractError> {
    let (epoch, revenue) = book_revenue(
        storage,
        topic,
        config.blocks_per_month,
        height,
        payment.amount,
    )?;
    let treasury = add_to_treasury(storage, payment.amount)?;
    Ok(Response::new()
        .add_attribute("action", action)
        .add_attribute("topic_id", topic.topic_id.to_string())
        .add_attribute("payer", payment.payer.as_str())
        .add_attribute("amount", payment.amount)
        .add_attribute("epoch", epoch.to_string())
        .add_attribute("revenue", revenue)
        .add_attribute("treasury", treasury))
}

/// Registry only. Records the topic and books its creation fee (possibly zero).
pub fn register_topic(
    storage: &mut dyn Storage,
    env: &Env,
    config: &Config,
    payment: Payment,
    topic_id: u64,
    epoch_length: u64,
    start_height: u64,
) -> Result<Response, ContractError> {
    if payment.payer != config.registry {
        return Err(ContractError::NotRegistry {
            registry: config.registry.to_string(),
            sender: payment.payer.to_string(),
        });
    }
    if epoch_length == 0 {
        return Err(ContractError::ZeroEpochLength {});
    }
    if TOPICS.has(storage, topic_id) {
        return Err(ContractError::TopicAlreadyRegistered { topic_id });
    }
    let topic = TopicInfo {
        topic_id,
        epoch_length,
        start_height,
        registered_height: env.block.height,
    };
    TOPICS.save(storage, topic_id, &topic)?;
    let response = if payment.amount.is_zero() {
        Response::new()
            .add_attribute("action", "register_topic")
            .add_attribute("topic_id", topic_id.to_string())
            .add_attribute("payer", payment.payer.as_str())
            .add_attribute("amount", Uint128::zero())
            .add_attribute("revenue", Uint128::zero())
            .add_attribute("treasury", TREASURY.load(storage)?)
    } else {
        book_topic_payment(
            storage,
            config,
            &topic,
            env.block.height,
            "register_topic",
            &payment,
        )?
    };
    Ok(response
        .add_attribute("epoch_length", epoch_length.to_string())
        .add_attribute("start_height", start_height.to_string()))
}

/// Anyone: a non-zero payment into a registered topic.
pub fn fund_topic(
    storage: &mut dyn Storage,
    env: &Env,
    config: &Config,
    payment: Payment,
    topic_id: u64,
) -> Result<Response, ContractError> {
    if payment.amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let topic = load_topic(storage, topic_id)?;
    book_topic_payment(
        storage,
        config,
        &topic,
        env.block.height,
        "fund_topic",
        &payment,
    )
}

/// Anyone (a dApp contract): exactly the read fee for a registered topic. The hot path:
/// no query to another contract; reads config (already loaded), the topic and the newest
/// checkpoint, writes the checkpoint and the treasury.
pub fn pay_for_read(
    storage: &mut dyn Storage,
    env: &Env,
    config: &Config,
    payment: Payment,
    topic_id: u64,
) -> Result<Response, ContractError> {
    let expected = config.read_fee;
    if payment.amount < expected {
        return Err(ContractError::InsufficientFee {
            expected,
            got: payment.amount,
        });
    }
    if payment.amount > expected {
        return Err(ContractError::Overpayment {
            expected,
            got: payment.amount,
        });
    }
    let topic = load_topic(storage, topic_id)?;
    if payment.amount.is_zero() {
        // Free reads: nothing to book, but the read is still recorded as an event.
        return Ok(Response::new()
            .add_attribute("action", "pay_for_read")
            .add_attribute("topic_id", topic_id.to_string())
            .add_attribute("payer", payment.payer.as_str())
            .add_attribute("amount", Uint128::zero()));
    }
    book_topic_payment(
        storage,
        config,
        &topic,
        env.block.height,
        "pay_for_read",
        &payment,
    )
}

/// Anyone: a non-zero payment into the emission treasury, not counted as topic revenue.
pub fn fund_treasury(
    storage: &mut dyn Storage,
    payment: Payment,
) -> Result<Response, ContractError> {
    if payment.amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let treasury = add_to_treasury(storage, payment.amount)?;
    Ok(Response::new()
        .add_attribute("action", "fund_treasury")
        .add_attribute("payer", payment.payer.as_str())
        .add_attribute("amount", payment.amount)
        .add_attribute("treasury", treasury))
}
