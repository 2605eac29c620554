//! [`Nous`]'s synthesis actions and queries: worker payloads, loss bundles, the window
//! crank and the network's inferences, losses and scores.

use cosmwasm_std::{Addr, HexBinary, SignedDecimal, StdResult};
use cw_multi_test::AppResponse;
use nous_types::synthesis as synthesis_msg;
use nous_types::synthesis::{ForecastElement, LatestValue, LossBundle, NetworkInference};
use serde::de::DeserializeOwned;

use super::Nous;
use crate::app::{AnyResult, SuiteApp};

impl Nous {
    /// A worker's payload for `nonce`: an inference and/or forecast elements.
    pub fn submit_payload<A: SuiteApp>(
        &self,
        app: &mut A,
        worker: &Addr,
        topic_id: u64,
        nonce: u64,
        inference: Option<SignedDecimal>,
        forecast: Option<Vec<ForecastElement>>,
    ) -> AnyResult<AppResponse> {
        app.execute(
            worker,
            &self.synthesis,
            &synthesis_msg::ExecuteMsg::SubmitWorkerPayload {
                topic_id,
                nonce,
                inference,
                forecast,
            },
            vec![],
        )
    }

    /// A worker's commitment to its payload for `nonce` on a commit–reveal topic: the hash
    /// of `nous_types::synthesis::payload_commitment` over the payload, the worker's
    /// address and `salt` (reveal the same three with [`Nous::reveal_payload`]).
    #[allow(clippy::too_many_arguments)] // the payload's parts, as the message has them
    pub fn commit_payload<A: SuiteApp>(
        &self,
        app: &mut A,
        worker: &Addr,
        topic_id: u64,
        nonce: u64,
        inference: Option<SignedDecimal>,
        forecast: Option<&[ForecastElement]>,
        salt: &[u8],
    ) -> AnyResult<AppResponse> {
        let commitment = synthesis_msg::payload_commitment(
            topic_id,
            nonce,
            worker.as_str(),
            inference,
            forecast,
            salt,
        );
        app.execute(
            worker,
            &self.synthesis,
            &synthesis_msg::ExecuteMsg::CommitWorkerPayload {
                topic_id,
                nonce,
                commitment: HexBinary::from(commitment.to_vec()),
            },
            vec![],
        )
    }

    /// Reveals the payload committed to with [`Nous::commit_payload`], in the reveal window.
    #[allow(clippy::too_many_arguments)] // the payload's parts, as the message has them
    pub fn reveal_payload<A: SuiteApp>(
        &self,
        app: &mut A,
        worker: &Addr,
        topic_id: u64,
        nonce: u64,
        inference: Option<SignedDecimal>,
        forecast: Option<Vec<ForecastElement>>,
        salt: &[u8],
    ) -> AnyResult<AppResponse> {
        app.execute(
            worker,
            &self.synthesis,
            &synthesis_msg::ExecuteMsg::RevealWorkerPayload {
                topic_id,
                nonce,
                inference,
                forecast,
                salt: HexBinary::from(salt),
            },
            vec![],
        )
    }

    pub fn submit_losses<A: SuiteApp>(
        &self,
        app: &mut A,
        reputer: &Addr,
        topic_id: u64,
        nonce: u64,
        bundle: LossBundle,
    ) -> AnyResult<AppResponse> {
        app.execute(
            reputer,
            &self.synthesis,
            &synthesis_msg::ExecuteMsg::SubmitLossBundle {
                topic_id,
                nonce,
                bundle,
            },
            vec![],
        )
    }

    /// The permissionless window crank of synthesis.
    pub fn close_windows<A: SuiteApp>(
        &self,
        app: &mut A,
        keeper: &Addr,
        topic_id: u64,
        limit: Option<u32>,
    ) -> AnyResult<AppResponse> {
        app.execute(
            keeper,
            &self.synthesis,
            &synthesis_msg::ExecuteMsg::CloseWindows { topic_id, limit },
            vec![],
        )
    }

    pub fn network_inference<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
        nonce: u64,
    ) -> StdResult<NetworkInference> {
        let r: synthesis_msg::NetworkInferenceResponse = app.query(
            &self.synthesis,
            &synthesis_msg::QueryMsg::NetworkInference { topic_id, nonce },
        )?;
        Ok(r.inference)
    }

    /// The consumers' compact read of a topic's newest network inference.
    pub fn latest_value<A: SuiteApp>(&self, app: &A, topic_id: u64) -> StdResult<LatestValue> {
        app.query(
            &self.synthesis,
            &synthesis_msg::QueryMsg::LatestValue { topic_id },
        )
    }

    pub fn network_losses<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
        nonce: u64,
    ) -> StdResult<synthesis_msg::NetworkLossesResponse> {
        app.query(
            &self.synthesis,
            &synthesis_msg::QueryMsg::NetworkLosses { topic_id, nonce },
        )
    }

    pub fn scores<A: SuiteApp>(
        &self,
        app: &A,
        topic_id: u64,
        nonce: u64,
    ) -> StdResult<synthesis_msg::EpochScores> {
        app.query(
            &self.synthesis,
            &synthesis_msg::QueryMsg::Scores { topic_id, nonce },
        )
    }

    /// Any smart query of synthesis.
    pub fn query_synthesis<A: SuiteApp, T: DeserializeOwned>(
        &self,
        app: &A,
        msg: &synthesis_msg::QueryMsg,
    ) -> StdResult<T> {
        app.query(&self.synthesis, msg)
    }
}
