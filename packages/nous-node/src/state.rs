//! The node's memory across restarts: per role and nonce, whether a transaction is in
//! flight (its hash, recorded *before* it is broadcast), was included, was refused or was
//! skipped; and, on commit–reveal topics, the payloads committed to and not revealed yet.
//! It is a small JSON file, rewritten atomically (a temporary file in the same folder,
//! synced, renamed over the old one, the folder synced), so a crash at any moment leaves
//! either the old or the new file; and it is locked, so two processes cannot share it. It
//! is created readable by its owner only (a pending payload is not public until its
//! reveal).

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use cosmwasm_std::{HexBinary, SignedDecimal};
use nous_types::clock::HeightWindow;
use nous_types::synthesis::ForecastElement;
use serde::{Deserialize, Serialize};

/// The file format's version.
const VERSION: u32 = 1;
/// Nonces kept per role (older entries are dropped on save).
const KEEP_NONCES: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path} is not a nous-node state file: {error}")]
    Format { path: PathBuf, error: String },
    #[error("{path} is in use by another nous-node process (it is locked)")]
    Locked { path: PathBuf },
    #[error("{path} belongs to {what} {found}, not {expected}: use another state_file")]
    Mismatch {
        path: PathBuf,
        what: &'static str,
        found: String,
        expected: String,
    },
}

/// Where one nonce of one role stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum NonceState {
    /// Signed and (perhaps) broadcast; its result is not known yet. It can be included up
    /// to `timeout_height`; before sending anything for this nonce again the node looks
    /// the hash up.
    InFlight { tx: String, timeout_height: u64 },
    /// Included and succeeded (`tx` empty: found on the chain without our hash, e.g. sent
    /// before a lost state file).
    Submitted { tx: String, height: u64 },
    /// The contract refused it for good (`error` is its text).
    Refused { error: String },
    /// Nothing was sent (a source failed, the window closed first, ...).
    Skipped { reason: String },
}

impl NonceState {
    /// Nothing more will be sent for this nonce.
    pub fn is_final(&self) -> bool {
        !matches!(self, NonceState::InFlight { .. })
    }
}

/// A payload of a commit–reveal topic, kept from before its commitment is broadcast until
/// it is revealed (or its reveal window has passed): the reveal must show exactly what was
/// committed to, whatever the sources would answer later. Its salt is not stored: it is
/// derived again from the key when the reveal is sent (src/reveal.rs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingReveal {
    pub inference: Option<SignedDecimal>,
    /// As committed to (and as it will be revealed): before synthesis's deduplication.
    pub forecast: Option<Vec<ForecastElement>>,
    /// The commitment sent with `CommitWorkerPayload` (compared with the chain's).
    pub commitment: HexBinary,
    /// The nonce's reveal window `[start, end)`.
    pub reveal_window: HeightWindow,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleState {
    pub nonces: BTreeMap<u64, NonceState>,
    /// Commit–reveal topics (worker keys): committed payloads waiting for their reveal, by
    /// nonce. Absent from files without any (and from files of older nodes).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reveals: BTreeMap<u64, PendingReveal>,
}

impl RoleState {
    /// The newest nonce whose payload was included.
    pub fn last_submitted(&self) -> Option<u64> {
        self.nonces
            .iter()
            .rev()
            .find(|(_, s)| matches!(s, NonceState::Submitted { .. }))
            .map(|(n, _)| *n)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    pub chain_id: String,
    pub address: String,
    /// Keyed `worker/<topic>` or `reputer/<topic>`.
    pub roles: BTreeMap<String, RoleState>,
}

/// The state file, open and locked for this process.
pub struct StateFile {
    path: PathBuf,
    /// Held for the lifetime of the process: the lock is released when it is dropped
    /// (or the process ends, however it ends).
    _lock: File,
    pub state: State,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> StateError + '_ {
    move |error| StateError::Io {
        path: path.to_path_buf(),
        error,
    }
}

impl Drop for StateFile {
    /// Unlocks explicitly: a child process forked at this instant (a source command) holds
    /// a copy of the descriptor until its exec, and closing ours alone would leave the lock
    /// held by that copy for a moment.
    fn drop(&mut self) {
        let _ = self._lock.unlock();
    }
}

impl StateFile {
    /// Opens (or creates) the state of `address` on `chain_id` at `path`, locking it.
    pub fn open(path: &Path, chain_id: &str, address: &str) -> Result<StateFile, StateError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let lock_path = lock_path(path);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        lock.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => StateError::Locked {
                path: path.to_path_buf(),
            },
            std::fs::TryLockError::Error(error) => StateError::Io {
                path: lock_path.clone(),
                error,
            },
        })?;
        let state = match std::fs::read(path) {
            Ok(bytes) => {
                let s: State = serde_json::from_slice(&bytes).map_err(|e| StateError::Format {
                    path: path.to_path_buf(),
                    error: e.to_string(),
                })?;
                if s.version != VERSION {
                    return Err(StateError::Format {
                        path: path.to_path_buf(),
                        error: format!("version {} (this node reads {VERSION})", s.version),
                    });
                }
                for (what, found, expected) in [
                    ("chain", &s.chain_id, chain_id),
                    ("address", &s.address, address),
                ] {
                    if found != expected {
                        return Err(StateError::Mismatch {
                            path: path.to_path_buf(),
                            what,
                            found: found.clone(),
                            expected: expected.to_string(),
                        });
                    }
                }
                s
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State {
                version: VERSION,
                chain_id: chain_id.to_string(),
                address: address.to_string(),
                roles: BTreeMap::new(),
            },
            Err(error) => {
                return Err(StateError::Io {
                    path: path.to_path_buf(),
                    error,
                })
            }
        };
        Ok(StateFile {
            path: path.to_path_buf(),
            _lock: lock,
            state,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn role(&self, key: &str) -> Option<&RoleState> {
        self.state.roles.get(key)
    }

    pub fn get(&self, key: &str, nonce: u64) -> Option<&NonceState> {
        self.state.roles.get(key)?.nonces.get(&nonce)
    }

    /// Records `nonce`'s new state and writes the file before returning.
    pub fn set(&mut self, key: &str, nonce: u64, s: NonceState) -> Result<(), StateError> {
        let role = self.state.roles.entry(key.to_string()).or_default();
        role.nonces.insert(nonce, s);
        while role.nonces.len() > KEEP_NONCES {
            role.nonces.pop_first();
        }
        self.save()
    }

    /// Forgets `nonce` (it may be tried again) and writes the file.
    pub fn clear(&mut self, key: &str, nonce: u64) -> Result<(), StateError> {
        if let Some(role) = self.state.roles.get_mut(key) {
            role.nonces.remove(&nonce);
        }
        self.save()
    }

    /// The pending reveal of (`key`, `nonce`).
    pub fn reveal(&self, key: &str, nonce: u64) -> Option<&PendingReveal> {
        self.state.roles.get(key)?.reveals.get(&nonce)
    }

    /// Every pending reveal of `key`, oldest nonce first.
    pub fn reveals(&self, key: &str) -> Vec<(u64, PendingReveal)> {
        self.state
            .roles
            .get(key)
            .map(|r| r.reveals.iter().map(|(n, p)| (*n, p.clone())).collect())
            .unwrap_or_default()
    }

    /// Records the payload committed to for (`key`, `nonce`) and writes the file before
    /// returning (so before the commitment is broadcast).
    pub fn set_reveal(
        &mut self,
        key: &str,
        nonce: u64,
        pending: PendingReveal,
    ) -> Result<(), StateError> {
        let role = self.state.roles.entry(key.to_string()).or_default();
        role.reveals.insert(nonce, pending);
        while role.reveals.len() > KEEP_NONCES {
            role.reveals.pop_first();
        }
        self.save()
    }

    /// Forgets the pending reveal of (`key`, `nonce`) (revealed, or its window has passed)
    /// and writes the file.
    pub fn drop_reveal(&mut self, key: &str, nonce: u64) -> Result<(), StateError> {
        let removed = self
            .state
            .roles
            .get_mut(key)
            .and_then(|r| r.reveals.remove(&nonce));
        if removed.is_some() {
            self.save()?;
        }
        Ok(())
    }

    /// Writes the whole state atomically.
    pub fn save(&self) -> Result<(), StateError> {
        let bytes = serde_json::to_vec_pretty(&self.state).map_err(|e| StateError::Format {
            path: self.path.clone(),
            error: e.to_string(),
        })?;
        write_atomically(&self.path, &bytes)
    }
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// Replaces `path` by `bytes` so that a crash leaves the old or the new content, never a
/// mixture: write a temporary file beside it, sync it, rename it over, sync the folder.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(path.file_name().unwrap_or_default());
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // owner only: the file may hold payloads committed to and not revealed yet
        options.mode(0o600);
    }
    let mut f = options.open(&tmp).map_err(io(&tmp))?;
    #[cfg(unix)]
    {
        // a leftover temporary file keeps its mode when opened: set it (best effort: a
        // file system without modes must not stop the node)
        use std::os::unix::fs::PermissionsExt;
        let _ = f.set_permissions(std::fs::Permissions::from_mode(0o600));
    }
    f.write_all(bytes).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io(path))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename is durable once the folder is synced (not possible on every
        // platform; the rename itself is already atomic).
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("nous-node-state-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn state_survives_a_restart() {
        let d = dir("restart");
        let p = d.join("state.json");
        {
            let mut s = StateFile::open(&p, "chain-1", "wasm1me").unwrap();
            s.set(
                "worker/1",
                7,
                NonceState::InFlight {
                    tx: "AB".into(),
                    timeout_height: 99,
                },
            )
            .unwrap();
            s.set(
                "worker/1",
                6,
                NonceState::Submitted {
                    tx: "CD".into(),
                    height: 80,
                },
            )
            .unwrap();
        }
        let s = StateFile::open(&p, "chain-1", "wasm1me").unwrap();
        assert_eq!(
            s.get("worker/1", 7),
            Some(&NonceState::InFlight {
                tx: "AB".into(),
                timeout_height: 99
            })
        );
        assert_eq!(s.role("worker/1").unwrap().last_submitted(), Some(6));
        assert!(!s.get("worker/1", 7).unwrap().is_final());
        assert!(s.get("worker/1", 6).unwrap().is_final());
        // no temporary file is left behind
        let names: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn pending_reveals_survive_a_restart_and_older_files_still_load() {
        use std::str::FromStr;
        let d = dir("reveals");
        let p = d.join("state.json");
        // a file of a node before commit–reveal: no `reveals`
        std::fs::write(
            &p,
            br#"{"version": 1, "chain_id": "c", "address": "a", "roles": {"worker/1":
                {"nonces": {"3": {"status": "submitted", "tx": "AB", "height": 9}}}}}"#,
        )
        .unwrap();
        let pending = PendingReveal {
            inference: Some(SignedDecimal::from_str("-1.5").unwrap()),
            forecast: Some(vec![ForecastElement {
                inferer: 2,
                value: SignedDecimal::from_str("0.25").unwrap(),
            }]),
            commitment: HexBinary::from(vec![9u8; 32]),
            reveal_window: HeightWindow { start: 8, end: 11 },
        };
        {
            let mut s = StateFile::open(&p, "c", "a").unwrap();
            assert_eq!(s.role("worker/1").unwrap().last_submitted(), Some(3));
            assert!(s.reveals("worker/1").is_empty());
            s.set_reveal("worker/1", 4, pending.clone()).unwrap();
        }
        let mut s = StateFile::open(&p, "c", "a").unwrap();
        assert_eq!(s.reveal("worker/1", 4), Some(&pending));
        assert_eq!(s.reveals("worker/1"), vec![(4, pending)]);
        s.drop_reveal("worker/1", 4).unwrap();
        drop(s);
        let s = StateFile::open(&p, "c", "a").unwrap();
        assert!(s.reveals("worker/1").is_empty());
        // nothing of it is left in the file
        assert!(!std::fs::read_to_string(&p).unwrap().contains("reveals"));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn one_process_at_a_time() {
        let d = dir("lock");
        let p = d.join("state.json");
        let first = StateFile::open(&p, "c", "a").unwrap();
        assert!(matches!(
            StateFile::open(&p, "c", "a"),
            Err(StateError::Locked { .. })
        ));
        drop(first);
        StateFile::open(&p, "c", "a").unwrap();
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_state_file_of_another_key_or_chain_is_refused() {
        let d = dir("mismatch");
        let p = d.join("state.json");
        StateFile::open(&p, "chain-1", "wasm1me")
            .unwrap()
            .save()
            .unwrap();
        assert!(matches!(
            StateFile::open(&p, "chain-2", "wasm1me"),
            Err(StateError::Mismatch { what: "chain", .. })
        ));
        assert!(matches!(
            StateFile::open(&p, "chain-1", "wasm1other"),
            Err(StateError::Mismatch {
                what: "address",
                ..
            })
        ));
        std::fs::write(&p, b"{ torn").unwrap();
        assert!(matches!(
            StateFile::open(&p, "chain-1", "wasm1me"),
            Err(StateError::Format { .. })
        ));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn an_interrupted_write_leaves_the_old_file() {
        // A crash between writing the temporary file and the rename: the temporary file
        // is there, the state file still holds the previous complete state.
        let d = dir("torn");
        let p = d.join("state.json");
        let mut s = StateFile::open(&p, "c", "a").unwrap();
        s.set(
            "reputer/2",
            3,
            NonceState::Skipped {
                reason: "truth source failed".into(),
            },
        )
        .unwrap();
        std::fs::write(d.join(".state.json.tmp"), b"{\"version\": 1, \"chain").unwrap();
        drop(s);
        let s = StateFile::open(&p, "c", "a").unwrap();
        assert!(matches!(
            s.get("reputer/2", 3),
            Some(NonceState::Skipped { .. })
        ));
        // and the next save replaces the leftover
        s.save().unwrap();
        assert!(!d.join(".state.json.tmp").exists());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn old_nonces_are_dropped() {
        let d = dir("prune");
        let p = d.join("state.json");
        let mut s = StateFile::open(&p, "c", "a").unwrap();
        for n in 0..(KEEP_NONCES as u64 + 10) {
            s.state
                .roles
                .entry("worker/1".into())
                .or_default()
                .nonces
                .insert(
                    n,
                    NonceState::Skipped {
                        reason: String::new(),
                    },
                );
        }
        s.set(
            "worker/1",
            1_000,
            NonceState::Skipped {
                reason: String::new(),
            },
        )
        .unwrap();
        let role = s.role("worker/1").unwrap();
        assert_eq!(role.nonces.len(), KEEP_NONCES);
        assert!(role.nonces.contains_key(&1_000));
        assert!(!role.nonces.contains_key(&0));
        let _ = std::fs::remove_dir_all(&d);
    }
}
