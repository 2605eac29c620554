//! How [`RpcChain`](super::RpcChain) pays for and waits on transactions: the gas price
//! and the gas and timing settings.

use std::str::FromStr;
use std::time::Duration;

use cosmwasm_std::{Decimal, Uint128};

/// A gas price such as `0.025unous`.
#[derive(Clone, Debug, PartialEq)]
pub struct GasPrice {
    pub amount: Decimal,
    pub denom: String,
}

impl FromStr for GasPrice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("gas price {s:?} has no denom (e.g. 0.025unous)"))?;
        let (num, denom) = s.split_at(split);
        let amount = Decimal::from_str(num)
            .map_err(|e| format!("gas price {s:?}: {num:?} is not a decimal: {e}"))?;
        if denom.is_empty() {
            return Err(format!("gas price {s:?} has no denom"));
        }
        Ok(GasPrice {
            amount,
            denom: denom.to_string(),
        })
    }
}

impl GasPrice {
    /// The fee for `gas`, rounded up.
    pub fn fee(&self, gas: u64) -> u128 {
        Uint128::from(gas).mul_ceil(self.amount).u128()
    }
}

/// How transactions are paid and waited for.
#[derive(Clone, Debug)]
pub struct TxSettings {
    pub gas_price: GasPrice,
    /// Gas limit = simulated gas x `gas_adjustment` + `gas_headroom`: state can change
    /// between simulation and block. A worker payload simulated in the last block of one
    /// nonce and included as the first of the next pays for the new nonce's records, about
    /// 45,000 gas more than simulated (seen on a loaded 2-core machine: 4 of 400 payloads
    /// out of gas with x1.3 alone).
    pub gas_adjustment: Decimal,
    pub gas_headroom: u64,
    /// How long to wait for a broadcast transaction to be in a block.
    pub inclusion_timeout: Duration,
    pub poll_interval: Duration,
}

impl TxSettings {
    pub fn new(gas_price: GasPrice) -> Self {
        TxSettings {
            gas_price,
            gas_adjustment: Decimal::percent(130),
            gas_headroom: 60_000,
            inclusion_timeout: Duration::from_secs(60),
            poll_interval: Duration::from_millis(150),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_prices_parse_and_fees_round_up() {
        let p: GasPrice = "0.025unous".parse().unwrap();
        assert_eq!(p.denom, "unous");
        assert_eq!(p.fee(100_000), 2_500);
        assert_eq!(p.fee(100_001), 2_501);
        assert_eq!("1stake".parse::<GasPrice>().unwrap().fee(7), 7);
        assert!("0.025".parse::<GasPrice>().is_err());
        assert!("unous".parse::<GasPrice>().is_err());
        assert!("0.0.1unous".parse::<GasPrice>().is_err());
    }
}
