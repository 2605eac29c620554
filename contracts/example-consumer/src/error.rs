use cosmwasm_std::StdError;
use nous_consumer::ConsumerError;
use thiserror::Error;

/// Every refusal of the example consumer. When any of these is returned the whole
/// transaction is reverted: no reading is stored and no fee reaches the vault.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    /// The read fee, the payment or the reading was refused (`nous_consumer::paid_read`).
    #[error(transparent)]
    Consumer(#[from] ConsumerError),

    #[error("this message accepts no funds")]
    UnexpectedFunds {},

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

    #[error("migration refused: {reason}")]
    MigrationRefused { reason: String },
}
