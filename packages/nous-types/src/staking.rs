//! Messages of the staking contract.
//!
//! INTERFACE NOTE: the query variants `ReputerStakes` and `TopicStake` (both with an
//! optional `height`), `ExecuteMsg::DepositDelegatorRewards` and the `StakingContract`
//! helper methods are used by synthesis and reward-distribution. Extend them; keep these
//! shapes.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, CosmosMsg, QuerierWrapper, StdResult, Uint128, Uint256};
use cw20::{Cw20ReceiveMsg, Denom};

use crate::funds::pay_contract_msg;

/// A fixed-point scale for the delegators' reward-per-share accumulators (1e18).
pub const REWARD_SCALE: u128 = 1_000_000_000_000_000_000;

/// The most changes of one delegation that may wait for the topic's next reward deposit
/// (see `PendingChange`); one of them is always kept for a whole-position undelegation.
pub const MAX_PENDING_CHANGES: u32 = 8;

#[cw_serde]
pub struct InstantiateMsg {
    /// Admin (cw-ownable, two-step transfer); `None` leaves the contract without an admin.
    pub owner: Option<String>,
    /// The suite's token: stake, removals and delegator rewards are all in this denom.
    pub denom: Denom,
    /// The topic-registry: registration and the minimum stake are read from it.
    pub registry: String,
    /// The only caller of `DepositDelegatorRewards`; may be set later by `UpdateConfig`.
    pub reward_distributor: Option<String>,
    /// Blocks between a removal request and the first block it can be paid (>= 1).
    pub unbonding_blocks: u64,
    /// The most removals one `ProcessRemovals` call pays (>= 1).
    pub max_removals_per_call: u32,
    /// The smallest removal a staker may request, unless it removes the whole stake.
    pub min_removal: Uint128,
    /// The smallest `Delegate` (>= 1 and >= `min_removal`); a partial undelegation must
    /// leave 0 or at least this much.
    pub min_delegation: Uint128,
}

#[cw_ownable::cw_ownable_execute]
#[cw_serde]
pub enum ExecuteMsg {
    /// Admin: change parameters; unset fields are kept. The denom never changes.
    /// A new `unbonding_blocks` applies to removals requested afterwards.
    UpdateConfig {
        registry: Option<String>,
        reward_distributor: Option<String>,
        unbonding_blocks: Option<u64>,
        max_removals_per_call: Option<u32>,
        min_removal: Option<Uint128>,
        #[serde(default)]
        min_delegation: Option<Uint128>,
    },
    /// A registered reputer (operator key) adds self-stake in a topic, paid with native
    /// coins; the resulting self-stake must reach the registry's minimum stake.
    AddStake { topic_id: u64 },
    /// Ask to remove `amount` of one's self-stake; payable from `request height +
    /// unbonding_blocks`. The stake keeps counting until it is paid.
    RemoveStake { topic_id: u64, amount: Uint128 },
    /// Withdraw one's pending self-stake removal in a topic.
    CancelRemoveStake { topic_id: u64 },
    /// Delegate native coins (at least `min_delegation`) to a registered reputer of a topic
    /// (not to oneself). The delegation counts for stake snapshots after this block.
    Delegate { topic_id: u64, reputer: String },
    /// Ask to remove `amount` of one's delegation; works whatever the reputer's status.
    Undelegate {
        topic_id: u64,
        reputer: String,
        amount: Uint128,
    },
    /// Withdraw one's pending undelegation.
    CancelUndelegate { topic_id: u64, reputer: String },
    /// Anyone: pay the removals due up to now, oldest first, at most
    /// `min(limit, max_removals_per_call)` per call.
    ProcessRemovals { limit: Option<u32> },
    /// Pay one's own due removal now: the self-stake removal when `reputer` is `None`, the
    /// undelegation from `reputer` otherwise.
    WithdrawDue {
        topic_id: u64,
        reputer: Option<String>,
    },
    /// Pay one's accrued delegator rewards from one (topic, reputer) pool.
    ClaimDelegatorRewards { topic_id: u64, reputer: String },
    /// Reward-distribution only: the delegators' share of reputer rewards for one topic,
    /// paid with the attached funds (their sum). Each entry is paid to the delegations its
    /// stake snapshot counted, pro rata; entries come in non-decreasing snapshot height,
    /// never below the topic's last deposit.
    DepositDelegatorRewards {
        topic_id: u64,
        rewards: Vec<ReputerReward>,
    },
    /// cw20 deployments: `AddStake`, `Delegate` and `DepositDelegatorRewards` arrive here.
    Receive(Cw20ReceiveMsg),
}

/// Hook messages of a cw20 `Send` to the staking contract (the cw20 sender is the payer).
#[cw_serde]
pub enum ReceiveMsg {
    AddStake {
        topic_id: u64,
    },
    Delegate {
        topic_id: u64,
        reputer: String,
    },
    DepositDelegatorRewards {
        topic_id: u64,
        rewards: Vec<ReputerReward>,
    },
}

/// The delegators' part of one reputer's reward for one epoch.
#[cw_serde]
pub struct ReputerReward {
    pub reputer: String,
    pub amount: Uint128,
    /// The stake snapshot the reward was sized with (`ReputerStakes { height }`): the
    /// delegations counted at the start of this block share `amount`.
    pub snapshot_height: u64,
    /// The delegated stake behind the reputer in that snapshot, as the distributor read
    /// it; staking refuses the deposit if its own snapshot differs.
    pub delegated: Uint128,
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_ownable::cw_ownable_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// Stake behind each listed reputer in a topic, as of the start of block `height`
    /// (default: now). Reputers without stake are returned with zeros.
    #[returns(ReputerStakesResponse)]
    ReputerStakes {
        topic_id: u64,
        reputers: Vec<String>,
        height: Option<u64>,
    },
    /// Total stake (self + delegated) in a topic as of the start of block `height`.
    #[returns(TopicStakeResponse)]
    TopicStake { topic_id: u64, height: Option<u64> },
    #[returns(Config)]
    Config {},
    /// One reputer's stake now, with its pending self-stake removal.
    #[returns(ReputerStakeResponse)]
    ReputerStake { topic_id: u64, reputer: String },
    /// One delegation: amount, claimable rewards, pending undelegation.
    #[returns(DelegationResponse)]
    Delegation {
        topic_id: u64,
        reputer: String,
        delegator: String,
    },
    /// A delegator's delegations ordered by (topic_id, reputer).
    #[returns(DelegationsResponse)]
    DelegationsByDelegator {
        delegator: String,
        start_after: Option<DelegationCursor>,
        limit: Option<u32>,
    },
    /// The removal queue ordered by (due_height, sequence).
    #[returns(RemovalsResponse)]
    PendingRemovals {
        start_after: Option<QueueCursor>,
        limit: Option<u32>,
    },
    /// The removals due at `height` (default: now), oldest first.
    #[returns(DueRemovalsResponse)]
    DueRemovals {
        height: Option<u64>,
        limit: Option<u32>,
    },
    /// The delegators' reward pool behind one reputer.
    #[returns(PoolResponse)]
    Pool { topic_id: u64, reputer: String },
    /// What the contract holds, for conservation checks.
    #[returns(TotalsResponse)]
    Totals {},
}

#[cw_serde]
pub struct Config {
    pub denom: Denom,
    pub registry: Addr,
    pub reward_distributor: Option<Addr>,
    pub unbonding_blocks: u64,
    pub max_removals_per_call: u32,
    pub min_removal: Uint128,
    pub min_delegation: Uint128,
}

/// A change of a delegation's amount made in block `height`: it counts for stake
/// snapshots at heights after `height`, so rewards of earlier snapshots still go to the
/// amount before it. It waits on the delegation until a reward deposit for a later
/// snapshot of the topic arrives (no earlier one can come after that).
#[cw_serde]
#[derive(Copy)]
pub struct PendingChange {
    pub height: u64,
    /// The delegation's amount from snapshot `height + 1` on.
    pub amount: Uint128,
}

/// Whose stake a removal takes from.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum RemovalKind {
    /// The staker's own self-stake (then `reputer == staker`).
    SelfStake,
    /// The staker's delegation to `reputer`.
    Delegation,
}

/// A requested removal waiting in the queue.
#[cw_serde]
pub struct PendingRemoval {
    pub kind: RemovalKind,
    pub staker: Addr,
    pub topic_id: u64,
    pub reputer: Addr,
    pub amount: Uint128,
    pub requested_height: u64,
    pub due_height: u64,
    pub sequence: u64,
}

/// A position in the removal queue.
#[cw_serde]
pub struct QueueCursor {
    pub due_height: u64,
    pub sequence: u64,
}

/// A position in a delegator's list of delegations.
#[cw_serde]
pub struct DelegationCursor {
    pub topic_id: u64,
    pub reputer: String,
}

#[cw_serde]
pub struct ReputerStakeResponse {
    pub topic_id: u64,
    pub reputer: Addr,
    pub self_stake: Uint128,
    pub delegated: Uint128,
    pub total: Uint128,
    /// The reputer's pending self-stake removal (still counted in `self_stake`).
    pub pending_removal: Option<PendingRemoval>,
    /// Delegations to this reputer waiting to be paid out (still counted in `delegated`).
    pub delegated_pending_removal: Uint128,
}

#[cw_serde]
pub struct DelegationResponse {
    pub topic_id: u64,
    pub reputer: Addr,
    pub delegator: Addr,
    /// The amount now (what snapshots after the last change count).
    pub amount: Uint128,
    /// Rewards claimable now (rounded down).
    pub pending_rewards: Uint128,
    pub pending_undelegation: Option<PendingRemoval>,
    /// The amount earlier snapshots count: before the first of `pending_changes`.
    pub counted_amount: Uint128,
    /// Changes waiting for the topic's next reward deposit, oldest first.
    pub pending_changes: Vec<PendingChange>,
}

#[cw_serde]
pub struct DelegationsResponse {
    pub delegations: Vec<DelegationResponse>,
}

#[cw_serde]
pub struct RemovalsResponse {
    pub removals: Vec<PendingRemoval>,
}

#[cw_serde]
pub struct DueRemovalsResponse {
    pub height: u64,
    pub removals: Vec<PendingRemoval>,
    /// More removals are due than were returned.
    pub more: bool,
}

#[cw_serde]
pub struct PoolResponse {
    pub topic_id: u64,
    pub reputer: Addr,
    pub total_delegated: Uint128,
    /// Rewards per delegated unit, scaled by `REWARD_SCALE` (cumulative over deposits).
    pub reward_per_share: Uint256,
    /// The snapshot height of the topic's latest deposit: deposits for earlier
    /// snapshots are refused (`None` before the first).
    pub last_deposit_snapshot: Option<u64>,
}

#[cw_serde]
pub struct TotalsResponse {
    /// All self-stake and delegations, including those waiting to be paid out.
    pub total_staked: Uint128,
    /// Delegator rewards deposited and not yet claimed: what is owed and the rounding
    /// dust.
    pub reward_funds: Uint128,
}

#[cw_serde]
pub struct ReputerStake {
    pub reputer: Addr,
    pub self_stake: Uint128,
    pub delegated: Uint128,
    pub total: Uint128,
}

#[cw_serde]
pub struct ReputerStakesResponse {
    pub stakes: Vec<ReputerStake>,
}

#[cw_serde]
pub struct TopicStakeResponse {
    pub topic_id: u64,
    pub total: Uint128,
}

/// Typed handle on a deployed staking contract.
#[cw_serde]
pub struct StakingContract(pub Addr);

impl StakingContract {
    pub fn addr(&self) -> &Addr {
        &self.0
    }

    pub fn reputer_stakes(
        &self,
        querier: &QuerierWrapper,
        topic_id: u64,
        reputers: Vec<String>,
        height: Option<u64>,
    ) -> StdResult<Vec<ReputerStake>> {
        let r: ReputerStakesResponse = querier.query_wasm_smart(
            &self.0,
            &QueryMsg::ReputerStakes {
                topic_id,
                reputers,
                height,
            },
        )?;
        Ok(r.stakes)
    }

    pub fn topic_stake(
        &self,
        querier: &QuerierWrapper,
        topic_id: u64,
        height: Option<u64>,
    ) -> StdResult<Uint128> {
        let r: TopicStakeResponse =
            querier.query_wasm_smart(&self.0, &QueryMsg::TopicStake { topic_id, height })?;
        Ok(r.total)
    }

    /// Pays the delegators' part of reputer rewards (`total` = sum of `rewards`).
    pub fn deposit_delegator_rewards_msg(
        &self,
        denom: &Denom,
        total: Uint128,
        topic_id: u64,
        rewards: Vec<ReputerReward>,
    ) -> StdResult<CosmosMsg> {
        pay_contract_msg(
            denom,
            &self.0,
            total,
            &ExecuteMsg::DepositDelegatorRewards {
                topic_id,
                rewards: rewards.clone(),
            },
            &ReceiveMsg::DepositDelegatorRewards { topic_id, rewards },
        )
    }
}
