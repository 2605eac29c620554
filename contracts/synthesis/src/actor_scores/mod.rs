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
//! The record and its own key are [`record`]'s.

mod hot;
mod record;

pub use hot::{load_class_scores, save_class_scores};
pub use record::ActorScore;

use cosmwasm_std::{from_json, Storage};
use nous_math::Fixed;
use nous_types::synthesis::ActorClass;

use crate::codec::{namespace_records, topic_actor_key, topic_tag_actor_key};
use crate::error::ContractError;
use record::{load_own, save_own, save_own_key};

/// Where an actor's record is kept: in its class's hot record (as read, with the actor's
/// index, so a write back needs no second read) or under its own key.
#[derive(Clone, Debug, PartialEq)]
pub enum Place {
    Hot(hot::Entries, usize),
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
        let score = entries[i].1.clone();
        return Ok(Some((score, Place::Hot(entries, i))));
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
) {
    match place {
        Some(Place::Hot(mut entries, i)) => {
            entries[i].1 = score.clone();
            hot::save(storage, topic_id, class, &entries);
        }
        Some(Place::Own) | None => save_own(storage, topic_id, class, actor, score),
    }
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
        save_own_key(storage, (*topic, *class, *actor), record);
    }
    for key in &old_keys {
        storage.remove(key);
    }
    Ok(old_keys.len())
}

#[cfg(test)]
mod tests {
    use super::record::fixtures::{ema, f, score, C, T};
    use super::*;
    use crate::state::ScoreEma;
    use cosmwasm_std::testing::MockStorage;
    use cw_storage_plus::Map;

    #[test]
    fn a_close_moves_records_in_and_out_and_each_lives_in_one_place() {
        let mut st = MockStorage::new();
        // records written before the hot record existed: under their own keys
        save_own(&mut st, T, C, 1, &score(10, 1, 3, Some(5)));
        save_own(&mut st, T, C, 2, &score(20, 1, 4, None));
        let loaded = load_class_scores(&st, T, C, &[1, 2, 3]).unwrap();
        assert_eq!(loaded.records.len(), 2);
        // the close scores 1 and 3 (new): both go hot, 1's own key goes, 2 stays where it is
        let first = vec![(1, score(11, 50, 4, Some(6))), (3, score(30, 50, 1, None))];
        save_class_scores(&mut st, T, loaded, first.clone());
        assert_eq!(hot::load(&st, T, C).unwrap(), first);
        assert_eq!(load_own(&st, T, C, 1).unwrap(), None);
        assert_eq!(load_own(&st, T, C, 2).unwrap(), Some(score(20, 1, 4, None)));
        let (found, place) = load_placed_actor_score(&st, T, C, 3).unwrap().unwrap();
        assert_eq!(found, score(30, 50, 1, None));
        assert_eq!(place, Place::Hot(first.clone(), 1));
        // a drift rewrites the record where it is, from the hot record as read
        save_placed_actor_score(&mut st, T, C, 3, &score(29, 55, 1, None), Some(place));
        assert_eq!(load_own(&st, T, C, 3).unwrap(), None);
        assert_eq!(
            load_actor_score(&st, T, C, 3).unwrap(),
            Some(score(29, 55, 1, None))
        );
        save_placed_actor_score(&mut st, T, C, 4, &score(1, 56, 0, None), None);
        assert_eq!(load_own(&st, T, C, 4).unwrap(), Some(score(1, 56, 0, None)));
        // the next close scores 2 only: 1 and 3 move out unchanged, 2 moves in
        let loaded = load_class_scores(&st, T, C, &[1, 2, 3]).unwrap();
        save_class_scores(&mut st, T, loaded, vec![(2, score(21, 60, 5, None))]);
        assert_eq!(
            hot::load(&st, T, C).unwrap(),
            vec![(2, score(21, 60, 5, None))]
        );
        assert_eq!(load_own(&st, T, C, 2).unwrap(), None);
        assert_eq!(
            load_own(&st, T, C, 1).unwrap(),
            Some(score(11, 50, 4, Some(6)))
        );
        assert_eq!(
            load_own(&st, T, C, 3).unwrap(),
            Some(score(29, 55, 1, None))
        );
        // a close that scores nobody empties the hot record: 2 moves out
        let loaded = load_class_scores(&st, T, C, &[2]).unwrap();
        save_class_scores(&mut st, T, loaded, vec![]);
        assert!(hot::load(&st, T, C).unwrap().is_empty());
        assert_eq!(
            load_actor_score(&st, T, C, 2).unwrap(),
            Some(score(21, 60, 5, None))
        );
        // other classes and topics are untouched
        assert_eq!(
            load_actor_score(&st, T, ActorClass::Inferer, 2).unwrap(),
            None
        );
        assert_eq!(load_actor_score(&st, T + 1, C, 2).unwrap(), None);
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
