//! The synthesis test suite: the real synthesis contract between nous-testing's mock
//! topic-registry and mock staking, which answer the nous-types query messages.
#![allow(dead_code)]

use std::str::FromStr;

use cosmwasm_std::{Addr, Decimal, Empty, SignedDecimal, StdResult, Uint128};
use cw_multi_test::{App, AppResponse, Contract, Executor};
use nous_math::sorted_map::SortedMap;
use nous_types::synthesis::*;
use nous_types::topic_registry::{GlobalParams, Role, Topic, TopicParams};

use nous_math::losses::ReputerLosses;
use nous_math::Fixed;
use synthesis::ContractError;

// ---------------------------------------------------------------- mock topic-registry

pub use nous_testing::mocks::registry::{contract as registry_contract, RegistryExec};

// ---------------------------------------------------------------- mock staking

use nous_testing::mocks::staking::{contract as staking_contract, StakingMockExec};

pub fn synthesis_contract() -> Box<dyn Contract<Empty>> {
    nous_testing::suite_code(nous_chain::SuiteContract::Synthesis)
}

// ---------------------------------------------------------------- parameters

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn sd(s: &str) -> SignedDecimal {
    SignedDecimal::from_str(s).unwrap()
}

/// The suite's defaults (MATH.md §2.1 chain defaults) with the test's timing, no fees and
/// a minimum stake of 10_000 base units.
pub fn default_globals() -> GlobalParams {
    let mut g = GlobalParams::defaults(6);
    g.registry.min_epoch_length = 1;
    g.registry.max_ground_truth_lag_epochs = 10;
    g.registry.create_topic_fee = Uint128::zero();
    g.registry.registration_fee = Uint128::zero();
    g.staking.required_minimum_stake = Uint128::new(10_000);
    g
}

pub const TOPIC: u64 = 1;
pub const START: u64 = 1_000;
pub const EPOCH: u64 = 10;
pub const WINDOW: u64 = 4;
pub const LAG: u64 = 10;

/// Topic 1: epochs of 10 blocks from height 1000, worker window 4, lag 10, simulator maths.
pub fn default_topic(creator: &Addr) -> Topic {
    Topic {
        id: TOPIC,
        creator: creator.clone(),
        params: TopicParams {
            allow_negative: true,
            ..TopicParams::defaults("test", EPOCH, WINDOW, LAG)
        },
        start_height: START,
    }
}

/// First block of the worker window of `nonce`.
pub fn worker_start(nonce: u64) -> u64 {
    START + nonce * EPOCH
}

/// First block of the reputer window of `nonce`.
pub fn reputer_start(nonce: u64) -> u64 {
    START + nonce * EPOCH + LAG
}

// ---------------------------------------------------------------- suite

pub struct Suite {
    pub app: App,
    pub owner: Addr,
    pub registry: Addr,
    pub staking: Addr,
    pub synthesis: Addr,
    /// Worker operators by actor index.
    pub workers: Vec<Addr>,
    /// Reputer operators by actor index.
    pub reputers: Vec<Addr>,
}

pub struct SuiteBuilder {
    pub globals: GlobalParams,
    pub topic_edit: Box<dyn Fn(&mut Topic)>,
    pub workers: u32,
    pub reputers: u32,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        SuiteBuilder {
            globals: default_globals(),
            topic_edit: Box::new(|_| {}),
            workers: 5,
            reputers: 3,
        }
    }
}

impl SuiteBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn globals(mut self, f: impl FnOnce(&mut GlobalParams)) -> Self {
        f(&mut self.globals);
        self
    }

    pub fn topic(mut self, f: impl Fn(&mut Topic) + 'static) -> Self {
        self.topic_edit = Box::new(f);
        self
    }

    pub fn workers(mut self, n: u32) -> Self {
        self.workers = n;
        self
    }

    pub fn reputers(mut self, n: u32) -> Self {
        self.reputers = n;
        self
    }

    pub fn build(self) -> Suite {
        let mut app = App::default();
        let owner = app.api().addr_make("owner");
        let reg_code = app.store_code(registry_contract());
        let stk_code = app.store_code(staking_contract());
        let syn_code = app.store_code(synthesis_contract());
        let registry = app
            .instantiate_contract(reg_code, owner.clone(), &Empty {}, &[], "registry", None)
            .unwrap();
        let staking = app
            .instantiate_contract(stk_code, owner.clone(), &Empty {}, &[], "staking", None)
            .unwrap();
        let synthesis = app
            .instantiate_contract(
                syn_code,
                owner.clone(),
                &InstantiateMsg {
                    owner: None,
                    topic_registry: registry.to_string(),
                    staking: staking.to_string(),
                },
                &[],
                "synthesis",
                Some(owner.to_string()),
            )
            .unwrap();
        app.execute_contract(
            owner.clone(),
            registry.clone(),
            &RegistryExec::SetParams(self.globals.clone()),
            &[],
        )
        .unwrap();
        let mut topic = default_topic(&owner);
        (self.topic_edit)(&mut topic);
        app.execute_contract(
            owner.clone(),
            registry.clone(),
            &RegistryExec::SetTopic(topic),
            &[],
        )
        .unwrap();
        let mut suite = Suite {
            app,
            owner,
            registry,
            staking,
            synthesis,
            workers: vec![],
            reputers: vec![],
        };
        for i in 0..self.workers {
            let a = suite.app.api().addr_make(&format!("worker{i}"));
            suite.register(TOPIC, Role::Worker, &a, i);
            suite.workers.push(a);
        }
        for i in 0..self.reputers {
            let a = suite.app.api().addr_make(&format!("reputer{i}"));
            suite.register(TOPIC, Role::Reputer, &a, i);
            suite.set_stake(TOPIC, &a, 1_000_000);
            suite.reputers.push(a);
        }
        suite.set_height(START - 5);
        suite
    }
}

impl Suite {
    pub fn register(&mut self, topic_id: u64, role: Role, who: &Addr, actor_index: u32) {
        self.app
            .execute_contract(
                self.owner.clone(),
                self.registry.clone(),
                &RegistryExec::Register {
                    topic_id,
                    role,
                    operator: who.to_string(),
                    actor_index,
                },
                &[],
            )
            .unwrap();
    }

    pub fn deregister(&mut self, topic_id: u64, role: Role, who: &Addr) {
        self.app
            .execute_contract(
                self.owner.clone(),
                self.registry.clone(),
                &RegistryExec::Deregister {
                    topic_id,
                    role,
                    operator: who.to_string(),
                },
                &[],
            )
            .unwrap();
    }

    pub fn set_stake(&mut self, topic_id: u64, who: &Addr, amount: u128) {
        self.app
            .execute_contract(
                self.owner.clone(),
                self.staking.clone(),
                &StakingMockExec::SetStake {
                    topic_id,
                    reputer: who.to_string(),
                    // a quarter delegated, so the scores record's delegated part shows
                    self_stake: Uint128::new(amount - amount / 4),
                    delegated: Uint128::new(amount / 4),
                },
                &[],
            )
            .unwrap();
    }

    pub fn set_globals(&mut self, g: GlobalParams) {
        self.app
            .execute_contract(
                self.owner.clone(),
                self.registry.clone(),
                &RegistryExec::SetParams(g),
                &[],
            )
            .unwrap();
    }

    pub fn height(&self) -> u64 {
        self.app.block_info().height
    }

    pub fn set_height(&mut self, h: u64) {
        self.app.update_block(|b| {
            b.time = b.time.plus_seconds(5 * h.saturating_sub(b.height));
            b.height = h;
        });
    }

    pub fn exec(&mut self, sender: &Addr, msg: &ExecuteMsg) -> Result<AppResponse, ContractError> {
        self.app
            .execute_contract(sender.clone(), self.synthesis.clone(), msg, &[])
            .map_err(|e| e.downcast::<ContractError>().unwrap())
    }

    pub fn submit(
        &mut self,
        worker: usize,
        nonce: u64,
        inference: Option<&str>,
        forecast: Option<Vec<(u32, &str)>>,
    ) -> Result<AppResponse, ContractError> {
        let sender = self.workers[worker].clone();
        self.submit_as(&sender, nonce, inference, forecast)
    }

    pub fn submit_as(
        &mut self,
        sender: &Addr,
        nonce: u64,
        inference: Option<&str>,
        forecast: Option<Vec<(u32, &str)>>,
    ) -> Result<AppResponse, ContractError> {
        let msg = ExecuteMsg::SubmitWorkerPayload {
            topic_id: TOPIC,
            nonce,
            inference: inference.map(sd),
            forecast: Self::forecast_of(forecast),
        };
        self.exec(sender, &msg)
    }

    /// The elements of a forecast written as (inferer, value) pairs.
    pub fn forecast_of(forecast: Option<Vec<(u32, &str)>>) -> Option<Vec<ForecastElement>> {
        forecast.map(|f| {
            f.into_iter()
                .map(|(inferer, v)| ForecastElement {
                    inferer,
                    value: sd(v),
                })
                .collect()
        })
    }

    /// Worker `worker`'s commitment to a payload with `salt` (commit–reveal topics).
    pub fn commit(
        &mut self,
        worker: usize,
        nonce: u64,
        inference: Option<&str>,
        forecast: Option<Vec<(u32, &str)>>,
        salt: &[u8],
    ) -> Result<AppResponse, ContractError> {
        let sender = self.workers[worker].clone();
        let forecast = Self::forecast_of(forecast);
        let commitment = payload_commitment(
            TOPIC,
            nonce,
            sender.as_str(),
            inference.map(sd),
            forecast.as_deref(),
            salt,
        );
        self.exec(
            &sender,
            &ExecuteMsg::CommitWorkerPayload {
                topic_id: TOPIC,
                nonce,
                commitment: commitment.to_vec().into(),
            },
        )
    }

    /// Worker `worker` reveals a payload with `salt` (commit–reveal topics).
    pub fn reveal(
        &mut self,
        worker: usize,
        nonce: u64,
        inference: Option<&str>,
        forecast: Option<Vec<(u32, &str)>>,
        salt: &[u8],
    ) -> Result<AppResponse, ContractError> {
        let sender = self.workers[worker].clone();
        self.exec(
            &sender,
            &ExecuteMsg::RevealWorkerPayload {
                topic_id: TOPIC,
                nonce,
                inference: inference.map(sd),
                forecast: Self::forecast_of(forecast),
                salt: salt.to_vec().into(),
            },
        )
    }

    /// Worker `worker`'s stored, not yet revealed commitment.
    pub fn commitment(&self, nonce: u64, worker: u32) -> Option<Vec<u8>> {
        let r: WorkerCommitmentResponse = self
            .query(&QueryMsg::WorkerCommitment {
                topic_id: TOPIC,
                nonce,
                worker,
            })
            .unwrap();
        r.commitment.map(|c| c.to_vec())
    }

    pub fn submit_bundle(
        &mut self,
        reputer: usize,
        nonce: u64,
        bundle: LossBundle,
    ) -> Result<AppResponse, ContractError> {
        let sender = self.reputers[reputer].clone();
        self.exec(
            &sender,
            &ExecuteMsg::SubmitLossBundle {
                topic_id: TOPIC,
                nonce,
                bundle,
            },
        )
    }

    pub fn crank(&mut self, limit: Option<u32>) -> Result<AppResponse, ContractError> {
        let sender = self.owner.clone();
        self.exec(
            &sender,
            &ExecuteMsg::CloseWindows {
                topic_id: TOPIC,
                limit,
            },
        )
    }

    pub fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> StdResult<T> {
        self.app.wrap().query_wasm_smart(&self.synthesis, msg)
    }

    pub fn epoch(&self, nonce: u64) -> EpochResponse {
        self.query(&QueryMsg::Epoch {
            topic_id: TOPIC,
            nonce,
        })
        .unwrap()
    }

    pub fn payload(&self, nonce: u64, worker: u32) -> Option<WorkerPayload> {
        let r: WorkerPayloadResponse = self
            .query(&QueryMsg::WorkerPayload {
                topic_id: TOPIC,
                nonce,
                worker,
            })
            .unwrap();
        r.payload
    }

    pub fn topic_state(&self) -> TopicStateResponse {
        self.query(&QueryMsg::TopicState { topic_id: TOPIC })
            .unwrap()
    }

    pub fn inference(&self, nonce: u64) -> StdResult<NetworkInferenceResponse> {
        self.query(&QueryMsg::NetworkInference {
            topic_id: TOPIC,
            nonce,
        })
    }
}

/// The value of the first attribute named `key` in any event.
pub fn attr(res: &AppResponse, key: &str) -> Option<String> {
    res.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

// ---------------------------------------------------------------- maths helpers

pub fn fx(s: &str) -> Fixed {
    s.parse().unwrap()
}

pub fn f(d: SignedDecimal) -> Fixed {
    Fixed::from(d)
}

pub fn d(x: Fixed) -> SignedDecimal {
    SignedDecimal::from(x)
}

pub fn map(v: &[WorkerValue]) -> SortedMap<u32, Fixed> {
    v.iter().map(|x| (x.worker, f(x.value))).collect()
}

/// The scores of a class of a scores record, by actor.
pub fn scored(v: &[WorkerScore]) -> SortedMap<u32, Fixed> {
    v.iter().map(|x| (x.worker, f(x.value))).collect()
}

pub fn truth(nonce: u64) -> Fixed {
    Fixed::from_int(100 + nonce as i128).unwrap()
}

pub fn loss(value: Fixed, nonce: u64, reputer: u32) -> Fixed {
    let err = value
        .checked_sub(truth(nonce))
        .unwrap()
        .checked_abs()
        .unwrap();
    err.checked_add(Fixed::from_ratio(reputer as i128, 1000).unwrap())
        .unwrap()
}

/// Reputer `m`'s bundle for a stored network inference.
pub fn bundle_for(ni: &NetworkInference, m: u32) -> LossBundle {
    let l = |v: SignedDecimal| d(loss(f(v), ni.nonce, m));
    let list = |xs: &[WorkerValue]| -> Vec<WorkerValue> {
        xs.iter()
            .map(|x| WorkerValue {
                worker: x.worker,
                value: l(x.value),
            })
            .collect()
    };
    LossBundle {
        combined: l(ni.combined),
        naive: l(ni.naive),
        inferers: list(&ni.inferences),
        forecasters: list(&ni.forecast_implied),
        one_out_inferers: list(&ni.one_out_inferers),
        one_out_forecasters: list(&ni.one_out_forecasters),
        one_in_forecasters: list(&ni.one_in_forecasters),
        one_out_implied: ni
            .one_out_implied
            .iter()
            .map(|x| WithheldValue {
                withheld: x.withheld,
                forecaster: x.forecaster,
                value: l(x.value),
            })
            .collect(),
    }
}

/// Reputer `m`'s report as it was before only named pairs were listed: the loss of every
/// one-out forecast-implied value, a pair the forecaster did not name valued at its own
/// forecast-implied inference (what the close must reproduce from the named pairs).
pub fn full_report(ni: &NetworkInference, m: u32) -> ReputerLosses {
    let mut losses = to_losses(&bundle_for(ni, m));
    for k in &ni.forecast_implied {
        for j in &ni.inferences {
            losses
                .one_out_inferer_forecaster
                .entry((k.worker, j.worker))
                .or_insert_with(|| loss(f(k.value), ni.nonce, m));
        }
    }
    losses
}

pub fn to_losses(b: &LossBundle) -> ReputerLosses {
    ReputerLosses {
        combined: Some(f(b.combined)),
        naive: Some(f(b.naive)),
        inferer: map(&b.inferers),
        forecaster: map(&b.forecasters),
        one_out_inferer: map(&b.one_out_inferers),
        one_out_forecaster: map(&b.one_out_forecasters),
        one_in: map(&b.one_in_forecasters),
        one_out_inferer_forecaster: b
            .one_out_implied
            .iter()
            .map(|x| ((x.forecaster, x.withheld), f(x.value)))
            .collect(),
    }
}
