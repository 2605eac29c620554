//! What the end-to-end tests on the embedded chain share: the chain-smoke scenario, driven
//! to its end and checked against its books.

use indicatif::ProgressBar;
use nous_sim::actors::roster::roster;
use nous_sim::network::Network;
use nous_sim::record::Run;
use nous_sim::{driver, embedded::embedded, scenario::Scenario};
use nous_testing::EmbeddedChain;

/// The chain-smoke scenario with `overrides` (`path=value`, as `--set` takes them), driven
/// on the embedded chain; returns the chain and the run once the run's chain checks
/// (scored nonces, claims, balanced books, only the deliberate refusals) have passed.
pub fn chain_smoke(overrides: &[String]) -> (Network<EmbeddedChain>, Run) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/chain-smoke.toml"
    ))
    .expect("read");
    let sc = Scenario::parse_with(&text, overrides).expect("parse");
    let roster = roster(&sc);
    let mut net = embedded(&sc, &roster.names).expect("deploy");
    let run = driver::drive(&mut net, &sc, roster, &ProgressBar::hidden()).expect("run");
    let left = net.reward_totals().expect("totals").claimable.u128();
    let checks = nous_sim::checks::check(&run, left, 15);
    assert!(checks.passed, "{}", checks.text);
    (net, run)
}
