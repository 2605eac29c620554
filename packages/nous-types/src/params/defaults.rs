//! The one set of default parameters: the maths' chain defaults (MATH.md §2.1, in
//! `nous_math::Params::chain_defaults`) and the suite's token amounts, stated in whole
//! tokens and scaled by the token's decimals.

use cosmwasm_std::{Decimal, Uint128};
use nous_math::{Fixed, Params, Rules};

use super::{
    GlobalParams, RegistryParams, RewardParams, StakingParams, SynthesisParams, TopicParams,
};

/// `CreateTopic`'s fee, in whole tokens: a topic costs every keeper's crank and storage
/// for as long as it lives, so creating one must not be free (SECURITY.md §3, spam). The
/// fee becomes the topic's first fee revenue, which counts in its weight.
pub const CREATE_TOPIC_FEE_TOKENS: u128 = 10;
/// `Register`'s fee, in whole tokens: each registration is stored, copied to synthesis and
/// competes for the active sets; a token per registration keeps Sybil swarms costly.
pub const REGISTRATION_FEE_TOKENS: u128 = 1;
/// A reputer's minimum self-stake, in whole tokens: its losses move the consensus and
/// its removals enter the unbonding queue, so it must have something at risk.
pub const REQUIRED_MINIMUM_STAKE_TOKENS: u128 = 100;
/// The minimum topic weight, in whole tokens (§9.1, `S^½ · (C/epoch_length)^½`): a topic
/// backed by one reputer at the minimum stake (100) reaches it with 0.01 token of fee
/// revenue per block, so its creation fee (10) alone activates it at epochs of up to
/// 1,000 blocks, until the weekly drip wears the fee down; a topic nobody stakes in or
/// pays for stays below it.
pub const MIN_TOPIC_WEIGHT_TOKENS: u128 = 1;
/// The registry's caps: ground-truth lags of up to 100 epochs, strings of up to 255 bytes
/// (SECURITY.md §1).
pub const MAX_GROUND_TRUTH_LAG_EPOCHS: u64 = 100;
pub const MAX_STRING_BYTES: u32 = 255;

/// `tokens` whole tokens in base units of a token with `decimals` decimals (saturating:
/// decimals beyond 18 are refused by validation anyway).
pub fn base_units(tokens: u128, decimals: u8) -> Uint128 {
    10u128
        .checked_pow(u32::from(decimals))
        .and_then(|unit| unit.checked_mul(tokens))
        .map_or(Uint128::MAX, Uint128::new)
}

/// A chain default as a message decimal; every one of them is non-negative (the test
/// below reads every default back).
fn dec(f: Fixed) -> Decimal {
    Decimal::try_from(f).unwrap_or_default()
}

impl GlobalParams {
    /// The defaults for a token of `token_decimals` decimals.
    pub fn defaults(token_decimals: u8) -> GlobalParams {
        let m = Params::chain_defaults();
        let tokens = |n| base_units(n, token_decimals);
        GlobalParams {
            token_decimals,
            registry: RegistryParams {
                min_epoch_length: m.min_epoch_length,
                max_ground_truth_lag_epochs: MAX_GROUND_TRUTH_LAG_EPOCHS,
                create_topic_fee: tokens(CREATE_TOPIC_FEE_TOKENS),
                registration_fee: tokens(REGISTRATION_FEE_TOKENS),
                max_string_bytes: MAX_STRING_BYTES,
                default_rules: Rules::IMPROVED,
            },
            staking: StakingParams {
                required_minimum_stake: tokens(REQUIRED_MINIMUM_STAKE_TOKENS),
            },
            synthesis: SynthesisParams {
                c_norm: dec(m.c_norm),
                epsilon_safe_div: dec(m.epsilon_safe_div),
                initial_regret_quantile: dec(m.initial_regret_quantile),
                p_norm_safe_div: dec(m.p_norm_safe_div),
                epsilon_reputer: dec(m.epsilon_reputer),
                learning_rate: dec(m.learning_rate),
                gradient_descent_max_iters: m.gradient_descent_max_iters,
                max_gradient_threshold: dec(m.max_gradient_threshold),
                min_stake_fraction: dec(m.min_stake_fraction),
                max_top_inferers_to_reward: m.max_top_inferers_to_reward,
                max_top_forecasters_to_reward: m.max_top_forecasters_to_reward,
                max_top_reputers_to_reward: m.max_top_reputers_to_reward,
                max_elements_per_forecast: m.max_elements_per_forecast,
            },
            rewards: RewardParams {
                p_reward_inference: dec(m.p_reward_inference),
                p_reward_forecast: dec(m.p_reward_forecast),
                p_reward_reputer: dec(m.p_reward_reputer),
                c_reward_inference: dec(m.c_reward_inference),
                c_reward_forecast: dec(m.c_reward_forecast),
                task_reward_alpha: dec(m.task_reward_alpha),
                beta_entropy: dec(m.beta_entropy),
                max_samples_to_scale_scores: m.max_samples_to_scale_scores,
                topic_reward_stake_importance: dec(m.topic_reward_stake_importance),
                topic_reward_fee_revenue_importance: dec(m.topic_reward_fee_revenue_importance),
                topic_reward_alpha: dec(m.topic_reward_alpha),
                min_topic_weight: Decimal::from_ratio(MIN_TOPIC_WEIGHT_TOKENS, 1u128),
                chain_security_share: dec(m.validators_vs_allora_percent_reward),
                blocks_per_month: m.blocks_per_month,
            },
        }
    }
}

impl TopicParams {
    /// A topic of the given timing with the maths' chain defaults for its parameters
    /// (MATH.md §2.2: `p_norm` 3, `epsilon` 0.01, `alpha_regret` 0.1, merit-sortition α 0.1,
    /// every active quantile 0.25), loss method `mse`, negative values refused, payloads in the
    /// clear (no reveal window), and no rules of its own (the registry's `default_rules`).
    pub fn defaults(
        metadata: &str,
        epoch_length: u64,
        worker_submission_window: u64,
        ground_truth_lag: u64,
    ) -> TopicParams {
        let m = Params::chain_defaults();
        TopicParams {
            metadata: metadata.to_string(),
            loss_method: "mse".to_string(),
            epoch_length,
            worker_submission_window,
            ground_truth_lag,
            reveal_window: 0,
            payload_fee: Uint128::zero(),
            p_norm: dec(m.p_norm),
            alpha_regret: dec(m.alpha_regret),
            alpha_regret_forecasters: None,
            allow_negative: false,
            epsilon: dec(m.epsilon_topic),
            merit_sortition_alpha: dec(m.merit_sortition_alpha),
            active_inferer_quantile: dec(m.active_quantile),
            active_forecaster_quantile: dec(m.active_quantile),
            active_reputer_quantile: dec(m.active_quantile),
            rules: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nous_math::convert::as_18_decimals;
    use nous_math::topic::{is_active_weight, topic_weight};

    #[test]
    fn defaults_are_the_chain_defaults_and_whole_tokens() {
        for decimals in [0u8, 6, 18] {
            let g = GlobalParams::defaults(decimals);
            g.validate().unwrap();
            // Every maths parameter reads back as the chain default, but for the two that
            // are token amounts here.
            let unit = 10u128.pow(u32::from(decimals));
            assert_eq!(
                g.maths_params().unwrap(),
                Params {
                    required_minimum_stake: 100 * unit,
                    min_topic_weight: Fixed::ONE,
                    ..Params::chain_defaults()
                }
            );
            assert_eq!(g.registry.create_topic_fee.u128(), 10 * unit);
            assert_eq!(g.registry.registration_fee.u128(), unit);
        }
        assert_eq!(base_units(1, 77), Uint128::MAX);
    }

    #[test]
    fn topic_defaults_are_the_chain_defaults_and_valid() {
        let t = TopicParams::defaults("ETH/USD", 12, 4, 24);
        t.validate(&GlobalParams::defaults(6).registry).unwrap();
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            (t.p_norm, t.epsilon, t.alpha_regret, t.merit_sortition_alpha),
            (d("3"), d("0.01"), d("0.1"), d("0.1"))
        );
        assert_eq!(t.active_reputer_quantile, d("0.25"));
    }

    /// The reason given for `MIN_TOPIC_WEIGHT_TOKENS`, checked with the maths the
    /// reward-distribution contract runs, on 6 and 18 decimals alike.
    #[test]
    fn min_topic_weight_is_reached_by_min_stake_and_creation_fee() {
        for decimals in [6u8, 18] {
            let g = GlobalParams::defaults(decimals);
            let p = g.maths_params().unwrap();
            let weight = |epoch_length: u64| {
                topic_weight(
                    as_18_decimals(g.staking.required_minimum_stake.u128(), decimals).unwrap(),
                    as_18_decimals(g.registry.create_topic_fee.u128(), decimals).unwrap(),
                    epoch_length,
                    None,
                    Fixed::ONE,
                    &p,
                )
                .unwrap()
            };
            assert!(is_active_weight(weight(12), &p));
            assert!(is_active_weight(weight(1_000), &p));
            assert!(!is_active_weight(weight(1_001), &p));
        }
    }
}
