use super::*;

const MINIMAL: &str = r#"
[chain]
rpc = "http://127.0.0.1:26657"
chain_id = "nous-local-1"
gas_price = "0.025unous"
deployment = "deployments/nous-local-1.json"

[[worker]]
topic = 1
inference = { command = ["python3", "model.py"] }
"#;

#[test]
fn a_minimal_config_gets_the_defaults() {
    let c = Config::parse(MINIMAL).unwrap();
    assert_eq!(c.chain.rpc.list(), vec!["http://127.0.0.1:26657"]);
    assert_eq!(c.chain.gas_adjustment, Decimal::percent(130));
    assert_eq!(c.key.mnemonic_env, "NOUS_MNEMONIC");
    assert_eq!(c.key.index, 0);
    assert_eq!(c.node.state_file, PathBuf::from("nous-node-state.json"));
    assert_eq!(c.node.metrics, None);
    assert_eq!(c.node.tx_timeout_blocks, 10);
    assert_eq!(c.workers.len(), 1);
    assert!(!c.workers[0].register);
    assert_eq!(c.workers[0].inference.as_ref().unwrap().timeout_secs, 10);
    assert_eq!(c.gas_price().denom, "unous");
}

#[test]
fn paths_are_relative_to_the_config_file() {
    let dir = std::env::temp_dir().join(format!("nous-node-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("node.toml");
    std::fs::write(
        &path,
        format!("{MINIMAL}\n[key]\nmnemonic_file = \"secret/words\"\n"),
    )
    .unwrap();
    let c = Config::load(&path).unwrap();
    assert_eq!(
        c.chain.deployment,
        dir.join("deployments/nous-local-1.json")
    );
    assert_eq!(c.node.state_file, dir.join("nous-node-state.json"));
    assert_eq!(c.key.mnemonic_file, Some(dir.join("secret/words")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_role_and_option_parses() {
    let c = Config::parse(
        r#"
[chain]
rpc = ["http://a:26657", "https://b"]
chain_id = "x-1"
gas_price = "0.1uatom"
gas_adjustment = "1.5"
deployment = "/d.json"
prefix = "cosmos"

[key]
mnemonic_env = "MY_WORDS"
index = 3

[node]
state_file = "/var/lib/nous/state.json"
metrics = "127.0.0.1:9464"
poll_ms = 250

[[worker]]
topic = 1
register = true
owner = "cosmos1owner"
inference = { url = "http://127.0.0.1:8000/infer", timeout_secs = 2 }
forecast = { command = ["./forecast"] }

[[worker]]
topic = 2
forecast = { command = ["./forecast", "--topic", "2"] }

[[reputer]]
topic = 1
truth = { url = "https://oracle.example/truth" }
stake = "minimum"

[[reputer]]
topic = 2
truth = { command = ["./truth"] }
stake = "250000000"

[[keeper]]
topic = 1
every_blocks = 2
process_removals = true
max_gas_per_call = 2000000
"#,
    )
    .unwrap();
    assert_eq!(c.chain.rpc.list().len(), 2);
    assert_eq!(c.key.index, 3);
    assert_eq!(c.workers.len(), 2);
    assert_eq!(c.reputers[0].stake, Some(StakeTarget::Minimum));
    assert_eq!(
        c.reputers[1].stake,
        Some(StakeTarget::Amount(Uint128::new(250_000_000)))
    );
    let k = &c.keepers[0];
    assert!(k.activate && k.close_windows && k.settle && k.process_removals);
    assert_eq!(k.max_limit, 10);
}

fn err(text: &str) -> String {
    Config::parse(text).unwrap_err().to_string()
}

#[test]
fn mistakes_are_refused_with_what_to_do() {
    let base = MINIMAL.replace(
        "[[worker]]\ntopic = 1\ninference = { command = [\"python3\", \"model.py\"] }\n",
        "",
    );
    assert!(err(&base).contains("no role"));
    assert!(err(&format!("{MINIMAL}\n[key]\nmnemonic = \"a b c\"\n"))
        .contains("never put in the config"));
    assert!(err(&format!(
        "{MINIMAL}\n[[worker]]\ntopic = 1\ninference = {{ command = [\"x\"] }}\n"
    ))
    .contains("two [[worker]] entries for topic 1"));
    assert!(err(&format!("{base}\n[[worker]]\ntopic = 4\n"))
        .contains("an inference source, a forecast source or both"));
    assert!(err(&format!(
        "{base}\n[[worker]]\ntopic = 4\ninference = {{ command = [\"x\"], url = \"http://y\" }}\n"
    ))
    .contains("exactly one of command"));
    assert!(err(&format!(
        "{base}\n[[worker]]\ntopic = 4\ninference = {{ url = \"ftp://y\" }}\n"
    ))
    .contains("must start with http"));
    assert!(err(&format!(
        "{base}\n[[reputer]]\ntopic = 4\ntruth = {{ command = [\"t\"] }}\nstake = \"lots\"\n"
    ))
    .contains("expected \"minimum\" or an amount"));
    assert!(err(&MINIMAL.replace("0.025unous", "0.025")).contains("chain.gas_price"));
    assert!(err(&format!("{MINIMAL}\n[node]\nmetrics = \"9464\"\n")).contains("host:port"));
    assert!(err(&format!("{MINIMAL}\n[node]\ncolour = true\n")).contains("unknown field"));
    assert!(err(&format!(
        "{base}\n[[keeper]]\ntopic = 1\nevery_blocks = 0\n"
    ))
    .contains("at least 1"));
}
