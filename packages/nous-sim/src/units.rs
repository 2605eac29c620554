//! Numbers as the contracts take them: amounts in base units of the suite token, values as
//! 18-decimal signed decimals. Floats exist only in the simulated world; they cross into
//! the contracts as decimal strings, never as floats.

use std::str::FromStr;

use cosmwasm_std::SignedDecimal;

/// The simulated token's decimals, and one whole token in base units (the maths reads
/// stakes and fees in whole tokens).
pub const TOKEN_DECIMALS: u8 = 18;
pub const TOKEN: u128 = 10u128.pow(TOKEN_DECIMALS as u32);

/// A float as the 18-decimal signed decimal the contracts take (rounded to 12 places).
pub fn dec(x: f64) -> SignedDecimal {
    let x = if x.is_finite() {
        x.clamp(-1e9, 1e9)
    } else {
        0.0
    };
    SignedDecimal::from_str(&format!("{x:.12}")).unwrap_or(SignedDecimal::zero())
}

/// A contract's decimal as a float (for the simulated world and the report).
pub fn num(x: &impl ToString) -> f64 {
    x.to_string().parse().unwrap_or(0.0)
}
