//! Epoch records: the breakdown stored per settled epoch, and its event.

use cosmwasm_std::{Decimal, Event, Order, Storage, Uint128};
use cw_storage_plus::Bound;
use nous_types::reward_distribution::{EpochOutcome, EpochReward, MAX_UNSETTLED_EPOCHS};

use super::context::Ctx;
use crate::error::ContractError;
use crate::state::EPOCH_REWARDS;

/// The record of an epoch that ends without a draw.
pub fn empty_record(
    ctx: &Ctx,
    topic_id: u64,
    epoch: u64,
    outcome: EpochOutcome,
    weight: Decimal,
) -> EpochReward {
    EpochReward {
        topic_id,
        epoch,
        outcome,
        settled_at: ctx.height,
        weight,
        weight_sum: ctx.totals.weight_sum,
        target: Uint128::zero(),
        drawn: Uint128::zero(),
        chain_security: Uint128::zero(),
        dust_in: Uint128::zero(),
        topic_reward: Uint128::zero(),
        inference: Uint128::zero(),
        forecast: Uint128::zero(),
        reputation: Uint128::zero(),
        paid_inferers: Uint128::zero(),
        paid_forecasters: Uint128::zero(),
        paid_reputers: Uint128::zero(),
        delegators: Uint128::zero(),
        dust_out: Uint128::zero(),
        entropy_inference: Default::default(),
        entropy_forecast: Default::default(),
        entropy_reputation: Default::default(),
        chi: Default::default(),
    }
}

/// Stores an epoch's breakdown and drops the topic's breakdowns more than
/// `MAX_UNSETTLED_EPOCHS` epochs older (several at once after an expiry jump).
pub fn save_record(storage: &mut dyn Storage, record: EpochReward) -> Result<(), ContractError> {
    if let Some(oldest_kept) = record.epoch.checked_sub(MAX_UNSETTLED_EPOCHS - 1) {
        let stale: Vec<u64> = EPOCH_REWARDS
            .prefix(record.topic_id)
            .keys(
                storage,
                None,
                Some(Bound::exclusive(oldest_kept)),
                Order::Ascending,
            )
            .take(MAX_UNSETTLED_EPOCHS as usize)
            .collect::<Result<_, _>>()?;
        for epoch in stale {
            EPOCH_REWARDS.remove(storage, (record.topic_id, epoch));
        }
    }
    EPOCH_REWARDS.save(storage, (record.topic_id, record.epoch), &record)?;
    Ok(())
}

fn outcome_str(o: EpochOutcome) -> &'static str {
    match o {
        EpochOutcome::Rewarded => "rewarded",
        EpochOutcome::NoScores => "no_scores",
        EpochOutcome::Inactivated => "inactivated",
        EpochOutcome::NoEmission => "no_emission",
        EpochOutcome::Unscorable => "unscorable",
    }
}

pub fn epoch_event(r: &EpochReward) -> Event {
    Event::new("epoch_settled")
        .add_attribute("topic_id", r.topic_id.to_string())
        .add_attribute("epoch", r.epoch.to_string())
        .add_attribute("outcome", outcome_str(r.outcome))
        .add_attribute("weight", r.weight.to_string())
        .add_attribute("target", r.target)
        .add_attribute("drawn", r.drawn)
        .add_attribute("chain_security", r.chain_security)
        .add_attribute("topic_reward", r.topic_reward)
        .add_attribute("delegators", r.delegators)
        .add_attribute("dust_out", r.dust_out)
}
