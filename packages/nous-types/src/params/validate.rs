//! The one validation of every parameter. The maths' bounds are those of
//! `nous_math::params::bounds` (the maths checks its own input against the same
//! constants); the bounds only the contracts need are stated here.

use cosmwasm_std::{Decimal, Uint128};
use nous_math::convert::MAX_TOKEN_DECIMALS;
use nous_math::params::bounds::*;
use nous_math::params::{Bounds, Counts};
use nous_math::Fixed;
use thiserror::Error;

use super::{GlobalParams, RegistryParams, RewardParams, SynthesisParams, TopicParams};

/// `max_ground_truth_lag_epochs`: payloads wait at most this many epochs for their losses.
pub const GROUND_TRUTH_LAG_EPOCHS: Counts = Counts {
    min: 1,
    max: 10_000,
};
/// `max_string_bytes`: SECURITY.md §1, strings are at most 255 bytes.
pub const STRING_BYTES: Counts = Counts { min: 1, max: 255 };
/// `token_decimals`: whole tokens must map exactly onto 18 fractional digits.
pub const TOKEN_DECIMALS: Counts = Counts {
    min: 0,
    max: MAX_TOKEN_DECIMALS as u64,
};

/// Why a parameter set was refused. `field` is the parameter's path in the message
/// (`synthesis.p_norm_safe_div`, `epsilon`).
#[derive(Error, Debug, PartialEq)]
pub enum ParamError {
    #[error("global parameter {field} = {value} is out of range: expected {expected}")]
    InvalidGlobalParam {
        field: String,
        value: String,
        expected: String,
    },

    #[error("topic parameter {field} = {value} is out of range: expected {expected}")]
    InvalidTopicParam {
        field: String,
        value: String,
        expected: String,
    },

    #[error("{field} must not be empty")]
    EmptyString { field: String },

    #[error("{field} is {got} bytes long; at most {max} bytes are allowed")]
    StringTooLong { field: String, max: u32, got: u64 },

    #[error("epoch_length {got} is shorter than the minimum of {min} blocks")]
    EpochLengthTooShort { min: u64, got: u64 },

    #[error("worker_submission_window {got} must be at least 1 block and at most the epoch length ({epoch_length})")]
    WorkerWindowOutOfRange { epoch_length: u64, got: u64 },

    #[error("reveal_window {got} does not fit the epoch: worker_submission_window ({worker_window}) + reveal_window must be at most the epoch length ({epoch_length})")]
    RevealWindowOutOfRange {
        epoch_length: u64,
        worker_window: u64,
        got: u64,
    },

    #[error("ground_truth_lag {got} must be between {min} and {max} blocks (one epoch up to max_ground_truth_lag_epochs epochs)")]
    GroundTruthLagOutOfRange { min: u64, max: u64, got: u64 },
}

/// Which message a value belongs to (the error variant).
#[derive(Clone, Copy)]
enum Of {
    Global,
    Topic,
}

fn out_of_range(of: Of, field: &str, value: String, expected: String) -> ParamError {
    let field = field.to_string();
    match of {
        Of::Global => ParamError::InvalidGlobalParam {
            field,
            value,
            expected,
        },
        Of::Topic => ParamError::InvalidTopicParam {
            field,
            value,
            expected,
        },
    }
}

/// A decimal inside `bounds` (one beyond `Fixed`'s range is outside every bound).
fn decimal(of: Of, field: &str, v: Decimal, bounds: Bounds) -> Result<(), ParamError> {
    match Fixed::try_from(v) {
        Ok(f) if bounds.contains(f) => Ok(()),
        _ => Err(out_of_range(of, field, v.to_string(), bounds.to_string())),
    }
}

fn count(field: &str, v: impl Into<u64>, counts: Counts) -> Result<(), ParamError> {
    let v: u64 = v.into();
    if counts.contains(v) {
        return Ok(());
    }
    Err(out_of_range(
        Of::Global,
        field,
        v.to_string(),
        counts.to_string(),
    ))
}

/// `required_minimum_stake`, base units: zero would let 1-unit stakes spam the removal
/// queues (SECURITY.md §3).
fn minimum_stake(field: &str, v: Uint128) -> Result<(), ParamError> {
    if v.is_zero() {
        return Err(out_of_range(
            Of::Global,
            field,
            v.to_string(),
            ">= 1".to_string(),
        ));
    }
    Ok(())
}

/// A required string: non-empty and at most `max` bytes.
pub fn check_string(field: &str, s: &str, max: u32) -> Result<(), ParamError> {
    if s.trim().is_empty() {
        return Err(ParamError::EmptyString {
            field: field.to_string(),
        });
    }
    let len = s.len() as u64;
    if len > u64::from(max) {
        return Err(ParamError::StringTooLong {
            field: field.to_string(),
            max,
            got: len,
        });
    }
    Ok(())
}

impl GlobalParams {
    /// Every parameter against its bound; the first one outside is named. Fees may be zero
    /// (an admin decision); the defaults are not.
    pub fn validate(&self) -> Result<(), ParamError> {
        count("token_decimals", self.token_decimals, TOKEN_DECIMALS)?;
        self.registry.validate()?;
        minimum_stake(
            "staking.required_minimum_stake",
            self.staking.required_minimum_stake,
        )?;
        self.synthesis.validate()?;
        self.rewards.validate()
    }
}

impl RegistryParams {
    fn validate(&self) -> Result<(), ParamError> {
        count("registry.min_epoch_length", self.min_epoch_length, BLOCKS)?;
        count(
            "registry.max_ground_truth_lag_epochs",
            self.max_ground_truth_lag_epochs,
            GROUND_TRUTH_LAG_EPOCHS,
        )?;
        count(
            "registry.max_string_bytes",
            self.max_string_bytes,
            STRING_BYTES,
        )
    }
}

impl SynthesisParams {
    fn validate(&self) -> Result<(), ParamError> {
        let g = Of::Global;
        decimal(g, "synthesis.c_norm", self.c_norm, C_NORM)?;
        decimal(
            g,
            "synthesis.epsilon_safe_div",
            self.epsilon_safe_div,
            EPSILON_SAFE_DIV,
        )?;
        decimal(
            g,
            "synthesis.initial_regret_quantile",
            self.initial_regret_quantile,
            INITIAL_REGRET_QUANTILE,
        )?;
        decimal(
            g,
            "synthesis.p_norm_safe_div",
            self.p_norm_safe_div,
            P_NORM_SAFE_DIV,
        )?;
        decimal(
            g,
            "synthesis.epsilon_reputer",
            self.epsilon_reputer,
            EPSILON_REPUTER,
        )?;
        decimal(
            g,
            "synthesis.learning_rate",
            self.learning_rate,
            LEARNING_RATE,
        )?;
        count(
            "synthesis.gradient_descent_max_iters",
            self.gradient_descent_max_iters,
            GRADIENT_DESCENT_MAX_ITERS,
        )?;
        decimal(
            g,
            "synthesis.max_gradient_threshold",
            self.max_gradient_threshold,
            MAX_GRADIENT_THRESHOLD,
        )?;
        decimal(
            g,
            "synthesis.min_stake_fraction",
            self.min_stake_fraction,
            MIN_STAKE_FRACTION,
        )?;
        count(
            "synthesis.max_top_inferers_to_reward",
            self.max_top_inferers_to_reward,
            MAX_TOP_INFERERS,
        )?;
        count(
            "synthesis.max_top_forecasters_to_reward",
            self.max_top_forecasters_to_reward,
            MAX_TOP_FORECASTERS,
        )?;
        count(
            "synthesis.max_top_reputers_to_reward",
            self.max_top_reputers_to_reward,
            MAX_TOP_REPUTERS,
        )?;
        count(
            "synthesis.max_elements_per_forecast",
            self.max_elements_per_forecast,
            MAX_ELEMENTS_PER_FORECAST,
        )
    }
}

impl RewardParams {
    fn validate(&self) -> Result<(), ParamError> {
        let g = Of::Global;
        decimal(
            g,
            "rewards.p_reward_inference",
            self.p_reward_inference,
            P_REWARD,
        )?;
        decimal(
            g,
            "rewards.p_reward_forecast",
            self.p_reward_forecast,
            P_REWARD,
        )?;
        decimal(
            g,
            "rewards.p_reward_reputer",
            self.p_reward_reputer,
            P_REWARD,
        )?;
        decimal(
            g,
            "rewards.c_reward_inference",
            self.c_reward_inference,
            C_REWARD,
        )?;
        decimal(
            g,
            "rewards.c_reward_forecast",
            self.c_reward_forecast,
            C_REWARD,
        )?;
        decimal(
            g,
            "rewards.task_reward_alpha",
            self.task_reward_alpha,
            TASK_REWARD_ALPHA,
        )?;
        decimal(g, "rewards.beta_entropy", self.beta_entropy, BETA_ENTROPY)?;
        count(
            "rewards.max_samples_to_scale_scores",
            self.max_samples_to_scale_scores,
            MAX_SAMPLES_TO_SCALE_SCORES,
        )?;
        decimal(
            g,
            "rewards.topic_reward_stake_importance",
            self.topic_reward_stake_importance,
            TOPIC_REWARD_IMPORTANCE,
        )?;
        decimal(
            g,
            "rewards.topic_reward_fee_revenue_importance",
            self.topic_reward_fee_revenue_importance,
            TOPIC_REWARD_IMPORTANCE,
        )?;
        decimal(
            g,
            "rewards.topic_reward_alpha",
            self.topic_reward_alpha,
            TOPIC_REWARD_ALPHA,
        )?;
        decimal(
            g,
            "rewards.min_topic_weight",
            self.min_topic_weight,
            MIN_TOPIC_WEIGHT,
        )?;
        decimal(
            g,
            "rewards.chain_security_share",
            self.chain_security_share,
            CHAIN_SECURITY_SHARE,
        )?;
        count("rewards.blocks_per_month", self.blocks_per_month, BLOCKS)
    }
}

impl TopicParams {
    /// A topic's parameters against the maths' bounds and the registry's group
    /// (docs/PROTOCOL.md §13).
    pub fn validate(&self, registry: &RegistryParams) -> Result<(), ParamError> {
        check_string("metadata", &self.metadata, registry.max_string_bytes)?;
        check_string("loss_method", &self.loss_method, registry.max_string_bytes)?;

        let min_epoch = registry.min_epoch_length.max(1);
        if self.epoch_length < min_epoch {
            return Err(ParamError::EpochLengthTooShort {
                min: min_epoch,
                got: self.epoch_length,
            });
        }
        if self.worker_submission_window == 0 || self.worker_submission_window > self.epoch_length {
            return Err(ParamError::WorkerWindowOutOfRange {
                epoch_length: self.epoch_length,
                got: self.worker_submission_window,
            });
        }
        let worker_phase = self
            .worker_submission_window
            .checked_add(self.reveal_window);
        if worker_phase.is_none_or(|blocks| blocks > self.epoch_length) {
            return Err(ParamError::RevealWindowOutOfRange {
                epoch_length: self.epoch_length,
                worker_window: self.worker_submission_window,
                got: self.reveal_window,
            });
        }
        // On overflow the product exceeds every u64 lag, so the upper bound cannot bind.
        let max_lag = registry
            .max_ground_truth_lag_epochs
            .saturating_mul(self.epoch_length);
        if self.ground_truth_lag < self.epoch_length || self.ground_truth_lag > max_lag {
            return Err(ParamError::GroundTruthLagOutOfRange {
                min: self.epoch_length,
                max: max_lag,
                got: self.ground_truth_lag,
            });
        }

        let t = Of::Topic;
        decimal(t, "p_norm", self.p_norm, P_NORM)?;
        decimal(t, "alpha_regret", self.alpha_regret, ALPHA_REGRET)?;
        if let Some(alpha) = self.alpha_regret_forecasters {
            decimal(t, "alpha_regret_forecasters", alpha, ALPHA_REGRET)?;
        }
        decimal(t, "epsilon", self.epsilon, EPSILON)?;
        decimal(
            t,
            "merit_sortition_alpha",
            self.merit_sortition_alpha,
            MERIT_SORTITION_ALPHA,
        )?;
        decimal(
            t,
            "active_inferer_quantile",
            self.active_inferer_quantile,
            ACTIVE_QUANTILE,
        )?;
        decimal(
            t,
            "active_forecaster_quantile",
            self.active_forecaster_quantile,
            ACTIVE_QUANTILE,
        )?;
        decimal(
            t,
            "active_reputer_quantile",
            self.active_reputer_quantile,
            ACTIVE_QUANTILE,
        )
    }
}

#[cfg(test)]
mod tests;
