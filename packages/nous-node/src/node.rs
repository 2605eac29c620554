//! The node: its roles, the loop that runs them once per new block, and the periodic
//! reading of balance and claimable rewards into the metrics. A role that fails on a block
//! (a query error, a source down) is logged and tried again on the next; the node only
//! stops when it is killed (its state file is consistent at every instant).

use std::time::Duration;

use cosmwasm_std::Addr;
use nous_chain::{Chain, ChainError};
use serde_json::json;

use crate::config::Config;
use crate::ctx::Ctx;
use crate::keeper::Keeper;
use crate::reputer::Reputer;
use crate::worker::Worker;

/// Consecutive failures to reach the node before the next RPC endpoint is tried.
const FAILOVER_AFTER: u32 = 3;

pub enum Role {
    Worker(Worker),
    Reputer(Reputer),
    Keeper(Keeper),
}

impl Role {
    fn name(&self) -> (&'static str, u64) {
        match self {
            Role::Worker(w) => ("worker", w.cfg.topic),
            Role::Reputer(r) => ("reputer", r.cfg.topic),
            Role::Keeper(k) => ("keeper", k.cfg.topic),
        }
    }
}

/// Makes a new connection (the next endpoint) when the current one keeps failing.
pub type Reconnect<C> = Box<dyn FnMut() -> Result<C, String>>;

pub struct Node<C: Chain> {
    pub ctx: Ctx<C>,
    pub roles: Vec<Role>,
    /// Addresses whose claimable rewards are exported (the key and configured owners).
    watch: Vec<Addr>,
    status_every: u64,
    last_status: Option<u64>,
    last_height: u64,
    poll: Duration,
    reconnect: Option<Reconnect<C>>,
    failures: u32,
}

impl<C: Chain> Node<C> {
    pub fn new(ctx: Ctx<C>, cfg: &Config) -> Node<C> {
        let mut roles = vec![];
        roles.extend(
            cfg.keepers
                .iter()
                .cloned()
                .map(|k| Role::Keeper(Keeper::new(k))),
        );
        roles.extend(
            cfg.workers
                .iter()
                .cloned()
                .map(|w| Role::Worker(Worker::new(w))),
        );
        roles.extend(
            cfg.reputers
                .iter()
                .cloned()
                .map(|r| Role::Reputer(Reputer::new(r))),
        );
        let mut watch = vec![ctx.me.clone()];
        for o in cfg
            .workers
            .iter()
            .filter_map(|w| w.owner.as_ref())
            .chain(cfg.reputers.iter().filter_map(|r| r.owner.as_ref()))
        {
            let a = Addr::unchecked(o);
            if !watch.contains(&a) {
                watch.push(a);
            }
        }
        Node {
            ctx,
            roles,
            watch,
            status_every: cfg.node.status_every_blocks.max(1),
            last_status: None,
            last_height: 0,
            poll: Duration::from_millis(cfg.node.poll_ms),
            reconnect: None,
            failures: 0,
        }
    }

    pub fn with_reconnect(mut self, r: Reconnect<C>) -> Self {
        self.reconnect = Some(r);
        self
    }

    /// One pass: reads the height and, on a new block, runs every role once. Returns the
    /// height when the roles ran.
    pub fn step(&mut self) -> Option<u64> {
        let height = match self.ctx.chain.block() {
            Ok(b) => {
                self.failures = 0;
                b.height
            }
            Err(e) => {
                self.unreachable(&e);
                return None;
            }
        };
        if height <= self.last_height {
            return None;
        }
        self.last_height = height;
        self.ctx
            .metrics
            .set("nous_node_height", &[], u128::from(height));
        let ctx = &mut self.ctx;
        for role in self.roles.iter_mut() {
            let (name, topic) = role.name();
            let r = match role {
                Role::Worker(w) => w.tick(ctx, height),
                Role::Reputer(r) => r.tick(ctx, height),
                Role::Keeper(k) => k.tick(ctx, height),
            };
            if let Err(error) = r {
                ctx.log.error(
                    "role_failed",
                    json!({"role": name, "topic": topic, "height": height, "error": error,
                        "action": "tried again on the next block"}),
                );
            }
        }
        if self
            .last_status
            .is_none_or(|l| height >= l + self.status_every)
        {
            self.last_status = Some(height);
            self.read_status();
        }
        Some(height)
    }

    /// Runs until the process is killed.
    pub fn run(&mut self) {
        loop {
            self.step();
            (self.ctx.pause)(self.poll);
        }
    }

    fn unreachable(&mut self, e: &ChainError) {
        self.failures += 1;
        self.ctx.log.warn(
            "chain_unreachable",
            json!({"error": e.to_string(), "failures": self.failures}),
        );
        if self.failures < FAILOVER_AFTER {
            return;
        }
        if let Some(connect) = self.reconnect.as_mut() {
            match connect() {
                Ok(c) => {
                    self.ctx.chain = c;
                    self.failures = 0;
                    self.ctx.log.info("reconnected", json!({}));
                }
                Err(error) => self
                    .ctx
                    .log
                    .error("reconnect_failed", json!({"error": error})),
            }
        }
    }

    /// Balance and claimable rewards into the metrics.
    fn read_status(&mut self) {
        let ctx = &mut self.ctx;
        let denom = ctx.gas_price.denom.clone();
        if let Ok(b) = ctx.chain.balance(&ctx.me, &denom) {
            ctx.metrics
                .set("nous_node_balance", &[("denom", &denom)], b);
        }
        for a in &self.watch {
            match ctx.suite.claimable(&ctx.chain, a) {
                Ok(v) => ctx
                    .metrics
                    .set("nous_node_claimable", &[("address", a.as_str())], v),
                Err(e) => ctx.log.warn(
                    "status_failed",
                    json!({"address": a, "error": e.to_string()}),
                ),
            }
        }
    }
}
