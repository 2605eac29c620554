//! Issue 10, findings 5 and 9 through the whole suite on cw-multi-test: extreme but
//! legal amounts and reward terms far below 10^-18 must not stop a topic.
//!
//! - a topic whose whole stake is 1 base unit, against a treasury of 10^14 tokens, settles;
//! - a topic with a reputer delegated more than `i128::MAX` base units keeps scoring and
//!   settling;
//! - two reputers with equal stake reporting mirror-image losses are rewarded 50/50.
//!
//! Each story was run once against the maths before the fix and failed as its comment says.

use std::ops::RangeInclusive;

use cosmwasm_std::{Decimal, SignedDecimal, Uint128};
use nous_math::Fixed;
use nous_tests::{topic_params, Suite, SuiteBuilder};
use nous_types::clock::EpochClock;
use nous_types::reward_distribution::EpochOutcome;
use nous_types::synthesis::{
    EpochResponse, EpochStatus, LossBundle, NetworkInference, QueryMsg, WorkerValue,
};
use nous_types::topic_registry::Role;

/// 10^18 base units: one token.
const TOKEN: u128 = 1_000_000_000_000_000_000;
const LEN: u64 = 12;
const WINDOW: u64 = 5;
const LAG: u64 = 15;
/// Payloads at this offset of their epoch; loss bundles for the previous nonce at
/// REPUTER_OFFSET (inside its reputer window `[start + LAG, start + LAG + LEN)`).
/// With LAG > LEN a nonce's loss is known two nonces later: the first two nonces of a
/// story have no previous network loss, hence no inferer scores, and settle `Unscorable`
/// by design; the nonces from FULL on take the full path.
const WORKER_OFFSET: u64 = 1;
const REPUTER_OFFSET: u64 = 6;
const INFERERS: [&str; 3] = ["inf0", "inf1", "inf2"];
/// The nonces each story runs, and the first of them with a previous network loss.
const NONCES: RangeInclusive<u64> = 3..=8;
const FULL: u64 = 5;

fn sd(x: Fixed) -> SignedDecimal {
    SignedDecimal::raw(x.raw())
}
fn fx(d: SignedDecimal) -> Fixed {
    Fixed::from_raw(d.atomics().i128())
}
fn int(n: u64) -> Fixed {
    Fixed::from_int(n as i128).unwrap()
}

/// Inferer `j`'s inference for nonce `k`: the truth `1000 + k` plus a bias of ±(j+1)/2.
fn inference(j: usize, k: u64) -> SignedDecimal {
    let bias = Fixed::from_ratio(j as i128 + 1, 2).unwrap();
    let truth = int(1000 + k);
    sd(if j.is_multiple_of(2) {
        truth.checked_add(bias).unwrap()
    } else {
        truth.checked_sub(bias).unwrap()
    })
}

/// A reputer's bundle: every value of the network inference scored by `loss`.
fn bundle(ni: &NetworkInference, loss: impl Fn(SignedDecimal) -> SignedDecimal) -> LossBundle {
    let list = |xs: &[WorkerValue]| -> Vec<WorkerValue> {
        xs.iter()
            .map(|x| WorkerValue {
                worker: x.worker,
                value: loss(x.value),
            })
            .collect()
    };
    LossBundle {
        combined: loss(ni.combined),
        naive: loss(ni.naive),
        inferers: list(&ni.inferences),
        forecasters: list(&ni.forecast_implied),
        one_out_inferers: list(&ni.one_out_inferers),
        one_out_forecasters: list(&ni.one_out_forecasters),
        one_in_forecasters: list(&ni.one_in_forecasters),
        one_out_implied: vec![],
    }
}

/// The squared error against the truth of nonce `k`, plus `offset`, times `sign` (±1).
fn squared_error(k: u64, offset: &str, sign: i128) -> impl Fn(SignedDecimal) -> SignedDecimal {
    let offset: Fixed = offset.parse().unwrap();
    move |v| {
        let e = fx(v).checked_sub(int(1000 + k)).unwrap();
        let loss = e.checked_mul(e).unwrap().checked_add(offset).unwrap();
        sd(loss.checked_mul_int(sign).unwrap())
    }
}

/// One topic with three inferers and the given reputers, run epoch by epoch.
struct Story {
    s: Suite,
    topic: u64,
    clock: EpochClock,
    reputers: Vec<&'static str>,
}

impl Story {
    fn new(mut s: Suite, reputers: &[&'static str]) -> Story {
        let topic = s
            .create_topic("ops", topic_params(LEN, WINDOW, LAG))
            .unwrap();
        for w in INFERERS {
            s.register(w, topic, Role::Worker).unwrap();
        }
        for r in reputers {
            s.register(r, topic, Role::Reputer).unwrap();
        }
        let t: nous_types::topic_registry::Topic = s
            .app
            .wrap()
            .query_wasm_smart(
                &s.registry,
                &nous_types::topic_registry::QueryMsg::Topic { topic_id: topic },
            )
            .unwrap();
        Story {
            s,
            topic,
            clock: t.clock(),
            reputers: reputers.to_vec(),
        }
    }

    /// Activates the topic at the start of the first nonce, then runs block by block:
    /// payloads, loss bundles (`losses(reputer index, nonce, inference)`), and a keeper
    /// closing windows and settling after every block, until every nonce is settled.
    /// Returns every settlement error that is not "nothing to settle yet".
    fn run(
        &mut self,
        nonces: RangeInclusive<u64>,
        losses: impl Fn(usize, u64, &NetworkInference) -> LossBundle,
    ) -> Vec<String> {
        let (first, last) = (*nonces.start(), *nonces.end());
        let from = self.clock.epoch_start(first).unwrap();
        let to = self.clock.epoch_start(last + 3).unwrap();
        self.s.advance_blocks(from - self.s.height());
        self.s.activate_topic("ops", self.topic).unwrap();
        let mut errors = vec![];
        for h in from..to {
            self.s.advance_blocks(h - self.s.height());
            let k = self.clock.epoch_at(h).unwrap();
            let off = h - self.clock.epoch_start(k).unwrap();
            if off == WORKER_OFFSET && nonces.contains(&k) {
                for (j, w) in INFERERS.iter().enumerate() {
                    self.s
                        .submit_payload(w, self.topic, k, Some(inference(j, k)), None)
                        .unwrap();
                }
            }
            if off == REPUTER_OFFSET && k > first && nonces.contains(&(k - 1)) {
                let ni = self.s.network_inference(self.topic, k - 1).unwrap();
                for (m, r) in self.reputers.clone().iter().enumerate() {
                    self.s
                        .submit_losses(r, self.topic, k - 1, losses(m, k - 1, &ni))
                        .unwrap();
                }
            }
            let _ = self.s.close_windows("ops", self.topic, None);
            if let Err(e) = self.s.settle("ops", Some(self.topic), None) {
                if !matches!(
                    e.downcast_ref(),
                    Some(reward_distribution::ContractError::NothingToSettle {})
                ) {
                    errors.push(format!("block {h}: {:#}", e.root_cause()));
                }
            }
            self.s.assert_conservation();
        }
        errors
    }

    fn status(&self, nonce: u64) -> EpochResponse {
        self.s
            .query_synthesis(&QueryMsg::Epoch {
                topic_id: self.topic,
                nonce,
            })
            .unwrap()
    }

    fn outcome(&self, nonce: u64) -> Option<EpochOutcome> {
        self.s.epoch_reward(self.topic, nonce).map(|r| r.outcome)
    }
}

/// The whole suite's stake is 1 base unit and the treasury holds 10^14 tokens:
/// `ê_target = 0.025 · 10^32/1 · ½ ≈ 1.25·10^30` per token. Before the fix that ratio
/// overflowed the maths and every `Settle` of the topic failed ("month emission:
/// arithmetic overflow"), so the topic never settled an epoch. Now the target saturates,
/// the cap `ê_max = 0.019` applies and the month emits `trunc(0.019 · 1) = 0`: every
/// epoch settles (with nothing to emit), scored and conserved.
#[test]
fn a_one_unit_stake_against_a_huge_treasury_settles() {
    let s = SuiteBuilder::new()
        .with_accounts(&["ops", "inf0", "inf1", "inf2", "rep0"])
        .with_initial_balance(1_000_000_000_000_000 * TOKEN)
        .with_params(|p| {
            p.staking.required_minimum_stake = Uint128::one();
            p.rewards.min_topic_weight = Decimal::zero();
        })
        .build();
    let mut story = Story::new(s, &["rep0"]);
    let t = story.topic;
    story.s.add_stake("rep0", t, 1).unwrap();
    story.s.fund_topic("ops", t, 1000 * TOKEN).unwrap();
    story
        .s
        .fund_treasury("ops", 100_000_000_000_000 * TOKEN)
        .unwrap();
    assert_eq!(story.s.staking_totals().total_staked.u128(), 1);

    let errors = story.run(NONCES, |_, k, ni| bundle(ni, squared_error(k, "0.01", 1)));
    assert!(errors.is_empty(), "{errors:#?}");
    for k in NONCES {
        assert_eq!(story.status(k).status, EpochStatus::Scored, "nonce {k}");
    }
    for k in FULL..=*NONCES.end() {
        let outcome = story.outcome(k);
        assert!(
            matches!(
                outcome,
                Some(EpochOutcome::NoEmission | EpochOutcome::Rewarded)
            ),
            "nonce {k}: {outcome:?}"
        );
    }
}

/// Seven whales delegate everything they hold, 7/13 of `u128::MAX` ≈ 1.8·10^38 base units
/// (above `i128::MAX`), to `rep0`. Before the fix reward-distribution could not compute
/// the topic's weight, so `ActivateTopic` failed and the topic never earned; and the
/// maths of synthesis's close refused any total stake above 10^28 base units (`Overflow`
/// / "total reputer stake is outside its allowed range", see nous-math's
/// `a_delegation_near_u128_keeps_the_epoch_scored`), skipping every epoch. Now the stakes
/// are normalised: every epoch is scored, and settled with a reward.
#[test]
fn a_delegation_near_u128_keeps_the_topic_scoring() {
    let whales = ["w1", "w2", "w3", "w4", "w5", "w6", "w7"];
    let mut accounts = vec!["ops", "inf0", "inf1", "inf2", "rep0", "rep1"];
    accounts.extend(whales);
    let balance = u128::MAX / accounts.len() as u128;
    let s = SuiteBuilder::new()
        .with_accounts(&accounts)
        .with_initial_balance(balance)
        .build();
    let mut story = Story::new(s, &["rep0", "rep1"]);
    let t = story.topic;
    for r in ["rep0", "rep1"] {
        story.s.add_stake(r, t, 1000 * TOKEN).unwrap();
    }
    for w in whales {
        story.s.delegate(w, t, "rep0", balance).unwrap();
    }
    let stake = story.s.topic_stake(t, None);
    assert!(stake > i128::MAX as u128, "{stake}");
    story.s.fund_topic("ops", t, 1000 * TOKEN).unwrap();
    story.s.fund_treasury("ops", 1_000_000 * TOKEN).unwrap();

    let errors = story.run(NONCES, |m, k, ni| {
        let offset = format!("0.0{}", m + 1);
        bundle(ni, squared_error(k, &offset, 1))
    });
    assert!(errors.is_empty(), "{errors:#?}");
    for k in NONCES {
        let e = story.status(k);
        assert_eq!(e.status, EpochStatus::Scored, "nonce {k}: {:?}", e.failure);
    }
    for k in FULL..=*NONCES.end() {
        assert_eq!(story.outcome(k), Some(EpochOutcome::Rewarded), "nonce {k}");
    }
}

/// Two reputers with equal stake report mirror-image losses (`L` and `−L`): the consensus
/// is 0, its norm falls back to 10^-7 and both scores are about 10^-7, so `(S·T)^3` is
/// about 10^-22 for each. Before the fix both terms truncated to 0, the reward step
/// refused the epoch and it was settled `Unscorable` (nothing paid); reference.py pays
/// them 50/50. Now each nonce is `Rewarded` and both reputers are credited the same.
#[test]
fn mirror_image_reputers_are_rewarded_equally() {
    let s = SuiteBuilder::new()
        .with_accounts(&["ops", "inf0", "inf1", "inf2", "rep0", "rep1"])
        .with_initial_balance(10_000_000 * TOKEN)
        .build();
    let mut story = Story::new(s, &["rep0", "rep1"]);
    let t = story.topic;
    for r in ["rep0", "rep1"] {
        story.s.add_stake(r, t, 1000 * TOKEN).unwrap();
    }
    story.s.fund_topic("ops", t, 1000 * TOKEN).unwrap();
    story.s.fund_treasury("ops", 1_000_000 * TOKEN).unwrap();

    let errors = story.run(NONCES, |m, k, ni| {
        let sign = if m == 0 { 1 } else { -1 };
        bundle(ni, squared_error(k, "0.5", sign))
    });
    assert!(errors.is_empty(), "{errors:#?}");
    for k in FULL..=*NONCES.end() {
        assert_eq!(story.outcome(k), Some(EpochOutcome::Rewarded), "nonce {k}");
        let r = story.s.epoch_reward(t, k).unwrap();
        assert!(r.paid_reputers > Uint128::zero(), "nonce {k}");
    }
    let (a, b) = (story.s.addr("rep0"), story.s.addr("rep1"));
    assert!(story.s.claimable(&a) > 0);
    assert_eq!(story.s.claimable(&a), story.s.claimable(&b), "50/50");
}
