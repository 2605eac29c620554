//! The scores answer synthesis produces for the reward step (`QueryMsg::EpochScores`): per
//! scored nonce, each worker's score with its owner and each reputer's score with the owner
//! and the stake synthesis weighted its losses with.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{from_json, Addr, Decimal, SignedDecimal, StdError, StdResult, Uint128};
use cw_storage_plus::Map;

use crate::codec::{Reader, Writer};
use crate::params::Rules;

/// One worker's instant score in one class (MATH.md §7.1–7.2), with the owner its reward
/// is credited to (the registration's owner when the payload was submitted).
#[cw_serde]
pub struct WorkerScore {
    pub worker: u32,
    pub owner: Addr,
    pub value: SignedDecimal,
}

/// One reputer's instant score (MATH.md §7.3) with everything its reward needs: who is
/// paid and the stake synthesis weighted its losses with.
#[cw_serde]
pub struct ReputerScore {
    pub reputer: u32,
    /// The operator key that submitted (the address staking knows).
    pub address: Addr,
    /// The registration's owner when the bundle was submitted: receives the reputer's part.
    pub owner: Addr,
    /// Total stake (self + delegated) as of the reputer window's first block (§5, §8.2).
    pub stake: Uint128,
    /// The delegated part of `stake` in the same snapshot (§8.7: the delegators' share).
    pub delegated: Uint128,
    pub score: SignedDecimal,
    /// Listening coefficient after this epoch's update (read by the next epoch).
    pub listening_coefficient: SignedDecimal,
}

/// Where synthesis is with an epoch's scores.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum ScoresStatus {
    /// The reputer window has not been closed/scored yet: settlement waits.
    Pending,
    /// Closed with nothing to score (no inference, or no usable loss report): no rewards.
    Empty,
    /// Scored: `scores` is final.
    Scored,
}

/// The answer to `QueryMsg::EpochScores`.
#[cw_serde]
pub struct EpochScoresResponse {
    pub topic_id: u64,
    pub nonce: u64,
    pub status: ScoresStatus,
    /// `Some` exactly when `status` is `Scored`.
    pub scores: Option<EpochScores>,
}

/// The keys of synthesis's scores records, by (topic, nonce), each in the binary form of
/// [`EpochScores::to_record`]: part of its interface, since reward-distribution reads them
/// raw ([`super::SynthesisContract::epoch_scores`]). The `Map` only builds keys.
pub const SCORES: Map<(u64, u64), ()> = Map::new("scores");

/// The first byte of a binary scores record (the JSON record before it starts with `{`).
const SCORES_RECORD_V1: u8 = 1;

/// Instant scores of one scored nonce (MATH.md §7), read by reward-distribution: each list
/// in ascending actor index.
#[cw_serde]
pub struct EpochScores {
    pub topic_id: u64,
    pub nonce: u64,
    pub inferers: Vec<WorkerScore>,
    /// Forecasters that had an implied inference.
    pub forecasters: Vec<WorkerScore>,
    /// Forecasting-task score `T_i = L⁻ − L`.
    pub forecasting_task: SignedDecimal,
    pub reputers: Vec<ReputerScore>,
    /// Height of the block that closed the reputer window.
    pub scored_at: u64,
    /// The topic's ε (MATH.md §8.1) when the epoch was scored: reward-distribution settles
    /// the epoch with it, whatever the creator sets afterwards.
    pub epsilon: Decimal,
    /// The topic's rules when the epoch was scored (reward-distribution maps the scores to
    /// rewards by them); absent in a record written before they existed: the reference.
    #[serde(default)]
    pub rules: Rules,
}

impl EpochScores {
    /// The stored form: a format byte, then varints throughout (ids delta-coded, values as
    /// zigzag varints of their atomics, addresses as text), about half the JSON record:
    /// the reputer close writes it and settlement reads it.
    pub fn to_record(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u8(SCORES_RECORD_V1);
        w.varint(u128::from(self.topic_id));
        w.varint(u128::from(self.nonce));
        w.varint(u128::from(self.scored_at));
        w.varint(self.epsilon.atomics().u128());
        w.u8(rule_bits(&self.rules));
        w.zigzag(self.forecasting_task.atomics().i128());
        for list in [&self.inferers, &self.forecasters] {
            w.id_list(
                list,
                |s| s.worker,
                |w, s| {
                    w.text(s.owner.as_str());
                    w.zigzag(s.value.atomics().i128());
                },
            );
        }
        w.id_list(
            &self.reputers,
            |r| r.reputer,
            |w, r| {
                w.text(r.address.as_str());
                w.text(r.owner.as_str());
                w.varint(r.stake.u128());
                w.varint(r.delegated.u128());
                w.zigzag(r.score.atomics().i128());
                w.zigzag(r.listening_coefficient.atomics().i128());
            },
        );
        w.into_bytes()
    }

    /// Reads a stored scores record: the binary form of [`Self::to_record`], or the JSON
    /// form before it (a record `migrate` has not converted yet).
    pub fn from_record(bytes: &[u8]) -> StdResult<EpochScores> {
        if bytes.first() == Some(&b'{') {
            return from_json(bytes);
        }
        let mut r = Reader::new(bytes);
        if r.u8()? != SCORES_RECORD_V1 {
            return Err(StdError::generic_err("unknown scores record format"));
        }
        let topic_id = r.varint_u64()?;
        let nonce = r.varint_u64()?;
        let scored_at = r.varint_u64()?;
        let epsilon = Decimal::raw(r.varint()?);
        let rules = rules_of(r.u8()?)?;
        let forecasting_task = SignedDecimal::raw(r.zigzag()?);
        let workers = |r: &mut Reader| {
            r.id_list(3, |r, worker| {
                Ok::<_, StdError>(WorkerScore {
                    worker,
                    owner: Addr::unchecked(r.text()?),
                    value: SignedDecimal::raw(r.zigzag()?),
                })
            })
        };
        let inferers = workers(&mut r)?;
        let forecasters = workers(&mut r)?;
        let reputers = r.id_list(3, |r, reputer| {
            Ok::<_, StdError>(ReputerScore {
                reputer,
                address: Addr::unchecked(r.text()?),
                owner: Addr::unchecked(r.text()?),
                stake: Uint128::new(r.varint()?),
                delegated: Uint128::new(r.varint()?),
                score: SignedDecimal::raw(r.zigzag()?),
                listening_coefficient: SignedDecimal::raw(r.zigzag()?),
            })
        })?;
        r.end()?;
        Ok(EpochScores {
            topic_id,
            nonce,
            inferers,
            forecasters,
            forecasting_task,
            reputers,
            scored_at,
            epsilon,
            rules,
        })
    }
}

fn corrupt() -> StdError {
    StdError::generic_err("corrupt scores record")
}

fn rule_bits(rules: &Rules) -> u8 {
    u8::from(rules.cap_then_listen)
        | u8::from(rules.listened_network_losses) << 1
        | u8::from(rules.zero_floor_rewards) << 2
        | u8::from(rules.centred_forecast_regrets) << 3
}

fn rules_of(bits: u8) -> StdResult<Rules> {
    if bits >> 4 != 0 {
        return Err(corrupt());
    }
    Ok(Rules {
        cap_then_listen: bits & 1 != 0,
        listened_network_losses: bits & 2 != 0,
        zero_floor_rewards: bits & 4 != 0,
        centred_forecast_regrets: bits & 8 != 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::to_json_vec;

    fn scores() -> EpochScores {
        EpochScores {
            topic_id: u64::MAX,
            nonce: 7,
            inferers: vec![
                WorkerScore {
                    worker: 3,
                    owner: Addr::unchecked("nous1owner"),
                    value: SignedDecimal::raw(-12),
                },
                WorkerScore {
                    worker: 1,
                    owner: Addr::unchecked("nous1other"),
                    value: SignedDecimal::MAX,
                },
            ],
            forecasters: vec![],
            forecasting_task: SignedDecimal::MIN,
            reputers: vec![ReputerScore {
                reputer: u32::MAX,
                address: Addr::unchecked("nous1reputer"),
                owner: Addr::unchecked("nous1owner"),
                stake: Uint128::MAX,
                delegated: Uint128::new(5),
                score: SignedDecimal::percent(150),
                listening_coefficient: SignedDecimal::one(),
            }],
            scored_at: 99,
            epsilon: Decimal::permille(1),
            rules: Rules::IMPROVED,
        }
    }

    #[test]
    fn scores_records_round_trip_and_read_the_json_before_them() {
        let s = scores();
        let record = s.to_record();
        assert_eq!(EpochScores::from_record(&record).unwrap(), s);
        let json = to_json_vec(&s).unwrap();
        assert!(
            record.len() * 2 < json.len() + 100,
            "{} vs {}",
            record.len(),
            json.len()
        );
        assert_eq!(EpochScores::from_record(&json).unwrap(), s);
        for rules in [Rules::REFERENCE, Rules::IMPROVED] {
            let r = EpochScores { rules, ..scores() };
            assert_eq!(EpochScores::from_record(&r.to_record()).unwrap(), r);
        }
    }

    #[test]
    fn corrupt_scores_records_are_refused() {
        let record = scores().to_record();
        // truncated at every length, a trailing byte, an unknown format or rule bit
        for n in 0..record.len() {
            assert!(EpochScores::from_record(&record[..n]).is_err(), "{n}");
        }
        let mut longer = record.clone();
        longer.push(0);
        assert!(EpochScores::from_record(&longer).is_err());
        let mut other = record.clone();
        other[0] = 2;
        assert!(EpochScores::from_record(&other).is_err());
        assert!(rules_of(16).is_err());
    }
}
