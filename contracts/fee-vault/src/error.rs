use cosmwasm_std::{OverflowError, StdError, Uint128};
use cw_ownable::OwnershipError;
use nous_types::migrate::MigrateError;
use nous_types::PaymentError;
use thiserror::Error;

/// Every refusal of the fee-vault. State is untouched when any of these is returned.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error(transparent)]
    Migrate(#[from] MigrateError),

    #[error(transparent)]
    Ownership(#[from] OwnershipError),

    #[error("the amount is too large for the vault's books: {0}")]
    Overflow(#[from] OverflowError),

    #[error("the native denom must not be empty")]
    EmptyDenom {},

    #[error("blocks_per_month must be at least 1")]
    ZeroBlocksPerMonth {},

    #[error("only the topic registry {registry} may register topics, not {sender}")]
    NotRegistry { registry: String, sender: String },

    #[error(
        "only the reward-distribution contract {distributor} may draw emissions, not {sender}"
    )]
    NotRewardDistributor { distributor: String, sender: String },

    #[error("no reward-distribution contract is configured yet, so nothing can be drawn")]
    NoRewardDistributor {},

    #[error("a topic's epoch length must be at least one block")]
    ZeroEpochLength {},

    #[error("topic {topic_id} is already registered in the fee vault")]
    TopicAlreadyRegistered { topic_id: u64 },

    #[error("topic {topic_id} is not registered in the fee vault")]
    TopicNotFound { topic_id: u64 },

    #[error("the amount must be greater than zero")]
    ZeroAmount {},

    #[error("the read fee is {expected} but only {got} was attached")]
    InsufficientFee { expected: Uint128, got: Uint128 },

    #[error("the read fee is {expected} but {got} was attached: attach exactly the fee")]
    Overpayment { expected: Uint128, got: Uint128 },

    #[error("the treasury holds {available}, so {requested} cannot be drawn")]
    InsufficientTreasury {
        requested: Uint128,
        available: Uint128,
    },

    #[error("epoch {epoch} of topic {topic_id} has not started yet (current epoch {current})")]
    EpochNotStarted {
        topic_id: u64,
        epoch: u64,
        current: u64,
    },

    #[error("the vault holds nothing beyond its treasury of {treasury}: nothing to sync")]
    NothingToSync { treasury: Uint128 },

    #[error("the vault holds {balance} but its treasury records {treasury}: refusing to sync")]
    BalanceBelowTreasury { balance: Uint128, treasury: Uint128 },
}
