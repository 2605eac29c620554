//! Delegator rewards follow the stake snapshot the distributor sized them with (finding F1
//! of issue 10), through staking's real entry points on cw-multi-test.
//!
//! The model-based property test drives random delegations, undelegations, cancels,
//! payouts, claims and block advances, interleaved with deposits for random past snapshot
//! heights, and compares staking against a brute-force model that knows every
//! delegation's amount at every height:
//! - exactly: each deposit raises the pool's reward-per-share by
//!   `floor((amount·1e18 + carry) / D_H)`, and each delegation earns its amount *at the
//!   snapshot* times that, floored once per life of its record — what staking's lazy
//!   pending changes must add up to;
//! - against plain pro rata: `M = Σ floor(amount · x_H / D_H)` over the deposits,
//!   `M − lives ≤ claimed + claimable ≤ M + (deposits that counted it)`; per pool, what
//!   delegators can claim never exceeds what was deposited, and the dust stays below one
//!   unit per counted delegation per deposit (plus one per ended record).
//!
//! Checked: with the deposit credited by the current delegated total and the pending
//! changes applied at once (the code before the fix), all three tests fail: the property
//! test on a deposit for a snapshot that counted nobody (credited instead of refused) or
//! on the amounts, the stories on the late delegator's and the leaver's rewards. With only
//! the pending changes applied at once, the property test fails on conservation (owed >
//! reward funds).

mod suite;

use std::collections::BTreeMap;

use cosmwasm_std::Addr;
use cw_multi_test::AppResponse;
use nous_types::staking::{ExecuteMsg, REWARD_SCALE};
use proptest::prelude::*;
use staking::ContractError;
use suite::{Suite, SuiteBuilder, MIN_DELEGATION, MIN_STAKE, UNBONDING};

const REPUTERS: [&str; 2] = ["alice", "bob"];
const DELEGATORS: [&str; 3] = ["carol", "dave", "erin"];

#[derive(Debug, Clone)]
enum Op {
    Delegate {
        d: usize,
        r: usize,
        amount: u128,
    },
    /// `percent` of the current amount (100: the whole position).
    Undelegate {
        d: usize,
        r: usize,
        percent: u8,
    },
    Cancel {
        d: usize,
        r: usize,
    },
    Process {
        limit: u32,
    },
    WithdrawDue {
        d: usize,
        r: usize,
    },
    Claim {
        d: usize,
        r: usize,
    },
    Advance {
        blocks: u64,
    },
    /// A deposit for the snapshot `back` blocks ago (not below the topic's last one).
    Deposit {
        r: usize,
        amount: u128,
        back: u64,
    },
    /// Both reputers in one deposit, same snapshot.
    DepositBoth {
        amounts: (u128, u128),
        back: u64,
    },
    /// A deposit for a snapshot before the topic's last one: always refused.
    LateDeposit {
        r: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let d = 0..DELEGATORS.len();
    let r = 0..REPUTERS.len();
    prop_oneof![
        4 => (d.clone(), r.clone(), MIN_DELEGATION..5_000u128)
            .prop_map(|(d, r, amount)| Op::Delegate { d, r, amount }),
        2 => (d.clone(), r.clone(), prop_oneof![Just(100u8), 1..100u8])
            .prop_map(|(d, r, percent)| Op::Undelegate { d, r, percent }),
        1 => (d.clone(), r.clone()).prop_map(|(d, r)| Op::Cancel { d, r }),
        2 => (1..4u32).prop_map(|limit| Op::Process { limit }),
        1 => (d.clone(), r.clone()).prop_map(|(d, r)| Op::WithdrawDue { d, r }),
        2 => (d.clone(), r.clone()).prop_map(|(d, r)| Op::Claim { d, r }),
        3 => (1..6u64).prop_map(|blocks| Op::Advance { blocks }),
        4 => (r.clone(), 1..100_000u128, 0..8u64)
            .prop_map(|(r, amount, back)| Op::Deposit { r, amount, back }),
        1 => ((1..50_000u128, 1..50_000u128), 0..4u64)
            .prop_map(|(amounts, back)| Op::DepositBoth { amounts, back }),
        1 => r.prop_map(|r| Op::LateDeposit { r }),
    ]
}

/// What the model knows of one (delegator, reputer) position.
#[derive(Default)]
struct Position {
    /// (block of the change, amount from the next block on), in order.
    timeline: Vec<(u64, u128)>,
    /// Σ amount-at-snapshot · reward-per-share increase, scaled, in the record's life.
    scaled: u128,
    /// Whole tokens of ended lives (a record is deleted once empty).
    ended: u128,
    lives: u128,
    claimed: u128,
    /// Σ floor(amount · x_H / D_H): the plain pro-rata model.
    pro_rata: u128,
    /// Deposits whose snapshot counted this position.
    counted: u128,
}

impl Position {
    fn at(&self, snapshot: u64) -> u128 {
        self.timeline
            .iter()
            .take_while(|(b, _)| *b < snapshot)
            .last()
            .map_or(0, |(_, a)| *a)
    }

    fn now(&self) -> u128 {
        self.timeline.last().map_or(0, |(_, a)| *a)
    }

    fn set(&mut self, block: u64, amount: u128) {
        match self.timeline.last_mut() {
            Some((b, a)) if *b == block => *a = amount,
            _ => self.timeline.push((block, amount)),
        }
    }

    fn expected(&self) -> u128 {
        self.ended + self.scaled / REWARD_SCALE
    }
}

struct Model {
    s: Suite,
    reputers: Vec<Addr>,
    delegators: Vec<Addr>,
    pos: BTreeMap<(usize, usize), Position>,
    /// Per reputer: the pool's carry, deposited total.
    carry: [u128; 2],
    deposited: [u128; 2],
    /// The snapshot height of the topic's last deposit.
    last_snapshot: Option<u64>,
}

impl Model {
    fn new() -> Model {
        let mut s = SuiteBuilder::new().build();
        let reputers: Vec<Addr> = REPUTERS.iter().map(|n| s.addr(n)).collect();
        let delegators: Vec<Addr> = DELEGATORS.iter().map(|n| s.addr(n)).collect();
        for r in &reputers {
            s.register(1, r);
            s.add_stake(r, 1, MIN_STAKE).unwrap();
        }
        Model {
            s,
            reputers,
            delegators,
            pos: BTreeMap::new(),
            carry: [0; 2],
            deposited: [0; 2],
            last_snapshot: None,
        }
    }

    fn delegation(&self, d: usize, r: usize) -> nous_types::staking::DelegationResponse {
        self.s.delegation(1, &self.reputers[r], &self.delegators[d])
    }

    /// Whether staking still stores the (delegator, reputer) record.
    fn record_exists(&self, d: usize, r: usize) -> bool {
        let key = (&self.delegators[d], 1u64, &self.reputers[r]);
        staking::state::DELEGATIONS.has(&*self.s.app.contract_storage(&self.s.staking), key)
    }

    /// Records the payouts of a removal crank.
    fn paid(&mut self, res: &AppResponse) {
        let height = self.s.height();
        for e in res
            .events
            .iter()
            .filter(|e| e.ty == "wasm-stake_removal_paid")
        {
            let get = |k: &str| {
                e.attributes
                    .iter()
                    .find(|a| a.key == k)
                    .map(|a| a.value.clone())
                    .unwrap()
            };
            let d = self
                .delegators
                .iter()
                .position(|a| a.as_str() == get("address"))
                .unwrap();
            let r = self
                .reputers
                .iter()
                .position(|a| a.as_str() == get("reputer"))
                .unwrap();
            let paid: u128 = get("paid").parse().unwrap();
            let p = self.pos.entry((d, r)).or_default();
            let now = p.now() - paid;
            p.set(height, now);
        }
    }

    /// Deposits `amounts` per reputer for the snapshot at `snapshot`; mirrors the credit
    /// in the model when staking accepts it.
    fn deposit(&mut self, snapshot: u64, amounts: &[(usize, u128)]) {
        let totals: Vec<u128> = amounts
            .iter()
            .map(|(r, _)| {
                self.pos
                    .iter()
                    .filter(|((_, pr), _)| pr == r)
                    .map(|(_, p)| p.at(snapshot))
                    .sum()
            })
            .collect();
        let out_of_order = self.last_snapshot.is_some_and(|l| l > snapshot);
        let distributor = self.s.distributor.clone();
        let sum: u128 = amounts.iter().map(|(_, a)| a).sum();
        let entries: Vec<(&Addr, u128)> = amounts
            .iter()
            .map(|(r, a)| (&self.reputers[*r], *a))
            .collect();
        let res = self
            .s
            .deposit_rewards_at(&distributor, sum, 1, snapshot, &entries);
        if out_of_order {
            assert!(matches!(
                res.unwrap_err().downcast_ref::<ContractError>(),
                Some(ContractError::DepositOutOfOrder { .. })
            ));
            return;
        }
        if totals.contains(&0) {
            assert!(matches!(
                res.unwrap_err().downcast_ref::<ContractError>(),
                Some(ContractError::NoDelegationsAtSnapshot { .. })
            ));
            return;
        }
        res.unwrap();
        // the snapshot staking used is the model's brute-force sum (the helper sent
        // staking's own answer, which staking checked against its snapshot)
        for ((r, _), total) in amounts.iter().zip(&totals) {
            let staking = self
                .s
                .reputer_stakes_at(1, &[&self.reputers[*r]], Some(snapshot))[0]
                .delegated
                .u128();
            assert_eq!(staking, *total, "snapshot {snapshot}");
        }
        self.last_snapshot = Some(snapshot);
        for ((r, amount), total) in amounts.iter().zip(totals) {
            let numerator = amount * REWARD_SCALE + self.carry[*r];
            let increase = numerator / total;
            self.carry[*r] = numerator % total;
            self.deposited[*r] += amount;
            for (_, p) in self.pos.iter_mut().filter(|((_, pr), _)| pr == r) {
                let x = p.at(snapshot);
                if x > 0 {
                    p.scaled += x * increase;
                    p.pro_rata += amount * x / total;
                    p.counted += 1;
                }
            }
        }
    }

    fn step(&mut self, op: &Op) {
        let height = self.s.height();
        match *op {
            Op::Delegate { d, r, amount } => {
                // a new life (its fraction of a token dropped) only where staking deleted
                // the record: one emptied by a settle inside this very call keeps its
                // fraction, although the query already shows it empty
                let fresh = !self.record_exists(d, r);
                let (who, rep) = (self.delegators[d].clone(), self.reputers[r].clone());
                if self.s.delegate(&who, 1, &rep, amount).is_ok() {
                    let p = self.pos.entry((d, r)).or_default();
                    if fresh {
                        p.ended += p.scaled / REWARD_SCALE;
                        p.scaled = 0;
                        p.lives += 1;
                    }
                    let now = p.now() + amount;
                    p.set(height, now);
                }
            }
            Op::Undelegate { d, r, percent } => {
                let now = self.pos.get(&(d, r)).map_or(0, |p| p.now());
                let amount = (now * u128::from(percent) / 100).max(1);
                let (who, rep) = (self.delegators[d].clone(), self.reputers[r].clone());
                let _ = self.s.undelegate(&who, 1, &rep, amount);
            }
            Op::Cancel { d, r } => {
                let (who, rep) = (self.delegators[d].clone(), self.reputers[r].clone());
                let _ = self.s.execute(
                    &who,
                    ExecuteMsg::CancelUndelegate {
                        topic_id: 1,
                        reputer: rep.to_string(),
                    },
                );
            }
            Op::Process { limit } => {
                if let Ok(res) = self.s.process(Some(limit)) {
                    self.paid(&res);
                }
            }
            Op::WithdrawDue { d, r } => {
                let (who, rep) = (self.delegators[d].clone(), self.reputers[r].clone());
                if let Ok(res) = self.s.execute(
                    &who,
                    ExecuteMsg::WithdrawDue {
                        topic_id: 1,
                        reputer: Some(rep.to_string()),
                    },
                ) {
                    self.paid(&res);
                }
            }
            Op::Claim { d, r } => {
                let (who, rep) = (self.delegators[d].clone(), self.reputers[r].clone());
                if let Ok(res) = self.s.claim(&who, 1, &rep) {
                    let amount: u128 = res
                        .events
                        .iter()
                        .flat_map(|e| e.attributes.iter())
                        .find(|a| a.key == "amount")
                        .unwrap()
                        .value
                        .parse()
                        .unwrap();
                    self.pos.entry((d, r)).or_default().claimed += amount;
                }
            }
            Op::Advance { blocks } => self.s.advance_blocks(blocks),
            Op::Deposit { r, amount, back } => {
                let snapshot = height
                    .saturating_sub(back)
                    .max(self.last_snapshot.unwrap_or(0));
                self.deposit(snapshot, &[(r, amount)]);
            }
            Op::DepositBoth { amounts, back } => {
                let snapshot = height
                    .saturating_sub(back)
                    .max(self.last_snapshot.unwrap_or(0));
                self.deposit(snapshot, &[(0, amounts.0), (1, amounts.1)]);
            }
            Op::LateDeposit { r } => {
                if let Some(last) = self.last_snapshot.filter(|l| *l > 0) {
                    self.deposit(last - 1, &[(r, 1_000)]);
                }
            }
        }
        self.check();
    }

    fn check(&mut self) {
        self.s.assert_conserved();
        let mut owed = [0u128; 2];
        for ((d, r), p) in &self.pos {
            let q = self.delegation(*d, *r);
            assert_eq!(q.amount.u128(), p.now(), "amount of ({d}, {r})");
            let total = p.claimed + q.pending_rewards.u128();
            // exact: the lazy bookkeeping equals the brute-force credit of every snapshot
            assert_eq!(total, p.expected(), "rewards of ({d}, {r})");
            // against plain pro rata per deposit
            assert!(
                total + p.lives >= p.pro_rata,
                "({d}, {r}) got {total}, pro rata {}",
                p.pro_rata
            );
            assert!(total <= p.pro_rata + p.counted, "({d}, {r}) overpaid");
            owed[*r] += total;
        }
        for (r, (owed, deposited)) in owed.into_iter().zip(self.deposited).enumerate() {
            assert!(owed <= deposited, "pool {r} pays more than deposited");
            let counted: u128 = self
                .pos
                .iter()
                .filter(|((_, pr), _)| *pr == r)
                .map(|(_, p)| p.counted + p.lives)
                .sum();
            assert!(
                deposited - owed <= counted,
                "pool {r}: dust {} above one unit per counted delegation per deposit",
                deposited - owed
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]
    #[test]
    fn delegator_rewards_follow_the_snapshot_the_deposit_was_sized_with(
        ops in prop::collection::vec(op(), 10..80)
    ) {
        let mut m = Model::new();
        for op in &ops {
            m.step(op);
        }
        // everyone leaves and claims: every counted position can claim its part
        let height_before = m.s.height();
        for d in 0..DELEGATORS.len() {
            for r in 0..REPUTERS.len() {
                let now = m.pos.get(&(d, r)).map_or(0, |p| p.now());
                if now > 0 {
                    m.step(&Op::Cancel { d, r });
                    m.step(&Op::Undelegate { d, r, percent: 100 });
                }
            }
        }
        m.step(&Op::Advance { blocks: UNBONDING });
        while !m.s.due_removals(None).removals.is_empty() {
            m.step(&Op::Process { limit: 3 });
        }
        prop_assert!(m.s.height() > height_before);
        for d in 0..DELEGATORS.len() {
            for r in 0..REPUTERS.len() {
                m.step(&Op::Claim { d, r });
            }
        }
        prop_assert_eq!(m.s.totals().total_staked.u128(), 2 * MIN_STAKE);
    }
}

/// The first attack of F1: someone delegates a large amount just before the
/// permissionless `Settle`, which then deposits the delegators' share of several epochs
/// whose snapshots did not include it. The newcomer gets nothing of them; the delegator
/// the snapshots counted gets all of it. Only snapshots after the delegation count it.
#[test]
fn a_late_delegator_gets_nothing_of_epochs_before_its_delegation() {
    let mut s = SuiteBuilder::new().build();
    let (alice, carol, mallory) = (s.addr("alice"), s.addr("carol"), s.addr("frank"));
    let distributor = s.distributor.clone();
    s.register(1, &alice);
    s.add_stake(&alice, 1, MIN_STAKE).unwrap();
    s.delegate(&carol, 1, &alice, 1_000).unwrap();
    // two epochs' snapshots (reputer windows opening) pass unsettled
    s.advance_blocks(5);
    let h1 = s.height();
    s.advance_blocks(10);
    let h2 = s.height();
    s.advance_blocks(7);
    // just before the keeper's Settle, in the same block
    s.delegate(&mallory, 1, &alice, 1_000_000).unwrap();
    s.deposit_rewards_at(&distributor, 500, 1, h1, &[(&alice, 500)])
        .unwrap();
    s.deposit_rewards_at(&distributor, 700, 1, h2, &[(&alice, 700)])
        .unwrap();
    s.assert_conserved();
    assert_eq!(s.delegation(1, &alice, &mallory).pending_rewards.u128(), 0);
    assert_eq!(
        s.delegation(1, &alice, &carol).pending_rewards.u128(),
        1_200
    );
    assert!(matches!(
        s.claim(&mallory, 1, &alice)
            .unwrap_err()
            .downcast_ref::<ContractError>(),
        Some(ContractError::NothingToClaim {})
    ));
    // the next epoch's snapshot counts the newcomer, pro rata
    s.advance_blocks(1);
    s.deposit_rewards(&distributor, 1_001_000, 1, &[(&alice, 1_001_000)])
        .unwrap();
    assert_eq!(
        s.delegation(1, &alice, &mallory).pending_rewards.u128(),
        1_000_000
    );
    assert_eq!(
        s.delegation(1, &alice, &carol).pending_rewards.u128(),
        2_200
    );
    s.assert_conserved();
}

/// The second attack of F1: a delegator that leaves between the snapshot and the
/// settlement still receives what the snapshot counted it for, after its stake is paid
/// out and its position is gone.
#[test]
fn a_leaver_still_claims_what_it_earned() {
    let mut s = SuiteBuilder::new().build();
    let (alice, carol, dave) = (s.addr("alice"), s.addr("carol"), s.addr("dave"));
    let distributor = s.distributor.clone();
    s.register(1, &alice);
    s.add_stake(&alice, 1, MIN_STAKE).unwrap();
    s.delegate(&carol, 1, &alice, 3_000).unwrap();
    s.delegate(&dave, 1, &alice, 1_000).unwrap();
    s.advance_blocks(1);
    let snapshot = s.height();
    // dave leaves: requested now, paid after the unbonding delay, before the settlement
    s.undelegate(&dave, 1, &alice, 1_000).unwrap();
    s.advance_blocks(UNBONDING);
    let res = s
        .execute(
            &dave,
            ExecuteMsg::WithdrawDue {
                topic_id: 1,
                reputer: Some(alice.to_string()),
            },
        )
        .unwrap();
    assert!(res.events.iter().any(|e| e.ty == "wasm-stake_removal_paid"));
    assert_eq!(s.delegation(1, &alice, &dave).amount.u128(), 0);
    // a newcomer arrives before the settlement too
    let erin = s.addr("erin");
    s.delegate(&erin, 1, &alice, 4_000).unwrap();
    s.deposit_rewards_at(&distributor, 800, 1, snapshot, &[(&alice, 800)])
        .unwrap();
    s.assert_conserved();
    assert_eq!(s.delegation(1, &alice, &dave).pending_rewards.u128(), 200);
    assert_eq!(s.delegation(1, &alice, &carol).pending_rewards.u128(), 600);
    assert_eq!(s.delegation(1, &alice, &erin).pending_rewards.u128(), 0);
    let before = s.balance(&dave);
    s.claim(&dave, 1, &alice).unwrap();
    assert_eq!(s.balance(&dave), before + 200);
    s.assert_conserved();
    // later snapshots count dave no more
    s.advance_blocks(1);
    s.deposit_rewards(&distributor, 700, 1, &[(&alice, 700)])
        .unwrap();
    let d = s.delegation(1, &alice, &dave);
    assert_eq!((d.amount.u128(), d.pending_rewards.u128()), (0, 0));
    assert_eq!(s.delegation(1, &alice, &carol).pending_rewards.u128(), 900);
    assert_eq!(s.delegation(1, &alice, &erin).pending_rewards.u128(), 400);
    s.assert_conserved();
}
