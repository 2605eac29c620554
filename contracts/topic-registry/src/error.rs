use cosmwasm_std::{StdError, Uint128};
use nous_types::migrate::MigrateError;
use nous_types::params::ParamError;
use nous_types::PaymentError;
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error(transparent)]
    Migrate(#[from] MigrateError),

    #[error(transparent)]
    Ownership(#[from] cw_ownable::OwnershipError),

    /// A global or topic parameter outside its bound (`nous_types::params`).
    #[error(transparent)]
    Param(#[from] ParamError),

    // ---- configuration -------------------------------------------------------------
    #[error("invalid denom {denom}: a native denom must be 3 to 128 characters of letters, digits and /:._-, starting with a letter")]
    InvalidDenom { denom: String },

    #[error("no fee vault is configured yet: the admin must set one with UpdateConfig before fees can be forwarded")]
    FeeVaultNotSet {},

    #[error("nothing to update: the message changes nothing")]
    NothingToUpdate {},

    #[error("the synthesis contract is already set to {synthesis}; it can be set only once")]
    SynthesisAlreadySet { synthesis: String },

    #[error("too many whitelist changes in one message: at most {max}, got {got}")]
    TooManyWhitelistChanges { max: u32, got: u64 },

    #[error(
        "token_decimals is fixed at instantiate: it is {decimals}, the new parameters say {got}"
    )]
    TokenDecimalsFixed { decimals: u8, got: u8 },

    // ---- fees ----------------------------------------------------------------------
    #[error("insufficient fee: expected exactly {expected}, got {got}")]
    InsufficientFee { expected: Uint128, got: Uint128 },

    #[error("fee overpaid: expected exactly {expected}, got {got}; send the exact fee (see the CreateTopicFee / RegistrationFee queries)")]
    ExcessFee { expected: Uint128, got: Uint128 },

    // ---- topics --------------------------------------------------------------------
    #[error("topic {topic_id} does not exist")]
    TopicNotFound { topic_id: u64 },

    #[error("no more topic ids are available")]
    TopicIdsExhausted {},

    #[error("only the creator of topic {topic_id} may update it")]
    NotTopicCreator { topic_id: u64 },

    #[error("topic {topic_id}: epoch_length, worker_submission_window, ground_truth_lag and reveal_window cannot change after creation (epoch numbering and in-flight windows depend on them)")]
    TimingFieldsImmutable { topic_id: u64 },

    #[error("a payload fee needs a native-token deployment: workers pay it with the payload, and this suite's token is the cw20 {token}")]
    PayloadFeeNeedsNativeToken { token: String },

    #[error("topic {topic_id} cannot be updated while the worker window of epoch {epoch} (or its reveal window) is open (it closes at block {window_end})")]
    WorkerWindowOpen {
        topic_id: u64,
        epoch: u64,
        window_end: u64,
    },

    #[error(
        "block height {height} is beyond what the epoch clock of topic {topic_id} can represent"
    )]
    HeightOutOfRange { topic_id: u64, height: u64 },

    // ---- registration --------------------------------------------------------------
    #[error("{address} is not on the {list} whitelist")]
    NotWhitelisted { list: String, address: String },

    #[error("{operator} is already registered as {role} in topic {topic_id}")]
    AlreadyRegistered {
        topic_id: u64,
        role: String,
        operator: String,
    },

    #[error("{operator} is not registered as {role} in topic {topic_id}")]
    NotRegistered {
        topic_id: u64,
        role: String,
        operator: String,
    },

    #[error("topic {topic_id} has no more actor indices available")]
    ActorIndicesExhausted { topic_id: u64 },

    #[error("only the operator or the owner of this registration may unregister it")]
    NotOperatorOrOwner {},

    #[error("only the owner of this registration may do this")]
    NotRegistrationOwner {},

    #[error("only the proposed new owner may accept this registration's ownership")]
    NotPendingOwner {},

    #[error("this registration has no pending ownership transfer")]
    NoPendingOwner {},

    #[error("{operator} was registered as {role} in topic {topic_id} with owner {former_owner}: it may register again only with that owner until the owner consents with ReleaseRegistrationOwner (requested owner {requested})")]
    OwnerConsentRequired {
        topic_id: u64,
        role: String,
        operator: String,
        former_owner: String,
        requested: String,
    },

    #[error("{operator} has no former owner to release as {role} in topic {topic_id} (it is registered, was never registered, was its own owner, or was released already)")]
    NoFormerOwner {
        topic_id: u64,
        role: String,
        operator: String,
    },

    #[error("only the former owner {former_owner} may release this operator")]
    NotFormerOwner { former_owner: String },
}
