//! Loss bundles and stake-weighted network losses (MATH.md §6.1).

use crate::error::{MathError, MathResult};
use crate::fixed::Fixed;
use crate::params::{check_value, Params};
use crate::sorted_map::{SortedMap, SortedSet};
use crate::stats::WeightedMean;

/// One reputer's report for an epoch; a missing entry is `None` / absent.
/// Ids: inferers and forecasters have separate id spaces.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct ReputerLosses {
    /// Loss of the combined inference `L_m`.
    pub combined: Option<Fixed>,
    /// Loss of the naive inference `L⁻_m`.
    pub naive: Option<Fixed>,
    /// `L_mj` per inferer.
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub inferer: SortedMap<u32, Fixed>,
    /// `L_mk` per forecaster (forecast-implied inference).
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub forecaster: SortedMap<u32, Fixed>,
    /// `L⁻_{m,j'}` per withheld inferer.
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_out_inferer: SortedMap<u32, Fixed>,
    /// `L⁻_{m,k'}` per withheld forecaster.
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_out_forecaster: SortedMap<u32, Fixed>,
    /// `L⁺_{m,k}` per one-in forecaster.
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_in: SortedMap<u32, Fixed>,
    /// `L⁻_{m,j'k}` keyed by `(forecaster k, withheld inferer j')`.
    #[serde(with = "crate::serde_maps::pair_map")]
    #[schemars(with = "Vec<(u32, u32, Fixed)>")]
    pub one_out_inferer_forecaster: SortedMap<(u32, u32), Fixed>,
}

/// The network loss bundle of an epoch (`L_i`, `L⁻_i`, `L_ij`, ...).
#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct NetworkLosses {
    pub combined: Fixed,
    pub naive: Fixed,
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub inferer: SortedMap<u32, Fixed>,
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub forecaster: SortedMap<u32, Fixed>,
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_out_inferer: SortedMap<u32, Fixed>,
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_out_forecaster: SortedMap<u32, Fixed>,
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_in: SortedMap<u32, Fixed>,
    /// Keyed by `(forecaster k, withheld inferer j')`.
    #[serde(with = "crate::serde_maps::pair_map")]
    #[schemars(with = "Vec<(u32, u32, Fixed)>")]
    pub one_out_inferer_forecaster: SortedMap<(u32, u32), Fixed>,
}

/// A reputer's stake (base units) and report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReputerReport {
    pub stake: u128,
    pub losses: ReputerLosses,
}

impl ReputerLosses {
    /// Every value within `MAX_ABS_VALUE`.
    pub fn validate(&self) -> MathResult<()> {
        let all = self
            .combined
            .iter()
            .chain(self.naive.iter())
            .chain(self.inferer.values())
            .chain(self.forecaster.values())
            .chain(self.one_out_inferer.values())
            .chain(self.one_out_forecaster.values())
            .chain(self.one_in.values())
            .chain(self.one_out_inferer_forecaster.values());
        for v in all {
            check_value(*v, "reported loss")?;
        }
        Ok(())
    }
}

impl ReputerLosses {
    /// Completes `one_out_inferer_forecaster` from the named pairs (§5.3):
    /// forecaster `k`'s one-out value with inferer `j` withheld is `I_k` itself
    /// when `k` did not name `j`, so its loss is the reported `L_mk`. Every pair
    /// `(k, j)` with `k` in `forecaster`, `j` in `inferers` and not in `named`
    /// (the pairs the network inference lists) reads `L_mk`; a named pair keeps
    /// what the reputer reported (absent if it reported none).
    pub fn fill_unnamed_pairs(&mut self, inferers: &[u32], named: &SortedSet<(u32, u32)>) {
        let mut inferers = inferers.to_vec();
        inferers.sort_unstable();
        inferers.dedup();
        // in ascending (k, j) order, so the pairs go in by one merge
        let mut unnamed = Vec::with_capacity(self.forecaster.len().saturating_mul(inferers.len()));
        for (k, loss) in &self.forecaster {
            for j in &inferers {
                if !named.contains(&(*k, *j)) {
                    unnamed.push(((*k, *j), *loss));
                }
            }
        }
        self.one_out_inferer_forecaster.merge(unnamed);
    }
}

fn weighted<K: Ord + Copy>(
    reports: &[(u128, &ReputerLosses)],
    get: impl Fn(&ReputerLosses) -> &SortedMap<K, Fixed>,
) -> MathResult<SortedMap<K, Fixed>> {
    let first = reports.first().map(|(_, rep)| get(rep));
    let aligned = first.is_some_and(|first| {
        reports
            .iter()
            .all(|(_, rep)| get(rep).keys().eq(first.keys()))
    });
    let acc = match first {
        // every report over the same keys (the usual case): accumulate by position, one
        // walk per report, instead of a search per report and key
        Some(first) if aligned => {
            let mut means = vec![WeightedMean::default(); first.len()];
            for (stake, rep) in reports {
                for (mean, v) in means.iter_mut().zip(get(rep).values()) {
                    mean.add(*stake, *v)?;
                }
            }
            first.keys().copied().zip(means).collect()
        }
        _ => {
            let mut acc = SortedMap::<K, WeightedMean>::new();
            for (stake, rep) in reports {
                for (key, v) in get(rep) {
                    acc.entry(*key).or_default().add(*stake, *v)?;
                }
            }
            acc
        }
    };
    let mut out = SortedMap::new();
    for (key, mean) in acc {
        // a per-worker entry with zero stake behind it is dropped
        if let Some(m) = mean.mean()? {
            out.insert(key, m);
        }
    }
    Ok(out)
}

/// Largest total stake the §6.1 and §7.3 maths use as is: 10^28 base units
/// (10^10 tokens) keeps `Σ S·L` inside `Fixed` for losses within
/// `MAX_ABS_VALUE`.
const MAX_WEIGHT_TOTAL: u128 = 10_000_000_000 * 1_000_000_000_000_000_000;

/// Stakes (base units, any legal `u128`) as the weights of the scale-invariant
/// formulas of §6.1 and §7.3 (MATH.md §1.4): unchanged while their total is
/// at most 10^28 base units, otherwise all halved together (shifted right)
/// as often as it takes to bring the total there, so no stake of any size
/// stops the epoch. A positive stake stays at least 1, so a reputer alone
/// behind an entry still carries it. Returns the weights and their total.
pub fn stake_weights(stakes: &[u128]) -> (Vec<u128>, u128) {
    let total_at = |shift: u32| {
        stakes
            .iter()
            .fold(0u128, |a, s| a.saturating_add(scaled(*s, shift)))
    };
    let mut shift = 0;
    while total_at(shift) > MAX_WEIGHT_TOTAL {
        shift += 1;
    }
    let weights = stakes.iter().map(|s| scaled(*s, shift)).collect();
    (weights, total_at(shift))
}

/// `s / 2^shift`, at least 1 for a positive `s`.
fn scaled(s: u128, shift: u32) -> u128 {
    if s == 0 {
        0
    } else {
        s.checked_shr(shift).unwrap_or(0).max(1)
    }
}

/// §6.1: stake-weighted mean of the reports, entry by entry, over the
/// reputers that reported it. Reputers below `required_minimum_stake` are
/// excluded first. Zero stake behind the combined or naive entry is an error.
/// Stakes enter as [`stake_weights`] (the mean is invariant to their scale).
pub fn network_losses(
    reports: &SortedMap<u32, ReputerReport>,
    params: &Params,
) -> MathResult<NetworkLosses> {
    let (_, kept) = stake_weighted(reports, params)?;
    weighted_losses(&kept)
}

/// §6.1 under the improved rules ([`crate::Rules::listened_network_losses`]): each
/// reputer weighs `a·S`, its stake weight times its listening coefficient (absent: 1).
/// Should no reputer be listened to at all, the stakes alone weigh (as in the reference).
pub fn listened_network_losses(
    reports: &SortedMap<u32, ReputerReport>,
    coefficients: &SortedMap<u32, Fixed>,
    params: &Params,
) -> MathResult<NetworkLosses> {
    let (ids, kept) = stake_weighted(reports, params)?;
    let listened = ids
        .iter()
        .zip(&kept)
        .map(|(m, (w, losses))| {
            let a = coefficients.get(m).copied().unwrap_or(Fixed::ONE);
            Ok((a.mul_floor_u128(*w)?, *losses))
        })
        .collect::<MathResult<Vec<_>>>()?;
    if listened.iter().all(|(w, _)| *w == 0) {
        return weighted_losses(&kept);
    }
    weighted_losses(&listened)
}

/// The reports above the stake gate, validated, as (id, ([`stake_weights`] weight, losses)).
#[allow(clippy::type_complexity)]
fn stake_weighted<'a>(
    reports: &'a SortedMap<u32, ReputerReport>,
    params: &Params,
) -> MathResult<(Vec<u32>, Vec<(u128, &'a ReputerLosses)>)> {
    let mut ids = Vec::new();
    let mut stakes = Vec::new();
    let mut kept: Vec<&ReputerLosses> = Vec::new();
    for (m, r) in reports {
        r.losses.validate()?;
        if r.stake < params.required_minimum_stake {
            continue;
        }
        ids.push(*m);
        stakes.push(r.stake);
        kept.push(&r.losses);
    }
    let kept = stake_weights(&stakes).0.into_iter().zip(kept).collect();
    Ok((ids, kept))
}

/// Entry-by-entry weighted means of the reports.
fn weighted_losses(kept: &[(u128, &ReputerLosses)]) -> MathResult<NetworkLosses> {
    let scalar =
        |get: fn(&ReputerLosses) -> Option<Fixed>, what: &'static str| -> MathResult<Fixed> {
            let mut mean = WeightedMean::default();
            for (s, rep) in kept {
                if let Some(v) = get(rep) {
                    mean.add(*s, v)?;
                }
            }
            mean.mean()?.ok_or(MathError::DivisionByZero(what))
        };
    Ok(NetworkLosses {
        combined: scalar(
            |r| r.combined,
            "network loss: no stake behind the combined loss",
        )?,
        naive: scalar(|r| r.naive, "network loss: no stake behind the naive loss")?,
        inferer: weighted(kept, |r| &r.inferer)?,
        forecaster: weighted(kept, |r| &r.forecaster)?,
        one_out_inferer: weighted(kept, |r| &r.one_out_inferer)?,
        one_out_forecaster: weighted(kept, |r| &r.one_out_forecaster)?,
        one_in: weighted(kept, |r| &r.one_in)?,
        one_out_inferer_forecaster: weighted(kept, |r| &r.one_out_inferer_forecaster)?,
    })
}
