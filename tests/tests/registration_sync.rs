//! The registry keeps synthesis's copy of every registration current (register, owner
//! transfer, unregister), so payloads check their sender without a registry query; a
//! deployment whose registry was never told of synthesis gives the same answers.

use cosmwasm_std::SignedDecimal;
use nous_tests::{topic_params, Suite, SuiteBuilder};
use nous_types::synthesis::{OpenWindowsResponse, QueryMsg, WorkerPayloadResponse};
use nous_types::topic_registry::{ExecuteMsg, Role};

const ACTORS: &[&str] = &["creator", "alice", "bob", "carol"];

/// The nonce whose worker window is open now, advancing to the next one if none is.
fn open_nonce(s: &mut Suite, topic_id: u64) -> u64 {
    for _ in 0..64 {
        let w: OpenWindowsResponse = s
            .query_synthesis(&QueryMsg::OpenWindows { topic_id })
            .unwrap();
        if let Some(open) = w.worker {
            return open.nonce;
        }
        s.advance_blocks(1);
    }
    panic!("no worker window opened within 64 blocks");
}

fn payload_owner(s: &Suite, topic_id: u64, nonce: u64, worker: u32) -> Option<String> {
    let r: WorkerPayloadResponse = s
        .query_synthesis(&QueryMsg::WorkerPayload {
            topic_id,
            nonce,
            worker,
        })
        .unwrap();
    r.payload.map(|p| p.owner.to_string())
}

fn story(pushed: bool) {
    let b = SuiteBuilder::new()
        .with_accounts(ACTORS)
        .without_activity_gate();
    let mut s = if pushed {
        b
    } else {
        b.without_registration_push()
    }
    .build();
    let t = s.create_topic("creator", topic_params(12, 6, 24)).unwrap();
    let res = s.register("alice", t, Role::Worker).unwrap();
    // the registry's notice reaches synthesis only when it is wired to it
    let synced = res.events.iter().any(|e| {
        e.attributes
            .iter()
            .any(|a| a.key == "action" && a.value == "sync_registration")
    });
    assert_eq!(synced, pushed);
    let alice = s.actor_index(t, "alice");
    let one = Some(SignedDecimal::one());

    // registered: accepted, filed under the operator as owner
    let n0 = open_nonce(&mut s, t);
    s.submit_payload("alice", t, n0, one, None).unwrap();
    assert_eq!(
        payload_owner(&s, t, n0, alice),
        Some(s.addr("alice").to_string())
    );

    // ownership moves to bob in two steps: the next payload is filed under bob
    let operator = s.addr("alice").to_string();
    let (alice_addr, bob_addr, registry) = (s.addr("alice"), s.addr("bob"), s.registry.clone());
    use cw_multi_test::Executor;
    s.app
        .execute_contract(
            alice_addr,
            registry.clone(),
            &ExecuteMsg::ProposeRegistrationOwner {
                topic_id: t,
                role: Role::Worker,
                operator: operator.clone(),
                new_owner: bob_addr.to_string(),
            },
            &[],
        )
        .unwrap();
    s.app
        .execute_contract(
            bob_addr.clone(),
            registry,
            &ExecuteMsg::AcceptRegistrationOwner {
                topic_id: t,
                role: Role::Worker,
                operator,
            },
            &[],
        )
        .unwrap();
    s.advance_blocks(12);
    let n1 = open_nonce(&mut s, t);
    assert!(n1 > n0);
    s.submit_payload("alice", t, n1, one, None).unwrap();
    assert_eq!(payload_owner(&s, t, n1, alice), Some(bob_addr.to_string()));

    // unregistered: refused from the next nonce on
    s.unregister("alice", t, Role::Worker).unwrap();
    s.advance_blocks(12);
    let n2 = open_nonce(&mut s, t);
    let err = s.submit_payload("alice", t, n2, one, None).unwrap_err();
    assert!(
        matches!(
            err.downcast_ref(),
            Some(synthesis::ContractError::NotRegistered { .. })
        ),
        "{err:#}"
    );
    s.assert_conservation();
}

#[test]
fn registration_changes_reach_synthesis_when_the_registry_pushes_them() {
    story(true);
}

#[test]
fn synthesis_reads_the_registry_when_nothing_was_pushed() {
    story(false);
}
