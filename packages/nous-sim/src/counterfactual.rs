//! Counterfactual runs, for the questions a single run cannot answer: do Sybil clones earn
//! more together than one identity of the same model would have earned alone, and how does
//! the same world score under the reference design and under the improved one (improved
//! rules and commit–reveal)?

use anyhow::Result;
use indicatif::ProgressBar;

use crate::driver;
use crate::presets::PRESETS;
use crate::record::{Run, Scorecard, THIS_RUN};
use crate::report::scorecard::{earned, scorecard};
use crate::scenario::Scenario;

/// The first cloned inferer of `run`'s scenario: what its clones earned together ÷ what a
/// single identity of it earns in the same scenario with `clones = 1` (same seed, same
/// world), both net of the payload fees they paid. None when the scenario has no clones.
pub fn clones_over_one_identity(run: &Run, progress: &ProgressBar) -> Result<Option<f64>> {
    let sc = &run.scenario;
    let Some((at, spec)) = sc.inferers.iter().enumerate().find(|(_, i)| i.clones > 1) else {
        return Ok(None);
    };
    let together: i128 = spec.identities().iter().map(|n| earned(run, n)).sum();
    let mut alone: Scenario = sc.clone();
    if let Some(i) = alone.inferers.get_mut(at) {
        i.clones = 1;
    }
    let single = driver::run(&alone, progress)?;
    let one = earned(&single, &spec.name);
    Ok(Some(together as f64 / one.max(1) as f64))
}

/// The scorecard under each of [`PRESETS`], side by side, each with its clone
/// counterfactual: `run` itself where it ran under the preset, else the same scenario (same
/// seed, same world) run again under it. A run under another design (an ablation) comes
/// first, as [`THIS_RUN`]. `run.clones_over_one_identity` must be measured.
pub fn side_by_side(run: &Run, progress: &ProgressBar) -> Result<Vec<Scorecard>> {
    let mut cards = Vec::new();
    if !PRESETS.iter().any(|p| p.describes(&run.scenario)) {
        cards.push((THIS_RUN.to_string(), scorecard(run)));
    }
    for preset in PRESETS {
        let card = if preset.describes(&run.scenario) {
            scorecard(run)
        } else {
            let sc = preset.applied_to(&run.scenario);
            let mut other = driver::run(&sc, progress)?;
            other.clones_over_one_identity = clones_over_one_identity(&other, progress)?;
            scorecard(&other)
        };
        cards.push((preset.name.to_string(), card));
    }
    Ok(cards)
}
