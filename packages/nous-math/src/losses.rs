//! Loss bundles and stake-weighted network losses (MATH.md §6.1).

use std::collections::BTreeMap;

use crate::error::{MathError, MathResult};
use crate::fixed::Fixed;
use crate::params::{check_value, Params, MAX_TOTAL_STAKE};

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
    pub inferer: BTreeMap<u32, Fixed>,
    /// `L_mk` per forecaster (forecast-implied inference).
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub forecaster: BTreeMap<u32, Fixed>,
    /// `L⁻_{m,j'}` per withheld inferer.
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_out_inferer: BTreeMap<u32, Fixed>,
    /// `L⁻_{m,k'}` per withheld forecaster.
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_out_forecaster: BTreeMap<u32, Fixed>,
    /// `L⁺_{m,k}` per one-in forecaster.
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_in: BTreeMap<u32, Fixed>,
    /// `L⁻_{m,j'k}` keyed by `(forecaster k, withheld inferer j')`.
    #[serde(with = "crate::serde_maps::pair_map")]
    #[schemars(with = "Vec<(u32, u32, Fixed)>")]
    pub one_out_inferer_forecaster: BTreeMap<(u32, u32), Fixed>,
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
    pub inferer: BTreeMap<u32, Fixed>,
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub forecaster: BTreeMap<u32, Fixed>,
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_out_inferer: BTreeMap<u32, Fixed>,
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_out_forecaster: BTreeMap<u32, Fixed>,
    #[serde(with = "crate::serde_maps::id_map")]
    #[schemars(with = "Vec<(u32, Fixed)>")]
    pub one_in: BTreeMap<u32, Fixed>,
    /// Keyed by `(forecaster k, withheld inferer j')`.
    #[serde(with = "crate::serde_maps::pair_map")]
    #[schemars(with = "Vec<(u32, u32, Fixed)>")]
    pub one_out_inferer_forecaster: BTreeMap<(u32, u32), Fixed>,
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

fn weighted<K: Ord + Copy>(
    reports: &[(Fixed, &ReputerLosses)],
    get: impl Fn(&ReputerLosses) -> &BTreeMap<K, Fixed>,
) -> MathResult<BTreeMap<K, Fixed>> {
    let mut acc: BTreeMap<K, (Fixed, Fixed)> = BTreeMap::new();
    for (stake, rep) in reports {
        for (key, v) in get(rep) {
            let e = acc.entry(*key).or_insert((Fixed::ZERO, Fixed::ZERO));
            e.0 = e.0.checked_add(stake.checked_mul(*v)?)?;
            e.1 = e.1.checked_add(*stake)?;
        }
    }
    let mut out = BTreeMap::new();
    for (key, (num, den)) in acc {
        if den.is_zero() {
            continue; // a per-worker entry with zero stake behind it is dropped
        }
        out.insert(key, num.checked_div(den)?);
    }
    Ok(out)
}

/// §6.1: stake-weighted mean of the reports, entry by entry, over the
/// reputers that reported it. Reputers below `required_minimum_stake` are
/// excluded first. Zero stake behind the combined or naive entry is an error.
pub fn network_losses(
    reports: &BTreeMap<u32, ReputerReport>,
    params: &Params,
) -> MathResult<NetworkLosses> {
    let mut total: u128 = 0;
    let mut kept: Vec<(Fixed, &ReputerLosses)> = Vec::new();
    for r in reports.values() {
        r.losses.validate()?;
        if r.stake < params.required_minimum_stake {
            continue;
        }
        total = total.checked_add(r.stake).ok_or(MathError::Overflow)?;
        kept.push((Fixed::from_base_units(r.stake)?, &r.losses));
    }
    if total > MAX_TOTAL_STAKE {
        return Err(MathError::OutOfRange("total reputer stake"));
    }
    let scalar =
        |get: fn(&ReputerLosses) -> Option<Fixed>, what: &'static str| -> MathResult<Fixed> {
            let mut num = Fixed::ZERO;
            let mut den = Fixed::ZERO;
            for (s, rep) in &kept {
                if let Some(v) = get(rep) {
                    num = num.checked_add(s.checked_mul(v)?)?;
                    den = den.checked_add(*s)?;
                }
            }
            if den.is_zero() {
                return Err(MathError::DivisionByZero(what));
            }
            num.checked_div(den)
        };
    Ok(NetworkLosses {
        combined: scalar(
            |r| r.combined,
            "network loss: no stake behind the combined loss",
        )?,
        naive: scalar(|r| r.naive, "network loss: no stake behind the naive loss")?,
        inferer: weighted(&kept, |r| &r.inferer)?,
        forecaster: weighted(&kept, |r| &r.forecaster)?,
        one_out_inferer: weighted(&kept, |r| &r.one_out_inferer)?,
        one_out_forecaster: weighted(&kept, |r| &r.one_out_forecaster)?,
        one_in: weighted(&kept, |r| &r.one_in)?,
        one_out_inferer_forecaster: weighted(&kept, |r| &r.one_out_inferer_forecaster)?,
    })
}
