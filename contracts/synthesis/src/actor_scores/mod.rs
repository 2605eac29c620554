//! What synthesis keeps of each actor per class: the score EMA of merit sortition (MATH.md
//! §11) with the height it was written at, the number of epochs in which the actor was scored
//! for the class (the experience count of §6.3) and, for a reputer, its listening coefficient
//! after the last consensus (§7.3).
//!
//! An actor's record is in one of two places: in its class's hot record ([`hot`]) while the
//! last reputer close scored it, else under its own key. The reputer close reads and writes a
//! class in one record; a submission reads one actor ([`load_actor_score`]: the hot record
//! first, where an active actor is) and a passed-over actor's drift rewrites it where it is.
//!
//! Own key: raw storage under `actor_scores`, `(topic_id, class tag, actor)`. Value: the EMA
//! (zigzag varint of the raw `Fixed`), the height and the count (varints), then the listening
//! coefficient (zigzag varint) when there is one.

mod hot;

pub use hot::{load_class_scores, save_class_scores};

use cosmwasm_std::{from_json, StdError, Storage};
use nous_math::Fixed;
use nous_types::synthesis::ActorClass;

use crate::codec::{
    namespace_records, topic_actor_key, topic_tag_actor_key, RawMap, Reader, Writer,
};
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

pub(super) fn corrupt() -> ContractError {
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

/// Where an actor's record is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// In its class's hot record.
    Hot,
    /// Under its own key.
    Own,
}

/// An actor's record and where it is kept; `None` if it has none.
pub fn load_placed_actor_score(
    storage: &dyn Storage,
    topic_id: u64,
    class: ActorClass,
    actor: u32,
) -> Result<Option<(ActorScore, Place)>, ContractError> {
    let entries = hot::load(storage, topic_id, class)?;
    if let Some(i) = hot::find(&entries, actor) {
        return Ok(entries.into_iter().nth(i).map(|(_, s)| (s, Place::Hot)));
    }
    Ok(load_own(storage, topic_id, class, actor)?.map(|s| (s, Place::Own)))
}

/// An actor's record, wherever it is kept.
pub fn load_actor_score(
    storage: &dyn Storage,
    topic_id: u64,
    class: ActorClass,
    actor: u32,
) -> Result<Option<ActorScore>, ContractError> {
    Ok(load_placed_actor_score(storage, topic_id, class, actor)?.map(|(s, _)| s))
}

/// Writes an actor's record where [`load_placed_actor_score`] found it (`None`, an actor
/// without one: under its own key).
pub fn save_placed_actor_score(
    storage: &mut dyn Storage,
    topic_id: u64,
    class: ActorClass,
    actor: u32,
    score: &ActorScore,
    place: Option<Place>,
) -> Result<(), ContractError> {
    if place == Some(Place::Hot) {
        let mut entries = hot::load(storage, topic_id, class)?;
        if let Some(i) = hot::find(&entries, actor) {
            entries[i].1 = score.clone();
            hot::save(storage, topic_id, class, &entries);
            return Ok(());
        }
    }
    save_own(storage, topic_id, class, actor, score);
    Ok(())
}

pub(super) fn load_own(
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

pub(super) fn save_own(
    storage: &mut dyn Storage,
    topic_id: u64,
    class: ActorClass,
    actor: u32,
    score: &ActorScore,
) {
    RECORDS.set(storage, (topic_id, class.tag(), actor), &encode(score))
}

pub(super) fn remove_own(storage: &mut dyn Storage, topic_id: u64, class: ActorClass, actor: u32) {
    RECORDS.remove(storage, (topic_id, class.tag(), actor))
}

/// `migrate`: folds the JSON records of the layout before this one — `score_ema` and
/// `inclusions` keyed `(topic, class tag, actor)`, `listening` keyed `(topic, reputer)` —
/// into the packed records (every topic at once: nothing is deployed yet, the state is
/// small). Returns the number of old records converted.
pub fn migrate_actor_scores(storage: &mut dyn Storage) -> Result<usize, ContractError> {
    use nous_math::sorted_map::SortedMap;
    let mut records: SortedMap<(u64, u8, u32), ActorScore> = SortedMap::new();
    let mut inclusions: SortedMap<(u64, u8, u32), u64> = SortedMap::new();
    let mut listening: SortedMap<(u64, u32), Fixed> = SortedMap::new();
    let mut old_keys = vec![];
    for (namespace, kind) in [
        (&b"score_ema"[..], 0),
        (b"inclusions", 1),
        (b"listening", 2),
    ] {
        for (key, value) in namespace_records(storage, namespace) {
            // (topic, class tag, actor), and (topic, reputer) for `listening`
            let class_key = || topic_tag_actor_key(&key, namespace);
            match kind {
                0 => {
                    records.insert(class_key()?, ActorScore::new(from_json(&value)?));
                }
                1 => {
                    inclusions.insert(class_key()?, from_json(&value)?);
                }
                _ => {
                    let topic_reputer = topic_actor_key(&key, namespace)?;
                    listening.insert(topic_reputer, from_json(&value)?);
                }
            }
            old_keys.push(key);
        }
    }
    let reputer = ActorClass::Reputer.tag();
    for ((topic, class, actor), record) in records.iter_mut() {
        record.inclusions = inclusions
            .get(&(*topic, *class, *actor))
            .copied()
            .unwrap_or(0);
        if *class == reputer {
            record.listening = listening.get(&(*topic, *actor)).copied();
        }
    }
    for ((topic, class, actor), record) in &records {
        RECORDS.set(storage, (*topic, *class, *actor), &encode(record));
    }
    for key in &old_keys {
        storage.remove(key);
    }
    Ok(old_keys.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;
    use cw_storage_plus::Map;

    fn f(s: &str) -> Fixed {
        s.parse().unwrap()
    }

    fn ema(v: &str, at: u64) -> ScoreEma {
        ScoreEma {
            value: f(v),
            updated_at: at,
        }
    }

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
        let load = |class, actor| load_actor_score(&st, 1, class, actor).unwrap();
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

    #[test]
    fn migrate_folds_the_three_json_records() {
        // the layout before, written as the code before wrote it
        let emas: Map<(u64, u8, u32), ScoreEma> = Map::new("score_ema");
        let inclusions: Map<(u64, u8, u32), u64> = Map::new("inclusions");
        let listening: Map<(u64, u32), Fixed> = Map::new("listening");
        let mut st = MockStorage::new();
        let reputer = ActorClass::Reputer.tag();
        let inferer = ActorClass::Inferer.tag();
        emas.save(&mut st, (1, reputer, 9), &ema("0.5", 3)).unwrap();
        inclusions.save(&mut st, (1, reputer, 9), &4).unwrap();
        listening.save(&mut st, (1, 9), &f("0.75")).unwrap();
        // an inferer with the same id, and one that only drifted (no inclusion yet)
        emas.save(&mut st, (1, inferer, 9), &ema("-1", 2)).unwrap();
        inclusions.save(&mut st, (1, inferer, 9), &2).unwrap();
        emas.save(&mut st, (2, inferer, 300), &ema("2", 5)).unwrap();
        assert_eq!(migrate_actor_scores(&mut st).unwrap(), 6);
        assert_eq!(
            load_actor_score(&st, 1, ActorClass::Reputer, 9).unwrap(),
            Some(ActorScore {
                ema: ema("0.5", 3),
                inclusions: 4,
                listening: Some(f("0.75")),
            })
        );
        assert_eq!(
            load_actor_score(&st, 1, ActorClass::Inferer, 9).unwrap(),
            Some(ActorScore {
                inclusions: 2,
                ..ActorScore::new(ema("-1", 2))
            })
        );
        assert_eq!(
            load_actor_score(&st, 2, ActorClass::Inferer, 300).unwrap(),
            Some(ActorScore::new(ema("2", 5)))
        );
        assert!(emas.may_load(&st, (1, reputer, 9)).unwrap().is_none());
        assert!(listening.may_load(&st, (1, 9)).unwrap().is_none());
        assert_eq!(migrate_actor_scores(&mut st).unwrap(), 0);
    }
}
