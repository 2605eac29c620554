//! Validation of the denom, the global parameters (MATH.md §2.1) and a topic's parameters
//! (MATH.md §2.2 and DESIGN.md "Time"). Pure functions over plain data, unit-tested at
//! every bound.

use cosmwasm_std::{Api, Decimal, Uint128};
use cw20::Denom;
use nous_types::topic_registry::{GlobalParams, TopicParams};

use crate::ContractError;

/// Largest active inferer set per topic and epoch: the one-out regret tables grow with the
/// square of the active set (DESIGN.md "Gas"), 128 is the large configuration measured.
pub const MAX_ACTIVE_INFERERS: u32 = 128;
/// Largest active forecaster set (DESIGN.md's large configuration uses 24).
pub const MAX_ACTIVE_FORECASTERS: u32 = 32;
/// Largest active reputer set (DESIGN.md's large configuration uses 24).
pub const MAX_ACTIVE_REPUTERS: u32 = 32;
/// A forecast cannot name more inferers than an active set holds.
pub const MAX_ELEMENTS_PER_FORECAST: u32 = MAX_ACTIVE_INFERERS;
/// Cap on reputer-consensus gradient iterations (bounded work per settlement).
pub const MAX_GRADIENT_DESCENT_ITERS: u32 = 100;
/// Cap on the score sample used for the reward spread (bounded stored history).
pub const MAX_SAMPLES_TO_SCALE_SCORES: u32 = 100;
/// Cap on the ground-truth lag in epochs (bounds how long payloads wait for losses).
pub const MAX_GROUND_TRUTH_LAG_EPOCHS: u64 = 10_000;
/// SECURITY.md §1: strings are at most 255 bytes.
pub const MAX_STRING_BYTES: u32 = 255;
/// Ceiling for the exponents `p` and centres `c` of the reward mappings: beyond it the
/// fixed-point maths would overflow for realistic scores.
pub const MAX_EXPONENT: u64 = 10;

/// An interval of decimals, each end open or closed, for readable errors.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    pub min: Decimal,
    pub min_inclusive: bool,
    pub max: Decimal,
    pub max_inclusive: bool,
}

impl Range {
    /// `[min, max]`
    pub const fn closed(min: Decimal, max: Decimal) -> Self {
        Range {
            min,
            min_inclusive: true,
            max,
            max_inclusive: true,
        }
    }
    /// `(min, max]`
    pub const fn left_open(min: Decimal, max: Decimal) -> Self {
        Range {
            min,
            min_inclusive: false,
            max,
            max_inclusive: true,
        }
    }
    /// `[min, max)`
    pub const fn right_open(min: Decimal, max: Decimal) -> Self {
        Range {
            min,
            min_inclusive: true,
            max,
            max_inclusive: false,
        }
    }
    /// `(0, Decimal::MAX]`, i.e. strictly positive.
    pub const fn positive() -> Self {
        Range::left_open(Decimal::zero(), Decimal::MAX)
    }

    pub fn contains(&self, v: Decimal) -> bool {
        let above = if self.min_inclusive {
            v >= self.min
        } else {
            v > self.min
        };
        let below = if self.max_inclusive {
            v <= self.max
        } else {
            v < self.max
        };
        above && below
    }

    pub fn describe(&self) -> String {
        if self.max == Decimal::MAX && self.max_inclusive {
            return if self.min_inclusive {
                format!(">= {}", self.min)
            } else {
                format!("> {}", self.min)
            };
        }
        format!(
            "{}{}, {}{}",
            if self.min_inclusive { '[' } else { '(' },
            self.min,
            self.max,
            if self.max_inclusive { ']' } else { ')' }
        )
    }
}

const FRACTION: Range = Range::closed(Decimal::zero(), Decimal::one());
/// EMA factors and step sizes: 0 would freeze the quantity for ever.
const POSITIVE_FRACTION: Range = Range::left_open(Decimal::zero(), Decimal::one());
const QUANTILE: Range = Range::right_open(Decimal::zero(), Decimal::one());
const EXPONENT: Range = Range::left_open(
    Decimal::zero(),
    Decimal::raw(MAX_EXPONENT as u128 * 1_000_000_000_000_000_000),
);
const CENTRE: Range = Range::closed(
    Decimal::zero(),
    Decimal::raw(MAX_EXPONENT as u128 * 1_000_000_000_000_000_000),
);
/// MATH.md §2.2: 2.5 <= p <= 4.5.
pub const P_NORM: Range = Range::closed(Decimal::permille(2_500), Decimal::permille(4_500));

fn global_dec(field: &str, v: Decimal, r: Range) -> Result<(), ContractError> {
    if r.contains(v) {
        Ok(())
    } else {
        Err(ContractError::InvalidGlobalParam {
            field: field.to_string(),
            value: v.to_string(),
            expected: r.describe(),
        })
    }
}

fn global_count<T>(field: &str, v: T, min: T, max: T) -> Result<(), ContractError>
where
    T: PartialOrd + std::fmt::Display,
{
    if v >= min && v <= max {
        Ok(())
    } else {
        Err(ContractError::InvalidGlobalParam {
            field: field.to_string(),
            value: v.to_string(),
            expected: format!("[{min}, {max}]"),
        })
    }
}

fn topic_dec(field: &str, v: Decimal, r: Range) -> Result<(), ContractError> {
    if r.contains(v) {
        Ok(())
    } else {
        Err(ContractError::InvalidTopicParam {
            field: field.to_string(),
            value: v.to_string(),
            expected: r.describe(),
        })
    }
}

/// A required string: non-empty and at most `max` bytes.
pub fn check_string(field: &str, s: &str, max: u32) -> Result<(), ContractError> {
    if s.trim().is_empty() {
        return Err(ContractError::EmptyString {
            field: field.to_string(),
        });
    }
    let len = s.len() as u64;
    if len > u64::from(max) {
        return Err(ContractError::StringTooLong {
            field: field.to_string(),
            max,
            got: len,
        });
    }
    Ok(())
}

/// The suite's token: a cw20 address must be a valid address; a native denom follows the
/// Cosmos SDK rule (3..=128 chars, a letter first, then letters, digits, `/:._-`).
pub fn validate_denom(api: &dyn Api, denom: &Denom) -> Result<Denom, ContractError> {
    match denom {
        Denom::Cw20(addr) => Ok(Denom::Cw20(api.addr_validate(addr.as_str())?)),
        Denom::Native(d) => {
            let ok_len = (3..=128).contains(&d.len());
            let mut chars = d.chars();
            let ok_first = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
            let ok_rest = chars
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | ':' | '.' | '_' | '-'));
            if ok_len && ok_first && ok_rest {
                Ok(denom.clone())
            } else {
                Err(ContractError::InvalidDenom { denom: d.clone() })
            }
        }
    }
}

/// The whole global parameter set (MATH.md §2.1 ranges; caps above). Fees may be zero
/// (an admin decision); the defaults are not.
pub fn validate_global_params(p: &GlobalParams) -> Result<(), ContractError> {
    global_dec("c_norm", p.c_norm, CENTRE)?;
    global_dec("epsilon_safe_div", p.epsilon_safe_div, POSITIVE_FRACTION)?;
    global_dec(
        "initial_regret_quantile",
        p.initial_regret_quantile,
        FRACTION,
    )?;
    global_dec(
        "p_norm_safe_div",
        p.p_norm_safe_div,
        Range::left_open(Decimal::zero(), Decimal::percent(10_000)),
    )?;
    global_dec("epsilon_reputer", p.epsilon_reputer, POSITIVE_FRACTION)?;
    global_dec("learning_rate", p.learning_rate, POSITIVE_FRACTION)?;
    global_count(
        "gradient_descent_max_iters",
        p.gradient_descent_max_iters,
        1,
        MAX_GRADIENT_DESCENT_ITERS,
    )?;
    global_dec(
        "max_gradient_threshold",
        p.max_gradient_threshold,
        POSITIVE_FRACTION,
    )?;
    global_dec("min_stake_fraction", p.min_stake_fraction, FRACTION)?;
    global_dec("p_reward_inference", p.p_reward_inference, EXPONENT)?;
    global_dec("p_reward_forecast", p.p_reward_forecast, EXPONENT)?;
    global_dec("p_reward_reputer", p.p_reward_reputer, EXPONENT)?;
    global_dec("c_reward_inference", p.c_reward_inference, CENTRE)?;
    global_dec("c_reward_forecast", p.c_reward_forecast, CENTRE)?;
    global_dec("task_reward_alpha", p.task_reward_alpha, POSITIVE_FRACTION)?;
    global_dec("beta_entropy", p.beta_entropy, FRACTION)?;
    global_count(
        "max_samples_to_scale_scores",
        p.max_samples_to_scale_scores,
        1,
        MAX_SAMPLES_TO_SCALE_SCORES,
    )?;
    global_dec(
        "topic_reward_stake_importance",
        p.topic_reward_stake_importance,
        FRACTION,
    )?;
    global_dec(
        "topic_reward_fee_revenue_importance",
        p.topic_reward_fee_revenue_importance,
        FRACTION,
    )?;
    global_dec(
        "topic_reward_alpha",
        p.topic_reward_alpha,
        POSITIVE_FRACTION,
    )?;
    // min_topic_weight: any non-negative threshold (a Decimal cannot be negative).
    global_dec("chain_security_share", p.chain_security_share, FRACTION)?;
    global_count("blocks_per_month", p.blocks_per_month, 1, u64::MAX)?;
    global_count(
        "max_top_inferers_to_reward",
        p.max_top_inferers_to_reward,
        1,
        MAX_ACTIVE_INFERERS,
    )?;
    global_count(
        "max_top_forecasters_to_reward",
        p.max_top_forecasters_to_reward,
        1,
        MAX_ACTIVE_FORECASTERS,
    )?;
    global_count(
        "max_top_reputers_to_reward",
        p.max_top_reputers_to_reward,
        1,
        MAX_ACTIVE_REPUTERS,
    )?;
    global_count(
        "max_elements_per_forecast",
        p.max_elements_per_forecast,
        1,
        MAX_ELEMENTS_PER_FORECAST,
    )?;
    global_count("min_epoch_length", p.min_epoch_length, 1, u64::MAX)?;
    global_count(
        "max_ground_truth_lag_epochs",
        p.max_ground_truth_lag_epochs,
        1,
        MAX_GROUND_TRUTH_LAG_EPOCHS,
    )?;
    // SECURITY.md §3: a minimum stake of zero lets 1-unit stakes spam the queues.
    global_count(
        "required_minimum_stake",
        p.required_minimum_stake,
        Uint128::one(),
        Uint128::MAX,
    )?;
    global_count("max_string_bytes", p.max_string_bytes, 1, MAX_STRING_BYTES)?;
    Ok(())
}

/// A topic's parameters against the global parameters (MATH.md §2.2, DESIGN.md "Time").
pub fn validate_topic_params(t: &TopicParams, g: &GlobalParams) -> Result<(), ContractError> {
    check_string("metadata", &t.metadata, g.max_string_bytes)?;
    check_string("loss_method", &t.loss_method, g.max_string_bytes)?;

    let min_epoch = g.min_epoch_length.max(1);
    if t.epoch_length < min_epoch {
        return Err(ContractError::EpochLengthTooShort {
            min: min_epoch,
            got: t.epoch_length,
        });
    }
    if t.worker_submission_window == 0 || t.worker_submission_window > t.epoch_length {
        return Err(ContractError::WorkerWindowOutOfRange {
            epoch_length: t.epoch_length,
            got: t.worker_submission_window,
        });
    }
    // On overflow the product exceeds every u64 lag, so the upper bound cannot bind.
    let max_lag = g.max_ground_truth_lag_epochs.saturating_mul(t.epoch_length);
    if t.ground_truth_lag < t.epoch_length || t.ground_truth_lag > max_lag {
        return Err(ContractError::GroundTruthLagOutOfRange {
            min: t.epoch_length,
            max: max_lag,
            got: t.ground_truth_lag,
        });
    }

    topic_dec("p_norm", t.p_norm, P_NORM)?;
    topic_dec("alpha_regret", t.alpha_regret, POSITIVE_FRACTION)?;
    topic_dec("epsilon", t.epsilon, Range::positive())?;
    topic_dec("merit_sortition_alpha", t.merit_sortition_alpha, FRACTION)?;
    topic_dec(
        "active_inferer_quantile",
        t.active_inferer_quantile,
        QUANTILE,
    )?;
    topic_dec(
        "active_forecaster_quantile",
        t.active_forecaster_quantile,
        QUANTILE,
    )?;
    topic_dec(
        "active_reputer_quantile",
        t.active_reputer_quantile,
        QUANTILE,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockApi;
    use cosmwasm_std::Addr;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn global() -> GlobalParams {
        GlobalParams::defaults()
    }

    fn topic() -> TopicParams {
        TopicParams {
            metadata: "ETH 10-minute price".into(),
            loss_method: "mse".into(),
            epoch_length: 12,
            worker_submission_window: 4,
            ground_truth_lag: 24,
            p_norm: dec("3"),
            alpha_regret: dec("0.1"),
            allow_negative: false,
            epsilon: dec("0.01"),
            merit_sortition_alpha: dec("0.1"),
            active_inferer_quantile: dec("0.25"),
            active_forecaster_quantile: dec("0.25"),
            active_reputer_quantile: dec("0.25"),
        }
    }

    fn check(f: impl Fn(&mut TopicParams)) -> Result<(), ContractError> {
        let mut t = topic();
        f(&mut t);
        validate_topic_params(&t, &global())
    }

    fn field_of(e: ContractError) -> String {
        match e {
            ContractError::InvalidTopicParam { field, .. }
            | ContractError::InvalidGlobalParam { field, .. }
            | ContractError::EmptyString { field }
            | ContractError::StringTooLong { field, .. } => field,
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn defaults_are_valid() {
        validate_global_params(&GlobalParams::default()).unwrap();
        validate_topic_params(&topic(), &global()).unwrap();
        let g = global();
        assert_eq!(g.epsilon_safe_div, dec("0.0000001"));
        assert_eq!(g.p_norm_safe_div, dec("8.25"));
        assert_eq!(g.min_topic_weight, dec("100"));
        assert_eq!(g.chain_security_share, dec("0.25"));
        assert_eq!(g.blocks_per_month, 864_000);
        assert_eq!(
            (
                g.max_top_inferers_to_reward,
                g.max_top_forecasters_to_reward,
                g.max_top_reputers_to_reward,
                g.max_elements_per_forecast
            ),
            (32, 6, 6, 12)
        );
        assert_eq!(g.required_minimum_stake, Uint128::new(10_000));
        assert!(!g.create_topic_fee.is_zero() && !g.registration_fee.is_zero());
    }

    #[test]
    fn p_norm_bounds_are_inclusive() {
        check(|t| t.p_norm = dec("2.5")).unwrap();
        check(|t| t.p_norm = dec("4.5")).unwrap();
        for bad in ["2.49", "4.51", "0"] {
            let err = check(|t| t.p_norm = dec(bad)).unwrap_err();
            assert_eq!(
                err,
                ContractError::InvalidTopicParam {
                    field: "p_norm".into(),
                    value: dec(bad).to_string(),
                    expected: "[2.5, 4.5]".into()
                }
            );
        }
    }

    #[test]
    fn alpha_regret_is_in_zero_one_left_open() {
        check(|t| t.alpha_regret = dec("1")).unwrap();
        check(|t| t.alpha_regret = dec("0.000000000000000001")).unwrap();
        let e = check(|t| t.alpha_regret = Decimal::zero()).unwrap_err();
        assert_eq!(field_of(e), "alpha_regret");
        let e = check(|t| t.alpha_regret = dec("1.000000000000000001")).unwrap_err();
        assert_eq!(field_of(e), "alpha_regret");
    }

    #[test]
    fn epsilon_must_be_positive() {
        check(|t| t.epsilon = dec("0.000000000000000001")).unwrap();
        let e = check(|t| t.epsilon = Decimal::zero()).unwrap_err();
        assert_eq!(field_of(e), "epsilon");
    }

    #[test]
    fn merit_sortition_alpha_is_a_closed_fraction() {
        check(|t| t.merit_sortition_alpha = Decimal::zero()).unwrap();
        check(|t| t.merit_sortition_alpha = Decimal::one()).unwrap();
        let e = check(|t| t.merit_sortition_alpha = dec("1.01")).unwrap_err();
        assert_eq!(field_of(e), "merit_sortition_alpha");
    }

    #[test]
    fn active_quantiles_are_in_zero_one_right_open() {
        type Setter = fn(&mut TopicParams, Decimal);
        let setters: [(&str, Setter); 3] = [
            ("active_inferer_quantile", |t, v| {
                t.active_inferer_quantile = v
            }),
            ("active_forecaster_quantile", |t, v| {
                t.active_forecaster_quantile = v
            }),
            ("active_reputer_quantile", |t, v| {
                t.active_reputer_quantile = v
            }),
        ];
        for (name, set) in setters {
            check(|t| set(t, Decimal::zero())).unwrap();
            check(|t| set(t, dec("0.999999999999999999"))).unwrap();
            let e = check(|t| set(t, Decimal::one())).unwrap_err();
            assert_eq!(field_of(e), name);
        }
    }

    #[test]
    fn worker_window_is_between_one_block_and_the_epoch() {
        check(|t| t.worker_submission_window = t.epoch_length).unwrap();
        check(|t| t.worker_submission_window = 1).unwrap();
        assert_eq!(
            check(|t| t.worker_submission_window = 0).unwrap_err(),
            ContractError::WorkerWindowOutOfRange {
                epoch_length: 12,
                got: 0
            }
        );
        assert_eq!(
            check(|t| t.worker_submission_window = 13).unwrap_err(),
            ContractError::WorkerWindowOutOfRange {
                epoch_length: 12,
                got: 13
            }
        );
    }

    #[test]
    fn epoch_length_respects_the_minimum() {
        check(|t| t.epoch_length = 12).unwrap();
        assert_eq!(
            check(|t| {
                t.epoch_length = 11;
                t.worker_submission_window = 4;
            })
            .unwrap_err(),
            ContractError::EpochLengthTooShort { min: 12, got: 11 }
        );
    }

    #[test]
    fn ground_truth_lag_between_one_and_max_epochs() {
        check(|t| t.ground_truth_lag = 12).unwrap();
        check(|t| t.ground_truth_lag = 100 * 12).unwrap();
        assert_eq!(
            check(|t| t.ground_truth_lag = 11).unwrap_err(),
            ContractError::GroundTruthLagOutOfRange {
                min: 12,
                max: 1200,
                got: 11
            }
        );
        // 101 epochs
        assert_eq!(
            check(|t| t.ground_truth_lag = 101 * 12).unwrap_err(),
            ContractError::GroundTruthLagOutOfRange {
                min: 12,
                max: 1200,
                got: 1212
            }
        );
        assert!(check(|t| t.ground_truth_lag = 1201).is_err());
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
            check(|t| t.metadata = "a".repeat(256)).unwrap_err(),
            ContractError::StringTooLong {
                field: "metadata".into(),
                max: 255,
                got: 256
            }
        );
        // bytes, not characters: 128 two-byte characters are 256 bytes
        assert_eq!(
            field_of(check(|t| t.loss_method = "é".repeat(128)).unwrap_err()),
            "loss_method"
        );
        assert_eq!(
            check(|t| t.metadata = String::new()).unwrap_err(),
            ContractError::EmptyString {
                field: "metadata".into()
            }
        );
        assert_eq!(
            field_of(check(|t| t.loss_method = "  ".into()).unwrap_err()),
            "loss_method"
        );
        // the cap follows the global parameter
        let mut g = global();
        g.max_string_bytes = 10;
        let mut t = topic();
        t.metadata = "a".repeat(10);
        validate_topic_params(&t, &g).unwrap();
        t.metadata = "a".repeat(11);
        assert!(validate_topic_params(&t, &g).is_err());
    }

    #[test]
    fn every_global_field_is_checked() {
        type Mutate = fn(&mut GlobalParams);
        // (field, a valid edge value, an invalid value)
        let cases: Vec<(&str, Mutate, Mutate)> = vec![
            (
                "c_norm",
                |g| g.c_norm = Decimal::percent(1000),
                |g| g.c_norm = Decimal::percent(1001),
            ),
            (
                "epsilon_safe_div",
                |g| g.epsilon_safe_div = Decimal::one(),
                |g| g.epsilon_safe_div = Decimal::zero(),
            ),
            (
                "initial_regret_quantile",
                |g| g.initial_regret_quantile = Decimal::one(),
                |g| g.initial_regret_quantile = Decimal::percent(101),
            ),
            (
                "p_norm_safe_div",
                |g| g.p_norm_safe_div = Decimal::percent(10_000),
                |g| g.p_norm_safe_div = Decimal::zero(),
            ),
            (
                "epsilon_reputer",
                |g| g.epsilon_reputer = Decimal::one(),
                |g| g.epsilon_reputer = Decimal::zero(),
            ),
            (
                "learning_rate",
                |g| g.learning_rate = Decimal::one(),
                |g| g.learning_rate = Decimal::zero(),
            ),
            (
                "gradient_descent_max_iters",
                |g| g.gradient_descent_max_iters = 100,
                |g| g.gradient_descent_max_iters = 0,
            ),
            (
                "max_gradient_threshold",
                |g| g.max_gradient_threshold = Decimal::one(),
                |g| g.max_gradient_threshold = Decimal::zero(),
            ),
            (
                "min_stake_fraction",
                |g| g.min_stake_fraction = Decimal::zero(),
                |g| g.min_stake_fraction = Decimal::percent(101),
            ),
            (
                "p_reward_inference",
                |g| g.p_reward_inference = Decimal::percent(1000),
                |g| g.p_reward_inference = Decimal::zero(),
            ),
            (
                "p_reward_forecast",
                |g| g.p_reward_forecast = Decimal::permille(1),
                |g| g.p_reward_forecast = Decimal::percent(1001),
            ),
            (
                "p_reward_reputer",
                |g| g.p_reward_reputer = Decimal::one(),
                |g| g.p_reward_reputer = Decimal::zero(),
            ),
            (
                "c_reward_inference",
                |g| g.c_reward_inference = Decimal::zero(),
                |g| g.c_reward_inference = Decimal::percent(1001),
            ),
            (
                "c_reward_forecast",
                |g| g.c_reward_forecast = Decimal::percent(1000),
                |g| g.c_reward_forecast = Decimal::percent(1001),
            ),
            (
                "task_reward_alpha",
                |g| g.task_reward_alpha = Decimal::one(),
                |g| g.task_reward_alpha = Decimal::zero(),
            ),
            (
                "beta_entropy",
                |g| g.beta_entropy = Decimal::zero(),
                |g| g.beta_entropy = Decimal::percent(101),
            ),
            (
                "max_samples_to_scale_scores",
                |g| g.max_samples_to_scale_scores = 1,
                |g| g.max_samples_to_scale_scores = 101,
            ),
            (
                "topic_reward_stake_importance",
                |g| g.topic_reward_stake_importance = Decimal::one(),
                |g| g.topic_reward_stake_importance = Decimal::percent(101),
            ),
            (
                "topic_reward_fee_revenue_importance",
                |g| g.topic_reward_fee_revenue_importance = Decimal::zero(),
                |g| g.topic_reward_fee_revenue_importance = Decimal::percent(101),
            ),
            (
                "topic_reward_alpha",
                |g| g.topic_reward_alpha = Decimal::one(),
                |g| g.topic_reward_alpha = Decimal::zero(),
            ),
            (
                "chain_security_share",
                |g| g.chain_security_share = Decimal::one(),
                |g| g.chain_security_share = Decimal::percent(101),
            ),
            (
                "blocks_per_month",
                |g| g.blocks_per_month = 1,
                |g| g.blocks_per_month = 0,
            ),
            (
                "max_top_inferers_to_reward",
                |g| g.max_top_inferers_to_reward = MAX_ACTIVE_INFERERS,
                |g| g.max_top_inferers_to_reward = MAX_ACTIVE_INFERERS + 1,
            ),
            (
                "max_top_forecasters_to_reward",
                |g| g.max_top_forecasters_to_reward = MAX_ACTIVE_FORECASTERS,
                |g| g.max_top_forecasters_to_reward = 0,
            ),
            (
                "max_top_reputers_to_reward",
                |g| g.max_top_reputers_to_reward = 1,
                |g| g.max_top_reputers_to_reward = MAX_ACTIVE_REPUTERS + 1,
            ),
            (
                "max_elements_per_forecast",
                |g| g.max_elements_per_forecast = MAX_ELEMENTS_PER_FORECAST,
                |g| g.max_elements_per_forecast = 0,
            ),
            (
                "min_epoch_length",
                |g| g.min_epoch_length = 1,
                |g| g.min_epoch_length = 0,
            ),
            (
                "max_ground_truth_lag_epochs",
                |g| g.max_ground_truth_lag_epochs = MAX_GROUND_TRUTH_LAG_EPOCHS,
                |g| g.max_ground_truth_lag_epochs = 0,
            ),
            (
                "required_minimum_stake",
                |g| g.required_minimum_stake = Uint128::one(),
                |g| g.required_minimum_stake = Uint128::zero(),
            ),
            (
                "max_string_bytes",
                |g| g.max_string_bytes = 255,
                |g| g.max_string_bytes = 256,
            ),
        ];
        for (field, good, bad) in cases {
            let mut g = global();
            good(&mut g);
            validate_global_params(&g).unwrap_or_else(|e| panic!("{field}: {e}"));
            let mut g = global();
            bad(&mut g);
            let err = validate_global_params(&g).unwrap_err();
            assert_eq!(field_of(err), field);
        }
        // fees may be zero (admin decision)
        let mut g = global();
        g.create_topic_fee = Uint128::zero();
        g.registration_fee = Uint128::zero();
        validate_global_params(&g).unwrap();
    }

    #[test]
    fn ranges_describe_themselves() {
        assert_eq!(P_NORM.describe(), "[2.5, 4.5]");
        assert_eq!(POSITIVE_FRACTION.describe(), "(0, 1]");
        assert_eq!(QUANTILE.describe(), "[0, 1)");
        assert_eq!(Range::positive().describe(), "> 0");
    }

    #[test]
    fn denoms_are_validated() {
        let api = MockApi::default();
        validate_denom(&api, &Denom::Native("unous".into())).unwrap();
        validate_denom(&api, &Denom::Native("ibc/27394FB092D2ECCD".into())).unwrap();
        for bad in ["", "ab", "1abc", "u nous", &"a".repeat(129)] {
            assert_eq!(
                validate_denom(&api, &Denom::Native(bad.to_string())).unwrap_err(),
                ContractError::InvalidDenom {
                    denom: bad.to_string()
                }
            );
        }
        let token = api.addr_make("token");
        assert_eq!(
            validate_denom(&api, &Denom::Cw20(token.clone())).unwrap(),
            Denom::Cw20(token)
        );
        assert!(matches!(
            validate_denom(&api, &Denom::Cw20(Addr::unchecked("Not An Address"))),
            Err(ContractError::Std(_))
        ));
    }
}
