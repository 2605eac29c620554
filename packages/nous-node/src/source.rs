//! Inference, forecast and ground-truth sources. A source is a command (run without a
//! shell; the context JSON on its stdin; its stdout is the answer) or an HTTP endpoint (the
//! context JSON POSTed; the response body is the answer), with a timeout. Answers:
//! - an inference or a truth: one number (`101.25`, `1.5e3`, or a JSON string `"101.25"`);
//! - a forecast: a JSON array `[{"inferer": 3, "value": -2.1}, ...]` (inferer = the
//!   registry's actor index, value = the expected loss in the topic's log10 convention).
//!
//! A failing source (non-zero exit, timeout, unreadable answer, HTTP error) is an error the
//! node logs before skipping the nonce; it never stops the node.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use cosmwasm_std::SignedDecimal;
use nous_math::Fixed;
use nous_types::synthesis::{ForecastElement, MAX_ABS_VALUE};
use serde_json::Value;

use crate::config::Source;

/// Largest answer read from a source.
const MAX_ANSWER: usize = 1 << 20;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SourceError {
    #[error("cannot start {program}: {error}")]
    Spawn { program: String, error: String },
    #[error("no answer within {0} s")]
    Timeout(u64),
    #[error("exited with {status}: {stderr}")]
    Exit { status: String, stderr: String },
    #[error("HTTP: {0}")]
    Http(String),
    #[error("unreadable answer {answer:?}: {reason}")]
    Answer { answer: String, reason: String },
}

/// Runs sources; holds the HTTP client and the runtime it runs on.
pub struct Sources {
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Sources {
    pub fn new() -> Result<Sources, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Sources { rt, http })
    }

    /// The raw answer of `src` to `context`.
    pub fn ask(&self, src: &Source, context: &Value) -> Result<String, SourceError> {
        let input = context.to_string();
        match (&src.command, &src.url) {
            (Some(cmd), _) => run_command(cmd, &input, Duration::from_secs(src.timeout_secs)),
            (None, Some(url)) => self.post(url, input, src.timeout_secs),
            (None, None) => Err(SourceError::Http("no command or url".into())),
        }
    }

    fn post(&self, url: &str, body: String, timeout_secs: u64) -> Result<String, SourceError> {
        let req = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .timeout(Duration::from_secs(timeout_secs))
            .body(body);
        self.rt.block_on(async {
            let resp = req.send().await.map_err(|e| {
                if e.is_timeout() {
                    SourceError::Timeout(timeout_secs)
                } else {
                    SourceError::Http(e.to_string())
                }
            })?;
            let status = resp.status();
            let text = resp
                .text()
                .await
                .map_err(|e| SourceError::Http(e.to_string()))?;
            if !status.is_success() {
                return Err(SourceError::Http(format!(
                    "{status}: {}",
                    text.chars().take(200).collect::<String>()
                )));
            }
            Ok(text)
        })
    }
}

/// Runs `cmd` with `input` on stdin; its stdout, or an error after `timeout` (the child
/// is killed then).
fn run_command(cmd: &[String], input: &str, timeout: Duration) -> Result<String, SourceError> {
    let (program, args) = cmd.split_first().ok_or_else(|| SourceError::Spawn {
        program: String::new(),
        error: "empty command".into(),
    })?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| SourceError::Spawn {
            program: program.clone(),
            error: e.to_string(),
        })?;
    // Writing and reading on threads: a child that does not read its stdin, or writes a
    // lot before reading, cannot block the node.
    let writer = child.stdin.take().map(|mut w| {
        let input = input.to_string();
        std::thread::spawn(move || {
            let _ = w.write_all(input.as_bytes());
        })
    });
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        pipe.map(|p| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = p.take(MAX_ANSWER as u64).read_to_end(&mut buf);
                buf
            })
        })
    };
    let out = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SourceError::Timeout(timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                return Err(SourceError::Spawn {
                    program: program.clone(),
                    error: e.to_string(),
                })
            }
        }
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    let collect = |h: Option<std::thread::JoinHandle<Vec<u8>>>| {
        h.and_then(|h| h.join().ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    let stdout = collect(out);
    let stderr = collect(err);
    if !status.success() {
        return Err(SourceError::Exit {
            status: status.to_string(),
            stderr: stderr.trim().chars().take(300).collect(),
        });
    }
    Ok(stdout)
}

fn bad(answer: &str, reason: impl Into<String>) -> SourceError {
    SourceError::Answer {
        answer: answer.chars().take(100).collect(),
        reason: reason.into(),
    }
}

/// A number: `101.25`, `-1.5e-3`, or the same as a JSON string; within the contracts'
/// ±MAX_ABS_VALUE.
pub fn parse_number(answer: &str) -> Result<SignedDecimal, SourceError> {
    let t = answer.trim();
    let t = t
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(t);
    number(t).map_err(|reason| bad(answer, reason))
}

fn number(t: &str) -> Result<SignedDecimal, String> {
    let f = Fixed::from_str(t).map_err(|e| e.to_string())?;
    let max = Fixed::from_int(i128::from(MAX_ABS_VALUE)).map_err(|e| e.to_string())?;
    if f > max || f < Fixed::ZERO.checked_sub(max).map_err(|e| e.to_string())? {
        return Err(format!("outside ±{MAX_ABS_VALUE}"));
    }
    Ok(SignedDecimal::raw(f.raw()))
}

/// A forecast: `[{"inferer": <actor index>, "value": <number or string>}, ...]`.
pub fn parse_forecast(answer: &str) -> Result<Vec<ForecastElement>, SourceError> {
    let v: Value =
        serde_json::from_str(answer.trim()).map_err(|e| bad(answer, format!("not JSON: {e}")))?;
    let items = v
        .as_array()
        .ok_or_else(|| bad(answer, "expected a JSON array of {\"inferer\", \"value\"}"))?;
    items
        .iter()
        .map(|item| {
            let inferer = item
                .get("inferer")
                .and_then(Value::as_u64)
                .and_then(|i| u32::try_from(i).ok())
                .ok_or_else(|| bad(answer, "an element has no \"inferer\" actor index"))?;
            let value = match item.get("value") {
                Some(Value::Number(n)) => number(&n.to_string()),
                Some(Value::String(s)) => number(s),
                _ => Err("an element has no numeric \"value\"".to_string()),
            }
            .map_err(|r| bad(answer, r))?;
            Ok(ForecastElement { inferer, value })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sh(script: &str) -> Source {
        Source {
            command: Some(vec!["sh".into(), "-c".into(), script.into()]),
            url: None,
            timeout_secs: 2,
        }
    }

    fn d(s: &str) -> SignedDecimal {
        SignedDecimal::from_str(s).unwrap()
    }

    #[test]
    fn a_command_reads_the_context_on_stdin() {
        let s = Sources::new().unwrap();
        // echoes the nonce it was given
        let src = sh("sed -e 's/.*\"nonce\":\\([0-9]*\\).*/\\1.5/'");
        let out = s.ask(&src, &json!({"topic_id": 1, "nonce": 41})).unwrap();
        assert_eq!(parse_number(&out).unwrap(), d("41.5"));
    }

    #[test]
    fn failures_are_errors_not_crashes() {
        let s = Sources::new().unwrap();
        let ctx = json!({});
        match s.ask(&sh("echo model broke >&2; exit 3"), &ctx) {
            Err(SourceError::Exit { stderr, .. }) => assert_eq!(stderr, "model broke"),
            other => panic!("{other:?}"),
        }
        let slow = Source {
            timeout_secs: 1,
            ..sh("sleep 5; echo 1")
        };
        let t = Instant::now();
        assert_eq!(s.ask(&slow, &ctx), Err(SourceError::Timeout(1)));
        assert!(t.elapsed() < Duration::from_secs(4), "the child was killed");
        let missing = Source {
            command: Some(vec!["/nonexistent/model".into()]),
            url: None,
            timeout_secs: 1,
        };
        assert!(matches!(
            s.ask(&missing, &ctx),
            Err(SourceError::Spawn { .. })
        ));
        // a source that ignores its stdin still works
        assert_eq!(s.ask(&sh("echo 7"), &ctx).unwrap().trim(), "7");
        // an HTTP endpoint nobody listens on
        let http = Source {
            command: None,
            url: Some("http://127.0.0.1:9/x".into()),
            timeout_secs: 1,
        };
        assert!(matches!(s.ask(&http, &ctx), Err(SourceError::Http(_))));
    }

    #[test]
    fn an_http_source_gets_the_context_posted() {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let addr = server.server_addr().to_ip().unwrap();
        let t = std::thread::spawn(move || {
            let mut req = server.recv().unwrap();
            let mut body = String::new();
            req.as_reader().read_to_string(&mut body).unwrap();
            let v: Value = serde_json::from_str(&body).unwrap();
            let answer = format!("{}", v["nonce"].as_u64().unwrap() * 2);
            req.respond(tiny_http::Response::from_string(answer))
                .unwrap();
        });
        let s = Sources::new().unwrap();
        let src = Source {
            command: None,
            url: Some(format!("http://{addr}/infer")),
            timeout_secs: 2,
        };
        let out = s.ask(&src, &json!({"nonce": 21})).unwrap();
        assert_eq!(parse_number(&out).unwrap(), d("42"));
        t.join().unwrap();
    }

    #[test]
    fn numbers_and_forecasts_parse() {
        assert_eq!(parse_number(" 101.25\n").unwrap(), d("101.25"));
        assert_eq!(parse_number("\"-3\"").unwrap(), d("-3"));
        assert_eq!(parse_number("1.5e-3").unwrap(), d("0.0015"));
        for bad in ["", "NaN", "inf", "1,5", "2000000000", "{\"x\": 1}"] {
            assert!(parse_number(bad).is_err(), "{bad}");
        }
        let f =
            parse_forecast(r#"[{"inferer": 3, "value": -2.5}, {"inferer": 0, "value": "1e-2"}]"#)
                .unwrap();
        assert_eq!(
            f,
            vec![
                ForecastElement {
                    inferer: 3,
                    value: d("-2.5")
                },
                ForecastElement {
                    inferer: 0,
                    value: d("0.01")
                }
            ]
        );
        assert_eq!(parse_forecast("[]").unwrap(), vec![]);
        for bad in [
            "3",
            "[{\"value\": 1}]",
            "[{\"inferer\": -1, \"value\": 1}]",
            "[{\"inferer\": 1}]",
        ] {
            assert!(parse_forecast(bad).is_err(), "{bad}");
        }
    }
}
