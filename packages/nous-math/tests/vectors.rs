//! Verification against the simulator vectors (`vectors/` at the repository root, or the
//! directory named by `ALLORA_VECTORS_DIR`). Every CSV file of the directory
//! is read; each is recognised by its columns (synthesis, tokenomics,
//! sortition) and every derived column its README lists is checked, per step
//! (fed the simulator's own upstream columns) and end to end (raw inputs plus
//! the previous rows' state, carried forward from our own results), on every
//! row whose needed history is in the file. Nothing depends on epoch numbers
//! or row counts. Floats appear only here, to compare.

use std::collections::{BTreeMap, BTreeSet};

use nous_math::sorted_map::SortedMap;
use std::path::PathBuf;

use nous_math::consensus::listening_coefficients;
use nous_math::emission::{self, MonthState, MonthlyModel};
use nous_math::epoch::{reward_epoch, scored_loss_epoch, EmaInputs, RewardState};
use nous_math::forecast::Forecast;
use nous_math::inference::{one_out_implied, synthesize};
use nous_math::losses::{network_losses, NetworkLosses, ReputerLosses, ReputerReport};
use nous_math::regrets::{update_regrets, RegretState};
use nous_math::rewards::{
    class_reward_split, forecasting_utility, reputer_reward_fractions, score_sample,
    smoothed_entropy, utility_from_ratio, worker_reward_fractions,
};
use nous_math::scores::{forecaster_scores, forecasting_task_score, inferer_scores};
use nous_math::sortition::{ranks, sortition_epoch};
use nous_math::topic::topic_reward_share;
use nous_math::{Fixed, Params};

const TOLERANCE: f64 = 1e-9;

type Row = BTreeMap<String, String>;

struct Csv {
    name: String,
    header: Vec<String>,
    rows: Vec<Row>,
}

fn vectors_dir() -> PathBuf {
    match std::env::var("ALLORA_VECTORS_DIR") {
        Ok(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../vectors"),
    }
}

fn load(path: &std::path::Path) -> Csv {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(|s| s.trim().to_string())
        .collect();
    let rows = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{}: ragged row", path.display());
            header
                .iter()
                .cloned()
                .zip(cells.iter().map(|c| c.trim().to_string()))
                .collect()
        })
        .collect();
    Csv {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        header,
        rows,
    }
}

fn fx(row: &Row, col: &str) -> Option<Fixed> {
    row.get(col)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap_or_else(|e| panic!("{col}={s}: {e:?}")))
}
fn req(row: &Row, col: &str) -> Fixed {
    fx(row, col).unwrap_or_else(|| panic!("missing column {col}"))
}
fn to_f64(x: Fixed) -> f64 {
    x.to_string().parse().unwrap()
}
/// A decimal amount of whole tokens in base units (10^18 per token).
fn base_units(row: &Row, col: &str) -> u128 {
    req(row, col).to_base_units().unwrap()
}

/// Max relative error per quantity group.
#[derive(Default)]
struct Report {
    groups: BTreeMap<String, Group>,
    exact_failures: Vec<String>,
}
#[derive(Default)]
struct Group {
    rows: BTreeSet<(String, usize)>,
    values: usize,
    max_err: f64,
    worst: String,
}

impl Report {
    /// Relative error `|ours − sim| / max(|sim|, scale)`; `scale` is 0 for a
    /// plain relative error (absolute error when the simulator's value is 0).
    #[allow(clippy::too_many_arguments)]
    fn check_scaled(
        &mut self,
        group: &str,
        file: &str,
        row: usize,
        col: &str,
        ours: Fixed,
        sim: &str,
        scale: f64,
    ) {
        let s: f64 = sim
            .parse()
            .unwrap_or_else(|_| panic!("{col}: not a number: {sim}"));
        let o = to_f64(ours);
        let denom = s.abs().max(scale);
        let err = if denom == 0.0 {
            (o - s).abs()
        } else {
            (o - s).abs() / denom
        };
        let g = self.groups.entry(group.to_string()).or_default();
        g.rows.insert((file.to_string(), row));
        g.values += 1;
        if err > g.max_err || g.worst.is_empty() {
            g.max_err = g.max_err.max(err);
            if err >= g.max_err {
                g.worst = format!("{file} row {row} {col}: ours {ours} sim {sim}");
            }
        }
    }
    fn check(&mut self, group: &str, file: &str, row: usize, col: &str, ours: Fixed, sim: &str) {
        self.check_scaled(group, file, row, col, ours, sim, 0.0)
    }
    /// Compare every `(column, value)` we produced with the row, if the row has it.
    fn check_cols(
        &mut self,
        group: &str,
        file: &str,
        row_idx: usize,
        row: &Row,
        cols: &[(String, Fixed)],
    ) {
        for (c, v) in cols {
            let sim = row
                .get(c)
                .unwrap_or_else(|| panic!("{file}: expected column {c}"));
            if !sim.is_empty() {
                self.check(group, file, row_idx, c, *v, sim);
            }
        }
    }
    fn exact(&mut self, group: &str, file: &str, row: usize, col: &str, ok: bool, detail: String) {
        let g = self.groups.entry(group.to_string()).or_default();
        g.rows.insert((file.to_string(), row));
        g.values += 1;
        if !ok {
            g.max_err = f64::INFINITY;
            self.exact_failures
                .push(format!("{file} row {row} {col}: {detail}"));
        }
    }
}

// ---------------------------------------------------------------------------
// synthesis_epochs.csv
// ---------------------------------------------------------------------------

struct Shape {
    ni: u32,
    nk: u32,
    nm: u32,
}

fn count(header: &[String], f: impl Fn(u32) -> String) -> u32 {
    (0..).take_while(|i| header.contains(&f(*i))).count() as u32
}

fn shape(header: &[String]) -> Shape {
    Shape {
        ni: count(header, |j| format!("inference_{j}")),
        nk: count(header, |k| format!("forecast_implied_inference_{k}")),
        nm: count(header, |m| format!("reputer_stake_{m}")),
    }
}

fn inferences(sh: &Shape, row: &Row) -> SortedMap<u32, Fixed> {
    (0..sh.ni)
        .filter_map(|j| fx(row, &format!("inference_{j}")).map(|v| (j, v)))
        .collect()
}

fn forecasts(sh: &Shape, row: &Row) -> SortedMap<u32, Forecast> {
    (0..sh.nk)
        .map(|k| {
            (
                k,
                (0..sh.ni)
                    .filter_map(|j| {
                        fx(row, &format!("forecasted_loss_{k}_for_{j}")).map(|v| (j, v))
                    })
                    .collect(),
            )
        })
        .collect()
}

fn stakes(sh: &Shape, row: &Row) -> SortedMap<u32, u128> {
    (0..sh.nm)
        .map(|m| (m, base_units(row, &format!("reputer_stake_{m}"))))
        .collect()
}

fn reports(sh: &Shape, row: &Row) -> SortedMap<u32, ReputerReport> {
    let st = stakes(sh, row);
    (0..sh.nm)
        .map(|m| {
            let g = |x: String| fx(row, &format!("reputer_{m}_loss_{x}"));
            let mut l = ReputerLosses {
                combined: g("network_inference".into()),
                naive: g("naive_network_inference".into()),
                ..Default::default()
            };
            for j in 0..sh.ni {
                if let Some(v) = g(format!("inference_{j}")) {
                    l.inferer.insert(j, v);
                }
                if let Some(v) = g(format!("network_inference_oneout_{j}")) {
                    l.one_out_inferer.insert(j, v);
                }
            }
            for k in 0..sh.nk {
                if let Some(v) = g(format!("forecast_implied_inference_{k}")) {
                    l.forecaster.insert(k, v);
                }
                if let Some(v) = g(format!("network_inference_oneout_{}", sh.ni + k)) {
                    l.one_out_forecaster.insert(k, v);
                }
                if let Some(v) = g(format!("naive_network_inference_onein_{k}")) {
                    l.one_in.insert(k, v);
                }
                for j in 0..sh.ni {
                    if let Some(v) = g(format!("forecast_implied_inference_{k}_oneout_{j}")) {
                        l.one_out_inferer_forecaster.insert((k, j), v);
                    }
                }
            }
            (
                m,
                ReputerReport {
                    stake: st[&m],
                    losses: l,
                },
            )
        })
        .collect()
}

fn file_losses(sh: &Shape, row: &Row) -> NetworkLosses {
    let mut l = NetworkLosses {
        combined: req(row, "network_loss"),
        naive: req(row, "network_naive_loss"),
        ..Default::default()
    };
    for j in 0..sh.ni {
        l.inferer
            .insert(j, req(row, &format!("inference_loss_{j}")));
        l.one_out_inferer
            .insert(j, req(row, &format!("network_loss_oneout_{j}")));
    }
    for k in 0..sh.nk {
        l.forecaster
            .insert(k, req(row, &format!("forecast_implied_inference_loss_{k}")));
        l.one_out_forecaster
            .insert(k, req(row, &format!("network_loss_oneout_{}", sh.ni + k)));
        l.one_in
            .insert(k, req(row, &format!("network_naive_loss_onein_{k}")));
        for j in 0..sh.ni {
            l.one_out_inferer_forecaster.insert(
                (k, j),
                req(
                    row,
                    &format!("forecast_implied_inference_loss_{k}_oneout_{j}"),
                ),
            );
        }
    }
    l
}

fn loss_cols(sh: &Shape, l: &NetworkLosses) -> Vec<(String, Fixed)> {
    let mut v = vec![
        ("network_loss".to_string(), l.combined),
        ("network_naive_loss".to_string(), l.naive),
    ];
    for (j, x) in &l.inferer {
        v.push((format!("inference_loss_{j}"), *x));
    }
    for (j, x) in &l.one_out_inferer {
        v.push((format!("network_loss_oneout_{j}"), *x));
    }
    for (k, x) in &l.forecaster {
        v.push((format!("forecast_implied_inference_loss_{k}"), *x));
    }
    for (k, x) in &l.one_out_forecaster {
        v.push((format!("network_loss_oneout_{}", sh.ni + k), *x));
    }
    for (k, x) in &l.one_in {
        v.push((format!("network_naive_loss_onein_{k}"), *x));
    }
    for ((k, j), x) in &l.one_out_inferer_forecaster {
        v.push((
            format!("forecast_implied_inference_loss_{k}_oneout_{j}"),
            *x,
        ));
    }
    v
}

/// The topic is established in the vectors (initial regret ≠ 0) and every
/// regret is listed, so the initial regret is never read; any non-zero value
/// keeps the all-new mode off.
fn file_regrets(sh: &Shape, row: &Row) -> RegretState {
    let mut r = RegretState {
        initial: Fixed::ONE,
        ..Default::default()
    };
    let ni = sh.ni;
    for j in 0..ni {
        r.inferer
            .insert(j, req(row, &format!("inference_regret_worker_{j}")));
        r.naive
            .insert(j, req(row, &format!("naive_inference_regret_worker_{j}")));
    }
    for k in 0..sh.nk {
        r.forecaster
            .insert(k, req(row, &format!("inference_regret_worker_{}", ni + k)));
        r.one_in_self.insert(
            k,
            req(row, &format!("inference_regret_worker_{ni}_onein_{k}")),
        );
        for j in 0..ni {
            r.one_in_inferer.insert(
                (k, j),
                req(row, &format!("inference_regret_worker_{j}_onein_{k}")),
            );
        }
    }
    for o in 0..ni + sh.nk {
        for w in 0..ni + sh.nk {
            let v = req(row, &format!("inference_regret_worker_{w}_oneout_{o}"));
            match (o < ni, w < ni) {
                (true, true) => r.one_out_inferer_inferer.insert((o, w), v),
                (true, false) => r.one_out_inferer_forecaster.insert((o, w - ni), v),
                (false, true) => r.one_out_forecaster_inferer.insert((o - ni, w), v),
                (false, false) => r.one_out_forecaster_forecaster.insert((o - ni, w - ni), v),
            };
        }
    }
    r
}

fn regret_cols(sh: &Shape, r: &RegretState) -> Vec<(String, Fixed)> {
    let ni = sh.ni;
    let mut v = Vec::new();
    for (j, x) in &r.inferer {
        v.push((format!("inference_regret_worker_{j}"), *x));
    }
    for (k, x) in &r.forecaster {
        v.push((format!("inference_regret_worker_{}", ni + k), *x));
    }
    for (j, x) in &r.naive {
        v.push((format!("naive_inference_regret_worker_{j}"), *x));
    }
    for ((o, w), x) in &r.one_out_inferer_inferer {
        v.push((format!("inference_regret_worker_{w}_oneout_{o}"), *x));
    }
    for ((o, k), x) in &r.one_out_inferer_forecaster {
        v.push((format!("inference_regret_worker_{}_oneout_{o}", ni + k), *x));
    }
    for ((o, j), x) in &r.one_out_forecaster_inferer {
        v.push((format!("inference_regret_worker_{j}_oneout_{}", ni + o), *x));
    }
    for ((o, k), x) in &r.one_out_forecaster_forecaster {
        v.push((
            format!("inference_regret_worker_{}_oneout_{}", ni + k, ni + o),
            *x,
        ));
    }
    for ((k, j), x) in &r.one_in_inferer {
        v.push((format!("inference_regret_worker_{j}_onein_{k}"), *x));
    }
    for (k, x) in &r.one_in_self {
        v.push((format!("inference_regret_worker_{ni}_onein_{k}"), *x));
    }
    v
}

fn id_map(row: &Row, prefix: &str, n: u32) -> SortedMap<u32, Fixed> {
    (0..n)
        .filter_map(|i| fx(row, &format!("{prefix}{i}")).map(|v| (i, v)))
        .collect()
}
fn named(prefix: &str, m: &SortedMap<u32, Fixed>) -> Vec<(String, Fixed)> {
    m.iter()
        .map(|(i, v)| (format!("{prefix}{i}"), *v))
        .collect()
}

/// State an epoch reads from the previous one.
#[derive(Clone)]
struct SynState {
    regrets: RegretState,
    network_loss: Fixed,
    coefficients: SortedMap<u32, Fixed>,
    smooth_inferer: SortedMap<u32, Fixed>,
    smooth_forecaster: SortedMap<u32, Fixed>,
    smooth_reputer: SortedMap<u32, Fixed>,
    ratio: Fixed,
}

fn file_state(sh: &Shape, row: &Row) -> SynState {
    SynState {
        regrets: file_regrets(sh, row),
        network_loss: req(row, "network_loss"),
        coefficients: id_map(row, "reputer_listening_coefficient_", sh.nm),
        smooth_inferer: id_map(row, "inferer_reward_fraction_smooth_", sh.ni),
        smooth_forecaster: id_map(row, "forecaster_reward_fraction_smooth_", sh.nk),
        smooth_reputer: id_map(row, "reputer_reward_fraction_smooth_", sh.nm),
        ratio: req(row, "forecaster_score_ratio"),
    }
}

fn synthesis_cols(sh: &Shape, row: &Row, state: &SynState, p: &Params) -> Vec<(String, Fixed)> {
    let inf = inferences(sh, row);
    let fc = forecasts(sh, row);
    let out =
        synthesize(&inf, &fc, Some(state.network_loss), &state.regrets, p).expect("synthesize");
    let mut v = vec![
        ("network_inference".to_string(), out.combined),
        ("network_naive_inference".to_string(), out.naive),
    ];
    v.extend(named("forecast_implied_inference_", &out.forecast_implied));
    // only the pairs a forecaster named are recomputed; every other pair reads I_k
    for (k, j) in out.forecast_implied_one_out.keys() {
        assert!(
            fc.get(k).is_some_and(|f| f.iter().any(|(i, _)| i == j)),
            "one-out value kept for the unnamed pair ({k}, {j})"
        );
    }
    for k in out.forecast_implied.keys() {
        for j in inf.keys() {
            let x = one_out_implied(&out, *k, *j).expect("a one-out value");
            v.push((format!("forecast_implied_inference_{k}_oneout_{j}"), x));
        }
    }
    v.extend(named("network_inference_oneout_", &out.one_out_inferer));
    for (k, x) in &out.one_out_forecaster {
        v.push((format!("network_inference_oneout_{}", sh.ni + k), *x));
    }
    v.extend(named(
        "network_naive_inference_onein_",
        &out.one_in_forecaster,
    ));
    for (i, x) in out.error_bars.iter().enumerate() {
        v.push((format!("network_inference_errorbar_{i}"), *x));
    }
    for (k, f) in &fc {
        for (j, x) in f {
            v.push((
                format!("forecasted_regret_{k}_inferer_{j}"),
                state.network_loss.checked_sub(*x).unwrap(),
            ));
        }
    }
    v
}

fn score_cols(l: &NetworkLosses) -> Vec<(String, Fixed)> {
    let mut v = named("inferer_score_", &inferer_scores(l).unwrap());
    v.extend(named("forecaster_score_", &forecaster_scores(l).unwrap()));
    v.push((
        "forecaster_task_score".into(),
        forecasting_task_score(l).unwrap(),
    ));
    v
}

/// Score sample of §8.1 from the current scores plus earlier rows (newest
/// first); `None` unless the window is full within the file.
fn sample_from(
    current: &SortedMap<u32, Fixed>,
    earlier_newest_first: &[SortedMap<u32, Fixed>],
    max: usize,
) -> Option<Vec<Fixed>> {
    let mut hist = vec![current.values().copied().collect::<Vec<_>>()];
    hist.extend(
        earlier_newest_first
            .iter()
            .map(|m| m.values().copied().collect()),
    );
    let s = score_sample(&hist, max);
    (s.len() == max).then_some(s)
}

fn entropy_cols(
    prefix: &str,
    entropy_col: &str,
    fractions: &SortedMap<u32, Fixed>,
    prev: &SortedMap<u32, Fixed>,
    p: &Params,
) -> (Vec<(String, Fixed)>, Fixed, SortedMap<u32, Fixed>) {
    let e = smoothed_entropy(fractions, prev, p.task_reward_alpha, p.beta_entropy).unwrap();
    let mut v = named(&format!("{prefix}_reward_fraction_smooth_"), &e.smoothed);
    v.push((entropy_col.to_string(), e.entropy));
    (v, e.entropy, e.smoothed)
}

fn reward_cols(
    split: &nous_math::rewards::ClassSplit,
    e: Fixed,
    fi: &SortedMap<u32, Fixed>,
    ff: &SortedMap<u32, Fixed>,
    fr: &SortedMap<u32, Fixed>,
) -> Vec<(String, Fixed)> {
    let mut v = vec![
        ("inferers_reward_fraction".to_string(), split.inference),
        ("forecasters_reward_fraction".to_string(), split.forecasting),
        ("reputers_reward_fraction".to_string(), split.reputation),
    ];
    for (prefix, share, fr) in [
        ("inferer_reward_", split.inference, fi),
        ("forecaster_reward_", split.forecasting, ff),
        ("reputer_reward_", split.reputation, fr),
    ] {
        let budget = share.checked_mul(e).unwrap();
        for (i, f) in fr {
            v.push((format!("{prefix}{i}"), budget.checked_mul(*f).unwrap()));
        }
    }
    v
}

fn check_synthesis(csv: &Csv, rep: &mut Report) {
    let p = Params::simulator();
    let sh = shape(&csv.header);
    let file = csv.name.as_str();
    let max = p.max_samples_to_scale_scores as usize;
    let mut carried: Option<SynState> = None;
    let mut our_inferer_scores: Vec<SortedMap<u32, Fixed>> = Vec::new(); // per row, ours where computed else file
    let mut our_forecaster_scores: Vec<SortedMap<u32, Fixed>> = Vec::new();
    for (i, row) in csv.rows.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| &csv.rows[p]);
        let st = stakes(&sh, row);
        let reps = reports(&sh, row);
        let e_topic = req(row, "topic_rewards");
        let file_li = id_map(row, "inferer_score_", sh.ni);
        let file_lf = id_map(row, "forecaster_score_", sh.nk);
        let earlier = |pref: &str, n: u32| -> Vec<SortedMap<u32, Fixed>> {
            (0..i)
                .rev()
                .map(|r| id_map(&csv.rows[r], pref, n))
                .collect()
        };

        // ---------------- per step ----------------
        let fl = file_losses(&sh, row);
        let ours_l = network_losses(&reps, &p).unwrap();
        rep.check_cols(
            "§6.1 network losses",
            file,
            i,
            row,
            &loss_cols(&sh, &ours_l),
        );
        rep.check_cols("§7.1-7.2 worker scores", file, i, row, &score_cols(&fl));
        let fr_rep = reputer_reward_fractions(
            &st,
            &id_map(row, "reputer_score_", sh.nm),
            p.p_reward_reputer,
        )
        .unwrap();
        rep.check_cols(
            "§8.2 reputer fractions",
            file,
            i,
            row,
            &named("reputer_reward_fraction_", &fr_rep),
        );
        let chi = utility_from_ratio(req(row, "forecaster_score_ratio")).unwrap();
        rep.check_cols(
            "§8.5 utility chi",
            file,
            i,
            row,
            &[("forecasters_utility".into(), chi)],
        );
        let split = class_reward_split(
            req(row, "inferers_entropy"),
            req(row, "forecasters_entropy"),
            req(row, "reputers_entropy"),
            req(row, "forecasters_utility"),
        )
        .unwrap();
        let rc = reward_cols(
            &split,
            e_topic,
            &id_map(row, "inferer_reward_fraction_", sh.ni),
            &id_map(row, "forecaster_reward_fraction_", sh.nk),
            &id_map(row, "reputer_reward_fraction_", sh.nm),
        );
        rep.check_cols("§8.6-8.7 class split and rewards", file, i, row, &rc);
        if let Some(s) = sample_from(&file_li, &earlier("inferer_score_", sh.ni), max) {
            let u = worker_reward_fractions(
                &file_li,
                &s,
                p.p_reward_inference,
                p.c_reward_inference,
                p.epsilon_topic,
            )
            .unwrap();
            rep.check_cols(
                "§8.1 worker fractions",
                file,
                i,
                row,
                &named("inferer_reward_fraction_", &u),
            );
        }
        if let Some(s) = sample_from(&file_lf, &earlier("forecaster_score_", sh.nk), max) {
            let u = worker_reward_fractions(
                &file_lf,
                &s,
                p.p_reward_forecast,
                p.c_reward_forecast,
                p.epsilon_topic,
            )
            .unwrap();
            rep.check_cols(
                "§8.1 worker fractions",
                file,
                i,
                row,
                &named("forecaster_reward_fraction_", &u),
            );
        }
        if let Some(prow) = prev {
            let ps = file_state(&sh, prow);
            rep.check_cols(
                "§4-5 synthesis",
                file,
                i,
                row,
                &synthesis_cols(&sh, row, &ps, &p),
            );
            let r = update_regrets(&fl, &ps.regrets, p.alpha_regret).unwrap();
            rep.check_cols("§6.2 regrets", file, i, row, &regret_cols(&sh, &r));
            let c = listening_coefficients(&reps, &ps.coefficients, &p).unwrap();
            let mut v = named("reputer_score_", &c.scores);
            v.extend(named("reputer_adjusted_stake_", &c.adjusted_stakes));
            v.extend(named("reputer_listening_coefficient_", &c.coefficients));
            rep.check_cols("§7.3 reputer consensus", file, i, row, &v);
            for (prefix, col, n, prevm) in [
                ("inferer", "inferers_entropy", sh.ni, &ps.smooth_inferer),
                (
                    "forecaster",
                    "forecasters_entropy",
                    sh.nk,
                    &ps.smooth_forecaster,
                ),
                ("reputer", "reputers_entropy", sh.nm, &ps.smooth_reputer),
            ] {
                let fr = id_map(row, &format!("{prefix}_reward_fraction_"), n);
                let (cols, _, _) = entropy_cols(prefix, col, &fr, prevm, &p);
                rep.check_cols("§8.3-8.4 smoothing and entropy", file, i, row, &cols);
            }
            let (chi, ratio) = forecasting_utility(
                req(row, "forecaster_task_score"),
                &file_li,
                ps.ratio,
                p.task_reward_alpha,
            )
            .unwrap();
            rep.check_cols(
                "§8.5 ratio",
                file,
                i,
                row,
                &[
                    ("forecaster_score_ratio".into(), ratio),
                    ("forecasters_utility".into(), chi),
                ],
            );
        }

        // ---------------- end to end ----------------
        let state = carried.clone().or_else(|| prev.map(|r| file_state(&sh, r)));
        // our instant scores of this row (raw inputs only), for later rows' windows
        let ours_ti = inferer_scores(&ours_l).unwrap();
        let ours_tf = forecaster_scores(&ours_l).unwrap();
        if let Some(state) = state {
            rep.check_cols(
                "e2e §4-5 synthesis",
                file,
                i,
                row,
                &synthesis_cols(&sh, row, &state, &p),
            );
            // the loss step as the synthesis contract runs it (with the score EMAs: none
            // stored yet, so each actor's EMA starts at its instant score)
            let scored = scored_loss_epoch(
                &reps,
                &state.regrets,
                &state.coefficients,
                &SortedMap::new(),
                &SortedMap::new(),
                &EmaInputs {
                    previous: Default::default(),
                    quantiles: [p.active_quantile; 3],
                },
                &p,
            )
            .unwrap();
            let le = scored.loss;
            let class_scores = [
                &le.inferer_scores,
                &le.forecaster_scores,
                &le.consensus.scores,
            ];
            for (class, scores) in scored.emas.iter().zip(class_scores) {
                assert_eq!(&class.emas, scores, "{file} row {i}: first EMAs");
            }
            rep.check_cols(
                "e2e §6.1 network losses",
                file,
                i,
                row,
                &loss_cols(&sh, &le.losses),
            );
            rep.check_cols(
                "e2e §6.2 regrets",
                file,
                i,
                row,
                &regret_cols(&sh, &le.regrets),
            );
            rep.check_cols(
                "e2e §7.1-7.2 worker scores",
                file,
                i,
                row,
                &score_cols(&le.losses),
            );
            let c = &le.consensus;
            let mut v = named("reputer_score_", &c.scores);
            v.extend(named("reputer_adjusted_stake_", &c.adjusted_stakes));
            v.extend(named("reputer_listening_coefficient_", &c.coefficients));
            rep.check_cols("e2e §7.3 reputer consensus", file, i, row, &v);
            // earlier rows' scores, newest first (ours where computed)
            let hist_i: Vec<_> = our_inferer_scores.iter().rev().cloned().collect();
            let hist_f: Vec<_> = our_forecaster_scores.iter().rev().cloned().collect();
            let full_i = sample_from(&le.inferer_scores, &hist_i, max).is_some();
            let full_f = sample_from(&le.forecaster_scores, &hist_f, max).is_some();
            let (ratio, si, sf, sr);
            if full_i && full_f {
                // the reward step as the reward contract runs it, paid in base units
                let rs = RewardState {
                    smoothed_inferer: state.smooth_inferer.clone(),
                    smoothed_forecaster: state.smooth_forecaster.clone(),
                    smoothed_reputer: state.smooth_reputer.clone(),
                    forecaster_score_ratio: state.ratio,
                    inferer_score_history: hist_i
                        .iter()
                        .map(|m| m.values().copied().collect())
                        .collect(),
                    forecaster_score_history: hist_f
                        .iter()
                        .map(|m| m.values().copied().collect())
                        .collect(),
                };
                let budget = e_topic.to_base_units().unwrap();
                let out = reward_epoch(
                    &le.inferer_scores,
                    &le.forecaster_scores,
                    le.forecasting_task_score,
                    &c.scores,
                    &st,
                    budget,
                    &rs,
                    &p,
                )
                .unwrap();
                let mut v = named("inferer_reward_fraction_", &out.classes.inferer_fractions);
                v.extend(named(
                    "forecaster_reward_fraction_",
                    &out.classes.forecaster_fractions,
                ));
                rep.check_cols("e2e §8.1 worker fractions", file, i, row, &v);
                rep.check_cols(
                    "e2e §8.2 reputer fractions",
                    file,
                    i,
                    row,
                    &named("reputer_reward_fraction_", &out.classes.reputer_fractions),
                );
                let mut v = named(
                    "inferer_reward_fraction_smooth_",
                    &out.classes.smoothed_inferer,
                );
                v.extend(named(
                    "forecaster_reward_fraction_smooth_",
                    &out.classes.smoothed_forecaster,
                ));
                v.extend(named(
                    "reputer_reward_fraction_smooth_",
                    &out.classes.smoothed_reputer,
                ));
                v.push(("inferers_entropy".into(), out.classes.inferers_entropy));
                v.push((
                    "forecasters_entropy".into(),
                    out.classes.forecasters_entropy,
                ));
                v.push(("reputers_entropy".into(), out.classes.reputers_entropy));
                rep.check_cols("e2e §8.3-8.4 smoothing and entropy", file, i, row, &v);
                rep.check_cols(
                    "e2e §8.5 ratio",
                    file,
                    i,
                    row,
                    &[
                        (
                            "forecaster_score_ratio".into(),
                            out.classes.forecaster_score_ratio,
                        ),
                        (
                            "forecasters_utility".into(),
                            out.classes.forecasting_utility,
                        ),
                    ],
                );
                let tok = |m: &SortedMap<u32, u128>| {
                    m.iter()
                        .map(|(k, a)| (*k, Fixed::from_base_units(*a).unwrap()))
                        .collect::<SortedMap<u32, Fixed>>()
                };
                let mut v = vec![
                    (
                        "inferers_reward_fraction".to_string(),
                        out.classes.split.inference,
                    ),
                    (
                        "forecasters_reward_fraction".to_string(),
                        out.classes.split.forecasting,
                    ),
                    (
                        "reputers_reward_fraction".to_string(),
                        out.classes.split.reputation,
                    ),
                ];
                v.extend(named(
                    "inferer_reward_",
                    &tok(&out.payouts.inferer_payout.amounts),
                ));
                v.extend(named(
                    "forecaster_reward_",
                    &tok(&out.payouts.forecaster_payout.amounts),
                ));
                v.extend(named(
                    "reputer_reward_",
                    &tok(&out.payouts.reputer_payout.amounts),
                ));
                rep.check_cols("e2e §8.6-8.7 class split and payouts", file, i, row, &v);
                ratio = out.classes.forecaster_score_ratio;
                (si, sf, sr) = (
                    out.classes.smoothed_inferer,
                    out.classes.smoothed_forecaster,
                    out.classes.smoothed_reputer,
                );
            } else {
                // The 10-score window reaches before the file for a class: that
                // class's fractions are the simulator's (only they are not ours).
                let ui = sample_from(&le.inferer_scores, &hist_i, max).map(|s| {
                    worker_reward_fractions(
                        &le.inferer_scores,
                        &s,
                        p.p_reward_inference,
                        p.c_reward_inference,
                        p.epsilon_topic,
                    )
                    .unwrap()
                });
                let uf = sample_from(&le.forecaster_scores, &hist_f, max).map(|s| {
                    worker_reward_fractions(
                        &le.forecaster_scores,
                        &s,
                        p.p_reward_forecast,
                        p.c_reward_forecast,
                        p.epsilon_topic,
                    )
                    .unwrap()
                });
                if let Some(u) = &ui {
                    rep.check_cols(
                        "e2e §8.1 worker fractions",
                        file,
                        i,
                        row,
                        &named("inferer_reward_fraction_", u),
                    );
                }
                if let Some(u) = &uf {
                    rep.check_cols(
                        "e2e §8.1 worker fractions",
                        file,
                        i,
                        row,
                        &named("forecaster_reward_fraction_", u),
                    );
                }
                let ui = ui.unwrap_or_else(|| id_map(row, "inferer_reward_fraction_", sh.ni));
                let uf = uf.unwrap_or_else(|| id_map(row, "forecaster_reward_fraction_", sh.nk));
                let ur = reputer_reward_fractions(&st, &c.scores, p.p_reward_reputer).unwrap();
                rep.check_cols(
                    "e2e §8.2 reputer fractions",
                    file,
                    i,
                    row,
                    &named("reputer_reward_fraction_", &ur),
                );
                let (ci, hi, s1) = entropy_cols(
                    "inferer",
                    "inferers_entropy",
                    &ui,
                    &state.smooth_inferer,
                    &p,
                );
                let (cf, hf, s2) = entropy_cols(
                    "forecaster",
                    "forecasters_entropy",
                    &uf,
                    &state.smooth_forecaster,
                    &p,
                );
                let (cr, hr, s3) = entropy_cols(
                    "reputer",
                    "reputers_entropy",
                    &ur,
                    &state.smooth_reputer,
                    &p,
                );
                for cols in [ci, cf, cr] {
                    rep.check_cols("e2e §8.3-8.4 smoothing and entropy", file, i, row, &cols);
                }
                let (chi, r) = forecasting_utility(
                    le.forecasting_task_score,
                    &le.inferer_scores,
                    state.ratio,
                    p.task_reward_alpha,
                )
                .unwrap();
                rep.check_cols(
                    "e2e §8.5 ratio",
                    file,
                    i,
                    row,
                    &[
                        ("forecaster_score_ratio".into(), r),
                        ("forecasters_utility".into(), chi),
                    ],
                );
                let split = class_reward_split(hi, hf, hr, chi).unwrap();
                rep.check_cols(
                    "e2e §8.6-8.7 class split and payouts",
                    file,
                    i,
                    row,
                    &reward_cols(&split, e_topic, &ui, &uf, &ur),
                );
                ratio = r;
                (si, sf, sr) = (s1, s2, s3);
            }
            carried = Some(SynState {
                regrets: le.regrets.clone(),
                network_loss: le.losses.combined,
                coefficients: c.coefficients.clone(),
                smooth_inferer: si,
                smooth_forecaster: sf,
                smooth_reputer: sr,
                ratio,
            });
        }
        our_inferer_scores.push(ours_ti);
        our_forecaster_scores.push(ours_tf);
    }
}

// ---------------------------------------------------------------------------
// tokenomics_months.csv
// ---------------------------------------------------------------------------

/// Vesting buckets of §10.5 and their share of the max supply.
const VESTING: [(&str, &str); 3] = [
    ("investors_preseed", "0.05"),
    ("investors_seed", "0.2605"),
    ("team", "0.175"),
];

fn check_tokenomics(csv: &Csv, rep: &mut Report) {
    let p = Params::simulator();
    let file = csv.name.as_str();
    let model = MonthlyModel::simulator().unwrap();
    let alpha = emission::compounded_alpha(p.topic_reward_alpha, 4).unwrap();
    let mut carried: Option<MonthState> = None;
    let mut carried_weights: BTreeMap<String, Fixed> = BTreeMap::new();
    let ntopics = count(&csv.header, |s| format!("topic_id_{s}"));
    for (i, row) in csv.rows.iter().enumerate() {
        rep.check(
            "§10.1 cap",
            file,
            i,
            "ehat_max_i",
            model.cap,
            &row["ehat_max_i"],
        );
        let month: u64 = row["epoch"].parse().unwrap();
        // per topic slot: weight from this row's inputs
        let topics_rewards_file = req(row, "topics_rewards");
        let weight_sum = req(row, "all_topic_weight_sum");
        let mut our_weights: BTreeMap<String, Fixed> = BTreeMap::new();
        for s in 0..ntopics {
            let id = row[&format!("topic_id_{s}")].clone();
            if id == "0" {
                continue;
            }
            let w_file = req(row, &format!("topic_weights_{s}"));
            if weight_sum.is_positive() {
                let r = topic_reward_share(topics_rewards_file, w_file, weight_sum).unwrap();
                rep.check(
                    "§9.2 topic rewards",
                    file,
                    i,
                    &format!("topic_rewards_{s}"),
                    r,
                    &row[&format!("topic_rewards_{s}")],
                );
            }
            // whole tokens in the file, base units for the maths (exact: raw == base units)
            let stake = req(row, &format!("topic_total_stake_{s}"))
                .to_base_units()
                .unwrap();
            let fee = req(row, &format!("topic_total_fee_revenue_{s}"))
                .to_base_units()
                .unwrap();
            let live: u64 = row[&format!("topic_months_live_{s}")].parse().unwrap();
            let find_prev = |r: &Row| -> Option<Fixed> {
                (0..ntopics)
                    .find(|t| r[&format!("topic_id_{t}")] == id)
                    .map(|t| req(r, &format!("topic_weights_{t}")))
            };
            let prev_file = if live <= 1 {
                Some(None)
            } else {
                i.checked_sub(1)
                    .and_then(|q| find_prev(&csv.rows[q]))
                    .map(Some)
            };
            if let Some(prev_w) = prev_file {
                let w = nous_math::topic::topic_weight(stake, fee, 1, prev_w, alpha, &p).unwrap();
                rep.check(
                    "§9.1/10.7 topic weights",
                    file,
                    i,
                    &format!("topic_weights_{s}"),
                    w,
                    &row[&format!("topic_weights_{s}")],
                );
            }
            let prev_ours = if live <= 1 {
                Some(None)
            } else {
                carried_weights.get(&id).copied().map(Some)
            };
            if let Some(prev_w) = prev_ours {
                let w = nous_math::topic::topic_weight(stake, fee, 1, prev_w, alpha, &p).unwrap();
                rep.check(
                    "e2e §9.1/10.7 topic weights",
                    file,
                    i,
                    &format!("topic_weights_{s}"),
                    w,
                    &row[&format!("topic_weights_{s}")],
                );
                our_weights.insert(id.clone(), w);
            }
        }
        carried_weights = our_weights;

        let Some(prow) = i.checked_sub(1).map(|q| &csv.rows[q]) else {
            continue;
        };
        let supply = base_units(row, "network_tokens_total");
        let mut unlocks = Vec::new();
        for (b, share) in VESTING {
            let alloc = share
                .parse::<Fixed>()
                .unwrap()
                .mul_floor_u128(supply)
                .unwrap();
            unlocks.push((b, emission::vesting_unlock(month, alloc).unwrap()));
        }
        let unlock: u128 = unlocks.iter().map(|(_, u)| *u).sum();
        let e_prev = req(prow, "e_i");
        let file_state = MonthState {
            staked: base_units(prow, "network_tokens_staked"),
            circulating: base_units(prow, "network_tokens_circulating"),
            ecosystem_total: base_units(prow, "ecosystem_tokens_total"),
            e: e_prev.is_positive().then_some(e_prev),
        };
        let ours_state = carried.map(|c| MonthState {
            staked: file_state.staked,
            ..c
        });
        for (label, st) in [("", Some(file_state)), ("e2e ", ours_state)] {
            let Some(st) = st else { continue };
            let out = emission::simulate_month(&model, &st, unlock).unwrap();
            let g = format!("{label}§10 emission schedule");
            let tok = |x: u128| Fixed::from_base_units(x).unwrap();
            for (col, v) in [
                ("ehat_target_i", out.target),
                ("ehat_i", out.capped),
                ("e_i", out.e),
                ("ecosystem_tokens_emission", tok(out.emission)),
                ("validator_rewards", tok(out.validator_rewards)),
                ("topics_rewards", tok(out.topics_rewards)),
                ("network_tokens_emission", tok(out.network_emission)),
                ("network_tokens_circulating", tok(out.circulating)),
                ("ecosystem_tokens_total", tok(out.ecosystem_total)),
            ] {
                rep.check(&g, file, i, col, v, &row[col]);
            }
            for (b, u) in &unlocks {
                let col = format!("{b}_tokens_emission");
                rep.check(
                    &format!("{label}§10.5 vesting"),
                    file,
                    i,
                    &col,
                    tok(*u),
                    &row[&col],
                );
            }
            if label == "e2e " || carried.is_none() {
                carried = Some(MonthState {
                    staked: st.staked,
                    circulating: out.circulating,
                    ecosystem_total: out.ecosystem_total,
                    e: Some(out.e),
                });
            }
        }
        // validator_rewards_s: not reproducible from the file (MATH.md §13), not checked.
    }
}

// ---------------------------------------------------------------------------
// sortition_epochs.csv
// ---------------------------------------------------------------------------

fn check_sortition(csv: &Csv, rep: &mut Report) {
    let file = csv.name.as_str();
    let n = count(&csv.header, |k| format!("{k}_quality_ema"));
    let mut carried: Option<SortedMap<u32, Fixed>> = None;
    for (i, row) in csv.rows.iter().enumerate() {
        let alpha = req(row, "alpha_quality");
        let q = req(row, "percentile").checked_div_int(100).unwrap();
        let cap: usize = row["n_participants_drawn"].parse().unwrap();
        let instant = id_map(row, "", 0); // placeholder, filled below
        let _ = instant;
        let metrics: SortedMap<u32, Fixed> = (0..n)
            .filter_map(|k| fx(row, &format!("{k}_quality_metric")).map(|v| (k, v)))
            .collect();
        let prev_file: SortedMap<u32, Fixed> = (0..n)
            .filter_map(|k| fx(row, &format!("{k}_prev_quality_ema")).map(|v| (k, v)))
            .collect();
        for (label, prev) in [("", Some(prev_file.clone())), ("e2e ", carried.clone())] {
            let Some(prev) = prev else { continue };
            let out = sortition_epoch(&prev, &metrics, cap, q, alpha).unwrap();
            let g = format!("{label}§11 sortition EMAs and quantile");
            let ge = format!("{label}§11 ranks and active flags (exact)");
            rep.check(
                &g,
                file,
                i,
                "quality_cutoff",
                out.cutoff,
                &row["quality_cutoff"],
            );
            rep.check(
                &g,
                file,
                i,
                "quality_percentile",
                out.quantile,
                &row["quality_percentile"],
            );
            let prev_ranks = ranks(&prev);
            let active_metrics: SortedMap<u32, Fixed> = out
                .active
                .iter()
                .filter_map(|a| metrics.get(a).map(|m| (*a, *m)))
                .collect();
            let metric_ranks = ranks(&active_metrics);
            for k in 0..n {
                let col = format!("{k}_quality_ema");
                rep.check(&g, file, i, &col, out.emas[&k], &row[&col]);
                let is_active = out.active.contains(&k);
                let want_active = row[&format!("{k}_active")] == "true";
                rep.exact(
                    &ge,
                    file,
                    i,
                    &format!("{k}_active"),
                    is_active == want_active,
                    format!("ours {is_active}"),
                );
                let col = format!("{k}_sort_position_previous_quality_ema");
                let want: Option<u32> = row[&col].parse().ok();
                rep.exact(
                    &ge,
                    file,
                    i,
                    &col,
                    want == prev_ranks.get(&k).copied(),
                    format!("ours {:?} sim {want:?}", prev_ranks.get(&k)),
                );
                let col = format!("{k}_sort_position_quality_metrics");
                let want: Option<u32> = row[&col].parse().ok();
                rep.exact(
                    &ge,
                    file,
                    i,
                    &col,
                    want == metric_ranks.get(&k).copied(),
                    format!("ours {:?} sim {want:?}", metric_ranks.get(&k)),
                );
            }
            if label == "e2e " || carried.is_none() {
                carried = Some(out.emas.clone());
            }
            if label.is_empty() && i > 0 {
                // the previous row's new EMA is this row's previous EMA
                let prow = &csv.rows[i - 1];
                for k in 0..n {
                    if let (Some(a), Some(b)) =
                        (fx(prow, &format!("{k}_quality_ema")), prev_file.get(&k))
                    {
                        rep.exact(
                            &ge,
                            file,
                            i,
                            &format!("{k}_prev_quality_ema"),
                            a == *b,
                            format!("{a} vs {b}"),
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn simulator_vectors_within_1e_9() {
    let dir = vectors_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("vectors directory {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no CSV files in {}", dir.display());
    let mut rep = Report::default();
    for path in &paths {
        let csv = load(path);
        let has = |c: &str| csv.header.iter().any(|h| h == c);
        if has("network_inference") && has("reputer_stake_0") {
            check_synthesis(&csv, &mut rep);
        } else if has("ehat_target_i") {
            check_tokenomics(&csv, &mut rep);
        } else if has("quality_percentile") {
            check_sortition(&csv, &mut rep);
        } else {
            panic!("{}: unrecognised vector file", path.display());
        }
    }
    println!("vectors: {}", dir.display());
    println!(
        "{:<48} | {:>12} | {:>7} | {:>14}",
        "group", "rows checked", "values", "max rel error"
    );
    println!("{}", "-".repeat(92));
    let mut failed = Vec::new();
    for (name, g) in &rep.groups {
        println!(
            "{:<48} | {:>12} | {:>7} | {:>14.3e}",
            name,
            g.rows.len(),
            g.values,
            g.max_err
        );
        if g.max_err > TOLERANCE {
            failed.push(format!("{name}: {:.3e} at {}", g.max_err, g.worst));
        }
    }
    for g in rep.groups.values() {
        if g.max_err > 0.0 {
            println!("  worst: {}", g.worst);
        }
    }
    for f in &rep.exact_failures {
        println!("exact mismatch: {f}");
    }
    assert!(
        failed.is_empty() && rep.exact_failures.is_empty(),
        "groups above {TOLERANCE}: {failed:#?}"
    );
}
