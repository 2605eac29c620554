//! Instantiation, global parameters, the admin's two-step transfer, whitelists, migrate.

use cosmwasm_std::{coins, Decimal, Uint128};
use cw20::Denom;
use cw_multi_test::Executor;
use cw_ownable::{Action, Ownership};
use nous_types::migrate::MigrateError;
use nous_types::params::ParamError;
use nous_types::topic_registry::{
    ExecuteMsg, GlobalParams, InstantiateMsg, IsWhitelistedResponse, MigrateMsg, QueryMsg, Role,
    WhitelistFlags, WhitelistKind, WhitelistResponse,
};
use nous_types::PaymentError;
use topic_registry::ContractError;

use crate::suite::*;

fn instantiate(
    suite: &mut Suite,
    msg: &InstantiateMsg,
    funds: &[cosmwasm_std::Coin],
) -> AnyResult<cosmwasm_std::Addr> {
    let sender = suite.addr("alice");
    suite
        .app
        .instantiate_contract(suite.registry_code, sender, msg, funds, "another", None)
}

fn base_msg() -> InstantiateMsg {
    InstantiateMsg {
        owner: None,
        denom: Denom::Native(DENOM.into()),
        fee_vault: None,
        params: GlobalParams::defaults(DECIMALS),
        whitelists_enabled: WhitelistFlags::default(),
    }
}

#[test]
fn instantiate_validates_and_defaults() {
    let mut suite = SuiteBuilder::default().build();
    // Defaults: admin = sender, whitelists off, topic ids from 1.
    let ownership: Ownership<String> = suite.query(&QueryMsg::Ownership {}).unwrap();
    assert_eq!(ownership.owner, Some(suite.admin.to_string()));
    let config = suite.config();
    assert_eq!(config.denom, Denom::Native(DENOM.into()));
    assert_eq!(config.whitelists_enabled, WhitelistFlags::default());
    assert_eq!(config.next_topic_id, 1);
    assert_eq!(suite.params(), GlobalParams::defaults(DECIMALS));

    // whitelists_enabled may be omitted from the JSON.
    let json = json_without_whitelists(&base_msg());
    let parsed: InstantiateMsg = cosmwasm_std::from_json(json.as_bytes()).unwrap();
    assert_eq!(parsed.whitelists_enabled, WhitelistFlags::default());

    // An explicit owner.
    let bob = suite.addr("bob");
    let mut msg = base_msg();
    msg.owner = Some(bob.to_string());
    let other = instantiate(&mut suite, &msg, &[]).unwrap();
    let ownership: Ownership<String> = suite
        .app
        .wrap()
        .query_wasm_smart(&other, &QueryMsg::Ownership {})
        .unwrap();
    assert_eq!(ownership.owner, Some(bob.to_string()));

    let mut msg = base_msg();
    msg.denom = Denom::Native("x".into());
    assert_err(
        instantiate(&mut suite, &msg, &[]),
        ContractError::InvalidDenom { denom: "x".into() },
    );
    let mut msg = base_msg();
    msg.params.synthesis.c_norm = Decimal::percent(1_001);
    assert_err(
        instantiate(&mut suite, &msg, &[]),
        ContractError::Param(ParamError::InvalidGlobalParam {
            field: "synthesis.c_norm".into(),
            value: "10.01".into(),
            expected: "[-10, 10]".into(),
        }),
    );
    let mut msg = base_msg();
    msg.params = GlobalParams::defaults(19);
    assert_err(
        instantiate(&mut suite, &msg, &[]),
        ContractError::Param(ParamError::InvalidGlobalParam {
            field: "token_decimals".into(),
            value: "19".into(),
            expected: "[0, 18]".into(),
        }),
    );
    assert_err(
        instantiate(&mut suite, &base_msg(), &coins(1, DENOM)),
        ContractError::Payment(PaymentError::UnexpectedFunds {}),
    );
}

/// The JSON of an instantiate message without the `whitelists_enabled` field.
fn json_without_whitelists(msg: &InstantiateMsg) -> String {
    let json = cosmwasm_std::to_json_string(msg).unwrap();
    let cut = json.find(",\"whitelists_enabled\"").unwrap();
    format!("{}}}", &json[..cut])
}

#[test]
fn update_params_is_admin_only_and_revalidated() {
    let mut suite = SuiteBuilder::default().build();
    let admin = suite.admin.clone();
    let alice = suite.addr("alice");
    let mut params = GlobalParams::defaults(DECIMALS);
    params.registry.create_topic_fee = Uint128::new(5_000);
    params.registry.max_string_bytes = 9;

    assert_err(
        suite.execute(
            &alice,
            &ExecuteMsg::UpdateParams {
                params: params.clone(),
            },
        ),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    let mut bad = params.clone();
    bad.synthesis.max_top_reputers_to_reward = 0;
    assert_err(
        suite.execute(&admin, &ExecuteMsg::UpdateParams { params: bad }),
        ContractError::Param(ParamError::InvalidGlobalParam {
            field: "synthesis.max_top_reputers_to_reward".into(),
            value: "0".into(),
            expected: "[1, 32]".into(),
        }),
    );
    // The token's decimals are fixed at instantiate.
    let mut bad = params.clone();
    bad.token_decimals = 6;
    assert_err(
        suite.execute(&admin, &ExecuteMsg::UpdateParams { params: bad }),
        ContractError::TokenDecimalsFixed {
            decimals: DECIMALS,
            got: 6,
        },
    );
    assert_eq!(suite.params(), GlobalParams::defaults(DECIMALS));

    // (wiring the vault at setup moved it once already)
    let version = suite.params_version();
    let r = suite
        .execute(
            &admin,
            &ExecuteMsg::UpdateParams {
                params: params.clone(),
            },
        )
        .unwrap();
    assert_eq!(attr(&r, "action").as_deref(), Some("update_params"));
    assert_eq!(suite.params(), params);
    // peers' caches learn of it from the parameter version, read raw
    let next = (version + 1).to_string();
    assert_eq!(attr(&r, "params_version").as_deref(), Some(next.as_str()));
    assert_eq!(suite.params_version(), version + 1);
    assert_eq!(suite.create_topic_fee().amount, Uint128::new(5_000));
    // New topics follow the new parameters.
    assert_err(
        suite.create_topic_paying(&alice, topic_params(), 5_000),
        ContractError::Param(ParamError::StringTooLong {
            field: "metadata".into(),
            max: 9,
            got: "ETH/USD 1h".len() as u64,
        }),
    )
}

#[test]
fn admin_transfer_takes_two_steps() {
    let mut suite = SuiteBuilder::default().build();
    let admin = suite.admin.clone();
    let bob = suite.addr("bob");
    let carol = suite.addr("carol");
    let transfer = ExecuteMsg::UpdateOwnership(Action::TransferOwnership {
        new_owner: bob.to_string(),
        expiry: None,
    });
    assert_err(
        suite.execute(&carol, &transfer),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    let r = suite.execute(&admin, &transfer).unwrap();
    assert_eq!(attr(&r, "action").as_deref(), Some("update_ownership"));
    let o: Ownership<String> = suite.query(&QueryMsg::Ownership {}).unwrap();
    assert_eq!(o.owner, Some(admin.to_string()));
    assert_eq!(o.pending_owner, Some(bob.to_string()));
    // Still the old admin until accepted.
    suite
        .execute(
            &admin,
            &ExecuteMsg::SetWhitelistEnabled {
                list: WhitelistKind::Workers,
                enabled: false,
            },
        )
        .unwrap();
    assert_err(
        suite.execute(
            &carol,
            &ExecuteMsg::UpdateOwnership(Action::AcceptOwnership),
        ),
        ContractError::Ownership(cw_ownable::OwnershipError::NotPendingOwner),
    );
    suite
        .execute(&bob, &ExecuteMsg::UpdateOwnership(Action::AcceptOwnership))
        .unwrap();
    let o: Ownership<String> = suite.query(&QueryMsg::Ownership {}).unwrap();
    assert_eq!((o.owner, o.pending_owner), (Some(bob.to_string()), None));
    assert_err(
        suite.execute(
            &admin,
            &ExecuteMsg::UpdateParams {
                params: GlobalParams::defaults(DECIMALS),
            },
        ),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    suite
        .execute(
            &bob,
            &ExecuteMsg::UpdateParams {
                params: GlobalParams::defaults(DECIMALS),
            },
        )
        .unwrap();
}

fn is_whitelisted(
    suite: &Suite,
    list: WhitelistKind,
    who: &cosmwasm_std::Addr,
) -> IsWhitelistedResponse {
    suite
        .query(&QueryMsg::IsWhitelisted {
            list,
            address: who.to_string(),
        })
        .unwrap()
}

#[test]
fn whitelists_are_off_by_default_and_gate_when_on() {
    let mut suite = SuiteBuilder::default().build();
    let admin = suite.admin.clone();
    let alice = suite.addr("alice");
    let bob = suite.addr("bob");

    let w = is_whitelisted(&suite, WhitelistKind::TopicCreators, &alice);
    assert!(!w.enabled && !w.whitelisted && w.allowed);
    suite.create_topic(&alice, topic_params()).unwrap();

    // Creator whitelist on.
    let r = suite
        .execute(
            &admin,
            &ExecuteMsg::SetWhitelistEnabled {
                list: WhitelistKind::TopicCreators,
                enabled: true,
            },
        )
        .unwrap();
    assert_eq!(attr(&r, "action").as_deref(), Some("set_whitelist_enabled"));
    assert_err(
        suite.create_topic_paying(&alice, topic_params(), 10_000),
        ContractError::NotWhitelisted {
            list: "topic_creators".into(),
            address: alice.to_string(),
        },
    );
    let r = suite
        .execute(
            &admin,
            &ExecuteMsg::UpdateWhitelist {
                list: WhitelistKind::TopicCreators,
                add: vec![alice.to_string(), bob.to_string()],
                remove: vec![],
            },
        )
        .unwrap();
    assert_eq!(attr(&r, "action").as_deref(), Some("update_whitelist"));
    let w = is_whitelisted(&suite, WhitelistKind::TopicCreators, &alice);
    assert!(w.enabled && w.whitelisted && w.allowed);
    assert_eq!(suite.create_topic(&alice, topic_params()).unwrap(), 2);

    let list: WhitelistResponse = suite
        .query(&QueryMsg::Whitelist {
            list: WhitelistKind::TopicCreators,
            start_after: None,
            limit: None,
        })
        .unwrap();
    let mut expected = vec![alice.clone(), bob.clone()];
    expected.sort();
    assert!(list.enabled);
    assert_eq!(list.addresses, expected);
    let page: WhitelistResponse = suite
        .query(&QueryMsg::Whitelist {
            list: WhitelistKind::TopicCreators,
            start_after: Some(expected[0].to_string()),
            limit: Some(1),
        })
        .unwrap();
    assert_eq!(page.addresses, vec![expected[1].clone()]);
    // Lists are separate.
    assert!(!is_whitelisted(&suite, WhitelistKind::Workers, &alice).whitelisted);

    suite
        .execute(
            &admin,
            &ExecuteMsg::UpdateWhitelist {
                list: WhitelistKind::TopicCreators,
                add: vec![],
                remove: vec![alice.to_string()],
            },
        )
        .unwrap();
    assert_err(
        suite.create_topic_paying(&alice, topic_params(), 10_000),
        ContractError::NotWhitelisted {
            list: "topic_creators".into(),
            address: alice.to_string(),
        },
    );
    // Off again: everyone may create.
    suite
        .execute(
            &admin,
            &ExecuteMsg::SetWhitelistEnabled {
                list: WhitelistKind::TopicCreators,
                enabled: false,
            },
        )
        .unwrap();
    suite.create_topic(&alice, topic_params()).unwrap();

    // Workers and reputers.
    for (list, role, name) in [
        (WhitelistKind::Workers, Role::Worker, "workers"),
        (WhitelistKind::Reputers, Role::Reputer, "reputers"),
    ] {
        suite
            .execute(
                &admin,
                &ExecuteMsg::SetWhitelistEnabled {
                    list,
                    enabled: true,
                },
            )
            .unwrap();
        assert_err(
            suite.register(&bob, 1, role, None),
            ContractError::NotWhitelisted {
                list: name.into(),
                address: bob.to_string(),
            },
        );
        suite
            .execute(
                &admin,
                &ExecuteMsg::UpdateWhitelist {
                    list,
                    add: vec![bob.to_string()],
                    remove: vec![],
                },
            )
            .unwrap();
        suite.register(&bob, 1, role, None).unwrap();
    }
    suite.assert_conservation();
}

#[test]
fn whitelist_updates_are_bounded_and_admin_only() {
    let mut suite = SuiteBuilder::default().build();
    let admin = suite.admin.clone();
    let alice = suite.addr("alice");
    let many: Vec<String> = (0..101)
        .map(|i| suite.addr(&format!("u{i}")).to_string())
        .collect();
    assert_err(
        suite.execute(
            &admin,
            &ExecuteMsg::UpdateWhitelist {
                list: WhitelistKind::Workers,
                add: many[..60].to_vec(),
                remove: many[60..].to_vec(),
            },
        ),
        ContractError::TooManyWhitelistChanges { max: 100, got: 101 },
    );
    suite
        .execute(
            &admin,
            &ExecuteMsg::UpdateWhitelist {
                list: WhitelistKind::Workers,
                add: many[..100].to_vec(),
                remove: vec![],
            },
        )
        .unwrap();
    assert_err(
        suite.execute(
            &admin,
            &ExecuteMsg::UpdateWhitelist {
                list: WhitelistKind::Workers,
                add: vec![],
                remove: vec![],
            },
        ),
        ContractError::NothingToUpdate {},
    );
    assert_err(
        suite.execute(
            &alice,
            &ExecuteMsg::UpdateWhitelist {
                list: WhitelistKind::Workers,
                add: vec![alice.to_string()],
                remove: vec![],
            },
        ),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    assert_err(
        suite.execute(
            &alice,
            &ExecuteMsg::SetWhitelistEnabled {
                list: WhitelistKind::Workers,
                enabled: true,
            },
        ),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    // A bad address anywhere: nothing is written.
    let r = suite.execute(
        &admin,
        &ExecuteMsg::UpdateWhitelist {
            list: WhitelistKind::Reputers,
            add: vec![alice.to_string(), "Not An Address".into()],
            remove: vec![],
        },
    );
    assert!(r.is_err());
    assert!(!is_whitelisted(&suite, WhitelistKind::Reputers, &alice).whitelisted);
    // Default page size 10, maximum 100.
    let page: WhitelistResponse = suite
        .query(&QueryMsg::Whitelist {
            list: WhitelistKind::Workers,
            start_after: None,
            limit: None,
        })
        .unwrap();
    assert_eq!(page.addresses.len(), 10);
    let page: WhitelistResponse = suite
        .query(&QueryMsg::Whitelist {
            list: WhitelistKind::Workers,
            start_after: None,
            limit: Some(1_000),
        })
        .unwrap();
    assert_eq!(page.addresses.len(), 100);
}

#[test]
fn migrate_keeps_the_name_and_refuses_other_contracts() {
    let mut suite = SuiteBuilder::default().build();
    let admin = suite.admin.clone();
    let registry = suite.registry.clone();
    let code = suite.registry_code;
    let r = suite
        .app
        .migrate_contract(admin.clone(), registry.clone(), &MigrateMsg {}, code)
        .unwrap();
    assert_eq!(attr(&r, "action").as_deref(), Some("migrate"));
    cw2::set_contract_version(
        &mut *suite.app.contract_storage_mut(&registry),
        "crates.io:fee-vault",
        "0.1.0",
    )
    .unwrap();
    assert_err(
        suite
            .app
            .migrate_contract(admin, registry, &MigrateMsg {}, code),
        ContractError::Migrate(MigrateError::WrongContract {
            stored: "crates.io:fee-vault".into(),
            expected: "crates.io:topic-registry".into(),
        }),
    );
}
