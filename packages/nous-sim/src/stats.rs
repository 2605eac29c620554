//! The few statistics the actors and the report share.

/// Loss of one value against the truth: `log10` of the squared error, floored at 1e-12 so
/// an exact hit is finite. Reputers report it; the report measures every method with it.
pub fn log_loss(value: f64, truth: f64) -> f64 {
    let e = value - truth;
    (e * e).max(1e-12).log10()
}

/// The arithmetic mean (None of nothing).
pub fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

pub fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}
