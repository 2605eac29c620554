//! Phase 3 of `Settle` for one epoch: chain-security share, class budgets and integer
//! payouts (§8.6–8.7, `nous_math::epoch::reward_payouts`) credited to owners, the
//! delegators' part of reputer rewards, dust carried.

use cosmwasm_std::{Api, Event, Storage, Uint128};
use nous_math::epoch::reward_payouts;
use nous_types::reward_distribution::{EpochOutcome, EpochReward, Totals};
use nous_types::staking::ReputerReward;

use crate::error::ContractError;
use crate::execute::ledger;
use crate::execute::settle::context::Planned;
use crate::maths;

pub struct PaidEpoch {
    pub record: EpochReward,
    /// The delegators' part of the reputer rewards (sum, per reputer), if any.
    pub delegators: Option<(Uint128, Vec<ReputerReward>)>,
    /// One attribute per credit: `<class>:<owner>:<amount>`.
    pub event: Event,
}

fn sum<'a>(mut xs: impl Iterator<Item = &'a u128>) -> Result<Uint128, ContractError> {
    xs.try_fold(Uint128::zero(), |a, x| a.checked_add(Uint128::new(*x)))
        .map_err(Into::into)
}

/// Pays one planned epoch from `alloc` (what the treasury gives it), of which `cs` goes to
/// the chain-security recipient. All carried dust joins the budget of an epoch that draws.
pub fn pay_epoch(
    (storage, api): (&mut dyn Storage, &dyn Api),
    totals: &mut Totals,
    p: &Planned,
    alloc: Uint128,
    cs: Uint128,
    height: u64,
) -> Result<PaidEpoch, ContractError> {
    let base = alloc.checked_sub(cs)?;
    let dust_in = if alloc.is_zero() {
        Uint128::zero()
    } else {
        totals.dust
    };
    let topic_reward = base.checked_add(dust_in)?;
    let pay = reward_payouts(&p.split, topic_reward.u128())
        .map_err(|e| ContractError::math("payouts", e))?;
    let mut event = Event::new("rewards_credited")
        .add_attribute("topic_id", p.topic_id.to_string())
        .add_attribute("epoch", p.epoch.to_string());

    let classes = [
        ("inferer", &p.scores.inferers, &pay.inferer_payout.amounts),
        (
            "forecaster",
            &p.scores.forecasters,
            &pay.forecaster_payout.amounts,
        ),
    ];
    for (class, actors, amounts) in classes {
        for a in actors.iter() {
            let amount = amounts.get(&a.worker).copied().unwrap_or(0);
            if amount > 0 {
                ledger::credit(storage, api, totals, &a.owner, Uint128::new(amount))?;
                event = event.add_attribute("credit", format!("{class}:{}:{amount}", a.owner));
            }
        }
    }
    let mut delegated_total = Uint128::zero();
    let mut delegated = vec![];
    for a in &p.scores.reputers {
        let reward = pay
            .reputer_payout
            .amounts
            .get(&a.reputer)
            .copied()
            .unwrap_or(0);
        // §8.7: the delegators' part is trunc(reward · delegated / total), with the stakes
        // synthesis scored the reputer with.
        let (to_delegators, own) =
            maths::delegator_split(reward, a.delegated.u128(), a.stake.u128())
                .map_err(|e| ContractError::math("delegator split", e))?;
        if own > 0 {
            ledger::credit(storage, api, totals, &a.owner, Uint128::new(own))?;
            event = event.add_attribute("credit", format!("reputer:{}:{own}", a.owner));
        }
        if to_delegators > 0 {
            delegated_total = delegated_total.checked_add(Uint128::new(to_delegators))?;
            // staking pays it to the delegations this snapshot counted
            delegated.push(ReputerReward {
                reputer: a.address.to_string(),
                amount: Uint128::new(to_delegators),
                snapshot_height: p.stakes_at,
                delegated: a.delegated,
            });
        }
    }
    let dust_out = Uint128::new(pay.dust);
    totals.dust = totals.dust.checked_sub(dust_in)?.checked_add(dust_out)?;

    let paid_reputers = sum(pay.reputer_payout.amounts.values())?.checked_sub(delegated_total)?;
    let record = EpochReward {
        topic_id: p.topic_id,
        epoch: p.epoch,
        outcome: if topic_reward.is_zero() {
            EpochOutcome::NoEmission
        } else {
            EpochOutcome::Rewarded
        },
        settled_at: height,
        weight: p.weight,
        weight_sum: p.weight_sum,
        target: p.target,
        drawn: alloc,
        chain_security: cs,
        dust_in,
        topic_reward,
        inference: Uint128::new(pay.budgets.inference),
        forecast: Uint128::new(pay.budgets.forecasting),
        reputation: Uint128::new(pay.budgets.reputation),
        paid_inferers: sum(pay.inferer_payout.amounts.values())?,
        paid_forecasters: sum(pay.forecaster_payout.amounts.values())?,
        paid_reputers,
        delegators: delegated_total,
        dust_out,
        entropy_inference: p.split.inferers_entropy.into(),
        entropy_forecast: p.split.forecasters_entropy.into(),
        entropy_reputation: p.split.reputers_entropy.into(),
        chi: p.split.forecasting_utility.into(),
    };
    let delegators = (!delegated_total.is_zero()).then_some((delegated_total, delegated));
    Ok(PaidEpoch {
        record,
        delegators,
        event,
    })
}
