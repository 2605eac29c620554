//! Who takes part in a scenario: every actor (for the report), the inferer instances (Sybil
//! clones expanded) and every account the chain needs, service accounts included.

use crate::scenario::{Behaviour, Scenario};

/// What a participant is, for the report.
#[derive(Clone, Debug)]
pub struct Actor {
    pub name: &'static str,
    /// "inferer", "forecaster", "reputer" or "delegator".
    pub class: &'static str,
    pub kind: String,
}

/// The participants of a scenario. Names are `&'static` (leaked once here): they key
/// every map of the run and live as long as the program.
pub struct Roster {
    pub actors: Vec<Actor>,
    /// (name, index of its spec in `Scenario::inferers`), clones expanded.
    pub inferers: Vec<(&'static str, usize)>,
    /// In scenario order.
    pub forecasters: Vec<&'static str>,
    pub reputers: Vec<&'static str>,
    /// (delegator, the reputer it backs).
    pub delegators: Vec<(&'static str, &'static str)>,
    /// Every account to create and fund.
    pub names: Vec<&'static str>,
}

/// Accounts that are not actors: the treasury funder, the topic creator, the consumer, the
/// dApp's user and the keeper.
pub const SERVICE_ACCOUNTS: [&str; 5] = [
    "foundation",
    "topic-creator",
    "consumer",
    "dapp-user",
    "keeper",
];
/// An account that never registers (only when the scenario sends deliberate refusals).
pub const INTRUDER: &str = "intruder";

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

pub fn roster(sc: &Scenario) -> Roster {
    let mut actors: Vec<Actor> = vec![];
    let mut inferers: Vec<(&'static str, usize)> = vec![];
    for (i, spec) in sc.inferers.iter().enumerate() {
        for identity in spec.identities() {
            let name = leak(&identity);
            inferers.push((name, i));
            actors.push(Actor {
                name,
                class: "inferer",
                kind: spec.kind.clone(),
            });
        }
    }
    let mut forecasters = vec![];
    for f in &sc.forecasters {
        let name = leak(&f.name);
        forecasters.push(name);
        actors.push(Actor {
            name,
            class: "forecaster",
            kind: format!("forecaster ({:?})", f.context).to_lowercase(),
        });
    }
    let mut reputers = vec![];
    for r in &sc.reputers {
        let kind = match r.behaviour {
            Behaviour::Honest => "honest",
            Behaviour::Noisy { .. } => "noisy",
            Behaviour::Lazy => "lazy",
            Behaviour::Malicious => "malicious",
        };
        let name = leak(&r.name);
        reputers.push(name);
        actors.push(Actor {
            name,
            class: "reputer",
            kind: format!("reputer {kind}"),
        });
    }
    let mut delegators = vec![];
    for d in &sc.delegators {
        let name = leak(&d.name);
        let backs = reputers
            .iter()
            .copied()
            .find(|r| *r == d.reputer)
            .unwrap_or_else(|| leak(&d.reputer));
        delegators.push((name, backs));
        actors.push(Actor {
            name,
            class: "delegator",
            kind: "delegator".into(),
        });
    }
    let mut names: Vec<&'static str> = actors.iter().map(|a| a.name).collect();
    names.extend_from_slice(&SERVICE_ACCOUNTS);
    if sc.chain.refusals_at_epoch.is_some() {
        names.push(INTRUDER);
    }
    Roster {
        actors,
        inferers,
        forecasters,
        reputers,
        delegators,
        names,
    }
}
