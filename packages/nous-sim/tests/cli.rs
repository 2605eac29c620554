//! The command line as a user runs it: `--set` overrides reach the run (and a wrong path
//! is refused before anything runs), `--seeds` writes one folder per seed and the averaged
//! scorecard, whose every key appears once with each seed's value; commit–reveal set alone
//! is measured beside the presets.

use std::path::PathBuf;
use std::process::Command;

fn out_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("nous-sim-cli-{name}-{}", std::process::id()))
}

fn sim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nous-sim"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("nous-sim runs")
}

const KEYS: [&str; 7] = [
    "net_minus_naive",
    "crash_net_minus_mean",
    "clones_over_one_identity",
    "copycat_over_source",
    "malicious_listening",
    "malicious_reward_per_token_vs_honest",
    "lazy_reward_per_token_vs_honest",
];

#[test]
fn seeds_write_one_folder_each_and_the_averaged_scorecard() {
    let out = out_dir("seeds");
    let o = sim(&[
        "-q",
        "--epochs",
        "16",
        "--seeds",
        "3..4",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let card = std::fs::read_to_string(out.join("scorecard.txt")).expect("scorecard.txt");
    assert!(
        card.starts_with("scorecard, mean over seeds 3, 4"),
        "{card}"
    );
    assert!(
        card.lines()
            .next()
            .unwrap_or("")
            .ends_with("key = reference | improved"),
        "{card}"
    );
    let mut differs = false;
    for key in KEYS {
        let line = card
            .lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("{key} missing:\n{card}"));
        // one column per rules preset, each a mean and both seeds' values
        let columns: Vec<&str> = line
            .trim_start_matches(&format!("{key} = "))
            .split(" | ")
            .collect();
        assert_eq!(columns.len(), 2, "{line}");
        for c in &columns {
            let seeds = c.split('[').nth(1).expect("per-seed values");
            assert_eq!(seeds.matches(',').count(), 1, "{line}");
        }
        differs |= columns[0] != columns[1];
    }
    // the improved column is a run of its own, not a copy of the reference's
    assert!(differs, "{card}");
    for seed in [3, 4] {
        let report = std::fs::read_to_string(out.join(format!("seed-{seed}/report.txt")))
            .expect("report of the seed");
        assert!(report.contains(&format!("seed {seed},")), "{report}");
        assert!(report.contains("4. SCORECARD"), "{report}");
    }
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn set_overrides_reach_the_run_and_a_wrong_path_is_refused() {
    let out = out_dir("set");
    let o = sim(&[
        "-q",
        "--epochs",
        "8",
        "--set",
        "name=overridden",
        "--set",
        "topics.1.reads_per_epoch=0",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = std::fs::read_to_string(out.join("report.txt")).expect("report");
    assert!(
        report.starts_with("nous-sim — scenario \"overridden\""),
        "{report}"
    );
    // topic 2's dApp reads once an epoch by default; the override stopped it
    let topic2 = report
        .lines()
        .find(|l| l.trim_start().starts_with("topic 2: final weight"))
        .expect("topic 2's line");
    assert!(topic2.ends_with(", 0 paid reads"), "{topic2}");
    let _ = std::fs::remove_dir_all(out);

    for (bad, says) in [
        ("no_such_table.x=1", "no `no_such_table` in the scenario"),
        ("chain.bogus=1", "unknown field `bogus`"),
        ("reputers.nobody.stake=1", "no element `nobody` in the list"),
    ] {
        let o = sim(&["-q", "--epochs", "8", "--set", bad]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{bad} was accepted");
        assert!(err.contains(says), "{bad}: {err}");
    }
}

#[test]
fn commit_reveal_alone_is_an_ablation_beside_the_presets_and_must_fit_the_epoch() {
    let out = out_dir("reveal");
    let o = sim(&[
        "-q",
        "--epochs",
        "8",
        "--set",
        "reveal_window=2",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = std::fs::read_to_string(out.join("report.txt")).expect("report");
    assert!(
        report.contains("\npayloads: commit–reveal (committed in the worker window, revealed in the 2 blocks after it)\n"),
        "{report}"
    );
    // reference rules with commit–reveal is neither preset: its own column comes first
    assert!(
        report.contains("4. SCORECARD (key = this run | reference | improved;"),
        "{report}"
    );
    assert!(
        report.contains("improved = improved rules, commit–reveal (2-block reveal window)"),
        "{report}"
    );
    let _ = std::fs::remove_dir_all(out);

    let o = sim(&["-q", "--epochs", "8", "--set", "topics.0.reveal_window=9"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "a 9-block reveal window was accepted");
    assert!(
        err.contains("reveal_window 9 does not fit the epoch: worker_window (4) + reveal_window must be at most epoch_length (12)"),
        "{err}"
    );
}
