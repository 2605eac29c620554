#![doc = include_str!("../README.md")]

mod error;
pub mod msg;
mod read;
#[cfg(all(any(test, feature = "testing"), not(target_arch = "wasm32")))]
pub mod testing;
#[cfg(test)]
mod tests;

pub use error::ConsumerError;
pub use msg::{
    Cw20ReceiveMsg, Denom, InferencePath, LatestValue, PercentileValue, ReadFeeResponse,
};
pub use read::{
    check_payment, latest_value, paid_read, pay_for_read_msg, read_fee, NousAddrs, Payment,
    ReadPolicy, Reading, DEFAULT_MIN_INFERERS,
};
