//! Parameters (MATH.md §2) and the input bounds of the package.

use std::fmt;

use crate::error::{MathError, MathResult};
use crate::fixed::{lit, Fixed};
use crate::rules::Rules;

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

/// Blocks in a month at the reference's 3-second blocks and 30-day month (§2.1).
pub const BLOCKS_PER_MONTH: u64 = 864_000;

/// An interval of `Fixed` a parameter must lie in, each end open or closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub min: Fixed,
    pub min_inclusive: bool,
    pub max: Fixed,
    pub max_inclusive: bool,
}

impl Bounds {
    /// `[min, max]`
    pub const fn closed(min: Fixed, max: Fixed) -> Bounds {
        Bounds {
            min,
            min_inclusive: true,
            max,
            max_inclusive: true,
        }
    }

    /// `(min, max]`
    pub const fn left_open(min: Fixed, max: Fixed) -> Bounds {
        Bounds {
            min,
            min_inclusive: false,
            max,
            max_inclusive: true,
        }
    }

    /// `>= min`
    pub const fn at_least(min: Fixed) -> Bounds {
        Bounds::closed(min, Fixed::MAX)
    }

    pub fn contains(&self, x: Fixed) -> bool {
        let above = if self.min_inclusive {
            x >= self.min
        } else {
            x > self.min
        };
        let below = if self.max_inclusive {
            x <= self.max
        } else {
            x < self.max
        };
        above && below
    }
}

/// `[0, 1]`, `(0, 1]`, `[2.5, 4.5]`, `>= 0`: the text of the contracts' errors.
impl fmt::Display for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = if self.min_inclusive { ">=" } else { ">" };
        if self.max == Fixed::MAX {
            return write!(f, "{op} {}", self.min);
        }
        let open = if self.min_inclusive { '[' } else { '(' };
        let close = if self.max_inclusive { ']' } else { ')' };
        write!(f, "{open}{}, {}{close}", self.min, self.max)
    }
}

/// A closed interval of a count (blocks, iterations, actors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub min: u64,
    pub max: u64,
}

impl Counts {
    pub fn contains(&self, n: u64) -> bool {
        (self.min..=self.max).contains(&n)
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.max == u64::MAX {
            return write!(f, ">= {}", self.min);
        }
        write!(f, "[{}, {}]", self.min, self.max)
    }
}

/// The bound of every parameter (§2), stated once: [`Params::validate`] checks them, and
/// the contracts validate the messages that carry these parameters against the same
/// constants, so the registry accepts exactly what the maths can run.
pub mod bounds {
    use super::{Bounds, Counts, MAX_ACTORS};
    use crate::fixed::Fixed;

    const fn units(n: i128) -> Fixed {
        Fixed::from_raw(n * Fixed::SCALE)
    }
    const ZERO: Fixed = Fixed::ZERO;
    const ONE: Fixed = Fixed::ONE;

    /// Fractions and shares.
    const SHARE: Bounds = Bounds::closed(ZERO, ONE);
    /// EMA factors and step sizes: 0 would freeze the quantity for ever.
    const POSITIVE_SHARE: Bounds = Bounds::left_open(ZERO, ONE);
    /// Reward and norm exponents: beyond 10 `x^p` overflows `Fixed` for realistic scores.
    const EXPONENT: Bounds = Bounds::left_open(ZERO, units(10));
    /// Centres of the reward and regret mappings (same reason as [`EXPONENT`]).
    const CENTRE: Bounds = Bounds::closed(units(-10), units(10));

    // ---- topic parameters (§2.2) ----
    /// §2.2: 2.5 ≤ p ≤ 4.5.
    pub const P_NORM: Bounds = Bounds::closed(
        Fixed::from_raw(2_500_000_000_000_000_000),
        Fixed::from_raw(4_500_000_000_000_000_000),
    );
    /// At least [`super::MIN_EPSILON`] (keeps `R/(σ+ε)` bounded), at most 1.
    pub const EPSILON: Bounds = Bounds::closed(super::MIN_EPSILON, ONE);
    pub const ALPHA_REGRET: Bounds = POSITIVE_SHARE;
    pub const MERIT_SORTITION_ALPHA: Bounds = SHARE;
    /// §2.2: 0 ≤ q ≤ 1 (every active quantile).
    pub const ACTIVE_QUANTILE: Bounds = SHARE;

    // ---- module parameters (§2.1) ----
    pub const C_NORM: Bounds = CENTRE;
    pub const EPSILON_SAFE_DIV: Bounds = POSITIVE_SHARE;
    pub const INITIAL_REGRET_QUANTILE: Bounds = SHARE;
    /// The numerator of the §6.3 offset `c − p_norm_safe_div/p`: an exponent's range.
    pub const P_NORM_SAFE_DIV: Bounds = EXPONENT;
    pub const EPSILON_REPUTER: Bounds = POSITIVE_SHARE;
    pub const LEARNING_RATE: Bounds = POSITIVE_SHARE;
    pub const MAX_GRADIENT_THRESHOLD: Bounds = POSITIVE_SHARE;
    pub const MIN_STAKE_FRACTION: Bounds = SHARE;
    /// At least one step; at most 100 (bounded work per reputer window).
    pub const GRADIENT_DESCENT_MAX_ITERS: Counts = Counts { min: 1, max: 100 };
    /// `p_reward_inference`, `p_reward_forecast`, `p_reward_reputer`.
    pub const P_REWARD: Bounds = EXPONENT;
    /// `c_reward_inference`, `c_reward_forecast`.
    pub const C_REWARD: Bounds = CENTRE;
    pub const TASK_REWARD_ALPHA: Bounds = POSITIVE_SHARE;
    pub const BETA_ENTROPY: Bounds = SHARE;
    /// The §8.1 score sample is stored per topic: at most 100 entries.
    pub const MAX_SAMPLES_TO_SCALE_SCORES: Counts = Counts { min: 1, max: 100 };
    /// `μ` and `ν` of §9.1 (`topic_reward_stake_importance`, `..._fee_revenue_importance`).
    pub const TOPIC_REWARD_IMPORTANCE: Bounds = SHARE;
    pub const TOPIC_REWARD_ALPHA: Bounds = POSITIVE_SHARE;
    /// Any non-negative weight, in whole tokens (§9.1).
    pub const MIN_TOPIC_WEIGHT: Bounds = Bounds::at_least(ZERO);
    /// The validators' (chain-security) share of each draw (§10.4).
    pub const CHAIN_SECURITY_SHARE: Bounds = SHARE;
    /// Block counts (`blocks_per_month`, `min_epoch_length`): at least one block.
    pub const BLOCKS: Counts = Counts {
        min: 1,
        max: u64::MAX,
    };
    /// Active inferers per epoch: the one-out regret tables grow with the square of the
    /// set (BENCHMARKS.md); 128 is the largest configuration measured.
    pub const MAX_TOP_INFERERS: Counts = Counts { min: 1, max: 128 };
    /// Active forecasters per epoch (the large measured configuration uses 24).
    pub const MAX_TOP_FORECASTERS: Counts = Counts { min: 1, max: 32 };
    /// Active reputers per epoch (the large measured configuration uses 24).
    pub const MAX_TOP_REPUTERS: Counts = Counts { min: 1, max: 32 };
    /// A forecast cannot name more inferers than an active set holds.
    pub const MAX_ELEMENTS_PER_FORECAST: Counts = MAX_TOP_INFERERS;

    // Every active set fits in one maths call.
    const _: () = assert!(MAX_TOP_INFERERS.max <= MAX_ACTORS as u64);
    const _: () = assert!(MAX_TOP_FORECASTERS.max <= MAX_ACTORS as u64);
    const _: () = assert!(MAX_TOP_REPUTERS.max <= MAX_ACTORS as u64);
}

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
    /// The topic's rules (reference or improved, switch by switch).
    #[serde(default)]
    pub rules: Rules,
    /// The EMA rate of the regrets whose subject is a forecaster (§6.2: `R_k` and its
    /// one-out and one-in variants); `None` is `alpha_regret`, as in the reference design.
    /// A forecast is a fresh estimate each epoch where an inference's quality is a slowly
    /// moving trait, so a topic may let forecasters' regrets move faster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alpha_regret_forecasters: Option<Fixed>,
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
            blocks_per_month: BLOCKS_PER_MONTH,
            min_epoch_length: 12,
            required_minimum_stake: 10_000,
            rules: Rules::REFERENCE,
            alpha_regret_forecasters: None,
        }
    }

    /// The parameters of the simulator that produced `vectors/` (§2.3).
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

    /// Check every parameter against its bound in [`bounds`] (every public epoch
    /// function calls this first; the contracts validate their messages with the
    /// same bounds, so a parameter the registry accepts never makes this fail).
    pub fn validate(&self) -> MathResult<()> {
        use bounds::*;
        let fixed: [(&'static str, Fixed, Bounds); 25] = [
            ("p_norm", self.p_norm, P_NORM),
            ("epsilon", self.epsilon_topic, EPSILON),
            ("alpha_regret", self.alpha_regret, ALPHA_REGRET),
            (
                "merit_sortition_alpha",
                self.merit_sortition_alpha,
                MERIT_SORTITION_ALPHA,
            ),
            ("active_quantile", self.active_quantile, ACTIVE_QUANTILE),
            ("c_norm", self.c_norm, C_NORM),
            ("epsilon_safe_div", self.epsilon_safe_div, EPSILON_SAFE_DIV),
            ("epsilon_reputer", self.epsilon_reputer, EPSILON_REPUTER),
            ("learning_rate", self.learning_rate, LEARNING_RATE),
            (
                "max_gradient_threshold",
                self.max_gradient_threshold,
                MAX_GRADIENT_THRESHOLD,
            ),
            (
                "min_stake_fraction",
                self.min_stake_fraction,
                MIN_STAKE_FRACTION,
            ),
            ("p_reward_inference", self.p_reward_inference, P_REWARD),
            ("p_reward_forecast", self.p_reward_forecast, P_REWARD),
            ("p_reward_reputer", self.p_reward_reputer, P_REWARD),
            ("c_reward_inference", self.c_reward_inference, C_REWARD),
            ("c_reward_forecast", self.c_reward_forecast, C_REWARD),
            (
                "task_reward_alpha",
                self.task_reward_alpha,
                TASK_REWARD_ALPHA,
            ),
            ("beta_entropy", self.beta_entropy, BETA_ENTROPY),
            (
                "initial_regret_quantile",
                self.initial_regret_quantile,
                INITIAL_REGRET_QUANTILE,
            ),
            ("p_norm_safe_div", self.p_norm_safe_div, P_NORM_SAFE_DIV),
            (
                "topic_reward_alpha",
                self.topic_reward_alpha,
                TOPIC_REWARD_ALPHA,
            ),
            (
                "topic_reward_stake_importance",
                self.topic_reward_stake_importance,
                TOPIC_REWARD_IMPORTANCE,
            ),
            (
                "topic_reward_fee_revenue_importance",
                self.topic_reward_fee_revenue_importance,
                TOPIC_REWARD_IMPORTANCE,
            ),
            ("min_topic_weight", self.min_topic_weight, MIN_TOPIC_WEIGHT),
            (
                "validators_vs_allora_percent_reward",
                self.validators_vs_allora_percent_reward,
                CHAIN_SECURITY_SHARE,
            ),
        ];
        let counts: [(&'static str, u64, Counts); 8] = [
            (
                "gradient_descent_max_iters",
                self.gradient_descent_max_iters.into(),
                GRADIENT_DESCENT_MAX_ITERS,
            ),
            (
                "max_samples_to_scale_scores",
                self.max_samples_to_scale_scores.into(),
                MAX_SAMPLES_TO_SCALE_SCORES,
            ),
            (
                "max_top_inferers_to_reward",
                self.max_top_inferers_to_reward.into(),
                MAX_TOP_INFERERS,
            ),
            (
                "max_top_forecasters_to_reward",
                self.max_top_forecasters_to_reward.into(),
                MAX_TOP_FORECASTERS,
            ),
            (
                "max_top_reputers_to_reward",
                self.max_top_reputers_to_reward.into(),
                MAX_TOP_REPUTERS,
            ),
            (
                "max_elements_per_forecast",
                self.max_elements_per_forecast.into(),
                MAX_ELEMENTS_PER_FORECAST,
            ),
            ("blocks_per_month", self.blocks_per_month, BLOCKS),
            ("min_epoch_length", self.min_epoch_length, BLOCKS),
        ];
        let forecasters_alpha = self
            .alpha_regret_forecasters
            .map(|x| ("alpha_regret_forecasters", ALPHA_REGRET.contains(x)));
        let bad = fixed
            .iter()
            .map(|(name, x, b)| (*name, b.contains(*x)))
            .chain(counts.iter().map(|(name, x, b)| (*name, b.contains(*x))))
            .chain(forecasters_alpha)
            .find(|(_, ok)| !ok);
        match bad {
            Some((name, _)) => Err(MathError::InvalidParam(name)),
            None => Ok(()),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_open_or_closed_as_stated() {
        let half = lit("0.5");
        let b = Bounds::left_open(Fixed::ZERO, Fixed::ONE);
        assert!(!b.contains(Fixed::ZERO) && b.contains(half) && b.contains(Fixed::ONE));
        assert_eq!(b.to_string(), "(0, 1]");
        let c = Bounds::closed(lit("-10"), lit("10"));
        assert!(c.contains(lit("-10")) && c.contains(lit("10")) && !c.contains(lit("10.5")));
        assert_eq!(c.to_string(), "[-10, 10]");
        assert_eq!(Bounds::at_least(Fixed::ZERO).to_string(), ">= 0");
        let n = Counts { min: 1, max: 100 };
        assert!(!n.contains(0) && n.contains(1) && n.contains(100) && !n.contains(101));
        assert_eq!(n.to_string(), "[1, 100]");
    }

    #[test]
    fn validate_names_the_first_parameter_out_of_bounds() {
        Params::chain_defaults().validate().unwrap();
        Params::simulator().validate().unwrap();
        let p = Params {
            p_norm_safe_div: Fixed::from_raw(10 * Fixed::SCALE + 1),
            ..Params::chain_defaults()
        };
        assert_eq!(
            p.validate(),
            Err(MathError::InvalidParam("p_norm_safe_div"))
        );
        let p = Params {
            alpha_regret_forecasters: Some(Fixed::from_raw(Fixed::SCALE + 1)),
            ..Params::chain_defaults()
        };
        assert_eq!(
            p.validate(),
            Err(MathError::InvalidParam("alpha_regret_forecasters"))
        );
        let p = Params {
            max_top_inferers_to_reward: 129,
            ..Params::chain_defaults()
        };
        assert_eq!(
            p.validate(),
            Err(MathError::InvalidParam("max_top_inferers_to_reward"))
        );
    }
}
