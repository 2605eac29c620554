//! The deploy plan of nous-chain on cw-multi-test: the order, a deployment interrupted
//! after any step and resumed from its record, wiring found already done on the chain,
//! and verification of a finished deployment.

use cosmwasm_std::{coins, Addr, Uint128};
use cw20::Denom;
use cw_multi_test::{App, AppBuilder, Executor};
use nous_chain::{
    adopt_code, deploy, plan, verify, Chain, ChainExt, DeployError, Deployment, Step, StepOutcome,
    SuiteConfig, SuiteContract, Wire,
};
use nous_tests::{AppChain, DENOM};
use nous_types::topic_registry as registry_msg;

fn config(app: &App) -> SuiteConfig {
    let admin = app.api().addr_make("admin");
    let security = app.api().addr_make("security");
    SuiteConfig::new(
        admin.as_str(),
        Denom::Native(DENOM.into()),
        6,
        security.as_str(),
        1_000_000_000,
    )
}

fn fresh() -> (App, Deployment) {
    let app = App::default();
    let record = Deployment::new(app.block_info().chain_id, config(&app));
    (app, record)
}

#[test]
fn the_plan_is_the_suites_dependency_order() {
    let (app, record) = fresh();
    let ids: Vec<String> = plan(&record.config).iter().map(Step::id).collect();
    assert_eq!(
        ids,
        [
            "store topic-registry",
            "store fee-vault",
            "store staking",
            "instantiate topic-registry",
            "instantiate fee-vault",
            "instantiate staking",
            "wire topic-registry.fee_vault",
            "store synthesis",
            "instantiate synthesis",
            "wire topic-registry.synthesis",
            "store reward-distribution",
            "instantiate reward-distribution",
            "wire fee-vault.reward_distributor",
            "wire staking.reward_distributor",
            "wire synthesis.reward_distribution",
            "store example-consumer",
        ]
    );
    let mut c = config(&app);
    c.push_registrations = false;
    c.activity_gate = false;
    let steps = plan(&c);
    assert!(!steps.contains(&Step::Wire(Wire::RegistrySynthesis)));
    assert!(!steps.contains(&Step::Wire(Wire::SynthesisRewardDistribution)));
    assert_eq!(steps.len(), 14);
}

#[test]
fn a_deployment_stopped_after_any_step_finishes_from_its_record() {
    let (mut app, mut full) = fresh();
    deploy(
        &mut AppChain::borrowed(&mut app),
        &mut full,
        &mut |_, _, _| Ok(()),
    )
    .unwrap();
    assert!(full.is_complete());
    let steps = plan(&full.config).len();

    for stop_after in 0..steps - 1 {
        let (mut app, mut record) = fresh();
        let mut seen = 0;
        let stopped = deploy(
            &mut AppChain::borrowed(&mut app),
            &mut record,
            &mut |_, step, _| {
                seen += 1;
                if seen > stop_after {
                    Err(DeployError::Stopped(step.id()))
                } else {
                    Ok(())
                }
            },
        );
        assert!(matches!(stopped, Err(DeployError::Stopped(_))));
        assert!(!record.is_complete());
        // The record survives a trip through its JSON file.
        let text = serde_json::to_string(&record).unwrap();
        let mut record: Deployment = serde_json::from_str(&text).unwrap();

        let mut sent = 0;
        deploy(
            &mut AppChain::borrowed(&mut app),
            &mut record,
            &mut |_, _, outcome| {
                if matches!(outcome, StepOutcome::Sent(_)) {
                    sent += 1;
                }
                Ok(())
            },
        )
        .unwrap();
        assert!(record.is_complete());
        // Only the steps the first run did not record were sent again; each contract
        // once, with the code ids and addresses of an uninterrupted deployment.
        assert_eq!(sent, steps - (stop_after + 1), "stopped after {stop_after}");
        assert_eq!(record.codes, full.codes);
        assert_eq!(record.contracts, full.contracts);
        verify(&AppChain::borrowed(&mut app), &record).unwrap();
    }
}

#[test]
fn wiring_already_on_the_chain_is_recorded_without_a_transaction() {
    let (mut app, mut record) = fresh();
    // Deploy up to synthesis, then do its registry wiring by hand (as an operator
    // would after a crash that lost the record's last write).
    let _ = deploy(
        &mut AppChain::borrowed(&mut app),
        &mut record,
        &mut |_, step, _| {
            if *step == Step::Instantiate(SuiteContract::Synthesis) {
                Err(DeployError::Stopped(step.id()))
            } else {
                Ok(())
            }
        },
    );
    let admin = Addr::unchecked(&record.config.admin);
    let registry = record
        .address(SuiteContract::TopicRegistry)
        .unwrap()
        .clone();
    let synthesis = record.address(SuiteContract::Synthesis).unwrap().clone();
    app.execute_contract(
        admin,
        registry,
        &registry_msg::ExecuteMsg::UpdateConfig {
            fee_vault: None,
            synthesis: Some(synthesis.to_string()),
        },
        &[],
    )
    .unwrap();
    let mut outcomes = vec![];
    deploy(
        &mut AppChain::borrowed(&mut app),
        &mut record,
        &mut |_, step, outcome| {
            outcomes.push((*step, outcome.clone()));
            Ok(())
        },
    )
    .unwrap();
    let wire = outcomes
        .iter()
        .find(|(s, _)| *s == Step::Wire(Wire::RegistrySynthesis))
        .unwrap();
    assert_eq!(wire.1, StepOutcome::FoundOnChain);
    assert!(record.wiring["topic-registry.synthesis"].done);
    assert_eq!(record.wiring["topic-registry.synthesis"].tx, "");
}

#[test]
fn verify_finds_a_record_that_does_not_match_the_chain() {
    let (mut app, mut record) = fresh();
    deploy(
        &mut AppChain::borrowed(&mut app),
        &mut record,
        &mut |_, _, _| Ok(()),
    )
    .unwrap();
    // A record claiming a contract runs another code.
    let mut wrong = record.clone();
    wrong
        .contracts
        .get_mut(&SuiteContract::Staking)
        .unwrap()
        .code_id = 99;
    let err = verify(&AppChain::borrowed(&mut app), &wrong).unwrap_err();
    assert!(err.to_string().contains("staking"), "{err}");
    // A record for another chain is refused before anything is sent.
    let mut other = Deployment::new("other-chain-1", record.config.clone());
    let err = deploy(
        &mut AppChain::borrowed(&mut app),
        &mut other,
        &mut |_, _, _| Ok(()),
    )
    .unwrap_err();
    assert!(matches!(err, DeployError::WrongChain { .. }), "{err}");
}

#[test]
fn the_plan_deploys_into_a_callers_app_built_with_app_builder() {
    // An App with its own genesis, as a caller's test would build it.
    let mut app = AppBuilder::new().build(|router, api, storage| {
        router
            .bank
            .init_balance(storage, &api.addr_make("dapp"), coins(10_000, DENOM))
            .unwrap();
    });
    let mut record = Deployment::new(app.block_info().chain_id, config(&app));
    let mut chain = AppChain::borrowed(&mut app);
    deploy(&mut chain, &mut record, &mut |_, _, _| Ok(())).unwrap();
    let vault = record.address(SuiteContract::FeeVault).unwrap();
    let vault_config: nous_types::fee_vault::Config = chain
        .query(vault, &nous_types::fee_vault::QueryMsg::Config {})
        .unwrap();
    assert_eq!(vault_config.read_fee, Uint128::new(500));
    assert_eq!(
        vault_config.reward_distributor.as_ref(),
        record.address(SuiteContract::RewardDistribution)
    );
    assert_eq!(
        record.code_id(SuiteContract::ExampleConsumer),
        Some(6),
        "the consumer's code is stored for dApps"
    );
}

#[test]
fn code_stored_by_governance_is_adopted_after_its_checksum_is_checked() {
    let (mut app, mut record) = fresh();
    // Someone (a governance proposal) stored synthesis before the deployment.
    let gov = app.api().addr_make("gov");
    let code_id =
        app.store_code_with_creator(gov, nous_tests::chain::suite_code(SuiteContract::Synthesis));
    let checksum = app
        .wrap()
        .query_wasm_code_info(code_id)
        .unwrap()
        .checksum
        .to_hex();
    let chain = AppChain::borrowed(&mut app);
    let wrong = "00".repeat(32);
    let err = adopt_code(
        &chain,
        &mut record,
        SuiteContract::Synthesis,
        code_id,
        &wrong,
    )
    .unwrap_err();
    assert!(err.to_string().contains("checksum"), "{err}");
    assert!(record.codes.is_empty());
    adopt_code(
        &chain,
        &mut record,
        SuiteContract::Synthesis,
        code_id,
        &checksum,
    )
    .unwrap();

    let mut stored = vec![];
    let mut chain = AppChain::borrowed(&mut app);
    deploy(&mut chain, &mut record, &mut |_, step, outcome| {
        if matches!(step, Step::Store(_)) && matches!(outcome, StepOutcome::Sent(_)) {
            stored.push(*step);
        }
        Ok(())
    })
    .unwrap();
    assert!(!stored.contains(&Step::Store(SuiteContract::Synthesis)));
    assert_eq!(stored.len(), 5);
    let synthesis = record.address(SuiteContract::Synthesis).unwrap();
    assert_eq!(chain.contract_code_id(synthesis).unwrap(), code_id);
}
