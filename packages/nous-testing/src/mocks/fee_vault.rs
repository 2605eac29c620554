//! A fee-vault that records every payment the registry forwards to it (topic creation fees
//! and topic funding, native or through a cw20 hook) and answers them back in order.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    from_json, to_json_binary, Addr, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response,
    StdError, StdResult, Uint128,
};
use cw_multi_test::{Contract, ContractWrapper};
use cw_storage_plus::Item;
use nous_types::fee_vault::{ExecuteMsg, ReceiveMsg};

use super::instantiate;
use crate::DENOM;

/// One payment the mock vault received.
#[cw_serde]
pub struct VaultRecord {
    /// "register_topic" or "fund_topic"
    pub kind: String,
    pub topic_id: u64,
    /// Native: the suite denom's coins sent; cw20: the hook's amount.
    pub amount: Uint128,
    /// "native" or "cw20"
    pub via: String,
    pub epoch_length: Option<u64>,
    pub start_height: Option<u64>,
    /// The contract that called the vault (the registry, or the cw20 token for a hook).
    pub caller: Addr,
    /// For a cw20 hook, who sent the tokens.
    pub cw20_sender: Option<String>,
}

/// The test's question: every payment so far, oldest first.
#[cw_serde]
pub enum VaultMockQuery {
    Records {},
}

const RECORDS: Item<Vec<VaultRecord>> = Item::new("records");

fn record(
    kind: &str,
    topic_id: u64,
    schedule: Option<(u64, u64)>,
    amount: Uint128,
    caller: Addr,
    cw20_sender: Option<String>,
) -> VaultRecord {
    VaultRecord {
        kind: kind.into(),
        topic_id,
        amount,
        via: if cw20_sender.is_some() {
            "cw20"
        } else {
            "native"
        }
        .into(),
        epoch_length: schedule.map(|s| s.0),
        start_height: schedule.map(|s| s.1),
        caller,
        cw20_sender,
    }
}

fn execute(deps: DepsMut, _: Env, info: MessageInfo, msg: ExecuteMsg) -> StdResult<Response> {
    let native: Uint128 = info
        .funds
        .iter()
        .filter(|c| c.denom == DENOM)
        .map(|c| c.amount)
        .sum();
    let caller = info.sender;
    let r = match msg {
        ExecuteMsg::RegisterTopic {
            topic_id,
            epoch_length,
            start_height,
        } => record(
            "register_topic",
            topic_id,
            Some((epoch_length, start_height)),
            native,
            caller,
            None,
        ),
        ExecuteMsg::FundTopic { topic_id } => {
            record("fund_topic", topic_id, None, native, caller, None)
        }
        ExecuteMsg::Receive(w) => {
            let from = Some(w.sender);
            match from_json(&w.msg)? {
                ReceiveMsg::RegisterTopic {
                    topic_id,
                    epoch_length,
                    start_height,
                } => record(
                    "register_topic",
                    topic_id,
                    Some((epoch_length, start_height)),
                    w.amount,
                    caller,
                    from,
                ),
                ReceiveMsg::FundTopic { topic_id } => {
                    record("fund_topic", topic_id, None, w.amount, caller, from)
                }
                _ => return Err(StdError::generic_err("mock vault: hook not supported")),
            }
        }
        // The real vault has more messages; the registry only sends the ones above.
        _ => return Err(StdError::generic_err("mock vault: message not supported")),
    };
    let mut all = RECORDS.may_load(deps.storage)?.unwrap_or_default();
    all.push(r);
    RECORDS.save(deps.storage, &all)?;
    Ok(Response::new())
}

fn query(deps: Deps, _: Env, msg: VaultMockQuery) -> StdResult<Binary> {
    let VaultMockQuery::Records {} = msg;
    to_json_binary(&RECORDS.may_load(deps.storage)?.unwrap_or_default())
}

/// The mock's code; instantiate it with `Empty {}`.
pub fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query))
}
