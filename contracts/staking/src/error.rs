use cosmwasm_std::{Addr, OverflowError, StdError, Uint128};
use nous_types::migrate::MigrateError;
use nous_types::PaymentError;
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Payment(#[from] PaymentError),

    #[error("{0}")]
    Migrate(#[from] MigrateError),

    #[error("{0}")]
    Ownership(#[from] cw_ownable::OwnershipError),

    #[error("arithmetic overflow: {0}")]
    Overflow(#[from] OverflowError),

    #[error("max_removals_per_call must be at least 1")]
    ZeroRemovalCap {},

    #[error("unbonding_blocks must be at least 1")]
    ZeroUnbondingDelay {},

    #[error("{address} is not a registered reputer of topic {topic_id}")]
    NotRegisteredReputer { topic_id: u64, address: Addr },

    #[error("self-stake would be {resulting}, below the minimum stake of {required}")]
    BelowMinimumStake {
        required: Uint128,
        resulting: Uint128,
    },

    #[error("a reputer cannot delegate to itself: add self-stake instead")]
    SelfDelegation {},

    #[error("the amount must be greater than zero")]
    ZeroAmount {},

    #[error("cannot remove {requested}: only {available} is staked")]
    InsufficientStake {
        available: Uint128,
        requested: Uint128,
    },

    #[error("there is no delegation to {reputer} in topic {topic_id}")]
    NoDelegation { topic_id: u64, reputer: Addr },

    #[error("a removal of {requested} is below the minimum removal of {minimum} (remove everything or more)")]
    RemovalBelowMinimum {
        minimum: Uint128,
        requested: Uint128,
    },

    #[error("the remaining self-stake {remaining} would be below the minimum stake of {required}: leave 0 or at least the minimum")]
    RemainingStakeBelowMinimum {
        required: Uint128,
        remaining: Uint128,
    },

    #[error("a removal is already pending here (due at height {due_height}): cancel it first")]
    RemovalAlreadyPending { due_height: u64 },

    #[error("there is no pending removal to cancel or withdraw")]
    NoPendingRemoval {},

    #[error("the removal is due at height {due_height}, it is now height {height}")]
    RemovalNotDue { due_height: u64, height: u64 },

    #[error("limit must be at least 1")]
    ZeroLimit {},

    #[error("no reward distributor is configured yet")]
    RewardDistributorNotSet {},

    #[error("{sender} is not the reward distributor")]
    NotRewardDistributor { sender: Addr },

    #[error("the rewards add up to {expected} but {received} was paid")]
    RewardFundsMismatch {
        expected: Uint128,
        received: Uint128,
    },

    #[error("there are no rewards to claim")]
    NothingToClaim {},

    #[error("min_delegation must be at least 1 and at least min_removal ({min_removal}), got {min_delegation}")]
    InvalidMinimumDelegation {
        min_delegation: Uint128,
        min_removal: Uint128,
    },

    #[error("a delegation of {amount} is below the minimum delegation of {minimum}")]
    BelowMinimumDelegation { minimum: Uint128, amount: Uint128 },

    #[error("the remaining delegation {remaining} would be below the minimum delegation of {minimum}: undelegate everything or leave at least the minimum")]
    RemainingDelegationBelowMinimum {
        minimum: Uint128,
        remaining: Uint128,
    },

    #[error("this delegation has {pending} changes waiting for the topic's next reward deposit (at most {max}, one kept for a whole-position undelegation): undelegate the whole position, or wait for the next deposit")]
    TooManyPendingChanges { pending: u32, max: u32 },

    #[error("a deposit for snapshot height {snapshot_height} is in the future: the current height is {height}")]
    SnapshotInFuture { snapshot_height: u64, height: u64 },

    #[error("topic {topic_id} was already paid for snapshot height {last}: a deposit for the earlier snapshot {snapshot_height} cannot be credited exactly any more")]
    DepositOutOfOrder {
        topic_id: u64,
        last: u64,
        snapshot_height: u64,
    },

    #[error("the deposit says {claimed} was delegated to {reputer} at snapshot height {snapshot_height}, but the snapshot holds {actual}")]
    SnapshotMismatch {
        reputer: Addr,
        snapshot_height: u64,
        claimed: Uint128,
        actual: Uint128,
    },

    #[error("nothing was delegated to {reputer} at snapshot height {snapshot_height}: there is nobody to pay {amount} to")]
    NoDelegationsAtSnapshot {
        reputer: Addr,
        snapshot_height: u64,
        amount: Uint128,
    },
}
