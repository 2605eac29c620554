//! Signing keys from a BIP-39 mnemonic (Cosmos HD path `m/44'/118'/0'/0/<index>`). A
//! mnemonic is read from an environment variable or a file, never from the command line
//! (where it would end up in shell history and `ps`).

use std::path::Path;

use cosmrs::bip32::{DerivationPath, Language, Mnemonic};
use cosmrs::crypto::secp256k1::SigningKey;
use cosmrs::crypto::PublicKey;
use cosmwasm_std::Addr;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("not a valid BIP-39 English mnemonic: {0}")]
    Mnemonic(String),
    #[error("cannot derive key {path}: {error}")]
    Derive { path: String, error: String },
    #[error("no mnemonic: set {var} or pass a key file")]
    Missing { var: String },
    #[error("reading the key file {path}: {error}")]
    File { path: String, error: std::io::Error },
}

/// A signing key and its address on a chain with bech32 prefix `prefix`.
pub struct Key {
    signing: SigningKey,
    pub public: PublicKey,
    pub address: Addr,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("Key")
            .field("address", &self.address)
            .finish()
    }
}

impl Key {
    /// The key at `m/44'/118'/0'/0/<index>` of `mnemonic`.
    pub fn from_mnemonic(mnemonic: &str, index: u32, prefix: &str) -> Result<Key, KeyError> {
        let words = mnemonic.split_whitespace().collect::<Vec<_>>().join(" ");
        let m = Mnemonic::new(words, Language::English)
            .map_err(|e| KeyError::Mnemonic(e.to_string()))?;
        let seed = m.to_seed("");
        let path_text = format!("m/44'/118'/0'/0/{index}");
        let derive_err = |error: String| KeyError::Derive {
            path: path_text.clone(),
            error,
        };
        let path: DerivationPath = path_text.parse().map_err(|e| derive_err(format!("{e}")))?;
        let signing = SigningKey::derive_from_path(seed.as_bytes(), &path)
            .map_err(|e| derive_err(e.to_string()))?;
        let public = signing.public_key();
        let address = public
            .account_id(prefix)
            .map_err(|e| derive_err(e.to_string()))?;
        Ok(Key {
            signing,
            public,
            address: Addr::unchecked(address.to_string()),
        })
    }

    pub(crate) fn signing(&self) -> &SigningKey {
        &self.signing
    }
}

/// The mnemonic in `file` if given, else in the environment variable `var`.
pub fn read_mnemonic(var: &str, file: Option<&Path>) -> Result<String, KeyError> {
    if let Some(path) = file {
        return std::fs::read_to_string(path)
            .map(|s| s.trim().to_string())
            .map_err(|error| KeyError::File {
                path: path.display().to_string(),
                error,
            });
    }
    match std::env::var(var) {
        Ok(m) if !m.trim().is_empty() => Ok(m.trim().to_string()),
        _ => Err(KeyError::Missing {
            var: var.to_string(),
        }),
    }
}

/// The mnemonic of `name` in a test-accounts file (`chain/test-accounts.txt`: one
/// `<name> <words...>` per line, `#` comments).
pub fn test_account_mnemonic(accounts_file: &Path, name: &str) -> Result<String, KeyError> {
    let text = std::fs::read_to_string(accounts_file).map_err(|error| KeyError::File {
        path: accounts_file.display().to_string(),
        error,
    })?;
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .find_map(|l| {
            let (n, words) = l.split_once(char::is_whitespace)?;
            (n == name).then(|| words.trim().to_string())
        })
        .ok_or_else(|| KeyError::Missing {
            var: format!("account {name} in {}", accounts_file.display()),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The public test-only "deployer" of chain/test-accounts.txt and its address as
    // `wasmd keys add --recover` derives it.
    const DEPLOYER: &str = "eight poet recipe eternal rival cereal crime render flock entry grab flavor ecology chief safe swarm body honey copy tornado omit entire color wrong";

    #[test]
    fn derives_the_address_wasmd_derives() {
        let k = Key::from_mnemonic(DEPLOYER, 0, "wasm").unwrap();
        assert_eq!(
            k.address.as_str(),
            "wasm1dqq9hnf3edlrfhwmwsdp2ulqksp7j63p8purvp"
        );
        let other = Key::from_mnemonic(DEPLOYER, 1, "wasm").unwrap();
        assert_ne!(other.address, k.address);
        assert!(!format!("{k:?}").contains("eight"));
    }

    #[test]
    fn a_bad_mnemonic_is_refused() {
        assert!(matches!(
            Key::from_mnemonic("eight poet recipe", 0, "wasm"),
            Err(KeyError::Mnemonic(_))
        ));
    }

    #[test]
    fn reads_a_test_account_by_name() {
        let f = std::env::temp_dir().join(format!("nous-rpc-accounts-{}", std::process::id()));
        std::fs::write(&f, format!("# comment\ndeployer {DEPLOYER}\n")).unwrap();
        assert_eq!(test_account_mnemonic(&f, "deployer").unwrap(), DEPLOYER);
        assert!(test_account_mnemonic(&f, "faucet").is_err());
        let _ = std::fs::remove_file(&f);
    }
}
