//! Inferers: each model's prediction of the value to come, from the public series (and,
//! for "signal" models, a noisy glimpse of the truth).

use crate::rng::{Rng, Streams};
use crate::scenario::{InfererSpec, Model};
use crate::world::Series;

/// An inferer's prediction for epoch `k` of a topic (the copycat is resolved by
/// [`epoch_values`]).
pub fn infer(model: &Model, series: &Series, k: u64, rng: &mut Rng) -> f64 {
    let known = series.known_before(k);
    let last = known[known.len() - 1];
    let prev = known[known.len() - 2];
    let truth = series.truth(k);
    let vol = series.vol(k);
    match model {
        Model::Momentum { gain } => last + gain * (last - prev),
        Model::Reversion { window, strength } => {
            let w = (*window).clamp(1, known.len());
            let mean = known[known.len() - w..].iter().sum::<f64>() / w as f64;
            last + strength * (mean - last)
        }
        Model::Last => last,
        Model::Signal { noise, bias } => truth + vol * (bias + noise * rng.normal()),
        Model::Specialist {
            regime,
            good_noise,
            bad_noise,
        } => {
            let good = series.regime_names.get(series.regime(k)) == Some(regime);
            let n = if good { *good_noise } else { *bad_noise };
            truth + vol * n * rng.normal()
        }
        Model::Lagging { lag } => known[known.len().saturating_sub(1 + lag)],
        Model::Copycat { .. } => last,
    }
}

/// What each inferer of the scenario submits in epoch `k` of topic `topic_id`, by its index
/// in `inferers` (None: it skips the epoch). One random stream per *spec*, so that Sybil
/// clones submit identical values; a copycat takes its source's value (and skip) plus
/// its jitter.
pub fn epoch_values(
    inferers: &[InfererSpec],
    topic_id: u64,
    series: &Series,
    k: u64,
    streams: &mut Streams,
) -> Vec<Option<f64>> {
    let mut drawn: Vec<(f64, bool)> = vec![(0.0, true); inferers.len()];
    for (i, spec) in inferers.iter().enumerate() {
        if matches!(spec.model, Model::Copycat { .. }) {
            continue;
        }
        let r = streams.get(format!("inferer/{topic_id}/{}", spec.name));
        let v = infer(&spec.model, series, k, r);
        let skip = spec.skip_probability > 0.0 && r.chance(spec.skip_probability);
        drawn[i] = (v, skip);
    }
    for (i, spec) in inferers.iter().enumerate() {
        if let Model::Copycat { of, jitter } = &spec.model {
            let src = inferers.iter().position(|o| &o.name == of).unwrap_or(0);
            let r = streams.get(format!("inferer/{topic_id}/{}", spec.name));
            let (v, skip) = drawn[src];
            drawn[i] = (v + jitter * r.normal(), skip);
        }
    }
    drawn
        .into_iter()
        .map(|(v, skip)| (!skip).then_some(v))
        .collect()
}
