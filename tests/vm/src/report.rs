//! The gas report: one row per measured operation, written as BENCHMARKS.md (and as
//! `benchmarks/vm.csv` for tools).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::chain_cost::{chain_adjusted, ChainAdjusted, BANK_SEND, SETUP_READS_PER_LOAD};
use crate::floor::Floor;
use crate::flows::{op, probe, Answer, SteadyExtras, COMMIT_REVEAL_WINDOW, STEADY_NONCES};
use crate::storage::{price, Meter, StoreCount};

/// Which phase of a topic's life a row measures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Phase {
    /// A topic's first nonces (or an operation on a fresh suite).
    #[default]
    First,
    /// The last nonce of a long run, every actor experienced.
    Steady,
    /// The same, on a commit–reveal topic under the improved rules.
    CommitReveal,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::First => "first",
            Phase::Steady => "steady",
            Phase::CommitReveal => "commit-reveal",
        }
    }
}

/// One measured operation.
#[derive(Clone, Debug)]
pub struct Row {
    pub operation: String,
    /// Active set (inferers/forecasters/reputers) where the size matters, else "-".
    pub size: String,
    pub phase: Phase,
    /// Calls the operation needs (a resumable crank split over several calls).
    pub calls: u32,
    /// Summed over all calls.
    pub meter: Meter,
    pub note: String,
    /// Bytes of the execute message's JSON.
    pub request_bytes: Option<u64>,
    /// The operation's storage floor, for the heavy operations of the steady state.
    pub floor: Option<Floor>,
}

impl Row {
    pub fn new(operation: &str, size: &str, meter: Meter) -> Self {
        Row {
            operation: operation.into(),
            size: size.into(),
            phase: Phase::First,
            calls: 1,
            meter,
            note: String::new(),
            request_bytes: None,
            floor: None,
        }
    }
    pub fn calls(mut self, n: u32) -> Self {
        self.calls = n.max(1);
        self
    }
    pub fn note(mut self, n: impl Into<String>) -> Self {
        self.note = n.into();
        self
    }
    pub fn request(mut self, bytes: u64) -> Self {
        self.request_bytes = Some(bytes);
        self
    }
    pub fn floor(mut self, f: Floor) -> Self {
        self.floor = Some(f);
        self
    }
    /// SDK gas of the largest call is what must fit a block; we report the mean per call.
    pub fn per_call(&self) -> u64 {
        self.meter.sdk_gas().div_ceil(self.calls as u64)
    }
    pub fn chain(&self) -> ChainAdjusted {
        chain_adjusted(&self.meter)
    }
    /// Bytes of key (with wasmd's prefix) and value written.
    pub fn stored_bytes(&self) -> u64 {
        self.meter.store.write_bytes
    }
    /// measured / floor.
    pub fn floor_ratio(&self) -> Option<f64> {
        self.floor
            .as_ref()
            .map(|f| self.per_call() as f64 / f.sdk_gas().max(1) as f64)
    }
}

/// Thousands separators.
/// A row's cost cells: SDK gas per call, compute, store, instances (loads), request bytes,
/// stored bytes.
fn cost_cells(r: &Row) -> String {
    let m = &r.meter;
    format!(
        "{} | {} | {} | {} ({}) | {} | {}",
        n(r.per_call()),
        n(m.vm_sdk_gas()),
        n(m.store.sdk_gas()),
        n(m.instance_sdk_gas()),
        m.instance_loads,
        opt(r.request_bytes),
        n(r.stored_bytes())
    )
}

pub fn n(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An artifact's size.
#[derive(Clone, Debug)]
pub struct Artifact {
    pub name: String,
    pub bytes: u64,
    /// `twiggy top` of its names-kept build (every item), when profiled.
    pub twiggy: Option<Vec<TwiggyItem>>,
}

/// One item of `twiggy top --format json`.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct TwiggyItem {
    pub name: String,
    pub shallow_size: u64,
}

/// twiggy's item for the name section (present only in the names-kept build).
const NAME_SECTION: &str = "\"function names\" subsection";

/// A symbol without the crate hashes of v0 mangling (`synthesis[1429..]::x` -> `synthesis::x`).
fn strip_hashes(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(i) = rest.find('[') {
        let tail = &rest[i + 1..];
        match tail.find(']') {
            Some(j) if j >= 5 && tail[..j].bytes().all(|b| b.is_ascii_hexdigit()) => {
                out.push_str(&rest[..i]);
                rest = &tail[j + 1..];
            }
            _ => {
                out.push_str(&rest[..=i]);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The crate an item's code comes from: the first path segment of its symbol (inside a
/// `<... as ...>` the implementing type's), or what twiggy calls the non-code item.
fn item_crate(name: &str) -> String {
    let s = strip_hashes(name);
    // `<&mut serde_json_wasm::de::Deserializer as …>` counts for serde_json_wasm
    let s = s
        .trim_start_matches('<')
        .trim_start_matches('&')
        .trim_start_matches("mut ");
    match s.find("::") {
        Some(i)
            if s[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            s[..i].to_string()
        }
        _ if s.starts_with("data segment") => "(data segments)".into(),
        _ => "(other: exports, tables, section headers, unnamed)".into(),
    }
}

/// "400 KB" as the issue counts it (1 KB = 1,000 bytes).
pub const ARTIFACT_LIMIT: u64 = 400_000;
/// wasmd's default `MaxWasmSize` (800 KiB, `x/wasm/types/validation.go`): a larger
/// artifact cannot be stored at all (the limit applies to the unzipped code too).
pub const UPLOAD_LIMIT: u64 = 800 * 1024;
/// The issue's target for the largest query answer a consumer needs (64 KB, 1 KB = 1,000
/// bytes).
pub const ANSWER_TARGET: u64 = 64_000;
/// cosmwasm-vm's limit on a query result (`deserialization_limits::RESULT_QUERY`): the
/// JSON of `ContractResult<Binary>` the contract returns, the answer in base64 inside it.
pub const QUERY_RESULT_LIMIT: u64 = 256 * 1024;
/// The issue's per-call budget for the largest active set that fits.
pub const CALL_BUDGET: u64 = 10_000_000;
/// The issue's bound on a heavy operation against its floor.
pub const FLOOR_TARGET: f64 = 2.0;

/// The issue's steady-state targets (SDK gas per call) at 32/6/6 and 128/24/24.
pub const TARGETS: [(&str, u64, u64); 6] = [
    (op::PAYLOAD, 120_000, 200_000),
    (op::BUNDLE, 250_000, 2_000_000),
    (op::WORKER_CLOSE, 600_000, 10_000_000),
    (op::REPUTER_CLOSE, 1_200_000, 10_000_000),
    (op::SETTLEMENT, 800_000, 2_500_000),
    (op::PAY_PER_READ, 75_000, 75_000),
];
const TARGET_SIZES: [&str; 2] = ["32/6/6", "128/24/24"];

/// The issue's target for `operation` at `size`, if it sets one.
pub fn target(operation: &str, size: &str) -> Option<u64> {
    let col = TARGET_SIZES.iter().position(|s| *s == size)?;
    TARGETS
        .iter()
        .find(|t| t.0 == operation)
        .map(|t| if col == 0 { t.1 } else { t.2 })
}

/// What the steady run at one size brought besides its rows.
#[derive(Clone, Debug, Default)]
pub struct SizeExtras {
    pub size: String,
    pub extras: SteadyExtras,
}

/// Everything BENCHMARKS.md is made of.
#[derive(Default)]
pub struct Report {
    pub first: Vec<Row>,
    pub steady: Vec<Row>,
    pub sizes: Vec<SizeExtras>,
    /// The steady rows of a commit–reveal topic under the improved rules, at one size.
    pub commit_reveal: Vec<Row>,
    pub missing: Vec<String>,
    pub artifacts: Vec<Artifact>,
    pub toolchain: String,
    pub checksums: String,
    /// The section of the previous BENCHMARKS.md between the real-chain markers (kept).
    pub real_chain: Option<String>,
    /// Sizes tried by the search for the largest active set that fits, with the reasons
    /// each does not (empty: it fits).
    pub search: Vec<(String, Vec<String>)>,
}

pub const REAL_CHAIN_BEGIN: &str = "<!-- BEGIN real-chain -->";
pub const REAL_CHAIN_END: &str = "<!-- END real-chain -->";

/// The real-chain section of a previous BENCHMARKS.md, markers included.
pub fn real_chain_section(old: &str) -> Option<String> {
    let start = old.find(REAL_CHAIN_BEGIN)?;
    let end = old[start..].find(REAL_CHAIN_END)? + start + REAL_CHAIN_END.len();
    Some(old[start..end].to_string())
}

/// The order of operations in the steady table.
const STEADY_ORDER: [&str; 11] = [
    op::PAYLOAD,
    op::BUNDLE,
    op::WORKER_CLOSE,
    op::REPUTER_CLOSE,
    op::SETTLEMENT,
    op::CLAIM,
    op::PAY_PER_READ,
    op::DAPP_READ,
    op::REGISTER_WIRED,
    op::STAKE,
    op::DELEGATE,
];

fn yes_no(ok: bool) -> &'static str {
    if ok {
        "yes"
    } else {
        "**no**"
    }
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * part as f64 / whole as f64)
    }
}

fn opt(v: Option<u64>) -> String {
    v.map_or_else(|| "-".into(), n)
}

impl Report {
    fn steady_row(&self, operation: &str, size: &str) -> Option<&Row> {
        self.steady
            .iter()
            .find(|r| r.operation == operation && r.size == size)
    }

    fn answer(&self, size: &str) -> Option<Answer> {
        self.sizes
            .iter()
            .find(|s| s.size == size)
            .and_then(|s| s.extras.answer)
    }

    /// Sizes of the steady run, in the order they ran.
    fn steady_sizes(&self) -> Vec<String> {
        self.sizes.iter().map(|s| s.size.clone()).collect()
    }

    pub fn render(&self) -> String {
        let mut o = String::new();
        self.intro(&mut o);
        self.steady_table(&mut o);
        self.targets(&mut o);
        self.answers(&mut o);
        self.breakdowns(&mut o);
        self.floor_notes(&mut o);
        self.chain_notes(&mut o);
        self.commit_reveal_table(&mut o);
        self.first_table(&mut o);
        if !self.missing.is_empty() {
            let _ = writeln!(o, "\n## Not measured\n");
            for m in &self.missing {
                let _ = writeln!(o, "- {m}");
            }
        }
        self.artifact_section(&mut o);
        if let Some(rc) = &self.real_chain {
            let _ = writeln!(o, "\n{rc}");
        }
        o
    }

    fn intro(&self, o: &mut String) {
        let _ = writeln!(o, "# Benchmarks: gas per operation in cosmwasm-vm\n");
        let _ = writeln!(
            o,
            "Generated by `scripts/bench.sh` (do not edit by hand) from the optimised artifacts of\n\
             `artifacts/` run in cosmwasm-vm 2.3.6, the VM chains embed (`tests/vm`). VM gas is\n\
             deterministic, so every figure is exact for these artifacts and inputs. The same\n\
             figures are in `benchmarks/vm.csv`.\n\n\
             **Steady state**: each active set (inferers/forecasters/reputers) runs one topic for\n\
             {STEADY_NONCES} scored nonces, every worker submitting every nonce (the forecasters, who\n\
             also infer, a forecast naming 12 inferers or all when fewer), every reputer a bundle with\n\
             every list filled, the keeper settling each epoch as it becomes due and a delegator\n\
             behind every reputer. Inferers are first scored on the 2nd nonce (the 1st has no\n\
             network loss yet); once every actor has been scored in 1/α = 10 epochs, a reputer close\n\
             sets the topic initial regret and the next nonces run the weighted path. The **last**\n\
             nonce is measured; the bench checks that every actor was scored in at least 10 epochs\n\
             before it and that it ran the weighted path. The first-nonce figures (a fresh topic)\n\
             follow in their own table.\n"
        );
        let _ = writeln!(o, "## How an operation's SDK gas is made up\n");
        let _ = writeln!(
            o,
            "- **compute** = VM gas of every contract instance the operation ran (the contract, the\n\
             \x20 contracts it called, the contracts it queried) / {} (wasmd's multiplier), rounded up.\n\
             - **store** = the Cosmos SDK's KV-store charge for every access, counted by the test's\n\
             \x20 storage wrapper: read {} + {}/byte, write {} + {}/byte, delete {}, iterator step {} + {}/byte,\n\
             \x20 bytes of key and value, the key as wasmd stores it (`0x03` + 32-byte contract address\n\
             \x20 + the contract's key, so {} bytes more than the contract sees).\n\
             - **instances** = {} per contract instance loaded (not pinned): each call, each\n\
             \x20 sub-message and each smart query between contracts loads one.\n\
             - **SDK gas** = compute + store + instances; the transaction's own costs (signature,\n\
             \x20 bytes, fees) come on top.\n\
             - **request bytes**: the execute message's JSON, the `msg` of the `MsgExecuteContract`\n\
             \x20 the sender signs. **stored bytes**: key (with wasmd's prefix) and value bytes of\n\
             \x20 every write.\n\
             - **floor**: the reads, writes and instance loads the operation cannot avoid with a\n\
             \x20 minimal state layout (stated per operation under \"Floors\"), priced by the same\n\
             \x20 model, without computation; **×floor** = SDK gas / floor.\n\
             - **chain-adjusted**: what a wasmd chain with the tx-contracts decorator (wasmd ≥ 0.54.0)\n\
             \x20 bills: compute + store, instance loads at 60,000 for the first load of a code in the\n\
             \x20 transaction and 2,000 for a later one or a reply, {} per load for wasmd's setup reads,\n\
             \x20 {} per coin moved (x/bank send), and wasmd's charge for contract events (see\n\
             \x20 \"Chain-adjusted\").\n",
            n(price::VM_GAS_PER_SDK_GAS),
            n(price::READ_FLAT),
            price::READ_PER_BYTE,
            n(price::WRITE_FLAT),
            price::WRITE_PER_BYTE,
            n(price::DELETE_FLAT),
            price::ITER_STEP_FLAT,
            price::ITER_PER_BYTE,
            price::CONTRACT_KEY_PREFIX,
            n(price::INSTANCE_LOAD),
            n(SETUP_READS_PER_LOAD),
            n(BANK_SEND),
        );
    }

    fn steady_table(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "## Steady state: the last of {STEADY_NONCES} scored nonces\n"
        );
        for s in &self.sizes {
            let _ = writeln!(
                o,
                "- {}: nonce {} of the run measured, inference path `{}` (the weighted path from nonce {}).",
                s.size,
                s.extras.nonce_ordinal,
                s.extras.path,
                s.extras
                    .weighted_from
                    .map_or_else(|| "-".into(), |n| n.to_string())
            );
        }
        let _ = writeln!(
            o,
            "\n| operation | active set | SDK gas | compute | store | instances | request bytes | stored bytes | floor | ×floor | chain-adjusted | target |\n\
             |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"
        );
        for opn in STEADY_ORDER {
            for size in self.steady_sizes() {
                let Some(r) = self.steady_row(opn, &size) else {
                    continue;
                };
                let target = match target(opn, &size) {
                    Some(t) => format!("< {} {}", n(t), yes_no(r.per_call() < t)),
                    None => String::new(),
                };
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    r.operation,
                    r.size,
                    cost_cells(r),
                    r.floor
                        .as_ref()
                        .map_or_else(|| "-".into(), |f| n(f.sdk_gas())),
                    r.floor_ratio()
                        .map_or_else(|| "-".into(), |x| format!("{x:.1}×")),
                    n(r.chain().total),
                    target
                );
            }
        }
    }

    /// The steady state of a commit–reveal topic beside the plain one of the same size.
    fn commit_reveal_table(&self, o: &mut String) {
        let Some(size) = self.commit_reveal.first().map(|r| r.size.clone()) else {
            return;
        };
        let _ = writeln!(
            o,
            "\n## Commit–reveal topic\n\n\
             The steady state again at {size}, on a topic with a reveal window of {COMMIT_REVEAL_WINDOW} blocks and the\n\
             improved rules (a new topic's default): every worker commits in the worker window and\n\
             reveals in the reveal window; the last nonce measured. Beside it, the plain topic's\n\
             figure of the same operation (reference rules, payloads in the clear).\n\n\
             | operation | SDK gas | compute | store | instances | request bytes | stored bytes | plain topic |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|"
        );
        for r in &self.commit_reveal {
            let plain_op = if r.operation == op::REVEAL {
                op::PAYLOAD
            } else {
                r.operation.as_str()
            };
            let plain = self
                .steady_row(plain_op, &size)
                .map_or_else(|| "-".into(), |p| n(p.per_call()));
            let _ = writeln!(o, "| {} | {} | {} |", r.operation, cost_cells(r), plain);
        }
    }

    fn targets(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "\n## Targets of issue 11 beside the steady state\n\n\
             | target | 32/6/6 target | 32/6/6 measured | met | 128/24/24 target | 128/24/24 measured | met |\n\
             |---|---:|---:|:---:|---:|---:|:---:|"
        );
        let cell = |opn: &str, size: &str, t: u64| -> (String, String) {
            match self.steady_row(opn, size) {
                Some(r) => (n(r.per_call()), yes_no(r.per_call() < t).into()),
                None => ("not measured".into(), "**no**".into()),
            }
        };
        for (opn, t32, t128) in TARGETS {
            let (m32, ok32) = cell(opn, TARGET_SIZES[0], t32);
            let (m128, ok128) = cell(opn, TARGET_SIZES[1], t128);
            let _ = writeln!(
                o,
                "| {opn} (SDK gas per call) | < {} | {m32} | {ok32} | < {} | {m128} | {ok128} |",
                n(t32),
                n(t128)
            );
        }
        let ans = |size: &str| match self.answer(size) {
            Some(a) => (
                format!("{} bytes", n(a.bytes)),
                yes_no(a.bytes < ANSWER_TARGET),
            ),
            None => ("not measured".into(), "**no**"),
        };
        let (a32, ok32) = ans(TARGET_SIZES[0]);
        let (a128, ok128) = ans(TARGET_SIZES[1]);
        let _ = writeln!(
            o,
            "| largest query answer (latest inference) | < 64 KB | {a32} | {ok32} | < 64 KB | {a128} | {ok128} |"
        );
        let worst = |size: &str| -> (String, &'static str) {
            let worst = self
                .steady
                .iter()
                .filter(|r| r.size == size && is_heavy(&r.operation))
                .filter_map(|r| r.floor_ratio().map(|x| (x, r.operation.clone())))
                .max_by(|a, b| a.0.total_cmp(&b.0));
            match worst {
                Some((x, opn)) => (format!("{x:.1}× ({opn})"), yes_no(x <= FLOOR_TARGET)),
                None => ("not measured".into(), "**no**"),
            }
        };
        let (w32, ok32) = worst(TARGET_SIZES[0]);
        let (w128, ok128) = worst(TARGET_SIZES[1]);
        let _ = writeln!(
            o,
            "| heavy ops vs their floor (the worst) | ≤ 2× | {w32} | {ok32} | ≤ 2× | {w128} | {ok128} |"
        );
        for a in &self.artifacts {
            let _ = writeln!(
                o,
                "| artifact `{}` < 400 KB | | | | | {} bytes | {} |",
                a.name,
                n(a.bytes),
                yes_no(a.bytes < ARTIFACT_LIMIT)
            );
        }
    }

    fn answers(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "\n## The answer a consumer needs, and the largest active set that fits\n\n\
             `LatestNetworkInference` at the end of each steady run. The VM carries a query's\n\
             answer base64-encoded inside the JSON of a `ContractResult`; cosmwasm-vm's `call_query`\n\
             refuses that result above {} bytes (256 KiB), so an answer must stay under about\n\
             {} bytes. The issue's target is 64 KB (64,000 bytes).\n\n\
             | active set | answer bytes | VM query result bytes | within the VM's limit | under 64 KB |\n\
             |---|---:|---:|:---:|:---:|",
            n(QUERY_RESULT_LIMIT),
            n(QUERY_RESULT_LIMIT / 4 * 3 - 9)
        );
        for size in self.steady_sizes() {
            match self.answer(&size) {
                Some(a) => {
                    let _ = writeln!(
                        o,
                        "| {size} | {} | {} | {} | {} |",
                        n(a.bytes),
                        n(a.result_bytes),
                        yes_no(a.result_bytes <= QUERY_RESULT_LIMIT),
                        yes_no(a.bytes < ANSWER_TARGET)
                    );
                }
                None => {
                    let _ = writeln!(o, "| {size} | not measured | | | |");
                }
            }
        }
        // The largest size whose every steady operation fits the budget and whose answer
        // fits the VM's limit: of the sizes run, then of those the search tried.
        let mut fits = vec![];
        let mut reasons = vec![];
        for size in self.steady_sizes() {
            let rows: Vec<Row> = self
                .steady
                .iter()
                .filter(|r| r.size == size)
                .cloned()
                .collect();
            let missing = self
                .sizes
                .iter()
                .find(|s| s.size == size)
                .map(|s| s.extras.missing.clone())
                .unwrap_or_default();
            let why = over_budget(&rows, self.answer(&size), &missing);
            if why.is_empty() {
                fits.push(size.clone());
            } else {
                reasons.push(format!("{size}: {}", why.join("; ")));
            }
        }
        let _ = writeln!(
            o,
            "\nLargest active set of those run whose every steady-state operation fits {} SDK gas per\n\
             call and whose answer fits the VM's query limit: **{}**.",
            n(CALL_BUDGET),
            fits.last().map_or("none", |s| s.as_str())
        );
        for r in reasons {
            let _ = writeln!(o, "- over: {r}");
        }
        if !self.search.is_empty() {
            let best = self
                .search
                .iter()
                .filter(|(_, why)| why.is_empty())
                .map(|(s, _)| s.as_str())
                .chain(fits.last().map(|s| s.as_str()))
                .max_by_key(|s| s.split('/').next().and_then(|i| i.parse::<u32>().ok()));
            let _ = writeln!(
                o,
                "\nA search between the sizes run (steady runs of the same kind, inferers in steps of\n\
                 8, forecasters = reputers = 3/16 of the inferers): largest that fits **{}**.",
                best.unwrap_or("none")
            );
            for (size, why) in &self.search {
                let verdict = if why.is_empty() {
                    "fits".to_string()
                } else {
                    format!("over: {}", why.join("; "))
                };
                let _ = writeln!(o, "- {size}: {verdict}");
            }
        }
    }

    fn breakdowns(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "\n## Where the cost goes\n\n\
             The three heaviest operations of the steady state at 32/6/6 and 128/24/24, split into\n\
             compute (by contract), instance loads and storage by record kind (the storage\n\
             namespace; synthesis's regret rows, actor score records and set members by role\n\
             or class). Probes re-run the same close on the same state with one thing changed and\n\
             are rolled back: the worker close in all-new mode (no regret-informed weights, §3–4),\n\
             the reputer close with the consensus search (§7.3) cut to no iteration and to one."
        );
        for size in TARGET_SIZES {
            for opn in [op::REPUTER_CLOSE, op::WORKER_CLOSE, op::SETTLEMENT] {
                let Some(r) = self.steady_row(opn, size) else {
                    continue;
                };
                self.breakdown(o, r);
            }
        }
    }

    fn probe(&self, size: &str, name: &str) -> Option<&Meter> {
        self.sizes
            .iter()
            .find(|s| s.size == size)?
            .extras
            .probes
            .iter()
            .find(|p| p.0 == name)
            .map(|p| &p.1)
    }

    fn breakdown(&self, o: &mut String, r: &Row) {
        let m = &r.meter;
        let total = r.per_call();
        let store = m.store.sdk_gas();
        let _ = writeln!(
            o,
            "\n### {} at {}: {} SDK gas\n\n\
             - compute {} ({}): {}\n\
             - instance loads {} ({}): {}\n\
             - storage {} ({}): reads and iterator steps {}, writes and deletes {}; {} bytes read, {} bytes written",
            r.operation,
            r.size,
            n(total),
            n(m.vm_sdk_gas()),
            pct(m.vm_sdk_gas(), total),
            m.vm_by_code
                .iter()
                .map(|(c, g)| format!("{c} {}", n(g.div_ceil(price::VM_GAS_PER_SDK_GAS))))
                .collect::<Vec<_>>()
                .join(", "),
            n(m.instance_sdk_gas()),
            pct(m.instance_sdk_gas(), total),
            loads_summary(m),
            n(store),
            pct(store, total),
            n(m.store.read_gas()),
            n(m.store.write_gas()),
            n(m.store.read_bytes + m.store.iter_bytes),
            n(m.store.write_bytes),
        );
        let ca = r.chain();
        let _ = writeln!(
            o,
            "- chain-adjusted {}: instances {}, setup reads {}, bank sends {} ({}), events {}",
            n(ca.total),
            n(ca.instances),
            n(ca.setup_reads),
            n(ca.bank),
            m.bank_sends,
            n(ca.events)
        );
        let vm = |p: &Meter| p.vm_sdk_gas();
        if r.operation == op::WORKER_CLOSE {
            if let Some(p) = self.probe(&r.size, probe::WORKER_ALL_NEW) {
                let _ = writeln!(
                    o,
                    "- maths: regret-informed weights (§3, and the weighted forecast-implied inferences of \
                     §4) cost about {} of compute (this close {} − the all-new probe {}); the rest of the \
                     compute ({}) is decoding the payloads and regret rows, the unweighted variants, error \
                     bars and encoding the record",
                    n(vm(m).saturating_sub(vm(p))),
                    n(vm(m)),
                    n(vm(p)),
                    n(vm(p))
                );
            }
        }
        if r.operation == op::REPUTER_CLOSE {
            if let (Some(p1), Some(p2)) = (
                self.probe(&r.size, probe::REPUTER_ITERS_1),
                self.probe(&r.size, probe::REPUTER_ITERS_2),
            ) {
                // every iteration costs about the same (R + 1 passes at new coefficients):
                // the close without the search is the 1-iteration probe less one iteration
                let per_iter = vm(p2).saturating_sub(vm(p1));
                let without = vm(p1).saturating_sub(per_iter);
                let search = vm(m).saturating_sub(without);
                let iters = if per_iter == 0 {
                    String::new()
                } else {
                    format!(
                        ", about {:.1} iterations of {} each (the probe with 2 iterations {} − with 1 {})",
                        search as f64 / per_iter as f64,
                        n(per_iter),
                        n(vm(p2)),
                        n(vm(p1))
                    )
                };
                let _ = writeln!(
                    o,
                    "- maths: the listening-coefficient search (§7.3; each iteration runs R+1 consensus \
                     passes) costs {} of this close's {} compute ({}){iters}; the rest ({}: the \
                     1-iteration probe less one iteration) is the first consensus pass, network \
                     losses, regret updates, scores, EMAs and decoding and encoding the records",
                    n(search),
                    n(vm(m)),
                    pct(search, vm(m)),
                    n(without)
                );
            }
        }
        let _ = writeln!(
            o,
            "\n| contract | record kind | reads | read bytes | writes | write bytes | iter steps | iter bytes | deletes | SDK gas | share |\n\
             |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        let mut kinds: Vec<(&(String, String), &StoreCount)> = m.by_kind.iter().collect();
        kinds.sort_by_key(|(k, c)| (std::cmp::Reverse(c.sdk_gas()), (*k).clone()));
        for ((code, kind), c) in kinds {
            let _ = writeln!(
                o,
                "| {code} | `{kind}` | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                c.reads,
                n(c.read_bytes),
                c.writes,
                n(c.write_bytes),
                c.iter_steps,
                n(c.iter_bytes),
                c.deletes,
                n(c.sdk_gas()),
                pct(c.sdk_gas(), total)
            );
        }
    }

    fn floor_notes(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "\n## Floors\n\n\
             Each floor assumes a minimal layout: numbers as 9-byte values (a raw fixed-point value\n\
             below 4.6 as a zigzag varint, as the compact records write them), ids as 4 bytes, owners\n\
             as 32-byte addresses, a list's ids implied by the nonce's sorted id list (9 bytes per\n\
             value), keys of a 1-byte namespace + topic [+ nonce] [+ actor or address] [+ table\n\
             tag]; synthesis holding copies of the registrations (as today) and of the reputers' stakes\n\
             (pushed by staking the same way), so a submission loads synthesis alone; only the named\n\
             one-out forecast-implied pairs (forecasters × min(12, inferers)); every regret table of\n\
             MATH.md §6.2 kept whole (each entry is re-blended every epoch, so a reputer close reads\n\
             and rewrites all of them) in one record, the actors' own regrets at 9 bytes and each\n\
             pair-table entry at 1 byte (its residue when predicted exactly, as synthesis's hot regret\n\
             record writes it). Computation is not part of a floor. Per operation:\n"
        );
        let mut seen = BTreeMap::new();
        for r in &self.steady {
            if let Some(f) = &r.floor {
                seen.entry(r.operation.clone())
                    .or_insert_with(|| f.layout.clone());
            }
        }
        for opn in STEADY_ORDER {
            if let Some(layout) = seen.get(opn) {
                let _ = writeln!(o, "- **{opn}**: {layout}.");
            }
        }
    }

    fn chain_notes(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "\n## Chain-adjusted\n\n\
             - Instance loads: wasmd charges `DefaultInstanceCost` (60,000) to load a contract that is\n\
             \x20 not pinned, and `DefaultInstanceCostDiscount` (2,000) for a reply and, from **wasmd\n\
             \x20 v0.54.0** on (CosmWasm/wasmd#1987, \"Handle discount in setup costs for in memory cache\n\
             \x20 contracts\"; not in v0.53.x), for a code already loaded in the same transaction when the\n\
             \x20 chain's ante handler includes `NewTxContractsDecorator`. On older wasmd, or a chain\n\
             \x20 without the decorator, every load costs 60,000, as in the SDK gas column; a pinned code\n\
             \x20 costs 2,000 everywhere.\n\
             - Setup reads ({} per load): wasmd's `contractInstance` reads the contract info (~170\n\
             \x20 bytes) and the code info (~105 bytes) and `IsPinnedCode` makes a `Has`, priced by the\n\
             \x20 SDK's KV store.\n\
             - Bank sends ({} per coin): x/bank `SendCoins` of Cosmos SDK 0.50 — send-enabled `Has` and\n\
             \x20 params read, the sender's account, balance read and write and denom-index `Has`, the\n\
             \x20 recipient's account `Has`, balance read and write and index `Has` — for the funds of\n\
             \x20 every execute and every `BankMsg::Send`.\n\
             - Events: wasmd's `EventCosts` per contract response — 10 per attribute, 1 per byte of\n\
             \x20 key and value beyond 100 free bytes per response, 20 + 1 per byte of type per custom\n\
             \x20 event; a reply also pays for the events handed back to it.\n\
             - Left out as in the SDK gas column: the transaction's signature, bytes and fee.",
            n(SETUP_READS_PER_LOAD),
            n(BANK_SEND)
        );
    }

    fn first_table(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "\n## First nonce: a fresh topic (and operations on a fresh suite)\n\n\
             Measured on a topic's first nonce (the `NoLossYet` path: no one-out values, no regrets,\n\
             no scores) over 3 nonces, the settlement on its first rewarded epoch — the cheapest\n\
             epoch a topic ever has. *reads/writes* count the accesses behind **store**;\n\
             **compute %** is compute relative to store.\n"
        );
        let _ = writeln!(
            o,
            "| operation | active set | calls | VM gas | compute | reads | writes | deletes | iter steps | store | instances | total SDK gas | per call | compute % |"
        );
        let _ = writeln!(
            o,
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for r in &self.first {
            let m = &r.meter;
            let store = m.store.sdk_gas();
            let _ = writeln!(
                o,
                "| {}{} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} ({}) | {} | {} | {} |",
                r.operation,
                if r.note.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", r.note)
                },
                r.size,
                r.calls,
                n(m.vm_gas),
                n(m.vm_sdk_gas()),
                m.store.reads,
                m.store.writes,
                m.store.deletes,
                m.store.iter_steps,
                n(store),
                n(m.instance_sdk_gas()),
                m.instance_loads,
                n(m.sdk_gas()),
                n(r.per_call()),
                pct(m.vm_sdk_gas(), store),
            );
        }
    }

    fn artifact_section(&self, o: &mut String) {
        let _ = writeln!(o, "\n## Artifacts\n");
        let _ = writeln!(
            o,
            "| artifact | bytes | under 400 KB | room under wasmd's upload limit ({} bytes) |\n\
             |---|---:|:---:|---:|",
            n(UPLOAD_LIMIT)
        );
        for a in &self.artifacts {
            let _ = writeln!(
                o,
                "| `{}.wasm` | {} | {} | {} |",
                a.name,
                n(a.bytes),
                yes_no(a.bytes < ARTIFACT_LIMIT),
                n(UPLOAD_LIMIT.saturating_sub(a.bytes))
            );
        }
        for a in &self.artifacts {
            if let Some(items) = &a.twiggy {
                twiggy_section(o, a, items);
            }
        }
        let _ = writeln!(
            o,
            "\nBuilt by `scripts/build-wasm.sh` with:\n\n```\n{}```\n",
            self.toolchain
        );
        let _ = writeln!(
            o,
            "Checksums (`artifacts/checksums.txt`):\n\n```\n{}```",
            self.checksums
        );
    }

    /// The figures as CSV: one line per row, both phases.
    pub fn csv(&self) -> String {
        let mut o = String::from(
            "operation,size,phase,sdk_gas,compute,store,instance,request_bytes,stored_bytes,floor,chain_adjusted\n",
        );
        for r in self
            .first
            .iter()
            .chain(&self.steady)
            .chain(&self.commit_reveal)
        {
            let m = &r.meter;
            let _ = writeln!(
                o,
                "{},{},{},{},{},{},{},{},{},{},{}",
                csv_field(&r.operation),
                csv_field(&r.size),
                r.phase.name(),
                r.per_call(),
                m.vm_sdk_gas(),
                m.store.sdk_gas(),
                m.instance_sdk_gas(),
                r.request_bytes.map_or_else(String::new, |b| b.to_string()),
                r.stored_bytes(),
                r.floor
                    .as_ref()
                    .map_or_else(String::new, |f| f.sdk_gas().to_string()),
                r.chain().total
            );
        }
        o
    }
}

/// Why an active set does not fit: steady-state operations over [`CALL_BUDGET`] per call,
/// an answer over the VM's query limit, operations that could not be measured. Empty when
/// it fits.
pub fn over_budget(steady: &[Row], answer: Option<Answer>, missing: &[String]) -> Vec<String> {
    let mut why: Vec<String> = steady
        .iter()
        .filter(|r| r.per_call() > CALL_BUDGET)
        .map(|r| format!("{} {}", r.operation, n(r.per_call())))
        .collect();
    if !answer.is_some_and(|a| a.result_bytes <= QUERY_RESULT_LIMIT) {
        why.push(match answer {
            Some(a) => format!(
                "the latest-inference answer ({} bytes) exceeds the VM's query limit",
                n(a.bytes)
            ),
            None => "the latest-inference answer was not measured".into(),
        });
    }
    if !missing.is_empty() {
        why.push(format!("not measured: {}", missing.join("; ")));
    }
    why
}

/// The operations whose floor the issue bounds.
fn is_heavy(operation: &str) -> bool {
    [
        op::PAYLOAD,
        op::BUNDLE,
        op::WORKER_CLOSE,
        op::REPUTER_CLOSE,
        op::SETTLEMENT,
    ]
    .contains(&operation)
}

/// `twiggy top` of one artifact: its largest items and its bytes by crate, the name
/// section of the profiled build left out.
fn twiggy_section(o: &mut String, a: &Artifact, items: &[TwiggyItem]) {
    let total: u64 = items.iter().map(|i| i.shallow_size).sum();
    let names: u64 = items
        .iter()
        .filter(|i| i.name == NAME_SECTION)
        .map(|i| i.shallow_size)
        .sum();
    let code = total - names;
    let _ = writeln!(
        o,
        "\n### `twiggy top` of `{}.wasm`\n\n\
         The same sources built with `build-wasm.sh`'s flags but the name section kept (no `-s`,\n\
         `wasm-opt -Oz -g`): {} bytes, of which the name section {}; without it {} bytes (the\n\
         artifact: {}). Shares are of the latter; crate hashes left out of the names.\n\n\
         | bytes | share | item |\n|---:|---:|---|",
        a.name,
        n(total),
        n(names),
        n(code),
        n(a.bytes)
    );
    let mut sorted: Vec<&TwiggyItem> = items.iter().filter(|i| i.name != NAME_SECTION).collect();
    sorted.sort_by_key(|i| (std::cmp::Reverse(i.shallow_size), i.name.clone()));
    for i in sorted.iter().take(20) {
        let mut name = strip_hashes(&i.name);
        if name.chars().count() > 140 {
            name = name.chars().take(137).collect::<String>() + "...";
        }
        let _ = writeln!(
            o,
            "| {} | {} | `{}` |",
            n(i.shallow_size),
            pct(i.shallow_size, code),
            name.replace('|', "\\|").replace('`', "'")
        );
    }
    let mut crates: BTreeMap<String, u64> = BTreeMap::new();
    for i in items.iter().filter(|i| i.name != NAME_SECTION) {
        *crates.entry(item_crate(&i.name)).or_default() += i.shallow_size;
    }
    let mut crates: Vec<(String, u64)> = crates.into_iter().collect();
    crates.sort_by_key(|(c, b)| (std::cmp::Reverse(*b), c.clone()));
    let _ = writeln!(
        o,
        "\nBy crate (an item counts for the crate that names it; generic code instantiated for\n\
         another crate's types counts for the generic's crate):\n\n| crate | bytes | share |\n|---|---:|---:|"
    );
    for (c, b) in crates {
        let _ = writeln!(o, "| {c} | {} | {} |", n(b), pct(b, code));
    }
}

/// "synthesis (call), staking (query) ×2, ..." in load order, repeats counted.
fn loads_summary(m: &Meter) -> String {
    let mut out: Vec<(String, u32)> = vec![];
    for l in &m.loads {
        let name = format!("{} ({})", l.code, format!("{:?}", l.kind).to_lowercase());
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, c)) => *c += 1,
            None => out.push((name, 1)),
        }
    }
    out.into_iter()
        .map(|(n, c)| if c > 1 { format!("{n} ×{c}") } else { n })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A CSV field, quoted when it holds a comma or a quote.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_chain_section_is_kept_and_csv_fields_are_quoted() {
        let old = format!("# x\n\n{REAL_CHAIN_BEGIN}\nreal gas\n{REAL_CHAIN_END}\nafter\n");
        assert_eq!(
            real_chain_section(&old).unwrap(),
            format!("{REAL_CHAIN_BEGIN}\nreal gas\n{REAL_CHAIN_END}")
        );
        assert_eq!(real_chain_section("# x\n"), None);
        let r = Report {
            real_chain: real_chain_section(&old),
            ..Report::default()
        };
        assert!(r.render().contains("real gas"));
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("ab"), "ab");
        assert_eq!(target(op::SETTLEMENT, "128/24/24"), Some(2_500_000));
        assert_eq!(target(op::SETTLEMENT, "8/2/2"), None);
    }

    #[test]
    fn twiggy_names_lose_their_hashes_and_find_their_crate() {
        let name = "<synthesis[142974ede6b4ab7a]::contract::execute as core[bf12a1b0476c2ba0]::ops::FnOnce<([u8; 4], [f64], b)>>::call_once";
        assert_eq!(
            strip_hashes(name),
            "<synthesis::contract::execute as core::ops::FnOnce<([u8; 4], [f64], b)>>::call_once"
        );
        assert_eq!(item_crate(name), "synthesis");
        assert_eq!(
            item_crate("nous_math[981d1c6e3]::consensus::x"),
            "nous_math"
        );
        assert_eq!(
            item_crate("<&mut serde_json_wasm[1a2b3c4d5e]::de::Deserializer as serde_core[6f7a8b9c0d]::de::Deserializer>::deserialize_map::<x>"),
            "serde_json_wasm"
        );
        assert_eq!(item_crate("data segment \".rodata.9\""), "(data segments)");
        assert_eq!(
            item_crate("query"),
            "(other: exports, tables, section headers, unnamed)"
        );
    }
}
