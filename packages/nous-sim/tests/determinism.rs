//! A short scenario run twice: the report, CSV and plots are byte-identical, the books
//! balance (conservation, treasury flow, emission split), and the network produced
//! inferences and rewards.

mod common;

use indicatif::ProgressBar;
use nous_sim::{driver, report, scenario::Scenario};

fn run(sc: &Scenario) -> nous_sim::record::Run {
    driver::run(sc, &ProgressBar::hidden()).expect("run")
}

fn short() -> Scenario {
    let mut sc = Scenario::default_scenario();
    sc.epochs = 24;
    sc.warmup_epochs = 4;
    sc
}

#[test]
fn same_seed_same_bytes_and_the_books_balance() {
    let base = std::env::temp_dir().join(format!("nous-sim-test-{}", std::process::id()));
    let (a, b) = (base.join("a"), base.join("b"));
    let run_a = run(&short());
    let files_a = report::write_all(&run_a, &a).expect("write a");
    let run_b = run(&short());
    report::write_all(&run_b, &b).expect("write b");
    let names = files_a.names();
    for f in [
        "report.txt",
        "epochs.csv",
        "actors.csv",
        "losses.svg",
        "rewards.svg",
        "listening.svg",
        "weights.svg",
    ] {
        assert!(names.contains(&f), "{f} is not written");
        let x = std::fs::read(a.join(f)).expect("read a");
        let y = std::fs::read(b.join(f)).expect("read b");
        assert!(!x.is_empty(), "{f} is empty");
        assert!(x == y, "{f} differs between two runs of the same seed");
    }
    let s = &files_a.summary;
    assert!(s.contains("conservation ok: supply"), "{s}");
    assert!(
        s.contains("(expected") && s.contains(": ok)"),
        "treasury flow: {s}"
    );
    assert!(s.contains("split ok"), "emission split: {s}");
    for (name, svg) in &files_a.plots {
        assert!(
            svg.starts_with("<svg") && svg.contains("<polyline"),
            "{name} draws no line"
        );
    }
    // Something happened: inferences stored and rewards paid.
    let stored: usize = run_a
        .topics
        .iter()
        .map(|t| t.records.iter().filter(|r| r.network.is_some()).count())
        .sum();
    assert!(stored > 40, "network inferences stored: {stored}");
    assert!(run_a.flows.drawn > 0, "emission drawn");
    // Owners claim exactly what was credited; delegators claim what staking's reward-per-share
    // accounting gives them (at most what was deposited; the rounding stays in staking).
    let claimed = |class: &str| -> u128 {
        run_a
            .actors
            .iter()
            .filter(|a| (class == "delegator") == (a.class == "delegator"))
            .map(|a| run_a.flows.claimed.get(a.name).copied().unwrap_or(0))
            .sum()
    };
    let f = &run_a.flows;
    assert_eq!(
        claimed("owner"),
        f.paid_inferers + f.paid_forecasters + f.paid_reputers
    );
    assert!(
        claimed("delegator") <= f.delegators && claimed("delegator") * 1000 >= f.delegators * 999
    );
    // The per-epoch records the plots draw: every credit the settlements reported is on
    // an epoch (and adds up to what was credited), listening coefficients and weights too.
    let credited: u128 = run_a
        .topics
        .iter()
        .flat_map(|t| &t.records)
        .flat_map(|r| r.credited.values())
        .sum();
    assert_eq!(
        credited,
        f.paid_inferers + f.paid_forecasters + f.paid_reputers
    );
    let t = &run_a.topics[0];
    assert!(t.records.iter().any(|r| !r.listening.is_empty()));
    assert!(t.records.iter().any(|r| r.weight.is_some_and(|w| w > 0.0)));
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn a_different_seed_changes_the_world() {
    let mut sc = short();
    sc.epochs = 8;
    let a = run(&sc);
    sc.seed += 1;
    let b = run(&sc);
    let csv = |r| report::epochs_csv::epochs_csv(r).expect("csv");
    assert_ne!(csv(&a), csv(&b));
}

#[test]
fn every_shipped_scenario_parses() {
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).expect("dir") {
        let p = e.expect("entry").path();
        let text = std::fs::read_to_string(&p).expect("read");
        Scenario::parse(&text).unwrap_or_else(|err| panic!("{}: {err}", p.display()));
    }
}

#[test]
fn chain_smoke_passes_its_chain_checks_on_the_embedded_chain() {
    let (_, run) = common::chain_smoke(&[]);
    // The three refusals failed with the contracts' own errors and changed nothing.
    assert_eq!(run.refusals.len(), 3);
    for r in &run.refusals {
        assert!(r.passed() && r.included, "{r:?}");
    }
    // Every transaction is accounted for: the failed ones are exactly the refusals.
    assert_eq!(run.txs.iter().filter(|t| !t.ok).count(), 3);
    assert!(run.txs.iter().filter(|t| !t.ok).all(|t| t.deliberate));
}

/// The two added baselines: the inverse-MSE combination is the plain mean until a truth is
/// known and weights by past errors after (it differs from the mean once the inferers'
/// errors differ), and the distinct-model mean counts a Sybil's clones once and no copycat.
#[test]
fn inverse_mse_learns_only_from_revealed_truths_and_distinct_counts_models_once() {
    use nous_sim::report::metrics::{distinct_models, topic_baselines};
    let run = run(&short());
    let distinct = distinct_models(&run.scenario);
    assert!(distinct.contains("sybil-1") && !distinct.contains("sybil-2"));
    assert!(!distinct.contains("copycat"), "{distinct:?}");
    for t in &run.topics {
        let b = topic_baselines(t, &distinct);
        assert_eq!(b.len(), t.records.len());
        let mut differs = false;
        for (r, x) in t.records.iter().zip(&b) {
            let revealed = t.records.iter().any(|p| {
                p.epoch + t.lag.div_ceil(t.epoch_length) <= r.epoch && !p.submitted.is_empty()
            });
            if !revealed {
                assert_eq!(x.inverse_mse, x.mean, "topic {} epoch {}", t.id, r.epoch);
            } else if x.inverse_mse != x.mean {
                differs = true;
            }
            let models: Vec<f64> = r
                .submitted
                .iter()
                .filter(|(n, _)| distinct.contains(**n))
                .map(|(_, v)| *v)
                .collect();
            let want =
                (!models.is_empty()).then(|| models.iter().sum::<f64>() / models.len() as f64);
            assert_eq!(x.distinct_mean, want);
        }
        assert!(differs, "topic {}: inverse-MSE never left the mean", t.id);
    }
}
