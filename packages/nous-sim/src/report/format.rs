//! Numbers as the report prints them.

use crate::units::TOKEN;

pub fn f(v: Option<f64>) -> String {
    v.map(|x| format!("{x:>8.3}"))
        .unwrap_or_else(|| format!("{:>8}", "-"))
}

/// Base units as whole tokens with two decimals (truncated), thousands separated.
pub fn tok(x: u128) -> String {
    let whole = (x / TOKEN).to_string();
    let cents = (x % TOKEN) / (TOKEN / 100);
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{cents:02}")
}

pub fn pct(v: u128, total: u128) -> f64 {
    if total == 0 {
        0.0
    } else {
        v as f64 * 100.0 / total as f64
    }
}
