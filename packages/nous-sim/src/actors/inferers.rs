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

/// What a copycat can see of its source's payload when it submits.
#[derive(Clone, Copy, Debug)]
pub enum Public<'a> {
    /// Payloads are public while the worker window is open (no commit–reveal): the source's
    /// value of the same epoch.
    SameEpoch,
    /// Commit–reveal: payloads are hidden until every worker has committed, so the last
    /// public value is the one revealed in the previous epoch — by inferer index, None where
    /// nothing was revealed (the inferer skipped, its reveal failed, or the first epoch).
    Revealed(&'a [Option<f64>]),
}

/// What each inferer of the scenario submits in epoch `k` of topic `topic_id`, by its index
/// in `inferers` (None: it skips the epoch). One random stream per *spec*, so that Sybil
/// clones submit identical values; a copycat takes the value of its source that is
/// `public` (and skips when there is none) plus its jitter.
pub fn epoch_values(
    inferers: &[InfererSpec],
    topic_id: u64,
    series: &Series,
    k: u64,
    public: Public,
    streams: &mut Streams,
) -> Vec<Option<f64>> {
    let mut drawn: Vec<Option<f64>> = vec![None; inferers.len()];
    for (i, spec) in inferers.iter().enumerate() {
        if matches!(spec.model, Model::Copycat { .. }) {
            continue;
        }
        let r = streams.get(format!("inferer/{topic_id}/{}", spec.name));
        let v = infer(&spec.model, series, k, r);
        let skip = spec.skip_probability > 0.0 && r.chance(spec.skip_probability);
        drawn[i] = (!skip).then_some(v);
    }
    for (i, spec) in inferers.iter().enumerate() {
        if let Model::Copycat { of, jitter } = &spec.model {
            let src = inferers.iter().position(|o| &o.name == of).unwrap_or(0);
            // drawn every epoch, so the jitter does not depend on what was there to copy
            let noise = jitter
                * streams
                    .get(format!("inferer/{topic_id}/{}", spec.name))
                    .normal();
            let source = match public {
                Public::SameEpoch => drawn[src],
                Public::Revealed(before) => before.get(src).copied().flatten(),
            };
            drawn[i] = source.map(|v| v + noise);
        }
    }
    drawn
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::world;

    /// The default scenario's inferers on its first topic, and the copycat's and its
    /// source's indices.
    fn setup() -> (Scenario, Series, usize, usize) {
        let sc = Scenario::default_scenario();
        let series = world::generate(&sc, 0, &sc.topics[0], 8).expect("series");
        let copycat = sc
            .inferers
            .iter()
            .position(|i| i.name == "copycat")
            .unwrap();
        let Model::Copycat { of, .. } = &sc.inferers[copycat].model else {
            panic!("not a copycat");
        };
        let source = sc.inferers.iter().position(|i| &i.name == of).unwrap();
        (sc, series, copycat, source)
    }

    #[test]
    fn a_copycat_copies_the_same_epoch_in_the_clear_and_the_last_reveal_under_commit_reveal() {
        let (sc, series, copycat, source) = setup();
        let near = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() < 0.01,
            _ => false,
        };
        // in the clear: the source's value of the same epoch
        let mut streams = Streams::new(sc.seed);
        let clear: Vec<_> = (0..4)
            .map(|k| epoch_values(&sc.inferers, 1, &series, k, Public::SameEpoch, &mut streams))
            .collect();
        for v in &clear {
            assert!(near(v[copycat], v[source]), "{v:?}");
        }
        // under commit–reveal: what the source revealed in the previous epoch; nothing in
        // the first epoch, nor after an epoch the source skipped
        let mut streams = Streams::new(sc.seed);
        let mut revealed: Vec<Option<f64>> = vec![None; sc.inferers.len()];
        for k in 0..4u64 {
            let v = epoch_values(
                &sc.inferers,
                1,
                &series,
                k,
                Public::Revealed(&revealed),
                &mut streams,
            );
            // every other model submits what it submits in the clear
            for (i, (a, b)) in v.iter().zip(&clear[k as usize]).enumerate() {
                if i != copycat {
                    assert_eq!(a, b, "inferer {i}, epoch {k}");
                }
            }
            match k {
                0 => assert_eq!(v[copycat], None),
                _ => assert!(near(v[copycat], clear[k as usize - 1][source]), "epoch {k}"),
            }
            assert!(!near(v[copycat], v[source]), "epoch {k}: a same-epoch copy");
            revealed = v;
        }
        let skipped: Vec<Option<f64>> = vec![None; sc.inferers.len()];
        let v = epoch_values(
            &sc.inferers,
            1,
            &series,
            4,
            Public::Revealed(&skipped),
            &mut streams,
        );
        assert_eq!(v[copycat], None);
        // deterministic: the same streams give the same values
        let again = epoch_values(
            &sc.inferers,
            1,
            &series,
            0,
            Public::Revealed(&clear[0]),
            &mut Streams::new(sc.seed),
        );
        let once = epoch_values(
            &sc.inferers,
            1,
            &series,
            0,
            Public::Revealed(&clear[0]),
            &mut Streams::new(sc.seed),
        );
        assert_eq!(again, once);
    }
}
