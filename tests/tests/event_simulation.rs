//! A property-based "event simulation" over the deployed economic layer: random sequences
//! of user actions (some of them invalid) must never create or lose a token, and every
//! contract's balance must equal what it owes after every event.

use nous_tests::{topic_params, SuiteBuilder};
use nous_types::topic_registry::Role;
use proptest::prelude::*;

const ACTORS: &[&str] = &["alice", "bob", "carol", "dave", "keeper"];

#[derive(Debug, Clone)]
enum Event {
    Register {
        who: usize,
        reputer: bool,
    },
    Unregister {
        who: usize,
    },
    Fund {
        who: usize,
        amount: u128,
    },
    Read {
        who: usize,
    },
    Treasury {
        who: usize,
        amount: u128,
    },
    Stake {
        who: usize,
        amount: u128,
    },
    Delegate {
        who: usize,
        to: usize,
        amount: u128,
    },
    RemoveStake {
        who: usize,
        amount: u128,
    },
    Undelegate {
        who: usize,
        from: usize,
        amount: u128,
    },
    Crank {
        limit: u32,
    },
    Advance {
        blocks: u64,
    },
}

fn event() -> impl Strategy<Value = Event> {
    let who = 0..4usize;
    prop_oneof![
        (who.clone(), any::<bool>()).prop_map(|(who, reputer)| Event::Register { who, reputer }),
        who.clone().prop_map(|who| Event::Unregister { who }),
        (who.clone(), 0..100_000u128).prop_map(|(who, amount)| Event::Fund { who, amount }),
        who.clone().prop_map(|who| Event::Read { who }),
        (who.clone(), 0..100_000u128).prop_map(|(who, amount)| Event::Treasury { who, amount }),
        (who.clone(), 0..60_000u128).prop_map(|(who, amount)| Event::Stake { who, amount }),
        (who.clone(), who.clone(), 0..60_000u128).prop_map(|(who, to, amount)| Event::Delegate {
            who,
            to,
            amount
        }),
        (who.clone(), 0..60_000u128).prop_map(|(who, amount)| Event::RemoveStake { who, amount }),
        (who.clone(), who, 0..60_000u128).prop_map(|(who, from, amount)| Event::Undelegate {
            who,
            from,
            amount
        }),
        (0..5u32).prop_map(|limit| Event::Crank { limit }),
        (1..30u64).prop_map(|blocks| Event::Advance { blocks }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn no_event_sequence_breaks_conservation(events in prop::collection::vec(event(), 1..60)) {
        let mut s = SuiteBuilder::new().with_accounts(ACTORS).with_removals(10, 2).build();
        let topic = s.create_topic("keeper", topic_params(12, 6, 24)).unwrap();
        for e in events {
            // Invalid events are refused by the contracts; either way the books must balance.
            let _ = match e {
                Event::Register { who, reputer } => {
                    let role = if reputer { Role::Reputer } else { Role::Worker };
                    s.register(ACTORS[who], topic, role).map(|_| ())
                }
                Event::Unregister { who } => s.unregister(ACTORS[who], topic, Role::Reputer).map(|_| ()),
                Event::Fund { who, amount } => s.fund_topic(ACTORS[who], topic, amount).map(|_| ()),
                Event::Read { who } => s.pay_for_read(ACTORS[who], topic).map(|_| ()),
                Event::Treasury { who, amount } => s.fund_treasury(ACTORS[who], amount).map(|_| ()),
                Event::Stake { who, amount } => s.add_stake(ACTORS[who], topic, amount).map(|_| ()),
                Event::Delegate { who, to, amount } => {
                    s.delegate(ACTORS[who], topic, ACTORS[to], amount).map(|_| ())
                }
                Event::RemoveStake { who, amount } => s.remove_stake(ACTORS[who], topic, amount).map(|_| ()),
                Event::Undelegate { who, from, amount } => {
                    s.undelegate(ACTORS[who], topic, ACTORS[from], amount).map(|_| ())
                }
                Event::Crank { limit } => s.process_removals("keeper", Some(limit)).map(|_| ()),
                Event::Advance { blocks } => {
                    s.advance_blocks(blocks);
                    Ok(())
                }
            };
            s.assert_conservation();
        }
        // Everything still pending can be paid out eventually.
        s.advance_blocks(11);
        while s.process_removals("keeper", None).is_ok() {
            let due: nous_types::staking::DueRemovalsResponse = s.app.wrap().query_wasm_smart(
                &s.staking,
                &nous_types::staking::QueryMsg::DueRemovals { height: None, limit: Some(1) },
            ).unwrap();
            if due.removals.is_empty() { break; }
        }
        s.assert_conservation();
    }
}
