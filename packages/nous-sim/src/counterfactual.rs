//! Counterfactual runs: what would have happened without an attack, for the questions a
//! single run cannot answer. Today one: do Sybil clones earn more together than one
//! identity of the same model would have earned alone?

use anyhow::Result;
use indicatif::ProgressBar;

use crate::driver;
use crate::record::Run;
use crate::report::scorecard::claimed;
use crate::scenario::Scenario;

/// The first cloned inferer of `run`'s scenario: what its clones earned together ÷ what a
/// single identity of it earns in the same scenario with `clones = 1` (same seed, same
/// world). None when the scenario has no clones.
pub fn clones_over_one_identity(run: &Run, progress: &ProgressBar) -> Result<Option<f64>> {
    let sc = &run.scenario;
    let Some((at, spec)) = sc.inferers.iter().enumerate().find(|(_, i)| i.clones > 1) else {
        return Ok(None);
    };
    let together: u128 = spec.identities().iter().map(|n| claimed(run, n)).sum();
    let mut alone: Scenario = sc.clone();
    if let Some(i) = alone.inferers.get_mut(at) {
        i.clones = 1;
    }
    let single = driver::run(&alone, progress)?;
    let one = claimed(&single, &spec.name);
    Ok(Some(together as f64 / one.max(1) as f64))
}
