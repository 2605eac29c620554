//! Network inferences of one epoch (MATH.md §5): combined, naive, one-out,
//! one-in, the recomputed forecast-implied values and the error bars.

use crate::error::{MathError, MathResult};
use crate::fixed::Fixed;
use crate::forecast::{forecast_implied_inference, forecast_implied_inferences, names, Forecast};
use crate::params::{check_count, check_value, Params};
use crate::regrets::RegretState;
use crate::sorted_map::SortedMap;
use crate::stats::{median, weighted_percentiles};
use crate::weights::{combine, regret_weights, RegretWeights};

/// Percentiles of the error bars (§5.6): ±1σ/±2σ points of a normal
/// (2.28, 15.87, 50, 84.13, 97.72).
pub const ERROR_BAR_PERCENTILES: [Fixed; 5] = [
    Fixed::from_raw(2_280_000_000_000_000_000),
    Fixed::from_raw(15_870_000_000_000_000_000),
    Fixed::from_raw(50_000_000_000_000_000_000),
    Fixed::from_raw(84_130_000_000_000_000_000),
    Fixed::from_raw(97_720_000_000_000_000_000),
];

/// Percentiles of the error bars (§5.6): [`ERROR_BAR_PERCENTILES`].
pub fn error_bar_percentiles() -> [Fixed; 5] {
    ERROR_BAR_PERCENTILES
}

/// Everything §5 produces for one epoch.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct NetworkInferences {
    /// `I_i` (§5.1).
    pub combined: Fixed,
    /// `I⁻_i` (§5.2).
    pub naive: Fixed,
    /// `I_k` of every forecaster that has one (§4).
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub forecast_implied: SortedMap<u32, Fixed>,
    /// `I_k` recomputed with inferer `j'` withheld, key `(k, j')` (§5.3), for
    /// the pairs where `k`'s forecast names `j'` only: for any other pair the
    /// value is `I_k` itself (`forecast_implied[k]`), see [`one_out_implied`].
    #[serde(with = "crate::serde_maps::pair_map")]
    #[schemars(with = "Vec<(u32, u32, Fixed)>")]
    pub forecast_implied_one_out: SortedMap<(u32, u32), Fixed>,
    /// `I⁻_{j'}` (§5.3).
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_out_inferer: SortedMap<u32, Fixed>,
    /// `I⁻_{k'}` (§5.4; only with two or more forecasters).
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_out_forecaster: SortedMap<u32, Fixed>,
    /// `I⁺_k` (§5.5; only with two or more forecasters).
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_in_forecaster: SortedMap<u32, Fixed>,
    /// Combined-inference weights `w_j`, `w_k` (§5.1).
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub inferer_weights: SortedMap<u32, Fixed>,
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub forecaster_weights: SortedMap<u32, Fixed>,
    /// Weighted percentiles 2.28, 15.87, 50, 84.13, 97.72 (§5.6).
    pub error_bars: Vec<Fixed>,
}

/// Forecaster `k`'s forecast-implied inference with inferer `j` withheld: the
/// recomputed value of a named pair, else `I_k` (a pair `k` did not name has the
/// same pool and weights). `None` if `k` has no `I_k`.
pub fn one_out_implied(out: &NetworkInferences, k: u32, j: u32) -> Option<Fixed> {
    out.forecast_implied_one_out
        .get(&(k, j))
        .or_else(|| out.forecast_implied.get(&k))
        .copied()
}

#[allow(clippy::too_many_arguments)]
fn weighted_inference(
    inferers: &[u32],
    inferences: &SortedMap<u32, Fixed>,
    forecasters: &[u32],
    implied: &SortedMap<u32, Fixed>,
    w: &RegretWeights,
    eps_safe: Fixed,
    all_new: bool,
) -> MathResult<Fixed> {
    if all_new {
        // plain mean of the listed inferers; forecasters ignored (§3.3)
        let vals: Vec<Fixed> = inferers
            .iter()
            .filter_map(|j| inferences.get(j).copied())
            .collect();
        return crate::stats::mean(&vals);
    }
    let mut pairs = Vec::new();
    for j in inferers {
        if let (Some(v), Some(wj)) = (inferences.get(j), w.inferers.get(j)) {
            pairs.push((*wj, *v));
        }
    }
    for k in forecasters {
        if let (Some(v), Some(wk)) = (implied.get(k), w.forecasters.get(k)) {
            pairs.push((*wk, *v));
        }
    }
    combine(&pairs, eps_safe)
}

/// §5: every network-inference variant of one epoch.
///
/// * `inferences`: `I_j` per inferer id; `forecasts`: elements per forecaster id;
/// * `prev_network_loss`: combined loss of the latest network loss bundle
///   (`None` for a fresh topic);
/// * `regrets`: the regrets written by the most recent loss epoch; with no
///   previous loss none is read, and in all-new mode (`regrets.initial` 0) only
///   `inferer` and `forecaster` (for the error bars' weights).
pub fn synthesize(
    inferences: &SortedMap<u32, Fixed>,
    forecasts: &SortedMap<u32, Forecast>,
    prev_network_loss: Option<Fixed>,
    regrets: &RegretState,
    params: &Params,
) -> MathResult<NetworkInferences> {
    params.validate()?;
    check_count(inferences.len(), "number of inferences")?;
    check_count(forecasts.len(), "number of forecasts")?;
    for v in inferences.values() {
        check_value(*v, "inference")?;
    }
    for f in forecasts.values() {
        check_count(f.len(), "forecast elements")?;
        for (_, v) in f {
            check_value(*v, "forecast element")?;
        }
    }
    regrets.validate()?;
    let inferers: Vec<u32> = inferences.keys().copied().collect();
    let mut out = NetworkInferences::default();
    let first = match inferences.values().next() {
        Some(v) => *v,
        None => return Err(MathError::EmptyInput("synthesis: no inferences")),
    };
    // §5.0 single inference
    if inferers.len() == 1 {
        out.combined = first;
        out.naive = first;
        return Ok(out);
    }
    // §5.0 fresh topic
    let prev_loss = match prev_network_loss {
        None => {
            let vals: Vec<Fixed> = inferences.values().copied().collect();
            out.combined = median(&vals)?;
            out.naive = Fixed::ZERO;
            return Ok(out);
        }
        Some(l) => check_value(l, "previous network loss")?,
    };
    let (eps, p, c, safe) = (
        params.epsilon_topic,
        params.p_norm,
        params.c_norm,
        params.epsilon_safe_div,
    );
    let all_new = regrets.initial.is_zero();
    let forecasters: Vec<u32> = forecasts.keys().copied().collect();
    let implied = forecast_implied_inferences(
        &inferers,
        inferences,
        &forecasters,
        forecasts,
        prev_loss,
        all_new,
        params,
    )?;
    let active_fc: Vec<u32> = forecasters
        .iter()
        .copied()
        .filter(|k| implied.contains_key(k))
        .collect();

    // §5.1 combined
    let r_i: SortedMap<u32, Fixed> = inferers.iter().map(|j| (*j, regrets.inferer(*j))).collect();
    let r_f: SortedMap<u32, Fixed> = active_fc
        .iter()
        .map(|k| (*k, regrets.forecaster(*k)))
        .collect();
    let w = regret_weights(&inferers, &r_i, &active_fc, &r_f, eps, p, c)?;
    out.combined = weighted_inference(
        &inferers, inferences, &active_fc, &implied, &w, safe, all_new,
    )?;

    // §5.2 naive
    // In all-new mode the variants below are plain means (§3.3): their weights are
    // not evaluated. The combined weights above are, for the error bars (§5.6).
    let wn = if all_new {
        RegretWeights::default()
    } else {
        let r_n: SortedMap<u32, Fixed> = inferers.iter().map(|j| (*j, regrets.naive(*j))).collect();
        regret_weights(&inferers, &r_n, &active_fc, &SortedMap::new(), eps, p, c)?
    };
    out.naive = weighted_inference(
        &inferers,
        inferences,
        &[],
        &SortedMap::new(),
        &wn,
        safe,
        all_new,
    )?;

    // §5.3 one-out inferer. A forecaster's one-out value differs from its `I_k` only
    // if it named the withheld inferer (otherwise its pool and weights are the same),
    // so only those pairs are recomputed and kept.
    for jw in &inferers {
        let rest: Vec<u32> = inferers.iter().copied().filter(|j| j != jw).collect();
        let mut implied_wo = implied.clone();
        for (k, elements) in forecasts {
            if !implied.contains_key(k) || !names(elements, *jw) {
                continue;
            }
            match forecast_implied_inference(
                &rest, inferences, elements, prev_loss, all_new, params,
            )? {
                Some(v) => {
                    implied_wo.insert(*k, v);
                    out.forecast_implied_one_out.insert((*k, *jw), v);
                }
                None => {
                    implied_wo.remove(k);
                }
            }
        }
        let wo = if all_new {
            RegretWeights::default()
        } else {
            let ri: SortedMap<u32, Fixed> = rest
                .iter()
                .map(|j| (*j, regrets.one_out_inferer_inferer(*jw, *j)))
                .collect();
            let rf: SortedMap<u32, Fixed> = active_fc
                .iter()
                .map(|k| (*k, regrets.one_out_inferer_forecaster(*jw, *k)))
                .collect();
            regret_weights(&rest, &ri, &active_fc, &rf, eps, p, c)?
        };
        let v = weighted_inference(
            &rest,
            inferences,
            &active_fc,
            &implied_wo,
            &wo,
            safe,
            all_new,
        )?;
        out.one_out_inferer.insert(*jw, v);
    }

    // §5.4 one-out forecaster, §5.5 one-in forecaster
    if active_fc.len() > 1 {
        for kw in &active_fc {
            let rest_fc: Vec<u32> = active_fc.iter().copied().filter(|k| k != kw).collect();
            let wo = if all_new {
                RegretWeights::default()
            } else {
                let ri: SortedMap<u32, Fixed> = inferers
                    .iter()
                    .map(|j| (*j, regrets.one_out_forecaster_inferer(*kw, *j)))
                    .collect();
                let rf: SortedMap<u32, Fixed> = rest_fc
                    .iter()
                    .map(|k| (*k, regrets.one_out_forecaster_forecaster(*kw, *k)))
                    .collect();
                regret_weights(&inferers, &ri, &rest_fc, &rf, eps, p, c)?
            };
            let v = weighted_inference(
                &inferers, inferences, &rest_fc, &implied, &wo, safe, all_new,
            )?;
            out.one_out_forecaster.insert(*kw, v);
        }
        for k in &active_fc {
            let wi = if all_new {
                RegretWeights::default()
            } else {
                let ri: SortedMap<u32, Fixed> = inferers
                    .iter()
                    .map(|j| (*j, regrets.one_in_inferer(*k, *j)))
                    .collect();
                let rf: SortedMap<u32, Fixed> =
                    [(*k, regrets.one_in_self(*k))].into_iter().collect();
                regret_weights(&inferers, &ri, &[*k], &rf, eps, p, c)?
            };
            let v = weighted_inference(&inferers, inferences, &[*k], &implied, &wi, safe, all_new)?;
            out.one_in_forecaster.insert(*k, v);
        }
    }

    // §5.6 error bars from the combined weights
    let mut vals = Vec::new();
    let mut wts = Vec::new();
    for j in &inferers {
        if let (Some(v), Some(wj)) = (inferences.get(j), w.inferers.get(j)) {
            vals.push(*v);
            wts.push(*wj);
        }
    }
    for k in &active_fc {
        if let (Some(v), Some(wk)) = (implied.get(k), w.forecasters.get(k)) {
            vals.push(*v);
            wts.push(*wk);
        }
    }
    if Fixed::sum(wts.iter().copied())?.is_positive() {
        out.error_bars = weighted_percentiles(&vals, &wts, &ERROR_BAR_PERCENTILES)?;
    }
    out.forecast_implied = implied;
    out.inferer_weights = w.inferers;
    out.forecaster_weights = w.forecasters;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bar_percentiles_equal_their_text() {
        let text = ["2.28", "15.87", "50", "84.13", "97.72"];
        for (c, t) in ERROR_BAR_PERCENTILES.iter().zip(text) {
            assert_eq!(*c, t.parse::<Fixed>().unwrap(), "{t}");
        }
    }
}
