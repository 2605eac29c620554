//! synthesis: worker payloads, loss bundles, the window crank, stored inferences, losses
//! and scores.

use anyhow::{bail, Result};
use cosmwasm_std::{coins, Coin, HexBinary, SignedDecimal};
use cw20::Denom;
use nous_chain::{Chain, Msg, SuiteContract, Tx};
use nous_types::synthesis::{
    self as syn, ForecastElement, LossBundle, NetworkInference, NetworkLossesResponse,
};

use super::client::{Delivery, Network, Payload};
use crate::units::dec;

/// The parts of a payload as synthesis' worker messages carry them, and the suffix of its
/// transaction kind ("(inference)", "(8-element forecast)", ...).
fn parts(p: &Payload) -> (String, Option<SignedDecimal>, Option<Vec<ForecastElement>>) {
    let (_, inference, forecast) = *p;
    let what = match (inference.is_some(), forecast.len()) {
        (true, 0) => "(inference)".to_string(),
        (false, n) => format!("({n}-element forecast)"),
        (true, n) => format!("(inference + {n}-element forecast)"),
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
    (what, inference.map(dec), forecast)
}

impl<C: Chain> Network<C> {
    /// The coins a payload (or commitment) of a topic with this fee carries.
    pub(crate) fn payload_fee_coins(&self, fee: u128) -> Result<Vec<Coin>> {
        match self.denom() {
            _ if fee == 0 => Ok(vec![]),
            Denom::Native(d) => Ok(coins(fee, d)),
            Denom::Cw20(_) => {
                bail!("payload fees need a native token (the registry refuses them on cw20)")
            }
        }
    }

    /// One worker's transaction for `nonce`: its payload in the clear, its commitment, or its
    /// reveal (see [`Delivery`]); a payload or commitment carries the topic's `fee`.
    fn worker_tx(
        &self,
        (topic, fee): (u64, u128),
        nonce: u64,
        p: &Payload,
        delivery: Delivery,
    ) -> Result<(String, Tx)> {
        let who = self.addr(p.0)?;
        let (what, inference, forecast) = parts(p);
        let (kind, msg) = match delivery {
            Delivery::Clear => (
                format!("worker payload {what}"),
                syn::ExecuteMsg::SubmitWorkerPayload {
                    topic_id: topic,
                    nonce,
                    inference,
                    forecast,
                },
            ),
            Delivery::Commit(salt) => {
                let commitment = syn::payload_commitment(
                    topic,
                    nonce,
                    who.as_str(),
                    inference,
                    forecast.as_deref(),
                    &salt,
                );
                (
                    "worker commitment".to_string(),
                    syn::ExecuteMsg::CommitWorkerPayload {
                        topic_id: topic,
                        nonce,
                        commitment: HexBinary::from(commitment.to_vec()),
                    },
                )
            }
            Delivery::Reveal(salt) => (
                format!("worker reveal {what}"),
                syn::ExecuteMsg::RevealWorkerPayload {
                    topic_id: topic,
                    nonce,
                    inference,
                    forecast,
                    salt: HexBinary::from(salt.to_vec()),
                },
            ),
        };
        let funds = match delivery {
            Delivery::Reveal(_) => vec![],
            Delivery::Clear | Delivery::Commit(_) => self.payload_fee_coins(fee)?,
        };
        let m = Msg::execute(&self.contract(SuiteContract::Synthesis)?, &msg, funds)?;
        Ok((kind, Tx::new(&who, vec![m])))
    }

    /// Every worker's transaction for `nonce` — `delivery_of` says how each payload goes: in the
    /// clear, as a commitment or as a reveal; each payload or commitment carries the topic's
    /// payload `fee` — one transaction each, sent together; first the topic funding of
    /// `funding` (payer, amount) if given. Returns the funding's result and one result per
    /// payload.
    pub fn submit_workers(
        &mut self,
        (topic, fee): (u64, u128),
        nonce: u64,
        funding: Option<(&str, u128)>,
        payloads: &[Payload],
        delivery_of: impl Fn(&Payload) -> Delivery,
    ) -> (Option<Result<()>>, Vec<Result<()>>) {
        let mut batch = vec![];
        if let Some((payer, amount)) = funding {
            batch.push(self.fund_topic_tx(payer, topic, amount));
        }
        for p in payloads {
            batch.push(self.worker_tx((topic, fee), nonce, p, delivery_of(p)));
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
