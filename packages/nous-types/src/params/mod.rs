//! The suite's parameters: the admin's global set, grouped by the contract that reads
//! each group, and a topic's parameters as its creator chose them.
//!
//! - `GlobalParams` lives in the topic-registry (`UpdateParams`, query `Params`); each
//!   contract decodes only its own groups of the one answer (`TopicRegistryContract`'s
//!   `staking_params`, `synthesis_groups`, `reward_groups`; the other groups are skipped):
//!   the registry `registry`, staking `staking`, synthesis `synthesis` (and `staking`, its
//!   stake gate), reward-distribution `rewards` (with `token_decimals`, and synthesis's
//!   active-set caps to check the scores synthesis answers).
//! - Every bound is stated once: the maths' in `nous_math::params::bounds`, the contracts'
//!   own below ([`validate`]); `GlobalParams::validate` and `TopicParams::validate` are the
//!   one check, run by the registry whenever a parameter is set.
//! - Defaults exist once ([`defaults`]): the maths' chain defaults, and token amounts in
//!   whole tokens scaled by the token's decimals.
//! - [`maths`] turns the groups into `nous_math::Params`, with the exact `Decimal`↔`Fixed`
//!   conversions of `nous_math::convert`.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Decimal, Uint128};
pub use nous_math::Rules;

pub mod defaults;
pub mod maths;
pub mod validate;

pub use validate::ParamError;

/// Module parameters (MATH.md §2.1), fees, minimum stake and caps: admin-owned, set at
/// instantiate and replaced as a whole by `UpdateParams` (validated as a whole each time).
/// Token amounts are in base units; `rewards.min_topic_weight` is in whole tokens. Every
/// group refuses unknown fields (a misspelt parameter is an error, not a no-op).
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct GlobalParams {
    /// Decimals of the suite's token (6 on most Cosmos chains, 18 for EVM-style tokens):
    /// `10^token_decimals` base units are one whole token, the unit of topic weights.
    /// At most `nous_math::convert::MAX_TOKEN_DECIMALS` (18); fixed at instantiate.
    pub token_decimals: u8,
    pub registry: RegistryParams,
    pub staking: StakingParams,
    pub synthesis: SynthesisParams,
    pub rewards: RewardParams,
}

/// What the topic-registry reads: topics' timing and strings, and its fees.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct RegistryParams {
    /// Shortest epoch a topic may choose, in blocks (≥ 1).
    pub min_epoch_length: u64,
    /// Longest ground-truth lag, in epochs of the topic ([1, 10000]).
    pub max_ground_truth_lag_epochs: u64,
    /// Base units `CreateTopic` must attach (may be zero).
    pub create_topic_fee: Uint128,
    /// Base units `Register` must attach (may be zero).
    pub registration_fee: Uint128,
    /// Longest topic metadata and loss method, in bytes ([1, 255]).
    pub max_string_bytes: u32,
    /// The rules a topic is created with when its `CreateTopic` leaves `rules` out:
    /// `Rules::IMPROVED` unless the owner chooses otherwise (absent from parameters stored
    /// before it existed: the same).
    #[serde(default = "improved_rules")]
    pub default_rules: Rules,
}

fn improved_rules() -> Rules {
    Rules::IMPROVED
}

/// What staking reads, and synthesis with it (a reputer's losses count only with this
/// much stake behind them, MATH.md §6.1).
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct StakingParams {
    /// Base units of self-stake a reputer must hold (≥ 1).
    pub required_minimum_stake: Uint128,
}

/// What synthesis reads: the network inference, regrets and reputer consensus
/// (MATH.md §3–§7) and the active sets (§11). Bounds: `nous_math::params::bounds`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct SynthesisParams {
    /// §3.2 centre of the regret→weight gradient.
    pub c_norm: Decimal,
    /// §3.3 floor of the weight sum; §7.3 consensus-norm fallback.
    pub epsilon_safe_div: Decimal,
    /// §6.3 quantile of the topic initial regret.
    pub initial_regret_quantile: Decimal,
    /// §6.3 numerator of the offset `c − p_norm_safe_div/p`.
    pub p_norm_safe_div: Decimal,
    /// §7.3 reputer consensus.
    pub epsilon_reputer: Decimal,
    pub learning_rate: Decimal,
    pub gradient_descent_max_iters: u32,
    pub max_gradient_threshold: Decimal,
    pub min_stake_fraction: Decimal,
    /// §11 active-set sizes and forecast elements kept.
    pub max_top_inferers_to_reward: u32,
    pub max_top_forecasters_to_reward: u32,
    pub max_top_reputers_to_reward: u32,
    pub max_elements_per_forecast: u32,
}

/// What reward-distribution reads: the class split (MATH.md §8), topic weights (§9) and
/// the emission's month and chain-security share (§10). Bounds: `nous_math::params::bounds`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct RewardParams {
    /// §8.1–8.2 reward mappings.
    pub p_reward_inference: Decimal,
    pub p_reward_forecast: Decimal,
    pub p_reward_reputer: Decimal,
    pub c_reward_inference: Decimal,
    pub c_reward_forecast: Decimal,
    /// §8.3–8.5 smoothing and entropy.
    pub task_reward_alpha: Decimal,
    pub beta_entropy: Decimal,
    pub max_samples_to_scale_scores: u32,
    /// §9.1 topic weight `S^μ · (C/epoch_length)^ν`, stake and revenue in whole tokens.
    pub topic_reward_stake_importance: Decimal,
    pub topic_reward_fee_revenue_importance: Decimal,
    pub topic_reward_alpha: Decimal,
    /// Below this weight (whole tokens) a topic is inactivated.
    pub min_topic_weight: Decimal,
    /// §10.4 share of every draw sent to the chain-security recipient.
    pub chain_security_share: Decimal,
    /// §10 blocks per emission month.
    pub blocks_per_month: u64,
}

/// What staking decodes of the `Params` answer.
#[derive(serde::Deserialize)]
pub(crate) struct StakingGroup {
    pub staking: StakingParams,
}

/// What synthesis decodes of the `Params` answer (the other groups are skipped).
#[cw_serde]
pub struct SynthesisGroups {
    pub synthesis: SynthesisParams,
    pub staking: StakingParams,
}

/// What reward-distribution decodes of the `Params` answer (the other groups are skipped).
#[cw_serde]
pub struct RewardGroups {
    pub token_decimals: u8,
    pub synthesis: SynthesisParams,
    pub rewards: RewardParams,
}

/// A topic's parameters as chosen by its creator (docs/PROTOCOL.md §4 and §13).
/// Bounds: `TopicParams::validate` against the registry's group.
#[cw_serde]
pub struct TopicParams {
    pub metadata: String,
    pub loss_method: String,
    pub epoch_length: u64,
    pub worker_submission_window: u64,
    pub ground_truth_lag: u64,
    /// Blocks after the worker window in which workers reveal the payloads they committed
    /// to in it (docs/PROTOCOL.md "Commit–reveal"); 0, the default, means payloads are sent
    /// in the clear. `worker_submission_window + reveal_window <= epoch_length`.
    #[serde(default)]
    pub reveal_window: u64,
    /// Base units of the suite's token a worker attaches to each payload (on a commit–reveal
    /// topic, to each commitment), paid into the topic's fee revenue: every identity a
    /// worker runs pays it every epoch. 0, the default, is free. Native-token deployments
    /// only (the registry refuses it on a cw20 deployment).
    #[serde(default, skip_serializing_if = "Uint128::is_zero")]
    pub payload_fee: Uint128,
    pub p_norm: Decimal,
    pub alpha_regret: Decimal,
    /// The regret smoothing of forecasters (their `R_k`, one-out and one-in regrets), when
    /// it should differ from `alpha_regret` (docs/PROTOCOL.md §7.2); absent, it is
    /// `alpha_regret`, as in the reference design.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alpha_regret_forecasters: Option<Decimal>,
    pub allow_negative: bool,
    pub epsilon: Decimal,
    pub merit_sortition_alpha: Decimal,
    pub active_inferer_quantile: Decimal,
    pub active_forecaster_quantile: Decimal,
    pub active_reputer_quantile: Decimal,
    /// The epoch's rules: the reference design's or nous's improvements, switch by switch
    /// (docs/PROTOCOL.md). Left out of `CreateTopic`, the registry's `default_rules`; left
    /// out of `UpdateTopic`, the topic's rules stay as they are. A stored topic always has
    /// them, except one stored before the switches existed: it keeps the reference rules it
    /// was created under ([`TopicParams::rules_or_reference`]).
    #[serde(default)]
    pub rules: Option<Rules>,
}

impl TopicParams {
    /// The rules a stored topic runs by: its own, or the reference for a topic stored
    /// before the field existed.
    pub fn rules_or_reference(&self) -> Rules {
        self.rules.unwrap_or(Rules::REFERENCE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{from_json, to_json_string};

    #[test]
    fn json_is_grouped_and_strict() {
        let p = GlobalParams::defaults(6);
        let json = to_json_string(&p).unwrap();
        assert!(json.starts_with(r#"{"token_decimals":6,"registry":{"min_epoch_length":12,"#));
        assert!(json.contains(r#""synthesis":{"c_norm":"0.75","#), "{json}");
        assert!(json.contains(r#""p_norm_safe_div":"8.25""#), "{json}");
        assert_eq!(from_json::<GlobalParams>(json.as_bytes()).unwrap(), p);
        // cw_serde's deny_unknown_fields, at both levels
        let unknown = json.replacen(r#""synthesis":{"#, r#""synthesis":{"surprise":1,"#, 1);
        let e = from_json::<GlobalParams>(unknown.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field `surprise`"), "{e}");
        let missing = json.replacen(r#""c_norm":"0.75","#, "", 1);
        let e = from_json::<GlobalParams>(missing.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing field `c_norm`"), "{e}");
        // Each reader decodes its groups of the same answer, skipping the others.
        let read: SynthesisGroups = from_json(json.as_bytes()).unwrap();
        assert_eq!((&read.synthesis, &read.staking), (&p.synthesis, &p.staking));
        let read: RewardGroups = from_json(json.as_bytes()).unwrap();
        assert_eq!(
            (read.token_decimals, &read.synthesis, &read.rewards),
            (6, &p.synthesis, &p.rewards)
        );
        let read: StakingGroup = from_json(json.as_bytes()).unwrap();
        assert_eq!(read.staking, p.staking);
    }
}
