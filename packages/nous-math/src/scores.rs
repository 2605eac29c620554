//! Instant performance scores of inferers and forecasters (MATH.md §7.1–7.2).

use crate::error::MathResult;
use crate::fixed::Fixed;
use crate::losses::NetworkLosses;
use crate::sorted_map::SortedMap;

/// §7.1: `T_j = L⁻_{j'i} − L_i`; 0 for a single inferer.
pub fn inferer_scores(losses: &NetworkLosses) -> MathResult<SortedMap<u32, Fixed>> {
    if losses.inferer.len() == 1 {
        return Ok(losses.inferer.keys().map(|j| (*j, Fixed::ZERO)).collect());
    }
    losses
        .one_out_inferer
        .iter()
        .map(|(j, v)| Ok((*j, v.checked_sub(losses.combined)?)))
        .collect()
}

/// §7.2: `T_k = f·(L⁻_i − L⁺_{ki}) + (1 − f)·(L⁻_{ki} − L_i)` with
/// `f = 1/2^{N−1}`, `N` the number of one-out-forecaster losses; 0 for a
/// single forecaster. A forecaster lacking its one-in or one-out loss gets
/// no score.
pub fn forecaster_scores(losses: &NetworkLosses) -> MathResult<SortedMap<u32, Fixed>> {
    if losses.forecaster.len() == 1 {
        return Ok(losses
            .forecaster
            .keys()
            .map(|k| (*k, Fixed::ZERO))
            .collect());
    }
    let n = losses.one_out_forecaster.len();
    if n == 0 {
        return Ok(SortedMap::new());
    }
    // f = 2^-(N-1); below 10^-18 it truncates to 0
    let shift = (n - 1) as u32;
    let f = if shift < 64 {
        Fixed::ONE.checked_div_int(1i128 << shift)?
    } else {
        Fixed::ZERO
    };
    let g = Fixed::ONE.checked_sub(f)?;
    let mut out = SortedMap::new();
    for (k, lin) in &losses.one_in {
        let Some(lout) = losses.one_out_forecaster.get(k) else {
            continue;
        };
        let one_in = f.checked_mul(losses.naive.checked_sub(*lin)?)?;
        let one_out = g.checked_mul(lout.checked_sub(losses.combined)?)?;
        out.insert(*k, one_in.checked_add(one_out)?);
    }
    Ok(out)
}

/// §7.2: forecasting-task score `T_i = L⁻_i − L_i`.
pub fn forecasting_task_score(losses: &NetworkLosses) -> MathResult<Fixed> {
    losses.naive.checked_sub(losses.combined)
}
