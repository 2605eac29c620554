//! Which rules an epoch runs by: the reference design's (every switch off, the simulator
//! vectors) or nous's improvements, each a switch of its own so that one can be measured
//! without the others (docs/PROTOCOL.md, "Reference and improved rules").

/// The improvements over the reference design, each off in [`Rules::REFERENCE`]. A switch
/// left out of a message is off.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Reputer consensus (§7.3): adjusted stake `a·min(1, N·S/ΣS)` — the raw stake capped,
    /// then the listening coefficient applied — instead of `min(1, N·a·S/Σa·S)`, whose cap
    /// pins every above-average stake at 1 whatever its coefficient, so the search cannot
    /// move a large reputer.
    pub cap_then_listen: bool,
    /// Network losses (§6.1), and so the regrets, weighted by listened stake `a·S` (this
    /// epoch's updated coefficients) instead of raw stake: a reputer the consensus stopped
    /// listening to stops moving the losses that pay the workers.
    pub listened_network_losses: bool,
    /// Worker reward map (§8.1): `max(0, φ(t/d) − φ(0))` instead of `φ(t/d)`, so a score of
    /// zero or less earns nothing (a clone whose removal changes nothing is paid nothing).
    pub zero_floor_rewards: bool,
    /// Forecast-implied regrets (§4): `mean(F) − F_j` over the forecast's own pool instead of
    /// `L_{i−1} − F_j`. The weight map is not shift-invariant, so measuring from one noisy
    /// past loss made the same forecast sharp or flat; centred, only the forecast decides.
    pub centred_forecast_regrets: bool,
}

impl Rules {
    /// The reference design: what the simulator vectors were produced with.
    pub const REFERENCE: Rules = Rules {
        cap_then_listen: false,
        listened_network_losses: false,
        zero_floor_rewards: false,
        centred_forecast_regrets: false,
    };
    /// The improvements that measured better than the reference on every metric of the
    /// simulator's scorecard (packages/nous-sim/README.md, "Reference and improved
    /// rules"). `listened_network_losses` and `centred_forecast_regrets` made the network's
    /// forecasts worse there, alone and together, so they stay switches, off here.
    pub const IMPROVED: Rules = Rules {
        cap_then_listen: true,
        listened_network_losses: false,
        zero_floor_rewards: true,
        centred_forecast_regrets: false,
    };
    /// Every switch on: what the suite's end-to-end tests run, so that each branch is
    /// exercised through the contracts (not a recommendation, see [`Rules::IMPROVED`]).
    pub const EVERY_SWITCH: Rules = Rules {
        cap_then_listen: true,
        listened_network_losses: true,
        zero_floor_rewards: true,
        centred_forecast_regrets: true,
    };
}
