//! Every refusal of the contract, once, through the real entry points; state untouched.

mod common;

use common::*;
use cosmwasm_std::{coins, Decimal, Uint128};
use cw_multi_test::Executor;
use nous_types::reward_distribution::{ExecuteMsg, InstantiateMsg, MAX_EPOCHS_PER_CALL};
use nous_types::PaymentError;
use reward_distribution::ContractError;

fn suite_with_topic() -> Suite {
    let mut s = Suite::new(1_000_000 * TOKEN);
    s.add_topic(1, EPOCH, 1_000_000 * TOKEN, 100 * TOKEN);
    let scores = scored(&s, 1, 2, 0, &["rep-a"]);
    s.set_scores(1, None, scores);
    let a = s.addr("rep-a");
    s.set_reputer_stake(1, &a, 1_000 * TOKEN, 0);
    s
}

#[test]
fn configuration_refusals() {
    let mut s = suite_with_topic();
    let owner = s.owner.clone();
    let keeper = s.keeper.clone();
    let update = |n: Option<u32>| ExecuteMsg::UpdateConfig {
        chain_security_recipient: None,
        emission: None,
        max_epochs_per_call: n,
        max_topics_per_call: None,
    };
    assert!(matches!(
        contract_err(s.execute(&keeper, &update(Some(5)), &[]).unwrap_err()),
        ContractError::Ownership(_)
    ));
    assert_eq!(
        contract_err(s.execute(&owner, &update(None), &[]).unwrap_err()),
        ContractError::NothingToUpdate {}
    );
    assert!(matches!(
        contract_err(
            s.execute(&owner, &update(Some(MAX_EPOCHS_PER_CALL + 1)), &[])
                .unwrap_err()
        ),
        ContractError::InvalidConfig { .. }
    ));
    s.execute(&owner, &update(Some(5)), &[]).unwrap();

    // Instantiate re-validates everything.
    let code = s
        .app
        .store_code(Box::new(cw_multi_test::ContractWrapper::new(
            reward_distribution::contract::execute,
            reward_distribution::contract::instantiate,
            reward_distribution::contract::query,
        )));
    let mut emission = emission_params();
    emission.circulating_supply = emission.total_supply + Uint128::one();
    let msg = InstantiateMsg {
        owner: None,
        denom: cw20::Denom::Native(DENOM.into()),
        topic_registry: s.registry.to_string(),
        fee_vault: s.vault.to_string(),
        staking: s.staking.to_string(),
        synthesis: s.synthesis.to_string(),
        chain_security_recipient: s.security.to_string(),
        emission,
        max_epochs_per_call: None,
        max_topics_per_call: None,
    };
    let err = s
        .app
        .instantiate_contract(code, owner.clone(), &msg, &[], "x", None)
        .unwrap_err();
    assert!(matches!(
        contract_err(err),
        ContractError::InvalidConfig { .. }
    ));
    let bad_addr = InstantiateMsg {
        fee_vault: "not an address".into(),
        emission: emission_params(),
        ..msg
    };
    let err = s
        .app
        .instantiate_contract(code, owner, &bad_addr, &[], "x", None)
        .unwrap_err();
    assert!(matches!(
        contract_err(err),
        ContractError::InvalidConfig { .. }
    ));
}

#[test]
fn topic_refusals() {
    let mut s = suite_with_topic();
    assert_eq!(
        contract_err(s.activate(9).unwrap_err()),
        ContractError::TopicNotFound { topic_id: 9 }
    );
    assert_eq!(
        contract_err(s.settle(Some(1), None).unwrap_err()),
        ContractError::TopicNotActive { topic_id: 1 }
    );
    // Too little stake: sqrt(1 · 10) < 100.
    s.add_topic(2, EPOCH, TOKEN, 100 * TOKEN);
    match contract_err(s.activate(2).unwrap_err()) {
        ContractError::WeightBelowMinimum {
            topic_id,
            weight,
            minimum,
        } => {
            assert_eq!(topic_id, 2);
            assert!(weight < minimum && minimum == Decimal::from_atomics(100u128, 0).unwrap());
        }
        other => panic!("{other:?}"),
    }
    // No fee revenue at all: weight 0 (§9.1).
    s.add_topic(3, EPOCH, 1_000_000 * TOKEN, 0);
    assert!(matches!(
        contract_err(s.activate(3).unwrap_err()),
        ContractError::WeightBelowMinimum { .. }
    ));
    // A stake above i128::MAX base units is legal and has a weight (issue 10, finding 5:
    // it used to be refused as a maths error, so the topic could never earn).
    s.add_topic(4, EPOCH, u128::MAX, 100 * TOKEN);
    s.activate(4).unwrap();
    assert!(s.status(4).weight > Decimal::from_atomics(100u128, 0).unwrap());

    s.activate(1).unwrap();
    assert_eq!(
        contract_err(s.activate(1).unwrap_err()),
        ContractError::TopicAlreadyActive { topic_id: 1 }
    );
    assert_eq!(
        s.totals().weight_sum,
        s.status(1).weight + s.status(4).weight
    );
    s.assert_invariants();
}

#[test]
fn settle_refusals() {
    let mut s = suite_with_topic();
    s.activate(1).unwrap();
    assert_eq!(
        contract_err(s.settle(None, Some(0)).unwrap_err()),
        ContractError::InvalidLimit { max: 10, got: 0 }
    );
    assert_eq!(
        contract_err(s.settle(None, Some(11)).unwrap_err()),
        ContractError::InvalidLimit { max: 10, got: 11 }
    );
    // Nothing closed yet.
    assert_eq!(
        contract_err(s.settle(None, None).unwrap_err()),
        ContractError::NothingToSettle {}
    );
    assert_eq!(
        contract_err(s.settle(Some(1), None).unwrap_err()),
        ContractError::NothingToSettle {}
    );
    // Funds are refused on every message.
    let keeper = s.keeper.clone();
    s.app
        .init_modules(|router, _, storage| {
            router.bank.init_balance(storage, &keeper, coins(10, DENOM))
        })
        .unwrap();
    let err = s
        .execute(
            &keeper,
            &ExecuteMsg::Settle {
                topic_id: None,
                limit: None,
            },
            &coins(1, DENOM),
        )
        .unwrap_err();
    assert_eq!(
        contract_err(err),
        ContractError::Payment(PaymentError::UnexpectedFunds {})
    );
}

#[test]
fn claim_refusals() {
    let mut s = suite_with_topic();
    let who = s.addr("nobody");
    assert_eq!(
        contract_err(s.claim(&who).unwrap_err()),
        ContractError::NothingToClaim {
            address: who.to_string()
        }
    );
    s.activate(1).unwrap();
    s.close_epoch(0, EPOCH);
    s.settle(None, None).unwrap();
    let inferer = s.addr("inferer0");
    let owed = s.claimable(&inferer);
    assert!(owed > 0);
    s.app
        .init_modules(|router, _, storage| {
            router.bank.init_balance(storage, &inferer, coins(5, DENOM))
        })
        .unwrap();
    let err = s
        .execute(&inferer, &ExecuteMsg::Claim {}, &coins(5, DENOM))
        .unwrap_err();
    assert!(matches!(contract_err(err), ContractError::Payment(_)));
    assert_eq!(s.claimable(&inferer), owed, "state untouched on error");
    s.claim(&inferer).unwrap();
    assert_eq!(s.balance(&inferer), 5 + owed);
    s.assert_invariants();
}
