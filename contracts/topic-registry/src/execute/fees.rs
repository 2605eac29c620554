//! The fee rule shared by topic creation and registration: the caller pays exactly the
//! fee (an overpayment is refused rather than refunded, so no change is ever owed), and
//! the whole fee is forwarded to the fee-vault in the same transaction.

use cosmwasm_std::{Addr, Uint128};
use cw20::Denom;
use nous_types::PaymentError;

use crate::ContractError;

/// `paid` must equal `expected`.
pub fn check_exact_fee(
    denom: &Denom,
    expected: Uint128,
    paid: Uint128,
) -> Result<(), ContractError> {
    if paid < expected {
        // A cw20 deployment called without the hook: say how to pay.
        if let (Denom::Cw20(token), true) = (denom, paid.is_zero()) {
            return Err(PaymentError::UseCw20Send {
                token: token.to_string(),
            }
            .into());
        }
        return Err(ContractError::InsufficientFee {
            expected,
            got: paid,
        });
    }
    if paid > expected {
        return Err(ContractError::ExcessFee {
            expected,
            got: paid,
        });
    }
    Ok(())
}

/// The configured vault, which a non-zero fee (or a topic creation) needs.
pub fn require_vault(vault: &Option<Addr>) -> Result<Addr, ContractError> {
    vault.clone().ok_or(ContractError::FeeVaultNotSet {})
}
