//! Finding 3: the token's decimals are part of the configuration. The same economy, stated
//! in whole tokens, deployed with a 6-decimal and an 18-decimal token: the topic weights
//! and the activation are the same, every amount is the same number of whole tokens (up to
//! the 6-decimal token's last unit), and a topic activates on 6 decimals with the default
//! parameters.
//!
//! Break the defence once to see these fail: read stake and revenue with
//! `Fixed::from_base_units` (18 decimals) in reward-distribution's `maths::topic_weight`
//! and the 6-decimal weight is 10^-12 of the 18-decimal one, so `ActivateTopic` refuses
//! the 6-decimal topic (`WeightBelowMinimum`) and the weights differ.

use std::collections::BTreeMap;

use cosmwasm_std::{Decimal, SignedDecimal};
use nous_tests::{topic_params, Suite, SuiteBuilder};
use nous_types::params::Rules;
use nous_types::reward_distribution::{EpochOutcome, EpochReward};
use nous_types::synthesis::{LossBundle, NetworkInference, WorkerValue};
use nous_types::topic_registry::{
    GlobalParams, QueryMsg as RegistryQuery, Role, Topic, TopicParams,
};
use nous_types::EpochClock;

const INFERERS: [&str; 3] = ["inf0", "inf1", "inf2"];
const REPUTERS: [&str; 2] = ["rep0", "rep1"];
const OTHERS: [&str; 4] = ["creator", "funder", "foundation", "keeper"];
const LEN: u64 = 12;
const WINDOW: u64 = 5;
const LAG: u64 = 15;
/// Nonces that receive payloads (from the activation epoch on).
const NONCES: u64 = 5;

fn accounts() -> Vec<&'static str> {
    INFERERS
        .iter()
        .chain(&REPUTERS)
        .chain(&OTHERS)
        .copied()
        .collect()
}

fn unit(decimals: u8) -> u128 {
    10u128.pow(u32::from(decimals))
}

fn clock(s: &Suite, topic_id: u64) -> EpochClock {
    let topic: Topic = s
        .app
        .wrap()
        .query_wasm_smart(&s.registry, &RegistryQuery::Topic { topic_id })
        .unwrap();
    topic.clock()
}

fn dec(x: i128, places: u32) -> SignedDecimal {
    SignedDecimal::from_atomics(x, places).unwrap()
}

/// The truth of nonce `k`, and inferer `j`'s inference about it (biased by `j`).
fn truth(k: u64) -> i128 {
    100_000 + 70 * k as i128
}

fn inference(j: usize, k: u64) -> SignedDecimal {
    dec(
        truth(k) + (j as i128 + 1) * 3 * if j.is_multiple_of(2) { 1 } else { -1 },
        3,
    )
}

/// Reputer `m`'s loss of a value: its squared error, plus `m` thousandths.
fn loss(m: usize, k: u64, v: SignedDecimal) -> SignedDecimal {
    let err = v - dec(truth(k), 3);
    err * err + dec(m as i128, 3)
}

fn bundle(m: usize, ni: &NetworkInference) -> LossBundle {
    let list = |xs: &[WorkerValue]| {
        xs.iter()
            .map(|x| WorkerValue {
                worker: x.worker,
                value: loss(m, ni.nonce, x.value),
            })
            .collect()
    };
    LossBundle {
        combined: loss(m, ni.nonce, ni.combined),
        naive: loss(m, ni.nonce, ni.naive),
        inferers: list(&ni.inferences),
        forecasters: vec![],
        one_out_inferers: list(&ni.one_out_inferers),
        one_out_forecasters: vec![],
        one_in_forecasters: vec![],
        one_out_implied: vec![],
    }
}

/// What one deployment produced.
#[derive(Debug)]
struct Outcome {
    activation_weight: Decimal,
    /// Settled epochs in order.
    epochs: Vec<EpochReward>,
    /// What each account may claim, and the chain-security recipient's balance.
    claimable: BTreeMap<&'static str, u128>,
    chain_security: u128,
    treasury: u128,
}

/// The economy, in whole tokens: two reputers staking 100,000 and 300,000, a treasury of
/// 10,000,000, the topic funded with 1,000 every epoch, three inferers.
fn run(decimals: u8) -> Outcome {
    let u = unit(decimals);
    let mut s = SuiteBuilder::new()
        .with_decimals(decimals)
        .with_params(|p| p.rewards.blocks_per_month = 1_000)
        .with_accounts(&accounts())
        .with_initial_balance(100_000_000 * u)
        .build();
    s.fund_treasury("foundation", 10_000_000 * u).unwrap();
    // the reference rules: with three inferers, the default's zero floor pays some of them
    // nothing, and this test compares what every account earns under both decimals
    let params = TopicParams {
        rules: Some(Rules::REFERENCE),
        ..topic_params(LEN, WINDOW, LAG)
    };
    let t = s.create_topic("creator", params).unwrap();
    for w in INFERERS {
        s.register(w, t, Role::Worker).unwrap();
    }
    for (m, r) in REPUTERS.iter().enumerate() {
        s.register(r, t, Role::Reputer).unwrap();
        s.add_stake(r, t, (100_000 + 200_000 * m as u128) * u)
            .unwrap();
    }
    s.fund_topic("funder", t, 1_000 * u).unwrap();
    s.activate_topic("keeper", t).unwrap();
    let activation_weight = s.topic_status(t).weight;

    let clock = clock(&s, t);
    let first = clock.epoch_at(s.height()).map_or(0, |e| e + 1);
    let mut inferences: BTreeMap<u64, NetworkInference> = BTreeMap::new();
    for k in first..first + NONCES + 3 {
        let start = clock.epoch_start(k).unwrap();
        s.advance_blocks(start - s.height());
        s.fund_topic("funder", t, 1_000 * u).unwrap();
        // payloads for nonce k in its worker window
        s.advance_blocks(2);
        if k < first + NONCES {
            for (j, w) in INFERERS.iter().enumerate() {
                s.submit_payload(w, t, k, Some(inference(j, k)), None)
                    .unwrap();
            }
        }
        // the worker window of k closes; bundles for nonce k - 1 in its reputer window
        s.advance_blocks(WINDOW + 1);
        s.close_windows("keeper", t, None).unwrap();
        if let Ok(ni) = s.network_inference(t, k) {
            inferences.insert(k, ni);
        }
        if let Some(ni) = k.checked_sub(1).and_then(|p| inferences.get(&p)) {
            let ni = ni.clone();
            for (m, r) in REPUTERS.iter().enumerate() {
                s.submit_losses(r, t, ni.nonce, bundle(m, &ni)).unwrap();
            }
        }
        let _ = s.settle("keeper", Some(t), None);
        s.assert_conservation();
    }
    let epochs: Vec<EpochReward> = (0..first + NONCES + 3)
        .filter_map(|e| s.epoch_reward(t, e))
        .collect();
    let claimable = accounts()
        .into_iter()
        .map(|a| (a, s.claimable(&s.addr(a))))
        .collect();
    Outcome {
        activation_weight,
        epochs,
        claimable,
        chain_security: s.balance(&s.security.clone()),
        treasury: s.treasury(),
    }
}

/// `a6` base units of the 6-decimal token and `a18` of the 18-decimal one are the same
/// number of whole tokens, up to `units` of the 6-decimal token's last digit.
fn assert_same_tokens(what: &str, a6: u128, a18: u128, units: u128) {
    let scale = 10u128.pow(12);
    let diff = (a6 * scale).abs_diff(a18);
    assert!(
        diff <= units * scale,
        "{what}: {a6} (6 decimals) vs {a18} (18 decimals): {diff} apart"
    );
}

#[test]
fn six_and_eighteen_decimal_deployments_weigh_and_reward_alike() {
    let (six, eighteen) = (run(6), run(18));
    // Weights are in whole tokens: the same at activation (stake and fees only), and to
    // 10^-8 at every epoch.
    assert!(six.activation_weight >= Decimal::one());
    assert_eq!(six.activation_weight, eighteen.activation_weight);
    assert_eq!(six.epochs.len(), eighteen.epochs.len());
    let rewarded = six
        .epochs
        .iter()
        .filter(|e| e.outcome == EpochOutcome::Rewarded)
        .count();
    assert!(rewarded >= 3, "{:?}", six.epochs);
    for (a, b) in six.epochs.iter().zip(&eighteen.epochs) {
        let what = format!("epoch {}", a.epoch);
        assert_eq!((a.epoch, a.outcome), (b.epoch, b.outcome), "{what}");
        // The fee revenue drips once per epoch with a ceiling in base units, so the weights
        // part at the 6-decimal token's last digit of the revenue (relative 10^-9).
        let tolerance = b.weight * Decimal::from_ratio(1u128, 100_000_000u128);
        assert!(
            a.weight.abs_diff(b.weight) <= tolerance,
            "{what}: {a:?} vs {b:?}"
        );
        assert_eq!(a.weight_sum, a.weight, "{what}: the only active topic");
        // Amounts: the same whole tokens; the 6-decimal token truncates at 10^-6 token.
        for (name, x, y) in [
            ("target", a.target, b.target),
            ("drawn", a.drawn, b.drawn),
            ("chain security", a.chain_security, b.chain_security),
            ("topic reward", a.topic_reward, b.topic_reward),
            ("inferers", a.paid_inferers, b.paid_inferers),
            ("reputers", a.paid_reputers, b.paid_reputers),
        ] {
            assert_same_tokens(&format!("{what}: {name}"), x.u128(), y.u128(), 5);
        }
    }
    for (who, a6) in &six.claimable {
        assert_same_tokens(who, *a6, eighteen.claimable[who], 10);
    }
    assert!(six.claimable["inf0"] > 0 && six.claimable["rep1"] > 0);
    assert_same_tokens(
        "chain security",
        six.chain_security,
        eighteen.chain_security,
        10,
    );
    assert_same_tokens("treasury", six.treasury, eighteen.treasury, 10);
}

#[test]
fn a_topic_activates_on_six_decimals_with_the_default_parameters() {
    let u = unit(6);
    let mut s = SuiteBuilder::new()
        .with_decimals(6)
        .with_accounts(&accounts())
        .with_initial_balance(10_000 * u)
        .build();
    // The defaults, in whole tokens of this token.
    let p = s.params();
    assert_eq!(p, GlobalParams::defaults(6));
    assert_eq!(p.registry.create_topic_fee.u128(), 10 * u);
    assert_eq!(p.registry.registration_fee.u128(), u);
    assert_eq!(p.staking.required_minimum_stake.u128(), 100 * u);
    assert_eq!(p.rewards.min_topic_weight, Decimal::one());

    let t = s
        .create_topic("creator", topic_params(LEN, WINDOW, LAG))
        .unwrap();
    s.register("inf0", t, Role::Worker).unwrap();
    s.register("rep0", t, Role::Reputer).unwrap();
    // Below the minimum stake: refused; at it: accepted.
    assert!(s.add_stake("rep0", t, 100 * u - 1).is_err());
    s.add_stake("rep0", t, 100 * u).unwrap();
    // One reputer at the minimum stake and the creation and registration fees as revenue
    // (12 tokens over 12-block epochs): weight √(100 · 12/12) = 10 ≥ 1.
    s.activate_topic("keeper", t).unwrap();
    let status = s.topic_status(t);
    assert!(status.active);
    assert_eq!(status.weight, Decimal::from_ratio(10u128, 1u128));
    s.assert_conservation();
}
