//! The node's CometBFT RPC, behind a synchronous API (an internal single-threaded tokio
//! runtime): status, ABCI queries of gRPC query paths (protobuf in and out), broadcast and
//! transaction lookup.

use std::time::Duration;

use cosmrs::proto::prost::Message;
use cosmrs::rpc::endpoint::{broadcast, tx};
use cosmrs::rpc::{Client, HttpClient};
use cosmrs::tendermint::{hash::Algorithm, Hash};
use cosmwasm_std::Timestamp;
use nous_chain::{BlockInfo, ChainError};

pub struct Node {
    rt: tokio::runtime::Runtime,
    client: HttpClient,
    pub url: String,
}

fn transport(e: impl std::fmt::Display) -> ChainError {
    ChainError::Transport(e.to_string())
}

/// A failed ABCI query: its log, which carries the module's or the contract's error.
#[derive(Debug)]
pub struct QueryFailure {
    pub code: u32,
    pub log: String,
}

impl Node {
    pub fn connect(url: &str) -> Result<Node, ChainError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(transport)?;
        let client = HttpClient::new(url).map_err(transport)?;
        Ok(Node {
            rt,
            client,
            url: url.to_string(),
        })
    }

    /// (chain id, latest committed block)
    pub fn status(&self) -> Result<(String, BlockInfo), ChainError> {
        let s = self.rt.block_on(self.client.status()).map_err(transport)?;
        let nanos = s.sync_info.latest_block_time.unix_timestamp_nanos();
        Ok((
            s.node_info.network.to_string(),
            BlockInfo {
                height: s.sync_info.latest_block_height.value(),
                time: Timestamp::from_nanos(u64::try_from(nanos).unwrap_or(0)),
            },
        ))
    }

    /// An ABCI query of a gRPC path. `Ok(Err(..))` is the chain's answer that the query
    /// failed (bad request, contract error); `Err` is a transport or decoding failure.
    pub fn abci<Req: Message, Resp: Message + Default>(
        &self,
        path: &str,
        req: &Req,
    ) -> Result<Result<Resp, QueryFailure>, ChainError> {
        let r = self
            .rt
            .block_on(self.client.abci_query(
                Some(path.to_string()),
                req.encode_to_vec(),
                None,
                false,
            ))
            .map_err(transport)?;
        if r.code.is_err() {
            return Ok(Err(QueryFailure {
                code: r.code.value(),
                log: r.log,
            }));
        }
        Resp::decode(r.value.as_slice())
            .map(Ok)
            .map_err(|e| ChainError::Decode(format!("{path}: {e}")))
    }

    pub fn broadcast_sync(&self, tx: Vec<u8>) -> Result<broadcast::tx_sync::Response, ChainError> {
        self.rt
            .block_on(self.client.broadcast_tx_sync(tx))
            .map_err(transport)
    }

    /// The included transaction `hash` (hex), `None` while the node has not indexed it.
    pub fn tx(&self, hash: &str) -> Result<Option<tx::Response>, ChainError> {
        let h = Hash::from_hex_upper(Algorithm::Sha256, &hash.to_uppercase())
            .map_err(|e| ChainError::Other(format!("bad transaction hash {hash}: {e}")))?;
        match self.rt.block_on(self.client.tx(h, false)) {
            Ok(r) => Ok(Some(r)),
            Err(e) if e.to_string().contains("not found") => Ok(None),
            Err(e) => Err(transport(e)),
        }
    }

    /// The consensus parameter `block.max_gas` (-1: no limit).
    pub fn max_block_gas(&self) -> Result<i64, ChainError> {
        let r = self
            .rt
            .block_on(self.client.latest_consensus_params())
            .map_err(transport)?;
        Ok(r.consensus_params.block.max_gas)
    }

    pub fn sleep(&self, d: Duration) {
        // The timer must be created inside the runtime.
        self.rt.block_on(async { tokio::time::sleep(d).await });
    }
}
