//! The suite's messages a consumer sends and the answers it reads, with the exact JSON of
//! the contracts. They are declared again here, rather than imported from `nous-types`, so
//! that a dApp depends on cosmwasm-std, serde and schemars only; the workspace test
//! `tests/tests/consumer_wire.rs` serialises every one with each crate and reads it back
//! with the other.
//!
//! Messages a consumer *sends* refuse unknown fields, as the contracts' own do. Answers it
//! *reads* accept fields they do not name, so that a suite adding a field to an answer does
//! not break deployed consumers.

use cosmwasm_std::{Addr, Binary, Decimal, SignedDecimal, Timestamp, Uint128};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Most topics one `LatestValues` query answers (synthesis refuses more).
pub const MAX_LATEST_VALUES: u32 = 50;

/// The 15.87th percentile, −1σ of a normal distribution (an error bar of the full path).
pub const MINUS_ONE_SIGMA: Decimal = Decimal::raw(15_870_000_000_000_000_000);
/// The 84.13th percentile, +1σ.
pub const PLUS_ONE_SIGMA: Decimal = Decimal::raw(84_130_000_000_000_000_000);
/// The percentiles of the error bars: ±2σ, ±1σ and the median.
pub const ERROR_BAR_PERCENTILES: [Decimal; 5] = [
    Decimal::raw(2_280_000_000_000_000_000),
    MINUS_ONE_SIGMA,
    Decimal::raw(50_000_000_000_000_000_000),
    PLUS_ONE_SIGMA,
    Decimal::raw(97_720_000_000_000_000_000),
];

/// The suite's token: a native denom or a cw20 contract (the JSON of `cw20::Denom`:
/// `{"native": "unous"}` or `{"cw20": "<address>"}`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Denom {
    Native(String),
    Cw20(Addr),
}

impl Denom {
    /// The denom, or the token's address, as events and errors show it.
    pub fn label(&self) -> &str {
        match self {
            Denom::Native(denom) => denom,
            Denom::Cw20(token) => token.as_str(),
        }
    }
}

// ---------------------------------------------------------------- fee-vault

/// The fee-vault query a consumer sends.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FeeVaultQueryMsg {
    /// The fee to attach to `PayForRead { topic_id }`, and the deployment's token.
    ReadFee { topic_id: u64 },
}

/// The fee-vault's answer to `ReadFee`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
pub struct ReadFeeResponse {
    pub topic_id: u64,
    pub denom: Denom,
    pub amount: Uint128,
}

/// The fee-vault message that pays a read with native coins attached (or nothing, when the
/// fee is zero).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FeeVaultExecuteMsg {
    PayForRead { topic_id: u64 },
}

/// The hook of a cw20 `Send` to the fee-vault that pays a read.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FeeVaultReceiveMsg {
    PayForRead { topic_id: u64 },
}

// ---------------------------------------------------------------- cw20

/// The one cw20 message a consumer sends: `Send` of `amount` to `contract`, which receives
/// `msg` in its `Receive` hook (the JSON of `cw20::Cw20ExecuteMsg::Send`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Cw20ExecuteMsg {
    Send {
        contract: String,
        amount: Uint128,
        msg: Binary,
    },
}

/// What a cw20 token delivers to a contract's `Receive` variant when someone `Send`s to it
/// (the JSON of `cw20::Cw20ReceiveMsg`): `sender` sent `amount` of the calling token, with
/// `msg` for the receiving contract.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cw20ReceiveMsg {
    pub sender: String,
    pub amount: Uint128,
    pub msg: Binary,
}

// ---------------------------------------------------------------- synthesis

/// The synthesis queries a consumer sends.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SynthesisQueryMsg {
    /// The compact read of a topic's newest network inference (`LatestValue`); an error when
    /// the topic has none yet.
    LatestValue { topic_id: u64 },
    /// `LatestValue` of up to `MAX_LATEST_VALUES` topics (`LatestValuesResponse`).
    LatestValues { topic_ids: Vec<u64> },
}

/// Which computation produced a network inference.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InferencePath {
    /// Exactly one inferer: its inference is the value (one worker controls it).
    Single,
    /// No network loss yet (a young topic): the median of the inferences, no error bars.
    NoLossYet,
    /// The full computation, weighted by regrets and forecasts; `all_new` when no inferer
    /// had experience yet.
    Full { all_new: bool },
}

impl InferencePath {
    /// A short name for events and errors.
    pub fn as_str(&self) -> &'static str {
        match self {
            InferencePath::Single => "single-worker",
            InferencePath::NoLossYet => "no-loss-yet",
            InferencePath::Full { .. } => "full",
        }
    }
}

/// One error bar: the value at a percentile of the inference's weighted distribution.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
pub struct PercentileValue {
    pub percentile: Decimal,
    pub value: SignedDecimal,
}

/// The compact form of a topic's newest network inference: what a consumer acts on and
/// what it checks before acting.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
pub struct LatestValue {
    pub topic_id: u64,
    /// The epoch of the topic that produced it.
    pub nonce: u64,
    /// The network inference.
    pub value: SignedDecimal,
    /// At the 2.28, 15.87, 50, 84.13 and 97.72 percentiles (±2σ, ±1σ, median) on the full
    /// path; empty on the others.
    pub error_bars: Vec<PercentileValue>,
    pub path: InferencePath,
    /// Inferers whose inferences it combines.
    pub inferers: u32,
    /// Last block of the epoch's worker window: the age in blocks counts from here.
    pub worker_window_end: u64,
    /// Height of the block that computed it.
    pub computed_at: u64,
    /// Time of that block in Unix seconds: the age in seconds counts from here.
    pub computed_at_time: u64,
}

impl LatestValue {
    /// The error bar at `percentile` (e.g. `MINUS_ONE_SIGMA`), if published.
    pub fn error_bar(&self, percentile: Decimal) -> Option<SignedDecimal> {
        self.error_bars
            .iter()
            .find(|bar| bar.percentile == percentile)
            .map(|bar| bar.value)
    }

    /// Blocks from the end of its worker window to `height` (0 before it).
    pub fn age_blocks(&self, height: u64) -> u64 {
        height.saturating_sub(self.worker_window_end)
    }

    /// Seconds from the block that computed it to `time` (0 before it). The worker window's
    /// last block may be earlier still: its time is not known on chain, so pair a limit in
    /// seconds with one in blocks.
    pub fn age_seconds(&self, time: Timestamp) -> u64 {
        time.seconds().saturating_sub(self.computed_at_time)
    }
}

/// Synthesis' answer to `LatestValues`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
pub struct LatestValuesResponse {
    /// One entry per topic asked, in the order asked; `None` for a topic without a network
    /// inference yet.
    pub values: Vec<Option<LatestValue>>,
}
