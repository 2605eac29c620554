//! `Settle`: the permissionless, bounded, resumable crank over closed topic epochs.
//!
//! One call works in three phases so every draw is fully allocated within the call:
//! 1. **plan** — for each visited topic (highest weight first), for each due epoch in
//!    order: read the epoch's scores from synthesis (stop at the first not yet scored),
//!    update the topic weight (§9.1) and activity, and for a scored epoch compute the
//!    class split (§8.1–8.6, its persistent state written now, as the next epoch of the
//!    same topic reads it) and the epoch's target reward `E_t` (§9.2, §10);
//! 2. **allocate** — cap the targets by the treasury (§9.2: one epoch takes the whole
//!    treasury, several share it by `w_t · epoch_length`);
//! 3. **pay** — per epoch: the chain-security share, the class budgets and the integer
//!    payouts (§8.7) credited to owners, the delegators' part of reputer rewards, dust
//!    carried. Then one `DrawEmission` for the sum (first message, so the tokens arrive
//!    before any transfer leaves), the chain-security transfer and one delegator deposit
//!    per topic (its epochs in order), each isolated (`payouts`): a refused one is parked,
//!    the call goes on.

//!
//! Files: `context` (what one call carries), `select` (which topics, in which order),
//! `plan` (phase 1 for one topic), `allocate` (phase 2), `record` (epoch records and their
//! events); phase 3 is `crate::execute::payout` and `crate::execute::payouts`.

mod allocate;
pub mod context;
mod plan;
mod record;
mod select;

use cosmwasm_std::{DepsMut, Env, Event, Response, Uint128};
use nous_math::sorted_map::SortedMap;
use nous_types::staking::ReputerReward;

use crate::error::ContractError;
use crate::execute::emission::{add_paid, save_paid, TreasuryView};
use crate::execute::payout::{pay_epoch, PaidEpoch};
use crate::execute::payouts::{self, Outgoing};
use crate::state::{CONFIG, CRANK_CURSOR, TOPICS, TOTALS};

use allocate::allocate;
use context::Ctx;
use plan::plan_topic;
use record::{epoch_event, save_record};
use select::{plan_crank, select_due_topics, Selection};

pub fn settle(
    deps: DepsMut,
    env: Env,
    topic_id: Option<u64>,
    limit: Option<u32>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let max = config.max_epochs_per_call;
    let epochs = match limit {
        None => max,
        Some(n) if n == 0 || n > max => return Err(ContractError::InvalidLimit { max, got: n }),
        Some(n) => n,
    };
    let params = config.topic_registry.reward_groups(&deps.querier)?;
    let mut ctx = Ctx {
        totals: TOTALS.load(deps.storage)?,
        config,
        params,
        treasury: TreasuryView::new(),
        height: env.block.height,
        epochs_left: epochs,
        finished: vec![],
        planned: vec![],
        expired: 0,
        crank: topic_id.is_none(),
        skipped_topics: vec![],
    };

    // ---- which topics -----------------------------------------------------------------
    // the one topic asked for is read here once and handed to its plan
    let mut asked = None;
    let selection = match topic_id {
        Some(id) => match TOPICS.may_load(deps.storage, id)? {
            Some(s) if s.active => {
                let due = vec![(s.weight.atomics().u128(), id)];
                asked = Some(s);
                Selection {
                    due,
                    last_scanned: None,
                    full_round: true,
                }
            }
            _ => return Err(ContractError::TopicNotActive { topic_id: id }),
        },
        None => select_due_topics(deps.storage, &ctx)?,
    };

    // ---- phase 1: plan ----------------------------------------------------------------
    // Round robin: the crank cursor moves to the last topic that got a turn, so topics not
    // reached because the epoch budget ran out come first in the next crank.
    let last_turn = if ctx.crank {
        plan_crank(deps.storage, &deps.querier, &mut ctx, &selection.due)?
    } else {
        let mut last_turn = None;
        for key in &selection.due {
            plan_topic(
                deps.storage,
                &deps.querier,
                &mut ctx,
                key.1,
                u32::MAX,
                asked.take(),
            )?;
            last_turn = Some(*key);
        }
        last_turn
    };
    if ctx.crank {
        if let Some(cursor) = last_turn.or(selection.last_scanned) {
            CRANK_CURSOR.save(deps.storage, &cursor)?;
        }
    }
    if ctx.finished.is_empty() && ctx.planned.is_empty() && ctx.expired == 0 && selection.full_round
    {
        return Err(ContractError::NothingToSettle {});
    }

    // ---- phase 2: allocate ------------------------------------------------------------
    let targets: Uint128 = ctx
        .planned
        .iter()
        .try_fold(Uint128::zero(), |a, p| a.checked_add(p.target))?;
    let allocations = if targets.is_zero() {
        vec![Uint128::zero(); ctx.planned.len()]
    } else {
        let balance = ctx.treasury.balance(&deps.querier, &ctx.config)?;
        allocate(&ctx.planned, balance)?
    };

    // ---- phase 3: pay -----------------------------------------------------------------
    let mut drawn = Uint128::zero();
    let mut chain_security = Uint128::zero();
    // one deposit per topic: its epochs of this call in order (staking takes a topic's
    // deposits in snapshot order)
    let mut deposits: SortedMap<u64, (Uint128, Vec<ReputerReward>)> = SortedMap::new();
    let mut events = vec![];
    let mut months = SortedMap::new();
    let share = ctx.params.rewards.chain_security_share;
    for (planned, alloc) in ctx.planned.iter().zip(allocations) {
        let cs = alloc.mul_floor(share);
        let PaidEpoch {
            record,
            delegators,
            event,
        } = pay_epoch(
            (deps.storage, deps.api),
            &mut ctx.totals,
            planned,
            alloc,
            cs,
            ctx.height,
        )?;
        add_paid(
            &mut months,
            &planned.month,
            record.topic_reward,
            record.reputation,
        )?;
        drawn = drawn.checked_add(alloc)?;
        chain_security = chain_security.checked_add(cs)?;
        if let Some((total, rewards)) = delegators {
            let deposit = deposits.entry(planned.topic_id).or_default();
            deposit.0 = deposit.0.checked_add(total)?;
            deposit.1.extend(rewards);
        }
        events.push(epoch_event(&record));
        events.push(event);
        save_record(deps.storage, record)?;
    }
    save_paid(deps.storage, months)?;
    for record in std::mem::take(&mut ctx.finished) {
        events.push(epoch_event(&record));
        save_record(deps.storage, record)?;
    }
    // the payouts that leave, isolated: a refusal parks the amount, never fails the call
    let mut outgoing = vec![];
    if !chain_security.is_zero() {
        outgoing.push(payouts::chain_security(&ctx.config, chain_security)?);
    }
    for (topic_id, deposit) in deposits {
        outgoing.push(payouts::delegator_deposit(
            deps.storage,
            &ctx.config,
            &mut ctx.totals,
            ctx.height,
            topic_id,
            deposit,
        )?);
    }
    TOTALS.save(deps.storage, &ctx.totals)?;

    let mut res = Response::new()
        .add_attribute("action", "settle")
        .add_attribute("epochs_settled", (epochs - ctx.epochs_left).to_string())
        .add_attribute("epochs_expired", ctx.expired.to_string())
        .add_attribute("drawn", drawn)
        .add_attribute("chain_security", chain_security)
        .add_attribute("dust", ctx.totals.dust)
        .add_events(events);
    for (topic, reason) in &ctx.skipped_topics {
        res = res.add_event(
            Event::new("topic_skipped")
                .add_attribute("topic_id", topic.to_string())
                .add_attribute("reason", reason),
        );
    }
    if !drawn.is_zero() {
        res = res.add_message(ctx.config.fee_vault.draw_emission_msg(drawn)?);
    }
    for out in outgoing {
        res = match out {
            Outgoing::Send(sub) => res.add_submessage(sub),
            Outgoing::Parked(event) => res.add_event(event),
        };
    }
    Ok(res)
}
