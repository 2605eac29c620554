//! Prometheus metrics: counters and gauges kept in memory and rendered in the text
//! exposition format (version 0.0.4) on `GET /metrics`. Every value is a non-negative
//! integer (counts, gas, heights, nonces, token base units), printed exactly.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The metrics the node exports, with their help text and type.
const FAMILIES: &[(&str, &str, &str)] = &[
    (
        "nous_node_submissions_total",
        "counter",
        "Transactions the node sent that succeeded, by topic, role and kind.",
    ),
    (
        "nous_node_refusals_total",
        "counter",
        "Refusals met (simulation or included failure), by topic, role and error.",
    ),
    (
        "nous_node_retries_total",
        "counter",
        "Transactions sent again, by reason (sequence, out_of_gas, connection).",
    ),
    (
        "nous_node_unknown_results_total",
        "counter",
        "Broadcast transactions whose result was not known, later looked up by hash.",
    ),
    (
        "nous_node_lookups_total",
        "counter",
        "Lookups of in-flight transactions by hash, by result (landed, failed, pending, dropped).",
    ),
    (
        "nous_node_source_failures_total",
        "counter",
        "Inference, forecast or truth sources that failed (the nonce is skipped).",
    ),
    (
        "nous_node_missed_reveals_total",
        "counter",
        "Commit-reveal topics: payloads committed to but not revealed before their reveal window ended (the chain drops the commitment; the worker takes no part in the nonce), by topic.",
    ),
    (
        "nous_node_gas_used_total",
        "counter",
        "Gas used by the node's included transactions, by role.",
    ),
    (
        "nous_node_fees_paid_total",
        "counter",
        "Fees paid by the node's included transactions, in base units, by denom.",
    ),
    (
        "nous_node_last_nonce",
        "gauge",
        "The newest nonce this role submitted for, by topic and role.",
    ),
    (
        "nous_node_claimable",
        "gauge",
        "Rewards claimable by the address (reward-distribution Claimable), in base units.",
    ),
    (
        "nous_node_balance",
        "gauge",
        "Bank balance of the node's key, in base units, by denom.",
    ),
    (
        "nous_node_height",
        "gauge",
        "The newest block height the node saw.",
    ),
];

type Labels = Vec<(String, String)>;

/// The node's metrics, shared with the HTTP thread.
#[derive(Clone, Default)]
pub struct Metrics {
    values: Arc<Mutex<BTreeMap<(String, Labels), u128>>>,
}

fn labels(l: &[(&str, &str)]) -> Labels {
    let mut v: Labels = l
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    v.sort();
    v
}

/// `"` `\` and newlines escaped as the exposition format wants.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Adds `by` to a counter.
    pub fn add(&self, name: &str, l: &[(&str, &str)], by: u128) {
        if let Ok(mut m) = self.values.lock() {
            let v = m.entry((name.to_string(), labels(l))).or_insert(0);
            *v = v.saturating_add(by);
        }
    }

    pub fn inc(&self, name: &str, l: &[(&str, &str)]) {
        self.add(name, l, 1)
    }

    /// Sets a gauge.
    pub fn set(&self, name: &str, l: &[(&str, &str)], value: u128) {
        if let Ok(mut m) = self.values.lock() {
            m.insert((name.to_string(), labels(l)), value);
        }
    }

    pub fn get(&self, name: &str, l: &[(&str, &str)]) -> Option<u128> {
        self.values
            .lock()
            .ok()?
            .get(&(name.to_string(), labels(l)))
            .copied()
    }

    /// The text exposition of every family that has a value.
    pub fn render(&self) -> String {
        let Ok(m) = self.values.lock() else {
            return String::new();
        };
        let mut out = String::new();
        for (name, kind, help) in FAMILIES {
            let mut rows = m
                .range((name.to_string(), vec![])..)
                .take_while(|((n, _), _)| n == name)
                .peekable();
            if rows.peek().is_none() {
                continue;
            }
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
            for ((_, l), v) in rows {
                if l.is_empty() {
                    out.push_str(&format!("{name} {v}\n"));
                } else {
                    let l: Vec<String> = l
                        .iter()
                        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                        .collect();
                    out.push_str(&format!("{name}{{{}}} {v}\n", l.join(",")));
                }
            }
        }
        out
    }

    /// Serves `GET /metrics` on `addr` from a background thread; returns the bound address.
    pub fn serve(&self, addr: &str) -> Result<std::net::SocketAddr, String> {
        let server =
            tiny_http::Server::http(addr).map_err(|e| format!("metrics on {addr}: {e}"))?;
        let bound = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| format!("metrics on {addr}: not an IP address"))?;
        let me = self.clone();
        std::thread::Builder::new()
            .name("metrics".into())
            .spawn(move || {
                for req in server.incoming_requests() {
                    let (code, body) = match (req.method(), req.url()) {
                        (tiny_http::Method::Get, "/metrics") => (200, me.render()),
                        _ => (404, "not found: GET /metrics\n".to_string()),
                    };
                    let header = tiny_http::Header::from_bytes(
                        &b"Content-Type"[..],
                        &b"text/plain; version=0.0.4; charset=utf-8"[..],
                    );
                    let mut resp = tiny_http::Response::from_string(body).with_status_code(code);
                    if let Ok(h) = header {
                        resp = resp.with_header(h);
                    }
                    // A client that went away is not the node's problem.
                    let _ = req.respond(resp);
                }
            })
            .map_err(|e| format!("metrics thread: {e}"))?;
        Ok(bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_exposition_format() {
        let m = Metrics::default();
        m.inc(
            "nous_node_submissions_total",
            &[("topic", "1"), ("role", "worker"), ("kind", "payload")],
        );
        m.add(
            "nous_node_submissions_total",
            &[("role", "worker"), ("topic", "1"), ("kind", "payload")],
            2,
        );
        m.inc(
            "nous_node_refusals_total",
            &[("topic", "1"), ("role", "reputer"), ("error", "a \"b\"\n")],
        );
        m.set(
            "nous_node_claimable",
            &[("address", "wasm1x")],
            1_234_567_890_123_456_789_012_345,
        );
        m.set("nous_node_height", &[], 42);
        m.set("nous_node_height", &[], 43);
        let text = m.render();
        assert_eq!(
            text,
            "# HELP nous_node_submissions_total Transactions the node sent that succeeded, by topic, role and kind.\n\
             # TYPE nous_node_submissions_total counter\n\
             nous_node_submissions_total{kind=\"payload\",role=\"worker\",topic=\"1\"} 3\n\
             # HELP nous_node_refusals_total Refusals met (simulation or included failure), by topic, role and error.\n\
             # TYPE nous_node_refusals_total counter\n\
             nous_node_refusals_total{error=\"a \\\"b\\\"\\n\",role=\"reputer\",topic=\"1\"} 1\n\
             # HELP nous_node_claimable Rewards claimable by the address (reward-distribution Claimable), in base units.\n\
             # TYPE nous_node_claimable gauge\n\
             nous_node_claimable{address=\"wasm1x\"} 1234567890123456789012345\n\
             # HELP nous_node_height The newest block height the node saw.\n\
             # TYPE nous_node_height gauge\n\
             nous_node_height 43\n"
        );
        assert_eq!(m.get("nous_node_height", &[]), Some(43));
    }

    #[test]
    fn serves_metrics_over_http() {
        use std::io::{Read, Write};
        let m = Metrics::default();
        m.set("nous_node_height", &[], 7);
        let addr = m.serve("127.0.0.1:0").unwrap();
        let get = |path: &str| {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            write!(s, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).unwrap();
            out
        };
        let ok = get("/metrics");
        assert!(ok.starts_with("HTTP/1.0 200"), "{ok}");
        assert!(ok.contains("text/plain; version=0.0.4"));
        assert!(ok.ends_with("nous_node_height 7\n"), "{ok}");
        assert!(get("/").starts_with("HTTP/1.0 404"));
    }
}
