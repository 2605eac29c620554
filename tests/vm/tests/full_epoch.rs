//! Synthesis and reward-distribution as optimised artifacts in cosmwasm-vm: the gas
//! report's epoch at its smallest size (8 inferers, 2 forecasters, 2 reputers) run as a
//! test. Worker payloads, loss bundles, both window closes, the settlement of a `Rewarded`
//! epoch, a claim and a dApp's paid read through the example consumer (whose reading must
//! be of the latest nonce) must all succeed in the VM (the flow refuses to go on
//! otherwise), and the hot paths must touch no contract beyond the ones they need.
#![cfg(feature = "vm")]

use nous_vm_tests::flows::synthesis_rows;

#[test]
fn a_whole_epoch_settles_and_pays_in_the_vm() {
    let mut rows = vec![];
    synthesis_rows(&mut rows, (8, 2, 2)).expect("the epoch runs through every contract");
    let row = |op: &str| {
        rows.iter()
            .find(|r| r.operation == op)
            .unwrap_or_else(|| panic!("no `{op}` row"))
    };
    // A worker's payload loads synthesis alone: its registration is synthesis's own copy.
    let payload = row("worker payload (inference + 12-element forecast)");
    assert_eq!(
        payload.meter.instance_loads, 1,
        "{:?}",
        payload.meter.loaded
    );
    // A reputer's bundle loads synthesis and staking (its stake), not the registry.
    let bundle = row("reputer bundle");
    assert_eq!(bundle.meter.instance_loads, 2, "{:?}", bundle.meter.loaded);
    // A dApp's read through the example consumer: the consumer, the vault's fee query, the
    // synthesis inference query and the vault's payment, all in one transaction.
    let read = row("dApp read through example-consumer");
    assert_eq!(read.meter.instance_loads, 4, "{:?}", read.meter.loaded);
    assert!(
        read.meter.store.writes > 0,
        "the reading and the payment write state"
    );
    for op in [
        "close of a worker window",
        "close of a reputer window",
        "settlement of one epoch",
        "claim",
    ] {
        assert!(row(op).meter.vm_gas > 0, "{op} ran no code");
    }
}
