//! The records of the actors the last reputer close scored, one record per `(topic,
//! class)`: the close reads and writes a class in one record each instead of one per actor
//! (at 32/6/6 the 44 per-actor records cost 243k of the close's 1.02M SDK gas, mostly the
//! flat cost of a read and a write each). Its size is bounded by the class's active set.
//!
//! Every actor's record is in exactly one place: in its class's hot record while the last
//! reputer close scored it, else under its own key. The close moves the actors it no longer
//! scores out to their own keys unchanged and removes the own keys of those it moves in, as
//! `regret_store` does for regret rows; records written before the hot record existed are
//! read from their own keys until a close moves them in, so no migration is needed.
//!
//! Value: the largest height of the entries (varint), then an id list (`Writer::id_list`,
//! ascending) of the EMA (zigzag varint), that height less the entry's height (varint: 0 for
//! every entry the close wrote), the inclusion count (varint) and the listening coefficient
//! (a flag byte, then a zigzag varint when present).

use cosmwasm_std::Storage;
use nous_math::sorted_map::{SortedMap, SortedSet};
use nous_math::Fixed;
use nous_types::synthesis::ActorClass;

use super::record::{corrupt, load_own, remove_own, save_own, ActorScore};
use crate::codec::{RawMap, Reader, Writer};
use crate::error::ContractError;
use crate::state::ScoreEma;

const HOT: RawMap<(u64, u8)> = RawMap::new("actor_scores_hot");

/// A class's hot entries, ascending by actor.
pub(super) type Entries = Vec<(u32, ActorScore)>;

fn encode(entries: &[(u32, ActorScore)]) -> Vec<u8> {
    let top = entries
        .iter()
        .map(|(_, s)| s.ema.updated_at)
        .max()
        .unwrap_or(0);
    let mut w = Writer::default();
    w.varint(u128::from(top));
    w.id_list(
        entries,
        |(actor, _)| *actor,
        |w, (_, s)| {
            w.zigzag(s.ema.value.raw());
            w.varint(u128::from(top - s.ema.updated_at));
            w.varint(u128::from(s.inclusions));
            match s.listening {
                None => w.u8(0),
                Some(a) => {
                    w.u8(1);
                    w.zigzag(a.raw());
                }
            }
        },
    );
    w.into_bytes()
}

fn decode(bytes: &[u8]) -> Result<Entries, ContractError> {
    let mut r = Reader::new(bytes);
    let top = u64::try_from(r.varint()?).map_err(|_| corrupt())?;
    // an entry takes at least 4 bytes: EMA, height, count, flag
    let entries = r.id_list(4, |r, actor| -> Result<_, ContractError> {
        let value = Fixed::from_raw(r.zigzag()?);
        let back = u64::try_from(r.varint()?).map_err(|_| corrupt())?;
        let updated_at = top.checked_sub(back).ok_or_else(corrupt)?;
        let inclusions = u64::try_from(r.varint()?).map_err(|_| corrupt())?;
        let listening = match r.u8()? {
            0 => None,
            1 => Some(Fixed::from_raw(r.zigzag()?)),
            _ => return Err(corrupt()),
        };
        Ok((
            actor,
            ActorScore {
                ema: ScoreEma { value, updated_at },
                inclusions,
                listening,
            },
        ))
    })?;
    r.end()?;
    if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
        return Err(corrupt());
    }
    Ok(entries)
}

pub(super) fn load(
    storage: &dyn Storage,
    topic_id: u64,
    class: ActorClass,
) -> Result<Entries, ContractError> {
    HOT.get(storage, (topic_id, class.tag()))
        .map_or(Ok(Vec::new()), |bytes| decode(&bytes))
}

pub(super) fn save(storage: &mut dyn Storage, topic_id: u64, class: ActorClass, entries: &Entries) {
    let key = (topic_id, class.tag());
    if entries.is_empty() {
        HOT.remove(storage, key);
    } else {
        HOT.set(storage, key, &encode(entries));
    }
}

pub(super) fn find(entries: &Entries, actor: u32) -> Option<usize> {
    entries.binary_search_by_key(&actor, |(a, _)| *a).ok()
}

/// One class's records as the reputer close reads them: the hot record once, own keys for
/// the actors not in it.
pub struct ClassScores {
    class: ActorClass,
    /// The hot record as read.
    hot: Entries,
    /// Actors whose records were read from their own keys.
    own: SortedSet<u32>,
    /// Every record found, by actor.
    pub records: SortedMap<u32, ActorScore>,
}

/// The records of `actors` of one class, for the reputer close.
pub fn load_class_scores(
    storage: &dyn Storage,
    topic_id: u64,
    class: ActorClass,
    actors: &[u32],
) -> Result<ClassScores, ContractError> {
    let hot = load(storage, topic_id, class)?;
    let mut own = SortedSet::new();
    let mut records = SortedMap::new();
    for a in actors {
        if let Some(i) = find(&hot, *a) {
            records.insert(*a, hot[i].1.clone());
        } else if let Some(s) = load_own(storage, topic_id, class, *a)? {
            own.insert(*a);
            records.insert(*a, s);
        }
    }
    Ok(ClassScores {
        class,
        hot,
        own,
        records,
    })
}

/// Writes the reputer close's records of one class: `scored` (ascending by actor, every actor
/// the close scored) becomes the hot record; actors of the hot record read before that are
/// not scored now keep their records under their own keys; scored actors' own keys go.
pub fn save_class_scores(
    storage: &mut dyn Storage,
    topic_id: u64,
    before: ClassScores,
    scored: Entries,
) {
    let class = before.class;
    for (actor, record) in &before.hot {
        if find(&scored, *actor).is_none() {
            save_own(storage, topic_id, class, *actor, record);
        }
    }
    for (actor, _) in &scored {
        if before.own.contains(actor) {
            remove_own(storage, topic_id, class, *actor);
        }
    }
    if scored != before.hot {
        save(storage, topic_id, class, &scored);
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::fixtures::{score, C, T};
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    #[test]
    fn the_hot_record_round_trips_and_refuses_corrupt_bytes() {
        let entries = vec![
            (2, score(-5, 100, 1, None)),
            (9, score(i128::MAX, 90, u64::MAX, Some(i128::MIN))),
            (u32::MAX, score(0, 0, 0, Some(1))),
        ];
        let bytes = encode(&entries);
        assert_eq!(decode(&bytes).unwrap(), entries);
        // entries of one close: EMA, height 0, a small count and a flag in about 6 bytes
        let close: Entries = (0..32)
            .map(|a| (a, score(123_456_789, 5_000, 20, None)))
            .collect();
        assert!(
            encode(&close).len() <= 4 + 32 * 8,
            "{}",
            encode(&close).len()
        );
        for bad in [
            [&bytes[..], &[0]].concat(),       // trailing byte
            bytes[..bytes.len() - 1].to_vec(), // truncated
            encode(&[(3, score(1, 1, 1, None)), (3, score(1, 1, 1, None))]), // not ascending
        ] {
            assert!(decode(&bad).is_err());
        }
        // an unknown flag, and an entry above the record's largest height
        let mut flag = encode(&[(1, score(1, 1, 1, None))]);
        *flag.last_mut().unwrap() = 2;
        assert!(decode(&flag).is_err());
        assert!(decode(&[1, 1, 2, 2, 5, 0, 0]).is_err());
    }

    #[test]
    fn an_unchanged_class_is_not_rewritten() {
        let mut st = MockStorage::new();
        let entries = vec![(1, score(1, 1, 1, None))];
        save(&mut st, T, C, &entries);
        let loaded = load_class_scores(&st, T, C, &[1]).unwrap();
        // a storage that refuses writes would fail the test if one were attempted
        struct ReadOnly<'a>(&'a MockStorage);
        impl Storage for ReadOnly<'_> {
            fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
                self.0.get(key)
            }
            fn range<'a>(
                &'a self,
                start: Option<&[u8]>,
                end: Option<&[u8]>,
                order: cosmwasm_std::Order,
            ) -> Box<dyn Iterator<Item = cosmwasm_std::Record> + 'a> {
                self.0.range(start, end, order)
            }
            fn set(&mut self, _: &[u8], _: &[u8]) {
                panic!("written");
            }
            fn remove(&mut self, _: &[u8]) {
                panic!("removed");
            }
        }
        save_class_scores(&mut ReadOnly(&st), T, loaded, entries);
    }
}
