//! Merit sortition (MATH.md §11), enforced online as payloads arrive: while a class's
//! active set is full, a newcomer replaces the member with the lowest score EMA only if its
//! own EMA is strictly higher; whoever is left out has its EMA moved toward the class's
//! quantile of the last scored epoch. Ties among the lowest EMAs follow the maths package's
//! deterministic rule (the highest id leaves) rather than a block-seeded generator: the
//! same payloads give the same set whichever blocks carry them.

use cosmwasm_std::{Attribute, Storage};
use nous_math::sorted_map::SortedMap;

use nous_math::sortition::{self, Admission as MathAdmission};
use nous_math::stats::ema;
use nous_math::Fixed;
use nous_types::synthesis::ActorClass;

use crate::actor_scores::{
    load_actor_score, load_placed_actor_score, save_placed_actor_score, ActorScore,
};
use crate::error::ContractError;
use crate::state::{add_member, load_set, remove_member, Member, ScoreEma, TopicRecord};

/// What happened to a newcomer.
#[derive(Debug, Clone, PartialEq)]
pub enum Admission {
    /// The set had room.
    Joined,
    /// The newcomer took the place of this member.
    Replaced(Member),
    /// The set is full of members at least as good.
    Refused,
}

/// Adds `newcomer` to `set` (kept sorted by actor) under the cap, by the maths package's
/// online rule (`nous_math::sortition::admit`: strictly higher EMA replaces the lowest;
/// among equal lowest EMAs the highest actor id leaves).
pub fn admit(set: &mut Vec<Member>, cap: usize, newcomer: Member) -> Admission {
    let mut emas: SortedMap<u32, Fixed> = set.iter().map(|m| (m.actor, m.ema)).collect();
    match sortition::admit(&mut emas, cap, newcomer.actor, newcomer.ema) {
        MathAdmission::Added => {
            let pos = set.partition_point(|m| m.actor < newcomer.actor);
            set.insert(pos, newcomer);
            Admission::Joined
        }
        MathAdmission::Replaced { evicted } => {
            let Some(idx) = set.iter().position(|m| m.actor == evicted) else {
                return Admission::Refused;
            };
            let gone = set.remove(idx);
            let pos = set.partition_point(|m| m.actor < newcomer.actor);
            set.insert(pos, newcomer);
            Admission::Replaced(gone)
        }
        MathAdmission::Rejected | MathAdmission::AlreadyMember => Admission::Refused,
    }
}

/// The stored score EMA of an actor; `None` if never scored nor passed over.
pub fn stored_ema(
    storage: &dyn Storage,
    topic_id: u64,
    class: ActorClass,
    actor: u32,
) -> Result<Option<ScoreEma>, ContractError> {
    Ok(load_actor_score(storage, topic_id, class, actor)?.map(|s| s.ema))
}

/// A registered actor as a candidate of one class, with its EMA for comparison (0 for an
/// actor without one, MATH.md §11).
pub fn candidate(
    storage: &dyn Storage,
    topic_id: u64,
    class: ActorClass,
    actor: u32,
) -> Result<Member, ContractError> {
    let ema = stored_ema(storage, topic_id, class, actor)?
        .map(|e| e.value)
        .unwrap_or(Fixed::ZERO);
    Ok(Member { actor, ema })
}

/// The passive update of an actor left out of the active set: `EMA_α(Q, prev)` with the
/// class's quantile of the last scored epoch. Nothing happens before the first scored
/// epoch (there is no quantile yet). Returns the new EMA if one was written.
pub fn drift_toward_quantile(
    storage: &mut dyn Storage,
    topic_id: u64,
    topic: &TopicRecord,
    class: ActorClass,
    actor: u32,
    height: u64,
) -> Result<Option<Fixed>, ContractError> {
    let Some(q) = topic.quantiles.get(class.tag() as usize).copied().flatten() else {
        return Ok(None);
    };
    let alpha = Fixed::try_from(topic.params.merit_sortition_alpha)?;
    let stored = load_placed_actor_score(storage, topic_id, class, actor)?;
    let value = ema(alpha, q, stored.as_ref().map(|(s, _)| s.ema.value))?;
    let ema = ScoreEma {
        value,
        updated_at: height,
    };
    let (record, place) = match stored {
        Some((s, place)) => (ActorScore { ema, ..s }, Some(place)),
        None => (ActorScore::new(ema), None),
    };
    save_placed_actor_score(storage, topic_id, class, actor, &record, place);
    Ok(Some(value))
}

/// The outcome of one submission for one class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub admitted: bool,
    /// The member this submission replaced.
    pub evicted: Option<u32>,
}

impl Entry {
    /// `<class>_admitted` and, if any, `<class>_evicted`.
    pub fn attributes(&self, class: ActorClass) -> Vec<Attribute> {
        let name = class.as_str();
        let mut out = vec![Attribute::new(
            format!("{name}_admitted"),
            self.admitted.to_string(),
        )];
        if let Some(e) = self.evicted {
            out.push(Attribute::new(format!("{name}_evicted"), e.to_string()));
        }
        out
    }
}

/// A registered actor's submission enters one class's active set of a nonce: admission by
/// the online rule, the set written back, the left-out actor's EMA drifted. The caller
/// drops the evicted member's payload for the class.
pub fn enter(
    storage: &mut dyn Storage,
    (topic_id, topic): (u64, &TopicRecord),
    nonce: u64,
    class: ActorClass,
    actor: u32,
    height: u64,
) -> Result<Entry, ContractError> {
    let cap = match class {
        ActorClass::Inferer => topic.params.max_inferers,
        ActorClass::Forecaster => topic.params.max_forecasters,
        ActorClass::Reputer => topic.params.max_reputers,
    };
    let newcomer = candidate(storage, topic_id, class, actor)?;
    let actor = newcomer.actor;
    let mut set = load_set(storage, topic_id, nonce, class)?;
    let entry = match admit(&mut set, cap as usize, newcomer.clone()) {
        Admission::Joined => Entry {
            admitted: true,
            evicted: None,
        },
        Admission::Replaced(gone) => {
            drift_toward_quantile(storage, topic_id, topic, class, gone.actor, height)?;
            remove_member(storage, topic_id, nonce, class, gone.actor);
            Entry {
                admitted: true,
                evicted: Some(gone.actor),
            }
        }
        Admission::Refused => {
            drift_toward_quantile(storage, topic_id, topic, class, actor, height)?;
            return Ok(Entry {
                admitted: false,
                evicted: None,
            });
        }
    };
    add_member(storage, topic_id, nonce, class, &newcomer);
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(actor: u32, ema: i128) -> Member {
        Member {
            actor,
            ema: Fixed::from_int(ema).unwrap(),
        }
    }

    #[test]
    fn joins_while_there_is_room_sorted_by_actor() {
        let mut set = vec![m(5, 1)];
        assert_eq!(admit(&mut set, 2, m(2, 0)), Admission::Joined);
        assert_eq!(set.iter().map(|x| x.actor).collect::<Vec<_>>(), vec![2, 5]);
    }

    #[test]
    fn replaces_the_lowest_only_if_strictly_higher() {
        let mut set = vec![m(1, 3), m(2, 1)];
        assert_eq!(admit(&mut set, 2, m(3, 1)), Admission::Refused);
        assert_eq!(admit(&mut set, 2, m(3, 2)), Admission::Replaced(m(2, 1)));
        assert_eq!(set.iter().map(|x| x.actor).collect::<Vec<_>>(), vec![1, 3]);
        let mut empty = vec![];
        assert_eq!(admit(&mut empty, 0, m(3, 2)), Admission::Refused);
    }

    #[test]
    fn drift_needs_a_quantile_and_refuses_a_bad_alpha() {
        use cosmwasm_std::testing::MockStorage;
        use cosmwasm_std::{Decimal, Uint128};
        use nous_types::synthesis::CachedTopicParams;
        use nous_types::EpochClock;

        let mut topic = TopicRecord {
            clock: EpochClock {
                start_height: 0,
                epoch_length: 10,
                worker_window: 5,
                ground_truth_lag: 10,
                reveal_window: 0,
            },
            params: CachedTopicParams {
                p_norm: Decimal::percent(300),
                alpha_regret: Decimal::percent(10),
                payload_fee: cosmwasm_std::Uint128::zero(),
                alpha_regret_forecasters: None,
                allow_negative: true,
                epsilon: Decimal::percent(1),
                merit_sortition_alpha: Decimal::percent(50),
                active_inferer_quantile: Decimal::percent(25),
                active_forecaster_quantile: Decimal::percent(25),
                active_reputer_quantile: Decimal::percent(25),
                max_inferers: 2,
                max_forecasters: 2,
                max_reputers: 2,
                max_elements_per_forecast: 2,
                required_minimum_stake: Uint128::zero(),
                rules: Default::default(),
            },
            params_read_at: 0,
            worker_closed_below: 0,
            reputer_closed_below: 0,
            initial_regret: Fixed::ZERO,
            latest_inference_nonce: None,
            latest_loss_nonce: None,
            latest_loss: None,
            quantiles: [None, None, None],
            pruned_below: 0,
        };
        let mut st = MockStorage::new();
        let class = ActorClass::Inferer;
        assert_eq!(
            drift_toward_quantile(&mut st, 1, &topic, class, 7, 5).unwrap(),
            None
        );
        topic.quantiles[0] = Some(Fixed::from_int(2).unwrap());
        // no prior: the quantile itself
        let v = drift_toward_quantile(&mut st, 1, &topic, class, 7, 5).unwrap();
        assert_eq!(v, Some(Fixed::from_int(2).unwrap()));
        topic.quantiles[0] = Some(Fixed::from_int(4).unwrap());
        let v = drift_toward_quantile(&mut st, 1, &topic, class, 7, 6).unwrap();
        assert_eq!(v, Some(Fixed::from_int(3).unwrap()));
        assert_eq!(stored_ema(&st, 1, class, 7).unwrap().unwrap().updated_at, 6);
        topic.params.merit_sortition_alpha = Decimal::MAX;
        assert!(matches!(
            drift_toward_quantile(&mut st, 1, &topic, class, 7, 7),
            Err(ContractError::Math(_))
        ));
    }

    #[test]
    fn among_equal_lowest_the_highest_id_leaves() {
        let mut set = vec![m(1, 1), m(2, 1), m(3, 1)];
        assert_eq!(admit(&mut set, 3, m(9, 2)), Admission::Replaced(m(3, 1)));
    }
}
