//! Who may send what (issue 10): every role-restricted execute message of every suite
//! contract, sent by each role that must not send it — the admin, the topic creator, the
//! registration's owner and operator, the pending owner, a stranger, a peer contract of the
//! suite — is refused with the one typed error the table names, and the suite's storage
//! and balances are exactly as before; then the role that may send it does, and succeeds.
//!
//! Messages anyone may send (CreateTopic, Register, FundTopic, PayForRead, FundTreasury,
//! SyncTreasury, Delegate, ProcessRemovals, CloseWindows, ActivateTopic, Settle, Claim,
//! RetryParked, UseLatestInference) have no row: their refusals depend on state, not on
//! the sender, and `bad_input_matrix.rs` and the fuzz cover them. Messages whose sender is
//! only identified by its own position (RemoveStake, Undelegate, WithdrawDue, the
//! cancels, ClaimDelegatorRewards) are rows too: a stranger has no position to act on.

use cosmwasm_std::{Addr, Uint128};
use cw_multi_test::Executor;
use nous_tests::{error_name, topic_params, Suite, SuiteBuilder};
use nous_types::fee_vault as vault;
use nous_types::reward_distribution as rewards;
use nous_types::staking;
use nous_types::synthesis;
use nous_types::topic_registry::{self as registry, Role, WhitelistKind};
use serde_json::{json, Value};

/// The senders of the matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Admin,
    Creator,
    Owner,
    Operator,
    PendingOwner,
    Stranger,
    /// A contract of the suite that is not the one allowed (the vault, or synthesis for
    /// messages to the vault).
    Peer,
    /// The contract the message is reserved for (registry, reward-distribution).
    Registry,
    Rewards,
}

const ROLES: [Who; 7] = [
    Who::Admin,
    Who::Creator,
    Who::Owner,
    Who::Operator,
    Who::PendingOwner,
    Who::Stranger,
    Who::Peer,
];

#[derive(Clone, Copy, Debug)]
enum Target {
    Registry,
    Vault,
    Staking,
    Synthesis,
    Rewards,
}

/// The deployed fixture: a topic made by `creator`; `op` registered as a reputer owned by
/// `owner`, with a proposal to move it to `pending`; `op` staked; `owner` delegating to
/// `op` with an undelegation pending; the chain at epoch 1, offset 8.
struct Fx {
    s: Suite,
    topic: u64,
}

const ACCOUNTS: [&str; 6] = ["creator", "op", "owner", "pending", "mallory", "funder"];

fn fixture() -> Fx {
    let mut s = SuiteBuilder::new().with_accounts(&ACCOUNTS).build();
    let topic = s
        .create_topic("creator", topic_params(12, 5, 15))
        .expect("topic");
    let fee = s.params().registry.registration_fee.u128();
    let owner = s.addr("owner").to_string();
    let registry_addr = s.registry.clone();
    s.pay(
        "op",
        registry_addr,
        fee,
        &registry::ExecuteMsg::Register {
            topic_id: topic,
            role: Role::Reputer,
            owner: Some(owner.clone()),
        },
        &registry::ReceiveMsg::Register {
            topic_id: topic,
            role: Role::Reputer,
            owner: Some(owner),
        },
    )
    .expect("op registers owned by owner");
    let min = s.params().staking.required_minimum_stake.u128();
    s.add_stake("op", topic, min).expect("stake");
    s.delegate("owner", topic, "op", 10_000)
        .expect("delegation");
    s.undelegate("owner", topic, "op", 1_000)
        .expect("undelegation");
    let pending = s.addr("pending").to_string();
    let owner_addr = s.addr("owner");
    let op = s.addr("op").to_string();
    s.app
        .execute_contract(
            owner_addr,
            s.registry.clone(),
            &registry::ExecuteMsg::ProposeRegistrationOwner {
                topic_id: topic,
                role: Role::Reputer,
                operator: op,
                new_owner: pending,
            },
            &[],
        )
        .expect("proposal");
    s.fund_topic("funder", topic, 1_000_000).expect("funding");
    // into epoch 1 past its worker window: nonce 0's reputer window is open, no worker
    // window is (the creator may update its topic)
    s.advance_blocks(21);
    Fx { s, topic }
}

impl Fx {
    fn sender(&self, who: Who, target: Target) -> Addr {
        let s = &self.s;
        match who {
            Who::Admin => s.admin.clone(),
            Who::Creator => s.addr("creator"),
            Who::Owner => s.addr("owner"),
            Who::Operator => s.addr("op"),
            Who::PendingOwner => s.addr("pending"),
            Who::Stranger => s.addr("mallory"),
            Who::Peer => match target {
                Target::Vault => s.synthesis.clone(),
                _ => s.vault.clone(),
            },
            Who::Registry => s.registry.clone(),
            Who::Rewards => s.rewards.clone(),
        }
    }

    fn contract(&self, target: Target) -> Addr {
        let s = &self.s;
        match target {
            Target::Registry => s.registry.clone(),
            Target::Vault => s.vault.clone(),
            Target::Staking => s.staking.clone(),
            Target::Synthesis => s.synthesis.clone(),
            Target::Rewards => s.rewards.clone(),
        }
    }
}

/// One row: a message, who may send it, and what everybody else gets.
struct Row {
    name: &'static str,
    target: Target,
    msg: fn(&Fx) -> Value,
    /// May send it (the positive check uses the first).
    may: &'static [Who],
    /// The refusal of every other role; a role absent from `refusals` gets `refused`.
    refused: &'static str,
    refusals: &'static [(Who, &'static str)],
}

fn transfer_ownership(f: &Fx) -> Value {
    json!({"update_ownership": {"transfer_ownership": {
        "new_owner": f.s.addr("pending").to_string(), "expiry": null}}})
}

fn op(f: &Fx) -> String {
    f.s.addr("op").to_string()
}

fn rows() -> Vec<Row> {
    vec![
        // ---- topic-registry
        Row {
            name: "registry UpdateTopic",
            target: Target::Registry,
            msg: |f| json!({"update_topic": {"topic_id": f.topic, "params": topic_params(12, 5, 15)}}),
            may: &[Who::Creator],
            refused: "registry::NotTopicCreator",
            refusals: &[],
        },
        Row {
            name: "registry Unregister",
            target: Target::Registry,
            msg: |f| json!({"unregister": {"topic_id": f.topic, "role": "reputer", "operator": op(f)}}),
            may: &[Who::Operator, Who::Owner],
            refused: "registry::NotOperatorOrOwner",
            refusals: &[],
        },
        Row {
            name: "registry ProposeRegistrationOwner",
            target: Target::Registry,
            msg: |f| {
                json!({"propose_registration_owner": {"topic_id": f.topic, "role": "reputer",
                "operator": op(f), "new_owner": f.s.addr("mallory").to_string()}})
            },
            may: &[Who::Owner],
            refused: "registry::NotRegistrationOwner",
            refusals: &[],
        },
        Row {
            name: "registry AcceptRegistrationOwner",
            target: Target::Registry,
            msg: |f| json!({"accept_registration_owner": {"topic_id": f.topic, "role": "reputer", "operator": op(f)}}),
            may: &[Who::PendingOwner],
            refused: "registry::NotPendingOwner",
            refusals: &[],
        },
        Row {
            name: "registry CancelRegistrationOwner",
            target: Target::Registry,
            msg: |f| json!({"cancel_registration_owner": {"topic_id": f.topic, "role": "reputer", "operator": op(f)}}),
            may: &[Who::Owner],
            refused: "registry::NotRegistrationOwner",
            refusals: &[],
        },
        Row {
            name: "registry UpdateParams",
            target: Target::Registry,
            msg: |f| json!({"update_params": {"params": f.s.params()}}),
            may: &[Who::Admin],
            refused: "registry::Ownership",
            refusals: &[],
        },
        Row {
            name: "registry UpdateConfig",
            target: Target::Registry,
            msg: |f| json!({"update_config": {"fee_vault": f.s.vault.to_string()}}),
            may: &[Who::Admin],
            refused: "registry::Ownership",
            refusals: &[],
        },
        Row {
            name: "registry UpdateWhitelist",
            target: Target::Registry,
            msg: |f| {
                json!({"update_whitelist": {"list": WhitelistKind::Workers,
                "add": [f.s.addr("mallory").to_string()], "remove": []}})
            },
            may: &[Who::Admin],
            refused: "registry::Ownership",
            refusals: &[],
        },
        Row {
            name: "registry SetWhitelistEnabled",
            target: Target::Registry,
            msg: |_| json!({"set_whitelist_enabled": {"list": WhitelistKind::TopicCreators, "enabled": true}}),
            may: &[Who::Admin],
            refused: "registry::Ownership",
            refusals: &[],
        },
        Row {
            name: "registry UpdateOwnership",
            target: Target::Registry,
            msg: transfer_ownership,
            may: &[Who::Admin],
            refused: "registry::Ownership",
            refusals: &[],
        },
        // ---- fee-vault
        Row {
            name: "vault RegisterTopic",
            target: Target::Vault,
            msg: |_| json!({"register_topic": {"topic_id": 99, "epoch_length": 12, "start_height": 20000}}),
            may: &[Who::Registry],
            refused: "vault::NotRegistry",
            refusals: &[],
        },
        Row {
            name: "vault DrawEmission",
            target: Target::Vault,
            msg: |_| json!({"draw_emission": {"amount": Uint128::new(1)}}),
            may: &[Who::Rewards],
            refused: "vault::NotRewardDistributor",
            refusals: &[],
        },
        Row {
            name: "vault UpdateConfig",
            target: Target::Vault,
            msg: |_| json!({"update_config": {"read_fee": "7"}}),
            may: &[Who::Admin],
            refused: "vault::Ownership",
            refusals: &[],
        },
        Row {
            name: "vault UpdateOwnership",
            target: Target::Vault,
            msg: transfer_ownership,
            may: &[Who::Admin],
            refused: "vault::Ownership",
            refusals: &[],
        },
        // ---- staking
        Row {
            name: "staking UpdateConfig",
            target: Target::Staking,
            msg: |_| json!({"update_config": {"unbonding_blocks": 30}}),
            may: &[Who::Admin],
            refused: "staking::Ownership",
            refusals: &[],
        },
        Row {
            name: "staking UpdateOwnership",
            target: Target::Staking,
            msg: transfer_ownership,
            may: &[Who::Admin],
            refused: "staking::Ownership",
            refusals: &[],
        },
        Row {
            name: "staking RemoveStake",
            target: Target::Staking,
            msg: |f| {
                let min = f.s.params().staking.required_minimum_stake;
                json!({"remove_stake": {"topic_id": f.topic, "amount": min}})
            },
            may: &[Who::Operator],
            refused: "staking::InsufficientStake",
            refusals: &[],
        },
        Row {
            name: "staking CancelUndelegate",
            target: Target::Staking,
            msg: |f| json!({"cancel_undelegate": {"topic_id": f.topic, "reputer": op(f)}}),
            may: &[Who::Owner],
            refused: "staking::NoPendingRemoval",
            refusals: &[],
        },
        Row {
            name: "staking Undelegate",
            target: Target::Staking,
            msg: |f| json!({"undelegate": {"topic_id": f.topic, "reputer": op(f), "amount": "9000"}}),
            // the owner's undelegation is pending: it must cancel first
            may: &[],
            refused: "staking::NoDelegation",
            refusals: &[(Who::Owner, "staking::RemovalAlreadyPending")],
        },
        Row {
            name: "staking DepositDelegatorRewards",
            target: Target::Staking,
            msg: |f| json!({"deposit_delegator_rewards": {"topic_id": f.topic, "rewards": []}}),
            may: &[Who::Rewards],
            refused: "staking::NotRewardDistributor",
            refusals: &[],
        },
        Row {
            name: "staking WithdrawDue",
            target: Target::Staking,
            msg: |f| json!({"withdraw_due": {"topic_id": f.topic, "reputer": op(f)}}),
            may: &[Who::Owner],
            refused: "staking::NoPendingRemoval",
            refusals: &[],
        },
        Row {
            name: "staking ClaimDelegatorRewards",
            target: Target::Staking,
            msg: |f| json!({"claim_delegator_rewards": {"topic_id": f.topic, "reputer": op(f)}}),
            // the owner delegates but has earned nothing yet
            may: &[],
            refused: "staking::NoDelegation",
            refusals: &[(Who::Owner, "staking::NothingToClaim")],
        },
        Row {
            name: "staking CancelRemoveStake",
            target: Target::Staking,
            msg: |f| json!({"cancel_remove_stake": {"topic_id": f.topic}}),
            may: &[],
            refused: "staking::NoPendingRemoval",
            refusals: &[],
        },
        Row {
            name: "staking Receive (cw20 hook on a native deployment)",
            target: Target::Staking,
            msg: |f| {
                json!({"receive": {"sender": op(f), "amount": "1000",
                "msg": cosmwasm_std::to_json_binary(&json!({"add_stake": {"topic_id": f.topic}})).unwrap_or_default()}})
            },
            may: &[],
            refused: "staking::Payment::UseNativeFunds",
            refusals: &[],
        },
        Row {
            name: "registry Receive (cw20 hook on a native deployment)",
            target: Target::Registry,
            msg: |f| {
                json!({"receive": {"sender": op(f), "amount": "1000",
                "msg": cosmwasm_std::to_json_binary(&json!({"create_topic": {"params": topic_params(12, 5, 15)}})).unwrap_or_default()}})
            },
            may: &[],
            refused: "registry::Payment::UseNativeFunds",
            refusals: &[],
        },
        Row {
            name: "vault Receive (cw20 hook on a native deployment)",
            target: Target::Vault,
            msg: |_| {
                json!({"receive": {"sender": "x", "amount": "1000",
                "msg": cosmwasm_std::to_json_binary(&json!({"fund_treasury": {}})).unwrap_or_default()}})
            },
            may: &[],
            refused: "vault::Payment::UseNativeFunds",
            refusals: &[],
        },
        // ---- synthesis
        Row {
            name: "synthesis UpdateConfig",
            target: Target::Synthesis,
            msg: |f| json!({"update_config": {"reward_distribution": f.s.rewards.to_string()}}),
            may: &[Who::Admin],
            refused: "synthesis::Ownership",
            refusals: &[],
        },
        Row {
            name: "synthesis UpdateOwnership",
            target: Target::Synthesis,
            msg: transfer_ownership,
            may: &[Who::Admin],
            refused: "synthesis::Ownership",
            refusals: &[],
        },
        Row {
            name: "synthesis SyncRegistration",
            target: Target::Synthesis,
            msg: |f| {
                json!({"sync_registration": {"topic_id": f.topic, "role": "worker",
                "operator": f.s.addr("mallory").to_string(), "registration": null}})
            },
            may: &[Who::Registry],
            refused: "synthesis::NotTopicRegistry",
            refusals: &[],
        },
        Row {
            name: "synthesis SubmitLossBundle",
            target: Target::Synthesis,
            msg: |f| {
                json!({"submit_loss_bundle": {"topic_id": f.topic, "nonce": 0, "bundle": {
                "combined": "1", "naive": "1", "inferers": [], "forecasters": [],
                "one_out_inferers": [], "one_out_forecasters": [], "one_in_forecasters": [],
                "one_out_implied": []}}})
            },
            // the operator is registered: it gets past the sender check to the missing inference
            may: &[],
            refused: "synthesis::NotRegistered",
            refusals: &[(Who::Operator, "synthesis::NoNetworkInference")],
        },
        // ---- reward-distribution
        Row {
            name: "rewards UpdateConfig",
            target: Target::Rewards,
            msg: |_| json!({"update_config": {"max_epochs_per_call": 3}}),
            may: &[Who::Admin],
            refused: "rewards::Ownership",
            refusals: &[],
        },
        Row {
            name: "rewards RedirectParked",
            target: Target::Rewards,
            msg: |f| json!({"redirect_parked": {"id": 0, "recipient": f.s.addr("mallory").to_string()}}),
            // the owner passes the sender check and meets the missing payout
            may: &[],
            refused: "rewards::Ownership",
            refusals: &[(Who::Admin, "rewards::ParkedNotFound")],
        },
        Row {
            name: "rewards UpdateOwnership",
            target: Target::Rewards,
            msg: transfer_ownership,
            may: &[Who::Admin],
            refused: "rewards::Ownership",
            refusals: &[],
        },
    ]
}

#[test]
fn every_restricted_message_refuses_every_other_role_and_changes_nothing() {
    let mut checked = 0;
    for row in rows() {
        let mut f = fixture();
        let contract = f.contract(row.target);
        let msg = (row.msg)(&f);
        for who in ROLES {
            if row.may.contains(&who) {
                continue;
            }
            let expected = row
                .refusals
                .iter()
                .find(|(w, _)| *w == who)
                .map_or(row.refused, |(_, e)| e);
            let sender = f.sender(who, row.target);
            let before = f.s.fingerprint();
            let err =
                f.s.app
                    .execute_contract(sender, contract.clone(), &msg, &[])
                    .expect_err(&format!("{}: {who:?} must be refused", row.name));
            assert_eq!(
                error_name(&err),
                expected,
                "{}: {who:?} got {err:#}",
                row.name
            );
            assert!(
                f.s.fingerprint() == before,
                "{}: the refusal of {who:?} changed state",
                row.name
            );
            checked += 1;
        }
        // and the role that may send it does
        if let Some(who) = row.may.first() {
            let sender = f.sender(*who, row.target);
            f.s.app
                .execute_contract(sender, contract, &msg, &[])
                .unwrap_or_else(|e| panic!("{}: {who:?} may send it: {e:#}", row.name));
        }
    }
    // 27 rows, most refusing all seven roles
    assert!(checked >= 150, "only {checked} refusals checked");
}

/// The typed messages still serialise to what the table sends (a renamed field would make
/// a row test a parse error instead of a permission).
#[test]
fn the_table_speaks_the_messages_wire_format() {
    let f = fixture();
    for row in rows() {
        let msg = (row.msg)(&f);
        let parsed = match row.target {
            Target::Registry => serde_json::from_value::<registry::ExecuteMsg>(msg).is_ok(),
            Target::Vault => serde_json::from_value::<vault::ExecuteMsg>(msg).is_ok(),
            Target::Staking => serde_json::from_value::<staking::ExecuteMsg>(msg).is_ok(),
            Target::Synthesis => serde_json::from_value::<synthesis::ExecuteMsg>(msg).is_ok(),
            Target::Rewards => serde_json::from_value::<rewards::ExecuteMsg>(msg).is_ok(),
        };
        assert!(parsed, "{}: not a valid message", row.name);
    }
}
