//! Messages of the reward-distribution contract.
//!
//! Reward-distribution settles closed topic epochs: topic weight (MATH.md §9.1), the
//! topic's share of the month's emission (§10, §9.2), the class split (§8.4–8.6) and the
//! per-participant payout (§8.7). Workers' and reputers' rewards become claimable by the
//! registered owner (`Claim`); delegators' parts go to staking in one deposit per topic
//! and call; the chain-security share goes to a configured recipient. Those two payouts
//! are sent isolated: one that is refused is parked (`Parked`) instead of failing the
//! settlement, and paid later by `RetryParked` or the owner's `RedirectParked`.
//!
//! INTERFACE NOTE: `QueryMsg::TopicStatus` (its `active` flag is the suite's one canonical
//! topic activity flag, SECURITY.md 15) and the `RewardDistributionContract` helpers are
//! meant for synthesis (to stop opening epochs of inactive topics) and integrators.
//!
//! An epoch is settled from synthesis's answer `synthesis::EpochScoresResponse` (scores,
//! owners and the reputers' stakes as scored), read through `SynthesisContract`.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Decimal, QuerierWrapper, SignedDecimal, StdResult, Uint128};
use cw20::Denom;

use crate::fee_vault::FeeVaultContract;
use crate::staking::{ReputerReward, StakingContract};
use crate::topic_registry::TopicRegistryContract;

/// Unsettled epochs kept per topic: when a topic falls further behind, its oldest closed
/// epochs are skipped (they earn nothing) so neither this contract nor synthesis has to
/// keep more than this many epochs of one topic. Also the number of per-epoch reward
/// breakdowns kept per topic.
pub const MAX_UNSETTLED_EPOCHS: u64 = 100;
/// Default and upper bound of the epochs one `Settle` call settles (all topics together):
/// each epoch costs a handful of cross-contract queries and writes.
pub const DEFAULT_EPOCHS_PER_CALL: u32 = 10;
pub const MAX_EPOCHS_PER_CALL: u32 = 50;
/// Default and upper bound of the topics one crank call (`Settle { topic_id: None }`) visits.
pub const DEFAULT_TOPICS_PER_CALL: u32 = 5;
pub const MAX_TOPICS_PER_CALL: u32 = 20;
/// Monthly emission records kept (one per month in which something was settled).
pub const MAX_MONTH_RECORDS: u64 = 24;
/// Gas the chain-security transfer of `Settle` / `RetryParked` may use; a delegator deposit
/// may use `DEPOSIT_GAS_BASE + DEPOSIT_GAS_PER_ENTRY · entries`. A payout that is refused
/// or runs out of its gas is parked without failing the call. These are caps that keep a
/// recipient from eating the caller's gas, well above what the payouts cost.
pub const PAYOUT_GAS_LIMIT: u64 = 500_000;
pub const DEPOSIT_GAS_BASE: u64 = 500_000;
pub const DEPOSIT_GAS_PER_ENTRY: u64 = 100_000;
/// The most entries one retried deposit carries (a topic's parked deposits are merged,
/// oldest first, up to this many; the rest wait for the next retry).
pub const MAX_RETRY_DEPOSIT_ENTRIES: usize = 300;
/// Default and upper bound of the parked payouts one `RetryParked` retries.
pub const DEFAULT_RETRIES_PER_CALL: u32 = 10;
pub const MAX_RETRIES_PER_CALL: u32 = 50;

/// Parameters of the emission schedule (MATH.md §10) that the contract cannot read from a
/// chain's mint module, set at instantiate and updatable by the owner.
#[cw_serde]
pub struct EmissionParams {
    /// `N_total`: the token's maximum supply (base units).
    pub total_supply: Uint128,
    /// `N_circ`: circulating supply (base units), maintained by the owner (`UpdateConfig`).
    pub circulating_supply: Uint128,
    /// `f_e`: monthly emission rate of the treasury (reference 0.025).
    pub emission_rate: Decimal,
    /// `MPY_max`: maximum monthly percentage yield on staked tokens (reference 0.0095).
    pub max_monthly_percentage_yield: Decimal,
    /// EMA α of the monthly emission per staked token (reference 0.1).
    pub one_month_smoothing_degree: Decimal,
    /// `f_r` used until a month with topic rewards has been observed (reference sim 1/3).
    pub default_reputer_share: Decimal,
    /// Stake outside the staking contract that counts in `N_staked` next to staking's
    /// `total_staked` (e.g. validator-bonded tokens on a chain), base units; 0 by default.
    pub external_stake: Uint128,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// Admin (cw-ownable); defaults to the sender.
    pub owner: Option<String>,
    /// The suite's token.
    pub denom: Denom,
    pub topic_registry: String,
    pub fee_vault: String,
    pub staking: String,
    pub synthesis: String,
    /// Receives the chain-security share (`GlobalParams::chain_security_share`) of every draw.
    pub chain_security_recipient: String,
    pub emission: EmissionParams,
    /// Epochs settled per call at most (default `DEFAULT_EPOCHS_PER_CALL`).
    pub max_epochs_per_call: Option<u32>,
    /// Topics visited per crank call at most (default `DEFAULT_TOPICS_PER_CALL`).
    pub max_topics_per_call: Option<u32>,
}

#[cw_serde]
pub struct Config {
    pub denom: Denom,
    pub topic_registry: TopicRegistryContract,
    pub fee_vault: FeeVaultContract,
    pub staking: StakingContract,
    pub synthesis: Addr,
    pub chain_security_recipient: Addr,
    pub emission: EmissionParams,
    pub max_epochs_per_call: u32,
    pub max_topics_per_call: u32,
}

#[cw_ownable::cw_ownable_execute]
#[cw_serde]
pub enum ExecuteMsg {
    /// Anyone: start (or restart) rewarding a topic whose current weight (stake and fee
    /// revenue now) reaches `min_topic_weight`. Epochs closed before this call earn nothing.
    ActivateTopic { topic_id: u64 },
    /// Anyone: settle closed, scored epochs. With `topic_id`, that active topic's backlog;
    /// without, a crank over the active topics, highest weight first, resuming where the
    /// previous crank stopped. At most `limit` epochs (capped by the configured maximum).
    Settle {
        topic_id: Option<u64>,
        limit: Option<u32>,
    },
    /// Anyone: pay the sender what it may claim.
    Claim {},
    /// Anyone: send the oldest parked payouts again (at most `limit`, default
    /// `DEFAULT_RETRIES_PER_CALL`): chain-security shares to the recipient configured now,
    /// delegator deposits to staking, per topic in order and in one message. What is
    /// refused again stays parked under the same id.
    RetryParked { limit: Option<u32> },
    /// Owner: pay a parked payout to `recipient` instead (e.g. when staking can no longer
    /// take a topic's deposit); a refusal fails this call and changes nothing.
    RedirectParked { id: u64, recipient: String },
    /// Owner: change the configuration; every field optional, at least one set.
    UpdateConfig {
        chain_security_recipient: Option<String>,
        emission: Option<EmissionParams>,
        max_epochs_per_call: Option<u32>,
        max_topics_per_call: Option<u32>,
    },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_ownable::cw_ownable_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(Config)]
    Config {},
    /// What `address` may claim now.
    #[returns(ClaimableResponse)]
    Claimable { address: String },
    /// Every non-zero claimable balance, in the order of the addresses' canonical bytes.
    #[returns(ClaimablesResponse)]
    Claimables {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// A topic's activity, weight and settlement cursor.
    #[returns(TopicStatusResponse)]
    TopicStatus { topic_id: u64 },
    /// Topics known to this contract, by id.
    #[returns(TopicsResponse)]
    Topics {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// The last settled epoch of a topic (`None` before the first).
    #[returns(LastSettledResponse)]
    LastSettledEpoch { topic_id: u64 },
    /// The reward breakdown of one settled epoch (kept for the last `MAX_UNSETTLED_EPOCHS`).
    #[returns(EpochRewardResponse)]
    EpochReward { topic_id: u64, epoch: u64 },
    /// The emission schedule state of the latest month recorded.
    #[returns(EmissionResponse)]
    Emission {},
    /// Global sums: what the contract owes, dust carried, parked payouts, the active
    /// topic weight sum.
    #[returns(Totals)]
    Totals {},
    /// Payouts that were refused and wait for `RetryParked` / `RedirectParked`, by id.
    #[returns(ParkedResponse)]
    Parked {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
}

/// What a parked payout was for.
#[cw_serde]
pub enum ParkedKind {
    /// Chain-security shares; a retry pays the recipient configured then.
    ChainSecurity {},
    /// The delegators' part of reputer rewards of one topic: one deposit to staking. A
    /// topic's later deposits are parked behind it (staking takes a topic's deposits in
    /// snapshot order only).
    Delegators {
        topic_id: u64,
        rewards: Vec<ReputerReward>,
    },
}

/// A payout the recipient refused; its amount stays in this contract's books
/// (`Totals.parked`) until it is paid.
#[cw_serde]
pub struct ParkedPayout {
    /// Assigned when first parked (0 in a payout that was never parked).
    pub id: u64,
    pub amount: Uint128,
    pub kind: ParkedKind,
    /// Height at which it was parked last.
    pub parked_at: u64,
    /// The refusal, or why it waits (behind an earlier parked deposit of its topic).
    pub reason: String,
}

#[cw_serde]
pub struct ParkedResponse {
    pub parked: Vec<ParkedPayout>,
}

#[cw_serde]
pub struct ClaimableResponse {
    pub address: Addr,
    pub amount: Uint128,
}

#[cw_serde]
pub struct ClaimablesResponse {
    pub claimables: Vec<ClaimableResponse>,
}

/// What this contract keeps about one topic.
#[cw_serde]
pub struct TopicStatusResponse {
    pub topic_id: u64,
    /// The canonical activity flag: an inactive topic opens no epochs and earns nothing.
    pub active: bool,
    /// The topic's stored (smoothed) weight, §9.1.
    pub weight: Decimal,
    /// Stake seen at the topic's last weight update.
    pub stake: Uint128,
    /// The next epoch to settle; nothing before it will be settled.
    pub next_epoch: u64,
    pub last_settled_epoch: Option<u64>,
}

#[cw_serde]
pub struct TopicsResponse {
    pub topics: Vec<TopicStatusResponse>,
}

#[cw_serde]
pub struct LastSettledResponse {
    pub topic_id: u64,
    pub epoch: Option<u64>,
}

/// Why an epoch ended the way it did.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum EpochOutcome {
    /// The epoch was scored and its budget paid out.
    Rewarded,
    /// Synthesis had nothing to score (no inferences or no losses): nothing drawn.
    NoScores,
    /// The topic's weight fell below `min_topic_weight`: inactivated, nothing drawn.
    Inactivated,
    /// Scored, but the topic's share of the emission (capped by the treasury) was zero.
    NoEmission,
    /// Synthesis answered scores this contract cannot use (inconsistent lists, no stake
    /// behind the reputers, a number the maths refuses): nothing drawn, the epoch is skipped.
    Unscorable,
}

/// The reward breakdown of one topic epoch. `drawn = chain_security + topic_reward − dust_in`
/// and `topic_reward = paid_inferers + paid_forecasters + paid_reputers + delegators + dust_out`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct EpochReward {
    pub topic_id: u64,
    pub epoch: u64,
    pub outcome: EpochOutcome,
    /// Block at which the epoch was settled.
    pub settled_at: u64,
    /// The topic weight after this epoch's update, and the active weight sum then.
    pub weight: Decimal,
    pub weight_sum: Decimal,
    /// `E_t` before the treasury cap.
    pub target: Uint128,
    /// Taken from the fee vault's treasury for this epoch.
    pub drawn: Uint128,
    pub chain_security: Uint128,
    /// Dust carried in from earlier epochs and added to this epoch's budget.
    pub dust_in: Uint128,
    /// The budget split between the classes (`drawn − chain_security + dust_in`).
    pub topic_reward: Uint128,
    /// Class budgets `U`, `V`, `W` (§8.6), integer parts.
    pub inference: Uint128,
    pub forecast: Uint128,
    pub reputation: Uint128,
    /// Credited to owners per class, and the delegators' part of reputer rewards.
    pub paid_inferers: Uint128,
    pub paid_forecasters: Uint128,
    pub paid_reputers: Uint128,
    pub delegators: Uint128,
    /// What truncation left over; carried to the next rewarded epoch.
    pub dust_out: Uint128,
    /// Modified entropies F, G, H and the forecasting utility χ (§8.4–8.5).
    pub entropy_inference: SignedDecimal,
    pub entropy_forecast: SignedDecimal,
    pub entropy_reputation: SignedDecimal,
    pub chi: SignedDecimal,
}

#[cw_serde]
pub struct EpochRewardResponse {
    pub reward: Option<EpochReward>,
}

/// The monthly emission state (§10) of one month.
#[cw_serde]
pub struct MonthEmission {
    /// `floor(height / blocks_per_month)` of the epochs this record serves.
    pub month: u64,
    /// Smoothed emission per staked token `e` (stored as the next month's `e_prev`).
    pub emission_per_token: Decimal,
    /// The inputs seen when the month was opened.
    pub treasury: Uint128,
    pub staked: Uint128,
    pub reputer_share: Decimal,
    /// `E_month = trunc(e · N_staked)` and `e_block = E_month / blocks_per_month`.
    pub month_emission: Uint128,
    pub block_emission: Uint128,
    /// Topic rewards and reputer rewards paid in this month (for next month's `f_r`).
    pub topic_rewards_paid: Uint128,
    pub reputer_rewards_paid: Uint128,
}

#[cw_serde]
pub struct EmissionResponse {
    pub latest: Option<MonthEmission>,
}

/// Global sums kept by the contract. Invariants: the contract's token balance equals
/// `claimable + dust + parked`; `weight_sum` equals the sum of the weights of the active
/// topics.
#[cw_serde]
#[derive(Default)]
pub struct Totals {
    pub claimable: Uint128,
    pub dust: Uint128,
    pub weight_sum: Decimal,
    /// Payouts refused by their recipient, waiting to be retried or redirected.
    #[serde(default)]
    pub parked: Uint128,
}

/// Typed handle on a deployed reward-distribution contract.
#[cw_serde]
pub struct RewardDistributionContract(pub Addr);

impl RewardDistributionContract {
    pub fn addr(&self) -> &Addr {
        &self.0
    }

    pub fn topic_status(
        &self,
        querier: &QuerierWrapper,
        topic_id: u64,
    ) -> StdResult<TopicStatusResponse> {
        querier.query_wasm_smart(&self.0, &QueryMsg::TopicStatus { topic_id })
    }

    /// The canonical activity flag of a topic (false for a topic never activated).
    pub fn is_topic_active(&self, querier: &QuerierWrapper, topic_id: u64) -> StdResult<bool> {
        Ok(self.topic_status(querier, topic_id)?.active)
    }
}
