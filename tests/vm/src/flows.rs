//! The flows the gas report measures, each operation of the suite run once in the VM with
//! its meter read: the economic operations, and for each active-set size a whole epoch
//! (payloads, bundles, both closes, the settlement of a rewarded epoch and a claim; at the
//! smallest size also a registration with synthesis wired and a dApp's paid read through the
//! example consumer).
//! `src/bin/bench.rs` writes BENCHMARKS.md from them; `tests/full_epoch.rs` runs the
//! smallest size as a test, so every contract's main flow also runs in the VM in CI.

use anyhow::Result;
use cosmwasm_std::{Addr, SignedDecimal};
use example_consumer::msg as consumer_msg;
use nous_types::reward_distribution as rd_msg;
use nous_types::synthesis as syn;
use nous_types::topic_registry::{self as registry_msg, Role};
use nous_types::{fee_vault as vault_msg, staking as staking_msg};
use serde::Serialize;

use crate::chain::funds;
use crate::report::Row;
use crate::storage::Meter;
use crate::suite::{topic_params, Deploy, VmSuite, DENOM};

/// Measures one transaction alone: the meter is reset before it and read after it.
pub fn measure<M: Serialize>(
    s: &VmSuite,
    sender: &Addr,
    contract: &Addr,
    msg: &M,
    amount: u128,
) -> Result<Meter> {
    s.chain.reset_meter();
    s.chain
        .execute(sender, contract, msg, &funds(amount, DENOM))?;
    Ok(s.chain.meter())
}

pub fn economic_rows(rows: &mut Vec<Row>) -> Result<()> {
    let mut s = VmSuite::new(Deploy::default())?;
    // Warm up: a first topic and registration, so that the measured ones are typical.
    let t0 = s.create_topic("creator", topic_params(12, 4, 24))?;
    s.register("worker0", t0, Role::Worker)?;
    let params = s.params()?;
    let (registry, vault, staking) = (s.registry.clone(), s.vault.clone(), s.staking.clone());

    let creator = s.account("creator");
    let msg = registry_msg::ExecuteMsg::CreateTopic {
        params: topic_params(12, 4, 24),
    };
    let m = measure(
        &s,
        &creator,
        &registry,
        &msg,
        params.registry.create_topic_fee.u128(),
    )?;
    rows.push(Row::new("create topic", "-", m).note("fee forwarded to fee-vault"));
    let t = 2;

    let worker = s.account("worker1");
    let msg = registry_msg::ExecuteMsg::Register {
        topic_id: t,
        role: Role::Worker,
        owner: None,
    };
    let m = measure(
        &s,
        &worker,
        &registry,
        &msg,
        params.registry.registration_fee.u128(),
    )?;
    rows.push(
        Row::new("register", "-", m)
            .note("worker; fee forwarded to fee-vault; registry not wired to synthesis"),
    );

    let consumer = s.account("consumer");
    let msg = vault_msg::ExecuteMsg::FundTopic { topic_id: t };
    let m = measure(&s, &consumer, &vault, &msg, 50_000)?;
    rows.push(Row::new("fund topic", "-", m));

    let read_fee = s.read_fee(t)?;
    let dapp = s.account("dapp");
    let msg = vault_msg::ExecuteMsg::PayForRead { topic_id: t };
    // The first read of an epoch creates its revenue record; measure a later one.
    s.chain
        .execute(&dapp, &vault, &msg, &funds(read_fee, DENOM))?;
    let m = measure(&s, &dapp, &vault, &msg, read_fee)?;
    rows.push(Row::new("pay-per-read", "-", m).target(120_000));

    s.register("reputer1", t, Role::Reputer)?;
    let reputer = s.account("reputer1");
    let msg = staking_msg::ExecuteMsg::AddStake { topic_id: t };
    let m = measure(
        &s,
        &reputer,
        &staking,
        &msg,
        params.staking.required_minimum_stake.u128(),
    )?;
    rows.push(Row::new("add stake", "-", m).note("queries the registry"));

    let delegator = s.account("delegator1");
    let msg = staking_msg::ExecuteMsg::Delegate {
        topic_id: t,
        reputer: reputer.to_string(),
    };
    let m = measure(&s, &delegator, &staking, &msg, 5_000)?;
    rows.push(Row::new("delegate", "-", m));
    Ok(())
}

/// Active-set sizes of the report: inferers / forecasters / reputers.
pub const SIZES: [(u32, u32, u32); 4] = [(8, 2, 2), (32, 6, 6), (64, 12, 12), (128, 24, 24)];

fn dec(v: i128) -> SignedDecimal {
    // v / 1000, a small deterministic spread of values
    SignedDecimal::raw(v * 1_000_000_000_000_000)
}

fn wv(list: &[syn::WorkerValue], f: impl Fn(u32) -> i128) -> Vec<syn::WorkerValue> {
    list.iter()
        .map(|v| syn::WorkerValue {
            worker: v.worker,
            value: dec(f(v.worker)),
        })
        .collect()
}

/// One epoch of a topic with `ni` inferers, `nf` forecasters (who also infer) and `nr`
/// reputers through synthesis: the worker payload, the reputer bundle and both closes.
pub fn synthesis_rows(rows: &mut Vec<Row>, (ni, nf, nr): (u32, u32, u32)) -> Result<()> {
    let size = format!("{ni}/{nf}/{nr}");
    let mut deploy = Deploy::default();
    deploy.params.synthesis.max_top_inferers_to_reward = ni;
    deploy.params.synthesis.max_top_forecasters_to_reward = nf;
    deploy.params.synthesis.max_top_reputers_to_reward = nr;
    // The bench's stakes and fees are small next to the default activation threshold.
    deploy.params.rewards.min_topic_weight = cosmwasm_std::Decimal::raw(1);
    let mut s = VmSuite::new(deploy)?;
    let synthesis = s.deploy_synthesis()?;
    // reward-distribution, stored without the static checks when it fails them (measured,
    // and flagged in the report, but not deployable as it is).
    let rd_checked = s.chain.store_artifact("reward-distribution").is_ok();
    if !rd_checked {
        s.chain.store_artifact_unchecked("reward-distribution")?;
    }
    let security = s.account("security");
    let rd = s.chain.instantiate(
        "reward-distribution",
        &s.admin,
        &rd_msg::InstantiateMsg {
            owner: None,
            denom: cw20::Denom::Native(DENOM.into()),
            topic_registry: s.registry.to_string(),
            fee_vault: s.vault.to_string(),
            staking: s.staking.to_string(),
            synthesis: synthesis.to_string(),
            chain_security_recipient: security.to_string(),
            emission: rd_msg::EmissionParams {
                total_supply: cosmwasm_std::Uint128::new(1_000_000_000_000_000),
                circulating_supply: cosmwasm_std::Uint128::new(100_000_000_000_000),
                emission_rate: cosmwasm_std::Decimal::permille(25),
                max_monthly_percentage_yield: cosmwasm_std::Decimal::raw(9_500_000_000_000_000),
                one_month_smoothing_degree: cosmwasm_std::Decimal::percent(10),
                default_reputer_share: cosmwasm_std::Decimal::from_ratio(1u128, 3u128),
                // The bench's own stakes (a few times the minimum) are far too small for a
                // whole block's emission: stake outside the suite (validators) makes it one.
                external_stake: cosmwasm_std::Uint128::new(10_000_000_000_000),
            },
            max_epochs_per_call: None,
            max_topics_per_call: None,
        },
        &[],
    )?;
    let admin = s.admin.clone();
    s.chain.execute(
        &admin,
        &s.vault,
        &vault_msg::ExecuteMsg::UpdateConfig {
            registry: None,
            reward_distributor: Some(rd.to_string()),
            read_fee: None,
        },
        &[],
    )?;
    s.chain.execute(
        &admin,
        &s.staking,
        &staking_msg::ExecuteMsg::UpdateConfig {
            registry: None,
            reward_distributor: Some(rd.to_string()),
            unbonding_blocks: None,
            max_removals_per_call: None,
            min_removal: None,
        },
        &[],
    )?;
    s.fund_treasury("sponsor", 100_000_000_000)?;
    let mut tp = topic_params(12, 4, 24);
    tp.allow_negative = true;
    tp.active_inferer_quantile = cosmwasm_std::Decimal::percent(99);
    tp.active_forecaster_quantile = cosmwasm_std::Decimal::percent(99);
    tp.active_reputer_quantile = cosmwasm_std::Decimal::percent(99);
    let t = s.create_topic("creator", tp)?;
    let min = s.params()?.staking.required_minimum_stake.u128();
    let workers: Vec<String> = (0..ni).map(|i| format!("w{i}")).collect();
    for w in &workers {
        s.register(w, t, Role::Worker)?;
    }
    let reputers: Vec<String> = (0..nr).map(|i| format!("r{i}")).collect();
    for (i, r) in reputers.iter().enumerate() {
        s.register(r, t, Role::Reputer)?;
        s.add_stake(r, t, min + 100 * i as u128)?;
    }
    let mut actors = vec![];
    for w in &workers {
        let r: registry_msg::ActorIndexResponse = s.chain.query(
            &s.registry,
            &registry_msg::QueryMsg::ActorIndex {
                topic_id: t,
                address: s.chain.addr(w).to_string(),
            },
        )?;
        actors.push(r.actor_index.unwrap_or_default());
    }
    s.chain.advance_blocks(1);
    s.fund_topic("consumer", t, 1_000_000)?;
    let keeper0 = s.account("keeper");
    let activated = s
        .chain
        .execute(
            &keeper0,
            &rd,
            &rd_msg::ExecuteMsg::ActivateTopic { topic_id: t },
            &[],
        )
        .map_err(|e| eprintln!("activate {size}: {e:#}"))
        .is_ok();
    let open = |s: &VmSuite| -> Result<syn::OpenWindowsResponse> {
        s.chain
            .query(&synthesis, &syn::QueryMsg::OpenWindows { topic_id: t })
    };
    let keeper = s.account("keeper");
    let close = syn::ExecuteMsg::CloseWindows {
        topic_id: t,
        limit: Some(1),
    };
    // The first scored nonce of a topic has no previous network loss (MATH.md §5.0,
    // NoLossYet): no one-out inferences, so no inferer scores and nothing to pay. The
    // topic runs NONCES nonces in sequence, each through both windows, so that the later
    // ones are synthesised on the full (weighted) path and their epochs are rewarded.
    // The per-message rows are measured on the first nonce.
    const NONCES: usize = 3;
    let mut nonces: Vec<u64> = vec![];
    for round in 0..NONCES {
        let first = round == 0;
        let mut guard = 0;
        let w = loop {
            if let Some(w) = open(&s)?
                .worker
                .filter(|w| nonces.last().is_none_or(|l| w.nonce > *l))
            {
                break w;
            }
            s.chain.advance_blocks(1);
            guard += 1;
            anyhow::ensure!(guard < 80, "no worker window (nonce {})", round + 1);
        };
        let nonce = w.nonce;
        nonces.push(nonce);
        // Forecasters (the first nf workers) send an inference and a 12-element forecast.
        let elements = 12.min(ni as usize);
        let mut payload_meter = None;
        for (i, w) in workers.iter().enumerate().rev() {
            let sender = s.account(w);
            let forecast = (i < nf as usize).then(|| {
                (0..elements)
                    .map(|e| syn::ForecastElement {
                        inferer: actors[(i + 1 + e) % actors.len()],
                        value: dec(((i * 7 + e * 13 + round * 5) % 50) as i128 + 1),
                    })
                    .collect::<Vec<_>>()
            });
            let msg = syn::ExecuteMsg::SubmitWorkerPayload {
                topic_id: t,
                nonce,
                inference: Some(dec(((i * 37 + round * 11) % 200) as i128 - 100)),
                forecast,
            };
            if i == 0 && first {
                payload_meter = Some(measure(&s, &sender, &synthesis, &msg, 0)?);
            } else {
                s.chain.execute(&sender, &synthesis, &msg, &[])?;
            }
        }
        if let Some(m) = payload_meter {
            rows.push(
                Row::new("worker payload (inference + 12-element forecast)", &size, m)
                    .target(150_000),
            );
        }
        s.chain.set_height(w.window.end);
        if first {
            let m = measure(&s, &keeper, &synthesis, &close, 0)?;
            rows.push(Row::new("close of a worker window", &size, m));
        } else {
            s.chain.execute(&keeper, &synthesis, &close, &[])?;
        }
        let inf: syn::NetworkInferenceResponse = s.chain.query(
            &synthesis,
            &syn::QueryMsg::NetworkInference { topic_id: t, nonce },
        )?;
        let inf = inf.inference;
        let rw = loop {
            if let Some(r) = open(&s)?.reputer.filter(|r| r.nonce == nonce) {
                break r;
            }
            s.chain.advance_blocks(1);
            guard += 1;
            anyhow::ensure!(guard < 160, "no reputer window (nonce {nonce})");
        };
        let mut bundle_meter = None;
        for (m_i, r) in reputers.iter().enumerate().rev() {
            let off = m_i as i128 + round as i128;
            let bundle = syn::LossBundle {
                combined: dec(10 + off),
                naive: dec(12 + off),
                inferers: wv(&inf.inferences, |w| 5 + (w as i128 + off) % 9),
                forecasters: wv(&inf.forecast_implied, |w| 6 + (w as i128 + off) % 7),
                one_out_inferers: wv(&inf.one_out_inferers, |w| 9 + (w as i128 + off) % 5),
                one_out_forecasters: wv(&inf.one_out_forecasters, |w| 9 + (w as i128 + off) % 4),
                one_in_forecasters: wv(&inf.one_in_forecasters, |w| 11 + (w as i128 + off) % 3),
                one_out_implied: inf
                    .one_out_implied
                    .iter()
                    .map(|v| syn::WithheldValue {
                        withheld: v.withheld,
                        forecaster: v.forecaster,
                        value: dec(7 + (v.withheld as i128 + v.forecaster as i128 + off) % 6),
                    })
                    .collect(),
            };
            let sender = s.account(r);
            let msg = syn::ExecuteMsg::SubmitLossBundle {
                topic_id: t,
                nonce,
                bundle,
            };
            if m_i == 0 && first {
                bundle_meter = Some(measure(&s, &sender, &synthesis, &msg, 0)?);
            } else {
                s.chain.execute(&sender, &synthesis, &msg, &[])?;
            }
        }
        if let Some(m) = bundle_meter {
            let row = Row::new("reputer bundle", &size, m);
            rows.push(if (ni, nf, nr) == (32, 6, 6) {
                row.target(400_000)
            } else {
                row
            });
        }
        s.chain.set_height(rw.window.end);
        if first {
            let m = measure(&s, &keeper, &synthesis, &close, 0)?;
            rows.push(
                Row::new("close of a reputer window", &size, m).note("losses, regrets, scores"),
            );
        } else {
            s.chain.execute(&keeper, &synthesis, &close, &[])?;
        }
    }

    // Settlement in reward-distribution, one epoch per call, in order. The calls before
    // the first rewarded epoch (the NoLossYet nonce, epochs without a nonce) are cranked
    // through unreported; the call that settles the first `Rewarded` epoch is the row.
    if !activated {
        anyhow::bail!("reward-distribution did not activate the topic");
    }
    let flag = if rd_checked {
        ""
    } else {
        "artifact fails the static checks"
    };
    let settle = rd_msg::ExecuteMsg::Settle {
        topic_id: Some(t),
        limit: Some(1),
    };
    let outcome_of = |s: &VmSuite, epoch: u64| -> Result<Option<rd_msg::EpochOutcome>> {
        let r: rd_msg::EpochRewardResponse = s
            .chain
            .query(&rd, &rd_msg::QueryMsg::EpochReward { topic_id: t, epoch })?;
        Ok(r.reward.map(|r| r.outcome))
    };
    let mut outcomes: Vec<String> = vec![];
    let mut settled = None;
    for call in 0..64u32 {
        let before: Vec<_> = nonces
            .iter()
            .map(|n| outcome_of(&s, *n))
            .collect::<Result<_>>()?;
        let m = match measure(&s, &keeper, &rd, &settle, 0) {
            Ok(m) => m,
            Err(e) => {
                outcomes.push(format!("settle call {} failed: {e:#}", call + 1));
                break;
            }
        };
        for (i, n) in nonces.iter().enumerate() {
            let now = outcome_of(&s, *n)?;
            if before[i].is_none() {
                if let Some(o) = now {
                    outcomes.push(format!("nonce {n}: {o:?}"));
                    if o == rd_msg::EpochOutcome::Rewarded && settled.is_none() {
                        settled = Some((*n, i + 1, m.clone()));
                    }
                }
            }
        }
        if settled.is_some() || outcomes.len() >= nonces.len() {
            break;
        }
    }
    let Some((epoch, ordinal, m)) = settled else {
        anyhow::bail!(
            "settlement: no epoch of the topic's first {} scored nonces settled as `Rewarded` ({})",
            nonces.len(),
            outcomes.join(", ")
        );
    };
    // The first rewarded epoch of the month also writes the month's emission record.
    let mut note = format!(
        "`Rewarded` epoch {epoch}, scored nonce {ordinal} of {NONCES}; with the month's emission record"
    );
    if !flag.is_empty() {
        note = format!("{note}; {flag}");
    }
    let row = Row::new("settlement of one epoch", &size, m)
        .calls(1)
        .note(note);
    rows.push(if (ni, nf, nr) == (32, 6, 6) {
        row.target(3_000_000)
    } else {
        row
    });
    let c: rd_msg::ClaimablesResponse = s.chain.query(
        &rd,
        &rd_msg::QueryMsg::Claimables {
            start_after: None,
            limit: Some(1),
        },
    )?;
    let Some(claimer) = c.claimables.first().map(|c| c.address.clone()) else {
        anyhow::bail!("claim: nothing claimable after the rewarded epoch {epoch}");
    };
    let m = measure(&s, &claimer, &rd, &rd_msg::ExecuteMsg::Claim {}, 0)?;
    rows.push(Row::new("claim", &size, m).note(flag));

    // Registration as deployed: the registry also tells synthesis (one more instance).
    if (ni, nf, nr) == SIZES[0] {
        let late = s.account("late-worker");
        let msg = registry_msg::ExecuteMsg::Register {
            topic_id: t,
            role: Role::Worker,
            owner: None,
        };
        let fee = s.params()?.registry.registration_fee.u128();
        let m = measure(&s, &late, &s.registry, &msg, fee)?;
        rows.push(
            Row::new("register, registry wired to synthesis", "-", m)
                .note("worker; fee to fee-vault, copy to synthesis"),
        );

        // A dApp's paid read through the example consumer: it asks the vault for the fee,
        // reads the latest inference from synthesis and pays the vault, in one transaction.
        let consumer = s.chain.instantiate(
            "example-consumer",
            &s.admin,
            &consumer_msg::InstantiateMsg {
                fee_vault: s.vault.to_string(),
                synthesis: synthesis.to_string(),
                guards: vec![consumer_msg::Guard {
                    topic_id: t,
                    threshold: SignedDecimal::zero(),
                }],
                max_age: 10_000,
                history_limit: None,
            },
            &[],
        )?;
        let fee = s.read_fee(t)?;
        let reader = s.account("dapp-user");
        let msg = consumer_msg::ExecuteMsg::UseLatestInference {
            topic_id: t,
            max_age: None,
        };
        let m = measure(&s, &reader, &consumer, &msg, fee)?;
        let last: consumer_msg::LastReadingResponse = s.chain.query(
            &consumer,
            &consumer_msg::QueryMsg::LastReading { topic_id: t },
        )?;
        let latest = nonces.last().copied();
        anyhow::ensure!(
            last.reading.as_ref().map(|r| r.nonce) == latest,
            "the consumer's reading {:?} is not of the latest nonce {latest:?}",
            last.reading
        );
        rows.push(
            Row::new("dApp read through example-consumer", "-", m)
                .note("fee from fee-vault, inference from synthesis, payment to fee-vault"),
        );
    }
    Ok(())
}
