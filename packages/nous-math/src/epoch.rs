//! One topic epoch chained end to end, as the contracts run it:
//! [`loss_epoch`] at the close of the reputer window (§6–§7) and
//! [`reward_epoch`] in the reward step (§8). The synthesis of §5 is
//! [`crate::inference::synthesize`].

use crate::consensus::{listening_coefficients, ConsensusOutcome};
use crate::error::{MathError, MathResult};
use crate::fixed::Fixed;
use crate::losses::{listened_network_losses, network_losses, NetworkLosses, ReputerReport};
use crate::params::Params;
use crate::regrets::{
    experienced_regrets, topic_initial_regret, update_regrets, RegretAlphas, RegretState,
};
use crate::rewards::{
    class_budgets, class_reward_split, floored_worker_reward_fractions, forecasting_utility,
    payout, reputer_reward_fractions, score_sample, smoothed_entropy, worker_reward_fractions,
    ClassBudgets, ClassSplit, Payout,
};
use crate::scores::{forecaster_scores, forecasting_task_score, inferer_scores};
use crate::sorted_map::SortedMap;
use crate::sortition::score_ema;
use crate::stats::quantile;

/// Everything the loss step produces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LossEpochOutcome {
    /// §6.1 network loss bundle (the next epoch's `L_{i−1}` is `combined`).
    pub losses: NetworkLosses,
    /// §6.2 updated regrets with the §6.3 initial regret (store all of it).
    pub regrets: RegretState,
    /// §7.1–7.2 instant scores.
    pub inferer_scores: SortedMap<u32, Fixed>,
    pub forecaster_scores: SortedMap<u32, Fixed>,
    pub forecasting_task_score: Fixed,
    /// §7.3 reputer scores, adjusted stakes and the coefficients to store.
    pub consensus: ConsensusOutcome,
}

/// §6–§7 for one epoch: reputer consensus (first: under
/// [`crate::Rules::listened_network_losses`] its coefficients weigh the losses), network
/// losses, regret updates, the topic initial regret (from actors paid at least `1/α_R`
/// times, counts given per task) and worker scores.
pub fn loss_epoch(
    reports: &SortedMap<u32, ReputerReport>,
    regrets: &RegretState,
    listening: &SortedMap<u32, Fixed>,
    inferer_inclusions: &SortedMap<u32, u64>,
    forecaster_inclusions: &SortedMap<u32, u64>,
    params: &Params,
) -> MathResult<LossEpochOutcome> {
    params.validate()?;
    let consensus = listening_coefficients(reports, listening, params)?;
    let losses = if params.rules.listened_network_losses {
        listened_network_losses(reports, &consensus.coefficients, params)?
    } else {
        network_losses(reports, params)?
    };
    let mut new = update_regrets(&losses, regrets, RegretAlphas::of(params))?;
    let experienced = experienced_regrets(
        regrets,
        &new,
        inferer_inclusions,
        forecaster_inclusions,
        params.alpha_regret,
    )?;
    if let Some(init) = topic_initial_regret(&experienced, params)? {
        new.initial = init;
    }
    Ok(LossEpochOutcome {
        inferer_scores: inferer_scores(&losses)?,
        forecaster_scores: forecaster_scores(&losses)?,
        forecasting_task_score: forecasting_task_score(&losses)?,
        consensus,
        regrets: new,
        losses,
    })
}

/// The score EMAs of §11 that the reputer-window close blends after the loss step, per
/// class in the order inferers, forecasters, reputers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmaInputs {
    /// Stored EMAs before this epoch (absent: never scored, the instant score is taken).
    pub previous: [SortedMap<u32, Fixed>; 3],
    /// `q` of the class quantile `Q_q` over the class's instant scores.
    pub quantiles: [Fixed; 3],
}

/// One class's new EMAs (every scored actor) and the quantile of its instant scores.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassEmas {
    pub emas: SortedMap<u32, Fixed>,
    pub quantile: Fixed,
}

/// The loss step and the score EMAs, everything the reputer-window close stores.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScoredEpochOutcome {
    pub loss: LossEpochOutcome,
    /// Inferers, forecasters, reputers.
    pub emas: [ClassEmas; 3],
}

/// [`loss_epoch`] followed by §11's score EMAs of every scored actor, blended with
/// `merit_sortition_alpha` (the class quantile is taken over the class's instant scores):
/// the reputer-window close of the synthesis contract.
pub fn scored_loss_epoch(
    reports: &SortedMap<u32, ReputerReport>,
    regrets: &RegretState,
    listening: &SortedMap<u32, Fixed>,
    inferer_inclusions: &SortedMap<u32, u64>,
    forecaster_inclusions: &SortedMap<u32, u64>,
    emas: &EmaInputs,
    params: &Params,
) -> MathResult<ScoredEpochOutcome> {
    let loss = loss_epoch(
        reports,
        regrets,
        listening,
        inferer_inclusions,
        forecaster_inclusions,
        params,
    )?;
    let scores = [
        &loss.inferer_scores,
        &loss.forecaster_scores,
        &loss.consensus.scores,
    ];
    let mut out: [ClassEmas; 3] = Default::default();
    for (((scores, previous), q), into) in scores
        .iter()
        .zip(&emas.previous)
        .zip(emas.quantiles)
        .zip(out.iter_mut())
    {
        let values: Vec<Fixed> = scores.values().copied().collect();
        into.quantile = quantile(&values, q)?;
        for (actor, t) in scores.iter() {
            let prev = previous.get(actor).copied();
            let e = score_ema(prev, Some(*t), into.quantile, params.merit_sortition_alpha)?;
            into.emas.insert(*actor, e);
        }
    }
    Ok(ScoredEpochOutcome { loss, emas: out })
}

/// State the reward step reads from earlier epochs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RewardState {
    /// Smoothed reward fractions `ū` per class (§8.3).
    pub smoothed_inferer: SortedMap<u32, Fixed>,
    pub smoothed_forecaster: SortedMap<u32, Fixed>,
    pub smoothed_reputer: SortedMap<u32, Fixed>,
    /// `ρ̄` (§8.5; 0 if never set).
    pub forecaster_score_ratio: Fixed,
    /// Instant scores of earlier epochs, newest first, ascending id within
    /// an epoch (§8.1); only the first `max_samples_to_scale_scores` values
    /// are read.
    pub inferer_score_history: Vec<Vec<Fixed>>,
    pub forecaster_score_history: Vec<Vec<Fixed>>,
}

/// Everything the reward step produces: the class split, then the payouts of the topic
/// reward.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RewardOutcome {
    pub classes: RewardSplit,
    pub payouts: RewardPayouts,
}

fn entropy_or_zero(
    fractions: &SortedMap<u32, Fixed>,
    previous: &SortedMap<u32, Fixed>,
    params: &Params,
) -> MathResult<(Fixed, SortedMap<u32, Fixed>)> {
    if fractions.is_empty() {
        return Ok((Fixed::ZERO, SortedMap::new()));
    }
    let e = smoothed_entropy(
        fractions,
        previous,
        params.task_reward_alpha,
        params.beta_entropy,
    )?;
    Ok((e.entropy, e.smoothed))
}

/// The class split of one epoch (§8.1–8.6): everything of the reward step that does not
/// depend on the topic reward, which a contract learns only after capping every epoch of
/// a call by the treasury (§9.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RewardSplit {
    pub inferer_fractions: SortedMap<u32, Fixed>,
    pub forecaster_fractions: SortedMap<u32, Fixed>,
    pub reputer_fractions: SortedMap<u32, Fixed>,
    pub inferers_entropy: Fixed,
    pub forecasters_entropy: Fixed,
    pub reputers_entropy: Fixed,
    pub smoothed_inferer: SortedMap<u32, Fixed>,
    pub smoothed_forecaster: SortedMap<u32, Fixed>,
    pub smoothed_reputer: SortedMap<u32, Fixed>,
    pub forecaster_score_ratio: Fixed,
    pub forecasting_utility: Fixed,
    /// Shares of the topic reward (§8.6).
    pub split: ClassSplit,
    /// The score samples this epoch used (§8.1, newest first): what a caller that keeps
    /// one flat sample per class stores as the next epoch's history.
    pub inferer_sample: Vec<Fixed>,
    pub forecaster_sample: Vec<Fixed>,
}

/// §8.6–8.7 in base units: class budgets and integer payouts of a topic reward.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RewardPayouts {
    pub budgets: ClassBudgets,
    pub inferer_payout: Payout,
    pub forecaster_payout: Payout,
    pub reputer_payout: Payout,
    /// Class-split dust plus each class's dust: `Σ payouts + dust == topic_reward`.
    pub dust: u128,
}

/// §8.1–8.6 for one epoch: worker and reputer fractions, smoothing and entropies, χ and
/// the class split. Needs at least one inferer and one reputer.
#[allow(clippy::too_many_arguments)]
pub fn reward_split(
    inferer_scores: &SortedMap<u32, Fixed>,
    forecaster_scores: &SortedMap<u32, Fixed>,
    forecasting_task_score: Fixed,
    reputer_scores: &SortedMap<u32, Fixed>,
    reputer_stakes: &SortedMap<u32, u128>,
    state: &RewardState,
    params: &Params,
) -> MathResult<RewardSplit> {
    if inferer_scores.is_empty() {
        return Err(MathError::EmptyInput("reward epoch: no inferer scores"));
    }
    if reputer_scores.is_empty() {
        return Err(MathError::EmptyInput("reward epoch: no reputer scores"));
    }
    let max = params.max_samples_to_scale_scores as usize;
    let sample = |current: &SortedMap<u32, Fixed>, history: &[Vec<Fixed>]| {
        let mut h = vec![current.values().copied().collect::<Vec<_>>()];
        h.extend(history.iter().cloned());
        score_sample(&h, max)
    };
    let si = sample(inferer_scores, &state.inferer_score_history);
    let fractions = if params.rules.zero_floor_rewards {
        floored_worker_reward_fractions
    } else {
        worker_reward_fractions
    };
    let inferer_fractions = fractions(
        inferer_scores,
        &si,
        params.p_reward_inference,
        params.c_reward_inference,
        params.epsilon_topic,
    )?;
    let sf = sample(forecaster_scores, &state.forecaster_score_history);
    let forecaster_fractions = fractions(
        forecaster_scores,
        &sf,
        params.p_reward_forecast,
        params.c_reward_forecast,
        params.epsilon_topic,
    )?;
    let reputer_fractions =
        reputer_reward_fractions(reputer_stakes, reputer_scores, params.p_reward_reputer)?;
    let (f, smoothed_inferer) =
        entropy_or_zero(&inferer_fractions, &state.smoothed_inferer, params)?;
    let (mut g, smoothed_forecaster) =
        entropy_or_zero(&forecaster_fractions, &state.smoothed_forecaster, params)?;
    if inferer_scores.len() <= 1 {
        g = Fixed::ZERO; // §8.4: no forecasting entropy with at most one inferer
    }
    let (h, smoothed_reputer) =
        entropy_or_zero(&reputer_fractions, &state.smoothed_reputer, params)?;
    let (chi, ratio) = forecasting_utility(
        forecasting_task_score,
        inferer_scores,
        state.forecaster_score_ratio,
        params.task_reward_alpha,
    )?;
    Ok(RewardSplit {
        inferer_fractions,
        forecaster_fractions,
        reputer_fractions,
        inferers_entropy: f,
        forecasters_entropy: g,
        reputers_entropy: h,
        smoothed_inferer,
        smoothed_forecaster,
        smoothed_reputer,
        forecaster_score_ratio: ratio,
        forecasting_utility: chi,
        split: class_reward_split(f, g, h, chi)?,
        inferer_sample: si,
        forecaster_sample: sf,
    })
}

/// §8.6–8.7: class budgets `trunc(share · E)`, then `trunc(fraction · budget)` per actor;
/// the sum never exceeds `topic_reward` (base units).
pub fn reward_payouts(split: &RewardSplit, topic_reward: u128) -> MathResult<RewardPayouts> {
    let budgets = class_budgets(topic_reward, &split.split)?;
    let inferer_payout = payout(budgets.inference, &split.inferer_fractions)?;
    let forecaster_payout = if split.forecaster_fractions.is_empty() {
        Payout {
            amounts: SortedMap::new(),
            dust: budgets.forecasting,
        }
    } else {
        payout(budgets.forecasting, &split.forecaster_fractions)?
    };
    let reputer_payout = payout(budgets.reputation, &split.reputer_fractions)?;
    let dust = [
        budgets.dust,
        inferer_payout.dust,
        forecaster_payout.dust,
        reputer_payout.dust,
    ]
    .iter()
    .try_fold(0u128, |a, b| a.checked_add(*b))
    .ok_or(MathError::Overflow)?;
    Ok(RewardPayouts {
        budgets,
        inferer_payout,
        forecaster_payout,
        reputer_payout,
        dust,
    })
}

/// §8 for one epoch: [`reward_split`] then [`reward_payouts`] of `topic_reward` (base
/// units), with the parameters validated first.
#[allow(clippy::too_many_arguments)]
pub fn reward_epoch(
    inferer_scores: &SortedMap<u32, Fixed>,
    forecaster_scores: &SortedMap<u32, Fixed>,
    forecasting_task_score: Fixed,
    reputer_scores: &SortedMap<u32, Fixed>,
    reputer_stakes: &SortedMap<u32, u128>,
    topic_reward: u128,
    state: &RewardState,
    params: &Params,
) -> MathResult<RewardOutcome> {
    params.validate()?;
    let classes = reward_split(
        inferer_scores,
        forecaster_scores,
        forecasting_task_score,
        reputer_scores,
        reputer_stakes,
        state,
        params,
    )?;
    let payouts = reward_payouts(&classes, topic_reward)?;
    Ok(RewardOutcome { classes, payouts })
}
