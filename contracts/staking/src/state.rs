//! Storage layout of the staking contract.
//!
//! Keys (topic ids are u64, addresses are validated `Addr`s):
//! - `config`                                   -> Config
//! - `stakes`   (topic_id, reputer)             -> ReputerTotals, snapshotted every block
//! - `topic_stake` topic_id                     -> Uint128 (self + delegated), snapshotted
//! - `total_staked`                             -> Uint128, every stake in the contract
//! - `reward_funds`                             -> Uint128, rewards deposited − claimed
//! - `delegations` (delegator, topic_id, reputer) -> Delegation
//! - `pools`   (topic_id, reputer)              -> Pool (reward-per-share of the delegators)
//! - `rps_history` (topic_id, reputer, snapshot height) -> the pool's cumulative
//!   reward-per-share after the deposits for that snapshot (one entry per deposit height)
//! - `last_deposit_snapshot` topic_id           -> u64, the snapshot height of the topic's
//!   latest delegator deposit (deposits arrive in non-decreasing snapshot height)
//! - `queue`   (due_height, sequence)           -> PendingRemoval (the unbonding queue)
//! - `pending` (staker, topic_id, reputer)      -> (due_height, sequence): the one pending
//!   removal of a staker; a self-stake removal uses `reputer == staker` (self-delegation is
//!   refused, so the key is never shared with a delegation)
//! - `removal_seq`                              -> u64, last sequence number handed out
//!
//! Snapshots: `SnapshotMap::may_load_at_height(h)` answers the value as of the START of
//! block h; a change made in block h is visible from h + 1.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Uint128, Uint256};
use cw_storage_plus::{Item, Map, SnapshotMap, Strategy};
use nous_types::staking::{Config, PendingChange, PendingRemoval};

/// The cw2 name and version this code records at instantiate and checks at migrate.
pub const CONTRACT_NAME: &str = "crates.io:staking";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

pub const CONFIG: Item<Config> = Item::new("config");

/// The stake behind one reputer in one topic.
#[cw_serde]
#[derive(Default)]
pub struct ReputerTotals {
    pub self_stake: Uint128,
    pub delegated: Uint128,
}

pub const STAKES: SnapshotMap<(u64, &Addr), ReputerTotals> = SnapshotMap::new(
    "stakes",
    "stakes__checkpoints",
    "stakes__changelog",
    Strategy::EveryBlock,
);

pub const TOPIC_STAKE: SnapshotMap<u64, Uint128> = SnapshotMap::new(
    "topic_stake",
    "topic_stake__checkpoints",
    "topic_stake__changelog",
    Strategy::EveryBlock,
);

pub const TOTAL_STAKED: Item<Uint128> = Item::new("total_staked");
pub const REWARD_FUNDS: Item<Uint128> = Item::new("reward_funds");

/// One delegator's position in one (topic, reputer) pool.
#[cw_serde]
pub struct Delegation {
    /// The amount counted by every snapshot up to the first pending change (and by every
    /// deposit credited since `reward_index`).
    pub amount: Uint128,
    /// The pool's reward-per-share up to which this delegation was settled.
    pub reward_index: Uint256,
    /// Settled rewards, whole tokens, claimable.
    pub rewards: Uint128,
    /// Settled rewards below one token, scaled by REWARD_SCALE, carried to the next settle.
    pub reward_fraction: Uint256,
    /// Changes of the amount not yet settled, oldest first, at most one per block and
    /// at most `MAX_PENDING_CHANGES`.
    #[serde(default)]
    pub pending: Vec<PendingChange>,
}

impl Delegation {
    /// The amount now: after the last pending change.
    pub fn current(&self) -> Uint128 {
        self.pending.last().map_or(self.amount, |c| c.amount)
    }
}

pub const DELEGATIONS: Map<(&Addr, u64, &Addr), Delegation> = Map::new("delegations");

/// The delegators' reward pool behind one reputer (the total delegated lives in STAKES).
#[cw_serde]
#[derive(Default)]
pub struct Pool {
    /// Rewards per counted delegated unit, scaled by REWARD_SCALE, over every deposit so
    /// far; only grows.
    pub reward_per_share: Uint256,
    /// What the last division left over, scaled by REWARD_SCALE (< the delegated total
    /// of that deposit's snapshot); added to the next deposit's numerator.
    pub carry: Uint256,
    /// Delegations to this reputer that are queued for payout (still delegated).
    pub undelegating: Uint128,
}

pub const POOLS: Map<(u64, &Addr), Pool> = Map::new("pools");
pub const RPS_HISTORY: Map<(u64, &Addr, u64), Uint256> = Map::new("rps_history");
pub const LAST_DEPOSIT_SNAPSHOT: Map<u64, u64> = Map::new("last_deposit_snapshot");

pub const QUEUE: Map<(u64, u64), PendingRemoval> = Map::new("queue");
pub const PENDING: Map<(&Addr, u64, &Addr), (u64, u64)> = Map::new("pending");
pub const REMOVAL_SEQ: Item<u64> = Item::new("removal_seq");
