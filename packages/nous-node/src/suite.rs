//! The suite as the node sees it: the contracts of the deployment record and the typed
//! queries the roles make, over any nous-chain [`Chain`].

use cosmwasm_std::{Addr, Coin, HexBinary};
use cw20::Denom;
use nous_chain::{Chain, ChainError, ChainExt, Deployment, SuiteContract};
use nous_types::reward_distribution as rd;
use nous_types::staking as st;
use nous_types::synthesis::{self as syn, LossBundle, NetworkInference, OpenWindowsResponse};
use nous_types::topic_registry::{self as reg, GlobalParams, Registration, Role, Topic};

/// The deployed contracts and the suite's token.
#[derive(Clone, Debug)]
pub struct Suite {
    pub registry: Addr,
    pub staking: Addr,
    pub synthesis: Addr,
    pub rewards: Addr,
    pub fee_vault: Addr,
    pub denom: Denom,
}

impl Suite {
    pub fn from_deployment(d: &Deployment) -> Result<Suite, String> {
        let get = |c: SuiteContract| {
            d.address(c)
                .cloned()
                .ok_or_else(|| format!("the deployment record has no {c} address"))
        };
        Ok(Suite {
            registry: get(SuiteContract::TopicRegistry)?,
            staking: get(SuiteContract::Staking)?,
            synthesis: get(SuiteContract::Synthesis)?,
            rewards: get(SuiteContract::RewardDistribution)?,
            fee_vault: get(SuiteContract::FeeVault)?,
            denom: d.config.denom.clone(),
        })
    }

    /// A contract by its suite name (`topic-registry`, `synthesis`, ...).
    pub fn contract(&self, name: &str) -> Option<&Addr> {
        match name.parse::<SuiteContract>().ok()? {
            SuiteContract::TopicRegistry => Some(&self.registry),
            SuiteContract::FeeVault => Some(&self.fee_vault),
            SuiteContract::Staking => Some(&self.staking),
            SuiteContract::Synthesis => Some(&self.synthesis),
            SuiteContract::RewardDistribution => Some(&self.rewards),
            SuiteContract::ExampleConsumer => None,
        }
    }

    pub fn params<C: Chain + ?Sized>(&self, c: &C) -> Result<GlobalParams, ChainError> {
        c.query(&self.registry, &reg::QueryMsg::Params {})
    }

    pub fn topic<C: Chain + ?Sized>(&self, c: &C, topic_id: u64) -> Result<Topic, ChainError> {
        c.query(&self.registry, &reg::QueryMsg::Topic { topic_id })
    }

    pub fn registration<C: Chain + ?Sized>(
        &self,
        c: &C,
        topic_id: u64,
        role: Role,
        operator: &Addr,
    ) -> Result<Option<Registration>, ChainError> {
        let r: reg::RegistrationResponse = c.query(
            &self.registry,
            &reg::QueryMsg::Registration {
                topic_id,
                role,
                operator: operator.to_string(),
            },
        )?;
        Ok(r.registration)
    }

    pub fn registration_fee<C: Chain + ?Sized>(&self, c: &C) -> Result<u128, ChainError> {
        let r: reg::FeeResponse = c.query(&self.registry, &reg::QueryMsg::RegistrationFee {})?;
        Ok(r.amount.u128())
    }

    pub fn open_windows<C: Chain + ?Sized>(
        &self,
        c: &C,
        topic_id: u64,
    ) -> Result<OpenWindowsResponse, ChainError> {
        c.query(&self.synthesis, &syn::QueryMsg::OpenWindows { topic_id })
    }

    /// What synthesis keeps of `topic_id`; `None` before the topic's first payload
    /// (synthesis has not seen it).
    fn topic_state<C: Chain + ?Sized>(
        &self,
        c: &C,
        topic_id: u64,
    ) -> Result<Option<syn::TopicStateResponse>, ChainError> {
        match c.query(&self.synthesis, &syn::QueryMsg::TopicState { topic_id }) {
            Ok(s) => Ok(Some(s)),
            Err(ChainError::Query(log)) if log.contains("has not been used by synthesis") => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// The coins a worker attaches to a payload (or commitment) of `topic_id`: the payload
    /// fee synthesis charges now — its cached topic parameters, or the registry's topic
    /// before synthesis has seen the topic. Empty on a free topic.
    pub fn payload_fee<C: Chain + ?Sized>(
        &self,
        c: &C,
        topic_id: u64,
    ) -> Result<Vec<Coin>, ChainError> {
        let fee = match self.topic_state(c, topic_id)? {
            Some(s) => s.params.payload_fee,
            None => self.topic(c, topic_id)?.params.payload_fee,
        };
        match (&self.denom, fee.is_zero()) {
            (_, true) => Ok(vec![]),
            (Denom::Native(d), false) => Ok(vec![Coin::new(fee, d)]),
            // the registry refuses a payload fee on a cw20 deployment
            (Denom::Cw20(token), false) => Err(ChainError::Query(format!(
                "topic {topic_id} asks a payload fee in the cw20 {token}, which cannot ride along"
            ))),
        }
    }

    /// `None` before the topic's first payload (synthesis has not seen it).
    pub fn latest_inference_nonce<C: Chain + ?Sized>(
        &self,
        c: &C,
        topic_id: u64,
    ) -> Result<Option<u64>, ChainError> {
        Ok(self
            .topic_state(c, topic_id)?
            .and_then(|s| s.latest_inference_nonce))
    }

    pub fn worker_payload<C: Chain + ?Sized>(
        &self,
        c: &C,
        topic_id: u64,
        nonce: u64,
        worker: u32,
    ) -> Result<Option<syn::WorkerPayload>, ChainError> {
        let r: syn::WorkerPayloadResponse = c.query(
            &self.synthesis,
            &syn::QueryMsg::WorkerPayload {
                topic_id,
                nonce,
                worker,
            },
        )?;
        Ok(r.payload)
    }

    /// This worker's commitment for `nonce` on a commit–reveal topic, while it is not
    /// revealed (`None`: none, or revealed already — then it is the `WorkerPayload`).
    pub fn worker_commitment<C: Chain + ?Sized>(
        &self,
        c: &C,
        topic_id: u64,
        nonce: u64,
        worker: u32,
    ) -> Result<Option<HexBinary>, ChainError> {
        let r: syn::WorkerCommitmentResponse = c.query(
            &self.synthesis,
            &syn::QueryMsg::WorkerCommitment {
                topic_id,
                nonce,
                worker,
            },
        )?;
        Ok(r.commitment)
    }

    pub fn loss_bundle<C: Chain + ?Sized>(
        &self,
        c: &C,
        topic_id: u64,
        nonce: u64,
        reputer: u32,
    ) -> Result<Option<LossBundle>, ChainError> {
        let r: syn::LossBundleResponse = c.query(
            &self.synthesis,
            &syn::QueryMsg::LossBundle {
                topic_id,
                nonce,
                reputer,
            },
        )?;
        Ok(r.bundle)
    }

    /// The stored network inference of `nonce`; a query error (not closed yet, none
    /// stored) is returned as the chain's error text.
    pub fn network_inference<C: Chain + ?Sized>(
        &self,
        c: &C,
        topic_id: u64,
        nonce: u64,
    ) -> Result<NetworkInference, ChainError> {
        let r: syn::NetworkInferenceResponse = c.query(
            &self.synthesis,
            &syn::QueryMsg::NetworkInference { topic_id, nonce },
        )?;
        Ok(r.inference)
    }

    /// The network losses of a scored nonce, `None` while it is not scored.
    pub fn network_losses<C: Chain + ?Sized>(
        &self,
        c: &C,
        topic_id: u64,
        nonce: u64,
    ) -> Option<LossBundle> {
        c.query::<syn::NetworkLossesResponse, _>(
            &self.synthesis,
            &syn::QueryMsg::NetworkLosses { topic_id, nonce },
        )
        .ok()
        .map(|r| r.losses)
    }

    pub fn reputer_stake<C: Chain + ?Sized>(
        &self,
        c: &C,
        topic_id: u64,
        reputer: &Addr,
    ) -> Result<st::ReputerStakeResponse, ChainError> {
        c.query(
            &self.staking,
            &st::QueryMsg::ReputerStake {
                topic_id,
                reputer: reputer.to_string(),
            },
        )
    }

    pub fn claimable<C: Chain + ?Sized>(&self, c: &C, address: &Addr) -> Result<u128, ChainError> {
        let r: rd::ClaimableResponse = c.query(
            &self.rewards,
            &rd::QueryMsg::Claimable {
                address: address.to_string(),
            },
        )?;
        Ok(r.amount.u128())
    }

    pub fn topic_status<C: Chain + ?Sized>(
        &self,
        c: &C,
        topic_id: u64,
    ) -> Result<rd::TopicStatusResponse, ChainError> {
        c.query(&self.rewards, &rd::QueryMsg::TopicStatus { topic_id })
    }

    /// The suite token held by `address` (bank balance, or cw20 balance).
    pub fn token_balance<C: Chain + ?Sized>(
        &self,
        c: &C,
        address: &Addr,
    ) -> Result<u128, ChainError> {
        match &self.denom {
            Denom::Native(d) => c.balance(address, d),
            Denom::Cw20(token) => {
                let r: cw20::BalanceResponse = c.query(
                    token,
                    &cw20::Cw20QueryMsg::Balance {
                        address: address.to_string(),
                    },
                )?;
                Ok(r.balance.u128())
            }
        }
    }
}
