//! Parameters (MATH.md §2) and the input bounds of the package.

use crate::error::{MathError, MathResult};
use crate::fixed::{lit, Fixed};

/// Largest magnitude accepted for an inference, a forecast element, a
/// reported loss and the previous network loss: 10^9. With it every sum,
/// square (taken through 256 bits) and weighted mean of a bounded active set
/// stays inside `Fixed` (±1.7·10^20).
pub const MAX_ABS_VALUE: Fixed = Fixed::from_raw(1_000_000_000 * Fixed::SCALE);
/// Largest magnitude of a stored regret: differences of bounded losses are
/// within 2·10^9; regrets (and the topic initial regret) are clamped to 4·10^9.
pub const MAX_ABS_REGRET: Fixed = Fixed::from_raw(4_000_000_000 * Fixed::SCALE);
/// Largest total stake behind one epoch, in base units (10^10 whole tokens,
/// ten times the reference's max supply): keeps `Σ S·L` inside `Fixed`.
pub const MAX_TOTAL_STAKE: u128 = 10_000_000_000 * 1_000_000_000_000_000_000;
/// Smallest topic epsilon accepted (keeps normalised regrets `R/(σ+ε)` bounded).
pub const MIN_EPSILON: Fixed = Fixed::from_raw(1_000_000_000); // 1e-9
/// Largest number of actors of one class in one call (the reference's active
/// sets are 32/6/6; this leaves room for larger topics).
pub const MAX_ACTORS: usize = 256;

/// Every parameter of MATH.md §2.1 (module) and §2.2 (topic).
#[derive(
    Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Params {
    // topic parameters (§2.2)
    pub p_norm: Fixed,
    pub epsilon_topic: Fixed,
    pub alpha_regret: Fixed,
    pub merit_sortition_alpha: Fixed,
    pub active_quantile: Fixed,
    // module parameters (§2.1)
    pub c_norm: Fixed,
    pub epsilon_safe_div: Fixed,
    pub epsilon_reputer: Fixed,
    pub learning_rate: Fixed,
    pub gradient_descent_max_iters: u32,
    pub max_gradient_threshold: Fixed,
    pub min_stake_fraction: Fixed,
    pub p_reward_inference: Fixed,
    pub p_reward_forecast: Fixed,
    pub p_reward_reputer: Fixed,
    pub c_reward_inference: Fixed,
    pub c_reward_forecast: Fixed,
    pub task_reward_alpha: Fixed,
    pub beta_entropy: Fixed,
    pub max_samples_to_scale_scores: u32,
    pub initial_regret_quantile: Fixed,
    pub p_norm_safe_div: Fixed,
    pub topic_reward_stake_importance: Fixed,
    pub topic_reward_fee_revenue_importance: Fixed,
    pub topic_reward_alpha: Fixed,
    pub min_topic_weight: Fixed,
    pub validators_vs_allora_percent_reward: Fixed,
    pub max_active_topics_per_block: u32,
    pub max_top_inferers_to_reward: u32,
    pub max_top_forecasters_to_reward: u32,
    pub max_top_reputers_to_reward: u32,
    pub max_elements_per_forecast: u32,
    pub blocks_per_month: u64,
    pub min_epoch_length: u64,
    /// Base units; reputers below it are ignored (§2.1, §6.1).
    pub required_minimum_stake: u128,
}

impl Params {
    /// Chain defaults of §2.1 with the topic values the simulator used
    /// (`p_norm` 3, `epsilon` 0.01, `alpha_regret` 0.1) and the upgrade
    /// defaults of §2.2 (`merit_sortition_alpha` 0.1, quantile 0.25).
    pub fn chain_defaults() -> Params {
        Params {
            p_norm: lit("3"),
            epsilon_topic: lit("0.01"),
            alpha_regret: lit("0.1"),
            merit_sortition_alpha: lit("0.1"),
            active_quantile: lit("0.25"),
            c_norm: lit("0.75"),
            epsilon_safe_div: lit("0.0000001"),
            epsilon_reputer: lit("0.01"),
            learning_rate: lit("0.05"),
            gradient_descent_max_iters: 10,
            max_gradient_threshold: lit("0.001"),
            min_stake_fraction: lit("0.5"),
            p_reward_inference: lit("1"),
            p_reward_forecast: lit("3"),
            p_reward_reputer: lit("3"),
            c_reward_inference: lit("0.75"),
            c_reward_forecast: lit("0.75"),
            task_reward_alpha: lit("0.1"),
            beta_entropy: lit("0.25"),
            max_samples_to_scale_scores: 10,
            initial_regret_quantile: lit("0.25"),
            p_norm_safe_div: lit("8.25"),
            topic_reward_stake_importance: lit("0.5"),
            topic_reward_fee_revenue_importance: lit("0.5"),
            topic_reward_alpha: lit("0.5"),
            min_topic_weight: lit("100"),
            validators_vs_allora_percent_reward: lit("0.25"),
            max_active_topics_per_block: 1,
            max_top_inferers_to_reward: 32,
            max_top_forecasters_to_reward: 6,
            max_top_reputers_to_reward: 6,
            max_elements_per_forecast: 12,
            blocks_per_month: 864_000,
            min_epoch_length: 12,
            required_minimum_stake: 10_000,
        }
    }

    /// The parameters of the simulator that produced `shared/vectors` (§2.3).
    pub fn simulator() -> Params {
        Params {
            p_reward_inference: lit("3"),
            p_reward_forecast: lit("3"),
            p_reward_reputer: lit("1"),
            active_quantile: lit("0.2"),
            required_minimum_stake: 0,
            ..Params::chain_defaults()
        }
    }

    /// Check every bound of §2 (a contract calls this when parameters change).
    pub fn validate(&self) -> MathResult<()> {
        let one = Fixed::ONE;
        let in_unit = |x: Fixed| x >= Fixed::ZERO && x <= one;
        if self.p_norm < lit("2.5") || self.p_norm > lit("4.5") {
            return Err(MathError::InvalidParam("p_norm must be in [2.5, 4.5]"));
        }
        if self.epsilon_topic < MIN_EPSILON || self.epsilon_topic > one {
            return Err(MathError::InvalidParam("epsilon must be in [1e-9, 1]"));
        }
        if !self.alpha_regret.is_positive() || self.alpha_regret > one {
            return Err(MathError::InvalidParam("alpha_regret must be in (0, 1]"));
        }
        for (x, what) in [
            (
                self.merit_sortition_alpha,
                "merit_sortition_alpha must be in [0, 1]",
            ),
            (self.active_quantile, "active quantile must be in [0, 1]"),
            (
                self.min_stake_fraction,
                "min_stake_fraction must be in [0, 1]",
            ),
            (
                self.task_reward_alpha,
                "task_reward_alpha must be in [0, 1]",
            ),
            (
                self.initial_regret_quantile,
                "initial_regret_quantile must be in [0, 1]",
            ),
            (
                self.topic_reward_alpha,
                "topic_reward_alpha must be in [0, 1]",
            ),
            (
                self.validators_vs_allora_percent_reward,
                "validator share must be in [0, 1]",
            ),
            (
                self.topic_reward_stake_importance,
                "stake importance must be in [0, 1]",
            ),
            (
                self.topic_reward_fee_revenue_importance,
                "fee importance must be in [0, 1]",
            ),
            (self.beta_entropy, "beta_entropy must be in [0, 1]"),
        ] {
            if !in_unit(x) {
                return Err(MathError::InvalidParam(what));
            }
        }
        for (x, what) in [
            (
                self.epsilon_safe_div,
                "epsilon_safe_div must be positive and at most 1",
            ),
            (
                self.epsilon_reputer,
                "epsilon_reputer must be positive and at most 1",
            ),
            (
                self.learning_rate,
                "learning_rate must be positive and at most 1",
            ),
            (
                self.max_gradient_threshold,
                "max_gradient_threshold must be positive and at most 1",
            ),
        ] {
            if !x.is_positive() || x > one {
                return Err(MathError::InvalidParam(what));
            }
        }
        let ten = lit("10");
        for (x, what) in [
            (
                self.p_reward_inference,
                "p_reward_inference must be in (0, 10]",
            ),
            (
                self.p_reward_forecast,
                "p_reward_forecast must be in (0, 10]",
            ),
            (self.p_reward_reputer, "p_reward_reputer must be in (0, 10]"),
            (self.p_norm_safe_div, "p_norm_safe_div must be in (0, 10]"),
        ] {
            if !x.is_positive() || x > ten {
                return Err(MathError::InvalidParam(what));
            }
        }
        for (x, what) in [
            (self.c_norm, "c_norm must be in [-10, 10]"),
            (
                self.c_reward_inference,
                "c_reward_inference must be in [-10, 10]",
            ),
            (
                self.c_reward_forecast,
                "c_reward_forecast must be in [-10, 10]",
            ),
        ] {
            if x < lit("-10") || x > ten {
                return Err(MathError::InvalidParam(what));
            }
        }
        if self.gradient_descent_max_iters > 100 {
            return Err(MathError::InvalidParam(
                "gradient_descent_max_iters must be at most 100",
            ));
        }
        if self.max_samples_to_scale_scores == 0 || self.max_samples_to_scale_scores > 1000 {
            return Err(MathError::InvalidParam(
                "max_samples_to_scale_scores must be in [1, 1000]",
            ));
        }
        if self.blocks_per_month == 0 || self.min_epoch_length == 0 {
            return Err(MathError::InvalidParam("block counts must be positive"));
        }
        if self.min_topic_weight.is_negative() {
            return Err(MathError::InvalidParam(
                "min_topic_weight must not be negative",
            ));
        }
        Ok(())
    }
}

/// Reject a value whose magnitude exceeds `MAX_ABS_VALUE` (inferences,
/// forecasts, losses).
pub fn check_value(x: Fixed, what: &'static str) -> MathResult<Fixed> {
    if x > MAX_ABS_VALUE || x < Fixed::ZERO.checked_sub(MAX_ABS_VALUE)? {
        return Err(MathError::OutOfRange(what));
    }
    Ok(x)
}

/// Reject a regret whose magnitude exceeds `MAX_ABS_REGRET`.
pub fn check_regret(x: Fixed, what: &'static str) -> MathResult<Fixed> {
    if x > MAX_ABS_REGRET || x < Fixed::ZERO.checked_sub(MAX_ABS_REGRET)? {
        return Err(MathError::OutOfRange(what));
    }
    Ok(x)
}

/// Clamp a regret into `[-MAX_ABS_REGRET, MAX_ABS_REGRET]` (SECURITY.md item 9).
pub fn clamp_regret(x: Fixed) -> Fixed {
    x.clamp_to(Fixed::from_raw(-MAX_ABS_REGRET.raw()), MAX_ABS_REGRET)
}

/// Reject a value outside `[0, 1]`.
pub fn check_unit(x: Fixed, what: &'static str) -> MathResult<Fixed> {
    if x.is_negative() {
        return Err(MathError::InvalidSign(what));
    }
    if x > Fixed::ONE {
        return Err(MathError::OutOfRange(what));
    }
    Ok(x)
}

/// Reject more than `MAX_ACTORS` entries.
pub fn check_count(n: usize, what: &'static str) -> MathResult<()> {
    if n > MAX_ACTORS {
        return Err(MathError::OutOfRange(what));
    }
    Ok(())
}
