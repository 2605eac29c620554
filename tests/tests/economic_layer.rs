//! Stories across the three economic contracts (topic-registry, fee-vault, staking)
//! deployed together, with the suite's conservation invariants checked after every step.

use nous_tests::{topic_params, Suite, SuiteBuilder};
use nous_types::topic_registry::Role;

const ACTORS: &[&str] = &[
    "creator",
    "worker1",
    "worker2",
    "reputer1",
    "reputer2",
    "delegator1",
    "delegator2",
    "consumer",
    "dapp",
    "keeper",
    "sponsor",
];

fn suite(cw20: bool) -> Suite {
    let b = SuiteBuilder::new()
        .with_accounts(ACTORS)
        .with_removals(20, 3);
    if cw20 { b.with_cw20() } else { b }.build()
}

/// The whole economic life of two topics, for either kind of token.
fn economic_story(cw20: bool) {
    let mut s = suite(cw20);
    let params = s.params();
    let create_fee = params.registry.create_topic_fee.u128();
    let reg_fee = params.registry.registration_fee.u128();
    let min_stake = params.staking.required_minimum_stake.u128();
    s.assert_conservation();

    // Two topics; the creation fee reaches the vault as the topic's revenue.
    let t1 = s.create_topic("creator", topic_params(12, 4, 24)).unwrap();
    let t2 = s.create_topic("creator", topic_params(20, 20, 40)).unwrap();
    assert_eq!((t1, t2), (1, 2));
    s.assert_conservation();
    assert_eq!(s.treasury(), 2 * create_fee);
    assert_eq!(s.topic_revenue(t1, None), create_fee);

    // Registrations pay their fee into the topic.
    for w in ["worker1", "worker2"] {
        s.register(w, t1, Role::Worker).unwrap();
        s.assert_conservation();
    }
    for r in ["reputer1", "reputer2"] {
        s.register(r, t1, Role::Reputer).unwrap();
        s.assert_conservation();
    }
    assert_eq!(s.topic_revenue(t1, None), create_fee + 4 * reg_fee);
    assert_eq!(s.balance(&s.registry), 0);

    // Demand: funding, a dApp paying per read, a sponsor funding the treasury.
    s.fund_topic("consumer", t1, 50_000).unwrap();
    s.assert_conservation();
    s.pay_for_read("dapp", t1).unwrap();
    s.pay_for_read("dapp", t2).unwrap();
    s.assert_conservation();
    s.fund_treasury("sponsor", 1_000_000).unwrap();
    s.assert_conservation();
    let revenue_now = s.topic_revenue(t1, None);
    assert_eq!(revenue_now, create_fee + 4 * reg_fee + 50_000 + 500);
    // Treasury revenue from the sponsor is not topic revenue.
    assert_eq!(
        s.treasury(),
        2 * create_fee + 4 * reg_fee + 50_000 + 2 * 500 + 1_000_000
    );

    // Stake: a registered reputer can stake exactly the minimum; an unregistered one cannot.
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
    let staked_height = s.height();
    s.advance_blocks(1);
    assert_eq!(s.topic_stake(t1, None), 4 * min_stake + 16_000);
    // Snapshots answer as of the start of a block: stake added in block h counts from h + 1.
    assert_eq!(s.topic_stake(t1, Some(staked_height)), 0);
    assert_eq!(
        s.topic_stake(t1, Some(staked_height + 1)),
        4 * min_stake + 16_000
    );

    // A late epoch's revenue is frozen once the epoch is over.
    let epoch_before = s.current_epoch(t1);
    let frozen = s.topic_revenue(t1, Some(epoch_before));
    s.advance_blocks(12);
    s.fund_topic("consumer", t1, 10_000).unwrap();
    assert_eq!(s.topic_revenue(t1, Some(epoch_before)), frozen);
    s.assert_conservation();

    // The reputer leaves the registry; its delegator can still exit and be paid.
    s.unregister("reputer1", t1, Role::Reputer).unwrap();
    s.undelegate("delegator1", t1, "reputer1", 7_000).unwrap();
    s.remove_stake("reputer2", t1, 3 * min_stake).unwrap();
    s.undelegate("delegator2", t1, "reputer2", 4_000).unwrap();
    s.remove_stake("reputer1", t1, min_stake).unwrap();
    s.assert_conservation();
    let before = s.balance(&s.addr("delegator1"));

    // Four removals fall due together: the crank pays at most 3 per call and resumes.
    s.advance_blocks(19);
    s.process_removals("keeper", None).unwrap();
    assert_eq!(
        s.balance(&s.addr("delegator1")),
        before,
        "one block early: nothing paid"
    );
    s.advance_blocks(1);
    s.process_removals("keeper", None).unwrap();
    s.assert_conservation();
    assert_eq!(
        s.staking_totals().total_staked.u128(),
        min_stake + 5_000,
        "three of four paid"
    );
    s.process_removals("keeper", None).unwrap();
    s.assert_conservation();
    assert_eq!(
        s.staking_totals().total_staked.u128(),
        5_000,
        "delegator2 keeps 5,000"
    );
    assert_eq!(s.balance(&s.addr("delegator1")), before + 7_000);
    assert_eq!(s.topic_stake(t1, None), 5_000);
}

#[test]
fn economic_story_with_native_token() {
    economic_story(false);
}

#[test]
fn economic_story_with_cw20_token() {
    economic_story(true);
}
