//! Registering workers and reputers, actor indices, unregistering, and the two-step
//! transfer of a registration's ownership.

use cosmwasm_std::Uint128;
use nous_types::topic_registry::{ActorIndexResponse, ExecuteMsg, GlobalParams, QueryMsg, Role};
use topic_registry::state::NEXT_ACTOR_INDEX;
use topic_registry::ContractError;

use crate::suite::*;

fn with_topic() -> Suite {
    let mut suite = SuiteBuilder::default().build();
    let creator = suite.addr("frank");
    suite.create_topic(&creator, topic_params()).unwrap();
    suite
}

fn actor_index(suite: &Suite, topic_id: u64, who: &cosmwasm_std::Addr) -> Option<u32> {
    let r: ActorIndexResponse = suite
        .query(&QueryMsg::ActorIndex {
            topic_id,
            address: who.to_string(),
        })
        .unwrap();
    r.actor_index
}

#[test]
fn register_forwards_the_fee_and_assigns_actor_indices() {
    let mut suite = with_topic();
    let alice = suite.addr("alice");
    let bob = suite.addr("bob");
    let carol = suite.addr("carol");

    let r = suite.register(&alice, 1, Role::Worker, None).unwrap();
    assert_eq!(attr(&r, "action").as_deref(), Some("register"));
    assert_eq!(attr(&r, "topic_id").as_deref(), Some("1"));
    assert_eq!(attr(&r, "role").as_deref(), Some("worker"));
    assert_eq!(attr(&r, "operator").as_deref(), Some(alice.as_str()));
    assert_eq!(attr(&r, "actor_index").as_deref(), Some("0"));
    suite.assert_conservation();
    let last = suite.vault_records().pop().unwrap();
    assert_eq!(last.kind, "fund_topic");
    assert_eq!(last.topic_id, 1);
    assert_eq!(last.amount, Uint128::new(1_000));

    let reg = suite.registration(1, Role::Worker, &alice).unwrap();
    assert_eq!(reg.operator, alice);
    assert_eq!(reg.owner, alice);
    assert_eq!(reg.pending_owner, None);
    assert_eq!(reg.actor_index, 0);
    assert_eq!(reg.registered_at, suite.height());
    assert_eq!(suite.registration(1, Role::Reputer, &alice), None);

    // bob registers with carol as the owner of his rewards.
    suite.register(&bob, 1, Role::Worker, Some(&carol)).unwrap();
    let reg = suite.registration(1, Role::Worker, &bob).unwrap();
    assert_eq!((reg.owner, reg.actor_index), (carol.clone(), 1));
    // alice as reputer keeps her index in the topic.
    suite.register(&alice, 1, Role::Reputer, None).unwrap();
    assert_eq!(
        suite
            .registration(1, Role::Reputer, &alice)
            .unwrap()
            .actor_index,
        0
    );
    suite.assert_conservation();

    assert_err(
        suite.register(&alice, 1, Role::Worker, None),
        ContractError::AlreadyRegistered {
            topic_id: 1,
            role: "worker".into(),
            operator: alice.to_string(),
        },
    );
    assert_err(
        suite.register(&carol, 2, Role::Worker, None),
        ContractError::TopicNotFound { topic_id: 2 },
    );
    assert_err(
        suite.register_paying(&carol, 1, Role::Worker, None, 999),
        ContractError::InsufficientFee {
            expected: Uint128::new(1_000),
            got: Uint128::new(999),
        },
    );
    assert_err(
        suite.register_paying(&carol, 1, Role::Worker, None, 1_001),
        ContractError::ExcessFee {
            expected: Uint128::new(1_000),
            got: Uint128::new(1_001),
        },
    );
    // An owner that is not an address.
    let r = suite.pay(
        &carol,
        1_000,
        &ExecuteMsg::Register {
            topic_id: 1,
            role: Role::Worker,
            owner: Some("Not An Address".into()),
        },
        &nous_types::topic_registry::ReceiveMsg::Register {
            topic_id: 1,
            role: Role::Worker,
            owner: Some("Not An Address".into()),
        },
    );
    let err = r.unwrap_err();
    // ContractError::Std from address validation (multi-test keeps only the message).
    assert!(
        err.chain()
            .any(|e| e.to_string().contains("Error decoding bech32")),
        "{err:?}"
    );
    assert_eq!(suite.registration(1, Role::Worker, &carol), None);
    suite.assert_conservation();

    // Listing by operator, paginated.
    let all = suite.registrations(1, Role::Worker, None, None);
    let mut expected = vec![alice.clone(), bob.clone()];
    expected.sort();
    assert_eq!(
        all.iter().map(|r| r.operator.clone()).collect::<Vec<_>>(),
        expected
    );
    let first = suite.registrations(1, Role::Worker, None, Some(1));
    assert_eq!(first.len(), 1);
    let rest = suite.registrations(1, Role::Worker, Some(&first[0].operator), None);
    assert_eq!(rest.len(), 1);
    assert_ne!(rest[0].operator, first[0].operator);
    assert_eq!(suite.registrations(1, Role::Reputer, None, None).len(), 1);

    // By owner: alice owns her two registrations, carol owns bob's.
    let mine = suite.registrations_by_owner(&alice, None, None);
    assert_eq!(
        mine.iter()
            .map(|r| (r.operator.clone(), r.role))
            .collect::<Vec<_>>(),
        vec![
            (alice.clone(), Role::Reputer),
            (alice.clone(), Role::Worker)
        ]
    );
    let page = suite.registrations_by_owner(&alice, None, Some(1));
    assert_eq!(page.len(), 1);
    let rest = suite.registrations_by_owner(&alice, Some(&page[0]), None);
    assert_eq!(rest, vec![mine[1].clone()]);
    let carols = suite.registrations_by_owner(&carol, None, None);
    assert_eq!(carols.len(), 1);
    assert_eq!(carols[0].operator, bob);
    assert!(suite.registrations_by_owner(&bob, None, None).is_empty());
}

#[test]
fn unregister_by_operator_or_owner_and_keep_the_index() {
    let mut suite = with_topic();
    let alice = suite.addr("alice");
    let bob = suite.addr("bob");
    let carol = suite.addr("carol");
    let dave = suite.addr("dave");
    suite.register(&alice, 1, Role::Worker, None).unwrap();
    suite.register(&bob, 1, Role::Worker, Some(&carol)).unwrap();
    let before = suite.balance(&alice);

    let unregister = |who: &cosmwasm_std::Addr| ExecuteMsg::Unregister {
        topic_id: 1,
        role: Role::Worker,
        operator: who.to_string(),
    };
    assert_err(
        suite.execute(&dave, &unregister(&alice)),
        ContractError::NotOperatorOrOwner {},
    );
    let r = suite.execute(&alice, &unregister(&alice)).unwrap();
    assert_eq!(attr(&r, "action").as_deref(), Some("unregister"));
    assert_eq!(attr(&r, "operator").as_deref(), Some(alice.as_str()));
    assert_eq!(suite.registration(1, Role::Worker, &alice), None);
    // No refund.
    assert_eq!(suite.balance(&alice), before);
    assert_err(
        suite.execute(&alice, &unregister(&alice)),
        ContractError::NotRegistered {
            topic_id: 1,
            role: "worker".into(),
            operator: alice.to_string(),
        },
    );
    // The owner may unregister too.
    suite.execute(&carol, &unregister(&bob)).unwrap();
    assert_eq!(suite.registration(1, Role::Worker, &bob), None);

    // Re-registering keeps the index; a newcomer gets a fresh one.
    suite.register(&alice, 1, Role::Worker, None).unwrap();
    assert_eq!(
        suite
            .registration(1, Role::Worker, &alice)
            .unwrap()
            .actor_index,
        0
    );
    suite.register(&dave, 1, Role::Reputer, None).unwrap();
    assert_eq!(
        suite
            .registration(1, Role::Reputer, &dave)
            .unwrap()
            .actor_index,
        2
    );
    assert_eq!(actor_index(&suite, 1, &bob), Some(1));
    assert_eq!(actor_index(&suite, 1, &carol), None);

    // Indices are per topic.
    let frank = suite.addr("frank");
    suite.create_topic(&frank, topic_params()).unwrap();
    suite.register(&dave, 2, Role::Worker, None).unwrap();
    assert_eq!(
        suite
            .registration(2, Role::Worker, &dave)
            .unwrap()
            .actor_index,
        0
    );
    suite.assert_conservation();
}

#[test]
fn registration_ownership_moves_in_two_steps() {
    let mut suite = with_topic();
    let alice = suite.addr("alice");
    let bob = suite.addr("bob");
    let carol = suite.addr("carol");
    suite.register(&alice, 1, Role::Reputer, None).unwrap();

    let propose = |to: &cosmwasm_std::Addr| ExecuteMsg::ProposeRegistrationOwner {
        topic_id: 1,
        role: Role::Reputer,
        operator: alice.to_string(),
        new_owner: to.to_string(),
    };
    let accept = ExecuteMsg::AcceptRegistrationOwner {
        topic_id: 1,
        role: Role::Reputer,
        operator: alice.to_string(),
    };
    let cancel = ExecuteMsg::CancelRegistrationOwner {
        topic_id: 1,
        role: Role::Reputer,
        operator: alice.to_string(),
    };

    assert_err(
        suite.execute(&bob, &propose(&bob)),
        ContractError::NotRegistrationOwner {},
    );
    assert_err(
        suite.execute(&bob, &accept),
        ContractError::NoPendingOwner {},
    );
    assert_err(
        suite.execute(&alice, &cancel),
        ContractError::NoPendingOwner {},
    );
    assert_err(
        suite.execute(&alice, &propose(&alice)),
        ContractError::NoPendingOwner {},
    );

    let r = suite.execute(&alice, &propose(&bob)).unwrap();
    assert_eq!(
        attr(&r, "action").as_deref(),
        Some("propose_registration_owner")
    );
    assert_eq!(
        suite
            .registration(1, Role::Reputer, &alice)
            .unwrap()
            .pending_owner,
        Some(bob.clone())
    );
    assert_err(
        suite.execute(&carol, &accept),
        ContractError::NotPendingOwner {},
    );
    assert_err(
        suite.execute(&bob, &cancel),
        ContractError::NotRegistrationOwner {},
    );
    // Cancel with the message...
    let r = suite.execute(&alice, &cancel).unwrap();
    assert_eq!(
        attr(&r, "action").as_deref(),
        Some("cancel_registration_owner")
    );
    assert_err(
        suite.execute(&bob, &accept),
        ContractError::NoPendingOwner {},
    );
    // ...or by proposing the current owner.
    suite.execute(&alice, &propose(&bob)).unwrap();
    suite.execute(&alice, &propose(&alice)).unwrap();
    assert_eq!(
        suite
            .registration(1, Role::Reputer, &alice)
            .unwrap()
            .pending_owner,
        None
    );

    // Propose, accept.
    suite.execute(&alice, &propose(&bob)).unwrap();
    let r = suite.execute(&bob, &accept).unwrap();
    assert_eq!(
        attr(&r, "action").as_deref(),
        Some("accept_registration_owner")
    );
    let reg = suite.registration(1, Role::Reputer, &alice).unwrap();
    assert_eq!(
        (reg.owner.clone(), reg.pending_owner.clone()),
        (bob.clone(), None)
    );
    assert_eq!(
        suite.registrations_by_owner(&bob, None, None),
        vec![reg.clone()]
    );
    assert!(suite.registrations_by_owner(&alice, None, None).is_empty());
    assert_eq!(reg.operator, alice);
    // The old owner has no say any more; the new one does.
    assert_err(
        suite.execute(&alice, &propose(&carol)),
        ContractError::NotRegistrationOwner {},
    );
    suite.execute(&bob, &propose(&carol)).unwrap();
    // Messages on a missing registration.
    assert_err(
        suite.execute(
            &bob,
            &ExecuteMsg::AcceptRegistrationOwner {
                topic_id: 1,
                role: Role::Worker,
                operator: alice.to_string(),
            },
        ),
        ContractError::NotRegistered {
            topic_id: 1,
            role: "worker".into(),
            operator: alice.to_string(),
        },
    );
    // The operator can still unregister.
    suite
        .execute(
            &alice,
            &ExecuteMsg::Unregister {
                topic_id: 1,
                role: Role::Reputer,
                operator: alice.to_string(),
            },
        )
        .unwrap();
    assert!(suite.registrations_by_owner(&bob, None, None).is_empty());
    suite.assert_conservation();
}

#[test]
fn a_zero_registration_fee_sends_nothing() {
    let mut params = GlobalParams::defaults(DECIMALS);
    params.registry.registration_fee = Uint128::zero();
    let mut suite = SuiteBuilder::default().params(params).build();
    let frank = suite.addr("frank");
    suite.create_topic(&frank, topic_params()).unwrap();
    let alice = suite.addr("alice");
    let records = suite.vault_records().len();
    let r = suite
        .register_paying(&alice, 1, Role::Worker, None, 0)
        .unwrap();
    assert_eq!(attr(&r, "fee").as_deref(), Some("0"));
    assert_eq!(suite.vault_records().len(), records);
    assert_err(
        suite.register_paying(&alice, 1, Role::Reputer, None, 5),
        ContractError::ExcessFee {
            expected: Uint128::zero(),
            got: Uint128::new(5),
        },
    );
    suite.assert_conservation();
}

#[test]
fn actor_indices_can_run_out_without_panicking() {
    let mut suite = with_topic();
    let alice = suite.addr("alice");
    let bob = suite.addr("bob");
    let registry = suite.registry.clone();
    NEXT_ACTOR_INDEX
        .save(
            &mut *suite.app.contract_storage_mut(&registry),
            1,
            &u32::MAX,
        )
        .unwrap();
    assert_err(
        suite.register(&alice, 1, Role::Worker, None),
        ContractError::ActorIndicesExhausted { topic_id: 1 },
    );
    // Nothing was written, nothing was paid.
    assert_eq!(suite.registration(1, Role::Worker, &alice), None);
    assert_eq!(actor_index(&suite, 1, &alice), None);
    suite.assert_conservation();
    // The last index itself is still handed out when the counter allows it.
    NEXT_ACTOR_INDEX
        .save(
            &mut *suite.app.contract_storage_mut(&registry),
            1,
            &(u32::MAX - 1),
        )
        .unwrap();
    suite.register(&bob, 1, Role::Worker, None).unwrap();
    assert_eq!(actor_index(&suite, 1, &bob), Some(u32::MAX - 1));
}

#[test]
fn a_wired_synthesis_is_told_of_every_registration_change() {
    let mut suite = with_topic();
    let alice = suite.addr("alice");
    let bob = suite.addr("bob");
    let carol = suite.addr("carol");

    // Before wiring, registering tells nobody.
    suite.register(&carol, 1, Role::Worker, None).unwrap();
    assert_eq!(suite.config().synthesis, None);

    // Only the admin wires synthesis, and only once.
    let synthesis = suite.synthesis.to_string();
    assert_err(
        suite.execute(
            &alice,
            &ExecuteMsg::UpdateConfig {
                fee_vault: None,
                synthesis: Some(synthesis.clone()),
            },
        ),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    let r = suite.wire_synthesis().unwrap();
    assert_eq!(attr(&r, "synthesis"), Some(synthesis.clone()));
    assert_eq!(suite.config().synthesis, Some(suite.synthesis.clone()));
    assert_err(
        suite.wire_synthesis(),
        ContractError::SynthesisAlreadySet { synthesis },
    );
    assert!(suite.synthesis_syncs().is_empty());

    // register -> the full registration
    suite.register(&alice, 1, Role::Worker, None).unwrap();
    let registered = suite.registration(1, Role::Worker, &alice).unwrap();
    assert_eq!(
        suite.synthesis_syncs(),
        vec![(1, Role::Worker, alice.to_string(), Some(registered))]
    );

    // a proposal changes nothing synthesis uses; the acceptance sends the new owner
    let operator = alice.to_string();
    suite
        .execute(
            &alice,
            &ExecuteMsg::ProposeRegistrationOwner {
                topic_id: 1,
                role: Role::Worker,
                operator: operator.clone(),
                new_owner: bob.to_string(),
            },
        )
        .unwrap();
    assert_eq!(suite.synthesis_syncs().len(), 1);
    suite
        .execute(
            &bob,
            &ExecuteMsg::AcceptRegistrationOwner {
                topic_id: 1,
                role: Role::Worker,
                operator: operator.clone(),
            },
        )
        .unwrap();
    let syncs = suite.synthesis_syncs();
    assert_eq!(syncs.len(), 2);
    assert_eq!(
        syncs[1].3.as_ref().map(|r| r.owner.clone()),
        Some(bob.clone())
    );

    // unregister -> removed; carol, registered before wiring, is removed all the same
    suite
        .execute(
            &bob,
            &ExecuteMsg::Unregister {
                topic_id: 1,
                role: Role::Worker,
                operator: operator.clone(),
            },
        )
        .unwrap();
    suite
        .execute(
            &carol,
            &ExecuteMsg::Unregister {
                topic_id: 1,
                role: Role::Worker,
                operator: carol.to_string(),
            },
        )
        .unwrap();
    let syncs = suite.synthesis_syncs();
    assert_eq!(syncs.len(), 4);
    assert_eq!(syncs[2], (1, Role::Worker, operator, None));
    assert_eq!(syncs[3], (1, Role::Worker, carol.to_string(), None));
    suite.assert_conservation();
}

/// Finding F4 of issue 10: the operator key alone could move a registration's rewards
/// (unregister, register again naming another owner). After an unregistration the
/// operator stays bound to its former owner until that owner releases it. Checked: with
/// the binding no longer saved by `unregister`, the operator's re-registration under
/// itself succeeds and this test fails there ("expected an error").
#[test]
fn the_operator_cannot_change_the_owner_without_the_owners_consent() {
    use nous_types::topic_registry::FormerOwnerResponse;
    let mut suite = with_topic();
    let op = suite.addr("alice");
    let owner = suite.addr("carol");
    let thief = suite.addr("mallory");
    let heir = suite.addr("dave");
    suite.register(&op, 1, Role::Reputer, Some(&owner)).unwrap();
    let unregister = ExecuteMsg::Unregister {
        topic_id: 1,
        role: Role::Reputer,
        operator: op.to_string(),
    };
    let release = ExecuteMsg::ReleaseRegistrationOwner {
        topic_id: 1,
        role: Role::Reputer,
        operator: op.to_string(),
    };
    let former = |suite: &Suite| -> Option<cosmwasm_std::Addr> {
        let r: FormerOwnerResponse = suite
            .query(&QueryMsg::FormerOwner {
                topic_id: 1,
                role: Role::Reputer,
                operator: op.to_string(),
            })
            .unwrap();
        r.owner
    };

    // The operator unregisters and tries to come back under another owner: refused,
    // whether it names itself or a third party.
    let r = suite.execute(&op, &unregister).unwrap();
    assert_eq!(attr(&r, "owner").as_deref(), Some(owner.as_str()));
    for requested in [&op, &thief] {
        assert_err(
            suite.register(&op, 1, Role::Reputer, Some(requested)),
            ContractError::OwnerConsentRequired {
                topic_id: 1,
                role: "reputer".into(),
                operator: op.to_string(),
                former_owner: owner.to_string(),
                requested: requested.to_string(),
            },
        );
    }
    assert_eq!(former(&suite), Some(owner.clone()));
    // Without an owner it comes back under its former owner; the binding moves back into
    // the registration.
    suite.register(&op, 1, Role::Reputer, None).unwrap();
    assert_eq!(
        suite.registration(1, Role::Reputer, &op).unwrap().owner,
        owner
    );
    assert_eq!(former(&suite), None);

    // Only the former owner may release, and only an unregistered operator.
    assert_err(
        suite.execute(&owner, &release),
        ContractError::NoFormerOwner {
            topic_id: 1,
            role: "reputer".into(),
            operator: op.to_string(),
        },
    );
    suite.execute(&owner, &unregister).unwrap();
    assert_err(
        suite.execute(&op, &release),
        ContractError::NotFormerOwner {
            former_owner: owner.to_string(),
        },
    );
    let r = suite.execute(&owner, &release).unwrap();
    assert_eq!(
        attr(&r, "action").as_deref(),
        Some("release_registration_owner")
    );
    assert_eq!(former(&suite), None);
    // Released: the operator registers under the owner it now works for.
    suite.register(&op, 1, Role::Reputer, Some(&heir)).unwrap();
    assert_eq!(
        suite.registration(1, Role::Reputer, &op).unwrap().owner,
        heir
    );

    // An operator that was its own owner needs nobody's consent.
    let bob = suite.addr("bob");
    suite.register(&bob, 1, Role::Worker, None).unwrap();
    suite
        .execute(
            &bob,
            &ExecuteMsg::Unregister {
                topic_id: 1,
                role: Role::Worker,
                operator: bob.to_string(),
            },
        )
        .unwrap();
    suite.register(&bob, 1, Role::Worker, Some(&heir)).unwrap();
    suite.assert_conservation();
}
