//! The fee-vault through its real entry points on cw-multi-test: every execute message,
//! every error variant, both payment paths, the drip at epoch boundaries, and the
//! conservation invariant (vault balance == treasury) after every money-moving step.

mod suite;

use cosmwasm_std::{coin, coins, to_json_binary, BankMsg, Uint128};
use cw20::{Cw20ExecuteMsg, Denom};
use cw_multi_test::Executor;
use cw_ownable::{Action, Ownership};
use fee_vault::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};
use fee_vault::ContractError;
use nous_types::fee_vault::RevenueAndTreasuryResponse;
use nous_types::migrate::MigrateError;
use nous_types::PaymentError;

use suite::{assert_err, assert_query_err, attr, SuiteBuilder, DENOM, OTHER_DENOM, START_BALANCE};

/// blocks_per_month such that a 100-block epoch has E_w = 200 exactly (drip 0.5 %/epoch).
const BPM_EW_200: u64 = 86_900;

// ---------------------------------------------------------------- instantiate / config

#[test]
fn instantiate_validates_and_defaults() {
    let suite = SuiteBuilder::default().build();
    let config = suite.config();
    assert_eq!(config.blocks_per_month, 864_000);
    assert_eq!(config.denom, Denom::Native(DENOM.into()));
    assert_eq!(config.registry, suite.registry);
    assert_eq!(config.reward_distributor, Some(suite.distributor.clone()));
    assert_eq!(config.read_fee, Uint128::new(10));
    assert_eq!(suite.treasury(), 0);
    let ownership: Ownership<String> = suite.query(&QueryMsg::Ownership {}).unwrap();
    assert_eq!(ownership.owner, Some(suite.owner.to_string()));

    let mut suite = suite;
    let base = InstantiateMsg {
        owner: None,
        denom: Denom::Native(DENOM.into()),
        registry: suite.registry.to_string(),
        reward_distributor: None,
        read_fee: Uint128::zero(),
        blocks_per_month: None,
    };
    let code = suite.vault_code;
    let owner = suite.owner.clone();
    let mut inst = |msg: &InstantiateMsg, funds: &[cosmwasm_std::Coin]| {
        suite
            .app
            .instantiate_contract(code, owner.clone(), msg, funds, "v", None)
    };
    assert_err(
        inst(
            &InstantiateMsg {
                denom: Denom::Native(" ".into()),
                ..base.clone()
            },
            &[],
        ),
        ContractError::EmptyDenom {},
    );
    assert_err(
        inst(
            &InstantiateMsg {
                blocks_per_month: Some(0),
                ..base.clone()
            },
            &[],
        ),
        ContractError::ZeroBlocksPerMonth {},
    );
    let bad_registry = inst(
        &InstantiateMsg {
            registry: "Not An Address".into(),
            ..base.clone()
        },
        &[],
    )
    .unwrap_err();
    assert!(
        matches!(
            suite::find_contract_err(&bad_registry),
            Some(ContractError::Std(_))
        ),
        "{bad_registry:?}"
    );
    assert_err(
        inst(&base, &coins(1, DENOM)),
        ContractError::Payment(PaymentError::UnexpectedFunds {}),
    );
    assert!(inst(&base, &[]).is_ok());
}

#[test]
fn update_config_is_admin_only_and_ownership_is_two_step() {
    let mut suite = SuiteBuilder::default().without_distributor().build();
    let alice = suite.alice.clone();
    let owner = suite.owner.clone();
    let dist = suite.distributor.clone();
    assert_err(
        suite.update_config(&alice, None, Some(&alice), None),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    assert_err(
        suite.execute(
            &owner,
            &ExecuteMsg::UpdateConfig {
                registry: None,
                reward_distributor: None,
                read_fee: None,
            },
            &coins(1, DENOM),
        ),
        ContractError::Payment(PaymentError::UnexpectedFunds {}),
    );
    let res = suite
        .update_config(&owner, None, Some(&dist), Some(25))
        .unwrap();
    assert_eq!(
        attr(&res, "update_config", "read_fee").as_deref(),
        Some("25")
    );
    let config = suite.config();
    assert_eq!(config.reward_distributor, Some(dist.clone()));
    assert_eq!(config.read_fee, Uint128::new(25));
    assert_eq!(config.registry, suite.registry);

    // Two-step transfer to alice: proposing does not hand over control.
    suite
        .execute(
            &owner,
            &ExecuteMsg::UpdateOwnership(Action::TransferOwnership {
                new_owner: alice.to_string(),
                expiry: None,
            }),
            &[],
        )
        .unwrap();
    assert_err(
        suite.update_config(&alice, None, None, Some(1)),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    suite
        .execute(
            &alice,
            &ExecuteMsg::UpdateOwnership(Action::AcceptOwnership),
            &[],
        )
        .unwrap();
    let ownership: Ownership<String> = suite.query(&QueryMsg::Ownership {}).unwrap();
    assert_eq!(ownership.owner, Some(alice.to_string()));
    let new_registry = suite.app.api().addr_make("registry2");
    suite
        .update_config(&alice, Some(&new_registry), None, Some(1))
        .unwrap();
    assert_eq!(suite.config().registry, new_registry);
    assert_err(
        suite.update_config(&owner, None, None, Some(2)),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
}

#[test]
fn migrate_keeps_the_name_and_refuses_another_contract() {
    let mut suite = SuiteBuilder::default().build();
    let owner = suite.owner.clone();
    let vault = suite.vault.clone();
    let code = suite.vault_code;
    let res = suite
        .app
        .migrate_contract(owner.clone(), vault, &MigrateMsg {}, code)
        .unwrap();
    assert_eq!(
        attr(&res, "migrate", "to_version").as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );

    // A cw20-base contract migrated to the vault's code is refused by the name check.
    let cw20 = suite
        .app
        .instantiate_contract(
            suite.cw20_code,
            owner.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Other".into(),
                symbol: "OTHER".into(),
                decimals: 6,
                initial_balances: vec![],
                mint: None,
                marketing: None,
            },
            &[],
            "other",
            Some(owner.to_string()),
        )
        .unwrap();
    assert_err(
        suite
            .app
            .migrate_contract(owner, cw20, &MigrateMsg {}, code),
        ContractError::Migrate(MigrateError::WrongContract {
            stored: "crates.io:cw20-base".into(),
            expected: "crates.io:fee-vault".into(),
        }),
    );
}

// ---------------------------------------------------------------- topics

#[test]
fn register_topic_is_registry_only_and_books_the_fee() {
    let mut suite = SuiteBuilder::default().build();
    let registry = suite.registry.clone();
    let alice = suite.alice.clone();
    let h = suite.height();

    assert_err(
        suite.register(&alice, 1, 100, h, 50),
        ContractError::NotRegistry {
            registry: registry.to_string(),
            sender: alice.to_string(),
        },
    );
    assert_err(
        suite.register(&registry, 1, 0, h, 50),
        ContractError::ZeroEpochLength {},
    );
    suite.assert_conservation();

    // With a creation fee: revenue and treasury.
    let res = suite.register(&registry, 1, 100, h, 50).unwrap();
    assert_eq!(
        attr(&res, "register_topic", "topic_id").as_deref(),
        Some("1")
    );
    assert_eq!(
        attr(&res, "register_topic", "amount").as_deref(),
        Some("50")
    );
    assert_eq!(
        attr(&res, "register_topic", "revenue").as_deref(),
        Some("50")
    );
    assert_eq!(
        attr(&res, "register_topic", "treasury").as_deref(),
        Some("50")
    );
    assert_eq!(
        attr(&res, "register_topic", "payer"),
        Some(registry.to_string())
    );
    assert_eq!(suite.revenue(1, None), 50);
    assert_eq!(suite.treasury(), 50);
    suite.assert_conservation();

    assert_err(
        suite.register(&registry, 1, 100, h, 0),
        ContractError::TopicAlreadyRegistered { topic_id: 1 },
    );

    // Zero creation fee: no funds, no checkpoint, revenue 0.
    let res = suite.register(&registry, 2, 720, h + 10, 0).unwrap();
    assert_eq!(attr(&res, "register_topic", "amount").as_deref(), Some("0"));
    assert_eq!(suite.revenue(2, None), 0);
    assert!(suite.checkpoints(2, None, None).is_empty());
    assert_eq!(suite.treasury(), 50);
    suite.assert_conservation();

    let t = suite.topic(2).unwrap();
    assert_eq!(
        (
            t.topic_id,
            t.epoch_length,
            t.start_height,
            t.registered_height
        ),
        (2, 720, h + 10, h)
    );
    assert_query_err(suite.topic(9), ContractError::TopicNotFound { topic_id: 9 });
    for id in 3..=5 {
        suite.register(&registry, id, 10, h, 0).unwrap();
    }
    let ids: Vec<u64> = suite
        .topics(None, None)
        .iter()
        .map(|t| t.topic_id)
        .collect();
    assert_eq!(ids, vec![1, 2, 3, 4, 5]);
    let ids: Vec<u64> = suite
        .topics(Some(2), Some(2))
        .iter()
        .map(|t| t.topic_id)
        .collect();
    assert_eq!(ids, vec![3, 4]);
}

// ---------------------------------------------------------------- native payments

#[test]
fn fund_topic_native_checks_the_payment() {
    let mut suite = SuiteBuilder::default().build();
    let registry = suite.registry.clone();
    let alice = suite.alice.clone();
    let h = suite.height();
    suite.register(&registry, 1, 100, h, 0).unwrap();

    assert_err(
        suite.fund_topic(&alice, 7, 100),
        ContractError::TopicNotFound { topic_id: 7 },
    );
    assert_err(
        suite.execute(&alice, &ExecuteMsg::FundTopic { topic_id: 1 }, &[]),
        ContractError::Payment(PaymentError::NoFunds {
            expected: DENOM.into(),
        }),
    );
    assert_err(
        suite.execute(
            &alice,
            &ExecuteMsg::FundTopic { topic_id: 1 },
            &coins(5, OTHER_DENOM),
        ),
        ContractError::Payment(PaymentError::WrongDenom {
            expected: DENOM.into(),
            got: OTHER_DENOM.into(),
        }),
    );
    assert_err(
        suite.execute(
            &alice,
            &ExecuteMsg::FundTopic { topic_id: 1 },
            &[coin(5, DENOM), coin(5, OTHER_DENOM)],
        ),
        ContractError::Payment(PaymentError::MultipleDenoms {
            expected: DENOM.into(),
        }),
    );
    suite.assert_conservation();

    let res = suite.fund_topic(&alice, 1, 1_000).unwrap();
    assert_eq!(attr(&res, "fund_topic", "payer"), Some(alice.to_string()));
    assert_eq!(attr(&res, "fund_topic", "revenue").as_deref(), Some("1000"));
    assert_eq!(
        attr(&res, "fund_topic", "treasury").as_deref(),
        Some("1000")
    );
    suite.fund_topic(&alice, 1, 234).unwrap();
    assert_eq!(suite.revenue(1, None), 1_234);
    assert_eq!(suite.treasury(), 1_234);
    assert_eq!(suite.balance(&alice), START_BALANCE - 1_234);
    suite.assert_conservation();
}

#[test]
fn pay_for_read_takes_exactly_the_read_fee() {
    let mut suite = SuiteBuilder::default().read_fee(10).build();
    let registry = suite.registry.clone();
    let dapp = suite.dapp.clone();
    let owner = suite.owner.clone();
    let h = suite.height();
    suite.register(&registry, 1, 100, h, 0).unwrap();

    let fee = suite.read_fee(1).unwrap();
    assert_eq!(fee.amount, Uint128::new(10));
    assert_eq!(fee.denom, Denom::Native(DENOM.into()));
    assert_query_err(
        suite.read_fee(3),
        ContractError::TopicNotFound { topic_id: 3 },
    );

    assert_err(
        suite.pay_for_read(&dapp, 1, 9),
        ContractError::InsufficientFee {
            expected: Uint128::new(10),
            got: Uint128::new(9),
        },
    );
    assert_err(
        suite.pay_for_read(&dapp, 1, 0),
        ContractError::InsufficientFee {
            expected: Uint128::new(10),
            got: Uint128::zero(),
        },
    );
    assert_err(
        suite.pay_for_read(&dapp, 1, 11),
        ContractError::Overpayment {
            expected: Uint128::new(10),
            got: Uint128::new(11),
        },
    );
    assert_err(
        suite.pay_for_read(&dapp, 2, 10),
        ContractError::TopicNotFound { topic_id: 2 },
    );
    suite.assert_conservation();

    let res = suite.pay_for_read(&dapp, 1, 10).unwrap();
    assert_eq!(attr(&res, "pay_for_read", "payer"), Some(dapp.to_string()));
    assert_eq!(attr(&res, "pay_for_read", "topic_id").as_deref(), Some("1"));
    assert_eq!(attr(&res, "pay_for_read", "amount").as_deref(), Some("10"));
    suite.pay_for_read(&dapp, 1, 10).unwrap();
    assert_eq!(suite.revenue(1, None), 20);
    assert_eq!(suite.treasury(), 20);
    suite.assert_conservation();

    // Free reads: attach nothing; recorded as an event, nothing booked.
    suite.update_config(&owner, None, None, Some(0)).unwrap();
    let res = suite.pay_for_read(&dapp, 1, 0).unwrap();
    assert_eq!(attr(&res, "pay_for_read", "payer"), Some(dapp.to_string()));
    assert_err(
        suite.pay_for_read(&dapp, 1, 1),
        ContractError::Overpayment {
            expected: Uint128::zero(),
            got: Uint128::new(1),
        },
    );
    assert_eq!(suite.revenue(1, None), 20);
    suite.assert_conservation();
}

#[test]
fn fund_treasury_is_not_topic_revenue() {
    let mut suite = SuiteBuilder::default().build();
    let registry = suite.registry.clone();
    let alice = suite.alice.clone();
    let h = suite.height();
    suite.register(&registry, 1, 100, h, 5).unwrap();
    assert_err(
        suite.execute(&alice, &ExecuteMsg::FundTreasury {}, &[]),
        ContractError::Payment(PaymentError::NoFunds {
            expected: DENOM.into(),
        }),
    );
    let res = suite.fund_treasury(&alice, 1_000).unwrap();
    assert_eq!(
        attr(&res, "fund_treasury", "treasury").as_deref(),
        Some("1005")
    );
    assert_eq!(suite.treasury(), 1_005);
    assert_eq!(suite.revenue(1, None), 5);
    suite.assert_conservation();
}

#[test]
fn revenue_and_treasury_answer_both_reads_at_once() {
    let mut suite = SuiteBuilder::default().build();
    let registry = suite.registry.clone();
    let alice = suite.alice.clone();
    let h = suite.height();
    suite.register(&registry, 1, 100, h, 5).unwrap();
    suite.fund_treasury(&alice, 1_000).unwrap();
    let both: RevenueAndTreasuryResponse = suite
        .query(&QueryMsg::RevenueAndTreasury {
            topic_id: 1,
            epoch: None,
        })
        .unwrap();
    assert_eq!(both.revenue, suite.try_revenue(1, None).unwrap());
    assert_eq!(both.treasury.u128(), suite.treasury());
    // refused as `TopicRevenue` refuses: a future epoch, an unknown topic
    for (topic_id, epoch) in [(1, Some(99)), (7, None)] {
        assert!(suite
            .query::<RevenueAndTreasuryResponse>(&QueryMsg::RevenueAndTreasury { topic_id, epoch })
            .is_err());
    }
}

// ---------------------------------------------------------------- treasury out

#[test]
fn draw_emission_is_distributor_only_and_bounded_by_the_treasury() {
    let mut suite = SuiteBuilder::default().without_distributor().build();
    let alice = suite.alice.clone();
    let owner = suite.owner.clone();
    let dist = suite.distributor.clone();
    suite.fund_treasury(&alice, 1_000).unwrap();

    assert_err(suite.draw(&dist, 10), ContractError::NoRewardDistributor {});
    suite
        .update_config(&owner, None, Some(&dist), None)
        .unwrap();
    assert_err(
        suite.draw(&alice, 10),
        ContractError::NotRewardDistributor {
            distributor: dist.to_string(),
            sender: alice.to_string(),
        },
    );
    assert_err(suite.draw(&dist, 0), ContractError::ZeroAmount {});
    assert_err(
        suite.execute(
            &dist,
            &ExecuteMsg::DrawEmission {
                amount: Uint128::new(1),
            },
            &coins(1, DENOM),
        ),
        ContractError::Payment(PaymentError::UnexpectedFunds {}),
    );
    assert_err(
        suite.draw(&dist, 1_001),
        ContractError::InsufficientTreasury {
            requested: Uint128::new(1_001),
            available: Uint128::new(1_000),
        },
    );
    suite.assert_conservation();

    let res = suite.draw(&dist, 400).unwrap();
    assert_eq!(
        attr(&res, "draw_emission", "treasury").as_deref(),
        Some("600")
    );
    suite.assert_conservation();
    let res = suite.draw(&dist, 600).unwrap();
    assert_eq!(
        attr(&res, "draw_emission", "amount").as_deref(),
        Some("600")
    );
    assert_eq!(suite.treasury(), 0);
    assert_eq!(suite.balance(&dist), START_BALANCE + 1_000);
    suite.assert_conservation();
    assert_err(
        suite.draw(&dist, 1),
        ContractError::InsufficientTreasury {
            requested: Uint128::new(1),
            available: Uint128::zero(),
        },
    );
}

#[test]
fn topic_fees_flow_into_the_treasury_and_can_be_drawn() {
    let mut suite = SuiteBuilder::default().build();
    let (registry, alice, dapp, dist) = (
        suite.registry.clone(),
        suite.alice.clone(),
        suite.dapp.clone(),
        suite.distributor.clone(),
    );
    let h = suite.height();
    suite.register(&registry, 1, 100, h, 100).unwrap();
    suite.assert_conservation();
    suite.fund_topic(&alice, 1, 200).unwrap();
    suite.assert_conservation();
    suite.pay_for_read(&dapp, 1, 10).unwrap();
    suite.assert_conservation();
    suite.fund_treasury(&alice, 90).unwrap();
    suite.assert_conservation();
    assert_eq!(suite.treasury(), 400);
    assert_eq!(suite.revenue(1, None), 310);
    // Draw exactly the treasury; one more is refused.
    assert_err(
        suite.draw(&dist, 401),
        ContractError::InsufficientTreasury {
            requested: Uint128::new(401),
            available: Uint128::new(400),
        },
    );
    suite.draw(&dist, 400).unwrap();
    suite.assert_conservation();
    // Drawing does not touch topic revenue.
    assert_eq!(suite.revenue(1, None), 310);
}

#[test]
fn sync_treasury_absorbs_plain_transfers() {
    let mut suite = SuiteBuilder::default().build();
    let alice = suite.alice.clone();
    let vault = suite.vault.clone();
    suite.fund_treasury(&alice, 100).unwrap();
    assert_err(
        suite.sync(&alice),
        ContractError::NothingToSync {
            treasury: Uint128::new(100),
        },
    );
    assert_err(
        suite.execute(&alice, &ExecuteMsg::SyncTreasury {}, &coins(1, DENOM)),
        ContractError::Payment(PaymentError::UnexpectedFunds {}),
    );
    // A plain bank send is not counted until synced.
    suite
        .app
        .execute(
            alice.clone(),
            BankMsg::Send {
                to_address: vault.to_string(),
                amount: coins(50, DENOM),
            }
            .into(),
        )
        .unwrap();
    assert_eq!(suite.treasury(), 100);
    assert_eq!(suite.balance(&vault), 150);
    let res = suite.sync(&alice).unwrap();
    assert_eq!(attr(&res, "sync_treasury", "amount").as_deref(), Some("50"));
    assert_eq!(suite.treasury(), 150);
    suite.assert_conservation();

    // If the balance were ever below the books, sync refuses rather than hide it.
    suite.app.init_modules(|router, _, storage| {
        router
            .bank
            .init_balance(storage, &vault, coins(10, DENOM))
            .unwrap()
    });
    assert_err(
        suite.sync(&alice),
        ContractError::BalanceBelowTreasury {
            balance: Uint128::new(10),
            treasury: Uint128::new(150),
        },
    );
}

#[test]
fn amounts_beyond_u128_are_refused_with_overflow() {
    let mut suite = SuiteBuilder::default().build();
    let (registry, dist) = (suite.registry.clone(), suite.distributor.clone());
    let whale = suite.app.api().addr_make("whale");
    suite.app.init_modules(|router, _, storage| {
        router
            .bank
            .init_balance(storage, &whale, coins(u128::MAX, DENOM))
            .unwrap();
        // Room for the distributor to receive u128::MAX.
        router.bank.init_balance(storage, &dist, vec![]).unwrap();
    });
    let h = suite.height();
    suite.register(&registry, 1, 100, h, 0).unwrap();
    suite.fund_topic(&whale, 1, u128::MAX).unwrap();
    suite.assert_conservation();
    // The treasury is drawn empty, but the revenue of the epoch still holds u128::MAX.
    suite.draw(&dist, u128::MAX).unwrap();
    suite.assert_conservation();
    let res = suite.fund_topic(&registry, 1, 1);
    let err = res.unwrap_err();
    assert!(
        matches!(
            suite::find_contract_err(&err),
            Some(ContractError::Overflow(_))
        ),
        "{err:?}"
    );
    assert_eq!(suite.revenue(1, None), u128::MAX);
    suite.assert_conservation();
}

// ---------------------------------------------------------------- revenue over time

#[test]
fn revenue_at_exact_epoch_boundaries() {
    let mut suite = SuiteBuilder::default().blocks_per_month(BPM_EW_200).build();
    let (registry, alice) = (suite.registry.clone(), suite.alice.clone());
    // Registered before its start: the creation fee counts for epoch 0.
    assert_eq!(suite.height(), 12_345);
    suite.register(&registry, 1, 100, 12_400, 1_000).unwrap();
    assert_eq!(suite.revenue(1, None), 1_000);

    // Last block of epoch 0 ([12400, 12500)) counts for epoch 0.
    suite.advance_to(12_499);
    let res = suite.fund_topic(&alice, 1, 1_000_000).unwrap();
    assert_eq!(attr(&res, "fund_topic", "epoch").as_deref(), Some("0"));
    assert_eq!(suite.revenue(1, Some(0)), 1_001_000);
    assert_query_err(
        suite.try_revenue(1, Some(1)),
        ContractError::EpochNotStarted {
            topic_id: 1,
            epoch: 1,
            current: 0,
        },
    );

    // First block of epoch 1 counts for epoch 1, after epoch 0's drip:
    // 1_001_000 - ceil(1_001_000 / 200) = 995_995, plus 500.
    suite.advance_to(12_500);
    assert_eq!(suite.revenue(1, None), 995_995);
    let res = suite.fund_topic(&alice, 1, 500).unwrap();
    assert_eq!(attr(&res, "fund_topic", "epoch").as_deref(), Some("1"));
    assert_eq!(
        attr(&res, "fund_topic", "revenue").as_deref(),
        Some("996495")
    );
    assert_eq!(suite.revenue(1, Some(0)), 1_001_000);
    assert_eq!(suite.revenue(1, Some(1)), 996_495);
    let r = suite.try_revenue(1, None).unwrap();
    assert_eq!((r.topic_id, r.epoch, r.revenue.u128()), (1, 1, 996_495));
    assert_eq!(
        suite.checkpoints(1, None, None),
        vec![(0, 1_001_000), (1, 996_495)]
    );
    assert_eq!(suite.checkpoints(1, Some(0), Some(1)), vec![(1, 996_495)]);
    assert_query_err(
        suite.try_revenue(2, None),
        ContractError::TopicNotFound { topic_id: 2 },
    );
    suite.assert_conservation();
}

#[test]
fn late_queries_of_old_epochs_do_not_change_after_new_deposits() {
    let mut suite = SuiteBuilder::default().blocks_per_month(BPM_EW_200).build();
    let (registry, alice, dapp) = (
        suite.registry.clone(),
        suite.alice.clone(),
        suite.dapp.clone(),
    );
    suite.register(&registry, 1, 100, 12_400, 0).unwrap();
    suite.advance_to(12_400);
    suite.fund_topic(&alice, 1, 1_000_000).unwrap();
    assert_eq!(suite.revenue(1, Some(0)), 1_000_000);

    // Epoch 5, nobody paid since epoch 0: five drips of 0.5 %.
    suite.advance_to(12_900);
    let before: Vec<u128> = (0..=5).map(|e| suite.revenue(1, Some(e))).collect();
    assert_eq!(before[0], 1_000_000);
    assert_eq!(before[1], 995_000);
    assert_eq!(before[2], 990_025);
    assert!(before.windows(2).all(|w| w[1] < w[0]));

    // New money in epoch 5 changes epoch 5 only.
    suite.fund_topic(&alice, 1, 10_000).unwrap();
    suite.pay_for_read(&dapp, 1, 10).unwrap();
    for (e, expected) in before.iter().enumerate().take(5) {
        assert_eq!(suite.revenue(1, Some(e as u64)), *expected, "epoch {e}");
    }
    assert_eq!(suite.revenue(1, Some(5)), before[5] + 10_010);

    // Much later (settlement many epochs late), the same answers.
    suite.advance_to(12_400 + 100 * 40 + 37);
    suite.fund_topic(&alice, 1, 7).unwrap();
    for (e, expected) in before.iter().enumerate().take(5) {
        assert_eq!(suite.revenue(1, Some(e as u64)), *expected, "epoch {e}");
    }
    assert_eq!(suite.revenue(1, Some(5)), before[5] + 10_010);
    suite.assert_conservation();
}

#[test]
fn epochs_before_the_topic_existed_are_zero() {
    let mut suite = SuiteBuilder::default().build();
    let registry = suite.registry.clone();
    // start 10_000, length 100: at height 12_345 the topic is in epoch 23.
    let res = suite.register(&registry, 1, 100, 10_000, 700).unwrap();
    assert_eq!(attr(&res, "register_topic", "epoch").as_deref(), Some("23"));
    assert_eq!(suite.revenue(1, Some(0)), 0);
    assert_eq!(suite.revenue(1, Some(22)), 0);
    assert_eq!(suite.revenue(1, Some(23)), 700);
    assert_eq!(suite.revenue(1, None), 700);
}

#[test]
fn a_long_idle_topic_answers_cheaply() {
    let mut suite = SuiteBuilder::default().build();
    let (registry, alice) = (suite.registry.clone(), suite.alice.clone());
    let h = suite.height();
    suite.register(&registry, 1, 1, h, 0).unwrap();
    suite.fund_topic(&alice, 1, 900_000_000).unwrap();
    // Ten million one-block epochs later.
    suite.advance_blocks(10_000_000);
    assert_eq!(suite.revenue(1, None), 0);
    let mid = suite.revenue(1, Some(50_000));
    assert!(mid > 0 && mid < 900_000_000);
    suite.fund_topic(&alice, 1, 5).unwrap();
    assert_eq!(suite.revenue(1, None), 5);
    assert_eq!(suite.revenue(1, Some(50_000)), mid);
}

// ---------------------------------------------------------------- cw20 deployments

#[test]
fn cw20_deployment_takes_payments_through_receive() {
    let mut suite = SuiteBuilder::default().cw20().read_fee(10).build();
    let (registry, alice, dapp, dist) = (
        suite.registry.clone(),
        suite.alice.clone(),
        suite.dapp.clone(),
        suite.distributor.clone(),
    );
    let token = suite.token.clone().unwrap();
    let h = suite.height();

    // Only the registry's Send registers.
    assert_err(
        suite.register(&alice, 1, 100, h, 50),
        ContractError::NotRegistry {
            registry: registry.to_string(),
            sender: alice.to_string(),
        },
    );
    let res = suite.register(&registry, 1, 100, h, 50).unwrap();
    assert_eq!(
        attr(&res, "register_topic", "payer"),
        Some(registry.to_string())
    );
    // A zero creation fee arrives as the plain execute message without funds.
    suite.register(&registry, 2, 100, h, 0).unwrap();
    suite.assert_conservation();

    suite.fund_topic(&alice, 1, 1_000).unwrap();
    assert_err(
        suite.fund_topic(&alice, 3, 1_000),
        ContractError::TopicNotFound { topic_id: 3 },
    );
    assert_err(
        suite.pay_for_read(&dapp, 1, 5),
        ContractError::InsufficientFee {
            expected: Uint128::new(10),
            got: Uint128::new(5),
        },
    );
    assert_err(
        suite.pay_for_read(&dapp, 1, 15),
        ContractError::Overpayment {
            expected: Uint128::new(10),
            got: Uint128::new(15),
        },
    );
    let res = suite.pay_for_read(&dapp, 1, 10).unwrap();
    assert_eq!(attr(&res, "pay_for_read", "payer"), Some(dapp.to_string()));
    suite.fund_treasury(&alice, 40).unwrap();
    assert_eq!(suite.revenue(1, None), 1_060);
    assert_eq!(suite.revenue(2, None), 0);
    assert_eq!(suite.treasury(), 1_100);
    suite.assert_conservation();
    let fee = suite.read_fee(1).unwrap();
    assert_eq!(fee.denom, Denom::Cw20(token.clone()));

    // Native coins on a cw20 deployment are refused.
    assert_err(
        suite.execute(
            &alice,
            &ExecuteMsg::FundTopic { topic_id: 1 },
            &coins(5, DENOM),
        ),
        ContractError::Payment(PaymentError::UseCw20Send {
            token: token.to_string(),
        }),
    );
    assert_err(
        suite.execute(&alice, &ExecuteMsg::FundTopic { topic_id: 1 }, &[]),
        ContractError::Payment(PaymentError::UseCw20Send {
            token: token.to_string(),
        }),
    );
    // A hook that is not a ReceiveMsg is refused.
    let res = suite.app.execute_contract(
        alice.clone(),
        token.clone(),
        &Cw20ExecuteMsg::Send {
            contract: suite.vault.to_string(),
            amount: Uint128::new(5),
            msg: to_json_binary(&"gibberish").unwrap(),
        },
        &[],
    );
    let err = res.unwrap_err();
    assert!(
        matches!(suite::find_contract_err(&err), Some(ContractError::Std(_))),
        "{err:?}"
    );
    // Another cw20 token is refused.
    let other = suite
        .app
        .instantiate_contract(
            suite.cw20_code,
            alice.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Fake".into(),
                symbol: "FAKE".into(),
                decimals: 6,
                initial_balances: vec![cw20::Cw20Coin {
                    address: alice.to_string(),
                    amount: Uint128::new(1_000),
                }],
                mint: None,
                marketing: None,
            },
            &[],
            "fake",
            None,
        )
        .unwrap();
    assert_err(
        suite.cw20_send(&alice, &other, 100, &ReceiveMsg::FundTreasury {}),
        ContractError::Payment(PaymentError::WrongCw20Token {
            expected: token.to_string(),
            got: other.to_string(),
        }),
    );
    suite.assert_conservation();

    // Draws pay out in the cw20 token.
    assert_err(
        suite.draw(&dist, 1_101),
        ContractError::InsufficientTreasury {
            requested: Uint128::new(1_101),
            available: Uint128::new(1_100),
        },
    );
    suite.draw(&dist, 1_100).unwrap();
    assert_eq!(suite.balance(&dist), START_BALANCE + 1_100);
    assert_eq!(suite.treasury(), 0);
    suite.assert_conservation();

    // A plain cw20 Transfer is absorbed by SyncTreasury.
    suite
        .app
        .execute_contract(
            alice.clone(),
            token,
            &Cw20ExecuteMsg::Transfer {
                recipient: suite.vault.to_string(),
                amount: Uint128::new(33),
            },
            &[],
        )
        .unwrap();
    suite.sync(&alice).unwrap();
    assert_eq!(suite.treasury(), 33);
    suite.assert_conservation();
}

#[test]
fn native_deployment_refuses_cw20_hooks() {
    let mut suite = SuiteBuilder::default().build();
    let alice = suite.alice.clone();
    let token = suite
        .app
        .instantiate_contract(
            suite.cw20_code,
            alice.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Token".into(),
                symbol: "TOKEN".into(),
                decimals: 6,
                initial_balances: vec![cw20::Cw20Coin {
                    address: alice.to_string(),
                    amount: Uint128::new(1_000),
                }],
                mint: None,
                marketing: None,
            },
            &[],
            "token",
            None,
        )
        .unwrap();
    assert_err(
        suite.cw20_send(&alice, &token, 100, &ReceiveMsg::FundTreasury {}),
        ContractError::Payment(PaymentError::UseNativeFunds {
            denom: DENOM.into(),
        }),
    );
    suite.assert_conservation();
}
