//! A fee-vault that records every payment the registry forwards to it (topic creation fees
//! and topic funding, native or through a cw20 hook) and answers them back in order, and
//! that pays reward-distribution's `DrawEmission` from its balance of the suite's token and
//! answers `TopicRevenue`, `Treasury` and `RevenueAndTreasury` from revenue the test sets.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    from_json, to_json_binary, Addr, Binary, Deps, DepsMut, Empty, Env, MessageInfo,
    QuerierWrapper, Response, StdError, StdResult, Uint128,
};
use cw20::{Cw20ReceiveMsg, Denom};
use cw_multi_test::{Contract, ContractWrapper};
use cw_storage_plus::{Item, Map};
use nous_types::fee_vault::{
    ReceiveMsg, RevenueAndTreasuryResponse, TopicRevenueResponse, TreasuryResponse,
};

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

/// What the mock is sent: the real vault's messages its peers send (same JSON), or the
/// test's setters.
#[cw_serde]
pub enum VaultMockExec {
    /// The registry's forward of a topic's creation fee (recorded).
    RegisterTopic {
        topic_id: u64,
        epoch_length: u64,
        start_height: u64,
    },
    /// A payment into a topic (recorded).
    FundTopic { topic_id: u64 },
    /// The cw20 hook of `RegisterTopic` and `FundTopic` (recorded).
    Receive(Cw20ReceiveMsg),
    /// Reward-distribution's draw: pays `amount` of the vault's balance to the drawer.
    DrawEmission { amount: Uint128 },
    /// "`topic_id`'s fee revenue is `revenue`" (every epoch).
    SetRevenue { topic_id: u64, revenue: Uint128 },
    /// The only address `DrawEmission` pays.
    SetDrawer { drawer: String },
    /// The suite's token is this cw20 (unset: the native `DENOM`).
    SetToken { token: String },
}

/// What the mock answers: the real vault's queries (same JSON), or the test's question.
#[cw_serde]
pub enum VaultMockQuery {
    TopicRevenue {
        topic_id: u64,
        epoch: Option<u64>,
    },
    /// The vault's balance of the suite's token.
    Treasury {},
    RevenueAndTreasury {
        topic_id: u64,
        epoch: Option<u64>,
    },
    /// Every payment so far, oldest first.
    Records {},
}

const RECORDS: Item<Vec<VaultRecord>> = Item::new("records");
const REVENUE: Map<u64, Uint128> = Map::new("revenue");
const DRAWER: Item<Addr> = Item::new("drawer");
const TOKEN: Item<Addr> = Item::new("token");

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

/// The vault's balance of the suite's token: the cw20 `token` if set, else the native denom.
fn treasury(querier: &QuerierWrapper, token: Option<&Addr>, vault: &Addr) -> StdResult<Uint128> {
    match token {
        Some(t) => {
            let r: cw20::BalanceResponse = querier.query_wasm_smart(
                t,
                &cw20::Cw20QueryMsg::Balance {
                    address: vault.to_string(),
                },
            )?;
            Ok(r.balance)
        }
        None => Ok(querier.query_balance(vault, DENOM)?.amount),
    }
}

fn draw(deps: DepsMut, env: Env, info: MessageInfo, amount: Uint128) -> StdResult<Response> {
    if info.sender != DRAWER.load(deps.storage)? {
        return Err(StdError::generic_err("only reward-distribution may draw"));
    }
    let token = TOKEN.may_load(deps.storage)?;
    let balance = treasury(&deps.querier, token.as_ref(), &env.contract.address)?;
    if amount > balance {
        return Err(StdError::generic_err("draw above the treasury"));
    }
    let denom = match token {
        Some(t) => Denom::Cw20(t),
        None => Denom::Native(DENOM.into()),
    };
    Ok(Response::new().add_message(nous_types::funds::transfer_msg(
        &denom,
        &info.sender,
        amount,
    )?))
}

fn execute(deps: DepsMut, env: Env, info: MessageInfo, msg: VaultMockExec) -> StdResult<Response> {
    let native: Uint128 = info
        .funds
        .iter()
        .filter(|c| c.denom == DENOM)
        .map(|c| c.amount)
        .sum();
    let caller = info.sender.clone();
    let r = match msg {
        VaultMockExec::RegisterTopic {
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
        VaultMockExec::FundTopic { topic_id } => {
            record("fund_topic", topic_id, None, native, caller, None)
        }
        VaultMockExec::Receive(w) => {
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
        VaultMockExec::DrawEmission { amount } => return draw(deps, env, info, amount),
        VaultMockExec::SetRevenue { topic_id, revenue } => {
            REVENUE.save(deps.storage, topic_id, &revenue)?;
            return Ok(Response::new());
        }
        VaultMockExec::SetDrawer { drawer } => {
            DRAWER.save(deps.storage, &Addr::unchecked(drawer))?;
            return Ok(Response::new());
        }
        VaultMockExec::SetToken { token } => {
            TOKEN.save(deps.storage, &Addr::unchecked(token))?;
            return Ok(Response::new());
        }
    };
    let mut all = RECORDS.may_load(deps.storage)?.unwrap_or_default();
    all.push(r);
    RECORDS.save(deps.storage, &all)?;
    Ok(Response::new())
}

fn topic_revenue(deps: Deps, topic_id: u64, epoch: Option<u64>) -> StdResult<TopicRevenueResponse> {
    Ok(TopicRevenueResponse {
        topic_id,
        epoch: epoch.unwrap_or(0),
        revenue: REVENUE
            .may_load(deps.storage, topic_id)?
            .unwrap_or_default(),
    })
}

fn query(deps: Deps, env: Env, msg: VaultMockQuery) -> StdResult<Binary> {
    let balance = || {
        let token = TOKEN.may_load(deps.storage)?;
        treasury(&deps.querier, token.as_ref(), &env.contract.address)
    };
    match msg {
        VaultMockQuery::TopicRevenue { topic_id, epoch } => {
            to_json_binary(&topic_revenue(deps, topic_id, epoch)?)
        }
        VaultMockQuery::Treasury {} => to_json_binary(&TreasuryResponse {
            balance: balance()?,
        }),
        VaultMockQuery::RevenueAndTreasury { topic_id, epoch } => {
            to_json_binary(&RevenueAndTreasuryResponse {
                revenue: topic_revenue(deps, topic_id, epoch)?,
                treasury: balance()?,
            })
        }
        VaultMockQuery::Records {} => {
            to_json_binary(&RECORDS.may_load(deps.storage)?.unwrap_or_default())
        }
    }
}

/// The mock's code; instantiate it with `Empty {}`.
pub fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query))
}
