//! Forecast-implied inferences `I_k` (MATH.md §4).

use crate::error::MathResult;
use crate::fixed::Fixed;
use crate::params::Params;
use crate::sorted_map::SortedMap;
use crate::stats::{mean, median};
use crate::weights::regret_weights;

/// One forecast: its elements `(inferer id, forecasted loss F_jk)` in
/// submission order.
pub type Forecast = Vec<(u32, Fixed)>;

/// §4: `I_k` for every listed forecaster that yields one.
///
/// * `scope`: inferers whose implied regrets are normalised and weighted
///   (all inferers normally; `J∖{j'}` for the one-out values of §5.3);
/// * `inferences`: this epoch's `I_j`;
/// * `prev_network_loss`: `L_{i−1}`, the combined loss of the latest bundle;
/// * `all_new`: the topic initial regret is 0 (median mode).
///
/// Elements naming an inferer without an inference are dropped; if an
/// inferer appears twice the last value is used but both occurrences count.
/// A forecaster without a usable element or with zero weight sum has no
/// implied inference (absent from the result).
pub fn forecast_implied_inferences(
    scope: &[u32],
    inferences: &SortedMap<u32, Fixed>,
    forecasters: &[u32],
    forecasts: &SortedMap<u32, Forecast>,
    prev_network_loss: Fixed,
    all_new: bool,
    params: &Params,
) -> MathResult<SortedMap<u32, Fixed>> {
    let mut out = SortedMap::new();
    for k in forecasters {
        let Some(elements) = forecasts.get(k) else {
            continue;
        };
        if let Some(v) = forecast_implied_inference(
            scope,
            inferences,
            elements,
            prev_network_loss,
            all_new,
            params,
        )? {
            out.insert(*k, v);
        }
    }
    Ok(out)
}

/// Whether a forecast names inferer `j` (whose inference is then among its
/// pool). Forecaster `k`'s one-out value for an inferer it does not name is
/// its normal value `I_k` (the same pool with the same weights, §5.3).
pub fn names(elements: &Forecast, j: u32) -> bool {
    elements.iter().any(|(i, _)| *i == j)
}

/// §4 for one forecaster: `I_k` from its elements, or `None` (see
/// [`forecast_implied_inferences`]).
pub fn forecast_implied_inference(
    scope: &[u32],
    inferences: &SortedMap<u32, Fixed>,
    elements: &Forecast,
    prev_network_loss: Fixed,
    all_new: bool,
    params: &Params,
) -> MathResult<Option<Fixed>> {
    let named: Vec<u32> = elements
        .iter()
        .filter(|(j, _)| inferences.contains_key(j))
        .map(|(j, _)| *j)
        .collect();
    if named.is_empty() {
        return Ok(None);
    }
    if all_new {
        let vals: Vec<Fixed> = named
            .iter()
            .filter_map(|j| inferences.get(j).copied())
            .collect();
        return Ok(Some(median(&vals)?));
    }
    let weights: SortedMap<u32, Fixed> = if named.len() > 1 {
        let mut latest: SortedMap<u32, Fixed> = SortedMap::new();
        for (j, f) in elements.iter().filter(|(j, _)| inferences.contains_key(j)) {
            latest.insert(*j, *f);
        }
        // σ and r_max are pooled over the named inferers in scope only, so the
        // weights of the others in scope (never used) are not evaluated
        let pool: Vec<u32> = scope
            .iter()
            .copied()
            .filter(|j| latest.contains_key(j))
            .collect();
        // the regrets are measured from L_{i−1}, or (improved rules) from the pool's own
        // mean forecast, which makes them shift-invariant
        let anchor = if params.rules.centred_forecast_regrets && !pool.is_empty() {
            let pooled: Vec<Fixed> = pool.iter().filter_map(|j| latest.get(j).copied()).collect();
            mean(&pooled)?
        } else {
            prev_network_loss
        };
        let implied_regret: SortedMap<u32, Fixed> = latest
            .iter()
            .map(|(j, f)| Ok((*j, anchor.checked_sub(*f)?)))
            .collect::<MathResult<_>>()?;
        if pool.is_empty() {
            // every element names a withheld inferer: no weight anywhere
            SortedMap::new()
        } else {
            regret_weights(
                &pool,
                &implied_regret,
                &[],
                &SortedMap::new(),
                params.epsilon_topic,
                params.p_norm,
                params.c_norm,
            )?
            .inferers
        }
    } else {
        named.iter().map(|j| (*j, Fixed::ONE)).collect()
    };
    let mut num = Fixed::ZERO;
    let mut den = Fixed::ZERO;
    for j in &named {
        let w = weights.get(j).copied().unwrap_or(Fixed::ZERO);
        if w.is_zero() {
            continue;
        }
        if let Some(v) = inferences.get(j) {
            num = num.checked_add(w.checked_mul(*v)?)?;
            den = den.checked_add(w)?;
        }
    }
    Ok(if den.is_zero() {
        None
    } else {
        Some(num.checked_div(den)?)
    })
}
