//! topic-registry, fee-vault and staking as optimised artifacts in cosmwasm-vm: the
//! economic story of the multi-test suite (tests/tests/economic_layer.rs), step by step,
//! with the conservation invariants after each step; refusals, rollback and migration.
#![cfg(feature = "vm")]

use cosmwasm_std::Uint128;
use nous_types::topic_registry::{self as registry_msg, Role};
use nous_types::{fee_vault as vault_msg, staking as staking_msg};
use nous_vm_tests::chain::funds;
use nous_vm_tests::suite::{topic_params, Deploy, VmSuite, DENOM};

fn suite() -> VmSuite {
    VmSuite::new(Deploy::default()).expect("the suite deploys from artifacts/")
}

#[test]
fn economic_story_in_the_vm() {
    let mut s = suite();
    let params = s.params().unwrap();
    let create_fee = params.registry.create_topic_fee.u128();
    let reg_fee = params.registry.registration_fee.u128();
    let min_stake = params.staking.required_minimum_stake.u128();
    s.assert_conservation();

    // Topics: the creation fee is forwarded by the registry to the vault (a sub-message
    // executed in the vault's own instance) and becomes the topic's revenue.
    let t1 = s.create_topic("creator", topic_params(12, 4, 24)).unwrap();
    let t2 = s.create_topic("creator", topic_params(20, 20, 40)).unwrap();
    assert_eq!((t1, t2), (1, 2));
    s.assert_conservation();
    assert_eq!(s.treasury().unwrap(), 2 * create_fee);
    assert_eq!(s.topic_revenue(t1, None).unwrap(), create_fee);
    assert_eq!(s.topic(t1).unwrap().params.epoch_length, 12);

    for w in ["worker1", "worker2"] {
        s.register(w, t1, Role::Worker).unwrap();
        s.assert_conservation();
    }
    for r in ["reputer1", "reputer2"] {
        s.register(r, t1, Role::Reputer).unwrap();
        s.assert_conservation();
    }
    assert_eq!(s.topic_revenue(t1, None).unwrap(), create_fee + 4 * reg_fee);
    let reg: registry_msg::RegistrationResponse = s
        .chain
        .query(
            &s.registry,
            &registry_msg::QueryMsg::Registration {
                topic_id: t1,
                role: Role::Reputer,
                operator: s.chain.addr("reputer2").to_string(),
            },
        )
        .unwrap();
    assert!(reg.registration.is_some());

    // Demand.
    s.fund_topic("consumer", t1, 50_000).unwrap();
    s.assert_conservation();
    let fee = s.read_fee(t1).unwrap();
    assert_eq!(fee, 500);
    s.pay_for_read("dapp", t1, fee).unwrap();
    s.pay_for_read("dapp", t2, fee).unwrap();
    assert!(
        s.pay_for_read("dapp", t2, fee - 1).is_err(),
        "short read fee refused"
    );
    s.assert_conservation();
    s.fund_treasury("sponsor", 1_000_000).unwrap();
    s.assert_conservation();
    assert_eq!(
        s.topic_revenue(t1, None).unwrap(),
        create_fee + 4 * reg_fee + 50_000 + 500
    );
    assert_eq!(
        s.treasury().unwrap(),
        2 * create_fee + 4 * reg_fee + 50_000 + 2 * 500 + 1_000_000
    );

    // Stake, with staking querying the registry's instance for each registration.
    s.add_stake("reputer1", t1, min_stake).unwrap();
    s.add_stake("reputer2", t1, 3 * min_stake).unwrap();
    assert!(
        s.add_stake("worker1", t1, min_stake).is_err(),
        "workers are not reputers"
    );
    assert!(
        s.add_stake("reputer1", t2, min_stake).is_err(),
        "not registered in topic 2"
    );
    s.assert_conservation();
    s.delegate("delegator1", t1, "reputer1", 7_000).unwrap();
    s.delegate("delegator2", t1, "reputer2", 9_000).unwrap();
    assert!(
        s.delegate("reputer1", t1, "reputer1", 1_000).is_err(),
        "no self-delegation"
    );
    s.assert_conservation();
    let staked_height = s.chain.height();
    s.chain.advance_blocks(1);
    assert_eq!(s.topic_stake(t1, None).unwrap(), 4 * min_stake + 16_000);
    assert_eq!(s.topic_stake(t1, Some(staked_height)).unwrap(), 0);
    assert_eq!(
        s.topic_stake(t1, Some(staked_height + 1)).unwrap(),
        4 * min_stake + 16_000
    );

    // A late epoch's revenue is frozen once the epoch is over.
    let epoch_before = s.current_epoch(t1).unwrap();
    let frozen = s.topic_revenue(t1, Some(epoch_before)).unwrap();
    s.chain.advance_blocks(12);
    s.fund_topic("consumer", t1, 10_000).unwrap();
    assert_eq!(s.topic_revenue(t1, Some(epoch_before)).unwrap(), frozen);
    s.assert_conservation();

    // Exits and the resumable removal crank (at most 3 per call).
    s.unregister("reputer1", t1, Role::Reputer).unwrap();
    s.undelegate("delegator1", t1, "reputer1", 7_000).unwrap();
    s.remove_stake("reputer2", t1, 3 * min_stake).unwrap();
    s.undelegate("delegator2", t1, "reputer2", 4_000).unwrap();
    s.remove_stake("reputer1", t1, min_stake).unwrap();
    s.assert_conservation();
    let d1 = s.chain.addr("delegator1");
    let before = s.balance(&d1);
    s.chain.advance_blocks(19);
    s.process_removals("keeper", None).unwrap();
    assert_eq!(s.balance(&d1), before, "one block early: nothing paid");
    s.chain.advance_blocks(1);
    s.process_removals("keeper", None).unwrap();
    s.assert_conservation();
    assert_eq!(
        s.staking_totals().unwrap().total_staked.u128(),
        min_stake + 5_000,
        "three of four paid"
    );
    s.process_removals("keeper", None).unwrap();
    s.assert_conservation();
    assert_eq!(s.staking_totals().unwrap().total_staked.u128(), 5_000);
    assert_eq!(s.balance(&d1), before + 7_000);
    assert_eq!(s.topic_stake(t1, None).unwrap(), 5_000);
}

#[test]
fn a_refused_message_changes_nothing() {
    let mut s = suite();
    let t = s.create_topic("creator", topic_params(12, 4, 24)).unwrap();
    let dump = |s: &VmSuite| {
        (
            s.chain.dump(&s.registry),
            s.chain.dump(&s.vault),
            s.chain.dump(&s.staking),
        )
    };
    let before = dump(&s);
    let creator = s.account("creator");
    let balance = s.balance(&creator);
    // Wrong registration fee: the registry refuses, the coins return to the sender.
    let err = s
        .chain
        .execute(
            &creator,
            &s.registry,
            &registry_msg::ExecuteMsg::Register {
                topic_id: t,
                role: Role::Worker,
                owner: None,
            },
            &funds(1, DENOM),
        )
        .unwrap_err();
    assert!(!err.to_string().is_empty());
    // Unknown topic.
    assert!(s.fund_topic("creator", 99, 1_000).is_err());
    // Not the owner.
    assert!(s
        .chain
        .execute(
            &creator,
            &s.vault,
            &vault_msg::ExecuteMsg::DrawEmission {
                amount: Uint128::new(1),
            },
            &[],
        )
        .is_err());
    assert_eq!(dump(&s), before);
    assert_eq!(s.balance(&creator), balance);
    s.assert_conservation();
}

#[test]
fn every_economic_contract_migrates_to_its_own_artifact() {
    let s = suite();
    for (addr, code) in [
        (&s.registry, "topic-registry"),
        (&s.vault, "fee-vault"),
        (&s.staking, "staking"),
    ] {
        s.chain
            .migrate(addr, code, &registry_msg::MigrateMsg {})
            .unwrap_or_else(|e| panic!("{code} migrates: {e}"));
    }
    let cfg: staking_msg::Config = s
        .chain
        .query(&s.staking, &staking_msg::QueryMsg::Config {})
        .unwrap();
    assert_eq!(cfg.unbonding_blocks, 20);
}

#[test]
fn the_meter_sees_every_contract_a_payment_touches() {
    let mut s = suite();
    let t = s.create_topic("creator", topic_params(12, 4, 24)).unwrap();
    s.chain.reset_meter();
    s.register("worker1", t, Role::Worker).unwrap();
    let m = s.chain.meter();
    // The params query (client side) + register in the registry + the fee forwarded to
    // the vault, whose own checks may query the registry again.
    assert!(m.instance_loads >= 3, "{m:?}");
    assert!(m.loaded.contains(&s.vault.to_string()));
    assert!(m.store.writes >= 2, "{m:?}");
    assert!(m.vm_gas > 0);
    assert!(m.sdk_gas() > m.instance_sdk_gas());
}
