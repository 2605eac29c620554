//! Score EMAs, topic quantiles and merit sortition (MATH.md §11).

use crate::error::{MathError, MathResult};
use crate::fixed::Fixed;
use crate::params::check_count;
use crate::sorted_map::SortedMap;
use crate::stats::{ema, quantile};

/// Order by value descending, ties by ascending id.
fn ranked(values: &SortedMap<u32, Fixed>) -> Vec<(u32, Fixed)> {
    let mut v: Vec<(u32, Fixed)> = values.iter().map(|(i, x)| (*i, *x)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// Rank of each actor (0 = highest value; ties by ascending id).
pub fn ranks(values: &SortedMap<u32, Fixed>) -> SortedMap<u32, u32> {
    ranked(values)
        .into_iter()
        .enumerate()
        .map(|(r, (i, _))| (i, r as u32))
        .collect()
}

/// The `n` actors with the highest values (ties by ascending id).
pub fn top_n(values: &SortedMap<u32, Fixed>, n: usize) -> Vec<u32> {
    ranked(values).into_iter().take(n).map(|(i, _)| i).collect()
}

/// Score EMA update of one actor: active actors blend their instant score,
/// others the topic quantile; `None` previous = no prior.
pub fn score_ema(
    previous: Option<Fixed>,
    instant: Option<Fixed>,
    topic_quantile: Fixed,
    alpha: Fixed,
) -> MathResult<Fixed> {
    ema(alpha, instant.unwrap_or(topic_quantile), previous)
}

/// Outcome of one batch sortition epoch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SortitionOutcome {
    /// Active set (highest previous EMA first).
    pub active: Vec<u32>,
    /// Lowest previous EMA admitted.
    pub cutoff: Fixed,
    /// `Q_q` of the active set's instant scores.
    pub quantile: Fixed,
    /// New EMAs of every actor.
    pub emas: SortedMap<u32, Fixed>,
}

/// §11 batch form (the simulator's): the active set is the top `capacity`
/// by previous EMA; the topic quantile is taken over their instant scores;
/// active actors blend their score, the others the quantile. An active actor
/// without an instant score is an error.
pub fn sortition_epoch(
    previous_emas: &SortedMap<u32, Fixed>,
    instant: &SortedMap<u32, Fixed>,
    capacity: usize,
    q: Fixed,
    alpha: Fixed,
) -> MathResult<SortitionOutcome> {
    check_count(previous_emas.len(), "number of sortition candidates")?;
    let active = top_n(previous_emas, capacity);
    let mut scores = Vec::with_capacity(active.len());
    for a in &active {
        scores.push(
            *instant
                .get(a)
                .ok_or(MathError::Mismatch("active actor without an instant score"))?,
        );
    }
    let qv = quantile(&scores, q)?;
    let cutoff = active
        .last()
        .and_then(|a| previous_emas.get(a))
        .copied()
        .unwrap_or(Fixed::ZERO);
    let mut emas = SortedMap::new();
    for (id, prev) in previous_emas {
        let inst = if active.contains(id) {
            instant.get(id).copied()
        } else {
            None
        };
        emas.insert(*id, score_ema(Some(*prev), inst, qv, alpha)?);
    }
    Ok(SortitionOutcome {
        active,
        cutoff,
        quantile: qv,
        emas,
    })
}

/// What the online admission rule decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// The set had room.
    Added,
    /// The set was full; the given member (lowest EMA, ties: highest id) left.
    Replaced { evicted: u32 },
    /// The set was full and the candidate's EMA is not higher than the lowest.
    Rejected,
    /// The candidate is already a member.
    AlreadyMember,
}

/// §11 online rule: while the set is full a newcomer replaces the current
/// lowest-EMA member only if its own EMA is strictly higher. Ties among the
/// lowest are broken deterministically (the highest id leaves), consistent
/// with `top_n`. The caller applies the quantile update to whoever is left out.
pub fn admit(
    active: &mut SortedMap<u32, Fixed>,
    capacity: usize,
    candidate: u32,
    candidate_ema: Fixed,
) -> Admission {
    if active.contains_key(&candidate) {
        return Admission::AlreadyMember;
    }
    if active.len() < capacity {
        active.insert(candidate, candidate_ema);
        return Admission::Added;
    }
    let lowest = active
        .iter()
        .min_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(i, e)| (*i, *e));
    match lowest {
        Some((id, e)) if candidate_ema > e => {
            active.remove(&id);
            active.insert(candidate, candidate_ema);
            Admission::Replaced { evicted: id }
        }
        _ => Admission::Rejected,
    }
}

/// Forecast elements kept (§11): one element per inferer, about the
/// `max_elements` inferers with the highest EMA (ties by ascending id).
/// For duplicates the last element is kept. Order of the result follows the
/// EMA ranking.
pub fn trim_forecast(
    elements: &[(u32, Fixed)],
    inferer_emas: &SortedMap<u32, Fixed>,
    max_elements: usize,
) -> Vec<(u32, Fixed)> {
    let mut latest: SortedMap<u32, Fixed> = SortedMap::new();
    for (j, v) in elements {
        latest.insert(*j, *v);
    }
    let emas: SortedMap<u32, Fixed> = latest
        .keys()
        .map(|j| (*j, inferer_emas.get(j).copied().unwrap_or(Fixed::MIN)))
        .collect();
    top_n(&emas, max_elements)
        .into_iter()
        .filter_map(|j| latest.get(&j).map(|v| (j, *v)))
        .collect()
}
