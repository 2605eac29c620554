//! Storage of the example consumer.
//!
//! | key        | type                            | content                                    |
//! |------------|---------------------------------|--------------------------------------------|
//! | `config`   | `Item<Config>`                  | vault, synthesis, guards, max age, history limit |
//! | `readings` | `Map<(topic_id, seq), Reading>` | the last `history_limit` readings per topic |
//! | `next_seq` | `Map<topic_id, u64>`            | readings ever made per topic (= next seq)   |
//!
//! Reading `seq` of a topic is stored when it is made and deleted when reading
//! `seq + history_limit` is stored, so at most `history_limit` readings per topic exist.

use cw_storage_plus::{Item, Map};

use crate::msg::{Config, Reading};

/// The cw2 name and version this code records at instantiate and checks at migrate.
pub const CONTRACT_NAME: &str = "crates.io:example-consumer";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

pub const CONFIG: Item<Config> = Item::new("config");
pub const READINGS: Map<(u64, u64), Reading> = Map::new("readings");
pub const NEXT_SEQ: Map<u64, u64> = Map::new("next_seq");
