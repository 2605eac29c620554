//! synthesis: worker payloads, loss bundles, the window crank, stored inferences, losses
//! and scores.

use anyhow::Result;
use nous_chain::{Chain, Msg, SuiteContract, Tx};
use nous_types::synthesis::{
    self as syn, ForecastElement, LossBundle, NetworkInference, NetworkLossesResponse,
};

use super::client::{Network, Payload};
use crate::units::dec;

impl<C: Chain> Network<C> {
    fn payload_tx(&self, topic: u64, nonce: u64, p: &Payload) -> Result<(String, Tx)> {
        let (who, inference, forecast) = *p;
        let kind = match (inference.is_some(), forecast.len()) {
            (true, 0) => "worker payload (inference)".to_string(),
            (false, n) => format!("worker payload ({n}-element forecast)"),
            (true, n) => format!("worker payload (inference + {n}-element forecast)"),
        };
        let forecast = (!forecast.is_empty()).then(|| {
            forecast
                .iter()
                .map(|(j, v)| ForecastElement {
                    inferer: *j,
                    value: dec(*v),
                })
                .collect()
        });
        let m = Msg::execute(
            &self.contract(SuiteContract::Synthesis)?,
            &syn::ExecuteMsg::SubmitWorkerPayload {
                topic_id: topic,
                nonce,
                inference: inference.map(dec),
                forecast,
            },
            vec![],
        )?;
        Ok((kind, Tx::new(&self.addr(who)?, vec![m])))
    }

    /// Every worker's payload for `nonce`, one transaction each, sent together; first the
    /// topic funding of `funding` (payer, amount) if given. Returns the funding's result and
    /// one result per payload.
    pub fn submit_workers(
        &mut self,
        topic: u64,
        nonce: u64,
        funding: Option<(&str, u128)>,
        payloads: &[Payload],
    ) -> (Option<Result<()>>, Vec<Result<()>>) {
        let mut batch = vec![];
        if let Some((payer, amount)) = funding {
            batch.push(self.fund_topic_tx(payer, topic, amount));
        }
        for p in payloads {
            batch.push(self.payload_tx(topic, nonce, p));
        }
        let mut results = self.send_batch(batch);
        let funded = funding.map(|_| results.remove(0));
        (funded, results)
    }

    /// Every reputer's loss bundle for `nonce`, one transaction each, sent together.
    pub fn submit_losses(
        &mut self,
        topic: u64,
        nonce: u64,
        bundles: Vec<(&'static str, LossBundle)>,
    ) -> Vec<Result<()>> {
        let batch = bundles
            .into_iter()
            .map(|(who, bundle)| {
                let m = Msg::execute(
                    &self.contract(SuiteContract::Synthesis)?,
                    &syn::ExecuteMsg::SubmitLossBundle {
                        topic_id: topic,
                        nonce,
                        bundle,
                    },
                    vec![],
                )?;
                Ok((
                    "reputer bundle".to_string(),
                    Tx::new(&self.addr(who)?, vec![m]),
                ))
            })
            .collect();
        self.send_batch(batch)
    }

    /// The permissionless window crank.
    pub fn close_windows(&mut self, keeper: &str, topic: u64) -> Result<()> {
        let m = Msg::execute(
            &self.contract(SuiteContract::Synthesis)?,
            &syn::ExecuteMsg::CloseWindows {
                topic_id: topic,
                limit: None,
            },
            vec![],
        )?;
        self.send_named(keeper, m, "close windows", |o| {
            let has = |t: &str| o.events.iter().any(|e| e.ty == t);
            match (
                has("wasm-close_worker_window"),
                has("wasm-close_reputer_window"),
            ) {
                (true, false) => "close of a worker window",
                (false, true) => "close of a reputer window",
                (true, true) => "close of a worker and a reputer window",
                (false, false) => "close windows (nothing due)",
            }
            .to_string()
        })
        .map(|_| ())
    }

    pub fn network_inference(&self, topic: u64, nonce: u64) -> Option<NetworkInference> {
        self.query::<syn::NetworkInferenceResponse, _>(
            SuiteContract::Synthesis,
            &syn::QueryMsg::NetworkInference {
                topic_id: topic,
                nonce,
            },
        )
        .ok()
        .map(|r| r.inference)
    }

    pub fn network_losses(&self, topic: u64, nonce: u64) -> Option<NetworkLossesResponse> {
        self.query(
            SuiteContract::Synthesis,
            &syn::QueryMsg::NetworkLosses {
                topic_id: topic,
                nonce,
            },
        )
        .ok()
    }

    pub fn epoch_scores(&self, topic: u64, nonce: u64) -> Option<syn::EpochScores> {
        self.query(
            SuiteContract::Synthesis,
            &syn::QueryMsg::Scores {
                topic_id: topic,
                nonce,
            },
        )
        .ok()
    }
}
