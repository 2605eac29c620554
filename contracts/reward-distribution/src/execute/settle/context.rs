//! What one `Settle` call carries between its phases.

use cosmwasm_std::{Decimal, Uint128};
use nous_math::epoch::RewardSplit;
use nous_types::reward_distribution::{Config, EpochReward, MonthEmission, Totals};
use nous_types::synthesis::EpochScores;
use nous_types::topic_registry::RewardGroups;

use crate::execute::emission::TreasuryView;

/// A scored epoch waiting for its allocation.
pub struct Planned {
    pub topic_id: u64,
    pub epoch: u64,
    pub epoch_length: u64,
    pub weight: Decimal,
    pub weight_sum: Decimal,
    pub target: Uint128,
    /// The record of the month whose emission funds the epoch, as the plan read it.
    pub month: MonthEmission,
    pub split: RewardSplit,
    /// Synthesis's scores record: owners, and the reputers' stakes as of `stakes_at`.
    pub scores: EpochScores,
    /// The first block of the epoch's reputer window: the stake snapshot synthesis scored
    /// the reputers with.
    pub stakes_at: u64,
}

/// Everything one call shares.
pub struct Ctx {
    pub config: Config,
    pub params: RewardGroups,
    pub totals: Totals,
    pub treasury: TreasuryView,
    pub height: u64,
    pub epochs_left: u32,
    /// Epochs that ended without a draw (their records are final).
    pub finished: Vec<EpochReward>,
    pub planned: Vec<Planned>,
    pub expired: u64,
    /// Crank mode: a topic whose peers fail is skipped (recorded) instead of failing the call.
    pub crank: bool,
    pub skipped_topics: Vec<(u64, String)>,
}
