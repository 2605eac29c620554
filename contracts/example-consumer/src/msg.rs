//! Messages of the example consumer. They live here, not in `nous_types`, because this
//! contract is an example to copy rather than part of the suite's interface. What it needs
//! from the suite comes from `nous_consumer`.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, SignedDecimal, Uint128};
use nous_consumer::{Cw20ReceiveMsg, NousAddrs};

pub use nous_consumer::{PercentileValue, ReadFeeResponse};

/// History kept per topic when `InstantiateMsg::history_limit` is not given.
pub const DEFAULT_HISTORY_LIMIT: u32 = 20;
/// Most readings kept per topic: older ones are deleted as new ones arrive, so storage
/// (and the rent a chain may charge for it) stays bounded however often the contract is used.
pub const MAX_HISTORY_LIMIT: u32 = 100;
/// Most guarded topics: the guards live in the config, read by every call.
pub const MAX_GUARDS: u32 = 20;

/// One guarded topic: its latest network inference is compared with `threshold`.
#[cw_serde]
pub struct Guard {
    pub topic_id: u64,
    pub threshold: SignedDecimal,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// The suite's fee-vault: source of the read fee, receiver of the payment.
    pub fee_vault: String,
    /// The suite's synthesis contract: source of the network inference.
    pub synthesis: String,
    /// The topics this contract reads and the threshold of each (1 to `MAX_GUARDS`,
    /// each topic once).
    pub guards: Vec<Guard>,
    /// The oldest inference (blocks since its worker window closed) this contract accepts.
    /// A caller may ask for a fresher one, never an older one.
    pub max_age: u64,
    /// Readings kept per topic (1 to `MAX_HISTORY_LIMIT`, default `DEFAULT_HISTORY_LIMIT`).
    pub history_limit: Option<u32>,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Anyone: pay the topic's read fee and use its latest network inference, in one
    /// transaction. Native deployments: attach exactly the read fee (nothing when it is
    /// zero). cw20 deployments: send the fee with cw20 `Send` and `ReceiveMsg` instead
    /// (or call this with no funds when the fee is zero). `max_age` defaults to, and may
    /// not exceed, the configured maximum.
    UseLatestInference { topic_id: u64, max_age: Option<u64> },
    /// cw20 deployments: `UseLatestInference` paid through cw20 `Send`.
    Receive(Cw20ReceiveMsg),
}

/// Hook messages of a cw20 `Send` to this contract (the cw20 `sender` is the payer).
#[cw_serde]
pub enum ReceiveMsg {
    UseLatestInference { topic_id: u64, max_age: Option<u64> },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The contract's parameters.
    #[returns(Config)]
    Config {},
    /// What to pay for the next `UseLatestInference { topic_id }` (asked from the vault).
    #[returns(ReadFeeResponse)]
    ReadFee { topic_id: u64 },
    /// The newest reading of a topic, if any.
    #[returns(LastReadingResponse)]
    LastReading { topic_id: u64 },
    /// The kept readings of a topic by sequence number, ascending.
    #[returns(ReadingsResponse)]
    Readings {
        topic_id: u64,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
}

/// The contract's parameters (also its stored configuration).
#[cw_serde]
pub struct Config {
    pub fee_vault: Addr,
    pub synthesis: Addr,
    pub guards: Vec<Guard>,
    pub max_age: u64,
    pub history_limit: u32,
}

impl Config {
    /// The guard of `topic_id`, if the topic is guarded.
    pub fn guard(&self, topic_id: u64) -> Option<&Guard> {
        self.guards.iter().find(|g| g.topic_id == topic_id)
    }

    /// The suite's contracts this consumer talks to.
    pub fn nous(&self) -> NousAddrs {
        NousAddrs {
            fee_vault: self.fee_vault.clone(),
            synthesis: self.synthesis.clone(),
        }
    }
}

/// What the contract concluded from one inference.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum Decision {
    /// The whole ±1σ band (or the value, without error bars) is above the threshold.
    Above,
    /// The whole band is below the threshold.
    Below,
    /// The band contains the threshold: too close to call.
    Uncertain,
}

impl Decision {
    pub fn as_str(&self) -> &'static str {
        match self {
            Decision::Above => "above",
            Decision::Below => "below",
            Decision::Uncertain => "uncertain",
        }
    }
}

/// One paid use of a network inference.
#[cw_serde]
pub struct Reading {
    pub topic_id: u64,
    /// Per-topic sequence number of this reading (0, 1, 2, ...).
    pub seq: u64,
    /// The synthesis nonce (epoch) of the inference used.
    pub nonce: u64,
    /// The combined network inference.
    pub value: SignedDecimal,
    /// Lower and upper edge of the ±1σ band (15.87 and 84.13 percentiles); both equal
    /// `value` when the inference has no error bars.
    pub band_low: SignedDecimal,
    pub band_high: SignedDecimal,
    /// The inference's error bars as published (empty on the single-worker and
    /// no-loss-yet paths).
    pub error_bars: Vec<PercentileValue>,
    pub threshold: SignedDecimal,
    pub decision: Decision,
    /// Height at which synthesis computed the inference.
    pub computed_at: u64,
    /// Blocks since the inference's worker window closed, when it was read.
    pub age: u64,
    /// Height of the reading.
    pub read_at: u64,
    /// Who paid for the reading.
    pub payer: Addr,
    /// The read fee paid to the vault.
    pub fee: Uint128,
}

#[cw_serde]
pub struct LastReadingResponse {
    pub reading: Option<Reading>,
}

#[cw_serde]
pub struct ReadingsResponse {
    pub readings: Vec<Reading>,
}
