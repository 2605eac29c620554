//! Conversions of stored records whose format changed, run by `migrate` (each converts only
//! records still in the old format, so running it twice changes nothing).
//!
//! - `scores`: before, the scores record named neither the workers' owners nor the
//!   reputers' owners and delegated stake (reward-distribution then read every payload and
//!   loss bundle, and asked staking again). An old record gets them from the records the
//!   query used to read (payloads, bundle heads) and from staking as of the reputer window's
//!   first block — the snapshot the close weighted the losses with. Every JSON record, old
//!   or current, is rewritten in the binary form of `EpochScores::to_record`.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{from_json, Addr, Order, SignedDecimal, Storage, Uint128};
use cosmwasm_std::{Decimal, DepsMut};
use nous_math::Rules;
use nous_types::staking::StakingContract;
use nous_types::synthesis::{EpochScores, ReputerScore, WorkerScore, WorkerValue};

use crate::error::ContractError;
use crate::records::load_bundle;
use crate::state::{save_scores_record, CONFIG, PAYLOADS, SCORES, TOPICS};

#[cw_serde]
struct OldReputerScore {
    reputer: u32,
    address: Addr,
    stake: Uint128,
    score: SignedDecimal,
    listening_coefficient: SignedDecimal,
}

/// The scores record as stored before owners and delegated stakes were part of it.
#[cw_serde]
struct OldEpochScores {
    topic_id: u64,
    nonce: u64,
    inferers: Vec<WorkerValue>,
    forecasters: Vec<WorkerValue>,
    forecasting_task: SignedDecimal,
    reputers: Vec<OldReputerScore>,
    scored_at: u64,
    epsilon: Decimal,
}

fn with_owners(
    storage: &dyn Storage,
    key: (u64, u64),
    values: Vec<WorkerValue>,
) -> Result<Vec<WorkerScore>, ContractError> {
    let mut out = vec![];
    for v in values {
        // as the query did: a worker without its payload record is not paid
        if let Some(p) = PAYLOADS.may_load(storage, (key.0, key.1, v.worker))? {
            out.push(WorkerScore {
                worker: v.worker,
                owner: p.owner,
                value: v.value,
            });
        }
    }
    Ok(out)
}

/// Converts every scores record still in the old format; returns how many it converted.
pub fn migrate_scores(deps: &mut DepsMut) -> Result<u64, ContractError> {
    let keys: Vec<(u64, u64)> = SCORES
        .keys(deps.storage, None, None, Order::Ascending)
        .collect::<Result<_, _>>()?;
    let staking = StakingContract(CONFIG.load(deps.storage)?.staking);
    let mut converted = 0u64;
    for key in keys {
        let raw_key = SCORES.key(key);
        let Some(bytes) = deps.storage.get(&raw_key) else {
            continue;
        };
        // the binary record: nothing to do; the JSON record before it: rewritten
        if bytes.first() != Some(&b'{') {
            continue;
        }
        if let Ok(scores) = from_json::<EpochScores>(&bytes) {
            save_scores_record(deps.storage, &scores);
            converted += 1;
            continue;
        }
        let old: OldEpochScores = from_json(&bytes)?;
        let window_start = TOPICS
            .load(deps.storage, key.0)?
            .clock
            .reputer_window(key.1)
            .map(|w| w.start);
        let addresses: Vec<String> = old.reputers.iter().map(|r| r.address.to_string()).collect();
        let stakes = match window_start {
            Some(h) if !addresses.is_empty() => {
                staking.reputer_stakes(&deps.querier, key.0, addresses, Some(h))?
            }
            _ => vec![],
        };
        let mut reputers = vec![];
        for r in old.reputers {
            let Some(head) = load_bundle(deps.storage, (key.0, key.1, r.reputer))? else {
                continue; // as the query did: a reputer without its bundle record is not paid
            };
            let delegated = stakes
                .iter()
                .find(|s| s.reputer == r.address)
                .map_or(Uint128::zero(), |s| s.delegated.min(r.stake));
            reputers.push(ReputerScore {
                reputer: r.reputer,
                address: r.address,
                owner: head.owner,
                stake: r.stake,
                delegated,
                score: r.score,
                listening_coefficient: r.listening_coefficient,
            });
        }
        let new = EpochScores {
            topic_id: old.topic_id,
            nonce: old.nonce,
            inferers: with_owners(deps.storage, key, old.inferers)?,
            forecasters: with_owners(deps.storage, key, old.forecasters)?,
            forecasting_task: old.forecasting_task,
            reputers,
            scored_at: old.scored_at,
            epsilon: old.epsilon,
            rules: Rules::REFERENCE,
        };
        save_scores_record(deps.storage, &new);
        converted += 1;
    }
    Ok(converted)
}
