//! What a wasmd chain bills for an operation beyond the VM model of [`Meter::sdk_gas`]
//! (the "chain-adjusted" figure of the report).
//!
//! - **instance loads** as wasmd ≥ 0.54.0 prices them when the chain's ante handler runs
//!   the `TxContractsDecorator` (CosmWasm/wasmd#1987, first released in v0.54.0): 60,000 for
//!   the first load of a code in the transaction, 2,000 (`DefaultInstanceCostDiscount`) for
//!   every later load of the same code and for every reply (wasmd charges a reply as
//!   discounted in every version since v0.51);
//! - the **setup reads** wasmd makes per load before the VM runs (`contractInstance`: the
//!   contract info and the code info; `IsPinnedCode`: a `Has`), priced by the SDK's KV
//!   store like any read;
//! - the **bank sends** of the coins the operation moved (the funds of an execute and
//!   every `BankMsg::Send`), each an x/bank `SendCoins` with its reads and writes;
//! - the **event charge** wasmd makes for every response's attributes and custom events
//!   ([`crate::chain::event_costs`]).
//!
//! The SDK's transaction costs (signature, tx bytes, fee deduction) are left out, as in the
//! VM model.

use std::collections::BTreeSet;

use crate::storage::{price, LoadKind, Meter};

/// wasmd's `DefaultInstanceCostDiscount`: a code already loaded in the transaction, or a
/// reply.
pub const INSTANCE_LOAD_DISCOUNTED: u64 = 2_000;

/// An SDK read of `key` and `value` bytes.
const fn read(key: u64, value: u64) -> u64 {
    price::READ_FLAT + price::READ_PER_BYTE * (key + value)
}

/// An SDK write of `key` and `value` bytes.
const fn write(key: u64, value: u64) -> u64 {
    price::WRITE_FLAT + price::WRITE_PER_BYTE * (key + value)
}

/// The SDK's flat price of a `Has` (`KVGasConfig.HasCost`).
const HAS: u64 = 1_000;

/// wasmd's reads per instance load: the contract info (key `0x02` + 32-byte address,
/// ~170 bytes of protobuf: code id, creator, admin, label, created position), the code
/// info (key `0x01` + 8-byte code id, ~105 bytes: checksum, creator, permission) and the
/// pinned-code `Has`: about 3,950 SDK gas.
pub const SETUP_READS_PER_LOAD: u64 = read(33, 170) + read(9, 105) + HAS;

/// One coin moved by x/bank `SendCoins` (Cosmos SDK 0.50): the send-enabled `Has` and the
/// params read; the sender's account (locked coins), balance read and write and the
/// denom index `Has`; the recipient's account `Has`, balance read and write and index
/// `Has`. Balance keys are `0x02` + length + 32-byte address + denom (39 bytes), values
/// ~11 bytes; an account is ~120 bytes. About 15,800 SDK gas.
pub const BANK_SEND: u64 = HAS
    + read(1, 4)
    + read(33, 120)
    + read(39, 11)
    + write(39, 11)
    + HAS
    + HAS
    + read(39, 11)
    + write(39, 11)
    + HAS;

/// The chain-adjusted cost of one operation and its parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChainAdjusted {
    /// Instance loads with wasmd's in-transaction discount.
    pub instances: u64,
    pub setup_reads: u64,
    pub bank: u64,
    pub events: u64,
    /// VM compute + store (as in the VM model) + the parts above.
    pub total: u64,
}

/// The chain-adjusted cost of the operation `m` measured (one transaction).
pub fn chain_adjusted(m: &Meter) -> ChainAdjusted {
    let mut seen = BTreeSet::new();
    let instances = m
        .loads
        .iter()
        .map(|l| {
            let first = seen.insert(l.code.clone());
            if first && l.kind != LoadKind::Reply {
                price::INSTANCE_LOAD
            } else {
                INSTANCE_LOAD_DISCOUNTED
            }
        })
        .sum();
    let setup_reads = m.loads.len() as u64 * SETUP_READS_PER_LOAD;
    let bank = m.bank_sends * BANK_SEND;
    let events = m.event_gas;
    ChainAdjusted {
        instances,
        setup_reads,
        bank,
        events,
        total: m.vm_sdk_gas() + m.store.sdk_gas() + instances + setup_reads + bank + events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Load;

    fn load(code: &str, kind: LoadKind) -> Load {
        Load {
            contract: code.into(),
            code: code.into(),
            kind,
        }
    }

    #[test]
    fn a_code_loaded_again_in_the_transaction_and_a_reply_are_discounted() {
        let m = Meter {
            loads: vec![
                load("synthesis", LoadKind::Call),
                load("staking", LoadKind::Query),
                load("synthesis", LoadKind::Query),
                load("vault", LoadKind::Reply),
            ],
            bank_sends: 2,
            event_gas: 7,
            ..Meter::default()
        };
        let c = chain_adjusted(&m);
        assert_eq!(c.instances, 60_000 + 60_000 + 2_000 + 2_000);
        assert_eq!(c.setup_reads, 4 * SETUP_READS_PER_LOAD);
        assert_eq!(c.bank, 2 * BANK_SEND);
        assert_eq!(c.total, c.instances + c.setup_reads + c.bank + 7);
        assert!((3_900..4_100).contains(&SETUP_READS_PER_LOAD));
        assert!((15_000..16_500).contains(&BANK_SEND));
    }
}
