//! Finding F2 of issue 10: the chain-security transfer and the delegators' deposits left
//! as plain messages of `Settle`, so one refusal — a module account as recipient (chains
//! refuse bank sends to them), a staking contract that no longer takes the deposit —
//! reverted the settlement of every topic. Now each leaves isolated and a refused one is
//! parked: the settlement goes on, nothing is created or lost (`balance == claimable +
//! dust + parked` after every step), and a retry once the fault is fixed pays it.
//!
//! Checked: with the payouts sent as plain messages again, both failure tests fail at
//! their first `Settle` (the whole call is refused).

mod common;

use common::*;
use cosmwasm_std::Uint128;
use nous_types::reward_distribution::{ExecuteMsg, ParkedKind};
use reward_distribution::ContractError;

const STAKE: u128 = 1_000_000 * TOKEN;
const REVENUE: u128 = 100 * TOKEN;

/// Two topics whose reputer `rep-a` has half of its stake delegated.
fn two_topics() -> Suite {
    let mut s = Suite::new(1_000_000 * TOKEN);
    for id in [1, 2] {
        s.add_topic(id, EPOCH, STAKE, REVENUE);
        let scores = scored(&s, id, 2, 1, &["rep-a"]);
        s.set_scores(id, None, scores);
        let a = s.addr("rep-a");
        s.set_reputer_stake(id, &a, 1_000 * TOKEN, 1_000 * TOKEN);
        s.activate(id).unwrap();
    }
    s
}

fn retry(
    s: &mut Suite,
    limit: Option<u32>,
) -> cw_multi_test::error::AnyResult<cw_multi_test::AppResponse> {
    let keeper = s.keeper.clone();
    s.execute(&keeper, &ExecuteMsg::RetryParked { limit }, &[])
}

#[test]
fn a_refused_chain_security_transfer_is_parked_and_settlement_goes_on() {
    let mut s = two_topics();
    let security = s.security.clone();
    s.block_bank_sends_to(&security);
    s.close_epoch(1, EPOCH);
    let res = s
        .settle(None, None)
        .expect("the crank settles despite the refusal");
    s.assert_invariants();
    // every epoch of both topics is settled and paid
    for id in [1, 2] {
        assert_eq!(s.status(id).last_settled_epoch, Some(1));
        assert!(s.deposited(id, &s.addr("rep-a")) > 0);
    }
    assert!(s.claimable(&s.addr("inferer0")) > 0);
    // the chain-security share of the call is parked, not lost
    let cs: Uint128 = (0..2)
        .flat_map(|k| [1, 2].map(|id| s.epoch_reward(id, k).unwrap().chain_security))
        .sum();
    assert!(!cs.is_zero());
    assert_eq!(s.balance(&security), 0);
    let parked = s.parked();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].amount, cs);
    assert_eq!(parked[0].kind, ParkedKind::ChainSecurity {});
    assert!(parked[0].reason.contains("not allowed to receive funds"));
    assert_eq!(s.totals().parked, cs);
    assert_eq!(attrs(&res, "payout_parked", "amount"), vec![cs.to_string()]);

    // retried while the recipient still refuses: parked again under the same id
    let res = retry(&mut s, None).unwrap();
    assert_eq!(
        attrs(&res, "payout_parked", "id"),
        vec![parked[0].id.to_string()]
    );
    assert_eq!(s.parked().len(), 1);
    s.assert_invariants();

    // the owner points the share at a recipient that can receive; a retry pays it
    let new_recipient = s.addr("validators");
    let owner = s.owner.clone();
    s.execute(
        &owner,
        &ExecuteMsg::UpdateConfig {
            chain_security_recipient: Some(new_recipient.to_string()),
            emission: None,
            max_epochs_per_call: None,
            max_topics_per_call: None,
        },
        &[],
    )
    .unwrap();
    retry(&mut s, Some(5)).unwrap();
    assert_eq!(s.balance(&new_recipient), cs.u128());
    assert!(s.parked().is_empty());
    assert!(s.totals().parked.is_zero());
    s.assert_invariants();
    assert_eq!(
        contract_err(retry(&mut s, None).unwrap_err()),
        ContractError::NothingParked {}
    );
}

#[test]
fn a_refused_delegator_deposit_is_parked_and_later_ones_wait_behind_it() {
    let mut s = two_topics();
    let staking = s.staking.clone();
    let rep = s.addr("rep-a");
    s.exec_mock(
        &staking,
        &StakingMockExec::SetRefuse {
            topic_id: 1,
            refuse: true,
        },
    );
    s.close_epoch(1, EPOCH);
    s.settle(None, None)
        .expect("the crank settles despite the refusal");
    s.assert_invariants();
    // topic 2's deposit went through, topic 1's (its two epochs, one deposit) is parked
    let paid_2 = s.deposited(2, &rep);
    assert_eq!(
        paid_2,
        (0..2)
            .map(|k| s.epoch_reward(2, k).unwrap().delegators.u128())
            .sum::<u128>()
    );
    assert_eq!(s.deposited(1, &rep), 0);
    let owed_1: Uint128 = (0..2)
        .map(|k| s.epoch_reward(1, k).unwrap().delegators)
        .sum();
    let parked = s.parked();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].amount, owed_1);
    let ParkedKind::Delegators { topic_id, rewards } = &parked[0].kind else {
        panic!("a delegator deposit: {:?}", parked[0].kind);
    };
    assert_eq!((*topic_id, rewards.len()), (1, 2));
    assert!(rewards[0].snapshot_height < rewards[1].snapshot_height);

    // staking takes deposits again, but topic 1's next epoch waits behind the parked one:
    // sent alone it would reach staking before the earlier snapshots
    s.exec_mock(
        &staking,
        &StakingMockExec::SetRefuse {
            topic_id: 1,
            refuse: false,
        },
    );
    s.close_epoch(2, EPOCH);
    let res = s.settle(None, None).unwrap();
    s.assert_invariants();
    assert_eq!(s.deposited(1, &rep), 0);
    assert!(s.deposited(2, &rep) > paid_2);
    let parked = s.parked();
    assert_eq!(parked.len(), 2);
    assert!(
        parked[1].reason.contains("waits behind"),
        "{}",
        parked[1].reason
    );
    assert_eq!(
        attrs(&res, "payout_parked", "topic_id"),
        vec!["1".to_string()]
    );

    // one retry sends both, oldest first, in one deposit
    let owed_1: Uint128 = (0..3)
        .map(|k| s.epoch_reward(1, k).unwrap().delegators)
        .sum();
    retry(&mut s, None).unwrap();
    assert_eq!(s.deposited(1, &rep), owed_1.u128());
    assert!(s.parked().is_empty());
    s.assert_invariants();

    // and from then on topic 1's deposits go straight through
    s.close_epoch(3, EPOCH);
    s.settle(None, None).unwrap();
    assert!(s.parked().is_empty());
    assert!(s.deposited(1, &rep) > owed_1.u128());
    s.assert_invariants();
}

#[test]
fn the_owner_redirects_a_parked_payout() {
    let mut s = two_topics();
    let staking = s.staking.clone();
    s.exec_mock(
        &staking,
        &StakingMockExec::SetRefuse {
            topic_id: 1,
            refuse: true,
        },
    );
    s.close_epoch(0, EPOCH);
    s.settle(Some(1), None).unwrap();
    let parked = s.parked();
    assert_eq!(parked.len(), 1);
    let (id, amount) = (parked[0].id, parked[0].amount);
    let treasury = s.addr("treasury");
    let redirect = |id: u64| ExecuteMsg::RedirectParked {
        id,
        recipient: treasury.to_string(),
    };
    let keeper = s.keeper.clone();
    assert!(matches!(
        contract_err(s.execute(&keeper, &redirect(id), &[]).unwrap_err()),
        ContractError::Ownership(_)
    ));
    let owner = s.owner.clone();
    assert_eq!(
        contract_err(s.execute(&owner, &redirect(id + 7), &[]).unwrap_err()),
        ContractError::ParkedNotFound { id: id + 7 }
    );
    assert!(matches!(
        contract_err(retry(&mut s, Some(0)).unwrap_err()),
        ContractError::InvalidLimit { .. }
    ));
    let res = s.execute(&owner, &redirect(id), &[]).unwrap();
    assert_eq!(
        attrs(&res, "wasm", "action"),
        vec!["redirect_parked".to_string()]
    );
    assert_eq!(s.balance(&treasury), amount.u128());
    assert!(s.parked().is_empty());
    s.assert_invariants();
    // the topic's next deposit is no longer held back
    s.exec_mock(
        &staking,
        &StakingMockExec::SetRefuse {
            topic_id: 1,
            refuse: false,
        },
    );
    s.close_epoch(1, EPOCH);
    s.settle(Some(1), None).unwrap();
    assert!(s.deposited(1, &s.addr("rep-a")) > 0);
    s.assert_invariants();
}

/// A retry merges a topic's parked deposits into one, oldest first, but never beyond
/// `MAX_RETRY_DEPOSIT_ENTRIES` entries: the rest wait, in order, for the next retry.
#[test]
fn a_retried_deposit_stays_bounded() {
    use nous_types::reward_distribution::MAX_RETRY_DEPOSIT_ENTRIES;
    let mut s = Suite::with_limits(1_000_000 * TOKEN, Some(30), None);
    let reputers = ["r0", "r1", "r2", "r3", "r4", "r5"];
    s.add_topic(1, EPOCH, STAKE, REVENUE);
    let scores = scored(&s, 1, 2, 1, &reputers);
    s.set_scores(1, None, scores);
    for r in reputers {
        let a = s.addr(r);
        s.set_reputer_stake(1, &a, 1_000 * TOKEN, 1_000 * TOKEN);
    }
    s.activate(1).unwrap();
    let staking = s.staking.clone();
    s.exec_mock(
        &staking,
        &StakingMockExec::SetRefuse {
            topic_id: 1,
            refuse: true,
        },
    );
    // two calls of 30 epochs: two parked deposits of 180 entries each
    s.close_epoch(59, EPOCH);
    s.settle(Some(1), None).unwrap();
    s.settle(Some(1), None).unwrap();
    let parked = s.parked();
    let entries = |p: &nous_types::reward_distribution::ParkedPayout| match &p.kind {
        ParkedKind::Delegators { rewards, .. } => rewards.len(),
        ParkedKind::ChainSecurity {} => 0,
    };
    assert_eq!(
        parked.iter().map(entries).collect::<Vec<_>>(),
        vec![180, 180]
    );
    const { assert!(2 * 180 > MAX_RETRY_DEPOSIT_ENTRIES) };
    s.exec_mock(
        &staking,
        &StakingMockExec::SetRefuse {
            topic_id: 1,
            refuse: false,
        },
    );
    let res = retry(&mut s, None).unwrap();
    assert_eq!(attrs(&res, "wasm", "retried"), vec!["1".to_string()]);
    assert_eq!(s.parked().len(), 1);
    assert_eq!(s.parked()[0].id, parked[1].id);
    s.assert_invariants();
    retry(&mut s, None).unwrap();
    assert!(s.parked().is_empty());
    let owed: Uint128 = (0..60)
        .map(|k| s.epoch_reward(1, k).unwrap().delegators)
        .sum();
    let deposited: u128 = reputers.iter().map(|r| s.deposited(1, &s.addr(r))).sum();
    assert_eq!(deposited, owed.u128());
    s.assert_invariants();
}
