//! `ConsumerError`: every refusal of `paid_read`. It implements `std::error::Error`, so a
//! contract's own error enum wraps it (`#[error(transparent)] Consumer(#[from] ConsumerError)`
//! with thiserror). Any of them fails the consumer's transaction: nothing is paid.

use std::fmt;

use cosmwasm_std::{StdError, Uint128};

use crate::msg::InferencePath;

#[derive(Debug, PartialEq)]
pub enum ConsumerError {
    /// Building a message failed.
    Std(StdError),
    /// The fee-vault did not answer `ReadFee` (e.g. the topic is not registered there).
    ReadFeeUnavailable { topic_id: u64, reason: String },
    /// Synthesis did not answer `LatestValue` (e.g. no network inference yet).
    InferenceUnavailable { topic_id: u64, reason: String },
    /// Synthesis answered about another topic.
    WrongTopicAnswer { expected: u64, got: u64 },
    /// More blocks old than the policy accepts.
    StaleReading {
        topic_id: u64,
        nonce: u64,
        age_blocks: u64,
        max_age_blocks: u64,
    },
    /// More seconds old than the policy accepts.
    StaleReadingSeconds {
        topic_id: u64,
        nonce: u64,
        age_seconds: u64,
        max_age_seconds: u64,
    },
    /// Computed on the single-worker or no-loss-yet path, and the policy requires the full one.
    PathNotFull {
        topic_id: u64,
        nonce: u64,
        path: InferencePath,
    },
    /// Combines fewer inferers than the policy requires.
    TooFewInferers {
        topic_id: u64,
        nonce: u64,
        inferers: u32,
        min_inferers: u32,
    },
    /// Less than the read fee was paid.
    InsufficientFee { expected: Uint128, got: Uint128 },
    /// More than the read fee was paid (it would stay in the consumer for nobody).
    Overpayment { expected: Uint128, got: Uint128 },
    /// Native coins of another denom.
    WrongDenom { expected: String, got: String },
    /// More than one coin attached.
    MultipleDenoms { expected: String },
    /// Nothing attached, but the fee is not zero.
    NoFunds { expected: String },
    /// Native coins on a cw20 deployment (pay with the token's `Send`).
    UseCw20Send { token: String },
    /// A cw20 payment on a native deployment (attach the coins instead).
    UseNativeFunds { denom: String },
    /// A cw20 hook from a token that is not the suite's.
    WrongCw20Token { expected: String, got: String },
    /// Native coins attached to a cw20 hook.
    UnexpectedFunds {},
}

impl fmt::Display for ConsumerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsumerError::Std(e) => write!(f, "{e}"),
            ConsumerError::ReadFeeUnavailable { topic_id, reason } => write!(
                f,
                "the fee vault did not give the read fee of topic {topic_id}: {reason}"
            ),
            ConsumerError::InferenceUnavailable { topic_id, reason } => write!(
                f,
                "no network inference of topic {topic_id} could be read, so nothing was paid: {reason}"
            ),
            ConsumerError::WrongTopicAnswer { expected, got } => write!(
                f,
                "the synthesis contract answered for topic {got} instead of topic {expected}"
            ),
            ConsumerError::StaleReading {
                topic_id,
                nonce,
                age_blocks,
                max_age_blocks,
            } => write!(
                f,
                "the latest network inference of topic {topic_id} (nonce {nonce}) is {age_blocks} \
                 blocks old, more than the maximum {max_age_blocks}, so nothing was paid"
            ),
            ConsumerError::StaleReadingSeconds {
                topic_id,
                nonce,
                age_seconds,
                max_age_seconds,
            } => write!(
                f,
                "the latest network inference of topic {topic_id} (nonce {nonce}) is {age_seconds} \
                 seconds old, more than the maximum {max_age_seconds}, so nothing was paid"
            ),
            ConsumerError::PathNotFull {
                topic_id,
                nonce,
                path,
            } => write!(
                f,
                "the latest network inference of topic {topic_id} (nonce {nonce}) was computed on \
                 the {} path, and this reader requires the full path, so nothing was paid",
                path.as_str()
            ),
            ConsumerError::TooFewInferers {
                topic_id,
                nonce,
                inferers,
                min_inferers,
            } => write!(
                f,
                "the latest network inference of topic {topic_id} (nonce {nonce}) combines \
                 {inferers} inferers, fewer than the {min_inferers} this reader requires, so \
                 nothing was paid"
            ),
            ConsumerError::InsufficientFee { expected, got } => {
                write!(f, "the read fee is {expected} but only {got} was paid")
            }
            ConsumerError::Overpayment { expected, got } => write!(
                f,
                "the read fee is {expected} but {got} was paid: pay exactly the fee"
            ),
            ConsumerError::WrongDenom { expected, got } => {
                write!(f, "wrong denomination: expected {expected}, got {got}")
            }
            ConsumerError::MultipleDenoms { expected } => {
                write!(f, "send exactly one coin of {expected}")
            }
            ConsumerError::NoFunds { expected } => {
                write!(f, "no funds sent: expected {expected}")
            }
            ConsumerError::UseCw20Send { token } => write!(
                f,
                "this deployment uses the cw20 token {token}: pay with cw20 Send"
            ),
            ConsumerError::UseNativeFunds { denom } => write!(
                f,
                "this deployment uses the native denom {denom}: attach the coins instead"
            ),
            ConsumerError::WrongCw20Token { expected, got } => write!(
                f,
                "cw20 hook from {got}, but the accepted token is {expected}"
            ),
            ConsumerError::UnexpectedFunds {} => {
                write!(f, "a cw20 payment accepts no native coins alongside")
            }
        }
    }
}

impl std::error::Error for ConsumerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConsumerError::Std(e) => Some(e),
            _ => None,
        }
    }
}

impl From<StdError> for ConsumerError {
    fn from(e: StdError) -> Self {
        ConsumerError::Std(e)
    }
}
