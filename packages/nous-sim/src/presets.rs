//! The designs the scorecard compares side by side: the reference (reference rules,
//! payloads in the clear) and the improved one (improved rules and commit–reveal). The
//! counterfactual runs apply them; the report names them.

use nous_math::Rules;

use crate::scenario::{Scenario, TopicSpec};

/// A design the scorecard compares: the epoch's rules and the reveal window of every topic.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Preset {
    pub name: &'static str,
    pub rules: Rules,
    /// Blocks of commit–reveal after each topic's worker window (0: payloads in the clear),
    /// or as many as the topic's epoch leaves when fewer.
    pub reveal_window: u64,
}

/// The reveal window of the improved preset: 2 blocks fit the worker window of every
/// shipped scenario's topics with room to spare.
pub const IMPROVED_REVEAL_WINDOW: u64 = 2;

/// The designs the scorecard compares, in its column order: the reference (reference rules,
/// payloads in the clear) and the improved one (`Rules::IMPROVED` and commit–reveal).
pub const PRESETS: [Preset; 2] = [
    Preset {
        name: "reference",
        rules: Rules::REFERENCE,
        reveal_window: 0,
    },
    Preset {
        name: "improved",
        rules: Rules::IMPROVED,
        reveal_window: IMPROVED_REVEAL_WINDOW,
    },
];

impl Preset {
    /// The preset's reveal window on topic `t`: at most what its epoch leaves after the
    /// worker window.
    pub fn reveal_window_of(&self, t: &TopicSpec) -> u64 {
        self.reveal_window
            .min(t.epoch_length.saturating_sub(t.worker_window))
    }

    /// True when `sc` runs under this preset: its rules, and its reveal window on every
    /// topic.
    pub fn describes(&self, sc: &Scenario) -> bool {
        sc.rules == self.rules
            && sc
                .topics
                .iter()
                .all(|t| sc.reveal_window_of(t) == self.reveal_window_of(t))
    }

    /// What the preset runs under, for the scorecard: "improved rules, commit–reveal
    /// (2-block reveal window)".
    pub fn summary(&self) -> String {
        let rules = match self.rules {
            r if r == Rules::REFERENCE => "reference rules",
            r if r == Rules::IMPROVED => "improved rules",
            _ => "its own rules",
        };
        match self.reveal_window {
            0 => format!("{rules}, payloads in the clear"),
            w => format!("{rules}, commit–reveal ({w}-block reveal window)"),
        }
    }

    /// `sc` under this preset (the same world: only the rules and reveal windows change).
    pub fn applied_to(&self, sc: &Scenario) -> Scenario {
        let mut out = sc.clone();
        out.rules = self.rules;
        out.reveal_window = self.reveal_window;
        for t in &mut out.topics {
            t.reveal_window = Some(self.reveal_window_of(t));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preset_sets_the_rules_and_every_topics_reveal_window() {
        let sc = Scenario::default_scenario();
        let [reference, improved] = PRESETS;
        assert!(reference.describes(&sc) && !improved.describes(&sc));
        let better = improved.applied_to(&sc);
        assert!(improved.describes(&better) && !reference.describes(&better));
        better
            .validate()
            .expect("the improved preset fits the default topics");
        assert!(better
            .topics
            .iter()
            .all(|t| better.reveal_window_of(t) == IMPROVED_REVEAL_WINDOW));
        assert!(reference.describes(&reference.applied_to(&better)));
        // an ablation: commit–reveal under the reference rules is neither preset
        let ablation =
            Scenario::default_with(&["reveal_window=2".into()]).expect("the override parses");
        assert!(PRESETS.iter().all(|p| !p.describes(&ablation)));
        // a topic whose epoch leaves less room gets what is left
        let mut tight = sc.clone();
        tight.topics[0].worker_window = tight.topics[0].epoch_length - 1;
        let applied = improved.applied_to(&tight);
        assert_eq!(applied.reveal_window_of(&applied.topics[0]), 1);
        applied.validate().expect("it fits");
        assert!(improved.describes(&applied));
    }
}
