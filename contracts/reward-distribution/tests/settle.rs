//! One topic, epoch by epoch: emission, class split, payouts, delegators, claims, dust,
//! checked against nous-math on the same inputs and against conservation after each step.

mod common;

use common::*;
use cosmwasm_std::{Addr, Decimal, Uint128};
use nous_math::rewards;
use nous_math::sorted_map::SortedMap;
use nous_math::{Fixed, Rules};
use nous_types::reward_distribution::{EpochOutcome, QueryMsg};

const STAKE: u128 = 1_000_000 * TOKEN;
const REVENUE: u128 = 100 * TOKEN;

fn f(d: cosmwasm_std::SignedDecimal) -> Fixed {
    Fixed::from(d)
}

fn fd(d: Decimal) -> Fixed {
    Fixed::try_from(d).unwrap()
}

/// A topic with 3 inferers, 2 forecasters and 2 reputers (rep-a: 40% delegated).
fn story() -> (Suite, MockScores) {
    let mut s = Suite::new(1_000_000 * TOKEN);
    s.add_topic(1, EPOCH, STAKE, REVENUE);
    let scores = scored(&s, 1, 3, 2, &["rep-a", "rep-b"]);
    s.set_scores(1, None, scores.clone());
    let (a, b) = (s.addr("rep-a"), s.addr("rep-b"));
    s.set_reputer_stake(1, &a, 600_000 * TOKEN, 400_000 * TOKEN);
    s.set_reputer_stake(1, &b, 500_000 * TOKEN, 0);
    s.activate(1).unwrap();
    s.assert_invariants();
    (s, scores)
}

/// What nous-math pays for a first epoch (no smoothing history) with budget `e`.
fn expected_first_epoch(scores: &MockScores, e: u128, stakes: &[u128]) -> SortedMap<Addr, u128> {
    let p = global_params().rewards;
    let map = |xs: &[ActorScore]| -> SortedMap<u32, Fixed> {
        xs.iter().map(|a| (a.actor_index, f(a.score))).collect()
    };
    let (inf, fc, rep) = (
        map(&scores.inferers),
        map(&scores.forecasters),
        map(&scores.reputers),
    );
    let eps = Fixed::from_raw(10_000_000_000_000_000); // topic epsilon 0.01
    let inf_sample: Vec<Fixed> = inf.values().copied().collect();
    let fc_sample: Vec<Fixed> = fc.values().copied().collect();
    let u = rewards::worker_reward_fractions(
        &inf,
        &inf_sample,
        fd(p.p_reward_inference),
        fd(p.c_reward_inference),
        eps,
    )
    .unwrap();
    let v = rewards::worker_reward_fractions(
        &fc,
        &fc_sample,
        fd(p.p_reward_forecast),
        fd(p.c_reward_forecast),
        eps,
    )
    .unwrap();
    let stake_map: SortedMap<u32, u128> = scores
        .reputers
        .iter()
        .zip(stakes)
        .map(|(r, s)| (r.actor_index, *s))
        .collect();
    let w = rewards::reputer_reward_fractions(&stake_map, &rep, fd(p.p_reward_reputer)).unwrap();
    let none = SortedMap::new();
    let (a, b) = (fd(p.task_reward_alpha), fd(p.beta_entropy));
    let hf = rewards::smoothed_entropy(&u, &none, a, b).unwrap().entropy;
    let hg = rewards::smoothed_entropy(&v, &none, a, b).unwrap().entropy;
    let hh = rewards::smoothed_entropy(&w, &none, a, b).unwrap().entropy;
    let (chi, _) =
        rewards::forecasting_utility(f(scores.forecasting_task_score), &inf, Fixed::ZERO, a)
            .unwrap();
    let split = rewards::class_reward_split(hf, hg, hh, chi).unwrap();
    let budgets = rewards::class_budgets(e, &split).unwrap();
    let mut out = SortedMap::new();
    for (actors, fractions, budget) in [
        (&scores.inferers, &u, budgets.inference),
        (&scores.forecasters, &v, budgets.forecasting),
        (&scores.reputers, &w, budgets.reputation),
    ] {
        let pay = rewards::payout(budget, fractions).unwrap();
        for a in actors.iter() {
            out.insert(
                a.owner.clone(),
                pay.amounts.get(&a.actor_index).copied().unwrap_or(0),
            );
        }
    }
    out
}

#[test]
fn one_epoch_pays_what_nous_math_computes() {
    let (mut s, scores) = story();
    let treasury_before = s.balance(&s.vault);

    // Not closed yet: nothing to settle.
    s.close_epoch(0, EPOCH);
    s.set_height(s.height() - 1);
    assert!(s.settle(None, None).is_err());
    s.close_epoch(0, EPOCH);
    s.settle(None, None).unwrap();
    s.assert_invariants();

    let r = s.epoch_reward(1, 0).expect("breakdown stored");
    assert_eq!(r.outcome, EpochOutcome::Rewarded);
    // Emission (§10): ê = 0.025 · (T/N_staked) · (N_circ/N_total) = 0.025 · 1 · 0.5 = 0.0125
    // (below the cap 0.0095/0.5), first month e = ê; E_month = 0.0125 · 1e6 tokens;
    // e_block = E_month / 1000; one topic: E_t = e_block · 10.
    let e_month = 12_500 * TOKEN;
    let target = e_month / BLOCKS_PER_MONTH as u128 * EPOCH as u128;
    assert_eq!(r.target.u128(), target);
    assert_eq!(r.drawn.u128(), target);
    assert_eq!(s.balance(&s.vault), treasury_before - target);
    let cs = target / 4;
    assert_eq!(r.chain_security.u128(), cs);
    assert_eq!(s.balance(&s.security), cs);
    assert_eq!(r.topic_reward.u128(), target - cs);
    let em = s.latest_month().unwrap();
    assert_eq!(em.month_emission.u128(), e_month);
    assert_eq!(em.emission_per_token, dec("0.0125"));

    // Every participant's credit equals nous-math's payout for the same inputs.
    let stakes = [1_000_000 * TOKEN, 500_000 * TOKEN];
    let expected = expected_first_epoch(&scores, target - cs, &stakes);
    let (rep_a, rep_b) = (s.addr("rep-a-owner"), s.addr("rep-b-owner"));
    let mut paid = 0u128;
    for (owner, amount) in &expected {
        paid += amount;
        if *owner == rep_a {
            // 40% of rep-a's stake is delegated: trunc(reward · 0.4) goes to staking.
            let to_delegators = amount * 4 / 10;
            assert_eq!(s.deposited(1, &s.addr("rep-a")), to_delegators);
            assert_eq!(s.claimable(owner), amount - to_delegators);
        } else {
            assert_eq!(s.claimable(owner), *amount, "{owner}");
        }
    }
    assert!(expected[&rep_b] > 0);
    assert_eq!(s.deposited(1, &s.addr("rep-b")), 0);
    assert_eq!(
        r.paid_inferers + r.paid_forecasters + r.paid_reputers + r.delegators + r.dust_out,
        r.topic_reward
    );
    assert_eq!(paid + r.dust_out.u128(), r.topic_reward.u128());
    assert_eq!(s.totals().dust, r.dust_out);

    // Claims pay exactly the claimable, once.
    let who = s.addr("inferer1");
    let owed = s.claimable(&who);
    assert!(owed > 0);
    s.claim(&who).unwrap();
    assert_eq!(s.balance(&who), owed);
    assert_eq!(s.claimable(&who), 0);
    s.assert_invariants();
    assert!(s.claim(&who).is_err());
}

/// Reward-distribution maps scores to rewards by the rules recorded with them: under the
/// improved rules an inferer whose score is zero is paid nothing, under the reference the
/// same scores pay it (φ of a zero score is positive).
#[test]
fn the_recorded_rules_decide_the_reward_map() {
    let paid_to_zero_scorer = |rules: Rules| {
        let (mut s, mut scores) = story();
        scores.inferers[0].score = cosmwasm_std::SignedDecimal::zero();
        scores.rules = rules;
        s.set_scores(1, None, scores);
        s.close_epoch(0, EPOCH);
        s.settle(None, None).unwrap();
        s.assert_invariants();
        let others = s.claimable(&s.addr("inferer1")) + s.claimable(&s.addr("inferer2"));
        assert!(others > 0, "{rules:?}");
        s.claimable(&s.addr("inferer0"))
    };
    assert!(paid_to_zero_scorer(Rules::REFERENCE) > 0);
    assert_eq!(paid_to_zero_scorer(Rules::IMPROVED), 0);
}

#[test]
fn many_epochs_carry_dust_and_smoothing() {
    let (mut s, _) = story();
    for k in 0..5 {
        s.close_epoch(k, EPOCH);
        s.settle(Some(1), None).unwrap();
        s.assert_invariants();
        let r = s.epoch_reward(1, k).unwrap();
        assert_eq!(r.outcome, EpochOutcome::Rewarded);
        assert_eq!(
            r.drawn + r.dust_in,
            r.chain_security
                + r.paid_inferers
                + r.paid_forecasters
                + r.paid_reputers
                + r.delegators
                + r.dust_out,
            "epoch {k}: everything drawn is allocated"
        );
        if k > 0 {
            let prev = s.epoch_reward(1, k - 1).unwrap();
            assert_eq!(r.dust_in, prev.dust_out, "dust is carried, never dropped");
        }
    }
    assert_eq!(s.status(1).last_settled_epoch, Some(4));
    assert_month_totals(&s, 5);
}

#[test]
fn empty_and_unscorable_epochs_draw_nothing() {
    let (mut s, scores) = story();
    // epoch 0: synthesis had nothing to score
    let mut empty = scores.clone();
    empty.status = ScoresStatus::Empty;
    s.set_scores(1, Some(0), empty);
    // epoch 1: inconsistent answer (duplicate actor index)
    let mut bad = scores.clone();
    bad.inferers[1].actor_index = bad.inferers[0].actor_index;
    s.set_scores(1, Some(1), bad);
    s.close_epoch(1, EPOCH);
    let vault = s.balance(&s.vault);
    s.settle(Some(1), None).unwrap();
    assert_eq!(s.balance(&s.vault), vault);
    assert_eq!(
        s.epoch_reward(1, 0).unwrap().outcome,
        EpochOutcome::NoScores
    );
    assert_eq!(
        s.epoch_reward(1, 1).unwrap().outcome,
        EpochOutcome::Unscorable
    );
    assert_eq!(s.epoch_reward(1, 1).unwrap().drawn, Uint128::zero());
    s.assert_invariants();
}

#[test]
fn pending_scores_wait_and_resume() {
    let (mut s, scores) = story();
    let mut pending = scores.clone();
    pending.status = ScoresStatus::Pending;
    s.set_scores(1, Some(1), pending);
    s.close_epoch(3, EPOCH);
    s.settle(Some(1), None).unwrap();
    assert_eq!(
        s.status(1).last_settled_epoch,
        Some(0),
        "stops at the first unscored epoch"
    );
    // Nothing more until synthesis scores epoch 1.
    assert!(s.settle(Some(1), None).is_err());
    s.set_scores(1, Some(1), scores);
    s.settle(Some(1), None).unwrap();
    assert_eq!(s.status(1).last_settled_epoch, Some(3));
    s.assert_invariants();
}

#[test]
fn an_empty_treasury_settles_without_rewards_and_keeps_the_dust() {
    let (mut s, _) = story();
    s.close_epoch(0, EPOCH);
    s.settle(Some(1), None).unwrap();
    let dust = s.totals().dust;
    // Drain the treasury: the next epoch is scored but nothing can be drawn.
    let vault = s.vault.clone();
    let sink = s.addr("sink");
    let bal = s.balance(&vault);
    cw_multi_test::Executor::send_tokens(&mut s.app, vault, sink, &cosmwasm_std::coins(bal, DENOM))
        .unwrap();
    s.close_epoch(1, EPOCH);
    s.settle(Some(1), None).unwrap();
    let r = s.epoch_reward(1, 1).unwrap();
    assert_eq!(r.outcome, EpochOutcome::NoEmission);
    assert!(r.target > Uint128::zero());
    assert_eq!(r.drawn, Uint128::zero());
    assert_eq!(r.dust_in, Uint128::zero());
    assert_eq!(s.totals().dust, dust, "dust waits for an epoch that draws");
    s.assert_invariants();
}

#[test]
fn queries_answer_what_was_settled() {
    let (mut s, _) = story();
    s.close_epoch(2, EPOCH);
    s.settle(None, None).unwrap();
    let last: nous_types::reward_distribution::LastSettledResponse = s
        .app
        .wrap()
        .query_wasm_smart(&s.contract, &QueryMsg::LastSettledEpoch { topic_id: 1 })
        .unwrap();
    assert_eq!(last.epoch, Some(2));
    let never: nous_types::reward_distribution::LastSettledResponse = s
        .app
        .wrap()
        .query_wasm_smart(&s.contract, &QueryMsg::LastSettledEpoch { topic_id: 9 })
        .unwrap();
    assert_eq!(never.epoch, None);
    assert!(!s.status(9).active);
    // Claimables page through every owner with a balance, and sum to the total owed.
    let mut all = vec![];
    let mut start_after = None;
    loop {
        let page: nous_types::reward_distribution::ClaimablesResponse = s
            .app
            .wrap()
            .query_wasm_smart(
                &s.contract,
                &QueryMsg::Claimables {
                    start_after: start_after.clone(),
                    limit: Some(3),
                },
            )
            .unwrap();
        if page.claimables.is_empty() {
            break;
        }
        start_after = page.claimables.last().map(|c| c.address.to_string());
        all.extend(page.claimables);
    }
    assert_eq!(all.len(), 3 + 2 + 2);
    let sum: Uint128 = all.iter().map(|c| c.amount).sum();
    assert_eq!(sum, s.totals().claimable);
    let config: nous_types::reward_distribution::Config = s
        .app
        .wrap()
        .query_wasm_smart(&s.contract, &QueryMsg::Config {})
        .unwrap();
    assert_eq!(config.chain_security_recipient, s.security);
    let own: cw_ownable::Ownership<String> = s
        .app
        .wrap()
        .query_wasm_smart(&s.contract, &QueryMsg::Ownership {})
        .unwrap();
    assert_eq!(own.owner, Some(s.owner.to_string()));
}

/// The §8 state a topic carries between epochs, replayed with nous-math in the test.
#[derive(Default)]
struct Model {
    smoothed: [SortedMap<u32, Fixed>; 3],
    inferer_samples: Vec<Fixed>,
    forecaster_samples: Vec<Fixed>,
    ratio: Fixed,
}

impl Model {
    /// Gross payout per owner for one epoch with topic reward `e`.
    fn step(
        &mut self,
        scores: &MockScores,
        e: u128,
        stakes: &SortedMap<u32, u128>,
    ) -> SortedMap<Addr, u128> {
        let p = global_params().rewards;
        let map = |xs: &[ActorScore]| -> SortedMap<u32, Fixed> {
            xs.iter().map(|a| (a.actor_index, f(a.score))).collect()
        };
        let (inf, fc, rep) = (
            map(&scores.inferers),
            map(&scores.forecasters),
            map(&scores.reputers),
        );
        let eps = Fixed::from_raw(10_000_000_000_000_000);
        let max = p.max_samples_to_scale_scores as usize;
        self.inferer_samples = rewards::score_sample(
            &[
                inf.values().copied().collect(),
                self.inferer_samples.clone(),
            ],
            max,
        );
        self.forecaster_samples = rewards::score_sample(
            &[
                fc.values().copied().collect(),
                self.forecaster_samples.clone(),
            ],
            max,
        );
        let u = rewards::worker_reward_fractions(
            &inf,
            &self.inferer_samples,
            fd(p.p_reward_inference),
            fd(p.c_reward_inference),
            eps,
        )
        .unwrap();
        let v = rewards::worker_reward_fractions(
            &fc,
            &self.forecaster_samples,
            fd(p.p_reward_forecast),
            fd(p.c_reward_forecast),
            eps,
        )
        .unwrap();
        let w = rewards::reputer_reward_fractions(stakes, &rep, fd(p.p_reward_reputer)).unwrap();
        let (a, b) = (fd(p.task_reward_alpha), fd(p.beta_entropy));
        let mut entropies = [Fixed::ZERO; 3];
        for (i, fr) in [&u, &v, &w].into_iter().enumerate() {
            let out = rewards::smoothed_entropy(fr, &self.smoothed[i], a, b).unwrap();
            entropies[i] = out.entropy;
            self.smoothed[i].extend(out.smoothed);
        }
        let (chi, ratio) =
            rewards::forecasting_utility(f(scores.forecasting_task_score), &inf, self.ratio, a)
                .unwrap();
        self.ratio = ratio;
        let split =
            rewards::class_reward_split(entropies[0], entropies[1], entropies[2], chi).unwrap();
        let budgets = rewards::class_budgets(e, &split).unwrap();
        let mut out = SortedMap::new();
        for (actors, fractions, budget) in [
            (&scores.inferers, &u, budgets.inference),
            (&scores.forecasters, &v, budgets.forecasting),
            (&scores.reputers, &w, budgets.reputation),
        ] {
            let pay = rewards::payout(budget, fractions).unwrap();
            for a in actors.iter() {
                *out.entry(a.owner.clone()).or_default() +=
                    pay.amounts.get(&a.actor_index).copied().unwrap_or(0);
            }
        }
        out
    }
}

#[test]
fn smoothing_state_carries_across_epochs_of_one_call() {
    let (mut s, base) = story();
    // Three epochs with changing scores and sets: an inferer joins, a forecaster leaves.
    let mut epochs = vec![];
    for k in 0..3u64 {
        let mut sc = scored(
            &s,
            1,
            3 + k as u32,
            2 - (k as u32).min(1),
            &["rep-a", "rep-b"],
        );
        for (i, a) in sc.inferers.iter_mut().enumerate() {
            a.score =
                cosmwasm_std::SignedDecimal::percent((i as i64 * 13 + k as i64 * 29) % 50 - 10);
        }
        for (i, r) in sc.reputers.iter_mut().enumerate() {
            r.score = cosmwasm_std::SignedDecimal::percent(80 + 20 * i as i64 + 10 * k as i64);
        }
        sc.forecasting_task_score = cosmwasm_std::SignedDecimal::percent(5 * k as i64 - 3);
        s.set_scores(1, Some(k), sc.clone());
        epochs.push(sc);
    }
    let _ = base;
    s.close_epoch(2, EPOCH);
    s.settle(Some(1), None).unwrap();
    s.assert_invariants();

    let mut model = Model::default();
    let mut gross: SortedMap<Addr, u128> = SortedMap::new();
    let stakes: SortedMap<u32, u128> = [(200, 1_000_000 * TOKEN), (201, 500_000 * TOKEN)]
        .into_iter()
        .collect();
    for (k, sc) in epochs.iter().enumerate() {
        let r = s.epoch_reward(1, k as u64).unwrap();
        assert_eq!(r.outcome, EpochOutcome::Rewarded);
        for (owner, amount) in model.step(sc, r.topic_reward.u128(), &stakes) {
            let rep_a = s.addr("rep-a-owner");
            let net = if owner == rep_a {
                amount - amount * 4 / 10
            } else {
                amount
            };
            *gross.entry(owner).or_default() += net;
        }
    }
    for (owner, amount) in &gross {
        assert_eq!(s.claimable(owner), *amount, "{owner}");
    }
    assert_month_totals(&s, 3);
}

/// The month's record adds up what the settled epochs `0..epochs` of topic 1 paid (the
/// reputer share of the next month is computed from it, §10).
fn assert_month_totals(s: &Suite, epochs: u64) {
    let em = s.latest_month().unwrap();
    let (mut topic, mut reputation) = (Uint128::zero(), Uint128::zero());
    for k in 0..epochs {
        let r = s.epoch_reward(1, k).unwrap();
        topic += r.topic_reward;
        reputation += r.reputation;
    }
    assert!(!topic.is_zero() && !reputation.is_zero());
    assert_eq!(
        (em.topic_rewards_paid, em.reputer_rewards_paid),
        (topic, reputation)
    );
}

#[test]
fn a_cw20_deployment_draws_pays_and_deposits_in_the_token() {
    let mut s = Suite::cw20(1_000_000 * TOKEN);
    s.add_topic(1, EPOCH, STAKE, REVENUE);
    let scores = scored(&s, 1, 3, 2, &["rep-a", "rep-b"]);
    s.set_scores(1, None, scores);
    let a = s.addr("rep-a");
    s.set_reputer_stake(1, &a, 600_000 * TOKEN, 400_000 * TOKEN);
    let b = s.addr("rep-b");
    s.set_reputer_stake(1, &b, 500_000 * TOKEN, 0);
    s.activate(1).unwrap();
    s.close_epoch(3, EPOCH);
    s.settle(None, None).unwrap();
    s.assert_invariants();
    let drawn: u128 = (0..4)
        .map(|k| s.epoch_reward(1, k).unwrap().drawn.u128())
        .sum();
    assert!(drawn > 0);
    assert_eq!(s.balance(&s.vault), 1_000_000 * TOKEN - drawn);
    assert_eq!(
        s.balance(&s.security),
        (0..4)
            .map(|k| s.epoch_reward(1, k).unwrap().chain_security.u128())
            .sum::<u128>()
    );
    // The delegators' part reached staking through cw20 Send.
    assert_eq!(s.balance(&s.staking), s.deposited(1, &a));
    assert!(s.deposited(1, &a) > 0);
    let who = s.addr("forecaster100");
    let owed = s.claimable(&who);
    s.claim(&who).unwrap();
    assert_eq!(s.balance(&who), owed);
    s.assert_invariants();
}

/// Finding F7 of issue 10: a creator could change ε after an epoch was scored and before
/// it was settled, and settlement read the topic's current ε. Synthesis now records ε
/// with the epoch's scores; settlement uses that. Two runs of the same three scored epochs,
/// one where the creator raises ε to 5 between scoring and settlement: every credit,
/// deposit and breakdown is the same. Checked: with settlement reading the registry's ε
/// again, the credits differ and this test fails.
#[test]
fn epsilon_changed_after_scoring_does_not_change_the_settled_rewards() {
    let run = |change_epsilon: bool| {
        let (mut s, _) = story();
        s.close_epoch(2, EPOCH);
        if change_epsilon {
            let mut t = topic(1, EPOCH);
            t.params.epsilon = dec("5");
            s.exec_mock(&s.registry.clone(), &RegistryExec::SetTopic(t));
        }
        s.settle(Some(1), None).unwrap();
        s.assert_invariants();
        let owners: Vec<Addr> = ["inferer0", "inferer1", "inferer2"]
            .iter()
            .chain(&[
                "forecaster100",
                "forecaster101",
                "rep-a-owner",
                "rep-b-owner",
            ])
            .map(|n| s.addr(n))
            .collect();
        let credits: Vec<u128> = owners.iter().map(|o| s.claimable(o)).collect();
        let records: Vec<_> = (0..3).map(|k| s.epoch_reward(1, k).unwrap()).collect();
        (credits, s.deposited(1, &s.addr("rep-a")), records)
    };
    let (credits, deposited, records) = run(false);
    assert!(credits.iter().all(|c| *c > 0), "every owner is paid");
    assert_eq!(run(true), (credits, deposited, records));
}
