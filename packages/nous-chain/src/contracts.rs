//! The suite's six contracts and their optimised artifacts (`artifacts/<name>.wasm`, whose
//! sha256 is recorded in `artifacts/checksums.txt`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use cosmwasm_std::Checksum;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One contract of the suite. Its name is the crate, artifact and label name.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SuiteContract {
    TopicRegistry,
    FeeVault,
    Staking,
    Synthesis,
    RewardDistribution,
    ExampleConsumer,
}

impl SuiteContract {
    pub const ALL: [SuiteContract; 6] = [
        SuiteContract::TopicRegistry,
        SuiteContract::FeeVault,
        SuiteContract::Staking,
        SuiteContract::Synthesis,
        SuiteContract::RewardDistribution,
        SuiteContract::ExampleConsumer,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SuiteContract::TopicRegistry => "topic-registry",
            SuiteContract::FeeVault => "fee-vault",
            SuiteContract::Staking => "staking",
            SuiteContract::Synthesis => "synthesis",
            SuiteContract::RewardDistribution => "reward-distribution",
            SuiteContract::ExampleConsumer => "example-consumer",
        }
    }

    pub fn artifact_file(self) -> String {
        format!("{}.wasm", self.name())
    }
}

impl fmt::Display for SuiteContract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SuiteContract {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        SuiteContract::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| format!("unknown contract {s:?}"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    #[error("reading {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path}: line {line} is not `<sha256 hex>  <file>.wasm`")]
    BadLine { path: PathBuf, line: usize },
    #[error("{0} has no checksum in checksums.txt")]
    NoChecksum(String),
    #[error("{file}: sha256 {actual} differs from checksums.txt ({expected}); rebuild with scripts/build-wasm.sh")]
    Mismatch {
        file: String,
        expected: String,
        actual: String,
    },
}

/// The artifacts folder: wasm files checked against `checksums.txt` before use.
#[derive(Clone, Debug)]
pub struct Artifacts {
    dir: PathBuf,
    checksums: BTreeMap<String, String>,
}

impl Artifacts {
    /// Reads `<dir>/checksums.txt` (the format of `sha256sum`).
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, ArtifactError> {
        let dir = dir.as_ref().to_path_buf();
        let path = dir.join("checksums.txt");
        let text = std::fs::read_to_string(&path).map_err(|error| ArtifactError::Read {
            path: path.clone(),
            error,
        })?;
        let mut checksums = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (Some(sum), Some(file), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(ArtifactError::BadLine {
                    path: path.clone(),
                    line: i + 1,
                });
            };
            if sum.len() != 64 || !sum.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(ArtifactError::BadLine {
                    path: path.clone(),
                    line: i + 1,
                });
            }
            checksums.insert(file.trim_start_matches('*').to_string(), sum.to_lowercase());
        }
        Ok(Artifacts { dir, checksums })
    }

    /// The recorded sha256 (hex) of a contract's artifact.
    pub fn checksum(&self, contract: SuiteContract) -> Result<&str, ArtifactError> {
        let file = contract.artifact_file();
        self.checksums
            .get(&file)
            .map(|s| s.as_str())
            .ok_or(ArtifactError::NoChecksum(file))
    }

    /// The artifact's bytes, refused unless their sha256 is the recorded one.
    pub fn wasm(&self, contract: SuiteContract) -> Result<Vec<u8>, ArtifactError> {
        let expected = self.checksum(contract)?.to_string();
        let file = contract.artifact_file();
        let path = self.dir.join(&file);
        let bytes = std::fs::read(&path).map_err(|error| ArtifactError::Read { path, error })?;
        let actual = Checksum::generate(&bytes).to_hex();
        if actual != expected {
            return Err(ArtifactError::Mismatch {
                file,
                expected,
                actual,
            });
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("nous-chain-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn names_round_trip() {
        for c in SuiteContract::ALL {
            assert_eq!(c.name().parse::<SuiteContract>(), Ok(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.name())
            );
        }
        assert!("registry".parse::<SuiteContract>().is_err());
    }

    #[test]
    fn an_artifact_is_used_only_with_its_recorded_checksum() {
        let d = folder("artifacts");
        std::fs::write(d.join("staking.wasm"), b"\0asm staking").unwrap();
        std::fs::write(d.join("fee-vault.wasm"), b"\0asm changed").unwrap();
        let good = Checksum::generate(b"\0asm staking").to_hex();
        let old = Checksum::generate(b"\0asm vault").to_hex();
        std::fs::write(
            d.join("checksums.txt"),
            format!("{good}  staking.wasm\n{old}  fee-vault.wasm\n"),
        )
        .unwrap();
        let a = Artifacts::open(&d).unwrap();
        assert_eq!(a.wasm(SuiteContract::Staking).unwrap(), b"\0asm staking");
        assert!(matches!(
            a.wasm(SuiteContract::FeeVault),
            Err(ArtifactError::Mismatch { .. })
        ));
        assert!(matches!(
            a.wasm(SuiteContract::Synthesis),
            Err(ArtifactError::NoChecksum(_))
        ));
        std::fs::write(d.join("checksums.txt"), "nothex  staking.wasm\n").unwrap();
        assert!(matches!(
            Artifacts::open(&d),
            Err(ArtifactError::BadLine { line: 1, .. })
        ));
        let _ = std::fs::remove_dir_all(&d);
    }
}
