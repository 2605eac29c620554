//! The embedded backend: the suite deployed on cw-multi-test through the deploy plan, with
//! the scenario's accounts.

use anyhow::Result;
use nous_chain::{Chain, Msg, Tx};
use nous_types::reward_distribution::ExecuteMsg as RewardsMsg;

use crate::deployment::{apply_scenario, scenario_emission, INITIAL_BALANCE};
use crate::network::Network;
use crate::scenario::Scenario;
use crate::testing::{AppChain, EmbeddedChain, SuiteBuilder};

/// The suite on cw-multi-test with `names` as accounts, each funded with
/// [`INITIAL_BALANCE`]. The scenario's emission rates are applied after deployment as an
/// admin `UpdateConfig` (as a deployer tuning a live suite would).
pub fn embedded(sc: &Scenario, names: &[&'static str]) -> Result<Network<EmbeddedChain>> {
    let settings = sc.clone();
    let suite = SuiteBuilder::new()
        .with_accounts(names)
        .with_initial_balance(INITIAL_BALANCE)
        .with_config(move |c| apply_scenario(&settings, c))
        .build();
    let accounts = suite.accounts.iter().cloned().collect();
    let admin = suite.admin.clone();
    let rewards = suite.rewards.clone();
    let emission = scenario_emission(sc, suite.genesis_supply)?;
    let mut net = Network::new(AppChain::owned(suite.app), suite.deployment, accounts)?;
    net.chain.execute(&Tx::new(
        &admin,
        vec![Msg::execute(
            &rewards,
            &RewardsMsg::UpdateConfig {
                chain_security_recipient: None,
                emission: Some(emission),
                max_epochs_per_call: None,
                max_topics_per_call: None,
            },
            vec![],
        )?],
    ))?;
    Ok(net)
}
