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

/// The gas added to every simulated-and-adjusted limit (see [`TxSettings::gas_adjustment`]).
pub const GAS_HEADROOM: u64 = 60_000;

/// The gas limit a transaction simulated at `simulated` is sent with: `simulated ×
/// adjustment` rounded up, plus `headroom`. Whoever prices a transaction before sending it
/// (an operator's balance check) uses the same limit the sender will sign.
pub fn gas_limit(simulated: u64, adjustment: Decimal, headroom: u64) -> u64 {
    let adjusted = cosmwasm_std::Uint128::from(simulated)
        .mul_ceil(adjustment)
        .u128();
    u64::try_from(adjusted.saturating_add(headroom.into())).unwrap_or(u64::MAX)
}

impl TxSettings {
    pub fn new(gas_price: GasPrice) -> Self {
        TxSettings {
            gas_price,
            gas_adjustment: Decimal::percent(130),
            gas_headroom: GAS_HEADROOM,
            inclusion_timeout: Duration::from_secs(60),
            poll_interval: Duration::from_millis(150),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gas_limit_rounds_the_adjusted_gas_up_and_adds_the_headroom() {
        assert_eq!(
            gas_limit(100_000, Decimal::percent(130), GAS_HEADROOM),
            190_000
        );
        assert_eq!(gas_limit(1, Decimal::percent(130), 0), 2);
        assert_eq!(gas_limit(u64::MAX, Decimal::percent(200), 1), u64::MAX);
    }

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
