//! Structured logs: one JSON object per line on stdout, `{"ts": "2026-…Z", "level": "info",
//! "event": "submitted", …fields}`, so that any log shipper can index them. Lines are
//! written whole (the writer is locked per line); the node never logs a key or a mnemonic.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// Where log lines go: stdout, or a buffer (tests).
#[derive(Clone)]
pub struct Logger {
    sink: Arc<Mutex<Box<dyn Write + Send>>>,
    min: Level,
}

impl Logger {
    pub fn stdout(min: Level) -> Logger {
        Logger {
            sink: Arc::new(Mutex::new(Box::new(std::io::stdout()))),
            min,
        }
    }

    pub fn to(sink: Box<dyn Write + Send>, min: Level) -> Logger {
        Logger {
            sink: Arc::new(Mutex::new(sink)),
            min,
        }
    }

    /// Writes `{"ts", "level", "event", ...fields}` (fields must be a JSON object).
    pub fn log(&self, level: Level, event: &str, fields: Value) {
        if level < self.min {
            return;
        }
        let mut line = Map::new();
        line.insert("ts".into(), Value::String(rfc3339_now()));
        line.insert("level".into(), Value::String(level.as_str().into()));
        line.insert("event".into(), Value::String(event.into()));
        if let Value::Object(m) = fields {
            line.extend(m);
        }
        let mut text = Value::Object(line).to_string();
        text.push('\n');
        if let Ok(mut w) = self.sink.lock() {
            // A log line that cannot be written must not stop the node.
            let _ = w.write_all(text.as_bytes());
            let _ = w.flush();
        }
    }

    pub fn info(&self, event: &str, fields: Value) {
        self.log(Level::Info, event, fields)
    }
    pub fn warn(&self, event: &str, fields: Value) {
        self.log(Level::Warn, event, fields)
    }
    pub fn error(&self, event: &str, fields: Value) {
        self.log(Level::Error, event, fields)
    }
    pub fn debug(&self, event: &str, fields: Value) {
        self.log(Level::Debug, event, fields)
    }
}

/// The current UTC time as `YYYY-MM-DDThh:mm:ss.mmmZ`.
fn rfc3339_now() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(d.as_secs(), d.subsec_millis())
}

/// Unix seconds as an RFC 3339 UTC timestamp (the civil-from-days algorithm of
/// H. Hinnant's date library, for the proleptic Gregorian calendar).
fn rfc3339(secs: u64, millis: u32) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

/// A writer tests can read back.
#[cfg(test)]
#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

#[cfg(test)]
impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
impl Captured {
    pub fn lines(&self) -> Vec<Value> {
        String::from_utf8(self.0.lock().unwrap().clone())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(rfc3339(1_790_000_000, 999), "2026-09-21T14:13:20.999Z");
    }

    #[test]
    fn one_json_object_per_line() {
        let c = Captured::default();
        let log = Logger::to(Box::new(c.clone()), Level::Info);
        log.info("submitted", json!({"topic": 1, "nonce": 7}));
        log.debug("hidden", json!({}));
        log.error("refused", json!({"error": "a \"quoted\"\nline"}));
        let lines = c.lines();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["event"], "submitted");
        assert_eq!(lines[0]["level"], "info");
        assert_eq!(lines[0]["nonce"], 7);
        assert!(lines[0]["ts"].as_str().unwrap().ends_with('Z'));
        assert_eq!(lines[1]["error"], "a \"quoted\"\nline");
    }
}
