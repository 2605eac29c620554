//! Peer mocks shared by the contracts' own test folders: a contract under test talks to
//! these instead of the real peer when the peer's logic is not what the test is about.
//! Each answers the real messages a peer receives with the real JSON, plus test-only
//! commands (setters) and queries (what it was told), and is instantiated with `Empty {}`.

pub mod fee_vault;
pub mod registry;
pub mod staking;
pub mod synthesis;

use cosmwasm_std::{DepsMut, Empty, Env, MessageInfo, Response, StdResult};

/// Every mock's instantiate: nothing to set up.
fn instantiate(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
    Ok(Response::new())
}
