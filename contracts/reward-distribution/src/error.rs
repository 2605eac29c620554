use cosmwasm_std::{Decimal, OverflowError, StdError};
use nous_types::migrate::MigrateError;
use nous_types::PaymentError;
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error(transparent)]
    Migrate(#[from] MigrateError),

    #[error(transparent)]
    Ownership(#[from] cw_ownable::OwnershipError),

    // ---- configuration -------------------------------------------------------------
    #[error("configuration field {field} is invalid: {reason}")]
    InvalidConfig { field: String, reason: String },

    #[error("nothing to update: the message changes nothing")]
    NothingToUpdate {},

    #[error("limit must be between 1 and {max}, got {got}")]
    InvalidLimit { max: u32, got: u32 },

    // ---- topics --------------------------------------------------------------------
    #[error("topic {topic_id} does not exist in the topic registry")]
    TopicNotFound { topic_id: u64 },

    #[error("topic {topic_id} is already active")]
    TopicAlreadyActive { topic_id: u64 },

    #[error("topic {topic_id} is not active: activate it with ActivateTopic once its weight reaches the minimum")]
    TopicNotActive { topic_id: u64 },

    #[error("topic {topic_id} has weight {weight}, below the minimum {minimum}: fund it or stake in it first")]
    WeightBelowMinimum {
        topic_id: u64,
        weight: Decimal,
        minimum: Decimal,
    },

    // ---- settlement ----------------------------------------------------------------
    #[error("nothing to settle: no active topic has a closed epoch whose scores are ready")]
    NothingToSettle {},

    #[error("maths refused the input ({context}): {error}")]
    Math { context: String, error: String },

    // ---- claims --------------------------------------------------------------------
    #[error("{address} has nothing to claim")]
    NothingToClaim { address: String },

    // ---- parked payouts ------------------------------------------------------------
    #[error("no payout is parked: nothing to retry")]
    NothingParked {},

    #[error("no parked payout has id {id}")]
    ParkedNotFound { id: u64 },

    #[error("reply {id} is not one this contract asked for")]
    UnknownReply { id: u64 },
}

impl ContractError {
    /// Wraps a maths error with where it happened.
    pub fn math(context: &str, error: nous_math::MathError) -> Self {
        ContractError::Math {
            context: context.to_string(),
            error: error.to_string(),
        }
    }
}
