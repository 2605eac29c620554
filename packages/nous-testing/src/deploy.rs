//! [`NousBuilder`]: deploys the whole suite (and, for a cw20 deployment, its token) into
//! the caller's `App` with nous-chain's deploy plan — the same order and wiring as on a real
//! node — and returns the [`Nous`] handle.

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, Uint128};
use cw20::Denom;
use nous_chain::{Deployment, SuiteConfig, SuiteContract};
use nous_types::topic_registry::GlobalParams;

use crate::app::{AnyResult, SuiteApp};
use crate::handle::Nous;
use crate::token::TestToken;

/// The native denom of a deployment that does not choose one.
pub const DENOM: &str = "unous";
/// The suite's token by default: 6 decimals, as most Cosmos chains'.
pub const DEFAULT_DECIMALS: u8 = 6;
/// The emission's total supply when the caller does not give one (base units).
pub const DEFAULT_TOTAL_SUPPLY: u128 = 1_000_000_000_000_000;

/// The suite's token.
#[derive(Clone, Debug)]
enum Token {
    Native(String),
    /// A cw20-base token instantiated with these balances; its minter is the admin.
    Cw20(Vec<(Addr, u128)>),
}

/// A last change to the deploy plan's configuration (`NousBuilder::with_config`).
type ConfigEdit = Box<dyn FnOnce(&mut SuiteConfig)>;

/// How the suite is deployed. `NousBuilder::new().deploy(&mut app)` deploys the defaults:
/// native `unous` with 6 decimals, the default parameters, a read fee of 500.
pub struct NousBuilder {
    token: Token,
    params: GlobalParams,
    admin: Option<Addr>,
    security: Option<Addr>,
    total_supply: u128,
    edits: Vec<ConfigEdit>,
}

impl Default for NousBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl NousBuilder {
    pub fn new() -> Self {
        NousBuilder {
            token: Token::Native(DENOM.into()),
            params: GlobalParams::defaults(DEFAULT_DECIMALS),
            admin: None,
            security: None,
            total_supply: DEFAULT_TOTAL_SUPPLY,
            edits: vec![],
        }
    }

    /// The suite's token is the native coin `denom`.
    pub fn with_native(mut self, denom: impl Into<String>) -> Self {
        self.token = Token::Native(denom.into());
        self
    }

    /// The suite's token is a new cw20-base contract holding `initial_balances` (its
    /// minter is the admin, so `Nous::fund` can pay the canned actors).
    pub fn with_cw20(mut self, initial_balances: Vec<(Addr, u128)>) -> Self {
        self.token = Token::Cw20(initial_balances);
        self
    }

    /// A token of `decimals` decimals with the default parameters for it (call before
    /// `with_params`, which edits them).
    pub fn with_decimals(mut self, decimals: u8) -> Self {
        self.params = GlobalParams::defaults(decimals);
        self
    }

    pub fn with_params(mut self, f: impl FnOnce(&mut GlobalParams)) -> Self {
        f(&mut self.params);
        self
    }

    /// Owner and wasm admin of every contract (default: `make_addr("nous-admin")`).
    pub fn with_admin(mut self, admin: Addr) -> Self {
        self.admin = Some(admin);
        self
    }

    /// Receiver of the chain-security share (default: `make_addr("nous-chain-security")`).
    pub fn with_security_recipient(mut self, recipient: Addr) -> Self {
        self.security = Some(recipient);
        self
    }

    /// The supply the emission schedule is computed from.
    pub fn with_total_supply(mut self, total_supply: u128) -> Self {
        self.total_supply = total_supply;
        self
    }

    pub fn with_read_fee(self, amount: u128) -> Self {
        self.with_config(move |c| c.read_fee = Uint128::new(amount))
    }

    /// Changes the deploy plan's configuration after every other setting; edits apply in
    /// the order given.
    pub fn with_config(mut self, edit: impl FnOnce(&mut SuiteConfig) + 'static) -> Self {
        self.edits.push(Box::new(edit));
        self
    }

    /// Deploys the token (cw20) and the five suite contracts into `app`, stores the example
    /// consumer's code, and wires them. Fails if any step is refused.
    pub fn deploy<A: SuiteApp>(self, app: &mut A) -> AnyResult<Nous> {
        let admin = match self.admin {
            Some(a) => a,
            None => app.make_addr("nous-admin")?,
        };
        let security = match self.security {
            Some(a) => a,
            None => app.make_addr("nous-chain-security")?,
        };
        let denom = match self.token {
            Token::Native(d) => Denom::Native(d),
            Token::Cw20(balances) => {
                TestToken::cw20(app, &admin, self.params.token_decimals, &balances)?.0
            }
        };
        let mut config = SuiteConfig::new(
            admin.to_string(),
            denom.clone(),
            self.params.token_decimals,
            security.to_string(),
            self.total_supply,
        );
        config.params = self.params;
        for edit in self.edits {
            edit(&mut config);
        }
        let mut deployment = Deployment::new(app.block().chain_id, config);
        app.deploy_suite(&mut deployment)?;
        let addr = |c: SuiteContract| {
            deployment
                .address(c)
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("the deploy plan did not instantiate {c}"))
        };
        Ok(Nous {
            registry: addr(SuiteContract::TopicRegistry)?,
            vault: addr(SuiteContract::FeeVault)?,
            staking: addr(SuiteContract::Staking)?,
            synthesis: addr(SuiteContract::Synthesis)?,
            rewards: addr(SuiteContract::RewardDistribution)?,
            admin,
            security,
            denom,
            deployment,
            canned: BTreeMap::new(),
        })
    }
}
