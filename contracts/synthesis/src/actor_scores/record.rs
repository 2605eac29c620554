//! One actor's record in one class ([`ActorScore`]), its binary form, and the actor's own
//! key (`actor_scores: (topic_id, class tag, actor)`), where the record is kept while the
//! actor is outside its class's hot record. Value: the EMA (zigzag varint of the raw
//! `Fixed`), the height and the count (varints), then the listening coefficient (zigzag
//! varint) when there is one.

use cosmwasm_std::{StdError, Storage};
use nous_math::Fixed;
use nous_types::synthesis::ActorClass;

use crate::codec::{RawMap, Reader, Writer};
use crate::error::ContractError;
use crate::state::ScoreEma;

const RECORDS: RawMap<(u64, u8, u32)> = RawMap::new("actor_scores");

/// What synthesis keeps of one actor in one class.
#[derive(Clone, Debug, PartialEq)]
pub struct ActorScore {
    pub ema: ScoreEma,
    /// Epochs in which the actor was scored for the class.
    pub inclusions: u64,
    /// A reputer's listening coefficient (absent: never through a consensus, reads as 1).
    pub listening: Option<Fixed>,
}

impl ActorScore {
    /// The record of an actor never scored, with the given EMA.
    pub fn new(ema: ScoreEma) -> ActorScore {
        ActorScore {
            ema,
            inclusions: 0,
            listening: None,
        }
    }
}

pub fn corrupt() -> ContractError {
    ContractError::Std(StdError::generic_err("corrupt actor score record"))
}

fn encode(s: &ActorScore) -> Vec<u8> {
    let mut w = Writer::default();
    w.zigzag(s.ema.value.raw());
    w.varint(u128::from(s.ema.updated_at));
    w.varint(u128::from(s.inclusions));
    if let Some(a) = s.listening {
        w.zigzag(a.raw());
    }
    w.into_bytes()
}

fn decode(bytes: &[u8]) -> Result<ActorScore, ContractError> {
    let mut r = Reader::new(bytes);
    let value = Fixed::from_raw(r.zigzag()?);
    let updated_at = u64::try_from(r.varint()?).map_err(|_| corrupt())?;
    let inclusions = u64::try_from(r.varint()?).map_err(|_| corrupt())?;
    let listening = if r.is_empty() {
        None
    } else {
        Some(Fixed::from_raw(r.zigzag()?))
    };
    r.end()?;
    Ok(ActorScore {
        ema: ScoreEma { value, updated_at },
        inclusions,
        listening,
    })
}

pub fn load_own(
    storage: &dyn Storage,
    topic_id: u64,
    class: ActorClass,
    actor: u32,
) -> Result<Option<ActorScore>, ContractError> {
    RECORDS
        .get(storage, (topic_id, class.tag(), actor))
        .map(|bytes| decode(&bytes))
        .transpose()
}

pub fn save_own(
    storage: &mut dyn Storage,
    topic_id: u64,
    class: ActorClass,
    actor: u32,
    score: &ActorScore,
) {
    save_own_key(storage, (topic_id, class.tag(), actor), score)
}

/// [`save_own`] by the key's parts (`migrate` reads class tags from old keys).
pub fn save_own_key(storage: &mut dyn Storage, key: (u64, u8, u32), score: &ActorScore) {
    RECORDS.set(storage, key, &encode(score))
}

pub fn remove_own(storage: &mut dyn Storage, topic_id: u64, class: ActorClass, actor: u32) {
    RECORDS.remove(storage, (topic_id, class.tag(), actor))
}

/// Values for the tests of this module and its siblings.
#[cfg(test)]
pub mod fixtures {
    use super::*;

    pub const T: u64 = 7;
    pub const C: ActorClass = ActorClass::Reputer;

    pub fn f(s: &str) -> Fixed {
        s.parse().unwrap()
    }

    pub fn ema(v: &str, at: u64) -> ScoreEma {
        ScoreEma {
            value: f(v),
            updated_at: at,
        }
    }

    pub fn score(v: i128, at: u64, inclusions: u64, listening: Option<i128>) -> ActorScore {
        ActorScore {
            ema: ScoreEma {
                value: Fixed::from_raw(v),
                updated_at: at,
            },
            inclusions,
            listening: listening.map(Fixed::from_raw),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{ema, f};
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    #[test]
    fn records_round_trip_and_refuse_corrupt_bytes() {
        let mut st = MockStorage::new();
        let inferer = ActorScore {
            inclusions: 12,
            ..ActorScore::new(ema("-0.25", 1_000_000))
        };
        let reputer = ActorScore {
            ema: ema("3.5", 7),
            inclusions: u64::MAX,
            listening: Some(f("0.000000000000000001")),
        };
        save_own(&mut st, 1, ActorClass::Inferer, 4, &inferer);
        save_own(&mut st, 1, ActorClass::Reputer, 4, &reputer);
        let load = |class, actor| load_own(&st, 1, class, actor).unwrap();
        assert_eq!(load(ActorClass::Inferer, 4), Some(inferer.clone()));
        assert_eq!(load(ActorClass::Reputer, 4), Some(reputer));
        assert_eq!(load(ActorClass::Forecaster, 4), None);
        // an EMA below 4.6 with a height and a small count in ~14 bytes, not ~180 of JSON
        assert!(encode(&inferer).len() <= 14);
        let mut bytes = encode(&inferer);
        bytes.push(0x80);
        assert!(decode(&bytes).is_err());
        assert!(decode(&[0x80]).is_err());
    }
}
