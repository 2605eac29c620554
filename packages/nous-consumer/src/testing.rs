//! `MockNous`: the suite's fee-vault and synthesis as a querier mock, for a consumer's unit
//! tests (feature `testing`, off-chain only). It answers `ReadFee`, `LatestValue` and
//! `LatestValues` with the JSON and the error texts of the real contracts (the workspace
//! test `tests/tests/consumer_wire.rs` compares them), from values the test sets:
//!
//! ```
//! use cosmwasm_std::testing::{mock_dependencies, mock_env, MockApi};
//! use cosmwasm_std::{SignedDecimal, Uint128};
//! use nous_consumer::testing::{latest_value, MockNous};
//! use nous_consumer::Denom;
//!
//! let mut deps = mock_dependencies();
//! let nous = MockNous::new(&MockApi::default(), Denom::Native("unous".into()), Uint128::new(10));
//! nous.install(&mut deps.querier);
//! // topic 1's latest value is 42 at nonce 7, computed 3 blocks and 15 seconds ago
//! nous.set_inference(latest_value(&mock_env(), 1, 7, SignedDecimal::percent(4200)).aged(3, 15));
//! // `nous.addrs()` is the `NousAddrs` to give the code under test.
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use cosmwasm_std::testing::{MockApi, MockQuerier};
use cosmwasm_std::{
    from_json, to_json_binary, Binary, ContractResult, Env, QuerierResult, SignedDecimal,
    StdResult, SystemError, SystemResult, Uint128, WasmQuery,
};

use crate::msg::{
    Denom, FeeVaultQueryMsg, InferencePath, LatestValue, LatestValuesResponse, PercentileValue,
    ReadFeeResponse, SynthesisQueryMsg, ERROR_BAR_PERCENTILES, MAX_LATEST_VALUES,
};
use crate::read::NousAddrs;

/// The mock fee-vault and synthesis. Clones share their state, so a setter called after
/// `install` changes what the installed querier answers.
#[derive(Clone, Debug)]
pub struct MockNous {
    addrs: NousAddrs,
    state: Rc<RefCell<State>>,
}

#[derive(Debug)]
struct State {
    denom: Denom,
    read_fee: Uint128,
    /// topic -> its latest value
    latest: BTreeMap<u64, LatestValue>,
}

impl MockNous {
    /// A vault at `api.addr_make("fee-vault")` charging `read_fee` of `denom` for every
    /// topic, and a synthesis at `api.addr_make("synthesis")` with no inference yet.
    pub fn new(api: &MockApi, denom: Denom, read_fee: Uint128) -> Self {
        let addrs = NousAddrs {
            fee_vault: api.addr_make("fee-vault"),
            synthesis: api.addr_make("synthesis"),
        };
        Self::at(addrs, denom, read_fee)
    }

    /// The same at the given addresses.
    pub fn at(addrs: NousAddrs, denom: Denom, read_fee: Uint128) -> Self {
        MockNous {
            addrs,
            state: Rc::new(RefCell::new(State {
                denom,
                read_fee,
                latest: BTreeMap::new(),
            })),
        }
    }

    /// Where the mock contracts are.
    pub fn addrs(&self) -> NousAddrs {
        self.addrs.clone()
    }

    /// Makes `querier` answer the mock contracts' queries (other contracts: no such contract).
    pub fn install(&self, querier: &mut MockQuerier) {
        let mock = self.clone();
        querier.update_wasm(move |q| mock.handle(q));
    }

    /// The vault's read fee, for every topic.
    pub fn set_fee(&self, read_fee: Uint128) {
        self.state.borrow_mut().read_fee = read_fee;
    }

    /// Makes `latest` its topic's latest value.
    pub fn set_inference(&self, latest: LatestValue) {
        self.state
            .borrow_mut()
            .latest
            .insert(latest.topic_id, latest);
    }

    /// Forgets the latest value of `topic_id` (as before its first inference).
    pub fn remove_inference(&self, topic_id: u64) {
        self.state.borrow_mut().latest.remove(&topic_id);
    }

    /// The answer to one wasm query.
    pub fn handle(&self, query: &WasmQuery) -> QuerierResult {
        let WasmQuery::Smart { contract_addr, msg } = query else {
            return SystemResult::Err(SystemError::UnsupportedRequest {
                kind: "MockNous answers smart queries only".to_string(),
            });
        };
        let answer = if *contract_addr == self.addrs.fee_vault.as_str() {
            self.vault(msg)
        } else if *contract_addr == self.addrs.synthesis.as_str() {
            self.synthesis(msg)
        } else {
            return SystemResult::Err(SystemError::NoSuchContract {
                addr: contract_addr.clone(),
            });
        };
        // a query the contract cannot parse fails in the contract, as on chain
        SystemResult::Ok(match answer {
            Ok(result) => result,
            Err(parse_error) => ContractResult::Err(parse_error.to_string()),
        })
    }

    fn vault(&self, msg: &Binary) -> StdResult<ContractResult<Binary>> {
        let FeeVaultQueryMsg::ReadFee { topic_id } = from_json(msg)?;
        let state = self.state.borrow();
        Ok(ContractResult::Ok(to_json_binary(&ReadFeeResponse {
            topic_id,
            denom: state.denom.clone(),
            amount: state.read_fee,
        })?))
    }

    fn synthesis(&self, msg: &Binary) -> StdResult<ContractResult<Binary>> {
        let state = self.state.borrow();
        Ok(match from_json(msg)? {
            SynthesisQueryMsg::LatestValue { topic_id } => match state.latest.get(&topic_id) {
                Some(latest) => ContractResult::Ok(to_json_binary(latest)?),
                None => {
                    ContractResult::Err(format!("topic {topic_id} has no network inference yet"))
                }
            },
            SynthesisQueryMsg::LatestValues { topic_ids } => {
                if topic_ids.len() > MAX_LATEST_VALUES as usize {
                    ContractResult::Err(format!(
                        "ask for the latest values of at most {MAX_LATEST_VALUES} topics at once, got {}",
                        topic_ids.len()
                    ))
                } else {
                    let values = topic_ids
                        .iter()
                        .map(|t| state.latest.get(t).cloned())
                        .collect();
                    ContractResult::Ok(to_json_binary(&LatestValuesResponse { values })?)
                }
            }
        })
    }
}

/// A latest value of `topic_id` at `nonce` computed in `env`'s block (age 0) on the full
/// path from five inferers, every error bar at `value`. Change its public fields as a test
/// needs, and age it with `LatestValue::aged`.
pub fn latest_value(env: &Env, topic_id: u64, nonce: u64, value: SignedDecimal) -> LatestValue {
    LatestValue {
        topic_id,
        nonce,
        value,
        error_bars: error_bars([value; 5]),
        path: InferencePath::Full { all_new: false },
        inferers: 5,
        worker_window_end: env.block.height,
        computed_at: env.block.height,
        computed_at_time: env.block.time.seconds(),
    }
}

/// Error bars at the 2.28, 15.87, 50, 84.13 and 97.72 percentiles (−2σ … +2σ).
pub fn error_bars(values: [SignedDecimal; 5]) -> Vec<PercentileValue> {
    ERROR_BAR_PERCENTILES
        .iter()
        .zip(values)
        .map(|(percentile, value)| PercentileValue {
            percentile: *percentile,
            value,
        })
        .collect()
}

impl LatestValue {
    /// The same value `blocks` blocks and `seconds` seconds older (test helper).
    pub fn aged(mut self, blocks: u64, seconds: u64) -> Self {
        self.worker_window_end = self.worker_window_end.saturating_sub(blocks);
        self.computed_at = self.computed_at.saturating_sub(blocks);
        self.computed_at_time = self.computed_at_time.saturating_sub(seconds);
        self
    }
}
