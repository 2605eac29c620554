//! How this example uses an inference: compare its ±1σ band with a threshold. Pure
//! functions, no storage: replace this file with your own dApp's logic.

use cosmwasm_std::{Decimal, SignedDecimal};
use nous_types::synthesis::NetworkInference;

use crate::msg::Decision;

/// The 15.87th percentile (−1σ of a normal), as synthesis publishes it.
pub const MINUS_ONE_SIGMA: Decimal = Decimal::raw(15_870_000_000_000_000_000);
/// The 84.13th percentile (+1σ of a normal).
pub const PLUS_ONE_SIGMA: Decimal = Decimal::raw(84_130_000_000_000_000_000);

/// The ±1σ band of an inference: its 15.87 and 84.13 percentiles when both are published,
/// otherwise the combined value on both sides.
pub fn one_sigma_band(inference: &NetworkInference) -> (SignedDecimal, SignedDecimal) {
    let at = |p: Decimal| {
        inference
            .error_bars
            .iter()
            .find(|b| b.percentile == p)
            .map(|b| b.value)
    };
    match (at(MINUS_ONE_SIGMA), at(PLUS_ONE_SIGMA)) {
        (Some(a), Some(b)) => (a.min(b), a.max(b)),
        _ => (inference.combined, inference.combined),
    }
}

/// `Above` when the whole band is above `threshold`, `Below` when it is all below,
/// `Uncertain` when the band touches or contains it.
pub fn decide(band: (SignedDecimal, SignedDecimal), threshold: SignedDecimal) -> Decision {
    let (low, high) = band;
    if low > threshold {
        Decision::Above
    } else if high < threshold {
        Decision::Below
    } else {
        Decision::Uncertain
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{error_bars, network_inference};

    fn d(v: i64) -> SignedDecimal {
        SignedDecimal::from_atomics(v as i128, 0).unwrap()
    }

    #[test]
    fn band_uses_one_sigma_percentiles_or_the_value() {
        let mut inf = network_inference(1, 3, d(100));
        assert_eq!(one_sigma_band(&inf), (d(100), d(100)));
        inf.error_bars = error_bars([d(90), d(95), d(100), d(105), d(110)]);
        assert_eq!(one_sigma_band(&inf), (d(95), d(105)));
    }

    #[test]
    fn decisions() {
        assert_eq!(decide((d(95), d(105)), d(90)), Decision::Above);
        assert_eq!(decide((d(95), d(105)), d(110)), Decision::Below);
        assert_eq!(decide((d(95), d(105)), d(100)), Decision::Uncertain);
        assert_eq!(decide((d(95), d(105)), d(95)), Decision::Uncertain);
        assert_eq!(decide((d(100), d(100)), d(100)), Decision::Uncertain);
    }
}
