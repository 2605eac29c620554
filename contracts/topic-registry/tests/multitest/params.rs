//! Every parameter at and past each of its bounds, through the registry's entry points:
//! a value at a bound is accepted, a value past it is refused with the parameter's typed
//! error and changes nothing. The bounds are the maths' (`nous_math::params::bounds`),
//! so a set the registry accepts is one the maths runs.

use std::str::FromStr;

use cosmwasm_std::{Decimal, Uint128};
use cw20::Denom;
use cw_multi_test::Executor;
use nous_types::params::ParamError;
use nous_types::topic_registry::{
    ExecuteMsg, GlobalParams, InstantiateMsg, TopicParams, WhitelistFlags,
};
use topic_registry::ContractError;

use crate::suite::*;

/// Sets one parameter from its text and returns the value as the error prints it.
type SetGlobal = fn(&mut GlobalParams, &str) -> String;
type SetTopic = fn(&mut TopicParams, &str) -> String;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn n<T: FromStr>(s: &str) -> T {
    s.parse().ok().unwrap()
}

/// A parameter: its path, its setter, values at its bounds, values past them, the bound.
struct Case<S> {
    field: &'static str,
    set: S,
    at: &'static [&'static str],
    past: &'static [&'static str],
    expected: &'static str,
}

const TINY: &str = "0.000000000000000001";
const ONE_PLUS: &str = "1.000000000000000001";
const TEN_PLUS: &str = "10.000000000000000001";
/// `Fixed::MAX`, the largest decimal the maths can read, and one atomic more.
const FIXED_MAX: &str = "170141183460469231731.687303715884105727";
const FIXED_MAX_PLUS: &str = "170141183460469231731.687303715884105728";

macro_rules! dec_case {
    ($group:ident . $field:ident, $at:expr, $past:expr, $expected:expr) => {
        Case::<SetGlobal> {
            field: concat!(stringify!($group), ".", stringify!($field)),
            set: |g, v| {
                g.$group.$field = d(v);
                d(v).to_string()
            },
            at: $at,
            past: $past,
            expected: $expected,
        }
    };
}

macro_rules! count_case {
    ($group:ident . $field:ident, $at:expr, $past:expr, $expected:expr) => {
        Case::<SetGlobal> {
            field: concat!(stringify!($group), ".", stringify!($field)),
            set: |g, v| {
                g.$group.$field = n(v);
                v.to_string()
            },
            at: $at,
            past: $past,
            expected: $expected,
        }
    };
}

macro_rules! topic_case {
    ($field:ident, $at:expr, $past:expr, $expected:expr) => {
        Case::<SetTopic> {
            field: stringify!($field),
            set: |t, v| {
                t.$field = d(v);
                d(v).to_string()
            },
            at: $at,
            past: $past,
            expected: $expected,
        }
    };
}

fn global_cases() -> Vec<Case<SetGlobal>> {
    let share = "[0, 1]";
    let positive_share = "(0, 1]";
    vec![
        count_case!(registry.min_epoch_length, &["1"], &["0"], ">= 1"),
        count_case!(
            registry.max_ground_truth_lag_epochs,
            &["1", "10000"],
            &["0", "10001"],
            "[1, 10000]"
        ),
        count_case!(
            registry.max_string_bytes,
            &["1", "255"],
            &["0", "256"],
            "[1, 255]"
        ),
        Case {
            field: "staking.required_minimum_stake",
            set: |g, v| {
                g.staking.required_minimum_stake = Uint128::from_str(v).unwrap();
                v.to_string()
            },
            at: &["1"],
            past: &["0"],
            expected: ">= 1",
        },
        dec_case!(synthesis.c_norm, &["0", "10"], &[TEN_PLUS], "[-10, 10]"),
        dec_case!(
            synthesis.epsilon_safe_div,
            &[TINY, "1"],
            &["0", ONE_PLUS],
            positive_share
        ),
        dec_case!(
            synthesis.initial_regret_quantile,
            &["0", "1"],
            &[ONE_PLUS],
            share
        ),
        dec_case!(
            synthesis.p_norm_safe_div,
            &[TINY, "10"],
            &["0", TEN_PLUS, "100"],
            "(0, 10]"
        ),
        dec_case!(
            synthesis.epsilon_reputer,
            &[TINY, "1"],
            &["0", ONE_PLUS],
            positive_share
        ),
        dec_case!(
            synthesis.learning_rate,
            &[TINY, "1"],
            &["0", ONE_PLUS],
            positive_share
        ),
        count_case!(
            synthesis.gradient_descent_max_iters,
            &["1", "100"],
            &["0", "101"],
            "[1, 100]"
        ),
        dec_case!(
            synthesis.max_gradient_threshold,
            &[TINY, "1"],
            &["0", ONE_PLUS],
            positive_share
        ),
        dec_case!(
            synthesis.min_stake_fraction,
            &["0", "1"],
            &[ONE_PLUS],
            share
        ),
        count_case!(
            synthesis.max_top_inferers_to_reward,
            &["1", "128"],
            &["0", "129"],
            "[1, 128]"
        ),
        count_case!(
            synthesis.max_top_forecasters_to_reward,
            &["1", "32"],
            &["0", "33"],
            "[1, 32]"
        ),
        count_case!(
            synthesis.max_top_reputers_to_reward,
            &["1", "32"],
            &["0", "33"],
            "[1, 32]"
        ),
        count_case!(
            synthesis.max_elements_per_forecast,
            &["1", "128"],
            &["0", "129"],
            "[1, 128]"
        ),
        dec_case!(
            rewards.p_reward_inference,
            &[TINY, "10"],
            &["0", TEN_PLUS],
            "(0, 10]"
        ),
        dec_case!(
            rewards.p_reward_forecast,
            &[TINY, "10"],
            &["0", TEN_PLUS],
            "(0, 10]"
        ),
        dec_case!(
            rewards.p_reward_reputer,
            &[TINY, "10"],
            &["0", TEN_PLUS],
            "(0, 10]"
        ),
        dec_case!(
            rewards.c_reward_inference,
            &["0", "10"],
            &[TEN_PLUS],
            "[-10, 10]"
        ),
        dec_case!(
            rewards.c_reward_forecast,
            &["0", "10"],
            &[TEN_PLUS],
            "[-10, 10]"
        ),
        dec_case!(
            rewards.task_reward_alpha,
            &[TINY, "1"],
            &["0", ONE_PLUS],
            positive_share
        ),
        dec_case!(rewards.beta_entropy, &["0", "1"], &[ONE_PLUS], share),
        count_case!(
            rewards.max_samples_to_scale_scores,
            &["1", "100"],
            &["0", "101"],
            "[1, 100]"
        ),
        dec_case!(
            rewards.topic_reward_stake_importance,
            &["0", "1"],
            &[ONE_PLUS],
            share
        ),
        dec_case!(
            rewards.topic_reward_fee_revenue_importance,
            &["0", "1"],
            &[ONE_PLUS],
            share
        ),
        dec_case!(
            rewards.topic_reward_alpha,
            &[TINY, "1"],
            &["0", ONE_PLUS],
            positive_share
        ),
        dec_case!(
            rewards.min_topic_weight,
            &["0", FIXED_MAX],
            &[FIXED_MAX_PLUS],
            ">= 0"
        ),
        dec_case!(
            rewards.chain_security_share,
            &["0", "1"],
            &[ONE_PLUS],
            share
        ),
        count_case!(rewards.blocks_per_month, &["1"], &["0"], ">= 1"),
        // Fees may be zero (an admin decision): no bound to pass.
        Case {
            field: "registry.create_topic_fee",
            set: |g, v| {
                g.registry.create_topic_fee = Uint128::from_str(v).unwrap();
                v.to_string()
            },
            at: &["0"],
            past: &[],
            expected: "",
        },
        Case {
            field: "registry.registration_fee",
            set: |g, v| {
                g.registry.registration_fee = Uint128::from_str(v).unwrap();
                v.to_string()
            },
            at: &["0"],
            past: &[],
            expected: "",
        },
    ]
}

fn global_error(case: &Case<SetGlobal>, value: String) -> ContractError {
    ContractError::Param(ParamError::InvalidGlobalParam {
        field: case.field.into(),
        value,
        expected: case.expected.into(),
    })
}

#[test]
fn every_global_parameter_at_and_past_its_bounds() {
    let mut suite = SuiteBuilder::default().build();
    let admin = suite.admin.clone();
    let defaults = GlobalParams::defaults(DECIMALS);
    // 33 parameters (token_decimals: below), each at every bound, each past every bound.
    let cases = global_cases();
    assert_eq!(cases.len(), 33);
    for case in &cases {
        for v in case.at {
            let mut p = defaults.clone();
            (case.set)(&mut p, v);
            suite
                .execute(&admin, &ExecuteMsg::UpdateParams { params: p.clone() })
                .unwrap_or_else(|e| panic!("{} = {v}: {e}", case.field));
            assert_eq!(suite.params(), p);
            suite
                .execute(
                    &admin,
                    &ExecuteMsg::UpdateParams {
                        params: defaults.clone(),
                    },
                )
                .unwrap();
        }
        for v in case.past {
            let mut p = defaults.clone();
            let value = (case.set)(&mut p, v);
            // UpdateParams: refused, the stored set unchanged.
            assert_err(
                suite.execute(&admin, &ExecuteMsg::UpdateParams { params: p.clone() }),
                global_error(case, value.clone()),
            );
            assert_eq!(suite.params(), defaults, "{} = {v}", case.field);
            // Instantiate: refused, no contract.
            let msg = InstantiateMsg {
                owner: None,
                denom: Denom::Native(DENOM.into()),
                fee_vault: None,
                params: p,
                whitelists_enabled: WhitelistFlags::default(),
            };
            let code = suite.registry_code;
            assert_err(
                suite
                    .app
                    .instantiate_contract(code, admin.clone(), &msg, &[], "bad", None),
                global_error(case, value),
            );
        }
    }
}

#[test]
fn token_decimals_are_bounded_at_instantiate_and_fixed_after() {
    let mut suite = SuiteBuilder::default().build();
    let admin = suite.admin.clone();
    let code = suite.registry_code;
    let msg = |decimals: u8| InstantiateMsg {
        owner: None,
        denom: Denom::Native(DENOM.into()),
        fee_vault: None,
        params: GlobalParams {
            token_decimals: decimals,
            ..GlobalParams::defaults(DECIMALS)
        },
        whitelists_enabled: WhitelistFlags::default(),
    };
    for ok in [0u8, 18] {
        suite
            .app
            .instantiate_contract(code, admin.clone(), &msg(ok), &[], "ok", None)
            .unwrap();
    }
    for bad in [19u8, 255] {
        assert_err(
            suite
                .app
                .instantiate_contract(code, admin.clone(), &msg(bad), &[], "bad", None),
            ContractError::Param(ParamError::InvalidGlobalParam {
                field: "token_decimals".into(),
                value: bad.to_string(),
                expected: "[0, 18]".into(),
            }),
        );
    }
    let mut p = GlobalParams::defaults(DECIMALS);
    p.token_decimals = 18;
    assert_err(
        suite.execute(&admin, &ExecuteMsg::UpdateParams { params: p }),
        ContractError::TokenDecimalsFixed {
            decimals: DECIMALS,
            got: 18,
        },
    );
    assert_eq!(suite.params(), GlobalParams::defaults(DECIMALS));
}

/// Finding 6: the registry accepted `p_norm_safe_div` up to 100 while the maths refuses
/// anything above 10, so an admin could make every epoch of every topic fail.
#[test]
fn p_norm_safe_div_beyond_what_the_maths_runs_is_refused() {
    let mut suite = SuiteBuilder::default().build();
    let admin = suite.admin.clone();
    for v in ["10.000000000000000001", "50", "100"] {
        let mut p = GlobalParams::defaults(DECIMALS);
        p.synthesis.p_norm_safe_div = d(v);
        // The maths refuses it: every epoch function would fail.
        assert!(p.maths_params().unwrap().validate().is_err());
        assert_err(
            suite.execute(&admin, &ExecuteMsg::UpdateParams { params: p }),
            ContractError::Param(ParamError::InvalidGlobalParam {
                field: "synthesis.p_norm_safe_div".into(),
                value: d(v).to_string(),
                expected: "(0, 10]".into(),
            }),
        );
    }
    let mut p = GlobalParams::defaults(DECIMALS);
    p.synthesis.p_norm_safe_div = d("10");
    p.maths_params().unwrap().validate().unwrap();
    suite
        .execute(&admin, &ExecuteMsg::UpdateParams { params: p.clone() })
        .unwrap();
    assert_eq!(suite.params(), p);
}

fn topic_cases() -> Vec<Case<SetTopic>> {
    let share = "[0, 1]";
    vec![
        topic_case!(
            p_norm,
            &["2.5", "4.5"],
            &["2.499999999999999999", "4.500000000000000001", "0"],
            "[2.5, 4.5]"
        ),
        topic_case!(alpha_regret, &[TINY, "1"], &["0", ONE_PLUS], "(0, 1]"),
        topic_case!(
            epsilon,
            &["0.000000001", "1"],
            &["0.000000000999999999", ONE_PLUS, "0"],
            "[0.000000001, 1]"
        ),
        topic_case!(merit_sortition_alpha, &["0", "1"], &[ONE_PLUS], share),
        topic_case!(active_inferer_quantile, &["0", "1"], &[ONE_PLUS], share),
        topic_case!(active_forecaster_quantile, &["0", "1"], &[ONE_PLUS], share),
        topic_case!(active_reputer_quantile, &["0", "1"], &[ONE_PLUS], share),
    ]
}

/// Every decimal topic parameter, on `CreateTopic` and on `UpdateTopic` (the timing and
/// string rules: `topics::invalid_topic_params_are_refused_at_the_entry_point`).
#[test]
fn every_topic_parameter_at_and_past_its_bounds() {
    let mut suite = SuiteBuilder::default().build();
    let alice = suite.addr("alice");
    let fee = GlobalParams::defaults(DECIMALS)
        .registry
        .create_topic_fee
        .u128();
    let id = suite.create_topic(&alice, topic_params()).unwrap();
    let cases = topic_cases();
    for case in &cases {
        for v in case.at {
            let mut p = topic_params();
            (case.set)(&mut p, v);
            suite
                .execute(
                    &alice,
                    &ExecuteMsg::UpdateTopic {
                        topic_id: id,
                        params: p.clone(),
                    },
                )
                .unwrap_or_else(|e| panic!("{} = {v}: {e}", case.field));
            assert_eq!(suite.topic(id).unwrap().params, stored(&p));
            let new = suite.create_topic(&alice, p.clone()).unwrap();
            assert_eq!(suite.topic(new).unwrap().params, stored(&p));
        }
        let before = suite.topic(id).unwrap();
        let (topics, balance) = (suite.topics(None, Some(100)).len(), suite.balance(&alice));
        for v in case.past {
            let mut p = topic_params();
            let value = (case.set)(&mut p, v);
            let expected = || {
                ContractError::Param(ParamError::InvalidTopicParam {
                    field: case.field.into(),
                    value: value.clone(),
                    expected: case.expected.into(),
                })
            };
            assert_err(
                suite.create_topic_paying(&alice, p.clone(), fee),
                expected(),
            );
            assert_err(
                suite.execute(
                    &alice,
                    &ExecuteMsg::UpdateTopic {
                        topic_id: id,
                        params: p,
                    },
                ),
                expected(),
            );
            assert_eq!(suite.topic(id).unwrap(), before);
            assert_eq!(suite.topics(None, Some(100)).len(), topics);
            assert_eq!(suite.balance(&alice), balance);
        }
    }
    suite.assert_conservation();
}

/// The README's instantiate example is a valid message whose parameters are the defaults
/// of a 6-decimal token (the documentation cannot drift from the code).
#[test]
fn the_readme_instantiate_example_is_the_six_decimal_defaults() {
    let readme = include_str!("../../README.md");
    let section = &readme[readme.find("## Instantiate").unwrap()..];
    let start = section.find("```json").unwrap() + "```json".len();
    let end = start + section[start..].find("```").unwrap();
    let msg: InstantiateMsg = cosmwasm_std::from_json(&section.as_bytes()[start..end]).unwrap();
    assert_eq!(msg.params, GlobalParams::defaults(6));
    msg.params.validate().unwrap();
}
