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
use nous_types::staking::{Config, PendingRemoval};

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
    pub amount: Uint128,
    /// The pool's reward-per-share when this delegation was last settled (its reward debt:
    /// the delegation earns `amount · (pool.reward_per_share − reward_index)` since then).
    pub reward_index: Uint256,
    /// Settled rewards, whole tokens, claimable.
    pub rewards: Uint128,
    /// Settled rewards below one token, scaled by REWARD_SCALE, carried to the next settle.
    pub reward_fraction: Uint256,
}

pub const DELEGATIONS: Map<(&Addr, u64, &Addr), Delegation> = Map::new("delegations");

/// The delegators' reward pool behind one reputer (the total delegated lives in STAKES).
#[cw_serde]
#[derive(Default)]
pub struct Pool {
    /// Rewards per delegated unit, scaled by REWARD_SCALE; only grows.
    pub reward_per_share: Uint256,
    /// What the last division left over, scaled by REWARD_SCALE (< total delegated then);
    /// added to the next deposit's numerator.
    pub carry: Uint256,
    /// Rewards deposited while nobody delegated; added to the next deposit.
    pub undistributed: Uint128,
    /// Delegations to this reputer that are queued for payout (still delegated).
    pub undelegating: Uint128,
}

pub const POOLS: Map<(u64, &Addr), Pool> = Map::new("pools");

pub const QUEUE: Map<(u64, u64), PendingRemoval> = Map::new("queue");
pub const PENDING: Map<(&Addr, u64, &Addr), (u64, u64)> = Map::new("pending");
pub const REMOVAL_SEQ: Item<u64> = Item::new("removal_seq");
