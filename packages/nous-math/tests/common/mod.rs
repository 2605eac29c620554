//! Helpers shared by the integration tests of nous-math (each test file uses
//! its own subset, hence the `dead_code` allowance).
#![allow(dead_code)]

use nous_math::losses::{ReputerLosses, ReputerReport};
use nous_math::sorted_map::SortedMap;
use nous_math::Fixed;

/// Base units of one whole token.
pub const TOKEN: u128 = 1_000_000_000_000_000_000;

pub fn f(s: &str) -> Fixed {
    s.parse().unwrap()
}

/// `(id, value)` pairs as an id map.
pub fn map(xs: &[(u32, &str)]) -> SortedMap<u32, Fixed> {
    xs.iter().map(|(i, v)| (*i, f(v))).collect()
}

/// Values keyed by their position (ids 0, 1, …).
pub fn ids(xs: &[&str]) -> SortedMap<u32, Fixed> {
    xs.iter()
        .enumerate()
        .map(|(i, v)| (i as u32, f(v)))
        .collect()
}

/// `|ours − want| ≤ tol·|want|` (decimal strings of any length).
pub fn close(ours: Fixed, want: &str, tol: f64) {
    let (x, y): (f64, f64) = (ours.to_string().parse().unwrap(), want.parse().unwrap());
    assert!(
        (x - y).abs() <= tol * y.abs().max(1e-30),
        "{ours} vs {want} (tolerance {tol:e})"
    );
}

/// A reputer's report: the same combined and naive loss, and per-inferer losses.
pub fn report(stake: u128, combined: &str, inferers: &[(u32, &str)]) -> ReputerReport {
    ReputerReport {
        stake,
        losses: ReputerLosses {
            combined: Some(f(combined)),
            naive: Some(f(combined)),
            inferer: map(inferers),
            ..Default::default()
        },
    }
}
