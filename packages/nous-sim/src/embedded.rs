//! The embedded backend: the suite deployed on cw-multi-test by nous-testing (through the
//! deploy plan a real deployment follows), with the scenario's accounts.

use std::collections::BTreeMap;

use anyhow::Result;
use cosmwasm_std::Addr;
use cw_multi_test::App;
use nous_chain::{Chain, Msg, Tx};
use nous_testing::{AppChain, EmbeddedChain, NousBuilder, DENOM};
use nous_types::reward_distribution::ExecuteMsg as RewardsMsg;

use crate::deployment::{apply_scenario, scenario_emission, INITIAL_BALANCE};
use crate::network::Network;
use crate::scenario::Scenario;

/// The suite on cw-multi-test with `names` as accounts, each funded with
/// [`INITIAL_BALANCE`]. The scenario's emission rates are applied after deployment as an
/// admin `UpdateConfig` (as a deployer tuning a live suite would).
pub fn embedded(sc: &Scenario, names: &[&'static str]) -> Result<Network<EmbeddedChain>> {
    let mut app = App::default();
    let admin = app.api().addr_make("admin");
    let security = app.api().addr_make("chain-security");
    let accounts: BTreeMap<&'static str, Addr> =
        names.iter().map(|n| (*n, app.api().addr_make(n))).collect();
    let genesis_supply = INITIAL_BALANCE * accounts.len() as u128;
    let settings = sc.clone();
    let nous = NousBuilder::new()
        .with_native(DENOM)
        .with_admin(admin.clone())
        .with_security_recipient(security)
        .with_total_supply(genesis_supply)
        .with_config(move |c| apply_scenario(&settings, c))
        .deploy(&mut app)?;
    for a in accounts.values() {
        nous.fund(&mut app, a, INITIAL_BALANCE)?;
    }
    let rewards = nous.rewards.clone();
    let emission = scenario_emission(sc, genesis_supply)?;
    let mut net = Network::new(AppChain::owned(app), nous.deployment, accounts)?;
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
