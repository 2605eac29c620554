//! Bad input (issue 10): for every field a user controls, a table of malformed values —
//! malformed JSON, unknown messages, no coins, the wrong denom, two coins, zero and
//! `u128::MAX` amounts, ids and nonces near `u64::MAX`, empty and overlong strings,
//! invalid addresses, values at and past every bound, the wrong window — each refused with
//! its typed error (or the entry point's parse error for JSON that is not a message), the
//! suite's storage and every balance exactly as before.

use cosmwasm_std::{coin, Addr, Binary, Coin, CosmosMsg, WasmMsg};
use cw_multi_test::Executor;
use nous_tests::{error_name, topic_params, Suite, SuiteBuilder, DENOM};
use nous_types::topic_registry::{Role, TopicParams};
use serde_json::{json, Value};

const ACCOUNTS: [&str; 5] = ["creator", "op", "wk", "funder", "mallory"];

/// A topic made by `creator`, `op` a staked reputer, `wk` a worker, the topic funded and
/// active, the chain inside epoch 0's worker window.
struct Fx {
    s: Suite,
    topic: u64,
}

fn fixture() -> Fx {
    let mut s = SuiteBuilder::new().with_accounts(&ACCOUNTS).build();
    // a second coin, so that wrong-denom payments reach the contracts
    let holders: Vec<Addr> = ACCOUNTS.iter().map(|a| s.addr(a)).collect();
    let balances: Vec<u128> = holders.iter().map(|a| s.balance(a)).collect();
    s.app.init_modules(|router, _, storage| {
        for (a, b) in holders.iter().zip(balances) {
            router
                .bank
                .init_balance(storage, a, vec![coin(b, DENOM), coin(1_000_000, "uatom")])
                .expect("balances");
        }
    });
    let topic = s
        .create_topic("creator", topic_params(12, 5, 15))
        .expect("topic");
    s.register("op", topic, Role::Reputer).expect("reputer");
    s.register("wk", topic, Role::Worker).expect("worker");
    let min = s.params().staking.required_minimum_stake.u128();
    s.add_stake("op", topic, min).expect("stake");
    s.fund_topic("funder", topic, 10_000_000).expect("funding");
    s.fund_treasury("funder", 10_000_000).expect("treasury");
    s.activate_topic("funder", topic).expect("activation");
    s.advance_blocks(1);
    Fx { s, topic }
}

#[derive(Clone, Copy)]
enum Target {
    Registry,
    Vault,
    Staking,
    Synthesis,
    Rewards,
}

#[derive(Clone, Copy)]
enum Sender {
    Admin,
    Account(&'static str),
}

/// What is sent: a JSON value, or raw bytes that are not a message.
enum Body {
    Json(Value),
    Raw(&'static [u8]),
}

struct Row {
    name: &'static str,
    from: Sender,
    target: Target,
    body: fn(&Fx) -> Body,
    funds: fn(&Fx) -> Vec<Coin>,
    /// `error_name` of the refusal; `parse` for the entry point's parse error.
    expected: &'static str,
}

fn none(_: &Fx) -> Vec<Coin> {
    vec![]
}
fn create_fee(f: &Fx) -> Vec<Coin> {
    vec![coin(f.s.params().registry.create_topic_fee.u128(), DENOM)]
}
fn min_stake(f: &Fx) -> Vec<Coin> {
    vec![coin(
        f.s.params().staking.required_minimum_stake.u128(),
        DENOM,
    )]
}
fn some(_: &Fx) -> Vec<Coin> {
    vec![coin(1_000, DENOM)]
}
fn wrong_denom(_: &Fx) -> Vec<Coin> {
    vec![coin(1_000, "uatom")]
}
fn two_coins(_: &Fx) -> Vec<Coin> {
    vec![coin(1_000, DENOM), coin(1_000, "uatom")]
}

fn create(params: TopicParams) -> Body {
    Body::Json(json!({"create_topic": {"params": params}}))
}
fn params_with(edit: fn(&mut TopicParams)) -> TopicParams {
    let mut p = topic_params(12, 5, 15);
    edit(&mut p);
    p
}
fn payload(f: &Fx, nonce: u64, inference: Value, forecast: Value) -> Body {
    Body::Json(
        json!({"submit_worker_payload": {"topic_id": f.topic, "nonce": nonce,
        "inference": inference, "forecast": forecast}}),
    )
}
fn nonce(f: &Fx) -> u64 {
    f.s.current_epoch(f.topic)
}
fn op(f: &Fx) -> String {
    f.s.addr("op").to_string()
}

fn rows() -> Vec<Row> {
    use Sender::{Account as A, Admin};
    use Target::*;
    let row = |name, from, target, body, funds, expected| Row {
        name,
        from,
        target,
        body,
        funds,
        expected,
    };
    vec![
        // ---- any message: not JSON, unknown message, unknown field
        row(
            "malformed JSON",
            A("mallory"),
            Registry,
            |_| Body::Raw(b"{\"create_topic\":"),
            none,
            "parse",
        ),
        row(
            "unknown message",
            A("mallory"),
            Vault,
            |_| Body::Json(json!({"mint": {}})),
            none,
            "parse",
        ),
        // (an unknown field is ignored: cosmwasm-schema 2's `cw_serde` no longer denies
        // them; docs/SECURITY.md, known limits)
        row(
            "two messages at once",
            A("creator"),
            Registry,
            |_| {
                Body::Json(
                    json!({"create_topic": {"params": topic_params(12, 5, 15)}, "update_config": {}}),
                )
            },
            create_fee,
            "parse",
        ),
        row(
            "negative amount",
            A("op"),
            Staking,
            |f| Body::Json(json!({"remove_stake": {"topic_id": f.topic, "amount": "-1"}})),
            none,
            "parse",
        ),
        row(
            "amount past u128",
            A("op"),
            Staking,
            |f| {
                Body::Json(json!({"remove_stake": {"topic_id": f.topic,
                "amount": "340282366920938463463374607431768211456"}}))
            },
            none,
            "parse",
        ),
        // ---- registry: the fee
        row(
            "CreateTopic without the fee",
            A("creator"),
            Registry,
            |_| create(topic_params(12, 5, 15)),
            none,
            "registry::InsufficientFee",
        ),
        row(
            "CreateTopic in the wrong denom",
            A("creator"),
            Registry,
            |_| create(topic_params(12, 5, 15)),
            wrong_denom,
            "registry::Payment::WrongDenom",
        ),
        row(
            "CreateTopic with two coins",
            A("creator"),
            Registry,
            |_| create(topic_params(12, 5, 15)),
            two_coins,
            "registry::Payment::MultipleDenoms",
        ),
        row(
            "CreateTopic underpaid",
            A("creator"),
            Registry,
            |_| create(topic_params(12, 5, 15)),
            some,
            "registry::InsufficientFee",
        ),
        row(
            "CreateTopic overpaid",
            A("creator"),
            Registry,
            |_| create(topic_params(12, 5, 15)),
            |f| {
                vec![coin(
                    f.s.params().registry.create_topic_fee.u128() + 1,
                    DENOM,
                )]
            },
            "registry::ExcessFee",
        ),
        // ---- registry: every topic parameter past its bound
        row(
            "empty metadata",
            A("creator"),
            Registry,
            |_| create(params_with(|p| p.metadata = " ".into())),
            create_fee,
            "registry::Param",
        ),
        row(
            "metadata of 256 bytes",
            A("creator"),
            Registry,
            |_| create(params_with(|p| p.metadata = "m".repeat(256))),
            create_fee,
            "registry::Param",
        ),
        row(
            "overlong loss method",
            A("creator"),
            Registry,
            |_| create(params_with(|p| p.loss_method = "l".repeat(300))),
            create_fee,
            "registry::Param",
        ),
        row(
            "epoch length 0",
            A("creator"),
            Registry,
            |_| create(params_with(|p| p.epoch_length = 0)),
            create_fee,
            "registry::Param",
        ),
        row(
            "epoch length u64::MAX",
            A("creator"),
            Registry,
            |_| {
                create(params_with(|p| {
                    p.epoch_length = u64::MAX;
                }))
            },
            create_fee,
            "registry::Param",
        ),
        row(
            "worker window 0",
            A("creator"),
            Registry,
            |_| create(params_with(|p| p.worker_submission_window = 0)),
            create_fee,
            "registry::Param",
        ),
        row(
            "worker window past the epoch",
            A("creator"),
            Registry,
            |_| create(params_with(|p| p.worker_submission_window = 13)),
            create_fee,
            "registry::Param",
        ),
        row(
            "ground-truth lag below an epoch",
            A("creator"),
            Registry,
            |_| create(params_with(|p| p.ground_truth_lag = 11)),
            create_fee,
            "registry::Param",
        ),
        row(
            "ground-truth lag past the maximum",
            A("creator"),
            Registry,
            |_| create(params_with(|p| p.ground_truth_lag = u64::MAX)),
            create_fee,
            "registry::Param",
        ),
        row(
            "p_norm past its bound",
            A("creator"),
            Registry,
            |_| {
                create(params_with(|p| {
                    p.p_norm = cosmwasm_std::Decimal::percent(100_000)
                }))
            },
            create_fee,
            "registry::Param",
        ),
        row(
            "alpha_regret above 1",
            A("creator"),
            Registry,
            |_| {
                create(params_with(|p| {
                    p.alpha_regret = cosmwasm_std::Decimal::percent(101)
                }))
            },
            create_fee,
            "registry::Param",
        ),
        row(
            "active quantile above 1",
            A("creator"),
            Registry,
            |_| {
                create(params_with(|p| {
                    p.active_inferer_quantile = cosmwasm_std::Decimal::percent(150)
                }))
            },
            create_fee,
            "registry::Param",
        ),
        // ---- registry: ids, addresses, admin inputs
        row(
            "Register in an unknown topic",
            A("mallory"),
            Registry,
            |_| {
                Body::Json(
                    json!({"register": {"topic_id": u64::MAX, "role": "worker", "owner": null}}),
                )
            },
            |f| vec![coin(f.s.params().registry.registration_fee.u128(), DENOM)],
            "registry::TopicNotFound",
        ),
        row(
            "Register under an invalid owner",
            A("mallory"),
            Registry,
            |f| {
                Body::Json(
                    json!({"register": {"topic_id": f.topic, "role": "worker", "owner": "not an address"}}),
                )
            },
            |f| vec![coin(f.s.params().registry.registration_fee.u128(), DENOM)],
            "registry::Std",
        ),
        row(
            "Register twice",
            A("wk"),
            Registry,
            |f| {
                Body::Json(
                    json!({"register": {"topic_id": f.topic, "role": "worker", "owner": null}}),
                )
            },
            |f| vec![coin(f.s.params().registry.registration_fee.u128(), DENOM)],
            "registry::AlreadyRegistered",
        ),
        row(
            "UpdateTopic changing the timing",
            A("creator"),
            Registry,
            |f| {
                Body::Json(
                    json!({"update_topic": {"topic_id": f.topic, "params": topic_params(24, 5, 30)}}),
                )
            },
            none,
            "registry::TimingFieldsImmutable",
        ),
        row(
            "UpdateParams: p_norm_safe_div past the maths' bound (F6)",
            Admin,
            Registry,
            |f| {
                let mut p = f.s.params();
                p.synthesis.p_norm_safe_div = cosmwasm_std::Decimal::percent(1_100);
                Body::Json(json!({"update_params": {"params": p}}))
            },
            none,
            "registry::Param",
        ),
        row(
            "UpdateParams: zero minimum stake",
            Admin,
            Registry,
            |f| {
                let mut p = f.s.params();
                p.staking.required_minimum_stake = 0u128.into();
                Body::Json(json!({"update_params": {"params": p}}))
            },
            none,
            "registry::Param",
        ),
        row(
            "UpdateParams: other token decimals",
            Admin,
            Registry,
            |f| {
                let mut p = f.s.params();
                p.token_decimals = 18;
                Body::Json(json!({"update_params": {"params": p}}))
            },
            none,
            "registry::TokenDecimalsFixed",
        ),
        row(
            "UpdateConfig changing nothing",
            Admin,
            Registry,
            |_| Body::Json(json!({"update_config": {"fee_vault": null}})),
            none,
            "registry::NothingToUpdate",
        ),
        row(
            "UpdateWhitelist with too many entries",
            Admin,
            Registry,
            |f| {
                let many: Vec<String> = (0..200).map(|_| f.s.addr("mallory").to_string()).collect();
                Body::Json(
                    json!({"update_whitelist": {"list": "workers", "add": many, "remove": []}}),
                )
            },
            none,
            "registry::TooManyWhitelistChanges",
        ),
        row(
            "a fee-free message with funds",
            A("creator"),
            Registry,
            |f| {
                Body::Json(
                    json!({"update_topic": {"topic_id": f.topic, "params": topic_params(12, 5, 15)}}),
                )
            },
            some,
            "registry::Payment::UnexpectedFunds",
        ),
        // ---- fee-vault
        row(
            "FundTopic of an unknown topic",
            A("funder"),
            Vault,
            |_| Body::Json(json!({"fund_topic": {"topic_id": u64::MAX}})),
            some,
            "vault::TopicNotFound",
        ),
        row(
            "FundTopic without coins",
            A("funder"),
            Vault,
            |f| Body::Json(json!({"fund_topic": {"topic_id": f.topic}})),
            none,
            "vault::Payment::NoFunds",
        ),
        row(
            "FundTreasury in the wrong denom",
            A("funder"),
            Vault,
            |_| Body::Json(json!({"fund_treasury": {}})),
            wrong_denom,
            "vault::Payment::WrongDenom",
        ),
        row(
            "FundTreasury with two coins",
            A("funder"),
            Vault,
            |_| Body::Json(json!({"fund_treasury": {}})),
            two_coins,
            "vault::Payment::MultipleDenoms",
        ),
        row(
            "PayForRead underpaid",
            A("funder"),
            Vault,
            |f| Body::Json(json!({"pay_for_read": {"topic_id": f.topic}})),
            |_| vec![coin(499, DENOM)],
            "vault::InsufficientFee",
        ),
        row(
            "PayForRead overpaid",
            A("funder"),
            Vault,
            |f| Body::Json(json!({"pay_for_read": {"topic_id": f.topic}})),
            |_| vec![coin(501, DENOM)],
            "vault::Overpayment",
        ),
        row(
            "SyncTreasury with nothing to sync",
            A("mallory"),
            Vault,
            |_| Body::Json(json!({"sync_treasury": {}})),
            none,
            "vault::NothingToSync",
        ),
        // ---- staking
        row(
            "AddStake without coins",
            A("op"),
            Staking,
            |f| Body::Json(json!({"add_stake": {"topic_id": f.topic}})),
            none,
            "staking::Payment::NoFunds",
        ),
        row(
            "AddStake in the wrong denom",
            A("op"),
            Staking,
            |f| Body::Json(json!({"add_stake": {"topic_id": f.topic}})),
            wrong_denom,
            "staking::Payment::WrongDenom",
        ),
        row(
            "AddStake below the minimum",
            A("wk"),
            Staking,
            |f| Body::Json(json!({"add_stake": {"topic_id": f.topic}})),
            some,
            "staking::NotRegisteredReputer",
        ),
        row(
            "AddStake in an unknown topic",
            A("op"),
            Staking,
            |_| Body::Json(json!({"add_stake": {"topic_id": u64::MAX}})),
            min_stake,
            "staking::NotRegisteredReputer",
        ),
        row(
            "Delegate to oneself",
            A("op"),
            Staking,
            |f| Body::Json(json!({"delegate": {"topic_id": f.topic, "reputer": op(f)}})),
            some,
            "staking::SelfDelegation",
        ),
        row(
            "Delegate below the minimum delegation",
            A("funder"),
            Staking,
            |f| Body::Json(json!({"delegate": {"topic_id": f.topic, "reputer": op(f)}})),
            |_| vec![coin(99, DENOM)],
            "staking::BelowMinimumDelegation",
        ),
        row(
            "Delegate to an invalid address",
            A("funder"),
            Staking,
            |f| Body::Json(json!({"delegate": {"topic_id": f.topic, "reputer": "nobody"}})),
            some,
            "staking::Std",
        ),
        row(
            "Delegate to a non-reputer",
            A("funder"),
            Staking,
            |f| {
                Body::Json(
                    json!({"delegate": {"topic_id": f.topic, "reputer": f.s.addr("wk").to_string()}}),
                )
            },
            some,
            "staking::NotRegisteredReputer",
        ),
        row(
            "RemoveStake of zero",
            A("op"),
            Staking,
            |f| Body::Json(json!({"remove_stake": {"topic_id": f.topic, "amount": "0"}})),
            none,
            "staking::ZeroAmount",
        ),
        row(
            "RemoveStake of u128::MAX",
            A("op"),
            Staking,
            |f| {
                Body::Json(
                    json!({"remove_stake": {"topic_id": f.topic, "amount": u128::MAX.to_string()}}),
                )
            },
            none,
            "staking::InsufficientStake",
        ),
        row(
            "RemoveStake below the minimum removal",
            A("op"),
            Staking,
            |f| Body::Json(json!({"remove_stake": {"topic_id": f.topic, "amount": "99"}})),
            none,
            "staking::RemovalBelowMinimum",
        ),
        row(
            "RemoveStake leaving less than the minimum stake",
            A("op"),
            Staking,
            |f| Body::Json(json!({"remove_stake": {"topic_id": f.topic, "amount": "1000"}})),
            none,
            "staking::RemainingStakeBelowMinimum",
        ),
        row(
            "Undelegate without a delegation",
            A("funder"),
            Staking,
            |f| {
                Body::Json(
                    json!({"undelegate": {"topic_id": f.topic, "reputer": op(f), "amount": "100"}}),
                )
            },
            none,
            "staking::NoDelegation",
        ),
        row(
            "ProcessRemovals with limit 0",
            A("mallory"),
            Staking,
            |_| Body::Json(json!({"process_removals": {"limit": 0}})),
            none,
            "staking::ZeroLimit",
        ),
        row(
            "UpdateConfig: unbonding 0",
            Admin,
            Staking,
            |_| Body::Json(json!({"update_config": {"unbonding_blocks": 0}})),
            none,
            "staking::ZeroUnbondingDelay",
        ),
        row(
            "UpdateConfig: removal cap 0",
            Admin,
            Staking,
            |_| Body::Json(json!({"update_config": {"max_removals_per_call": 0}})),
            none,
            "staking::ZeroRemovalCap",
        ),
        row(
            "UpdateConfig: minimum delegation 0",
            Admin,
            Staking,
            |_| Body::Json(json!({"update_config": {"min_delegation": "0"}})),
            none,
            "staking::InvalidMinimumDelegation",
        ),
        // ---- synthesis
        row(
            "payload with neither inference nor forecast",
            A("wk"),
            Synthesis,
            |f| payload(f, nonce(f), Value::Null, Value::Null),
            none,
            "synthesis::EmptyPayload",
        ),
        row(
            "payload with an empty forecast",
            A("wk"),
            Synthesis,
            |f| payload(f, nonce(f), Value::Null, json!([])),
            none,
            "synthesis::EmptyForecast",
        ),
        row(
            "payload with too many forecast elements",
            A("wk"),
            Synthesis,
            |f| {
                let many: Vec<Value> = (0..1_000)
                    .map(|i| json!({"inferer": i, "value": "1"}))
                    .collect();
                payload(f, nonce(f), Value::Null, json!(many))
            },
            none,
            "synthesis::ForecastTooLong",
        ),
        row(
            "inference just past MAX_ABS_VALUE",
            A("wk"),
            Synthesis,
            |f| {
                payload(
                    f,
                    nonce(f),
                    json!("1000000000.000000000000000001"),
                    Value::Null,
                )
            },
            none,
            "synthesis::ValueOutOfRange",
        ),
        row(
            "negative inference in a topic refusing them",
            A("wk"),
            Synthesis,
            |f| payload(f, nonce(f), json!("-1"), Value::Null),
            none,
            "synthesis::NegativeInference",
        ),
        row(
            "payload for the next nonce",
            A("wk"),
            Synthesis,
            |f| payload(f, nonce(f) + 1, json!("1"), Value::Null),
            none,
            "synthesis::WorkerWindowNotOpen",
        ),
        row(
            "payload for nonce u64::MAX",
            A("wk"),
            Synthesis,
            |f| payload(f, u64::MAX, json!("1"), Value::Null),
            none,
            "synthesis::NonceOutOfRange",
        ),
        row(
            "payload in an unknown topic",
            A("wk"),
            Synthesis,
            |_| {
                Body::Json(
                    json!({"submit_worker_payload": {"topic_id": u64::MAX, "nonce": 0, "inference": "1", "forecast": null}}),
                )
            },
            none,
            "synthesis::UnknownTopic",
        ),
        row(
            "payload from a non-worker",
            A("op"),
            Synthesis,
            |f| payload(f, nonce(f), json!("1"), Value::Null),
            none,
            "synthesis::NotRegistered",
        ),
        row(
            "payload with funds",
            A("wk"),
            Synthesis,
            |f| payload(f, nonce(f), json!("1"), Value::Null),
            some,
            "synthesis::Payment::UnexpectedFunds",
        ),
        row(
            "loss bundle outside the reputer window",
            A("op"),
            Synthesis,
            |f| {
                Body::Json(
                    json!({"submit_loss_bundle": {"topic_id": f.topic, "nonce": nonce(f), "bundle": {
                "combined": "1", "naive": "1", "inferers": [], "forecasters": [],
                "one_out_inferers": [], "one_out_forecasters": [], "one_in_forecasters": [],
                "one_out_implied": []}}}),
                )
            },
            none,
            "synthesis::ReputerWindowNotOpen",
        ),
        row(
            "CloseWindows with limit 0 of an unknown topic",
            A("mallory"),
            Synthesis,
            |_| Body::Json(json!({"close_windows": {"topic_id": u64::MAX, "limit": 0}})),
            none,
            "synthesis::TopicNotSeen",
        ),
        // ---- reward-distribution
        row(
            "Settle with limit 0",
            A("mallory"),
            Rewards,
            |_| Body::Json(json!({"settle": {"topic_id": null, "limit": 0}})),
            none,
            "rewards::InvalidLimit",
        ),
        row(
            "Settle an unknown topic",
            A("mallory"),
            Rewards,
            |_| Body::Json(json!({"settle": {"topic_id": u64::MAX, "limit": null}})),
            none,
            "rewards::TopicNotActive",
        ),
        row(
            "ActivateTopic of an unknown topic",
            A("mallory"),
            Rewards,
            |_| Body::Json(json!({"activate_topic": {"topic_id": u64::MAX}})),
            none,
            "rewards::TopicNotFound",
        ),
        row(
            "ActivateTopic twice",
            A("mallory"),
            Rewards,
            |f| Body::Json(json!({"activate_topic": {"topic_id": f.topic}})),
            none,
            "rewards::TopicAlreadyActive",
        ),
        row(
            "Claim with nothing to claim",
            A("mallory"),
            Rewards,
            |_| Body::Json(json!({"claim": {}})),
            none,
            "rewards::NothingToClaim",
        ),
        row(
            "Claim with funds",
            A("mallory"),
            Rewards,
            |_| Body::Json(json!({"claim": {}})),
            some,
            "rewards::Payment::UnexpectedFunds",
        ),
        row(
            "RetryParked with nothing parked",
            A("mallory"),
            Rewards,
            |_| Body::Json(json!({"retry_parked": {"limit": null}})),
            none,
            "rewards::NothingParked",
        ),
        row(
            "RedirectParked of an unknown id",
            Admin,
            Rewards,
            |f| {
                Body::Json(
                    json!({"redirect_parked": {"id": u64::MAX, "recipient": f.s.addr("mallory").to_string()}}),
                )
            },
            none,
            "rewards::ParkedNotFound",
        ),
        row(
            "UpdateConfig changing nothing",
            Admin,
            Rewards,
            |_| Body::Json(json!({"update_config": {}})),
            none,
            "rewards::NothingToUpdate",
        ),
        row(
            "UpdateConfig: max epochs per call 0",
            Admin,
            Rewards,
            |_| Body::Json(json!({"update_config": {"max_epochs_per_call": 0}})),
            none,
            "rewards::InvalidConfig",
        ),
    ]
}

fn send(f: &mut Fx, row: &Row) -> anyhow::Result<cw_multi_test::AppResponse> {
    let sender: Addr = match row.from {
        Sender::Admin => f.s.admin.clone(),
        Sender::Account(name) => f.s.addr(name),
    };
    let contract = match row.target {
        Target::Registry => f.s.registry.clone(),
        Target::Vault => f.s.vault.clone(),
        Target::Staking => f.s.staking.clone(),
        Target::Synthesis => f.s.synthesis.clone(),
        Target::Rewards => f.s.rewards.clone(),
    };
    let msg = match (row.body)(f) {
        Body::Json(v) => Binary::new(serde_json::to_vec(&v)?),
        Body::Raw(bytes) => Binary::new(bytes.to_vec()),
    };
    let funds = (row.funds)(f);
    f.s.app.execute(
        sender,
        CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr: contract.to_string(),
            msg,
            funds,
        }),
    )
}

#[test]
fn every_bad_input_gets_its_typed_error_and_changes_nothing() {
    let mut f = fixture();
    let rows = rows();
    let mut wrong = vec![];
    for row in &rows {
        let before = f.s.fingerprint();
        let err = match send(&mut f, row) {
            Ok(_) => panic!("{}: accepted", row.name),
            Err(e) => e,
        };
        let name = error_name(&err);
        let as_expected = if row.expected == "parse" {
            name.starts_with("untyped") && format!("{err:#}").contains("Error parsing")
        } else {
            name == row.expected
        };
        if !as_expected {
            wrong.push(format!(
                "{}: expected {}, got {name}: {err:#}",
                row.name, row.expected
            ));
        }
        assert!(
            f.s.fingerprint() == before,
            "{}: the refusal changed state",
            row.name
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(rows.len() >= 70, "{} rows", rows.len());
}

/// The cw20 deployment: native coins, a foreign cw20 token and an empty `Send` are refused
/// by every payable contract, and nothing changes.
#[test]
fn a_cw20_deployment_refuses_native_coins_and_foreign_tokens() {
    use cw20::{Cw20Coin, Cw20ExecuteMsg};
    use cw_multi_test::ContractWrapper;

    let mut s = SuiteBuilder::new()
        .with_accounts(&ACCOUNTS)
        .with_cw20()
        .build();
    let funder = s.addr("funder");
    s.app.init_modules(|router, _, storage| {
        router
            .bank
            .init_balance(storage, &funder, vec![coin(1_000_000, DENOM)])
            .expect("native coins");
    });
    let code = s.app.store_code(Box::new(ContractWrapper::new(
        cw20_base::contract::execute,
        cw20_base::contract::instantiate,
        cw20_base::contract::query,
    )));
    let foreign = s
        .app
        .instantiate_contract(
            code,
            funder.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Foreign".into(),
                symbol: "FRGN".into(),
                decimals: 6,
                initial_balances: vec![Cw20Coin {
                    address: funder.to_string(),
                    amount: 1_000_000u128.into(),
                }],
                mint: None,
                marketing: None,
            },
            &[],
            "foreign",
            None,
        )
        .expect("foreign token");
    let cw20::Denom::Cw20(token) = s.denom.clone() else {
        panic!("a cw20 deployment");
    };
    let hook = |msg: Value| cosmwasm_std::to_json_binary(&msg).expect("hook");
    // (cw20-base forwards an empty `Send`: the contract refuses the zero amount)
    let payable: [(&str, Addr, Value, &str); 3] = [
        (
            "vault",
            s.vault.clone(),
            json!({"fund_treasury": {}}),
            "vault::ZeroAmount",
        ),
        (
            "staking",
            s.staking.clone(),
            json!({"add_stake": {"topic_id": 1}}),
            "staking::ZeroAmount",
        ),
        (
            "registry",
            s.registry.clone(),
            json!({"create_topic": {"params": topic_params(12, 5, 15)}}),
            // the registry reads a zero Send as no cw20 payment at all
            "registry::Payment::UseCw20Send",
        ),
    ];
    for (name, contract, msg, empty) in payable {
        let cases: [(&str, Addr, Value, Vec<Coin>, String); 3] = [
            (
                "native coins",
                contract.clone(),
                msg.clone(),
                vec![coin(1_000, DENOM)],
                format!("{name}::Payment::UseCw20Send"),
            ),
            (
                "a foreign cw20",
                foreign.clone(),
                serde_json::to_value(Cw20ExecuteMsg::Send {
                    contract: contract.to_string(),
                    amount: 1_000u128.into(),
                    msg: hook(msg.clone()),
                })
                .expect("json"),
                vec![],
                format!("{name}::Payment::WrongCw20Token"),
            ),
            (
                "an empty Send",
                token.clone(),
                serde_json::to_value(Cw20ExecuteMsg::Send {
                    contract: contract.to_string(),
                    amount: 0u128.into(),
                    msg: hook(msg.clone()),
                })
                .expect("json"),
                vec![],
                empty.to_string(),
            ),
        ];
        for (case, to, body, funds, expected) in cases {
            let before = s.fingerprint();
            let err = s
                .app
                .execute_contract(funder.clone(), to, &body, &funds)
                .expect_err(&format!("{name}: {case} accepted"));
            assert_eq!(error_name(&err), expected, "{name}: {case}: {err:#}");
            assert!(s.fingerprint() == before, "{name}: {case} changed state");
        }
    }
}
