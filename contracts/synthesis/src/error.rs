use cosmwasm_std::{StdError, Uint128};
use nous_math::MathError;
use thiserror::Error;

/// Every refusal of the synthesis contract. A refused message changes nothing.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Payment(#[from] nous_types::PaymentError),

    #[error(transparent)]
    Migrate(#[from] nous_types::migrate::MigrateError),

    #[error(transparent)]
    Ownership(#[from] cw_ownable::OwnershipError),

    #[error("maths refused the input: {0}")]
    Math(#[from] MathError),

    #[error("topic {topic_id} is unknown to the topic registry: {reason}")]
    UnknownTopic { topic_id: u64, reason: String },

    #[error("topic {topic_id} has not been used by synthesis yet")]
    TopicNotSeen { topic_id: u64 },

    #[error("only the topic registry may send registration changes")]
    NotTopicRegistry {},

    #[error("the registration sent does not match the topic, role and operator it is filed under")]
    RegistrationMismatch {},

    #[error("{address} is not registered as a {role} in topic {topic_id}")]
    NotRegistered {
        topic_id: u64,
        role: String,
        address: String,
    },

    #[error("nonce {nonce} of topic {topic_id} has no window representable in block heights")]
    NonceOutOfRange { topic_id: u64, nonce: u64 },

    #[error("the worker window of nonce {nonce} (topic {topic_id}) is not open at height {height}; open worker nonce: {open:?}")]
    WorkerWindowNotOpen {
        topic_id: u64,
        nonce: u64,
        height: u64,
        open: Option<u64>,
    },

    #[error("the reveal window of nonce {nonce} (topic {topic_id}) is not open at height {height}; open reveal nonce: {open:?}")]
    RevealWindowNotOpen {
        topic_id: u64,
        nonce: u64,
        height: u64,
        open: Option<u64>,
    },

    #[error("topic {topic_id} takes a payload fee of {expected}{denom} with each payload (or commitment); {got} was attached")]
    PayloadFee {
        topic_id: u64,
        expected: Uint128,
        got: Uint128,
        denom: String,
    },

    #[error("payload fees cannot be paid: the registry names no fee-vault, or the suite's token is a cw20")]
    PayloadFeeUnpayable {},

    #[error("topic {topic_id} takes committed payloads: commit with CommitWorkerPayload in the worker window and reveal with RevealWorkerPayload after it")]
    CommitRevealRequired { topic_id: u64 },

    #[error("topic {topic_id} has no reveal window: submit payloads with SubmitWorkerPayload")]
    CommitRevealOff { topic_id: u64 },

    #[error("a commitment is {expected} bytes long (SHA-256), got {got}")]
    CommitmentLength { expected: u64, got: u64 },

    #[error("a salt is {min} to {max} bytes long, got {got}")]
    SaltLength { min: u64, max: u64, got: u64 },

    #[error("worker {actor} already committed for nonce {nonce} (topic {topic_id})")]
    AlreadyCommitted {
        topic_id: u64,
        nonce: u64,
        actor: u32,
    },

    #[error("worker {actor} has no commitment to reveal for nonce {nonce} (topic {topic_id})")]
    NoCommitment {
        topic_id: u64,
        nonce: u64,
        actor: u32,
    },

    #[error("the revealed payload and salt of worker {actor} do not hash to its commitment for nonce {nonce} (topic {topic_id})")]
    CommitmentMismatch {
        topic_id: u64,
        nonce: u64,
        actor: u32,
    },

    #[error("the reputer window of nonce {nonce} (topic {topic_id}) is not open at height {height}; open reputer nonce: {open:?}")]
    ReputerWindowNotOpen {
        topic_id: u64,
        nonce: u64,
        height: u64,
        open: Option<u64>,
    },

    #[error(
        "topic {topic_id} has more due windows than one message closes: send CloseWindows first"
    )]
    ClosesPending { topic_id: u64 },

    #[error("topic {topic_id} is not active in reward-distribution: nonce {nonce} is not opened (fund or stake the topic, then ActivateTopic)")]
    TopicInactive { topic_id: u64, nonce: u64 },

    #[error(
        "the activity of topic {topic_id} could not be read from reward-distribution: {reason}"
    )]
    ActivityUnknown { topic_id: u64, reason: String },

    #[error("a worker payload needs an inference, a forecast or both")]
    EmptyPayload {},

    #[error("a forecast needs at least one element")]
    EmptyForecast {},

    #[error("a forecast may list at most {max} elements, got {got}")]
    ForecastTooLong { max: u32, got: u64 },

    #[error("actor {actor} already submitted for nonce {nonce} of topic {topic_id}")]
    AlreadySubmitted {
        topic_id: u64,
        nonce: u64,
        actor: u32,
    },

    #[error("{field} = {value} is outside the accepted range (magnitude at most {max})")]
    ValueOutOfRange {
        field: String,
        value: String,
        max: String,
    },

    #[error("topic {topic_id} does not accept negative inferences (got {value})")]
    NegativeInference { topic_id: u64, value: String },

    #[error("nonce {nonce} of topic {topic_id} has no payload")]
    UnknownNonce { topic_id: u64, nonce: u64 },

    #[error("topic {topic_id} has no network inference yet")]
    NoInferenceYet { topic_id: u64 },

    #[error("nonce {nonce} of topic {topic_id} has no network inference")]
    NoNetworkInference { topic_id: u64, nonce: u64 },

    #[error("the worker window of nonce {nonce} (topic {topic_id}) has ended but is not closed yet: send CloseWindows")]
    NotClosedYet { topic_id: u64, nonce: u64 },

    #[error("the latest network inference of topic {topic_id} is {age} blocks old, more than the maximum {max_age}")]
    StaleInference {
        topic_id: u64,
        age: u64,
        max_age: u64,
    },

    #[error("ask for the latest values of at most {max} topics at once, got {got}")]
    TooManyTopics { max: u32, got: u64 },

    #[error("worker {worker} appears twice in {list}")]
    DuplicateWorker { list: String, worker: u32 },

    #[error("{list} names a different set of workers than {other}")]
    WorkerSetMismatch { list: String, other: String },

    #[error("{list} names worker {worker}, which has no such value in nonce {nonce}")]
    UnknownWorker {
        list: String,
        worker: u32,
        nonce: u64,
    },

    #[error(
        "reputer {address} has stake {stake} in topic {topic_id}, below the minimum {minimum}"
    )]
    StakeBelowMinimum {
        topic_id: u64,
        address: String,
        stake: String,
        minimum: String,
    },

    #[error("nonce {nonce} of topic {topic_id} has no {what} yet")]
    NotScored {
        topic_id: u64,
        nonce: u64,
        what: String,
    },
}
