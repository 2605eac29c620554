//! Money going out (emission draws) and absorbing plain transfers.

use cosmwasm_std::{Deps, DepsMut, Env, MessageInfo, Response, StdResult, Uint128};
use cw20::{BalanceResponse, Cw20QueryMsg, Denom};
use nous_types::fee_vault::Config;
use nous_types::funds::transfer_msg;

use crate::state::TREASURY;
use crate::ContractError;

/// Reward-distribution only: sends `amount` of the treasury to the caller.
pub fn draw_emission(
    deps: DepsMut,
    info: MessageInfo,
    config: &Config,
    amount: Uint128,
) -> Result<Response, ContractError> {
    let distributor = config
        .reward_distributor
        .as_ref()
        .ok_or(ContractError::NoRewardDistributor {})?;
    if info.sender != *distributor {
        return Err(ContractError::NotRewardDistributor {
            distributor: distributor.to_string(),
            sender: info.sender.to_string(),
        });
    }
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let available = TREASURY.load(deps.storage)?;
    let treasury =
        available
            .checked_sub(amount)
            .map_err(|_| ContractError::InsufficientTreasury {
                requested: amount,
                available,
            })?;
    // State first, then the transfer (SECURITY.md 11).
    TREASURY.save(deps.storage, &treasury)?;
    Ok(Response::new()
        .add_message(transfer_msg(&config.denom, &info.sender, amount)?)
        .add_attribute("action", "draw_emission")
        .add_attribute("recipient", info.sender.as_str())
        .add_attribute("amount", amount)
        .add_attribute("treasury", treasury))
}

/// The vault's own balance of its denom.
fn vault_balance(deps: Deps, env: &Env, denom: &Denom) -> StdResult<Uint128> {
    match denom {
        Denom::Native(d) => Ok(deps.querier.query_balance(&env.contract.address, d)?.amount),
        Denom::Cw20(token) => {
            let r: BalanceResponse = deps.querier.query_wasm_smart(
                token,
                &Cw20QueryMsg::Balance {
                    address: env.contract.address.to_string(),
                },
            )?;
            Ok(r.balance)
        }
    }
}

/// Anyone: tokens that reached the vault without a vault message (a bank send or a cw20
/// `Transfer`) are not in the treasury; this books the surplus into it.
pub fn sync_treasury(deps: DepsMut, env: Env, config: &Config) -> Result<Response, ContractError> {
    let balance = vault_balance(deps.as_ref(), &env, &config.denom)?;
    let treasury = TREASURY.load(deps.storage)?;
    if balance < treasury {
        return Err(ContractError::BalanceBelowTreasury { balance, treasury });
    }
    let surplus = balance.checked_sub(treasury)?;
    if surplus.is_zero() {
        return Err(ContractError::NothingToSync { treasury });
    }
    TREASURY.save(deps.storage, &balance)?;
    Ok(Response::new()
        .add_attribute("action", "sync_treasury")
        .add_attribute("amount", surplus)
        .add_attribute("treasury", balance))
}
