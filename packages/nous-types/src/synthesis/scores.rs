//! The scores answer synthesis produces for the reward step (`QueryMsg::EpochScores`): per
//! scored nonce, each worker's score with its owner and each reputer's score with the owner
//! and the stake synthesis weighted its losses with.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, SignedDecimal, Uint128};
use cw_storage_plus::Map;

use crate::params::Rules;

/// One worker's instant score in one class (MATH.md §7.1–7.2), with the owner its reward
/// is credited to (the registration's owner when the payload was submitted).
#[cw_serde]
pub struct WorkerScore {
    pub worker: u32,
    pub owner: Addr,
    pub value: SignedDecimal,
}

/// One reputer's instant score (MATH.md §7.3) with everything its reward needs: who is
/// paid and the stake synthesis weighted its losses with.
#[cw_serde]
pub struct ReputerScore {
    pub reputer: u32,
    /// The operator key that submitted (the address staking knows).
    pub address: Addr,
    /// The registration's owner when the bundle was submitted: receives the reputer's part.
    pub owner: Addr,
    /// Total stake (self + delegated) as of the reputer window's first block (§5, §8.2).
    pub stake: Uint128,
    /// The delegated part of `stake` in the same snapshot (§8.7: the delegators' share).
    pub delegated: Uint128,
    pub score: SignedDecimal,
    /// Listening coefficient after this epoch's update (read by the next epoch).
    pub listening_coefficient: SignedDecimal,
}

/// Where synthesis is with an epoch's scores.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum ScoresStatus {
    /// The reputer window has not been closed/scored yet: settlement waits.
    Pending,
    /// Closed with nothing to score (no inference, or no usable loss report): no rewards.
    Empty,
    /// Scored: `scores` is final.
    Scored,
}

/// The answer to `QueryMsg::EpochScores`.
#[cw_serde]
pub struct EpochScoresResponse {
    pub topic_id: u64,
    pub nonce: u64,
    pub status: ScoresStatus,
    /// `Some` exactly when `status` is `Scored`.
    pub scores: Option<EpochScores>,
}

/// Synthesis's scores records, by (topic, nonce): part of its interface, since
/// reward-distribution reads them raw ([`super::SynthesisContract::epoch_scores`]).
pub const SCORES: Map<(u64, u64), EpochScores> = Map::new("scores");

/// Instant scores of one scored nonce (MATH.md §7), read by reward-distribution: each list
/// in ascending actor index.
#[cw_serde]
pub struct EpochScores {
    pub topic_id: u64,
    pub nonce: u64,
    pub inferers: Vec<WorkerScore>,
    /// Forecasters that had an implied inference.
    pub forecasters: Vec<WorkerScore>,
    /// Forecasting-task score `T_i = L⁻ − L`.
    pub forecasting_task: SignedDecimal,
    pub reputers: Vec<ReputerScore>,
    /// Height of the block that closed the reputer window.
    pub scored_at: u64,
    /// The topic's ε (MATH.md §8.1) when the epoch was scored: reward-distribution settles
    /// the epoch with it, whatever the creator sets afterwards.
    pub epsilon: Decimal,
    /// The topic's rules when the epoch was scored (reward-distribution maps the scores to
    /// rewards by them); absent in a record written before they existed: the reference.
    #[serde(default)]
    pub rules: Rules,
}
