//! What a run on a real node must show (`nous-sim --chain ... --check`): steady state
//! reached, every reward claimed, the books and the supply balanced with the gas fees,
//! no failed transaction but the deliberate refusals, each refusal failing with the
//! contract's error and changing nothing.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::record::Run;

/// The checks' report and whether all passed.
pub struct Checks {
    pub text: String,
    pub passed: bool,
}

/// Scored nonces of the first topic.
pub fn scored_nonces(run: &Run) -> usize {
    run.topics
        .first()
        .map(|t| t.records.iter().filter(|r| r.scored).count())
        .unwrap_or(0)
}

pub fn check(run: &Run, claimable_left: u128, min_scored: usize) -> Checks {
    let mut s = String::new();
    let mut passed = true;
    fn line(s: &mut String, passed: &mut bool, ok: bool, text: String) {
        *passed &= ok;
        let _ = writeln!(s, "  [{}] {text}", if ok { "ok" } else { "FAIL" });
    }

    // Steady state: scores, rewards and the full inference path beyond the first nonces.
    let scored = scored_nonces(run);
    let (full, rewarded) = run
        .topics
        .first()
        .map(|t| {
            (
                t.records
                    .iter()
                    .filter(|r| r.path.starts_with("full"))
                    .count(),
                t.records.iter().filter(|r| r.outcome == "rewarded").count(),
            )
        })
        .unwrap_or((0, 0));
    line(
        &mut s,
        &mut passed,
        scored >= min_scored,
        format!("topic 1: {scored} scored nonces (at least {min_scored}), {full} network inferences on the full (weighted) path, {rewarded} epochs rewarded"),
    );

    // Rewards: every credited reward claimed.
    let fl = &run.flows;
    let owners = fl.paid_inferers + fl.paid_forecasters + fl.paid_reputers;
    let claimed: u128 = run
        .actors
        .iter()
        .filter(|a| a.class != "delegator")
        .map(|a| fl.claimed.get(a.name).copied().unwrap_or(0))
        .sum();
    line(
        &mut s,
        &mut passed,
        claimed == owners && claimable_left == 0 && owners > 0,
        format!("rewards: {claimed} claimed of {owners} credited, {claimable_left} left claimable"),
    );
    line(
        &mut s,
        &mut passed,
        fl.conservation.starts_with("ok"),
        format!("conservation {}", fl.conservation),
    );

    // Transactions.
    let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for t in &run.txs {
        let e = by_kind.entry(t.kind.as_str()).or_insert((0, 0));
        e.0 += 1;
        if !t.ok {
            e.1 += 1;
        }
    }
    let failed: Vec<_> = run.txs.iter().filter(|t| !t.ok && !t.deliberate).collect();
    line(
        &mut s,
        &mut passed,
        failed.is_empty(),
        format!(
            "{} transactions in blocks, {} failed other than the deliberate refusals",
            run.txs.len(),
            failed.len()
        ),
    );
    for t in failed.iter().take(10) {
        let _ = writeln!(
            s,
            "      failed {} at height {} ({}): {}",
            t.kind, t.outcome.height, t.outcome.hash, t.outcome.log
        );
    }
    line(
        &mut s,
        &mut passed,
        fl.rejected.is_empty(),
        format!(
            "{} actor transactions refused before a block (simulation)",
            fl.rejected.values().sum::<u64>()
        ),
    );
    for (k, v) in &fl.rejected {
        let _ = writeln!(s, "      {v} x {k}");
    }

    // Refusals.
    line(
        &mut s,
        &mut passed,
        run.refusals.len() == 3,
        format!(
            "{} deliberate refusals sent (3 expected)",
            run.refusals.len()
        ),
    );
    for r in &run.refusals {
        passed &= r.passed() && r.included;
        let _ = writeln!(
            s,
            "  [{}] refusal \"{}\": in a block {}, fee {}, state unchanged {}, error: {}",
            if r.passed() && r.included {
                "ok"
            } else {
                "FAIL"
            },
            r.what,
            r.included,
            r.fee,
            r.unchanged,
            r.log
        );
    }

    let _ = writeln!(s, "  transactions by kind (count, failed):");
    for (k, (n, f)) in &by_kind {
        let _ = writeln!(s, "    {n:>5} {f:>3}  {k}");
    }
    Checks { text: s, passed }
}
