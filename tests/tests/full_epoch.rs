//! The full epoch on cw-multi-test: 3 topics over 11 scored epochs each, 8 inferers,
//! 3 forecasters, 4 reputers, 3 delegators, consumers funding and paying per read, a keeper
//! cranking. A native shadow model runs nous-math on exactly the inputs the contracts saw
//! (read back through queries) and every stored value is compared for exact equality:
//! network inferences, network losses, regrets (through the topic initial regret, scores
//! and the next inferences), instant scores, score EMAs, listening coefficients, topic
//! weights, targets, class split and every payout. Conservation is asserted after every
//! block. Variants: the keeper silent for many epochs then cranking with a per-call cap
//! smaller than the backlog (same per-epoch rewards), nonce k / k+1 isolation, the activity
//! gate, reputer stakes as of the reputer window, and the example consumer end to end.

use cosmwasm_std::{Addr, Decimal, SignedDecimal, Uint128};
use cw_multi_test::Executor;
use nous_math::consensus::listening_coefficients;
use nous_math::epoch::{reward_payouts, reward_split, RewardState};
use nous_math::inference::synthesize;
use nous_math::losses::{listened_network_losses, network_losses, ReputerLosses, ReputerReport};
use nous_math::regrets::{
    experienced_regrets, topic_initial_regret, update_regrets, RegretAlphas, RegretState,
};
use nous_math::scores::{forecaster_scores, forecasting_task_score, inferer_scores};
use nous_math::sorted_map::SortedMap;
use nous_math::sortition::score_ema;
use nous_math::stats::quantile;
use nous_math::{Fixed, Params, Rules};
use nous_tests::{attr, topic_params, Suite, SuiteBuilder};
use nous_types::reward_distribution as rd;
use nous_types::staking as st;
use nous_types::synthesis::*;
use nous_types::topic_registry::{Role, TopicParams};
use reward_distribution::maths as rmaths;

const INFERERS: [&str; 8] = [
    "inf0", "inf1", "inf2", "inf3", "inf4", "inf5", "inf6", "inf7",
];
const FORECASTERS: [&str; 3] = ["fc0", "fc1", "fc2"];
const REPUTERS: [&str; 4] = ["rep0", "rep1", "rep2", "rep3"];
const DELEGATORS: [&str; 3] = ["del0", "del1", "del2"];
const OTHERS: [&str; 6] = ["creator", "funder", "dapp", "keeper", "reader", "mallory"];

/// 10^18 base units = one token (the unit of topic weights).
const TOKEN: u128 = 1_000_000_000_000_000_000;
const LEN: u64 = 12;
const WINDOW: u64 = 5;
const LAG: u64 = 15;
/// Worker payloads at this offset of each epoch, reputer bundles (for the previous nonce)
/// at REPUTER_OFFSET, funding and reads at offset 0.
const WORKER_OFFSET: u64 = 4;
const REPUTER_OFFSET: u64 = 6;
/// Activation at epoch 2, offset 3 (epoch 0's reputer window closed: epochs 0 earns
/// nothing, epoch 1 settles with no scores and the same revenue as every later epoch).
const ACTIVATE_EPOCH: u64 = 2;
const ACTIVATE_OFFSET: u64 = 3;
/// Nonces ACTIVATE_EPOCH..=LAST_NONCE receive payloads: 11 scored epochs per topic.
const LAST_NONCE: u64 = 12;
/// Blocks run: until every scored nonce's reputer window closed and was settled.
const END_EPOCH: u64 = LAST_NONCE + 3;

fn accounts() -> Vec<&'static str> {
    INFERERS
        .iter()
        .chain(&FORECASTERS)
        .chain(&REPUTERS)
        .chain(&DELEGATORS)
        .chain(&OTHERS)
        .copied()
        .collect()
}

// ------------------------------------------------------------------- deterministic world

/// A small deterministic generator (splitmix64): no randomness crate.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A value in [-1, 1) with 4 decimals, from the seeds.
fn noise(a: u64, b: u64, c: u64) -> Fixed {
    let r = mix(a.wrapping_mul(1_000_003) ^ mix(b.wrapping_mul(7919) ^ mix(c)));
    Fixed::from_ratio((r % 20_000) as i128 - 10_000, 10_000).unwrap()
}

fn fx_int(n: i128) -> Fixed {
    Fixed::from_int(n).unwrap()
}

fn truth(t: u64, k: u64) -> Fixed {
    fx_int(1000 + 50 * t as i128)
        .checked_add(Fixed::from_ratio(k as i128 * 7, 10).unwrap())
        .unwrap()
}

/// Inferer `j`'s inference in topic index `t` for nonce `k`: the truth plus a bias that
/// grows with `j` plus noise; `None` when it sits this nonce out.
fn inference(t: u64, j: usize, k: u64) -> Option<Fixed> {
    if j == 7 && (k + t).is_multiple_of(4) || j == 6 && (k + t) % 5 == 2 {
        return None;
    }
    let bias = Fixed::from_ratio((j as i128 + 1) * 3, 10).unwrap();
    let sign = if j.is_multiple_of(2) {
        bias
    } else {
        bias.checked_neg().unwrap()
    };
    Some(
        truth(t, k)
            .checked_add(sign)
            .unwrap()
            .checked_add(noise(t, j as u64, k))
            .unwrap(),
    )
}

/// Forecaster `i`'s forecast (predicted losses) about the inferers submitting to `k`.
fn forecast(t: u64, i: usize, k: u64) -> Vec<ForecastElement> {
    (0..INFERERS.len())
        .filter(|j| inference(t, *j, k).is_some())
        .filter(|j| (j + i) % 4 != 3)
        .map(|j| {
            let base = Fixed::from_ratio((j as i128 + 1) * (i as i128 + 2), 20).unwrap();
            let n = noise(100 + t, (i * 10 + j) as u64, k)
                .checked_abs()
                .unwrap()
                .checked_div(fx_int(10))
                .unwrap();
            // `inferer` is the world's inferer number here; the caller maps it to the
            // registry's actor index
            ForecastElement {
                inferer: j as u32,
                value: sd(base.checked_add(n).unwrap()),
            }
        })
        .collect()
}

fn f(d: SignedDecimal) -> Fixed {
    Fixed::from_raw(d.atomics().i128())
}
fn sd(x: Fixed) -> SignedDecimal {
    SignedDecimal::raw(x.raw())
}
fn map(v: &[WorkerValue]) -> SortedMap<u32, Fixed> {
    v.iter().map(|x| (x.worker, f(x.value))).collect()
}
fn scored(v: &[WorkerScore]) -> SortedMap<u32, Fixed> {
    v.iter().map(|x| (x.worker, f(x.value))).collect()
}

/// Reputer `m`'s loss of a value in topic index `t`, nonce `k`: squared error plus a
/// per-reputer offset.
fn loss(t: u64, k: u64, m: usize, v: SignedDecimal) -> SignedDecimal {
    let e = f(v).checked_sub(truth(t, k)).unwrap();
    let sq = e.checked_mul(e).unwrap();
    let off = Fixed::from_ratio((m as i128 + 1) * (1 + (k as i128 + t as i128) % 3), 1000).unwrap();
    sd(sq.checked_add(off).unwrap())
}

fn bundle_for(t: u64, ni: &NetworkInference, m: usize) -> LossBundle {
    let k = ni.nonce;
    let list = |xs: &[WorkerValue]| -> Vec<WorkerValue> {
        xs.iter()
            .map(|x| WorkerValue {
                worker: x.worker,
                value: loss(t, k, m, x.value),
            })
            .collect()
    };
    LossBundle {
        combined: loss(t, k, m, ni.combined),
        naive: loss(t, k, m, ni.naive),
        inferers: list(&ni.inferences),
        forecasters: list(&ni.forecast_implied),
        one_out_inferers: list(&ni.one_out_inferers),
        one_out_forecasters: list(&ni.one_out_forecasters),
        one_in_forecasters: list(&ni.one_in_forecasters),
        one_out_implied: ni
            .one_out_implied
            .iter()
            .map(|x| WithheldValue {
                withheld: x.withheld,
                forecaster: x.forecaster,
                value: loss(t, k, m, x.value),
            })
            .collect(),
    }
}

fn to_losses(b: &LossBundle) -> ReputerLosses {
    ReputerLosses {
        combined: Some(f(b.combined)),
        naive: Some(f(b.naive)),
        inferer: map(&b.inferers),
        forecaster: map(&b.forecasters),
        one_out_inferer: map(&b.one_out_inferers),
        one_out_forecaster: map(&b.one_out_forecasters),
        one_in: map(&b.one_in_forecasters),
        one_out_inferer_forecaster: b
            .one_out_implied
            .iter()
            .map(|x| ((x.forecaster, x.withheld), f(x.value)))
            .collect(),
    }
}

// ------------------------------------------------------------------- shadow model

/// The synthesis maths of one topic over in-memory state.
#[derive(Default, Clone)]
struct SynthShadow {
    regrets: RegretState,
    latest_loss: Option<Fixed>,
    listening: SortedMap<u32, Fixed>,
    inclusions: [SortedMap<u32, u64>; 3],
    emas: [SortedMap<u32, Fixed>; 3],
    worker_closed_below: u64,
    reputer_closed_below: u64,
}

/// The reward maths of one topic (reward-distribution's per-topic state).
#[derive(Default, Clone)]
struct RewardShadow {
    weight: Option<Fixed>,
    smoothed: [SortedMap<u32, Fixed>; 3],
    inferer_samples: Vec<Fixed>,
    forecaster_samples: Vec<Fixed>,
    score_ratio: Fixed,
    settled_upto: Option<u64>,
}

/// Counts of what was compared, for the report.
#[derive(Default, Debug)]
struct Checked {
    inferences: usize,
    losses: usize,
    scores: usize,
    emas: usize,
    initial_regrets: usize,
    rewarded_epochs: usize,
    payouts: usize,
    conservation: usize,
    isolation: usize,
    unscorable: usize,
    /// Epochs whose listened network losses differ from the stake-weighted ones.
    listening_moved_losses: usize,
}

const CLASSES: [ActorClass; 3] = [
    ActorClass::Inferer,
    ActorClass::Forecaster,
    ActorClass::Reputer,
];

fn synth_params(s: &Suite, topic: u64) -> Params {
    let ts: TopicStateResponse = s
        .query_synthesis(&QueryMsg::TopicState { topic_id: topic })
        .unwrap();
    let g = s.params();
    synthesis::maths::maths_params(
        &synthesis::state::CachedGlobals {
            synthesis: g.synthesis,
            staking: g.staking,
            read_at: 0,
            payment: None,
        },
        &ts.params,
        ts.params.active_inferer_quantile,
    )
    .unwrap()
}

impl SynthShadow {
    /// The worker window of `nonce` was closed: its stored inference must equal the maths
    /// run on the payloads the contract holds.
    fn close_worker(&mut self, s: &Suite, topic: u64, nonce: u64, c: &mut Checked) {
        let Ok(got) = s.network_inference(topic, nonce) else {
            return; // nobody submitted
        };
        let payloads: WorkerPayloadsResponse = s
            .query_synthesis(&QueryMsg::WorkerPayloads {
                topic_id: topic,
                nonce,
                start_after: None,
                limit: Some(100),
            })
            .unwrap();
        let inf: SortedMap<u32, Fixed> = payloads
            .payloads
            .iter()
            .filter_map(|p| p.inference.map(|v| (p.worker, f(v))))
            .collect();
        let fc: SortedMap<u32, Vec<(u32, Fixed)>> = payloads
            .payloads
            .iter()
            .filter_map(|p| {
                p.forecast.as_ref().map(|els| {
                    (
                        p.worker,
                        els.iter()
                            .filter(|e| inf.contains_key(&e.inferer))
                            .map(|e| (e.inferer, f(e.value)))
                            .collect::<Vec<_>>(),
                    )
                })
            })
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let p = synth_params(s, topic);
        let want = synthesize(&inf, &fc, self.latest_loss, &self.regrets, &p).unwrap();
        let ctx = format!("topic {topic} nonce {nonce}");
        assert_eq!(map(&got.inferences), inf, "{ctx}: frozen inferences");
        assert_eq!(f(got.combined), want.combined, "{ctx}: combined");
        assert_eq!(f(got.naive), want.naive, "{ctx}: naive");
        assert_eq!(map(&got.forecast_implied), want.forecast_implied, "{ctx}");
        assert_eq!(map(&got.one_out_inferers), want.one_out_inferer, "{ctx}");
        assert_eq!(
            map(&got.one_out_forecasters),
            want.one_out_forecaster,
            "{ctx}"
        );
        assert_eq!(
            map(&got.one_in_forecasters),
            want.one_in_forecaster,
            "{ctx}"
        );
        let ooi: SortedMap<(u32, u32), Fixed> = got
            .one_out_implied
            .iter()
            .map(|x| ((x.forecaster, x.withheld), f(x.value)))
            .collect();
        assert_eq!(ooi, want.forecast_implied_one_out, "{ctx}");
        let bars: Vec<Fixed> = got.error_bars.iter().map(|p| f(p.value)).collect();
        assert_eq!(bars, want.error_bars, "{ctx}: error bars");
        c.inferences += 1;
    }

    /// The reputer window of `nonce` was closed: losses, regrets, scores, EMAs.
    fn close_reputer(&mut self, s: &Suite, topic: u64, nonce: u64, c: &mut Checked) {
        let Ok(got_losses) = s.network_losses(topic, nonce) else {
            return; // nothing was scored
        };
        let ctx = format!("topic {topic} nonce {nonce}");
        let p = synth_params(s, topic);
        // inputs: the stored bundles, weighted by the stakes as of the window's first block
        let window = s
            .query_synthesis::<EpochResponse>(&QueryMsg::Epoch {
                topic_id: topic,
                nonce,
            })
            .unwrap()
            .reputer_window;
        let stakes: st::ReputerStakesResponse = s
            .app
            .wrap()
            .query_wasm_smart(
                &s.staking,
                &st::QueryMsg::ReputerStakes {
                    topic_id: topic,
                    reputers: got_losses
                        .reputers
                        .iter()
                        .map(|r| r.address.to_string())
                        .collect(),
                    height: Some(window.start),
                },
            )
            .unwrap();
        let ni = s.network_inference(topic, nonce).unwrap();
        let mut reports = SortedMap::new();
        for (r, stake) in got_losses.reputers.iter().zip(&stakes.stakes) {
            assert_eq!(r.address, stake.reputer);
            assert_eq!(
                r.stake, stake.total,
                "{ctx}: reputer stake as of the window start"
            );
            let b: LossBundleResponse = s
                .query_synthesis(&QueryMsg::LossBundle {
                    topic_id: topic,
                    nonce,
                    reputer: r.reputer,
                })
                .unwrap();
            // a bundle lists the pairs a forecaster named; any other pair's value is the
            // forecaster's own implied inference, so its loss is the forecaster's loss
            let mut losses = to_losses(&b.bundle.unwrap());
            for k in &ni.forecast_implied {
                let Some(lk) = losses.forecaster.get(&k.worker).copied() else {
                    continue;
                };
                for j in &ni.inferences {
                    losses
                        .one_out_inferer_forecaster
                        .entry((k.worker, j.worker))
                        .or_insert(lk);
                }
            }
            reports.insert(
                r.reputer,
                ReputerReport {
                    stake: stake.total.u128(),
                    losses,
                },
            );
        }
        let cons = listening_coefficients(&reports, &self.listening, &p).unwrap();
        self.listening = cons.coefficients.clone();
        let losses = if p.rules.listened_network_losses {
            let listened = listened_network_losses(&reports, &cons.coefficients, &p).unwrap();
            if listened != network_losses(&reports, &p).unwrap() {
                c.listening_moved_losses += 1;
            }
            listened
        } else {
            network_losses(&reports, &p).unwrap()
        };
        let before = self.regrets.clone();
        let mut after = update_regrets(&losses, &before, RegretAlphas::of(&p)).unwrap();
        let x = experienced_regrets(
            &before,
            &after,
            &self.inclusions[0],
            &self.inclusions[1],
            p.alpha_regret,
        )
        .unwrap();
        if let Some(r) = topic_initial_regret(&x, &p).unwrap() {
            after.initial = r;
        }
        self.regrets = after;
        self.latest_loss = Some(losses.combined);
        let ti = inferer_scores(&losses).unwrap();
        let tf = forecaster_scores(&losses).unwrap();
        let task = forecasting_task_score(&losses).unwrap();

        let gl = &got_losses.losses;
        assert_eq!(f(gl.combined), losses.combined, "{ctx}: network loss");
        assert_eq!(f(gl.naive), losses.naive, "{ctx}");
        assert_eq!(map(&gl.inferers), losses.inferer, "{ctx}");
        assert_eq!(map(&gl.forecasters), losses.forecaster, "{ctx}");
        assert_eq!(map(&gl.one_out_inferers), losses.one_out_inferer, "{ctx}");
        assert_eq!(
            map(&gl.one_out_forecasters),
            losses.one_out_forecaster,
            "{ctx}"
        );
        assert_eq!(map(&gl.one_in_forecasters), losses.one_in, "{ctx}");
        c.losses += 1;

        let scores = s.scores(topic, nonce).unwrap();
        assert_eq!(scored(&scores.inferers), ti, "{ctx}: inferer scores");
        assert_eq!(scored(&scores.forecasters), tf, "{ctx}: forecaster scores");
        assert_eq!(f(scores.forecasting_task), task, "{ctx}");
        let rs: SortedMap<u32, Fixed> = scores
            .reputers
            .iter()
            .map(|r| (r.reputer, f(r.score)))
            .collect();
        assert_eq!(rs, cons.scores, "{ctx}: reputer scores");
        let rc: SortedMap<u32, Fixed> = scores
            .reputers
            .iter()
            .map(|r| (r.reputer, f(r.listening_coefficient)))
            .collect();
        assert_eq!(rc, cons.coefficients, "{ctx}: listening coefficients");
        c.scores += 1;

        let ts: TopicStateResponse = s
            .query_synthesis(&QueryMsg::TopicState { topic_id: topic })
            .unwrap();
        assert_eq!(
            f(ts.initial_regret),
            self.regrets.initial,
            "{ctx}: initial regret"
        );
        c.initial_regrets += 1;
        let qs = [
            ts.params.active_inferer_quantile,
            ts.params.active_forecaster_quantile,
            ts.params.active_reputer_quantile,
        ];
        for (i, sc) in [&ti, &tf, &cons.scores].into_iter().enumerate() {
            let vals: Vec<Fixed> = sc.values().copied().collect();
            let q = quantile(&vals, Fixed::from_raw(qs[i].atomics().u128() as i128)).unwrap();
            for (a, t) in sc {
                let prev = self.emas[i].get(a).copied();
                let e = score_ema(prev, Some(*t), q, p.merit_sortition_alpha).unwrap();
                self.emas[i].insert(*a, e);
                *self.inclusions[i].entry(*a).or_default() += 1;
                let got: ScoreEmaResponse = s
                    .query_synthesis(&QueryMsg::ScoreEma {
                        topic_id: topic,
                        class: CLASSES[i],
                        actor: *a,
                    })
                    .unwrap();
                assert_eq!(got.value, Some(sd(e)), "{ctx}: EMA {:?} {a}", CLASSES[i]);
                c.emas += 1;
            }
        }
    }

    /// Processes every window synthesis closed since the last call, in height order.
    fn sync(&mut self, s: &Suite, topic: u64, c: &mut Checked) {
        let Ok(ts) =
            s.query_synthesis::<TopicStateResponse>(&QueryMsg::TopicState { topic_id: topic })
        else {
            return; // no payload yet
        };
        let mut due: Vec<(u64, u8, u64)> = vec![];
        for n in self.worker_closed_below..ts.worker_closed_below {
            due.push((ts.clock.worker_window(n).unwrap().end, 0, n));
        }
        for n in self.reputer_closed_below..ts.reputer_closed_below {
            due.push((ts.clock.reputer_window(n).unwrap().end, 1, n));
        }
        // a worker window before a reputer window ending at the same height
        due.sort();
        for (_, kind, n) in due {
            if kind == 0 {
                self.close_worker(s, topic, n, c);
            } else {
                self.close_reputer(s, topic, n, c);
            }
        }
        self.worker_closed_below = ts.worker_closed_below;
        self.reputer_closed_below = ts.reputer_closed_below;
    }
}

/// What one settled epoch paid, for comparing runs and the claims.
#[derive(Clone, Debug, PartialEq)]
struct Settled {
    reward: rd::EpochReward,
    /// Credits per owner (workers' and reputers' owners, delegators' part excluded).
    credits: SortedMap<Addr, u128>,
}

/// §9.1 with the registry's parameters.
fn shadow_weight(s: &Suite, stake: u128, revenue: u128, previous: Option<Fixed>) -> Fixed {
    let params = s.params();
    let wp = rmaths::reward_params(&params.rewards).unwrap();
    rmaths::topic_weight(stake, revenue, params.token_decimals, LEN, previous, &wp).unwrap()
}

impl RewardShadow {
    fn check_epoch(&mut self, s: &Suite, topic: u64, epoch: u64, c: &mut Checked) -> Settled {
        let r = s
            .epoch_reward(topic, epoch)
            .expect("settled epoch has a record");
        let ctx = format!("topic {topic} epoch {epoch}");
        let params = s.params();
        let topic_rec: nous_types::topic_registry::Topic = s
            .app
            .wrap()
            .query_wasm_smart(
                &s.registry,
                &nous_types::topic_registry::QueryMsg::Topic { topic_id: topic },
            )
            .unwrap();
        let clock = topic_rec.clock();
        // §9.1 weight from the stake at the epoch's end and the epoch's revenue
        let end = clock.epoch_start(epoch + 1).unwrap();
        let stake = s.topic_stake(topic, Some(end));
        let revenue = s.topic_revenue(topic, Some(epoch));
        let fxd = |d: Decimal| Fixed::try_from(d).unwrap();
        let w = shadow_weight(s, stake, revenue, self.weight);
        assert_eq!(fxd(r.weight), w, "{ctx}: topic weight");
        self.weight = Some(w);
        let mut credits = SortedMap::new();
        if epoch < ACTIVATE_EPOCH {
            assert_eq!(r.outcome, rd::EpochOutcome::NoScores, "{ctx}");
            assert!(r.drawn.is_zero());
            return Settled { reward: r, credits };
        }
        // §8: the class split from synthesis's scores and the stakes synthesis used
        let answer: EpochScoresResponse = s
            .query_synthesis(&QueryMsg::EpochScores {
                topic_id: topic,
                nonce: epoch,
            })
            .unwrap();
        // reward-distribution's read (the record read raw) is the contract's own answer
        let raw_first = SynthesisContract(s.synthesis.clone())
            .epoch_scores(&s.app.wrap(), topic, epoch)
            .unwrap();
        assert_eq!(
            raw_first, answer,
            "{topic}/{epoch}: raw read of the scores record"
        );
        let scores = answer
            .scores
            .expect("a settled scored epoch has its scores");
        let nl = s.network_losses(topic, epoch).unwrap();
        let stake_of: SortedMap<u32, Uint128> =
            nl.reputers.iter().map(|r| (r.reputer, r.stake)).collect();
        let rstakes: SortedMap<u32, u128> = scores
            .reputers
            .iter()
            .map(|a| (a.reputer, stake_of[&a.reputer].u128()))
            .collect();
        let rscores: SortedMap<u32, Fixed> = scores
            .reputers
            .iter()
            .map(|a| (a.reputer, f(a.score)))
            .collect();
        let state = RewardState {
            smoothed_inferer: self.smoothed[0].clone(),
            smoothed_forecaster: self.smoothed[1].clone(),
            smoothed_reputer: self.smoothed[2].clone(),
            forecaster_score_ratio: self.score_ratio,
            inferer_score_history: vec![self.inferer_samples.clone()],
            forecaster_score_history: vec![self.forecaster_samples.clone()],
        };
        let mut rp = Params::chain_defaults();
        params.rewards.apply(&mut rp).unwrap();
        rp.epsilon_topic = fxd(topic_rec.params.epsilon);
        // the registry's topic, not the scores record: the record must carry the same rules
        rp.rules = topic_rec.params.rules_or_reference();
        let split = match reward_split(
            &scored(&scores.inferers),
            &scored(&scores.forecasters),
            f(scores.forecasting_task),
            &rscores,
            &rstakes,
            &state,
            &rp,
        ) {
            Ok(split) => split,
            Err(e) => {
                // e.g. the first scored epoch: no one-out inferences yet, so no inferer
                // scores (§7.1): the maths refuses the split and nothing is drawn
                assert_eq!(r.outcome, rd::EpochOutcome::Unscorable, "{ctx}: {e:?}");
                assert!(r.drawn.is_zero());
                c.unscorable += 1;
                return Settled { reward: r, credits };
            }
        };
        assert_eq!(r.outcome, rd::EpochOutcome::Rewarded, "{ctx}");
        // §10/§9.2 target from the month's block emission (one month in this run)
        let em: rd::EmissionResponse = s.query_rewards(&rd::QueryMsg::Emission {}).unwrap();
        let em = em
            .latest
            .unwrap_or_else(|| panic!("{ctx}: no month record {r:?}"));
        let target =
            rmaths::topic_epoch_reward(w, fxd(r.weight_sum), em.block_emission.u128(), LEN)
                .unwrap();
        assert_eq!(r.target.u128(), target, "{ctx}: target");
        assert_eq!(r.drawn, r.target, "{ctx}: the treasury covers the target");
        assert_eq!(
            r.chain_security,
            r.drawn.mul_floor(params.rewards.chain_security_share),
            "{ctx}"
        );
        assert_eq!(
            r.topic_reward,
            r.drawn - r.chain_security + r.dust_in,
            "{ctx}"
        );

        assert_eq!(f(r.entropy_inference), split.inferers_entropy, "{ctx}: F");
        assert_eq!(f(r.entropy_forecast), split.forecasters_entropy, "{ctx}: G");
        assert_eq!(f(r.entropy_reputation), split.reputers_entropy, "{ctx}: H");
        assert_eq!(f(r.chi), split.forecasting_utility, "{ctx}: chi");
        for (i, out) in [
            &split.smoothed_inferer,
            &split.smoothed_forecaster,
            &split.smoothed_reputer,
        ]
        .into_iter()
        .enumerate()
        {
            self.smoothed[i].extend(out.iter().map(|(k, v)| (*k, *v)));
        }
        self.inferer_samples = split.inferer_sample.clone();
        self.forecaster_samples = split.forecaster_sample.clone();
        self.score_ratio = split.forecaster_score_ratio;

        // §8.6–8.7 integer payouts of the topic reward
        let pay = reward_payouts(&split, r.topic_reward.u128()).unwrap();
        assert_eq!(r.inference.u128(), pay.budgets.inference, "{ctx}: U");
        assert_eq!(r.forecast.u128(), pay.budgets.forecasting, "{ctx}: V");
        assert_eq!(r.reputation.u128(), pay.budgets.reputation, "{ctx}: W");
        assert_eq!(
            r.paid_inferers.u128(),
            pay.inferer_payout.amounts.values().sum::<u128>(),
            "{ctx}"
        );
        assert_eq!(
            r.paid_forecasters.u128(),
            pay.forecaster_payout.amounts.values().sum::<u128>(),
            "{ctx}"
        );
        let mut delegators = 0u128;
        let mut paid_reputers = 0u128;
        let owner_of =
            |v: &[WorkerScore], idx: u32| v.iter().find(|a| a.worker == idx).unwrap().owner.clone();
        for (idx, amount) in &pay.inferer_payout.amounts {
            *credits.entry(owner_of(&scores.inferers, *idx)).or_default() += amount;
        }
        for (idx, amount) in &pay.forecaster_payout.amounts {
            *credits
                .entry(owner_of(&scores.forecasters, *idx))
                .or_default() += amount;
        }
        let rep_addrs: Vec<String> = scores
            .reputers
            .iter()
            .map(|a| a.address.to_string())
            .collect();
        let window_start = clock.reputer_window(epoch).unwrap().start;
        let detail: st::ReputerStakesResponse = s
            .app
            .wrap()
            .query_wasm_smart(
                &s.staking,
                &st::QueryMsg::ReputerStakes {
                    topic_id: topic,
                    reputers: rep_addrs,
                    height: Some(window_start),
                },
            )
            .unwrap();
        for (idx, amount) in &pay.reputer_payout.amounts {
            let a = scores
                .reputers
                .iter()
                .position(|a| a.reputer == *idx)
                .unwrap();
            // synthesis recorded the snapshot staking has for the window's first block
            let stk = &detail.stakes[a];
            assert_eq!(
                (scores.reputers[a].stake, scores.reputers[a].delegated),
                (stk.total, stk.delegated),
                "{ctx}: the stakes in the scores record"
            );
            let (dl, rp) =
                rmaths::delegator_split(*amount, stk.delegated.u128(), stk.total.u128()).unwrap();
            delegators += dl;
            paid_reputers += rp;
            *credits.entry(scores.reputers[a].owner.clone()).or_default() += rp;
            c.payouts += 1;
        }
        c.payouts += pay.inferer_payout.amounts.len() + pay.forecaster_payout.amounts.len();
        assert_eq!(r.delegators.u128(), delegators, "{ctx}: delegators' part");
        assert_eq!(
            r.paid_reputers.u128(),
            paid_reputers,
            "{ctx}: reputers' part"
        );
        assert_eq!(
            r.dust_out.u128(),
            r.topic_reward.u128()
                - pay.inferer_payout.amounts.values().sum::<u128>()
                - pay.forecaster_payout.amounts.values().sum::<u128>()
                - delegators
                - paid_reputers,
            "{ctx}: dust"
        );
        c.rewarded_epochs += 1;
        Settled { reward: r, credits }
    }

    fn sync(
        &mut self,
        s: &Suite,
        topic: u64,
        c: &mut Checked,
        out: &mut SortedMap<(u64, u64), Settled>,
    ) {
        let status = s.topic_status(topic);
        let Some(last) = status.last_settled_epoch else {
            return;
        };
        let from = self
            .settled_upto
            .map_or(status.next_epoch.min(1), |e| e + 1);
        for e in from..=last {
            if self.settled_upto.is_none() && s.epoch_reward(topic, e).is_none() {
                continue;
            }
            let settled = self.check_epoch(s, topic, e, c);
            out.insert((topic, e), settled);
            self.settled_upto = Some(e);
        }
    }
}

// ------------------------------------------------------------------- the world

#[derive(Clone, Copy)]
struct Options {
    /// The keeper (both cranks) is silent from this epoch until the end of the world.
    silent_from: Option<u64>,
    max_epochs_per_call: Option<u32>,
    /// While the keeper is silent, del0 leaves rep0 of the first topic (undelegates
    /// everything and is paid out), and just before the keeper returns mallory delegates a
    /// large amount to rep0 (issue 10, F1).
    late_delegation: bool,
    /// The rules of every topic.
    rules: Rules,
    /// The topics' reveal window (0: payloads in the clear). Workers commit at
    /// WORKER_OFFSET and reveal at the reveal window's first block.
    reveal_window: u64,
    /// The topics' forecaster regret smoothing (None: `alpha_regret`).
    alpha_regret_forecasters: Option<cosmwasm_std::Decimal>,
}

struct Run {
    s: Suite,
    topics: Vec<u64>,
    settled: SortedMap<(u64, u64), Settled>,
    checked: Checked,
    settle_calls: Vec<u32>,
    /// Windows the returning keeper closed with `CloseWindows { limit: 1 }`.
    final_closes: u32,
}

type Payload = (
    &'static str,
    Option<SignedDecimal>,
    Option<Vec<ForecastElement>>,
);

/// Every worker's payload for nonce `k` of the `ti`-th topic (`t`), inferers first.
fn payloads(s: &Suite, ti: usize, t: u64, k: u64) -> Vec<Payload> {
    let mut out: Vec<Payload> = vec![];
    for (j, w) in INFERERS.iter().enumerate() {
        if let Some(v) = inference(ti as u64, j, k) {
            out.push((w, Some(sd(v)), None));
        }
    }
    for (i, w) in FORECASTERS.iter().enumerate() {
        let els: Vec<ForecastElement> = forecast(ti as u64, i, k)
            .into_iter()
            .map(|mut e| {
                e.inferer = s.actor_index(t, INFERERS[e.inferer as usize]);
                e
            })
            .collect();
        out.push((w, None, Some(els)));
    }
    out
}

/// A worker's salt for one nonce (any 16..=64 bytes the worker can reproduce at the reveal).
fn salt_of(worker: &str, t: u64, k: u64) -> Vec<u8> {
    let mut salt = format!("{worker}/{t}/{k}").into_bytes();
    salt.resize(32, 0);
    salt
}

fn keeper_crank(s: &mut Suite, topics: &[u64], calls: &mut Vec<u32>) {
    for t in topics {
        if let Err(e) = s.close_windows("keeper", *t, None) {
            assert!(
                matches!(
                    e.downcast_ref(),
                    Some(synthesis::ContractError::TopicNotSeen { .. })
                ),
                "{e:?}"
            );
        }
    }
    if let Ok(res) = s.settle("keeper", None, None) {
        calls.push(
            attr(&res, "epochs_settled")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        );
    }
}

fn run_world(o: Options) -> Run {
    let mut b = SuiteBuilder::new()
        .with_decimals(18)
        .with_accounts(&accounts())
        .with_initial_balance(10_000_000 * TOKEN);
    if let Some(n) = o.max_epochs_per_call {
        b = b.with_max_epochs_per_call(n);
    }
    let mut s = b.build();
    let mut c = Checked::default();
    s.assert_conservation();
    let params = TopicParams {
        rules: Some(o.rules),
        reveal_window: o.reveal_window,
        alpha_regret_forecasters: o.alpha_regret_forecasters,
        ..topic_params(LEN, WINDOW, LAG)
    };
    let topics: Vec<u64> = (0..3)
        .map(|_| s.create_topic("creator", params.clone()).unwrap())
        .collect();
    // a fourth topic is registered but never activated: synthesis refuses it
    let idle = s
        .create_topic("creator", topic_params(LEN, WINDOW, LAG))
        .unwrap();
    s.register("inf0", idle, Role::Worker).unwrap();
    for (ti, t) in topics.iter().enumerate() {
        for w in INFERERS.iter().chain(&FORECASTERS) {
            s.register(w, *t, Role::Worker).unwrap();
        }
        for (m, r) in REPUTERS.iter().enumerate() {
            s.register(r, *t, Role::Reputer).unwrap();
            s.add_stake(
                r,
                *t,
                (m as u128 + 1) * 1_000 * TOKEN + ti as u128 * 77 * TOKEN,
            )
            .unwrap();
        }
        for (i, d) in DELEGATORS.iter().enumerate() {
            s.delegate(d, *t, REPUTERS[i], (i as u128 + 1) * 300 * TOKEN)
                .unwrap();
        }
    }
    s.assert_conservation();
    let start = {
        let topic: nous_types::topic_registry::Topic = s
            .app
            .wrap()
            .query_wasm_smart(
                &s.registry,
                &nous_types::topic_registry::QueryMsg::Topic {
                    topic_id: topics[0],
                },
            )
            .unwrap();
        topic.clock().start_height
    };
    for t in &topics[1..] {
        let topic: nous_types::topic_registry::Topic = s
            .app
            .wrap()
            .query_wasm_smart(
                &s.registry,
                &nous_types::topic_registry::QueryMsg::Topic { topic_id: *t },
            )
            .unwrap();
        assert_eq!(topic.clock().start_height, start, "topics share one clock");
    }

    let mut synth: Vec<SynthShadow> = vec![SynthShadow::default(); 3];
    let mut rew: Vec<RewardShadow> = vec![RewardShadow::default(); 3];
    let mut settled = SortedMap::new();
    let mut calls = vec![];
    let silent = |k: u64| o.silent_from.is_some_and(|q| k >= q);

    for h in start..start + END_EPOCH * LEN {
        s.app.update_block(|bl| {
            bl.time = bl.time.plus_seconds(5 * (h - bl.height));
            bl.height = h;
        });
        let k = (h - start) / LEN;
        let off = (h - start) % LEN;
        // demand: every topic is funded and read the same each epoch (constant revenue)
        if off == 0 && k >= 1 {
            for (ti, t) in topics.iter().enumerate() {
                s.fund_topic("funder", *t, (ti as u128 + 1) * 100 * TOKEN)
                    .unwrap();
                s.pay_for_read("dapp", *t).unwrap();
                s.pay_for_read("reader", *t).unwrap();
            }
        }
        if k == ACTIVATE_EPOCH && off == ACTIVATE_OFFSET {
            for t in &topics {
                // before activation synthesis refuses every payload (or commitment) of the topic
                let value = Some(sd(truth(0, k)));
                let err = if o.reveal_window == 0 {
                    s.submit_payload("inf0", *t, k, value, None)
                } else {
                    s.commit_payload("inf0", *t, k, value, None, &salt_of("inf0", *t, k))
                }
                .unwrap_err();
                assert!(
                    matches!(
                        err.downcast_ref::<synthesis::ContractError>(),
                        Some(synthesis::ContractError::TopicInactive { .. })
                    ),
                    "{err:?}"
                );
                s.activate_topic("keeper", *t).unwrap();
                let status = s.topic_status(*t);
                assert!(status.active);
                // §9.1 at activation: stake and the current epoch's revenue, no history
                let w = shadow_weight(&s, s.topic_stake(*t, None), s.topic_revenue(*t, None), None);
                assert_eq!(
                    Fixed::try_from(status.weight).unwrap(),
                    w,
                    "activation weight"
                );
                let i = topics.iter().position(|x| x == t).unwrap();
                rew[i].weight = Some(w);
            }
        }
        if off == WORKER_OFFSET && (ACTIVATE_EPOCH..=LAST_NONCE).contains(&k) {
            // the inactive topic stays closed
            let err = s
                .submit_payload("inf0", idle, k, Some(sd(truth(0, k))), None)
                .unwrap_err();
            assert!(matches!(
                err.downcast_ref::<synthesis::ContractError>(),
                Some(synthesis::ContractError::TopicInactive { .. })
            ));
            for (ti, t) in topics.iter().enumerate() {
                for (w, inference, forecast) in payloads(&s, ti, *t, k) {
                    if o.reveal_window == 0 {
                        s.submit_payload(w, *t, k, inference, forecast).unwrap();
                    } else {
                        let salt = salt_of(w, *t, k);
                        s.commit_payload(w, *t, k, inference, forecast.as_deref(), &salt)
                            .unwrap();
                    }
                }
            }
        }
        if o.reveal_window > 0 && off == WINDOW && (ACTIVATE_EPOCH..=LAST_NONCE).contains(&k) {
            for (ti, t) in topics.iter().enumerate() {
                for (w, inference, forecast) in payloads(&s, ti, *t, k) {
                    let salt = salt_of(w, *t, k);
                    s.reveal_payload(w, *t, k, inference, forecast, &salt)
                        .unwrap();
                }
            }
        }
        if off == REPUTER_OFFSET && k > ACTIVATE_EPOCH && k - 1 <= LAST_NONCE {
            for (ti, t) in topics.iter().enumerate() {
                let n = k - 1;
                // isolation: nonce k's payloads exist while nonce k-1 is scored below
                let Ok(ni) = s.network_inference(*t, n) else {
                    continue;
                };
                for (m, r) in REPUTERS.iter().enumerate() {
                    s.submit_losses(r, *t, n, bundle_for(ti as u64, &ni, m))
                        .unwrap();
                }
            }
        }
        if o.late_delegation && silent(k) {
            let first = o.silent_from.unwrap_or(0);
            if k == first + 1 && off == 0 {
                s.undelegate("del0", topics[0], "rep0", 300 * TOKEN)
                    .unwrap();
            }
            if k == first + 3 && off == 0 {
                let res = s.process_removals("del0", None).unwrap();
                assert_eq!(attr(&res, "processed").as_deref(), Some("1"));
            }
        }
        if !silent(k) {
            // isolation check around the crank: nothing of a nonce that is not due changes
            let snap = snapshot(&s, &topics, k);
            keeper_crank(&mut s, &topics, &mut calls);
            c.isolation += check_isolation(&s, &topics, snap);
        }
        for (i, t) in topics.iter().enumerate() {
            synth[i].sync(&s, *t, &mut c);
            rew[i].sync(&s, *t, &mut c, &mut settled);
        }
        assert_eq!(s.balance(&s.synthesis), 0);
        s.assert_conservation();
        c.conservation += 1;
    }
    if o.late_delegation {
        // in the block the keeper comes back in, before its cranks
        s.delegate("mallory", topics[0], "rep0", 1_000_000 * TOKEN)
            .unwrap();
    }
    // the keeper comes back: synthesis closes with a cap smaller than its backlog, then
    // reward-distribution settles with its per-call cap
    let mut closes = 0u32;
    for t in &topics {
        loop {
            let res = s.close_windows("keeper", *t, Some(1)).unwrap();
            let n: u32 = attr(&res, "windows_closed")
                .or_else(|| attr(&res, "closed"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            if n == 0 {
                break;
            }
            closes += 1;
            s.assert_conservation();
        }
    }
    loop {
        match s.settle("keeper", None, None) {
            Ok(res) => {
                let n: u32 = attr(&res, "epochs_settled")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                if let Some(cap) = o.max_epochs_per_call {
                    assert!(n <= cap, "a call settles at most the cap");
                }
                calls.push(n);
                s.assert_conservation();
                c.conservation += 1;
                if n == 0 && calls.iter().rev().take(3).all(|x| *x == 0) {
                    break;
                }
            }
            Err(e) => {
                assert!(
                    e.root_cause()
                        .to_string()
                        .to_lowercase()
                        .contains("nothing"),
                    "{e:?}"
                );
                break;
            }
        }
    }
    for (i, t) in topics.iter().enumerate() {
        synth[i].sync(&s, *t, &mut c);
        rew[i].sync(&s, *t, &mut c, &mut settled);
        assert_eq!(
            rew[i].settled_upto,
            Some(LAST_NONCE),
            "topic {t}: every scored epoch settled"
        );
    }
    Run {
        s,
        topics,
        settled,
        checked: c,
        settle_calls: calls,
        final_closes: closes,
    }
}

type Snapshot = Vec<(u64, u64, String)>;

/// Everything synthesis stores about the nonces around `k` of each topic.
fn snapshot(s: &Suite, topics: &[u64], k: u64) -> Snapshot {
    let mut out = vec![];
    for t in topics {
        for n in k.saturating_sub(2)..=k + 1 {
            out.push((*t, n, nonce_state(s, *t, n)));
        }
    }
    out
}

fn nonce_state(s: &Suite, t: u64, n: u64) -> String {
    let Ok(e) = s.query_synthesis::<EpochResponse>(&QueryMsg::Epoch {
        topic_id: t,
        nonce: n,
    }) else {
        return "unused".into();
    };
    let p: WorkerPayloadsResponse = s
        .query_synthesis(&QueryMsg::WorkerPayloads {
            topic_id: t,
            nonce: n,
            start_after: None,
            limit: Some(100),
        })
        .unwrap();
    let i = s
        .network_inference(t, n)
        .map(|x| format!("{x:?}"))
        .unwrap_or_default();
    let l = s
        .network_losses(t, n)
        .map(|x| format!("{x:?}"))
        .unwrap_or_default();
    format!(
        "{:?}|{:?}|{:?}|{}|{}",
        e.status, e.inferers, p.payloads, i, l
    )
}

/// A nonce whose status did not change in the crank is untouched (payloads, sets,
/// inference, losses); a nonce that was closed keeps every payload of the next nonce.
fn check_isolation(s: &Suite, _topics: &[u64], before: Snapshot) -> usize {
    let mut n_checked = 0;
    for (t, n, old) in before {
        let new = nonce_state(s, t, n);
        let status_of = |x: &str| x.split('|').next().unwrap_or_default().to_string();
        if status_of(&old) == status_of(&new) {
            assert_eq!(
                old, new,
                "topic {t} nonce {n} changed by a close of another nonce"
            );
            n_checked += 1;
        } else {
            // closing n keeps its own payloads exactly as submitted
            let payloads = |x: &str| x.split('|').nth(2).unwrap_or_default().to_string();
            assert_eq!(
                payloads(&old),
                payloads(&new),
                "topic {t} nonce {n}: payloads kept"
            );
        }
    }
    n_checked
}

// ------------------------------------------------------------------- tests

fn claims_are_payable(run: &mut Run) {
    let s = &mut run.s;
    let mut expected: SortedMap<Addr, u128> = SortedMap::new();
    for st in run.settled.values() {
        for (a, v) in &st.credits {
            *expected.entry(a.clone()).or_default() += v;
        }
    }
    assert!(!expected.is_empty());
    let names: Vec<&'static str> = accounts();
    for name in names {
        let a = s.addr(name);
        let want = expected.get(&a).copied().unwrap_or(0);
        assert_eq!(
            s.claimable(&a),
            want,
            "{name}: claimable == the shadow's credits"
        );
        if want > 0 {
            let before = s.balance(&a);
            s.claim(name).unwrap();
            assert_eq!(
                s.balance(&a),
                before + want,
                "{name}: the claim is paid in full"
            );
            assert_eq!(s.claimable(&a), 0);
            s.assert_conservation();
        }
    }
    assert_eq!(s.reward_totals().claimable.u128(), 0);
}

/// Compares every settled epoch of two runs of the same world. Always equal: outcome,
/// weight, class entropies and χ (everything local to the topic). `exact`: the whole
/// breakdown and every credit too. Returns how many epochs had a different target.
fn compare_runs(on_time: &Run, late: &Run, exact: bool) -> usize {
    assert_eq!(on_time.settled.len(), late.settled.len());
    let mut differing = 0;
    for (key, a) in &on_time.settled {
        let b = &late.settled[key];
        let (ra, rb) = (&a.reward, &b.reward);
        let ctx = format!("topic {} epoch {}", key.0, key.1);
        assert_eq!(ra.outcome, rb.outcome, "{ctx}");
        assert_eq!(ra.weight, rb.weight, "{ctx}: weight");
        assert_eq!(
            (
                ra.entropy_inference,
                ra.entropy_forecast,
                ra.entropy_reputation,
                ra.chi
            ),
            (
                rb.entropy_inference,
                rb.entropy_forecast,
                rb.entropy_reputation,
                rb.chi
            ),
            "{ctx}: class split"
        );
        if ra.target != rb.target {
            differing += 1;
        }
        if exact {
            // the whole breakdown and every credit, apart from the block it was settled at
            let mut b = b.clone();
            b.reward.settled_at = ra.settled_at;
            assert_eq!(*a, b, "{ctx}: same rewards");
        }
    }
    differing
}

#[test]
fn full_epochs_match_the_maths_and_late_crank_pays_the_same() {
    let mut on_time = run_world(Options {
        silent_from: None,
        max_epochs_per_call: None,
        late_delegation: false,
        rules: Rules::REFERENCE,
        reveal_window: 0,
        alpha_regret_forecasters: None,
    });
    let c = &on_time.checked;
    eprintln!("on time: {c:?}");
    let scored = (LAST_NONCE - ACTIVATE_EPOCH + 1) as usize * 3;
    assert_eq!(c.inferences, scored);
    assert_eq!(c.losses, scored);
    assert_eq!(c.scores, scored);
    // the first two scored epochs of each topic have no inferer scores: their inferences
    // were computed before any network loss existed (lag > epoch length), so there are no
    // one-out inferences (§5.0 NoLossYet path, §7.1): unscorable for rewards
    assert_eq!(c.unscorable, 6);
    assert_eq!(c.rewarded_epochs, scored - 6);
    assert!(c.isolation > 0);

    // The keeper (both cranks) is silent from epoch 7 (after the month's emission record
    // was opened by the first rewarded epochs) to the end, then drains the backlog with a
    // per-call cap smaller than it. The crank settles due epochs in the order they became
    // due (across topics), so §9.2's running weight sum — and with it every target, draw,
    // dust carry and payout — is the same as in the on-time run, whatever the cap.
    let mut runs = vec![];
    for cap in [1u32, 4] {
        let late = run_world(Options {
            silent_from: Some(7),
            max_epochs_per_call: Some(cap),
            late_delegation: false,
            rules: Rules::REFERENCE,
            reveal_window: 0,
            alpha_regret_forecasters: None,
        });
        eprintln!(
            "late, cap {cap}: {:?} settle calls {:?}",
            late.checked, late.settle_calls
        );
        assert_eq!(late.checked.rewarded_epochs, scored - 6);
        assert_eq!(late.checked.inferences, scored);
        let backlog = late.settle_calls.iter().filter(|n| **n > 0).count();
        assert!(
            backlog >= 27 / cap as usize,
            "the backlog drained over several calls: {:?}",
            late.settle_calls
        );
        assert!(
            late.settle_calls.contains(&cap),
            "full calls: {:?}",
            late.settle_calls
        );
        assert!(
            late.final_closes >= 3,
            "synthesis's window backlog also drained over several calls: {}",
            late.final_closes
        );
        assert_eq!(compare_runs(&on_time, &late, true), 0, "cap {cap}");
        runs.push(late);
    }
    claims_are_payable(&mut on_time);
    for late in &mut runs {
        claims_are_payable(late);
    }
}

/// The same world with every topic under every improved switch and forecasters' regrets
/// smoothed at their own rate (0.3 where inferers' move at 0.1): synthesis's inferences,
/// losses, scores and coefficients and reward-distribution's payouts still equal the maths
/// run by the test on the same inputs (which now runs the improved branches), and every
/// epoch is scored and settled.
#[test]
fn full_epochs_match_the_maths_with_every_improved_switch_on() {
    let mut run = run_world(Options {
        silent_from: None,
        max_epochs_per_call: None,
        late_delegation: false,
        rules: Rules::EVERY_SWITCH,
        reveal_window: 0,
        alpha_regret_forecasters: Some(cosmwasm_std::Decimal::percent(30)),
    });
    let c = &run.checked;
    let scored = (LAST_NONCE - ACTIVATE_EPOCH + 1) as usize * 3;
    assert_eq!(c.inferences, scored);
    assert_eq!(c.losses, scored);
    assert_eq!(c.scores, scored);
    assert_eq!(c.rewarded_epochs, scored - c.unscorable);
    // the rules changed the numbers (the reference-mode figures would not match)
    assert!(c.listening_moved_losses > 0, "{c:?}");
    for t in &run.topics {
        let scores = run.s.scores(*t, LAST_NONCE).unwrap();
        assert_eq!(
            scores.rules,
            Rules::EVERY_SWITCH,
            "the record carries the topic's rules"
        );
        // synthesis closes with the topic's forecaster smoothing (the shadow reads it there)
        let ts: TopicStateResponse = run
            .s
            .query_synthesis(&QueryMsg::TopicState { topic_id: *t })
            .unwrap();
        assert_eq!(
            ts.params.alpha_regret_forecasters,
            Some(cosmwasm_std::Decimal::percent(30))
        );
    }
    claims_are_payable(&mut run);
}

/// The same world on commit–reveal topics under the improved rules: every worker commits in
/// the worker window and reveals after it; the worker close waits for the reveal window.
/// Every inference, loss, score and payout still equals the maths on the same inputs, and
/// equals, credit for credit, what the same world pays with payloads sent in the clear.
#[test]
fn commit_reveal_epochs_pay_what_clear_payloads_pay() {
    let options = Options {
        silent_from: None,
        max_epochs_per_call: None,
        late_delegation: false,
        rules: Rules::IMPROVED,
        reveal_window: 3,
        alpha_regret_forecasters: None,
    };
    let mut committed = run_world(options);
    let clear = run_world(Options {
        reveal_window: 0,
        ..options
    });
    let c = &committed.checked;
    let scored = (LAST_NONCE - ACTIVATE_EPOCH + 1) as usize * 3;
    assert_eq!(c.inferences, scored);
    assert_eq!(c.scores, scored);
    assert_eq!(c.rewarded_epochs, scored - c.unscorable);
    // the inference waited for the reveal window
    let t = committed.topics[0];
    let ni = committed.s.network_inference(t, LAST_NONCE).unwrap();
    assert_eq!(ni.worker_window.end - ni.worker_window.start, WINDOW + 3);
    assert_eq!(compare_runs(&clear, &committed, true), 0);
    claims_are_payable(&mut committed);
}

/// Issue 10, F1, across the whole suite: the keeper is silent for six epochs. Meanwhile
/// del0, rep0's only delegator in the first topic, leaves (undelegates everything and is
/// paid out); just before the keeper's `Settle`, mallory delegates a million tokens to
/// rep0. Every epoch settled then was sized with snapshots that counted del0 and not
/// mallory: del0 can claim all of rep0's delegator rewards, mallory nothing. Checked: with
/// staking crediting deposits by the delegations at settlement time (the code before the
/// fix), mallory takes nearly all of them and this test fails.
#[test]
fn a_late_delegator_gets_nothing_and_a_leaver_keeps_its_rewards() {
    let mut run = run_world(Options {
        silent_from: Some(7),
        max_epochs_per_call: None,
        late_delegation: true,
        rules: Rules::REFERENCE,
        reveal_window: 0,
        alpha_regret_forecasters: None,
    });
    assert_eq!(
        run.checked.rewarded_epochs,
        (LAST_NONCE - ACTIVATE_EPOCH + 1) as usize * 3 - 6
    );
    let t = run.topics[0];
    let s = &mut run.s;
    let rep0 = s.addr("rep0").to_string();
    let delegation = |s: &Suite, who: &str| -> st::DelegationResponse {
        s.app
            .wrap()
            .query_wasm_smart(
                &s.staking,
                &st::QueryMsg::Delegation {
                    topic_id: t,
                    reputer: rep0.clone(),
                    delegator: s.addr(who).to_string(),
                },
            )
            .unwrap()
    };
    let pool: st::PoolResponse = s
        .app
        .wrap()
        .query_wasm_smart(
            &s.staking,
            &st::QueryMsg::Pool {
                topic_id: t,
                reputer: rep0.clone(),
            },
        )
        .unwrap();
    assert_eq!(pool.total_delegated.u128(), 1_000_000 * TOKEN);
    let mallory = delegation(s, "mallory");
    assert_eq!(mallory.amount.u128(), 1_000_000 * TOKEN);
    assert_eq!(
        mallory.pending_rewards.u128(),
        0,
        "nothing for epochs before it"
    );
    // del0 was the only delegation every deposit's snapshot counted, at 300 tokens
    let del0 = delegation(s, "del0");
    assert_eq!(del0.amount.u128(), 0, "del0 left");
    let earned = cosmwasm_std::Uint256::from(300 * TOKEN) * pool.reward_per_share
        / cosmwasm_std::Uint256::from(st::REWARD_SCALE);
    assert!(!earned.is_zero());
    assert_eq!(cosmwasm_std::Uint256::from(del0.pending_rewards), earned);
    let before = s.balance(&s.addr("del0"));
    s.app
        .execute_contract(
            s.addr("del0"),
            s.staking.clone(),
            &st::ExecuteMsg::ClaimDelegatorRewards {
                topic_id: t,
                reputer: rep0.clone(),
            },
            &[],
        )
        .unwrap();
    assert_eq!(
        s.balance(&s.addr("del0")),
        before + del0.pending_rewards.u128()
    );
    s.assert_conservation();
}

#[test]
fn example_consumer_pays_once_and_uses_the_latest_inference() {
    use example_consumer::msg::{Guard, LastReadingResponse};
    let mut s = SuiteBuilder::new()
        .with_decimals(18)
        .with_accounts(&accounts())
        .with_initial_balance(10_000_000 * TOKEN)
        .build();
    let t = s
        .create_topic("creator", topic_params(LEN, WINDOW, LAG))
        .unwrap();
    for w in INFERERS.iter().take(4) {
        s.register(w, t, Role::Worker).unwrap();
    }
    s.register("rep0", t, Role::Reputer).unwrap();
    s.add_stake("rep0", t, 1_000 * TOKEN).unwrap();
    s.fund_topic("funder", t, 1_000 * TOKEN).unwrap();
    s.activate_topic("keeper", t).unwrap();
    let max_age = 3;
    let consumer = s
        .deploy_example_consumer(
            vec![Guard {
                topic_id: t,
                threshold: sd(fx_int(1000)),
            }],
            max_age,
        )
        .unwrap();
    // nonce 0: four inferences; the keeper closes the worker window
    let start = s.height();
    let clock_start = {
        let topic: nous_types::topic_registry::Topic = s
            .app
            .wrap()
            .query_wasm_smart(
                &s.registry,
                &nous_types::topic_registry::QueryMsg::Topic { topic_id: t },
            )
            .unwrap();
        topic.clock()
    };
    // to the start of the next epoch: its worker window is open
    let k = clock_start.epoch_at(start).map_or(0, |e| e + 1);
    let open_at = clock_start.epoch_start(k).unwrap();
    s.advance_blocks(open_at - start);
    assert!(clock_start.worker_window(k).unwrap().contains(s.height()));
    for (j, w) in INFERERS.iter().take(4).enumerate() {
        s.submit_payload(w, t, k, Some(sd(inference(0, j, k).unwrap())), None)
            .unwrap();
    }
    let close_at = clock_start.worker_window(k).unwrap().end;
    s.advance_blocks(close_at - s.height() + 1);
    s.close_windows("keeper", t, None).unwrap();
    let stored = s.network_inference(t, k).unwrap();

    let payer = s.addr("dapp");
    let fee: nous_types::fee_vault::ReadFeeResponse = s
        .app
        .wrap()
        .query_wasm_smart(
            &s.vault,
            &nous_types::fee_vault::QueryMsg::ReadFee { topic_id: t },
        )
        .unwrap();
    let fee = fee.amount.u128();
    assert!(fee > 0);
    let (bal, treasury, revenue) = (s.balance(&payer), s.treasury(), s.topic_revenue(t, None));
    s.use_latest_inference("dapp", &consumer, t, None).unwrap();
    assert_eq!(s.balance(&payer), bal - fee, "the fee is paid once");
    assert_eq!(s.treasury(), treasury + fee, "and reaches the vault");
    assert_eq!(
        s.topic_revenue(t, None),
        revenue + fee,
        "as the topic's revenue"
    );
    assert_eq!(s.balance(&consumer), 0, "the consumer keeps nothing");
    s.assert_conservation();
    let last: LastReadingResponse = s
        .app
        .wrap()
        .query_wasm_smart(
            &consumer,
            &example_consumer::msg::QueryMsg::LastReading { topic_id: t },
        )
        .unwrap();
    let reading = last.reading.unwrap();
    assert_eq!(reading.nonce, k);
    assert_eq!(
        reading.value, stored.combined,
        "the value used is the stored latest inference"
    );
    assert_eq!(reading.fee.u128(), fee);

    // stale: older than max_age blocks past the worker window's end -> refused, nothing paid
    s.advance_blocks(max_age + 1);
    let (bal, treasury) = (s.balance(&payer), s.treasury());
    let err = s
        .use_latest_inference("dapp", &consumer, t, None)
        .unwrap_err();
    assert!(
        err.root_cause().to_string().contains("old")
            || format!("{err:?}").contains("Stale")
            || format!("{err:?}").contains("old"),
        "{err:?}"
    );
    assert_eq!(s.balance(&payer), bal, "nothing paid");
    assert_eq!(s.treasury(), treasury);
    s.assert_conservation();
}

/// Gap 1: synthesis opens a nonce only for a topic reward-distribution reports active
/// (read once, when the nonce's first payload arrives); an inactivated topic stops opening
/// nonces until it is activated again.
#[test]
fn inactive_topics_open_no_nonces() {
    let mut s = SuiteBuilder::new()
        .with_decimals(18)
        .with_accounts(&accounts())
        .with_initial_balance(10_000_000 * TOKEN)
        .build();
    // the admin told synthesis where reward-distribution is; nobody else may change it
    let cfg: ConfigResponse = s.query_synthesis(&QueryMsg::Config {}).unwrap();
    assert_eq!(cfg.reward_distribution, Some(s.rewards.clone()));
    let keeper = s.addr("keeper");
    let err = s
        .app
        .execute_contract(
            keeper,
            s.synthesis.clone(),
            &ExecuteMsg::UpdateConfig {
                reward_distribution: Some(s.vault.to_string()),
            },
            &[],
        )
        .unwrap_err();
    assert!(
        matches!(
            err.downcast_ref(),
            Some(synthesis::ContractError::Ownership(_))
        ),
        "{err:?}"
    );

    let t = s
        .create_topic("creator", topic_params(LEN, WINDOW, LAG))
        .unwrap();
    for w in ["inf0", "inf1", "inf2"] {
        s.register(w, t, Role::Worker).unwrap();
    }
    s.register("rep0", t, Role::Reputer).unwrap();
    s.add_stake("rep0", t, 1_000 * TOKEN).unwrap();
    s.fund_topic("funder", t, 1_000 * TOKEN).unwrap();
    let topic: nous_types::topic_registry::Topic = s
        .app
        .wrap()
        .query_wasm_smart(
            &s.registry,
            &nous_types::topic_registry::QueryMsg::Topic { topic_id: t },
        )
        .unwrap();
    let clock = topic.clock();
    let to_epoch = |s: &mut Suite, k: u64| {
        let h = clock.epoch_start(k).unwrap();
        s.advance_blocks(h - s.height());
    };
    let inactive = |e: anyhow::Error| {
        assert!(
            matches!(
                e.downcast_ref(),
                Some(synthesis::ContractError::TopicInactive { .. })
            ),
            "{e:?}"
        )
    };
    let v = Some(sd(fx_int(1000)));
    let k = clock.epoch_at(s.height()).map_or(0, |e| e + 1);
    to_epoch(&mut s, k);
    inactive(s.submit_payload("inf0", t, k, v, None).unwrap_err());
    s.activate_topic("keeper", t).unwrap();
    s.submit_payload("inf0", t, k, v, None).unwrap();
    s.submit_payload("inf1", t, k, v, None).unwrap();
    s.assert_conservation();

    // the topic's weight falls below the minimum at a settlement: inactivated
    let mut params = s.params();
    let normal = params.clone();
    params.rewards.min_topic_weight = Decimal::from_ratio(1_000_000_000u128, 1u128);
    let admin = s.admin.clone();
    s.app
        .execute_contract(
            admin.clone(),
            s.registry.clone(),
            &nous_types::topic_registry::ExecuteMsg::UpdateParams { params },
            &[],
        )
        .unwrap();
    to_epoch(&mut s, k + 3);
    s.close_windows("keeper", t, None).unwrap();
    s.settle("keeper", Some(t), None).unwrap();
    assert!(!s.topic_status(t).active, "inactivated");
    inactive(s.submit_payload("inf2", t, k + 3, v, None).unwrap_err());
    inactive(s.submit_payload("inf0", t, k + 3, v, None).unwrap_err());
    s.assert_conservation();

    // funding and activation lift it again
    s.app
        .execute_contract(
            admin,
            s.registry.clone(),
            &nous_types::topic_registry::ExecuteMsg::UpdateParams { params: normal },
            &[],
        )
        .unwrap();
    to_epoch(&mut s, k + 4);
    s.fund_topic("funder", t, 1_000 * TOKEN).unwrap();
    s.activate_topic("keeper", t).unwrap();
    s.submit_payload("inf2", t, k + 4, v, None).unwrap();
    s.assert_conservation();

    // without the gate (reward-distribution not configured) every topic opens nonces
    let mut open = SuiteBuilder::new()
        .with_decimals(18)
        .with_accounts(&accounts())
        .with_initial_balance(10_000_000 * TOKEN)
        .without_activity_gate()
        .build();
    let t = open
        .create_topic("creator", topic_params(LEN, WINDOW, LAG))
        .unwrap();
    open.register("inf0", t, Role::Worker).unwrap();
    let h = clock.epoch_start(k).unwrap().max(open.height());
    open.advance_blocks(h - open.height());
    let n = open.current_epoch(t);
    let topic: nous_types::topic_registry::Topic = open
        .app
        .wrap()
        .query_wasm_smart(
            &open.registry,
            &nous_types::topic_registry::QueryMsg::Topic { topic_id: t },
        )
        .unwrap();
    let start = topic.clock().epoch_start(n + 1).unwrap();
    open.advance_blocks(start - open.height());
    open.submit_payload("inf0", t, n + 1, v, None).unwrap();
}
