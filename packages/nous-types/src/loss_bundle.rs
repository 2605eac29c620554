//! [`LossBundle::from_inference`]: the complete loss bundle of an honest reputer, built from
//! the network inference synthesis stored for a nonce, the ground truth and the topic's loss
//! method (`nous_math::loss_method`, which states the reporting convention: every value is
//! reported as `log10(max(loss, 10^-12))`). The operator node and the simulator's reputers
//! both build their bundles here, so they report identical bits.
//!
//! Behind the `loss-bundle` feature: contracts never build bundles, so they do not link
//! the loss methods.

use cosmwasm_std::SignedDecimal;
use nous_math::{Fixed, LossMethod, MathError};

use crate::synthesis::{LossBundle, NetworkInference, WithheldValue, WorkerValue};

impl LossBundle {
    /// The loss of every variant `inference` holds against `truth`: the combined and
    /// naive network inferences, each inferer's inference (`inferers`), each
    /// forecast-implied inference (`forecasters`), and every one-out, one-in and
    /// one-out-implied value, each list naming exactly the workers synthesis stored (so
    /// the bundle passes synthesis's consistency checks). One-out-implied values are
    /// listed for the named pairs only: an unlisted pair's loss is the forecaster's own.
    pub fn from_inference(
        inference: &NetworkInference,
        truth: SignedDecimal,
        loss: &LossMethod,
    ) -> Result<LossBundle, MathError> {
        let truth = Fixed::from(truth);
        let l = |v: SignedDecimal| -> Result<SignedDecimal, MathError> {
            let x = loss.log10_loss(Fixed::from(v), truth)?;
            Ok(SignedDecimal::from(x))
        };
        let list = |values: &[WorkerValue]| -> Result<Vec<WorkerValue>, MathError> {
            values
                .iter()
                .map(|w| {
                    Ok(WorkerValue {
                        worker: w.worker,
                        value: l(w.value)?,
                    })
                })
                .collect()
        };
        Ok(LossBundle {
            combined: l(inference.combined)?,
            naive: l(inference.naive)?,
            inferers: list(&inference.inferences)?,
            forecasters: list(&inference.forecast_implied)?,
            one_out_inferers: list(&inference.one_out_inferers)?,
            one_out_forecasters: list(&inference.one_out_forecasters)?,
            one_in_forecasters: list(&inference.one_in_forecasters)?,
            one_out_implied: inference
                .one_out_implied
                .iter()
                .map(|w| {
                    Ok(WithheldValue {
                        withheld: w.withheld,
                        forecaster: w.forecaster,
                        value: l(w.value)?,
                    })
                })
                .collect::<Result<_, MathError>>()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::HeightWindow;
    use crate::synthesis::InferencePath;
    use std::str::FromStr;

    fn d(s: &str) -> SignedDecimal {
        SignedDecimal::from_str(s).unwrap()
    }

    fn wv(worker: u32, value: &str) -> WorkerValue {
        WorkerValue {
            worker,
            value: d(value),
        }
    }

    #[test]
    fn every_stored_variant_gets_its_loss() {
        let ni = NetworkInference {
            topic_id: 1,
            nonce: 4,
            epoch_start: 100,
            worker_window: HeightWindow {
                start: 100,
                end: 105,
            },
            computed_at: 105,
            computed_at_time: 0,
            path: InferencePath::Full { all_new: false },
            combined: d("101"),
            naive: d("99"),
            inferences: vec![wv(0, "110"), wv(1, "100")],
            forecast_implied: vec![wv(2, "102")],
            one_out_inferers: vec![wv(0, "100.1"), wv(1, "90")],
            one_out_forecasters: vec![wv(2, "98")],
            one_in_forecasters: vec![wv(2, "97")],
            one_out_implied: vec![WithheldValue {
                withheld: 1,
                forecaster: 2,
                value: d("100.001"),
            }],
            error_bars: vec![],
        };
        let b = LossBundle::from_inference(&ni, d("100"), &LossMethod::Mae).unwrap();
        // mae: log10 |value − 100|, the floor for the exact hit
        assert_eq!(b.combined, d("0"));
        assert_eq!(b.naive, d("0"));
        assert_eq!(b.inferers, vec![wv(0, "1"), wv(1, "-12")]);
        assert_eq!(b.forecasters.len(), 1);
        assert_eq!(b.forecasters[0].worker, 2);
        assert_eq!(b.one_out_inferers[1], wv(1, "1"));
        assert_eq!(b.one_out_implied[0].withheld, 1);
        assert_eq!(b.one_out_implied[0].forecaster, 2);
        let v = b.one_out_implied[0].value;
        assert!(
            (v - d("-3")).abs_diff(SignedDecimal::zero()) <= cosmwasm_std::Decimal::raw(1),
            "{v}"
        );
        assert_eq!(b.one_out_forecasters.len(), 1);
        assert_eq!(b.one_in_forecasters.len(), 1);
        // mse doubles every log10 of mae
        let m = LossBundle::from_inference(&ni, d("100"), &LossMethod::Mse).unwrap();
        assert_eq!(m.inferers[0].value, d("2"));
    }

    #[test]
    fn a_value_out_of_range_is_an_error_not_a_panic() {
        let mut ni = NetworkInference {
            topic_id: 1,
            nonce: 0,
            epoch_start: 0,
            worker_window: HeightWindow { start: 0, end: 1 },
            computed_at: 1,
            computed_at_time: 0,
            path: InferencePath::Single,
            combined: SignedDecimal::MAX,
            naive: d("0"),
            inferences: vec![],
            forecast_implied: vec![],
            one_out_inferers: vec![],
            one_out_forecasters: vec![],
            one_in_forecasters: vec![],
            one_out_implied: vec![],
            error_bars: vec![],
        };
        assert!(LossBundle::from_inference(&ni, SignedDecimal::MIN, &LossMethod::Mse).is_err());
        ni.combined = d("1");
        assert!(LossBundle::from_inference(&ni, d("1"), &LossMethod::Mse).is_ok());
    }
}
