//! The per-payload fee end to end on the embedded chain: every worker pays the topic's fee
//! with each payload, the fees land in the treasury as topic revenue (the books balance with
//! them), and the deliberate refusals are still refused for their own reasons.

mod common;

use nous_sim::report::scorecard::{claimed, earned};
use nous_sim::units::TOKEN;

#[test]
fn workers_pay_the_fee_with_each_payload_and_it_is_topic_revenue() {
    // the books balance with the fees counted in, and the refusals are the usual three
    let (_, run) = common::chain_smoke(&["topics.0.payload_fee=3".into()]);
    assert_eq!(run.refusals.len(), 3);
    // one fee per payload that landed
    let payloads = run
        .txs
        .iter()
        .filter(|t| t.ok && t.kind.starts_with("worker payload"))
        .count() as u128;
    assert!(payloads > 0);
    assert_eq!(run.flows.payload_fees, payloads * 3 * TOKEN);
    let by_worker: u128 = run.flows.payload_fees_by.values().sum();
    assert_eq!(by_worker, run.flows.payload_fees);
    // what a worker earned is its claim less its fees
    let (name, paid) = run.flows.payload_fees_by.iter().next().expect("a payer");
    assert_eq!(
        earned(&run, name),
        claimed(&run, name) as i128 - *paid as i128
    );
    let report = nous_sim::report::text::summary(&run);
    assert!(report.contains("+ worker payload fees"), "{report}");
    assert!(
        report.contains("expected") && report.contains(": ok)"),
        "{report}"
    );
}
