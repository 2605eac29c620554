//! The groups as the maths reads them: `nous_math::Params`, converted exactly
//! (`Decimal` and `Fixed` share 18 fractional digits, `nous_math::convert`).

use nous_math::{Fixed, MathResult, Params};

use super::{GlobalParams, RewardParams, SynthesisParams};

impl SynthesisParams {
    /// Writes this group into `p`.
    pub fn apply(&self, p: &mut Params) -> MathResult<()> {
        p.c_norm = Fixed::try_from(self.c_norm)?;
        p.epsilon_safe_div = Fixed::try_from(self.epsilon_safe_div)?;
        p.initial_regret_quantile = Fixed::try_from(self.initial_regret_quantile)?;
        p.p_norm_safe_div = Fixed::try_from(self.p_norm_safe_div)?;
        p.epsilon_reputer = Fixed::try_from(self.epsilon_reputer)?;
        p.learning_rate = Fixed::try_from(self.learning_rate)?;
        p.gradient_descent_max_iters = self.gradient_descent_max_iters;
        p.max_gradient_threshold = Fixed::try_from(self.max_gradient_threshold)?;
        p.min_stake_fraction = Fixed::try_from(self.min_stake_fraction)?;
        p.max_top_inferers_to_reward = self.max_top_inferers_to_reward;
        p.max_top_forecasters_to_reward = self.max_top_forecasters_to_reward;
        p.max_top_reputers_to_reward = self.max_top_reputers_to_reward;
        p.max_elements_per_forecast = self.max_elements_per_forecast;
        Ok(())
    }
}

impl RewardParams {
    /// Writes this group into `p`.
    pub fn apply(&self, p: &mut Params) -> MathResult<()> {
        p.p_reward_inference = Fixed::try_from(self.p_reward_inference)?;
        p.p_reward_forecast = Fixed::try_from(self.p_reward_forecast)?;
        p.p_reward_reputer = Fixed::try_from(self.p_reward_reputer)?;
        p.c_reward_inference = Fixed::try_from(self.c_reward_inference)?;
        p.c_reward_forecast = Fixed::try_from(self.c_reward_forecast)?;
        p.task_reward_alpha = Fixed::try_from(self.task_reward_alpha)?;
        p.beta_entropy = Fixed::try_from(self.beta_entropy)?;
        p.max_samples_to_scale_scores = self.max_samples_to_scale_scores;
        p.topic_reward_stake_importance = Fixed::try_from(self.topic_reward_stake_importance)?;
        p.topic_reward_fee_revenue_importance =
            Fixed::try_from(self.topic_reward_fee_revenue_importance)?;
        p.topic_reward_alpha = Fixed::try_from(self.topic_reward_alpha)?;
        p.min_topic_weight = Fixed::try_from(self.min_topic_weight)?;
        p.validators_vs_allora_percent_reward = Fixed::try_from(self.chain_security_share)?;
        p.blocks_per_month = self.blocks_per_month;
        Ok(())
    }
}

impl GlobalParams {
    /// Every module parameter of the set as the maths reads it; the topic parameters (and
    /// the maths' own `max_active_topics_per_block`) are the chain defaults.
    pub fn maths_params(&self) -> MathResult<Params> {
        let mut p = Params::chain_defaults();
        self.synthesis.apply(&mut p)?;
        self.rewards.apply(&mut p)?;
        p.required_minimum_stake = self.staking.required_minimum_stake.u128();
        p.min_epoch_length = self.registry.min_epoch_length;
        Ok(p)
    }
}
