//! Event simulation: random sequences of crank calls, claims, stake and revenue changes,
//! activations, treasury drains and time jumps; after every event the contract's balance
//! equals what it owes plus carried dust, the weight sum matches the active topics, and no
//! token is created (the suite's total supply is constant).

mod common;

use common::*;
use cosmwasm_std::coins;
use cw_multi_test::Executor;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Event {
    Advance(u64),
    Crank(Option<u32>),
    SettleTopic(u64),
    Claim(usize),
    SetStake(u64, u128),
    SetRevenue(u64, u128),
    Activate(u64),
    Drain(u8),
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        (1u64..80).prop_map(Event::Advance),
        prop::option::of(1u32..10).prop_map(Event::Crank),
        (1u64..4).prop_map(Event::SettleTopic),
        (0usize..8).prop_map(Event::Claim),
        (1u64..4, 0u128..3_000_000).prop_map(|(t, s)| Event::SetStake(t, s * TOKEN)),
        (1u64..4, 0u128..300).prop_map(|(t, r)| Event::SetRevenue(t, r * TOKEN)),
        (1u64..4).prop_map(Event::Activate),
        (0u8..100).prop_map(Event::Drain),
    ]
}

const TREASURY: u128 = 10_000_000 * TOKEN;

fn claimers(s: &Suite) -> Vec<cosmwasm_std::Addr> {
    [
        "inferer0",
        "inferer1",
        "forecaster100",
        "rep-a-owner",
        "rep-b-owner",
        "inferer2",
        "nobody",
        "rep-c-owner",
    ]
    .iter()
    .map(|n| s.addr(n))
    .collect()
}

fn supply(s: &Suite) -> u128 {
    let mut total = s.balance(&s.vault)
        + s.balance(&s.contract)
        + s.balance(&s.security)
        + s.balance(&s.staking);
    total += s.balance(&s.addr("sink"));
    for c in claimers(s) {
        total += s.balance(&c);
    }
    total
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn conservation_holds_after_every_event(events in prop::collection::vec(event(), 1..40)) {
        let mut s = Suite::new(TREASURY);
        for id in 1..4u64 {
            s.add_topic(id, EPOCH * id, 1_000_000 * TOKEN * id as u128, 100 * TOKEN);
            let reps: &[&str] = if id == 2 { &["rep-a", "rep-b", "rep-c"] } else { &["rep-a", "rep-b"] };
            let scores = scored(&s, id, 3, (id - 1) as u32, reps);
            s.set_scores(id, None, scores);
            for (i, r) in ["rep-a", "rep-b", "rep-c"].iter().enumerate() {
                let a = s.addr(r);
                s.set_reputer_stake(id, &a, 1_000 * TOKEN, 300 * TOKEN * i as u128);
            }
        }
        s.activate(1).unwrap();
        let start = supply(&s);
        for e in events {
            match e {
                Event::Advance(n) => { let h = s.height() + n; s.set_height(h); }
                Event::Crank(limit) => { let _ = s.settle(None, limit); }
                Event::SettleTopic(t) => { let _ = s.settle(Some(t), None); }
                Event::Claim(i) => { let who = claimers(&s)[i].clone(); let _ = s.claim(&who); }
                Event::SetStake(t, v) => s.set_stake(t, v),
                Event::SetRevenue(t, v) => s.set_revenue(t, v),
                Event::Activate(t) => { let _ = s.activate(t); }
                Event::Drain(pct) => {
                    let vault = s.vault.clone();
                    let amount = s.balance(&vault) * pct as u128 / 100;
                    if amount > 0 {
                        let sink = s.addr("sink");
                        s.app.send_tokens(vault, sink, &coins(amount, DENOM)).unwrap();
                    }
                }
            }
            s.assert_invariants();
            prop_assert_eq!(supply(&s), start, "no token created or lost");
        }
    }
}
