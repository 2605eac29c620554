//! Scenarios: a TOML file describing the world, the topics and every actor. The built-in
//! default is `scenarios/default.toml`.

use std::path::Path;

use anyhow::Context;
use nous_math::Rules;
use serde::Deserialize;

pub const DEFAULT_TOML: &str = include_str!("../scenarios/default.toml");

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub seed: u64,
    /// Epochs of the fastest topic; slower topics run for the same number of blocks.
    pub epochs: u64,
    /// Epochs (of each topic) left out of the "after warm-up" figures.
    pub warmup_epochs: u64,
    pub chain: ChainSpec,
    pub regimes: Vec<RegimeSpec>,
    pub topics: Vec<TopicSpec>,
    pub inferers: Vec<InfererSpec>,
    #[serde(default)]
    pub forecasters: Vec<ForecasterSpec>,
    pub reputers: Vec<ReputerSpec>,
    #[serde(default)]
    pub delegators: Vec<DelegatorSpec>,
    /// The epoch's rules of every topic (a switch left out is off: the reference). The
    /// scorecard also runs the scenario under each preset, side by side.
    #[serde(default)]
    pub rules: Rules,
    /// Commit–reveal for every topic (docs/PROTOCOL.md "Commit–reveal"): workers commit to
    /// their payloads in the worker window and reveal them in the `reveal_window` blocks
    /// after it; 0 (the default) sends payloads in the clear. A topic's own
    /// `reveal_window` overrides it. The scorecard's presets set it too.
    #[serde(default)]
    pub reveal_window: u64,
}

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct ChainSpec {
    /// Tokens funded into the emission treasury at genesis (base units).
    pub treasury: u128,
    /// Blocks per "month" of the emission schedule (short, so a run sees several months).
    pub blocks_per_month: u64,
    /// Monthly emission rate of the treasury `f_e` and the yield cap `MPY_max`.
    pub emission_rate: String,
    pub max_monthly_percentage_yield: String,
    /// Fee a dApp pays per read (base units).
    pub read_fee: u128,
    /// In the worker window of this epoch (of the first topic), send the deliberate
    /// refusals: a payload for a closed window, one from an unregistered account, a read
    /// paying the wrong fee (see driver/refusals.rs). None by default.
    #[serde(default)]
    pub refusals_at_epoch: Option<u64>,
}

/// One regime of the ground truth: each epoch the value moves by
/// `drift + momentum * last_change + reversion * (anchor - value) + volatility * N(0,1)`,
/// where `anchor` is the value when the regime began.
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct RegimeSpec {
    pub name: String,
    pub drift: f64,
    pub momentum: f64,
    pub reversion: f64,
    pub volatility: f64,
    /// Mean number of epochs before switching to another regime (geometric durations).
    pub mean_duration: f64,
}

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    pub name: String,
    pub epoch_length: u64,
    pub worker_window: u64,
    /// Ground-truth lag in epochs (>= 1).
    pub lag_epochs: u64,
    pub p_norm: String,
    pub alpha_regret: String,
    /// The forecasters' own regret smoothing (`TopicParams.alpha_regret_forecasters`);
    /// absent: `alpha_regret`.
    #[serde(default)]
    pub alpha_regret_forecasters: Option<String>,
    pub start_value: f64,
    /// Multiplies every regime's drift and volatility for this topic.
    pub scale: f64,
    /// Consumer funding paid into the topic every epoch (base units).
    pub fund_per_epoch: u128,
    /// Paid reads by the dApp per epoch.
    pub reads_per_epoch: u32,
    /// Optional CSV of ground truth (one value per line, or `value,regime`); when set the
    /// regimes above are not used for this topic.
    #[serde(default)]
    pub csv: Option<String>,
    /// This topic's reveal window in blocks, instead of the scenario's `reveal_window`
    /// (0: payloads in the clear). `worker_window + reveal_window <= epoch_length`.
    #[serde(default)]
    pub reveal_window: Option<u64>,
    /// Whole tokens a worker attaches to each payload (or commitment), paid into the
    /// topic's fee revenue (`TopicParams.payload_fee`); 0, the default, is free.
    #[serde(default)]
    pub payload_fee: u128,
}

/// Inferer models. Every model sees the series up to the previous epoch; `signal` models
/// also see a noisy version of the value to come (private information), with noise as a
/// multiple of the current regime's volatility.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum Model {
    /// `last + gain * last_change`: good when trends persist, bad when they revert.
    Momentum { gain: f64 },
    /// Pulls the last value towards its `window`-epoch mean: good in ranges.
    Reversion { window: usize, strength: f64 },
    /// The last value.
    Last,
    /// Private signal: `truth + bias + noise * vol * N(0,1)`.
    Signal { noise: f64, bias: f64 },
    /// Private signal whose quality depends on the regime.
    Specialist {
        regime: String,
        good_noise: f64,
        bad_noise: f64,
    },
    /// The value `lag` epochs stale.
    Lagging { lag: usize },
    /// Copies another inferer's submission (plus a tiny jitter): the one of the same epoch
    /// when payloads are public during the window, the last one revealed (the previous
    /// epoch's) on a commit–reveal topic.
    Copycat { of: String, jitter: f64 },
}

#[derive(Deserialize, Clone, Debug)]
pub struct InfererSpec {
    pub name: String,
    /// The kind shown in the report (e.g. "specialist", "sybil", "copycat").
    pub kind: String,
    #[serde(flatten)]
    pub model: Model,
    /// Identical clones registered under different keys (Sybil); 1 = just this one.
    #[serde(default = "one")]
    pub clones: u32,
    /// Chance of submitting nothing in an epoch.
    #[serde(default)]
    pub skip_probability: f64,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum ForecasterContext {
    /// Learns each inferer's loss per regime label (revealed with the ground truth) and
    /// assumes the regime of the last revealed epoch persists.
    Regime,
    /// Learns each inferer's loss per observable context (recent volatility high/low x
    /// recent trend persistence yes/no), computed from the public series.
    Features,
    /// No context: one running average per inferer (a control).
    Global,
}

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct ForecasterSpec {
    pub name: String,
    pub context: ForecasterContext,
    /// EMA weight of a new observation.
    pub learning_rate: f64,
    /// Also submits an inference (the last value) with its forecast.
    #[serde(default)]
    pub also_infers: bool,
    /// What it learns and forecasts: `loss` (each inferer's loss, the default) or `regret`.
    #[serde(default)]
    pub target: ForecastTarget,
}

/// What a forecaster learns: the reference forecaster forecasts raw losses (one noisy
/// sample per epoch, turned into a regret by the network through one noisy previous network
/// loss); a regret-target forecaster learns each inferer's loss relative to the network's
/// and forecasts `latest network loss − that`, so the regret synthesis infers is what it
/// learned.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum ForecastTarget {
    #[default]
    Loss,
    Regret,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "behaviour", rename_all = "snake_case")]
pub enum Behaviour {
    /// Measures every variant against the ground truth.
    Honest,
    /// Measures against a noisy ground truth (noise x regime volatility).
    Noisy { noise: f64 },
    /// Does not look at the ground truth: copies the latest consensus (network losses of
    /// the last scored epoch), falling back to measuring against the network's own value.
    Lazy,
    /// Reports inverted losses: mirrors its honest losses around their mean.
    Malicious,
}

#[derive(Deserialize, Clone, Debug)]
pub struct ReputerSpec {
    pub name: String,
    #[serde(flatten)]
    pub behaviour: Behaviour,
    pub stake: u128,
}

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct DelegatorSpec {
    pub name: String,
    pub reputer: String,
    pub amount: u128,
}

impl InfererSpec {
    /// The account names of this inferer: its name, or `name-1` … `name-N` for `N` clones.
    pub fn identities(&self) -> Vec<String> {
        if self.clones > 1 {
            (1..=self.clones)
                .map(|c| format!("{}-{}", self.name, c))
                .collect()
        } else {
            vec![self.name.clone()]
        }
    }
}

impl Scenario {
    /// The reveal window of topic `t` in blocks (0: payloads in the clear).
    pub fn reveal_window_of(&self, t: &TopicSpec) -> u64 {
        t.reveal_window.unwrap_or(self.reveal_window)
    }

    pub fn default_scenario() -> Scenario {
        Scenario::parse(DEFAULT_TOML).expect("the built-in scenario parses")
    }

    /// The built-in scenario with `--set` overrides.
    pub fn default_with(overrides: &[String]) -> anyhow::Result<Scenario> {
        Scenario::parse_with(DEFAULT_TOML, overrides)
    }

    pub fn parse(text: &str) -> anyhow::Result<Scenario> {
        Scenario::parse_with(text, &[])
    }

    /// Parses a scenario with `--set` overrides applied to its TOML first: each is
    /// `path=value`, the path dotted through tables and lists (a list element by its index
    /// or by its `name`: `topics.0.p_norm="2.5"`, `reputers.lazy-reputer.stake=10`), the
    /// value a TOML value (text that is not one is taken as a string). A path must end in
    /// an existing table; an unknown field is refused like one in the file.
    pub fn parse_with(text: &str, overrides: &[String]) -> anyhow::Result<Scenario> {
        let mut doc = toml::Value::Table(toml::from_str(text)?);
        for o in overrides {
            set_path(&mut doc, o).with_context(|| format!("--set {o}"))?;
        }
        // back through text: toml's value deserializer knows no u128 (amounts are u128)
        let s: Scenario = toml::from_str(&toml::to_string(&doc)?)?;
        s.validate()?;
        Ok(s)
    }

    /// Reads a scenario file. A relative `csv` path of a topic is read next to the file
    /// when it exists there.
    pub fn load(path: &Path, overrides: &[String]) -> anyhow::Result<Scenario> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut sc = Scenario::parse_with(&text, overrides)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        for t in &mut sc.topics {
            if let Some(csv) = &mut t.csv {
                let beside = dir.join(&*csv);
                if Path::new(csv.as_str()).is_relative() && beside.exists() {
                    *csv = beside.to_string_lossy().into_owned();
                }
            }
        }
        Ok(sc)
    }

    /// Runs `epochs` epochs of the fastest topic instead; a warm-up longer than half the
    /// run becomes a fifth of it.
    pub fn set_epochs(&mut self, epochs: u64) -> anyhow::Result<()> {
        self.epochs = epochs;
        if self.warmup_epochs * 2 > epochs {
            self.warmup_epochs = epochs / 5;
        }
        self.validate()
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.epochs >= 4, "epochs must be at least 4");
        anyhow::ensure!(!self.topics.is_empty(), "at least one topic");
        anyhow::ensure!(!self.inferers.is_empty(), "at least one inferer");
        anyhow::ensure!(!self.reputers.is_empty(), "at least one reputer");
        anyhow::ensure!(
            !self.regimes.is_empty() || self.topics.iter().all(|t| t.csv.is_some()),
            "at least one regime"
        );
        for t in &self.topics {
            anyhow::ensure!(t.lag_epochs >= 1, "topic {}: lag_epochs >= 1", t.name);
            anyhow::ensure!(
                t.worker_window >= 1 && t.worker_window < t.epoch_length,
                "topic {}: 1 <= worker_window < epoch_length",
                t.name
            );
            let reveal = self.reveal_window_of(t);
            anyhow::ensure!(
                t.worker_window
                    .checked_add(reveal)
                    .is_some_and(|b| b <= t.epoch_length),
                "topic {}: reveal_window {reveal} does not fit the epoch: worker_window ({}) + \
                 reveal_window must be at most epoch_length ({}) (commit–reveal: the reveal \
                 window follows the worker window inside the epoch)",
                t.name,
                t.worker_window,
                t.epoch_length
            );
        }
        for i in &self.inferers {
            if let Model::Copycat { of, .. } = &i.model {
                anyhow::ensure!(
                    self.inferers
                        .iter()
                        .any(|o| &o.name == of && !matches!(o.model, Model::Copycat { .. })),
                    "copycat {} copies unknown or copycat inferer {}",
                    i.name,
                    of
                );
            }
            if let Model::Specialist { regime, .. } = &i.model {
                anyhow::ensure!(
                    self.regimes.iter().any(|r| &r.name == regime),
                    "specialist {} names unknown regime {}",
                    i.name,
                    regime
                );
            }
        }
        for d in &self.delegators {
            anyhow::ensure!(
                self.reputers.iter().any(|r| r.name == d.reputer),
                "delegator {} backs unknown reputer {}",
                d.name,
                d.reputer
            );
        }
        Ok(())
    }
}

/// Applies one `path=value` override to a scenario's TOML (see [`Scenario::parse_with`]).
fn set_path(doc: &mut toml::Value, assignment: &str) -> anyhow::Result<()> {
    let (path, text) = assignment.split_once('=').context("expected path=value")?;
    let value = match toml::from_str::<toml::Table>(&format!("v = {}", text.trim())) {
        Ok(mut t) => t.remove("v").context("a value")?,
        Err(_) => toml::Value::String(text.trim().to_string()),
    };
    let keys: Vec<&str> = path.trim().split('.').collect();
    set_in(doc, &keys, value)
}

fn set_in(node: &mut toml::Value, keys: &[&str], value: toml::Value) -> anyhow::Result<()> {
    let (key, rest) = keys.split_first().context("an empty path")?;
    let child = match node {
        toml::Value::Table(t) if rest.is_empty() => {
            t.insert(key.to_string(), value);
            return Ok(());
        }
        toml::Value::Table(t) => t
            .get_mut(*key)
            .with_context(|| format!("no `{key}` in the scenario"))?,
        toml::Value::Array(items) => {
            let found = match key.parse::<usize>() {
                Ok(i) => items.get_mut(i),
                Err(_) => items
                    .iter_mut()
                    .find(|v| v.get("name").and_then(|n| n.as_str()) == Some(*key)),
            };
            found.with_context(|| format!("no element `{key}` in the list"))?
        }
        _ => anyhow::bail!("`{key}`: its parent is a value, not a table or list"),
    };
    if rest.is_empty() {
        *child = value;
        Ok(())
    } else {
        set_in(child, rest, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reveal_window_is_set_for_the_run_or_a_topic_and_must_fit_its_epoch() {
        let sc = Scenario::default_scenario();
        assert!(sc.topics.iter().all(|t| sc.reveal_window_of(t) == 0));
        let set = |o: &[&str]| {
            let o: Vec<String> = o.iter().map(|s| s.to_string()).collect();
            Scenario::default_with(&o)
        };
        let sc = set(&["reveal_window=2", "topics.1.reveal_window=5"]).expect("they fit");
        let windows: Vec<u64> = sc.topics.iter().map(|t| sc.reveal_window_of(t)).collect();
        assert_eq!(windows, vec![2, 5, 2]);
        // topic 1: 12-block epochs, a 4-block worker window: at most 8 blocks to reveal
        set(&["topics.0.reveal_window=8"]).expect("4 + 8 = 12 fits");
        let err = set(&["topics.0.reveal_window=9"]).unwrap_err().to_string();
        assert!(
            err.contains("topic ETH/USD 1 epoch ahead: reveal_window 9 does not fit the epoch")
                && err.contains(
                    "worker_window (4) + reveal_window must be at most epoch_length (12)"
                ),
            "{err}"
        );
        // the run's window must fit every topic that does not set its own
        let err = set(&["reveal_window=10"]).unwrap_err().to_string();
        assert!(err.contains("reveal_window 10 does not fit"), "{err}");
        set(&[
            "reveal_window=10",
            "topics.0.reveal_window=0",
            "topics.2.reveal_window=1",
        ])
        .expect("the BTC topic's 24-block epochs leave it 18 blocks");
    }
}
