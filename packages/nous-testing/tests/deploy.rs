//! Deploying into Apps of different shapes, both kinds of token, and the canned epochs'
//! refusals.

use cosmwasm_std::testing::MockApi;
use cosmwasm_std::SignedDecimal;
use cw20::Denom;
use cw_multi_test::{App, AppBuilder};
use nous_chain::SuiteContract;
use nous_testing::{topic_params, NousBuilder, SuiteApp};
use nous_types::synthesis::InferencePath;
use nous_types::topic_registry::TopicParams;

fn value(s: &str) -> SignedDecimal {
    s.parse().unwrap()
}

#[test]
fn addresses_are_made_as_mock_api_makes_them_with_the_apps_own_prefix() {
    let app = App::default();
    assert_eq!(
        app.make_addr("alice").unwrap(),
        app.api().addr_make("alice")
    );
    let app = AppBuilder::new()
        .with_api(MockApi::default().with_prefix("osmo"))
        .build(|_, _, _| {});
    let alice = app.make_addr("alice").unwrap();
    assert!(alice.as_str().starts_with("osmo1"), "{alice}");
    assert_eq!(alice, app.api().addr_make("alice"));
}

#[test]
fn the_suite_deploys_with_a_chain_prefix_and_publishes() {
    let mut app = AppBuilder::new()
        .with_api(MockApi::default().with_prefix("osmo"))
        .build(|_, _, _| {});
    let mut nous = NousBuilder::new().deploy(&mut app).unwrap();
    assert!(nous.synthesis.as_str().starts_with("osmo1"));
    let params = TopicParams {
        allow_negative: true,
        ..topic_params(12, 6, 12)
    };
    let topic = nous.canned_topic(&mut app, params).unwrap();
    let latest = nous
        .publish_inference(&mut app, topic, value("-2.5"))
        .unwrap();
    // the median of -2.525, -2.5, -2.475
    assert_eq!(latest.value, value("-2.5"));
    nous.check_books(&app).unwrap();
}

#[test]
fn every_contract_is_deployed_and_wired_by_the_plan() {
    let mut app = App::default();
    let nous = NousBuilder::new()
        .with_read_fee(42)
        .deploy(&mut app)
        .unwrap();
    assert!(nous.deployment.is_complete());
    for c in SuiteContract::ALL {
        assert!(nous.deployment.code_id(c).is_some(), "{c} stored");
    }
    let registry_config: nous_types::topic_registry::ConfigResponse = app
        .query(
            &nous.registry,
            &nous_types::topic_registry::QueryMsg::Config {},
        )
        .unwrap();
    assert_eq!(registry_config.synthesis, Some(nous.synthesis.clone()));
    assert_eq!(nous.denom, Denom::Native("unous".into()));
    let t = nous
        .create_topic(&mut app, &nous.admin.clone(), topic_params(12, 6, 12))
        .unwrap_err();
    // the admin holds nothing: the creation fee is really charged
    assert!(format!("{t:#}").contains("unous"), "{t:#}");
}

#[test]
fn a_cw20_deployment_runs_the_same_epochs_and_keeps_its_books() {
    let mut app = App::default();
    let holder = app.api().addr_make("holder");
    let mut nous = NousBuilder::new()
        .with_cw20(vec![(holder.clone(), 1_000_000)])
        .deploy(&mut app)
        .unwrap();
    let Denom::Cw20(token) = &nous.denom else {
        panic!("a cw20 deployment")
    };
    assert_eq!(nous.balance(&app, &holder).unwrap(), 1_000_000);
    assert_eq!(app.native_balance(&holder, token.as_str()).unwrap(), 0);
    let topic = nous
        .canned_topic(&mut app, topic_params(12, 6, 24))
        .unwrap();
    let mut paths = vec![];
    for v in ["10", "11", "12", "13"] {
        let latest = nous.publish_inference(&mut app, topic, value(v)).unwrap();
        assert_eq!(
            latest.value,
            value(v),
            "the median, then a weighted mean of answers symmetric around it"
        );
        paths.push(latest.path);
        nous.check_books(&app).unwrap();
    }
    // lag 2 epochs: the first losses close after the third nonce's window
    assert_eq!(paths[0], InferencePath::NoLossYet);
    assert!(matches!(paths[3], InferencePath::Full { .. }), "{paths:?}");
    // the reputers' bundles were used: the network losses of nonce 1 exist
    let first = nous.latest_value(&app, topic).unwrap().nonce - 3;
    let losses = nous.network_losses(&app, topic, first).unwrap();
    assert_eq!(losses.reputers.len(), 2);
    // the holder pays a read in cw20 and the fee reaches the vault
    let before = nous.treasury(&app).unwrap();
    nous.pay_for_read(&mut app, &holder, topic).unwrap();
    assert_eq!(nous.treasury(&app).unwrap(), before + 500);
    nous.check_books(&app).unwrap();
}

#[test]
fn publishing_needs_a_canned_topic() {
    let mut app = App::default();
    let mut nous = NousBuilder::new().deploy(&mut app).unwrap();
    let creator = app.api().addr_make("creator");
    let fee = nous.params(&app).unwrap().registry.create_topic_fee.u128();
    nous.fund(&mut app, &creator, fee).unwrap();
    let topic = nous
        .create_topic(&mut app, &creator, topic_params(12, 6, 12))
        .unwrap();
    let err = nous
        .publish_inference(&mut app, topic, value("1"))
        .unwrap_err();
    assert!(err.to_string().contains("not a canned topic"), "{err}");
    assert!(nous.latest_value(&app, topic).is_err(), "nothing published");
}
