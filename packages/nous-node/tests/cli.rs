//! The `nous-node` binary's command line, run as a process: `check-config` on the complete
//! example of docs/OPERATING.md, and what `status` and `query` say before a chain answers
//! (a missing mnemonic, a record of another chain, an unknown contract, a query that is
//! not JSON, no endpoint reachable). Their answers from a real chain are checked by the
//! end-to-end test (scripts/e2e-node.sh).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cosmwasm_std::Addr;
use cw20::Denom;
use nous_chain::{Deployment, SuiteConfig, SuiteContract};

const BIN: &str = env!("CARGO_BIN_EXE_nous-node");
/// A PUBLIC test-only mnemonic (chain/test-accounts.txt, `alice`).
const ALICE: &str = "alice";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn folder(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nous-node-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn mnemonic() -> String {
    let text = std::fs::read_to_string(repo().join("chain/test-accounts.txt")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(ALICE).map(|w| w.trim().to_string()))
        .unwrap()
}

/// The TOML block after `<!-- example: nous-node.toml -->` in docs/OPERATING.md.
fn documented_example() -> String {
    let doc = std::fs::read_to_string(repo().join("docs/OPERATING.md")).unwrap();
    let at = doc.find("<!-- example: nous-node.toml -->").unwrap();
    let block = &doc[at..];
    let start = block.find("```toml\n").unwrap() + "```toml\n".len();
    let end = start + block[start..].find("```").unwrap();
    block[start..end].to_string()
}

/// A deployment record of `chain_id` whose contracts have made-up addresses.
fn record(dir: &Path, chain_id: &str) -> PathBuf {
    let admin = "wasm1dqq9hnf3edlrfhwmwsdp2ulqksp7j63p8purvp";
    let mut d = Deployment::new(
        chain_id,
        SuiteConfig::new(admin, Denom::Native("unous".into()), 6, admin, 1_000_000),
    );
    for (i, c) in SuiteContract::ALL.into_iter().enumerate() {
        d.contracts.insert(
            c,
            nous_chain::record::ContractRecord {
                address: Addr::unchecked(format!("wasm1contract{i}")),
                code_id: i as u64 + 1,
                label: c.to_string(),
                tx: String::new(),
            },
        );
    }
    let path = dir.join(format!("{chain_id}.json"));
    d.save(&path).unwrap();
    path
}

/// A config for a worker on `fake-1` whose only endpoint refuses connections.
fn config(dir: &Path, record: &Path) -> PathBuf {
    let path = dir.join("node.toml");
    std::fs::write(
        &path,
        format!(
            r#"[chain]
rpc = "http://127.0.0.1:1"
chain_id = "fake-1"
gas_price = "0.025unous"
deployment = "{}"

[node]
max_attempts = 1

[[worker]]
topic = 1
inference = {{ command = ["python3", "model.py"] }}
"#,
            record.display()
        ),
    )
    .unwrap();
    path
}

fn run(config: &Path, args: &[&str], words: Option<&str>) -> Output {
    let mut c = Command::new(BIN);
    c.arg("--config").arg(config).args(args);
    c.env_remove("NOUS_MNEMONIC").env_remove("NOUS_NODE_CONFIG");
    if let Some(w) = words {
        c.env("NOUS_MNEMONIC", w);
    }
    c.output().unwrap()
}

fn failed_with(out: &Output, text: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected a failure, got {out:?}");
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains(text), "stderr {err:?} does not say {text:?}");
}

#[test]
fn the_documented_example_passes_check_config() {
    let dir = folder("example");
    let path = dir.join("nous-node.toml");
    std::fs::write(&path, documented_example()).unwrap();
    let out = run(&path, &["check-config"], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        text.contains(
            "chain nous-local-1 via http://127.0.0.1:26657, 1 worker(s), 1 reputer(s), 1 keeper(s)"
        ),
        "{text}"
    );
    // the state file is relative to the config's folder
    assert!(text.contains(&dir.join("nous-node-state.json").display().to_string()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_config_holding_a_mnemonic_is_refused() {
    let dir = folder("secret");
    let path = dir.join("nous-node.toml");
    let text = documented_example().replace(
        "mnemonic_env = \"NOUS_MNEMONIC\"",
        "mnemonic = \"word word word\"",
    );
    std::fs::write(&path, text).unwrap();
    failed_with(
        &run(&path, &["check-config"], None),
        "never put in the config",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn status_says_where_the_mnemonic_goes_and_that_no_endpoint_answers() {
    let dir = folder("status");
    let cfg = config(&dir, &record(&dir, "fake-1"));
    failed_with(
        &run(&cfg, &["status"], None),
        "no mnemonic: set NOUS_MNEMONIC",
    );
    let words = mnemonic();
    failed_with(
        &run(&cfg, &["status", "--json"], Some(&words)),
        "no RPC endpoint answered: http://127.0.0.1:1",
    );
    failed_with(
        &run(&cfg, &["claim"], Some(&words)),
        "no RPC endpoint answered",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn status_refuses_a_record_of_another_chain() {
    let dir = folder("other-chain");
    let cfg = config(&dir, &record(&dir, "other-2"));
    failed_with(
        &run(&cfg, &["status"], Some(&mnemonic())),
        "is for chain other-2, the config says fake-1",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn query_checks_the_contract_and_the_json_before_connecting() {
    let dir = folder("query");
    let cfg = config(&dir, &record(&dir, "fake-1"));
    let words = mnemonic();
    failed_with(
        &run(&cfg, &["query", "oracle", "{}"], Some(&words)),
        "unknown contract \"oracle\": one of topic-registry",
    );
    failed_with(
        &run(&cfg, &["query", "synthesis", "{\"config\":"], Some(&words)),
        "the query is not JSON",
    );
    // a well-formed query goes to the chain
    failed_with(
        &run(
            &cfg,
            &["query", "synthesis", "{\"config\":{}}"],
            Some(&words),
        ),
        "no RPC endpoint answered",
    );
    let _ = std::fs::remove_dir_all(&dir);
}
