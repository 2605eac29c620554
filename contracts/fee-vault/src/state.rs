//! Storage of the fee-vault.
//!
//! | key            | type                            | content                                  |
//! |----------------|---------------------------------|------------------------------------------|
//! | `config`       | `Item<Config>`                  | denom, registry, distributor, read fee, blocks per month |
//! | `treasury`     | `Item<Uint128>`                 | the emission treasury; == the vault's balance of the denom |
//! | `topics`       | `Map<topic_id, TopicInfo>`      | registered topics (clock of the drip)   |
//! | `revenue`      | `Map<(topic_id, epoch), Uint128>` | revenue checkpoints (below)            |
//! | `ownership`    | cw-ownable                      | admin                                    |
//!
//! A revenue checkpoint `(topic_id, k) -> C` is written whenever a payment changes the
//! topic's revenue during epoch `k`: `C` is the revenue as of epoch `k` including every
//! payment made so far in `k`, before `k`'s own drip. The revenue as of any epoch `e` is
//! the newest checkpoint at or before `e`, dripped once per epoch in between. A checkpoint
//! is only ever written for the current epoch, so the value of a past epoch never changes.

use cosmwasm_std::{Order, StdResult, Storage, Uint128};
use cw_storage_plus::{Bound, Item, Map};
use nous_types::fee_vault::{Config, TopicInfo};

/// The cw2 name and version this code records at instantiate and checks at migrate.
pub const CONTRACT_NAME: &str = "crates.io:fee-vault";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

pub const CONFIG: Item<Config> = Item::new("config");
pub const TREASURY: Item<Uint128> = Item::new("treasury");
pub const TOPICS: Map<u64, TopicInfo> = Map::new("topics");
pub const REVENUE: Map<(u64, u64), Uint128> = Map::new("revenue");

/// The newest checkpoint of `topic_id` at or before `epoch`, if any.
pub fn checkpoint_at_or_before(
    storage: &dyn Storage,
    topic_id: u64,
    epoch: u64,
) -> StdResult<Option<(u64, Uint128)>> {
    REVENUE
        .prefix(topic_id)
        .range(
            storage,
            None,
            Some(Bound::inclusive(epoch)),
            Order::Descending,
        )
        .next()
        .transpose()
}
