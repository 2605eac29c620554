//! The whole suite under random action sequences (issue 10): a fixed-seed generator draws
//! valid and invalid actions of every kind (topics, registrations, stake, delegation,
//! removals, payloads, loss bundles, window closes, settlement, claims, fees, admin
//! parameter changes, calls by strangers), runs them on the native-denom and the cw20
//! deployment, and checks the suite's invariants after every step:
//!
//! - conservation: every token is in an account or a contract, nothing created or lost,
//!   and each contract holds exactly what it owes plus its dust and parked payouts
//!   (`Suite::assert_conservation`);
//! - staking's `total_staked` equals the sum of every self-stake and delegation, and its
//!   reward funds cover every delegator's pending rewards;
//! - reward-distribution's claimable total equals the sum of what each address may claim,
//!   and its `weight_sum` equals the sum of the active topics' weights;
//! - a refusal is one of the typed errors the action may legitimately meet (no `Std`,
//!   overflow or maths error, no panic);
//! - no epoch is settled twice, a settled epoch's record never changes, and the last
//!   settled epoch never goes back;
//! - no address earns delegator rewards from a pool whose deposits' snapshots never
//!   counted a delegation of it;
//! - at the end every staker and delegator exits, everyone claims, and staking and
//!   reward-distribution are left with nothing owed.
//!
//! A failing sequence is shrunk (chunks removed while it still fails) and printed as one
//! JSON line; add that line to `fuzz_regressions.jsonl`, whose cases run before the
//! random ones. `NOUS_FUZZ_STEPS` (steps per deployment, default 5,000: 10,000 in all) and
//! `NOUS_FUZZ_SEED` change the run: `NOUS_FUZZ_STEPS=100000 cargo test -p nous-tests
//! --test suite_fuzz --release`.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

use cosmwasm_std::{Addr, Decimal, SignedDecimal, Uint128};
use cw20::{Cw20ExecuteMsg, Denom};
use cw_multi_test::{AppResponse, Executor};
use nous_tests::{attr, error_name, topic_params, Suite, SuiteBuilder};
use nous_types::fee_vault as vault_msg;
use nous_types::reward_distribution as reward_msg;
use nous_types::staking as staking_msg;
use nous_types::synthesis::{ForecastElement, LossBundle, NetworkInference, WorkerValue};
use nous_types::topic_registry::{self as registry_msg, Role, Topic};
use serde::{Deserialize, Serialize};

const ACTORS: [&str; 10] = ["u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"];
/// Cranks windows and settlement; never registers.
const KEEPER: &str = "keeper";
const MAX_TOPICS: usize = 3;
const LEN: u64 = 12;
const WINDOW: u64 = 5;
const LAG: u64 = 15;
const UNBONDING: u64 = 20;
/// 6-decimal token: every account starts with one million tokens.
const UNIT: u128 = 1_000_000;
const START_BALANCE: u128 = 1_000_000 * UNIT;
const DEFAULT_STEPS: usize = 5_000;
const DEFAULT_SEED: u64 = 0x006e_6f75_732d_3130;

// ------------------------------------------------------------------------ actions

/// An amount, resolved against the state when the action runs.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
enum Amt {
    Zero,
    One,
    /// The relevant minimum (minimum stake, delegation or removal), minus one when `true`.
    Min(bool),
    /// A number of whole tokens.
    Tokens(u32),
    /// Per mille of the sender's balance (or of the position, for removals).
    PerMille(u16),
    /// `u128::MAX`.
    Max,
}

/// One step. Actors, reputers and topics are indices (`t` past the created topics is an
/// unknown topic id), so a sequence stays meaningful when steps are removed from it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
enum Action {
    Advance(u64),
    CreateTopic {
        who: u8,
    },
    UpdateTopicEpsilon {
        who: u8,
        t: u8,
        permille: u16,
    },
    Register {
        who: u8,
        t: u8,
        reputer: bool,
    },
    Unregister {
        who: u8,
        t: u8,
        reputer: bool,
    },
    AddStake {
        who: u8,
        t: u8,
        amt: Amt,
    },
    RemoveStake {
        who: u8,
        t: u8,
        amt: Amt,
    },
    CancelRemoveStake {
        who: u8,
        t: u8,
    },
    Delegate {
        who: u8,
        t: u8,
        to: u8,
        amt: Amt,
    },
    Undelegate {
        who: u8,
        t: u8,
        to: u8,
        amt: Amt,
    },
    CancelUndelegate {
        who: u8,
        t: u8,
        to: u8,
    },
    ProcessRemovals {
        limit: Option<u32>,
    },
    WithdrawDue {
        who: u8,
        t: u8,
        to: Option<u8>,
    },
    ClaimDelegator {
        who: u8,
        t: u8,
        to: u8,
    },
    FundTopic {
        who: u8,
        t: u8,
        amt: Amt,
    },
    FundTreasury {
        who: u8,
        amt: Amt,
    },
    PayForRead {
        who: u8,
        t: u8,
    },
    TransferAndSync {
        who: u8,
        amt: Amt,
    },
    Activate {
        t: u8,
    },
    Payload {
        who: u8,
        t: u8,
        late: bool,
        value: i64,
        forecast: bool,
    },
    Losses {
        who: u8,
        t: u8,
        seed: u64,
    },
    CloseWindows {
        t: u8,
        limit: Option<u32>,
    },
    Settle {
        t: Option<u8>,
        limit: Option<u32>,
    },
    Claim {
        who: u8,
    },
    RetryParked,
    AdminParams {
        seed: u64,
    },
    AdminConfig {
        seed: u64,
    },
    Intrude {
        who: u8,
        kind: u8,
    },
}

/// splitmix64: small, fixed, and enough to spread the choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn actor(&mut self) -> u8 {
        self.below(ACTORS.len() as u64) as u8
    }
    /// Mostly u0..u5, which then tend to be workers.
    fn worker(&mut self) -> u8 {
        if self.below(5) == 0 {
            self.actor()
        } else {
            self.below(6) as u8
        }
    }
    /// Mostly u6..u9, which then tend to be reputers.
    fn reputer(&mut self) -> u8 {
        if self.below(5) == 0 {
            self.actor()
        } else {
            6 + self.below(4) as u8
        }
    }
    /// Mostly a created topic, sometimes one that does not exist.
    fn topic(&mut self) -> u8 {
        if self.below(20) == 0 {
            MAX_TOPICS as u8 + self.below(3) as u8
        } else {
            self.below(MAX_TOPICS as u64) as u8
        }
    }
    fn amt(&mut self) -> Amt {
        match self.below(20) {
            0 => Amt::Zero,
            1 => Amt::One,
            2 => Amt::Min(true),
            3..=6 => Amt::Min(false),
            7 => Amt::Max,
            8..=13 => Amt::Tokens(self.below(2_000) as u32 + 1),
            _ => Amt::PerMille(self.below(1_001) as u16),
        }
    }
    fn limit(&mut self) -> Option<u32> {
        match self.below(4) {
            0 => None,
            _ => Some(self.below(6) as u32),
        }
    }
}

fn generate(seed: u64, steps: usize) -> Vec<Action> {
    let mut r = Rng(seed);
    (0..steps)
        .map(|i| {
            let who = r.actor();
            // the topics first, so that most steps act on something
            if i < MAX_TOPICS {
                return Action::CreateTopic { who };
            }
            match r.below(100) {
                // about 40 steps an epoch; now and then a long silence
                0..=7 => Action::Advance(match r.below(50) {
                    0 => 30 + r.below(100),
                    _ => 1 + r.below(3),
                }),
                8..=13 => Action::Payload {
                    who: r.worker(),
                    t: r.topic(),
                    late: false,
                    value: r.below(2_000_000) as i64,
                    forecast: r.below(3) == 0,
                },
                14 => Action::CreateTopic { who },
                15 => Action::UpdateTopicEpsilon {
                    who,
                    t: r.topic(),
                    permille: r.below(1_200) as u16,
                },
                16..=21 => {
                    let reputer = r.below(2) == 0;
                    Action::Register {
                        who: if reputer { r.reputer() } else { r.worker() },
                        t: r.topic(),
                        reputer,
                    }
                }
                22 => Action::Unregister {
                    who,
                    t: r.topic(),
                    reputer: r.below(2) == 0,
                },
                23..=27 => Action::AddStake {
                    who: r.reputer(),
                    t: r.topic(),
                    amt: r.amt(),
                },
                28..=29 => Action::RemoveStake {
                    who,
                    t: r.topic(),
                    amt: r.amt(),
                },
                30 => Action::CancelRemoveStake { who, t: r.topic() },
                31..=35 => Action::Delegate {
                    who,
                    t: r.topic(),
                    to: r.reputer(),
                    amt: r.amt(),
                },
                36..=37 => Action::Undelegate {
                    who,
                    t: r.topic(),
                    to: r.actor(),
                    amt: r.amt(),
                },
                38 => Action::CancelUndelegate {
                    who,
                    t: r.topic(),
                    to: r.actor(),
                },
                39..=40 => Action::ProcessRemovals { limit: r.limit() },
                41 => Action::WithdrawDue {
                    who,
                    t: r.topic(),
                    to: (r.below(2) == 0).then(|| r.actor()),
                },
                42..=43 => Action::ClaimDelegator {
                    who,
                    t: r.topic(),
                    to: r.actor(),
                },
                44..=46 => Action::FundTopic {
                    who,
                    t: r.topic(),
                    amt: r.amt(),
                },
                47 => Action::FundTreasury { who, amt: r.amt() },
                48 => Action::PayForRead { who, t: r.topic() },
                49 => Action::TransferAndSync { who, amt: r.amt() },
                50..=51 => Action::Activate { t: r.topic() },
                52..=66 => Action::Payload {
                    who,
                    t: r.topic(),
                    late: r.below(15) == 0,
                    value: r.below(2_000_000) as i64 - 50_000,
                    forecast: r.below(3) == 0,
                },
                67..=76 => Action::Losses {
                    who: r.reputer(),
                    t: r.topic(),
                    seed: r.next(),
                },
                77..=83 => Action::CloseWindows {
                    t: r.topic(),
                    limit: r.limit(),
                },
                84..=89 => Action::Settle {
                    t: (r.below(2) == 0).then(|| r.topic()),
                    limit: r.limit(),
                },
                90..=92 => Action::Claim { who },
                93 => Action::RetryParked,
                94 => Action::AdminParams { seed: r.next() },
                95 => Action::AdminConfig { seed: r.next() },
                _ => Action::Intrude {
                    who,
                    kind: r.below(8) as u8,
                },
            }
        })
        .collect()
}

// ------------------------------------------------------------------------ errors

/// The refusals an action may meet in a random state. Anything else is a finding.
fn allowed(action: &Action) -> &'static [&'static str] {
    match action {
        Action::Advance(_) => &[],
        Action::CreateTopic { .. } => &[],
        Action::UpdateTopicEpsilon { .. } => &[
            "registry::TopicNotFound",
            "registry::NotTopicCreator",
            "registry::WorkerWindowOpen",
            "registry::Param",
        ],
        Action::Register { .. } => &[
            "registry::TopicNotFound",
            "registry::AlreadyRegistered",
            "registry::Payment::NoFunds",
        ],
        Action::Unregister { .. } => &["registry::NotRegistered", "registry::TopicNotFound"],
        Action::AddStake { .. } => &[
            "staking::NotRegisteredReputer",
            "staking::BelowMinimumStake",
            "staking::ZeroAmount",
            "staking::Payment::NoFunds",
            "cw20::InvalidZeroAmount",
        ],
        Action::RemoveStake { .. } => &[
            "staking::ZeroAmount",
            "staking::InsufficientStake",
            "staking::RemovalBelowMinimum",
            "staking::RemainingStakeBelowMinimum",
            "staking::RemovalAlreadyPending",
        ],
        Action::CancelRemoveStake { .. } => &["staking::NoPendingRemoval"],
        Action::Delegate { .. } => &[
            "staking::NotRegisteredReputer",
            "staking::SelfDelegation",
            "staking::BelowMinimumDelegation",
            "staking::ZeroAmount",
            "staking::TooManyPendingChanges",
            "staking::Payment::NoFunds",
            "cw20::InvalidZeroAmount",
        ],
        Action::Undelegate { .. } => &[
            "staking::NoDelegation",
            "staking::ZeroAmount",
            "staking::InsufficientStake",
            "staking::RemovalBelowMinimum",
            "staking::RemainingDelegationBelowMinimum",
            "staking::RemovalAlreadyPending",
            "staking::TooManyPendingChanges",
        ],
        Action::CancelUndelegate { .. } => &[
            "staking::NoPendingRemoval",
            "staking::NoDelegation",
            "staking::TooManyPendingChanges",
        ],
        Action::ProcessRemovals { .. } => &["staking::ZeroLimit"],
        Action::WithdrawDue { .. } => &[
            "staking::NoPendingRemoval",
            "staking::RemovalNotDue",
            "staking::NoDelegation",
        ],
        Action::ClaimDelegator { .. } => &["staking::NothingToClaim", "staking::NoDelegation"],
        Action::FundTopic { .. } => &[
            "vault::TopicNotFound",
            "vault::ZeroAmount",
            "vault::Payment::NoFunds",
            "cw20::InvalidZeroAmount",
        ],
        Action::FundTreasury { .. } => &[
            "vault::ZeroAmount",
            "vault::Payment::NoFunds",
            "cw20::InvalidZeroAmount",
        ],
        // the fee of an unknown topic is guessed, and may be the wrong one
        Action::PayForRead { .. } => &[
            "vault::TopicNotFound",
            "vault::InsufficientFee",
            "vault::Overpayment",
        ],
        Action::TransferAndSync { .. } => &["vault::NothingToSync", "cw20::InvalidZeroAmount"],
        Action::Activate { .. } => &[
            "rewards::TopicNotFound",
            "rewards::TopicAlreadyActive",
            "rewards::WeightBelowMinimum",
        ],
        Action::Payload { .. } => &[
            "synthesis::UnknownTopic",
            "synthesis::NotRegistered",
            "synthesis::WorkerWindowNotOpen",
            "synthesis::ClosesPending",
            "synthesis::TopicInactive",
            "synthesis::AlreadySubmitted",
            "synthesis::NegativeInference",
        ],
        Action::Losses { .. } => &[
            "synthesis::UnknownTopic",
            "synthesis::NotRegistered",
            "synthesis::ReputerWindowNotOpen",
            "synthesis::ClosesPending",
            "synthesis::AlreadySubmitted",
            "synthesis::UnknownNonce",
            "synthesis::NoNetworkInference",
            "synthesis::StakeBelowMinimum",
            "synthesis::NotClosedYet",
            "synthesis::TopicNotSeen",
        ],
        Action::CloseWindows { .. } => &["synthesis::TopicNotSeen", "synthesis::UnknownTopic"],
        Action::Settle { .. } => &[
            "rewards::NothingToSettle",
            "rewards::TopicNotActive",
            "rewards::TopicNotFound",
            "rewards::InvalidLimit",
        ],
        Action::Claim { .. } => &["rewards::NothingToClaim"],
        Action::RetryParked => &["rewards::NothingParked"],
        Action::AdminParams { .. } => &["registry::Param", "registry::TokenDecimalsFixed"],
        Action::AdminConfig { .. } => &[
            "rewards::InvalidConfig",
            "staking::InvalidMinimumDelegation",
            "staking::ZeroRemovalCap",
        ],
        Action::Intrude { kind, .. } => match kind {
            0 | 5 | 6 | 7 => &[
                "registry::Ownership",
                "rewards::Ownership",
                "staking::Ownership",
            ],
            1 => &["vault::NotRewardDistributor"],
            2 => &["vault::NotRegistry"],
            3 => &["staking::NotRewardDistributor"],
            _ => &["synthesis::NotTopicRegistry"],
        },
    }
}

// ------------------------------------------------------------------------ the world

/// (delegator, topic, reputer).
type DelegationKey = (Addr, u64, Addr);

/// What the checks remember between steps.
#[derive(Default)]
struct Model {
    topics: Vec<u64>,
    /// Every settled epoch's record as first seen.
    settled: BTreeMap<(u64, u64), reward_msg::EpochReward>,
    last_settled: BTreeMap<u64, u64>,
    /// (delegator, topic, reputer) -> the height of its first successful `Delegate`. A
    /// change in block h counts for snapshots after h, so no deposit for a snapshot at or
    /// before it may pay the delegation (kept wide: a delegation that left and came back
    /// keeps its first height).
    first_delegated: BTreeMap<DelegationKey, u64>,
    /// Pools' last deposit snapshot as last seen.
    last_snapshot: BTreeMap<(u64, Addr), u64>,
    /// Delegations some deposit's snapshot may have counted.
    counted: BTreeSet<DelegationKey>,
    /// Delegator rewards paid out, per delegation.
    claimed: BTreeMap<DelegationKey, u128>,
}

struct World {
    s: Suite,
    m: Model,
}

fn name(i: u8) -> &'static str {
    ACTORS[i as usize % ACTORS.len()]
}

impl World {
    fn new(cw20: bool) -> World {
        let mut accounts = ACTORS.to_vec();
        accounts.push(KEEPER);
        let mut b = SuiteBuilder::new()
            .with_accounts(&accounts)
            .with_initial_balance(START_BALANCE)
            .with_removals(UNBONDING, 5)
            .with_params(|p| p.rewards.blocks_per_month = 1_000);
        if cw20 {
            b = b.with_cw20();
        }
        World {
            s: b.build(),
            m: Model::default(),
        }
    }
}

fn topic_id(m: &Model, t: u8) -> u64 {
    {
        m.topics
            .get(t as usize)
            .copied()
            .unwrap_or(1_000 + u64::from(t))
    }
}

fn topic(s: &Suite, id: u64) -> Option<Topic> {
    s.app
        .wrap()
        .query_wasm_smart(&s.registry, &registry_msg::QueryMsg::Topic { topic_id: id })
        .ok()
}

fn staking_config(s: &Suite) -> staking_msg::Config {
    s.app
        .wrap()
        .query_wasm_smart(&s.staking, &staking_msg::QueryMsg::Config {})
        .expect("staking config")
}

fn reputer_stake(s: &Suite, t: u64, who: &Addr) -> staking_msg::ReputerStakeResponse {
    s.app
        .wrap()
        .query_wasm_smart(
            &s.staking,
            &staking_msg::QueryMsg::ReputerStake {
                topic_id: t,
                reputer: who.to_string(),
            },
        )
        .expect("reputer stake")
}

fn delegations(s: &Suite, who: &Addr) -> Vec<staking_msg::DelegationResponse> {
    let mut out = vec![];
    let mut start_after = None;
    loop {
        let page: staking_msg::DelegationsResponse = s
            .app
            .wrap()
            .query_wasm_smart(
                &s.staking,
                &staking_msg::QueryMsg::DelegationsByDelegator {
                    delegator: who.to_string(),
                    start_after: start_after.clone(),
                    limit: Some(30),
                },
            )
            .expect("delegations");
        let Some(last) = page.delegations.last() else {
            return out;
        };
        start_after = Some(staking_msg::DelegationCursor {
            topic_id: last.topic_id,
            reputer: last.reputer.to_string(),
        });
        out.extend(page.delegations);
    }
}

fn resolve(amt: Amt, minimum: u128, base: u128) -> u128 {
    match amt {
        Amt::Zero => 0,
        Amt::One => 1,
        Amt::Min(less) => minimum.saturating_sub(u128::from(less)),
        Amt::Tokens(n) => u128::from(n) * UNIT,
        Amt::PerMille(p) => base / 1_000 * u128::from(p),
        Amt::Max => u128::MAX,
    }
}

impl World {
    /// Runs one action; `Ok(true)` when it changed state, `Err` for a refusal.
    fn apply(&mut self, a: &Action) -> Result<Option<AppResponse>, (anyhow::Error, bool)> {
        let (s, m) = (&mut self.s, &mut self.m);
        let balance_of = |s: &Suite, who: &str| s.balance(&s.addr(who));
        // `overdraft`: the sender could not pay; any refusal is then expected
        let (res, overdraft) = match a.clone() {
            Action::Advance(n) => {
                s.advance_blocks(n);
                return Ok(None);
            }
            Action::CreateTopic { who } => {
                if m.topics.len() >= MAX_TOPICS {
                    return Ok(None);
                }
                let fee = s.params().registry.create_topic_fee.u128();
                let over = fee > balance_of(s, name(who));
                match s.create_topic(name(who), topic_params(LEN, WINDOW, LAG)) {
                    Ok(id) => {
                        m.topics.push(id);
                        return Ok(None);
                    }
                    Err(e) => (Err(e), over),
                }
            }
            Action::UpdateTopicEpsilon { who, t, permille } => {
                let id = topic_id(m, t);
                let mut params = topic_params(LEN, WINDOW, LAG);
                params.epsilon = Decimal::permille(u64::from(permille));
                let sender = s.addr(name(who));
                let registry = s.registry.clone();
                (
                    s.app.execute_contract(
                        sender,
                        registry,
                        &registry_msg::ExecuteMsg::UpdateTopic {
                            topic_id: id,
                            params,
                        },
                        &[],
                    ),
                    false,
                )
            }
            Action::Register { who, t, reputer } => {
                let id = topic_id(m, t);
                let fee = s.params().registry.registration_fee.u128();
                let over = fee > balance_of(s, name(who));
                let role = if reputer { Role::Reputer } else { Role::Worker };
                (s.register(name(who), id, role), over)
            }
            Action::Unregister { who, t, reputer } => {
                let id = topic_id(m, t);
                let role = if reputer { Role::Reputer } else { Role::Worker };
                (s.unregister(name(who), id, role), false)
            }
            Action::AddStake { who, t, amt } => {
                let id = topic_id(m, t);
                let min = s.params().staking.required_minimum_stake.u128();
                let bal = balance_of(s, name(who));
                let amount = resolve(amt, min, bal);
                (s.add_stake(name(who), id, amount), amount > bal)
            }
            Action::RemoveStake { who, t, amt } => {
                let id = topic_id(m, t);
                let own = reputer_stake(s, id, &s.addr(name(who))).self_stake.u128();
                let amount = resolve(amt, staking_config(s).min_removal.u128(), own);
                (s.remove_stake(name(who), id, amount), false)
            }
            Action::CancelRemoveStake { who, t } => {
                let id = topic_id(m, t);
                (
                    s.call_staking(
                        name(who),
                        &staking_msg::ExecuteMsg::CancelRemoveStake { topic_id: id },
                    ),
                    false,
                )
            }
            Action::Delegate { who, t, to, amt } => {
                let id = topic_id(m, t);
                let bal = balance_of(s, name(who));
                let amount = resolve(amt, staking_config(s).min_delegation.u128(), bal);
                let before = s.height();
                let res = s.delegate(name(who), id, name(to), amount);
                if res.is_ok() {
                    let key = (s.addr(name(who)), id, s.addr(name(to)));
                    m.first_delegated.entry(key).or_insert(before);
                }
                (res, amount > bal)
            }
            Action::Undelegate { who, t, to, amt } => {
                let id = topic_id(m, t);
                let (d, r) = (s.addr(name(who)), s.addr(name(to)));
                let held = delegations(s, &d)
                    .into_iter()
                    .find(|x| x.topic_id == id && x.reputer == r)
                    .map_or(0, |x| x.amount.u128());
                let amount = resolve(amt, staking_config(s).min_removal.u128(), held);
                (s.undelegate(name(who), id, name(to), amount), false)
            }
            Action::CancelUndelegate { who, t, to } => {
                let id = topic_id(m, t);
                let reputer = s.addr(name(to)).to_string();
                (
                    s.call_staking(
                        name(who),
                        &staking_msg::ExecuteMsg::CancelUndelegate {
                            topic_id: id,
                            reputer,
                        },
                    ),
                    false,
                )
            }
            Action::ProcessRemovals { limit } => (s.process_removals(KEEPER, limit), false),
            Action::WithdrawDue { who, t, to } => {
                let id = topic_id(m, t);
                let reputer = to.map(|r| s.addr(name(r)).to_string());
                (
                    s.call_staking(
                        name(who),
                        &staking_msg::ExecuteMsg::WithdrawDue {
                            topic_id: id,
                            reputer,
                        },
                    ),
                    false,
                )
            }
            Action::ClaimDelegator { who, t, to } => {
                let id = topic_id(m, t);
                let reputer = s.addr(name(to));
                let res = s.call_staking(
                    name(who),
                    &staking_msg::ExecuteMsg::ClaimDelegatorRewards {
                        topic_id: id,
                        reputer: reputer.to_string(),
                    },
                );
                if let Ok(r) = &res {
                    let paid: u128 = attr(r, "amount").and_then(|v| v.parse().ok()).unwrap_or(0);
                    *self
                        .m
                        .claimed
                        .entry((s.addr(name(who)), id, reputer))
                        .or_default() += paid;
                }
                (res, false)
            }
            Action::FundTopic { who, t, amt } => {
                let id = topic_id(m, t);
                let bal = balance_of(s, name(who));
                let amount = resolve(amt, UNIT, bal);
                (s.fund_topic(name(who), id, amount), amount > bal)
            }
            Action::FundTreasury { who, amt } => {
                let bal = balance_of(s, name(who));
                let amount = resolve(amt, UNIT, bal);
                (s.fund_treasury(name(who), amount), amount > bal)
            }
            Action::PayForRead { who, t } => {
                // the fee the vault asks for this topic, or its configured fee for an
                // unknown one (the vault then refuses the topic)
                let id = topic_id(m, t);
                let fee = s
                    .app
                    .wrap()
                    .query_wasm_smart::<vault_msg::ReadFeeResponse>(
                        &s.vault,
                        &vault_msg::QueryMsg::ReadFee { topic_id: id },
                    )
                    .map_or(500, |r| r.amount.u128());
                let over = fee > balance_of(s, name(who));
                (
                    s.pay(
                        name(who),
                        s.vault.clone(),
                        fee,
                        &vault_msg::ExecuteMsg::PayForRead { topic_id: id },
                        &vault_msg::ReceiveMsg::PayForRead { topic_id: id },
                    ),
                    over,
                )
            }
            Action::TransferAndSync { who, amt } => {
                let bal = balance_of(s, name(who));
                let amount = resolve(amt, UNIT, bal);
                // the bank refuses an empty transfer before any contract sees it
                if amount > bal || amount == 0 {
                    return Ok(None);
                }
                let res = transfer_to_vault(s, name(who), amount).and_then(|_| {
                    let vault = s.vault.clone();
                    let sender = s.addr(name(who));
                    s.app.execute_contract(
                        sender,
                        vault,
                        &vault_msg::ExecuteMsg::SyncTreasury {},
                        &[],
                    )
                });
                (res, false)
            }
            Action::Activate { t } => {
                let id = topic_id(m, t);
                (s.activate_topic(KEEPER, id), false)
            }
            Action::Payload {
                who,
                t,
                late,
                value,
                forecast,
            } => {
                let id = topic_id(m, t);
                let h = s.height();
                let nonce = topic(s, id)
                    .and_then(|tp| {
                        let c = tp.clock();
                        if late {
                            c.epoch_at(h).map(|e| e.saturating_sub(1))
                        } else {
                            c.open_worker_epoch(h).or_else(|| c.epoch_at(h))
                        }
                    })
                    .unwrap_or(0);
                let inference = SignedDecimal::from_atomics(i128::from(value), 3).ok();
                let forecast = forecast.then(|| {
                    (0..4u32)
                        .map(|i| ForecastElement {
                            inferer: i,
                            value: SignedDecimal::from_atomics(
                                i128::from(value.unsigned_abs() as i64 % 5_000) + i128::from(i),
                                3,
                            )
                            .unwrap_or_default(),
                        })
                        .collect()
                });
                (
                    s.submit_payload(name(who), id, nonce, inference, forecast),
                    false,
                )
            }
            Action::Losses { who, t, seed } => {
                let id = topic_id(m, t);
                let h = s.height();
                let nonce = topic(s, id)
                    .and_then(|tp| tp.clock().open_reputer_epoch(h))
                    .unwrap_or(0);
                let bundle = match s.network_inference(id, nonce) {
                    Ok(ni) => bundle_for(&ni, seed),
                    Err(_) => bundle_for_nothing(seed),
                };
                (s.submit_losses(name(who), id, nonce, bundle), false)
            }
            Action::CloseWindows { t, limit } => {
                let id = topic_id(m, t);
                (s.close_windows(KEEPER, id, limit), false)
            }
            Action::Settle { t, limit } => {
                let id = t.map(|t| topic_id(m, t));
                (s.settle(KEEPER, id, limit), false)
            }
            Action::Claim { who } => (s.claim(name(who)), false),
            Action::RetryParked => (
                s.call_rewards(KEEPER, &reward_msg::ExecuteMsg::RetryParked { limit: None }),
                false,
            ),
            Action::AdminParams { seed } => {
                let mut r = Rng(seed);
                let mut p = s.params();
                match r.below(6) {
                    0 => p.registry.create_topic_fee = Uint128::new(r.below(20) as u128 * UNIT),
                    1 => p.registry.registration_fee = Uint128::new(r.below(3) as u128 * UNIT),
                    2 => {
                        p.staking.required_minimum_stake = Uint128::new(r.below(300) as u128 * UNIT)
                    }
                    3 => p.synthesis.p_norm_safe_div = Decimal::percent(r.below(1_200)),
                    4 => p.token_decimals = r.below(19) as u8,
                    _ => p.rewards.min_topic_weight = Decimal::percent(r.below(300)),
                }
                let admin = s.admin.clone();
                let registry = s.registry.clone();
                (
                    s.app.execute_contract(
                        admin,
                        registry,
                        &registry_msg::ExecuteMsg::UpdateParams { params: p },
                        &[],
                    ),
                    false,
                )
            }
            Action::AdminConfig { seed } => {
                let mut r = Rng(seed);
                let admin = s.admin.clone();
                let res = match r.below(3) {
                    0 => s.app.execute_contract(
                        admin,
                        s.rewards.clone(),
                        &reward_msg::ExecuteMsg::UpdateConfig {
                            chain_security_recipient: None,
                            emission: None,
                            max_epochs_per_call: Some(r.below(6) as u32),
                            max_topics_per_call: None,
                        },
                        &[],
                    ),
                    1 => s.app.execute_contract(
                        admin,
                        s.vault.clone(),
                        &vault_msg::ExecuteMsg::UpdateConfig {
                            registry: None,
                            reward_distributor: None,
                            read_fee: Some(Uint128::new(r.below(3) as u128 * 500)),
                        },
                        &[],
                    ),
                    _ => s.app.execute_contract(
                        admin,
                        s.staking.clone(),
                        &staking_msg::ExecuteMsg::UpdateConfig {
                            registry: None,
                            reward_distributor: None,
                            unbonding_blocks: None,
                            max_removals_per_call: Some(r.below(6) as u32),
                            min_removal: Some(Uint128::new(r.below(3) as u128 * 100)),
                            min_delegation: Some(Uint128::new(r.below(3) as u128 * 100)),
                        },
                        &[],
                    ),
                };
                (res, false)
            }
            Action::Intrude { who, kind } => (intrude(s, name(who), kind), false),
        };
        match res {
            Ok(r) => Ok(Some(r)),
            Err(e) => Err((e, overdraft)),
        }
    }
}

/// A plain transfer of the suite's token to the vault (bank send or cw20 `Transfer`).
fn transfer_to_vault(s: &mut Suite, who: &str, amount: u128) -> anyhow::Result<AppResponse> {
    let sender = s.addr(who);
    match s.denom.clone() {
        Denom::Native(d) => {
            s.app
                .send_tokens(sender, s.vault.clone(), &cosmwasm_std::coins(amount, d))
        }
        Denom::Cw20(token) => s.app.execute_contract(
            sender,
            token,
            &Cw20ExecuteMsg::Transfer {
                recipient: s.vault.to_string(),
                amount: Uint128::new(amount),
            },
            &[],
        ),
    }
}

impl World {
    // -------------------------------------------------------------------- invariants

    fn check(&mut self, settle: Option<&AppResponse>) {
        let s = &self.s;
        s.assert_conservation();

        // staking: totals are the sum of the positions; funds cover what is owed
        let totals = s.staking_totals();
        let everyone: Vec<String> = s.accounts.iter().map(|(_, a)| a.to_string()).collect();
        let mut positions = 0u128;
        for t in &self.m.topics {
            let stakes: staking_msg::ReputerStakesResponse = s
                .app
                .wrap()
                .query_wasm_smart(
                    &s.staking,
                    &staking_msg::QueryMsg::ReputerStakes {
                        topic_id: *t,
                        reputers: everyone.clone(),
                        height: None,
                    },
                )
                .expect("reputer stakes");
            positions += stakes
                .stakes
                .iter()
                .map(|r| r.self_stake.u128())
                .sum::<u128>();
        }
        let all_delegations: Vec<staking_msg::DelegationResponse> = s
            .accounts
            .iter()
            .flat_map(|(_, who)| delegations(s, who))
            .collect();
        positions += all_delegations
            .iter()
            .map(|d| d.amount.u128())
            .sum::<u128>();
        let owed: u128 = all_delegations
            .iter()
            .map(|d| d.pending_rewards.u128())
            .sum();
        assert_eq!(
            totals.total_staked.u128(),
            positions,
            "total_staked == Σ positions"
        );
        assert!(
            owed <= totals.reward_funds.u128(),
            "delegator rewards owed {owed} exceed the funds {}",
            totals.reward_funds
        );

        // reward-distribution: what may be claimed adds up, and only known addresses may
        let rt = s.reward_totals();
        let claimables: reward_msg::ClaimablesResponse = s
            .query_rewards(&reward_msg::QueryMsg::Claimables {
                start_after: None,
                limit: Some(100),
            })
            .expect("claimables");
        assert!(
            claimables.claimables.len() < 100,
            "one page holds every claimant"
        );
        for c in &claimables.claimables {
            assert!(
                c.address == s.security || s.accounts.iter().any(|(_, a)| *a == c.address),
                "{} may claim {} but never took part",
                c.address,
                c.amount
            );
        }
        let claimable: u128 = claimables.claimables.iter().map(|c| c.amount.u128()).sum();
        assert_eq!(rt.claimable.u128(), claimable, "claimable == Σ claimables");
        let mut weights = Decimal::zero();
        for t in &self.m.topics {
            let st = s.topic_status(*t);
            if st.active {
                weights += st.weight;
            }
            // the last settled epoch never goes back
            if let Some(e) = st.last_settled_epoch {
                let prev = self.m.last_settled.insert(*t, e);
                assert!(
                    prev.is_none_or(|p| p <= e),
                    "topic {t}: last settled epoch went back"
                );
                for epoch in prev.map_or(0, |p| p + 1)..=e {
                    if let Some(r) = s.epoch_reward(*t, epoch) {
                        self.m.settled.insert((*t, epoch), r);
                    }
                }
            }
        }
        assert_eq!(rt.weight_sum, weights, "weight_sum == Σ active weights");

        // no epoch settled twice; a settled epoch's record never changes
        if let Some(res) = settle {
            let mut seen = BTreeSet::new();
            for e in res
                .events
                .iter()
                .filter(|e| e.ty.ends_with("epoch_settled"))
            {
                let get = |k: &str| {
                    e.attributes
                        .iter()
                        .find(|a| a.key == k)
                        .and_then(|a| a.value.parse::<u64>().ok())
                        .expect("epoch_settled has topic_id and epoch")
                };
                let key = (get("topic_id"), get("epoch"));
                assert!(seen.insert(key), "epoch {key:?} settled twice in one call");
                let stored = s
                    .epoch_reward(key.0, key.1)
                    .expect("a settled epoch is stored");
                if let Some(first) = self.m.settled.get(&key) {
                    assert_eq!(first, &stored, "epoch {key:?} settled again");
                }
                self.m.settled.insert(key, stored);
            }
        }

        self.check_delegator_rewards(&all_delegations);
    }

    /// No delegator earns from a pool whose deposits never counted it.
    fn check_delegator_rewards(&mut self, all: &[staking_msg::DelegationResponse]) {
        let s = &self.s;
        let mut pools: BTreeSet<(u64, Addr)> = BTreeSet::new();
        for (_, t, r) in self.m.first_delegated.keys() {
            pools.insert((*t, r.clone()));
        }
        for (t, r) in pools {
            let pool: staking_msg::PoolResponse = s
                .app
                .wrap()
                .query_wasm_smart(
                    &s.staking,
                    &staking_msg::QueryMsg::Pool {
                        topic_id: t,
                        reputer: r.to_string(),
                    },
                )
                .expect("pool");
            let Some(snap) = pool.last_deposit_snapshot else {
                continue;
            };
            let prev = self.m.last_snapshot.insert((t, r.clone()), snap);
            if prev == Some(snap) {
                continue;
            }
            // deposits landed for snapshots in (prev, snap]: every delegation positive
            // at some height before one of them may have been counted
            for ((d, dt, dr), from) in &self.m.first_delegated {
                if *dt == t && *dr == r && *from < snap {
                    self.m.counted.insert((d.clone(), t, r.clone()));
                }
            }
        }
        for d in all {
            let key = (d.delegator.clone(), d.topic_id, d.reputer.clone());
            let earned = d.pending_rewards.u128() + self.m.claimed.get(&key).copied().unwrap_or(0);
            assert!(
                earned == 0 || self.m.counted.contains(&key),
                "{} earned {earned} in topic {} behind {} though no snapshot counted it",
                d.delegator,
                d.topic_id,
                d.reputer
            );
        }
    }

    /// Everybody leaves: every self-stake and delegation is removed and paid, every reward
    /// claimed; nothing may stay owed.
    fn drain(&mut self) {
        let topics = self.m.topics.clone();
        for who in ACTORS {
            let addr = self.s.addr(who);
            for t in &topics {
                let stake = reputer_stake(&self.s, *t, &addr);
                if stake.pending_removal.is_some() {
                    self.s
                        .call_staking(
                            who,
                            &staking_msg::ExecuteMsg::CancelRemoveStake { topic_id: *t },
                        )
                        .expect("a pending removal can be cancelled");
                }
                if !stake.self_stake.is_zero() {
                    self.s
                        .remove_stake(who, *t, stake.self_stake.u128())
                        .expect("a reputer can always remove its whole stake");
                }
            }
            for d in delegations(&self.s, &addr) {
                let reputer = d.reputer.to_string();
                if d.pending_undelegation.is_some() {
                    self.s
                        .call_staking(
                            who,
                            &staking_msg::ExecuteMsg::CancelUndelegate {
                                topic_id: d.topic_id,
                                reputer: reputer.clone(),
                            },
                        )
                        .expect("a pending undelegation can be cancelled");
                }
                if !d.amount.is_zero() {
                    self.s
                        .app
                        .execute_contract(
                            addr.clone(),
                            self.s.staking.clone(),
                            &staking_msg::ExecuteMsg::Undelegate {
                                topic_id: d.topic_id,
                                reputer,
                                amount: d.amount,
                            },
                            &[],
                        )
                        .expect("a delegator can always undelegate its whole position");
                }
            }
        }
        self.s.advance_blocks(UNBONDING + 1);
        // every removal is due now: each call pays a bounded batch of them
        for _ in 0..1_000 {
            let due: staking_msg::DueRemovalsResponse = self
                .s
                .app
                .wrap()
                .query_wasm_smart(
                    &self.s.staking,
                    &staking_msg::QueryMsg::DueRemovals {
                        height: None,
                        limit: Some(1),
                    },
                )
                .expect("due removals");
            if due.removals.is_empty() {
                break;
            }
            self.s
                .process_removals(KEEPER, None)
                .expect("due removals are paid");
            self.check(None);
        }
        assert_eq!(
            self.s.staking_totals().total_staked.u128(),
            0,
            "every stake paid out"
        );
        for who in ACTORS {
            let addr = self.s.addr(who);
            for d in delegations(&self.s, &addr) {
                if !d.pending_rewards.is_zero() {
                    self.s
                        .call_staking(
                            who,
                            &staking_msg::ExecuteMsg::ClaimDelegatorRewards {
                                topic_id: d.topic_id,
                                reputer: d.reputer.to_string(),
                            },
                        )
                        .expect("counted delegator rewards can be claimed");
                }
            }
            if self.s.claimable(&addr) > 0 {
                self.s.claim(who).expect("claimable rewards can be claimed");
            }
            self.check(None);
        }
        let rt = self.s.reward_totals();
        assert_eq!(rt.claimable.u128(), 0, "nothing left to claim");
    }
}

/// A role-restricted message sent by an actor that does not hold the role.
fn intrude(s: &mut Suite, who: &str, kind: u8) -> anyhow::Result<AppResponse> {
    let sender = s.addr(who);
    let me = sender.to_string();
    match kind {
        0 => {
            let params = s.params();
            s.app.execute_contract(
                sender,
                s.registry.clone(),
                &registry_msg::ExecuteMsg::UpdateParams { params },
                &[],
            )
        }
        1 => s.app.execute_contract(
            sender,
            s.vault.clone(),
            &vault_msg::ExecuteMsg::DrawEmission {
                amount: Uint128::new(1),
            },
            &[],
        ),
        2 => s.app.execute_contract(
            sender,
            s.vault.clone(),
            &vault_msg::ExecuteMsg::RegisterTopic {
                topic_id: 77,
                epoch_length: LEN,
                start_height: s.height(),
            },
            &[],
        ),
        3 => s.app.execute_contract(
            sender,
            s.staking.clone(),
            &staking_msg::ExecuteMsg::DepositDelegatorRewards {
                topic_id: 1,
                rewards: vec![],
            },
            &[],
        ),
        4 => s.app.execute_contract(
            sender,
            s.synthesis.clone(),
            &nous_types::synthesis::ExecuteMsg::SyncRegistration {
                topic_id: 1,
                role: Role::Worker,
                operator: me,
                registration: None,
            },
            &[],
        ),
        5 => s.app.execute_contract(
            sender,
            s.rewards.clone(),
            &reward_msg::ExecuteMsg::UpdateConfig {
                chain_security_recipient: Some(me),
                emission: None,
                max_epochs_per_call: None,
                max_topics_per_call: None,
            },
            &[],
        ),
        6 => s.app.execute_contract(
            sender,
            s.rewards.clone(),
            &reward_msg::ExecuteMsg::RedirectParked {
                id: 0,
                recipient: me,
            },
            &[],
        ),
        _ => s.app.execute_contract(
            sender,
            s.staking.clone(),
            &staking_msg::ExecuteMsg::UpdateConfig {
                registry: Some(me),
                reward_distributor: None,
                unbonding_blocks: None,
                max_removals_per_call: None,
                min_removal: None,
                min_delegation: None,
            },
            &[],
        ),
    }
}

/// A positive loss from the seed and the value's position.
fn loss(seed: u64, i: u64) -> SignedDecimal {
    let mut r = Rng(seed ^ i.wrapping_mul(0x1234_5678_9ABC));
    SignedDecimal::from_atomics(1 + r.below(20_000) as i128, 3).unwrap_or_default()
}

/// A consistent loss bundle for the nonce's network inference.
fn bundle_for(ni: &NetworkInference, seed: u64) -> LossBundle {
    let mut i = 0u64;
    let mut next = || {
        i += 1;
        loss(seed, i)
    };
    let mut list = |xs: &[WorkerValue]| {
        xs.iter()
            .map(|x| WorkerValue {
                worker: x.worker,
                value: next(),
            })
            .collect::<Vec<_>>()
    };
    let inferers = list(&ni.inferences);
    let forecasters = list(&ni.forecast_implied);
    let one_out_inferers = list(&ni.one_out_inferers);
    let one_out_forecasters = list(&ni.one_out_forecasters);
    let one_in_forecasters = list(&ni.one_in_forecasters);
    let one_out_implied = ni
        .one_out_implied
        .iter()
        .enumerate()
        .map(|(k, x)| nous_types::synthesis::WithheldValue {
            withheld: x.withheld,
            forecaster: x.forecaster,
            value: loss(seed, 1_000 + k as u64),
        })
        .collect();
    LossBundle {
        combined: loss(seed, 10_000),
        naive: loss(seed, 10_001),
        inferers,
        forecasters,
        one_out_inferers,
        one_out_forecasters,
        one_in_forecasters,
        one_out_implied,
    }
}

/// A bundle for a nonce without a network inference (refused).
fn bundle_for_nothing(seed: u64) -> LossBundle {
    LossBundle {
        combined: loss(seed, 0),
        naive: loss(seed, 1),
        inferers: vec![],
        forecasters: vec![],
        one_out_inferers: vec![],
        one_out_forecasters: vec![],
        one_in_forecasters: vec![],
        one_out_implied: vec![],
    }
}

/// Small helpers for the messages the Suite has no method for.
trait Calls {
    fn call_staking(
        &mut self,
        who: &str,
        msg: &staking_msg::ExecuteMsg,
    ) -> anyhow::Result<AppResponse>;
    fn call_rewards(
        &mut self,
        who: &str,
        msg: &reward_msg::ExecuteMsg,
    ) -> anyhow::Result<AppResponse>;
}

impl Calls for Suite {
    fn call_staking(
        &mut self,
        who: &str,
        msg: &staking_msg::ExecuteMsg,
    ) -> anyhow::Result<AppResponse> {
        let sender = self.addr(who);
        self.app
            .execute_contract(sender, self.staking.clone(), msg, &[])
    }
    fn call_rewards(
        &mut self,
        who: &str,
        msg: &reward_msg::ExecuteMsg,
    ) -> anyhow::Result<AppResponse> {
        let sender = self.addr(who);
        self.app
            .execute_contract(sender, self.rewards.clone(), msg, &[])
    }
}

// ------------------------------------------------------------------------ running

/// What one run saw, for the report and for tests that the generator reaches the states
/// it should.
#[derive(Debug, Default)]
struct Stats {
    ok: BTreeMap<&'static str, u64>,
    refused: BTreeMap<String, u64>,
    settled_epochs: usize,
    rewarded_epochs: usize,
}

fn kind(a: &Action) -> &'static str {
    match a {
        Action::Advance(_) => "advance",
        Action::CreateTopic { .. } => "create_topic",
        Action::UpdateTopicEpsilon { .. } => "update_topic",
        Action::Register { .. } => "register",
        Action::Unregister { .. } => "unregister",
        Action::AddStake { .. } => "add_stake",
        Action::RemoveStake { .. } => "remove_stake",
        Action::CancelRemoveStake { .. } => "cancel_remove_stake",
        Action::Delegate { .. } => "delegate",
        Action::Undelegate { .. } => "undelegate",
        Action::CancelUndelegate { .. } => "cancel_undelegate",
        Action::ProcessRemovals { .. } => "process_removals",
        Action::WithdrawDue { .. } => "withdraw_due",
        Action::ClaimDelegator { .. } => "claim_delegator",
        Action::FundTopic { .. } => "fund_topic",
        Action::FundTreasury { .. } => "fund_treasury",
        Action::PayForRead { .. } => "pay_for_read",
        Action::TransferAndSync { .. } => "transfer_and_sync",
        Action::Activate { .. } => "activate",
        Action::Payload { .. } => "payload",
        Action::Losses { .. } => "losses",
        Action::CloseWindows { .. } => "close_windows",
        Action::Settle { .. } => "settle",
        Action::Claim { .. } => "claim",
        Action::RetryParked => "retry_parked",
        Action::AdminParams { .. } => "admin_params",
        Action::AdminConfig { .. } => "admin_config",
        Action::Intrude { .. } => "intrude",
    }
}

thread_local! {
    /// The step the current run is at (the sequence's length while draining).
    static STEP: AtomicUsize = const { AtomicUsize::new(0) };
}

/// Runs `actions` on a fresh deployment, checking after each step; panics on a finding.
fn run(actions: &[Action], cw20: bool) -> Stats {
    let mut w = World::new(cw20);
    let mut stats = Stats::default();
    for (i, a) in actions.iter().enumerate() {
        STEP.with(|s| s.store(i, Ordering::Relaxed));
        match w.apply(a) {
            Ok(None) if matches!(a, Action::Advance(_)) => {}
            Ok(res) => {
                *stats.ok.entry(kind(a)).or_default() += 1;
                let settle = res.as_ref().filter(|_| matches!(a, Action::Settle { .. }));
                w.check(settle);
            }
            Err((e, overdraft)) => {
                let name = if overdraft {
                    "overdraft".to_string()
                } else {
                    error_name(&e)
                };
                assert!(
                    overdraft || allowed(a).contains(&name.as_str()),
                    "step {i}: {a:?} was refused with {name}: {e:#}"
                );
                *stats.refused.entry(name).or_default() += 1;
            }
        }
    }
    STEP.with(|s| s.store(actions.len(), Ordering::Relaxed));
    w.drain();
    stats.settled_epochs = w.m.settled.len();
    stats.rewarded_epochs =
        w.m.settled
            .values()
            .filter(|r| r.outcome == reward_msg::EpochOutcome::Rewarded)
            .count();
    stats
}

/// `run` with the panic caught: `Err(message)` on a finding.
fn try_run(actions: &[Action], cw20: bool) -> Result<Stats, String> {
    catch_unwind(AssertUnwindSafe(|| run(actions, cw20))).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".to_string())
    })
}

/// Removes chunks of a failing sequence while it still fails (at most `budget` runs).
fn shrink(mut actions: Vec<Action>, cw20: bool, mut budget: usize) -> Vec<Action> {
    let mut chunk = actions.len() / 2;
    while chunk >= 1 && budget > 0 {
        let mut start = 0;
        let mut removed = false;
        while start < actions.len() && budget > 0 {
            let end = (start + chunk).min(actions.len());
            let mut candidate = actions[..start].to_vec();
            candidate.extend_from_slice(&actions[end..]);
            budget -= 1;
            if try_run(&candidate, cw20).is_err() {
                actions = candidate;
                removed = true;
            } else {
                start = end;
            }
        }
        if !removed {
            chunk /= 2;
        }
    }
    actions
}

#[derive(Serialize, Deserialize)]
struct Regression {
    cw20: bool,
    /// What the case guards.
    note: String,
    /// Epochs the case must see rewarded (so that it still reaches what it guards).
    #[serde(default)]
    min_rewarded: usize,
    actions: Vec<Action>,
}

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn fuzz(cw20: bool) {
    let steps = env_or("NOUS_FUZZ_STEPS", DEFAULT_STEPS);
    let seed = env_or("NOUS_FUZZ_SEED", DEFAULT_SEED) ^ u64::from(cw20);
    let actions = generate(seed, steps);
    // quiet the caught panics of the shrinking runs
    match catch_unwind(AssertUnwindSafe(|| run(&actions, cw20))) {
        Ok(stats) => {
            println!("seed {seed:#x}, {steps} steps, cw20 {cw20}: {stats:#?}");
            // the generator must reach the interesting states, or the run proves little
            assert!(
                stats.rewarded_epochs > 0,
                "no epoch was rewarded: {stats:#?}"
            );
            for k in [
                "delegate",
                "payload",
                "losses",
                "settle",
                "claim",
                "claim_delegator",
            ] {
                assert!(
                    stats.ok.get(k).copied().unwrap_or(0) > 0,
                    "no successful {k}"
                );
            }
        }
        Err(_) => {
            let hook = std::panic::take_hook();
            std::panic::set_hook(Box::new(|_| {}));
            let failing = try_run(&actions, cw20).err().unwrap_or_default();
            // nothing after the failing step matters
            let at = STEP.with(|s| s.load(Ordering::Relaxed));
            let prefix = actions[..actions.len().min(at + 1)].to_vec();
            let minimal = shrink(prefix, cw20, env_or("NOUS_FUZZ_SHRINK", 200));
            std::panic::set_hook(hook);
            let line = serde_json::to_string(&Regression {
                cw20,
                note: failing.lines().next().unwrap_or_default().to_string(),
                min_rewarded: 0,
                actions: minimal.clone(),
            })
            .unwrap_or_default();
            panic!(
                "seed {seed:#x} failed: {failing}\nminimal sequence ({} steps), add it to \
                 tests/tests/fuzz_regressions.jsonl:\n{line}",
                minimal.len()
            );
        }
    }
}

#[test]
fn recorded_regressions_hold() {
    let text = include_str!("fuzz_regressions.jsonl");
    let cases: Vec<Regression> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| serde_json::from_str(l).expect("a regression line is valid JSON"))
        .collect();
    assert!(!cases.is_empty());
    for c in cases {
        match try_run(&c.actions, c.cw20) {
            Err(e) => panic!("regression '{}' fails again: {e}", c.note),
            Ok(stats) => assert!(
                stats.rewarded_epochs >= c.min_rewarded,
                "regression '{}' no longer reaches {} rewarded epochs: {stats:#?}",
                c.note,
                c.min_rewarded
            ),
        }
    }
}

#[test]
fn random_sequences_native() {
    fuzz(false);
}

#[test]
fn random_sequences_cw20() {
    fuzz(true);
}
