use cosmwasm_std::{StdError, Uint128};
use nous_types::migrate::MigrateError;
use nous_types::PaymentError;
use thiserror::Error;

/// Every refusal of the example consumer. When any of these is returned the whole
/// transaction is reverted: no reading is stored and no fee reaches the vault.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error(transparent)]
    Migrate(#[from] MigrateError),

    #[error("give at least one guard (a topic and its threshold)")]
    NoGuards {},

    #[error("at most {max} guards may be configured")]
    TooManyGuards { max: u32 },

    #[error("topic {topic_id} is guarded twice: give each topic one threshold")]
    DuplicateGuard { topic_id: u64 },

    #[error("history_limit must be between 1 and {max}, got {limit}")]
    InvalidHistoryLimit { limit: u32, max: u32 },

    #[error("topic {topic_id} is not guarded by this contract")]
    TopicNotGuarded { topic_id: u64 },

    #[error("max_age {requested} is looser than this contract allows ({allowed} blocks)")]
    MaxAgeTooLoose { requested: u64, allowed: u64 },

    #[error("the fee vault did not give the read fee of topic {topic_id}: {reason}")]
    ReadFeeUnavailable { topic_id: u64, reason: String },

    #[error(
        "no network inference of topic {topic_id} at most {max_age} blocks old is available, \
         so nothing was paid: {reason}"
    )]
    InferenceUnavailable {
        topic_id: u64,
        max_age: u64,
        reason: String,
    },

    #[error(
        "the network inference of topic {topic_id} (nonce {nonce}) is {age} blocks old, \
         more than the maximum {max_age}"
    )]
    StaleInference {
        topic_id: u64,
        nonce: u64,
        age: u64,
        max_age: u64,
    },

    #[error("the synthesis contract answered for topic {got} instead of topic {expected}")]
    WrongTopicAnswer { expected: u64, got: u64 },

    #[error("the read fee is {expected} but only {got} was paid")]
    InsufficientFee { expected: Uint128, got: Uint128 },

    #[error("the read fee is {expected} but {got} was paid: pay exactly the fee")]
    Overpayment { expected: Uint128, got: Uint128 },
}
