//! `MockNetworkInference`: a mock querier for integrators' unit tests. It stands in for the
//! suite's fee-vault (`ReadFee`) and synthesis contract (`LatestNetworkInference`,
//! `NetworkInference`) at two addresses of your choice, answering with the values you set
//! and the same rules and error texts as the real contracts:
//!
//! ```
//! use cosmwasm_std::testing::{mock_dependencies, MockApi};
//! use cosmwasm_std::{SignedDecimal, Uint128};
//! use cw20::Denom;
//! use example_consumer::testing::{network_inference, MockNetworkInference};
//!
//! let api = MockApi::default();
//! let (vault, synthesis) = (api.addr_make("vault"), api.addr_make("synthesis"));
//! let mut deps = mock_dependencies();
//! MockNetworkInference::new(&vault, &synthesis, Denom::Native("unous".into()), Uint128::new(10))
//!     .with_inference(network_inference(1, 7, SignedDecimal::percent(4200)), 3)
//!     .install(&mut deps.querier);
//! // deps.querier now answers `ReadFee { topic_id: 1 }` with 10 unous and
//! // `LatestNetworkInference { topic_id: 1, max_age: Some(m) }` with nonce 7, age 3
//! // (or the "blocks old" error when m < 3).
//! ```
//!
//! Only compiled off-chain (it uses `cosmwasm_std::testing`).

use std::collections::BTreeMap;

use cosmwasm_std::testing::MockQuerier;
use cosmwasm_std::{
    from_json, to_json_binary, Addr, Binary, ContractResult, Decimal, QuerierResult, SignedDecimal,
    StdResult, SystemError, SystemResult, Uint128, WasmQuery,
};
use cw20::Denom;
use nous_types::clock::HeightWindow;
use nous_types::fee_vault::{QueryMsg as FeeVaultQuery, ReadFeeResponse};
use nous_types::synthesis::{
    InferencePath, NetworkInference, NetworkInferenceResponse, PercentileValue,
    QueryMsg as SynthesisQuery, WorkerValue,
};

/// Percentiles of `nous_types::synthesis::ERROR_BAR_PERCENTILES` as decimals.
const PERCENTILES: [Decimal; 5] = [
    Decimal::raw(2_280_000_000_000_000_000),
    Decimal::raw(15_870_000_000_000_000_000),
    Decimal::raw(50_000_000_000_000_000_000),
    Decimal::raw(84_130_000_000_000_000_000),
    Decimal::raw(97_720_000_000_000_000_000),
];

/// Error bars at the 2.28, 15.87, 50, 84.13 and 97.72 percentiles (−2σ … +2σ).
pub fn error_bars(values: [SignedDecimal; 5]) -> Vec<PercentileValue> {
    PERCENTILES
        .iter()
        .zip(values)
        .map(|(p, value)| PercentileValue {
            percentile: *p,
            value,
        })
        .collect()
}

/// A minimal network inference of `topic_id` at `nonce` with combined value `value`, as
/// synthesis stores it when a single worker submitted (every variant equals the value,
/// no error bars). Epoch `nonce` of a clock starting at 0 with 100-block epochs and a
/// 10-block worker window. Adjust fields (e.g. `error_bars`) as your test needs.
pub fn network_inference(topic_id: u64, nonce: u64, value: SignedDecimal) -> NetworkInference {
    let start = nonce.saturating_mul(100);
    let window = HeightWindow {
        start,
        end: start.saturating_add(10),
    };
    NetworkInference {
        topic_id,
        nonce,
        epoch_start: start,
        worker_window: window,
        computed_at: window.end,
        computed_at_time: 0,
        path: InferencePath::Single,
        combined: value,
        naive: value,
        inferences: vec![WorkerValue { worker: 0, value }],
        forecast_implied: vec![],
        one_out_inferers: vec![],
        one_out_forecasters: vec![],
        one_in_forecasters: vec![],
        one_out_implied: vec![],
        error_bars: vec![],
    }
}

/// Mock fee-vault + synthesis answering the queries a consumer makes.
#[derive(Clone, Debug)]
pub struct MockNetworkInference {
    fee_vault: Addr,
    synthesis: Addr,
    denom: Denom,
    read_fee: Uint128,
    /// `(topic_id, nonce) -> (inference, age in blocks)`.
    inferences: BTreeMap<(u64, u64), (NetworkInference, u64)>,
}

impl MockNetworkInference {
    /// A vault at `fee_vault` charging `read_fee` of `denom` for every topic, and a
    /// synthesis contract at `synthesis` holding no inference yet.
    pub fn new(fee_vault: &Addr, synthesis: &Addr, denom: Denom, read_fee: Uint128) -> Self {
        MockNetworkInference {
            fee_vault: fee_vault.clone(),
            synthesis: synthesis.clone(),
            denom,
            read_fee,
            inferences: BTreeMap::new(),
        }
    }

    /// Changes the read fee.
    pub fn with_read_fee(mut self, read_fee: Uint128) -> Self {
        self.read_fee = read_fee;
        self
    }

    /// Stores `inference` as `age` blocks old (blocks since its worker window closed). The
    /// highest nonce of a topic is its latest inference.
    pub fn with_inference(mut self, inference: NetworkInference, age: u64) -> Self {
        self.inferences
            .insert((inference.topic_id, inference.nonce), (inference, age));
        self
    }

    /// Answers the wasm queries of `querier` from now on (replaces its wasm handler).
    pub fn install(self, querier: &mut MockQuerier) {
        querier.update_wasm(move |q| self.handle(q));
    }

    /// The answer to one wasm query.
    pub fn handle(&self, query: &WasmQuery) -> QuerierResult {
        let (addr, msg) = match query {
            WasmQuery::Smart { contract_addr, msg } => (contract_addr, msg),
            _ => {
                return SystemResult::Err(SystemError::UnsupportedRequest {
                    kind: "only smart queries are mocked".to_string(),
                })
            }
        };
        let answer = if *addr == self.fee_vault.as_str() {
            self.vault_query(msg)
        } else if *addr == self.synthesis.as_str() {
            self.synthesis_query(msg)
        } else {
            return SystemResult::Err(SystemError::NoSuchContract { addr: addr.clone() });
        };
        SystemResult::Ok(match answer {
            Ok(Ok(binary)) => ContractResult::Ok(binary),
            Ok(Err(contract_error)) => ContractResult::Err(contract_error),
            Err(std_error) => ContractResult::Err(std_error.to_string()),
        })
    }

    fn vault_query(&self, msg: &Binary) -> StdResult<Result<Binary, String>> {
        match from_json::<FeeVaultQuery>(msg)? {
            FeeVaultQuery::ReadFee { topic_id } => Ok(Ok(to_json_binary(&ReadFeeResponse {
                topic_id,
                denom: self.denom.clone(),
                amount: self.read_fee,
            })?)),
            other => Ok(Err(format!("query not mocked: {other:?}"))),
        }
    }

    fn answer(&self, topic_id: u64, nonce: u64) -> StdResult<Result<Binary, String>> {
        match self.inferences.get(&(topic_id, nonce)) {
            Some((inference, age)) => Ok(Ok(to_json_binary(&NetworkInferenceResponse {
                inference: inference.clone(),
                age: *age,
            })?)),
            None => Ok(Err(format!(
                "nonce {nonce} of topic {topic_id} has no network inference"
            ))),
        }
    }

    fn synthesis_query(&self, msg: &Binary) -> StdResult<Result<Binary, String>> {
        match from_json::<SynthesisQuery>(msg)? {
            SynthesisQuery::NetworkInference { topic_id, nonce } => self.answer(topic_id, nonce),
            SynthesisQuery::LatestNetworkInference { topic_id, max_age } => {
                let latest = self
                    .inferences
                    .range((topic_id, 0)..=(topic_id, u64::MAX))
                    .next_back();
                match latest {
                    None => Ok(Err(format!(
                        "topic {topic_id} has no network inference yet"
                    ))),
                    Some((_, (_, age))) if max_age.is_some_and(|m| *age > m) => Ok(Err(format!(
                        "the latest network inference of topic {topic_id} is {age} blocks old, \
                         more than the maximum {}",
                        max_age.unwrap_or_default()
                    ))),
                    Some(((_, nonce), _)) => self.answer(topic_id, *nonce),
                }
            }
            other => Ok(Err(format!("query not mocked: {other:?}"))),
        }
    }
}
