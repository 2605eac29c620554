//! The scenario's deployment of the suite, the same on every backend: fees, minimum
//! stake, blocks per month, read fee, emission rates, the accounts' starting balance.

use anyhow::{Context, Result};
use cosmwasm_std::Uint128;
use nous_chain::SuiteConfig;
use nous_types::reward_distribution::EmissionParams;
use nous_types::topic_registry::GlobalParams;

use crate::scenario::Scenario;
use crate::units::{TOKEN, TOKEN_DECIMALS};

/// Every account's starting balance on the embedded chain (and what the simulator funds
/// each account with on a node).
pub const INITIAL_BALANCE: u128 = 1_000_000_000 * TOKEN;

/// The scenario's deployment settings on top of `config`: the suite's default parameters
/// for the simulated token (fees of 10 and 1 tokens, a minimum stake of 100 tokens) with
/// the scenario's month, and its read fee.
pub fn apply_scenario(sc: &Scenario, config: &mut SuiteConfig) {
    config.params = GlobalParams::defaults(TOKEN_DECIMALS);
    config.params.rewards.blocks_per_month = sc.chain.blocks_per_month;
    config.read_fee = Uint128::new(sc.chain.read_fee * TOKEN / 1000);
}

/// The emission rates of the scenario for a suite whose token supply is `total_supply`.
pub fn scenario_emission(sc: &Scenario, total_supply: u128) -> Result<EmissionParams> {
    let mut emission = nous_chain::reference_emission(total_supply);
    emission.emission_rate = decimal(&sc.chain.emission_rate)?;
    emission.max_monthly_percentage_yield = decimal(&sc.chain.max_monthly_percentage_yield)?;
    Ok(emission)
}

/// A scenario's decimal string as the contracts' decimal.
pub fn decimal(s: &str) -> Result<cosmwasm_std::Decimal> {
    use std::str::FromStr;
    cosmwasm_std::Decimal::from_str(s).with_context(|| format!("not a decimal: {s}"))
}
