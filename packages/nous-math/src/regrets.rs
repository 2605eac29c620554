//! Regret tables, their update (MATH.md §6.2) and the topic initial regret
//! (§6.3).

use crate::error::MathResult;
use crate::fixed::Fixed;
use crate::losses::NetworkLosses;
use crate::params::{check_regret, clamp_regret, Params};
use crate::sorted_map::SortedMap;
use crate::stats::{ema, quantile, sample_stdev};

/// Every regret the synthesis reads. An absent entry reads as `initial`, the
/// topic initial regret (§5.0, §6.2). Pair keys are `(withheld or one-in
/// actor, actor)`.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct RegretState {
    /// Topic initial regret; exactly 0 means "all inferers are new" (§3.3).
    pub initial: Fixed,
    /// `R_j`.
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub inferer: SortedMap<u32, Fixed>,
    /// `R_k`.
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub forecaster: SortedMap<u32, Fixed>,
    /// `R⁻_j` (naive network).
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub naive: SortedMap<u32, Fixed>,
    /// `R⁻_{j'}(j)`, key `(j', j)`.
    #[serde(with = "crate::serde_maps::pair_map")]
    #[schemars(with = "Vec<(u32, u32, Fixed)>")]
    pub one_out_inferer_inferer: SortedMap<(u32, u32), Fixed>,
    /// `R⁻_{j'}(k)`, key `(j', k)`.
    #[serde(with = "crate::serde_maps::pair_map")]
    #[schemars(with = "Vec<(u32, u32, Fixed)>")]
    pub one_out_inferer_forecaster: SortedMap<(u32, u32), Fixed>,
    /// `R⁻_{k'}(j)`, key `(k', j)`.
    #[serde(with = "crate::serde_maps::pair_map")]
    #[schemars(with = "Vec<(u32, u32, Fixed)>")]
    pub one_out_forecaster_inferer: SortedMap<(u32, u32), Fixed>,
    /// `R⁻_{k'}(k)`, key `(k', k)`.
    #[serde(with = "crate::serde_maps::pair_map")]
    #[schemars(with = "Vec<(u32, u32, Fixed)>")]
    pub one_out_forecaster_forecaster: SortedMap<(u32, u32), Fixed>,
    /// `R⁺_k(j)`, key `(k, j)`.
    #[serde(with = "crate::serde_maps::pair_map")]
    #[schemars(with = "Vec<(u32, u32, Fixed)>")]
    pub one_in_inferer: SortedMap<(u32, u32), Fixed>,
    /// `R⁺_k(k)`, key `k`.
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_in_self: SortedMap<u32, Fixed>,
}

fn read<K: Ord>(table: &SortedMap<K, Fixed>, key: &K, initial: Fixed) -> Fixed {
    table.get(key).copied().unwrap_or(initial)
}

impl RegretState {
    /// A fresh topic: no regrets, initial regret 0.
    pub fn new() -> RegretState {
        RegretState::default()
    }

    /// Every stored regret within `MAX_ABS_REGRET`.
    pub fn validate(&self) -> MathResult<()> {
        check_regret(self.initial, "topic initial regret")?;
        let singles = [
            &self.inferer,
            &self.forecaster,
            &self.naive,
            &self.one_in_self,
        ];
        for t in singles {
            for v in t.values() {
                check_regret(*v, "stored regret")?;
            }
        }
        let pairs = [
            &self.one_out_inferer_inferer,
            &self.one_out_inferer_forecaster,
            &self.one_out_forecaster_inferer,
            &self.one_out_forecaster_forecaster,
            &self.one_in_inferer,
        ];
        for t in pairs {
            for v in t.values() {
                check_regret(*v, "stored regret")?;
            }
        }
        Ok(())
    }

    pub fn inferer(&self, j: u32) -> Fixed {
        read(&self.inferer, &j, self.initial)
    }
    pub fn forecaster(&self, k: u32) -> Fixed {
        read(&self.forecaster, &k, self.initial)
    }
    pub fn naive(&self, j: u32) -> Fixed {
        read(&self.naive, &j, self.initial)
    }
    pub fn one_out_inferer_inferer(&self, withheld: u32, j: u32) -> Fixed {
        read(&self.one_out_inferer_inferer, &(withheld, j), self.initial)
    }
    pub fn one_out_inferer_forecaster(&self, withheld: u32, k: u32) -> Fixed {
        read(
            &self.one_out_inferer_forecaster,
            &(withheld, k),
            self.initial,
        )
    }
    pub fn one_out_forecaster_inferer(&self, withheld: u32, j: u32) -> Fixed {
        read(
            &self.one_out_forecaster_inferer,
            &(withheld, j),
            self.initial,
        )
    }
    pub fn one_out_forecaster_forecaster(&self, withheld: u32, k: u32) -> Fixed {
        read(
            &self.one_out_forecaster_forecaster,
            &(withheld, k),
            self.initial,
        )
    }
    pub fn one_in_inferer(&self, k: u32, j: u32) -> Fixed {
        read(&self.one_in_inferer, &(k, j), self.initial)
    }
    pub fn one_in_self(&self, k: u32) -> Fixed {
        read(&self.one_in_self, &k, self.initial)
    }
}

/// The EMA rates of §6.2: one for the regrets whose subject is an inferer (`R_j`, the
/// naive `R⁻_j` and the one-out and one-in regrets of inferers), one for those whose subject
/// is a forecaster (`R_k`, its one-out regrets and `R⁺_k`). The reference design uses one
/// rate for both: a plain `Fixed` converts to that.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegretAlphas {
    pub inferers: Fixed,
    pub forecasters: Fixed,
}

impl From<Fixed> for RegretAlphas {
    fn from(alpha: Fixed) -> RegretAlphas {
        RegretAlphas {
            inferers: alpha,
            forecasters: alpha,
        }
    }
}

impl RegretAlphas {
    /// A topic's rates: `alpha_regret`, and `alpha_regret_forecasters` when it is set.
    pub fn of(params: &Params) -> RegretAlphas {
        RegretAlphas {
            inferers: params.alpha_regret,
            forecasters: params
                .alpha_regret_forecasters
                .unwrap_or(params.alpha_regret),
        }
    }
}

/// §6.2: every regret becomes `EMA_α(difference, prev)` with `prev` the stored
/// regret or the topic initial regret (always blended), `α` the rate of the regret's
/// subject ([`RegretAlphas`]). Entries not touched this epoch keep their stored value;
/// results are clamped to `±MAX_ABS_REGRET`. A `L⁻_{j'ik}` or `L_ik` missing for a listed
/// pair is skipped (the chain would read 0 there; see MATH.md §6.2).
pub fn update_regrets(
    losses: &NetworkLosses,
    prev: &RegretState,
    alphas: impl Into<RegretAlphas>,
) -> MathResult<RegretState> {
    prev.validate()?;
    let alphas = alphas.into();
    let mut new = prev.clone();
    let init = prev.initial;
    let upd = |diff: Fixed, old: Fixed| -> MathResult<Fixed> {
        Ok(clamp_regret(ema(alphas.inferers, diff, Some(old))?))
    };
    let upd_forecaster = |diff: Fixed, old: Fixed| -> MathResult<Fixed> {
        Ok(clamp_regret(ema(alphas.forecasters, diff, Some(old))?))
    };
    let l = losses.combined;
    let ln = losses.naive;
    for (j, v) in &losses.inferer {
        new.inferer
            .insert(*j, upd(l.checked_sub(*v)?, prev.inferer(*j))?);
        new.naive
            .insert(*j, upd(ln.checked_sub(*v)?, prev.naive(*j))?);
    }
    for (k, v) in &losses.forecaster {
        new.forecaster
            .insert(*k, upd_forecaster(l.checked_sub(*v)?, prev.forecaster(*k))?);
    }
    for (jw, lo) in &losses.one_out_inferer {
        for (j, v) in &losses.inferer {
            new.one_out_inferer_inferer.insert(
                (*jw, *j),
                upd(lo.checked_sub(*v)?, prev.one_out_inferer_inferer(*jw, *j))?,
            );
        }
        for ((k, jw2), v) in &losses.one_out_inferer_forecaster {
            if jw2 == jw {
                new.one_out_inferer_forecaster.insert(
                    (*jw, *k),
                    upd_forecaster(
                        lo.checked_sub(*v)?,
                        prev.one_out_inferer_forecaster(*jw, *k),
                    )?,
                );
            }
        }
    }
    for (kw, lo) in &losses.one_out_forecaster {
        for (j, v) in &losses.inferer {
            new.one_out_forecaster_inferer.insert(
                (*kw, *j),
                upd(
                    lo.checked_sub(*v)?,
                    prev.one_out_forecaster_inferer(*kw, *j),
                )?,
            );
        }
        for (k, v) in &losses.forecaster {
            new.one_out_forecaster_forecaster.insert(
                (*kw, *k),
                upd_forecaster(
                    lo.checked_sub(*v)?,
                    prev.one_out_forecaster_forecaster(*kw, *k),
                )?,
            );
        }
    }
    for (k, lin) in &losses.one_in {
        for (j, v) in &losses.inferer {
            new.one_in_inferer.insert(
                (*k, *j),
                upd(lin.checked_sub(*v)?, prev.one_in_inferer(*k, *j))?,
            );
        }
        if let Some(lk) = losses.forecaster.get(k) {
            new.one_in_self.insert(
                *k,
                upd_forecaster(lin.checked_sub(*lk)?, prev.one_in_self(*k))?,
            );
        }
    }
    let _ = init;
    Ok(new)
}

/// §6.3: is an actor experienced? It had a stored combined regret before this
/// update and was paid for the task in at least `1/α_R` epochs.
pub fn is_experienced(
    had_regret_before: bool,
    inclusions: u64,
    alpha_regret: Fixed,
) -> MathResult<bool> {
    Ok(had_regret_before
        && Fixed::from_int(inclusions as i128)?.checked_mul(alpha_regret)? >= Fixed::ONE)
}

/// §6.3: the new combined regrets `R_j`, `R_k` of experienced actors, given
/// the state before and after the update and each actor's inclusion count.
pub fn experienced_regrets(
    before: &RegretState,
    after: &RegretState,
    inferer_inclusions: &SortedMap<u32, u64>,
    forecaster_inclusions: &SortedMap<u32, u64>,
    alpha_regret: Fixed,
) -> MathResult<Vec<Fixed>> {
    let mut out = Vec::new();
    for (j, r) in &after.inferer {
        let n = inferer_inclusions.get(j).copied().unwrap_or(0);
        if is_experienced(before.inferer.contains_key(j), n, alpha_regret)? {
            out.push(*r);
        }
    }
    for (k, r) in &after.forecaster {
        let n = forecaster_inclusions.get(k).copied().unwrap_or(0);
        if is_experienced(before.forecaster.contains_key(k), n, alpha_regret)? {
            out.push(*r);
        }
    }
    Ok(out)
}

/// §6.3: `Q_{0.25}(X) + (c − 8.25/p)·(σ(X) + ε_t)`; `None` (leave unchanged)
/// for empty `X`. The result is clamped to `±MAX_ABS_REGRET`.
pub fn topic_initial_regret(experienced: &[Fixed], params: &Params) -> MathResult<Option<Fixed>> {
    if experienced.is_empty() {
        return Ok(None);
    }
    for r in experienced {
        check_regret(*r, "experienced regret")?;
    }
    let spread = sample_stdev(experienced)?.checked_add(params.epsilon_topic)?;
    let offset = params
        .c_norm
        .checked_sub(params.p_norm_safe_div.checked_div(params.p_norm)?)?;
    let q = quantile(experienced, params.initial_regret_quantile)?;
    Ok(Some(clamp_regret(
        q.checked_add(offset.checked_mul(spread)?)?,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked value of MATH.md §6.3.
    #[test]
    fn worked_initial_regret() {
        let xs: Vec<Fixed> = [
            "0.6445506208021189",
            "1.0216386898413485",
            "0.6092049398135028",
            "0.6971588004566455",
            "0.9030751421888253",
            "0.8219035038858344",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        let params = Params {
            epsilon_topic: "0.0001".parse().unwrap(),
            ..Params::simulator()
        };
        let got = topic_initial_regret(&xs, &params).unwrap().unwrap();
        let want: Fixed = "0.3354820760526412".parse().unwrap();
        assert!((got.raw() - want.raw()).abs() < 1_000, "{got}");
        assert_eq!(topic_initial_regret(&[], &params).unwrap(), None);
    }

    #[test]
    fn experience_needs_history_and_inclusions() {
        let a: Fixed = "0.1".parse().unwrap();
        assert!(is_experienced(true, 10, a).unwrap());
        assert!(!is_experienced(true, 9, a).unwrap());
        assert!(!is_experienced(false, 100, a).unwrap());
    }
}
