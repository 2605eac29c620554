//! The scenario's questions, answered from the claims: does a copycat earn what its
//! source earns, what do Sybil clones earn together, how much listening weight and reward
//! per staked token do the dishonest reputers keep.

use std::fmt::Write;

use super::format::tok;
use super::scorecard::{claimed, mean_listening, reputers_behaving, reward_per_stake};
use crate::record::Run;
use crate::scenario::{Behaviour, Model};

/// Answers to the questions the scenario asks: do copies and clones gain, do bad reputers
/// lose listening weight and rewards.
pub fn questions(run: &Run) -> String {
    let sc = &run.scenario;
    let got = |n: &str| claimed(run, n);
    let mut inferer_rewards: Vec<u128> = run
        .actors
        .iter()
        .filter(|a| a.class == "inferer")
        .map(|a| got(a.name))
        .collect();
    inferer_rewards.sort();
    let median_inferer = inferer_rewards
        .get(inferer_rewards.len() / 2)
        .copied()
        .unwrap_or(0)
        .max(1);
    let mut s = String::from("   questions:\n");
    for i in &sc.inferers {
        if let Model::Copycat { of, .. } = &i.model {
            let src = got(of).max(1);
            let _ = writeln!(
                s,
                "     copycat {} earned {} = {:.2}x what its source {} earned",
                i.name,
                tok(got(&i.name)),
                got(&i.name) as f64 / src as f64,
                of
            );
        }
        if i.clones > 1 {
            let total: u128 = i.identities().iter().map(|n| got(n)).sum();
            let _ = writeln!(
                s,
                "     {} clones of {} earned {} together = {:.2}x the median inferer",
                i.clones,
                i.name,
                tok(total),
                total as f64 / median_inferer as f64
            );
        }
    }
    let honest = reputers_behaving(run, |b| *b == Behaviour::Honest);
    let honest_rate = reward_per_stake(run, &honest).max(f64::MIN_POSITIVE);
    let honest_listening =
        honest.iter().map(|n| mean_listening(run, n)).sum::<f64>() / honest.len().max(1) as f64;
    for r in &sc.reputers {
        if r.behaviour == Behaviour::Honest {
            continue;
        }
        let _ = writeln!(
            s,
            "     reputer {}: mean listening coefficient {:.3} (honest reputers {:.3}), reward per token of stake (delegators' share included) {:.3}x the honest reputers'",
            r.name,
            mean_listening(run, &r.name),
            honest_listening,
            reward_per_stake(run, &[r.name.as_str()]) / honest_rate
        );
    }
    s
}
