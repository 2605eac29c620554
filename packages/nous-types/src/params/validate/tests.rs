//! Bounds of the global and topic parameters, at and past each edge.

use super::*;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn registry() -> RegistryParams {
    GlobalParams::defaults(6).registry
}

fn topic() -> TopicParams {
    TopicParams {
        metadata: "ETH 10-minute price".into(),
        loss_method: "mse".into(),
        epoch_length: 12,
        worker_submission_window: 4,
        ground_truth_lag: 24,
        reveal_window: 0,
        payload_fee: cosmwasm_std::Uint128::zero(),
        p_norm: dec("3"),
        alpha_regret: dec("0.1"),
        alpha_regret_forecasters: None,
        allow_negative: false,
        epsilon: dec("0.01"),
        merit_sortition_alpha: dec("0.1"),
        active_inferer_quantile: dec("0.25"),
        active_forecaster_quantile: dec("0.25"),
        active_reputer_quantile: dec("0.25"),
        rules: Default::default(),
    }
}

fn check(f: impl Fn(&mut TopicParams)) -> Result<(), ParamError> {
    let mut t = topic();
    f(&mut t);
    t.validate(&registry())
}

#[test]
fn bounds_read_as_intervals() {
    assert_eq!(P_NORM.to_string(), "[2.5, 4.5]");
    assert_eq!(P_NORM_SAFE_DIV.to_string(), "(0, 10]");
    assert_eq!(EPSILON.to_string(), "[0.000000001, 1]");
    assert_eq!(C_NORM.to_string(), "[-10, 10]");
    assert_eq!(MIN_TOPIC_WEIGHT.to_string(), ">= 0");
    assert_eq!(BLOCKS.to_string(), ">= 1");
    assert_eq!(TOKEN_DECIMALS.to_string(), "[0, 18]");
}

#[test]
fn a_decimal_beyond_the_maths_range_is_out_of_every_bound() {
    let mut g = GlobalParams::defaults(6);
    g.rewards.min_topic_weight = Decimal::MAX;
    assert_eq!(
        g.validate(),
        Err(ParamError::InvalidGlobalParam {
            field: "rewards.min_topic_weight".into(),
            value: Decimal::MAX.to_string(),
            expected: ">= 0".into(),
        })
    );
}

#[test]
fn p_norm_bounds_are_inclusive() {
    check(|t| t.p_norm = dec("2.5")).unwrap();
    check(|t| t.p_norm = dec("4.5")).unwrap();
    for bad in ["2.49", "4.51", "0"] {
        assert_eq!(
            check(|t| t.p_norm = dec(bad)),
            Err(ParamError::InvalidTopicParam {
                field: "p_norm".into(),
                value: dec(bad).to_string(),
                expected: "[2.5, 4.5]".into()
            })
        );
    }
}

#[test]
fn worker_window_is_between_one_block_and_the_epoch() {
    check(|t| t.worker_submission_window = t.epoch_length).unwrap();
    check(|t| t.worker_submission_window = 1).unwrap();
    for got in [0, 13] {
        assert_eq!(
            check(|t| t.worker_submission_window = got),
            Err(ParamError::WorkerWindowOutOfRange {
                epoch_length: 12,
                got
            })
        );
    }
}

#[test]
fn a_forecaster_regret_smoothing_has_alpha_regrets_bounds() {
    check(|t| t.alpha_regret_forecasters = Some(dec("0.5"))).unwrap();
    check(|t| t.alpha_regret_forecasters = Some(dec("1"))).unwrap();
    for bad in ["0", "1.01"] {
        assert_eq!(
            check(|t| t.alpha_regret_forecasters = Some(dec(bad))),
            Err(ParamError::InvalidTopicParam {
                field: "alpha_regret_forecasters".into(),
                value: dec(bad).to_string(),
                expected: ALPHA_REGRET.to_string(),
            })
        );
    }
    // absent from the JSON: the field is optional (topics stored before it existed)
    let json = cosmwasm_std::to_json_string(&topic()).unwrap();
    assert!(!json.contains("alpha_regret_forecasters"), "{json}");
    assert_eq!(
        cosmwasm_std::from_json::<TopicParams>(json.as_bytes()).unwrap(),
        topic()
    );
}

#[test]
fn the_reveal_window_fits_the_epoch_after_the_worker_window() {
    check(|t| t.reveal_window = 8).unwrap(); // 4 + 8 = 12
    for got in [9, u64::MAX] {
        assert_eq!(
            check(|t| t.reveal_window = got),
            Err(ParamError::RevealWindowOutOfRange {
                epoch_length: 12,
                worker_window: 4,
                got
            })
        );
    }
}

#[test]
fn epoch_length_respects_the_minimum() {
    check(|t| t.epoch_length = 12).unwrap();
    assert_eq!(
        check(|t| {
            t.epoch_length = 11;
            t.worker_submission_window = 4;
        }),
        Err(ParamError::EpochLengthTooShort { min: 12, got: 11 })
    );
}

#[test]
fn ground_truth_lag_between_one_and_max_epochs() {
    check(|t| t.ground_truth_lag = 12).unwrap();
    check(|t| t.ground_truth_lag = 100 * 12).unwrap();
    for got in [11, 101 * 12, 1201] {
        assert_eq!(
            check(|t| t.ground_truth_lag = got),
            Err(ParamError::GroundTruthLagOutOfRange {
                min: 12,
                max: 1200,
                got
            })
        );
    }
    // The product saturates instead of overflowing.
    check(|t| {
        t.epoch_length = u64::MAX / 2;
        t.ground_truth_lag = u64::MAX;
    })
    .unwrap();
}

#[test]
fn strings_are_non_empty_and_at_most_max_bytes() {
    check(|t| t.metadata = "a".repeat(255)).unwrap();
    check(|t| t.loss_method = "a".repeat(255)).unwrap();
    assert_eq!(
        check(|t| t.metadata = "a".repeat(256)),
        Err(ParamError::StringTooLong {
            field: "metadata".into(),
            max: 255,
            got: 256
        })
    );
    // bytes, not characters: 128 two-byte characters are 256 bytes
    assert_eq!(
        check(|t| t.loss_method = "é".repeat(128)),
        Err(ParamError::StringTooLong {
            field: "loss_method".into(),
            max: 255,
            got: 256
        })
    );
    for empty in ["", "  "] {
        assert_eq!(
            check(|t| t.metadata = empty.into()),
            Err(ParamError::EmptyString {
                field: "metadata".into()
            })
        );
    }
    // the cap follows the registry's parameter
    let r = RegistryParams {
        max_string_bytes: 10,
        ..registry()
    };
    let mut t = topic();
    t.metadata = "a".repeat(10);
    t.validate(&r).unwrap();
    t.metadata = "a".repeat(11);
    assert!(t.validate(&r).is_err());
}
