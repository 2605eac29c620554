//! How this example uses an inference: compare its ±1σ band with a threshold. Pure
//! functions, no storage: replace this file with your own dApp's logic.

use cosmwasm_std::SignedDecimal;
use nous_consumer::msg::{MINUS_ONE_SIGMA, PLUS_ONE_SIGMA};
use nous_consumer::LatestValue;

use crate::msg::Decision;

/// The ±1σ band of an inference: its 15.87 and 84.13 percentiles when both are published,
/// otherwise the value on both sides.
pub fn one_sigma_band(latest: &LatestValue) -> (SignedDecimal, SignedDecimal) {
    match (
        latest.error_bar(MINUS_ONE_SIGMA),
        latest.error_bar(PLUS_ONE_SIGMA),
    ) {
        (Some(a), Some(b)) => (a.min(b), a.max(b)),
        _ => (latest.value, latest.value),
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
    use cosmwasm_std::testing::mock_env;
    use nous_consumer::testing::{error_bars, latest_value};

    fn d(v: i64) -> SignedDecimal {
        SignedDecimal::from_atomics(v as i128, 0).unwrap()
    }

    #[test]
    fn band_uses_one_sigma_percentiles_or_the_value() {
        let mut latest = latest_value(&mock_env(), 1, 3, d(100));
        latest.error_bars.clear();
        assert_eq!(one_sigma_band(&latest), (d(100), d(100)));
        latest.error_bars = error_bars([d(90), d(95), d(100), d(105), d(110)]);
        assert_eq!(one_sigma_band(&latest), (d(95), d(105)));
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
