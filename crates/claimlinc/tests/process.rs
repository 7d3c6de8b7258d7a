//! The `claimlinc` binary as a process: start-up configuration, graceful shutdown under load,
//! and what it writes to its logs.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::*;
use futures::StreamExt;
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_claimlinc");

/// A `claimlinc` command with none of the caller's ClaimLinc settings leaking in.
fn claimlinc(cwd: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(cwd).kill_on_drop(true);
    for (key, _) in std::env::vars() {
        if key.starts_with("CLAIMLINC_") || key == "DATABASE_URL" {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// A running server process and everything it has logged so far.
struct Process {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

async fn start(mut cmd: Command) -> Process {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn claimlinc");
    let stderr = child.stderr.take().expect("stderr");
    let log = Arc::new(Mutex::new(Vec::new()));
    let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
    let sink = log.clone();
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        let mut addr_tx = Some(addr_tx);
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("ClaimLinc is serving") {
                let parsed: Value = serde_json::from_str(&line).expect("JSON log line");
                if let Some(tx) = addr_tx.take() {
                    let _ = tx.send(parsed["address"].as_str().expect("address").to_owned());
                }
            }
            sink.lock().unwrap().push(line);
        }
    });
    let addr = tokio::time::timeout(Duration::from_secs(60), addr_rx)
        .await
        .unwrap_or_else(|_| panic!("server did not start: {:?}", log.lock().unwrap()))
        .expect("server exited before serving");
    Process { child, addr, log }
}

fn server_command(db: &TestDb) -> Command {
    let mut cmd = claimlinc(db.data_dir());
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
        .arg("--data-dir")
        .arg(db.data_dir());
    if let Some(url) = &db.url {
        cmd.env("DATABASE_URL", url);
    }
    cmd
}

fn sigterm(child: &Child) {
    let pid = nix::unistd::Pid::from_raw(child.id().expect("pid") as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("SIGTERM");
}

/// Patient names, identifiers, phone numbers and birth dates in every claim sample.
fn sample_phi() -> HashSet<String> {
    let mut phi = HashSet::new();
    for sample in claim_samples() {
        let bundle = fixture(sample["file"].as_str().unwrap());
        for entry in bundle["entry"].as_array().unwrap() {
            let r = &entry["resource"];
            if r["resourceType"] != "Patient" {
                continue;
            }
            for id in r["identifier"].as_array().into_iter().flatten() {
                phi.insert(id["value"].as_str().unwrap().to_owned());
            }
            for name in r["name"].as_array().into_iter().flatten() {
                if let Some(text) = name["text"].as_str() {
                    phi.insert(text.to_owned());
                }
                if let Some(family) = name["family"].as_str() {
                    phi.insert(family.to_owned());
                }
                for given in name["given"].as_array().into_iter().flatten() {
                    phi.insert(given.as_str().unwrap().to_owned());
                }
            }
            for telecom in r["telecom"].as_array().into_iter().flatten() {
                phi.insert(telecom["value"].as_str().unwrap().to_owned());
            }
            if let Some(birth) = r["birthDate"].as_str() {
                phi.insert(birth.to_owned());
            }
        }
    }
    phi.retain(|v| v.len() >= 4);
    phi
}

on_both_engines!(sigterm_during_a_burst_loses_no_acknowledged_claim);

async fn sigterm_during_a_burst_loses_no_acknowledged_claim(engine: Engine) {
    let Some(db) = TestDb::new(engine).await else {
        return;
    };
    let server = start(server_command(&db)).await;
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    let samples: Vec<Value> = claim_samples()
        .iter()
        .map(|s| fixture(s["file"].as_str().unwrap()))
        .collect();
    let bundles: Vec<Value> = (0..800)
        .map(|n| fresh_copy(&samples[n % samples.len()], n))
        .collect();
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, Value)>::new()));
    let (enough_tx, enough_rx) = tokio::sync::oneshot::channel::<()>();
    let enough_tx = Arc::new(Mutex::new(Some(enough_tx)));

    let burst = {
        let acknowledged = acknowledged.clone();
        let client = client.clone();
        let base = base.clone();
        tokio::spawn(async move {
            futures::stream::iter(bundles)
                .for_each_concurrent(32, |bundle| {
                    let acknowledged = acknowledged.clone();
                    let enough_tx = enough_tx.clone();
                    let client = client.clone();
                    let url = format!("{base}/claims");
                    async move {
                        let sent = client
                            .post(url)
                            .header("content-type", "application/fhir+json")
                            .body(serde_json::to_vec(&bundle).unwrap())
                            .send()
                            .await;
                        // Only a complete 201 with its body counts as acknowledged.
                        let Ok(response) = sent else { return };
                        if response.status() != 201 {
                            return;
                        }
                        let Ok(body) = response.json::<Value>().await else {
                            return;
                        };
                        let id = body["id"].as_str().unwrap().to_owned();
                        let mut done = acknowledged.lock().unwrap();
                        done.push((id, bundle));
                        if done.len() >= 150
                            && let Some(tx) = enough_tx.lock().unwrap().take()
                        {
                            let _ = tx.send(());
                        }
                    }
                })
                .await;
        })
    };

    enough_rx
        .await
        .expect("150 claims acknowledged before the signal");
    sigterm(&server.child);
    burst.await.unwrap();
    let mut child = server.child;
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("exits after SIGTERM")
        .unwrap();
    assert!(status.success(), "clean exit after SIGTERM: {status:?}");
    let first_log = server.log.lock().unwrap().clone();
    assert!(
        first_log
            .iter()
            .any(|l| l.contains("\"signal\":\"SIGTERM\""))
    );

    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 150);
    assert!(acknowledged.len() < 800, "the signal should land mid-burst");

    // Every acknowledged claim is there after a restart, whole.
    let server = start(server_command(&db)).await;
    let base = format!("http://{}", server.addr);
    for (id, sent) in &acknowledged {
        let claim: Value = client
            .get(format!("{base}/claims/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(claim["id"], id.as_str(), "acknowledged claim {id} lost");
        assert_eq!(claim["status"], "accepted");
        assert!(!claim["items"].as_array().unwrap().is_empty());
        assert_eq!(claim["history"].as_array().unwrap().len(), 1);
        let stored: Value = client
            .get(format!("{base}/claims/{id}/bundle"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(&stored, sent);
    }
    let mut raw = db.raw().await;
    let claims = raw.count("claims").await;
    assert!(claims >= acknowledged.len() as i64);
    // Nothing half-stored: every claim row has its items, its first event and its audit row.
    assert_eq!(
        raw.count(
            "claims c WHERE NOT EXISTS (SELECT 1 FROM claim_items i WHERE i.claim_id = c.id)"
        )
        .await,
        0
    );
    assert_eq!(raw.count("claim_events").await, claims);
    assert_eq!(
        raw.count("audit_logs WHERE entity_type = 'claim'").await,
        claims
    );

    sigterm(&server.child);
    let mut child = server.child;
    tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("exits")
        .unwrap();

    // The logs carry claim_received events, and no patient data.
    let mut log = first_log;
    log.extend(server.log.lock().unwrap().iter().cloned());
    let received = log
        .iter()
        .filter(|l| l.contains("\"event\":\"claim_received\""))
        .count();
    assert!(
        received >= acknowledged.len(),
        "{received} claim_received lines"
    );
    let phi = sample_phi();
    assert!(phi.contains("Mariyam Khaled Osman") && phi.contains("+966512345691"));
    for line in &log {
        let parsed: Value = serde_json::from_str(line).expect("every log line is JSON");
        assert!(parsed["level"].is_string());
        // Text is where PHI could hide; numbers (latencies) only give false alarms.
        let mut texts = Vec::new();
        strings_in(&parsed, &mut texts);
        for text in texts {
            for value in &phi {
                assert!(
                    !text.contains(value.as_str()),
                    "PHI {value:?} in log line {line}"
                );
            }
        }
    }
}

fn strings_in<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| strings_in(v, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            out.push(k);
            strings_in(v, out);
        }),
        _ => {}
    }
}

async fn run_to_failure(mut cmd: Command) -> String {
    let output = tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("exits")
        .expect("runs");
    assert!(!output.status.success(), "should refuse to start");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn bad_settings_stop_the_start_and_name_the_setting() {
    let dir = tempfile::tempdir().unwrap();

    let mut cmd = claimlinc(dir.path());
    cmd.arg("serve");
    cmd.env("CLAIMLINC_LISTEN", "nowhere");
    let err = run_to_failure(cmd).await;
    assert!(
        err.contains("--listen") && err.contains("CLAIMLINC_LISTEN"),
        "{err}"
    );

    let mut cmd = claimlinc(dir.path());
    cmd.arg("serve");
    cmd.env("DATABASE_URL", "mysql://db/claims");
    let err = run_to_failure(cmd).await;
    assert!(err.contains("DATABASE_URL"), "{err}");

    std::fs::write(
        dir.path().join("bad.toml"),
        "listen = \"127.0.0.1:1\"\nport = 9\n",
    )
    .unwrap();
    let mut cmd = claimlinc(dir.path());
    cmd.arg("serve");
    cmd.args(["--config", "bad.toml"]);
    let err = run_to_failure(cmd).await;
    assert!(err.contains("port"), "{err}");

    let mut cmd = claimlinc(dir.path());
    cmd.arg("serve");
    cmd.args(["--config", "missing.toml"]);
    let err = run_to_failure(cmd).await;
    assert!(err.contains("missing.toml"), "{err}");

    let mut cmd = claimlinc(dir.path());
    cmd.arg("serve");
    cmd.env("CLAIMLINC_DB_MAX_CONNECTIONS", "many");
    let err = run_to_failure(cmd).await;
    assert!(
        err.contains("--db-max-connections") && err.contains("CLAIMLINC_DB_MAX_CONNECTIONS"),
        "{err}"
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut cmd = claimlinc(dir.path());
    cmd.arg("serve");
    cmd.args(["--listen", &busy.local_addr().unwrap().to_string()]);
    let err = run_to_failure(cmd).await;
    assert!(
        err.contains("cannot listen") && err.contains("--listen"),
        "{err}"
    );

    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let mut cmd = claimlinc(dir.path());
    cmd.arg("serve");
    cmd.arg("--data-dir").arg(&file);
    let err = run_to_failure(cmd).await;
    assert!(err.contains("--data-dir"), "{err}");
}

#[tokio::test]
async fn migrate_prepares_an_empty_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let status = claimlinc(dir.path())
        .args(["migrate", "--data-dir", "fresh"])
        .stderr(Stdio::null())
        .status()
        .await
        .unwrap();
    assert!(status.success());
    assert!(dir.path().join("fresh/claimlinc.db").exists());
    // Running it again is a no-op.
    let status = claimlinc(dir.path())
        .args(["migrate", "--data-dir", "fresh"])
        .stderr(Stdio::null())
        .status()
        .await
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn serve_with_no_configuration_uses_the_documented_defaults() {
    if std::net::TcpListener::bind("127.0.0.1:8000").is_err() {
        panic!("this test needs 127.0.0.1:8000, the default address, to be free");
    }
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = claimlinc(dir.path());
    cmd.arg("serve");
    let server = start(cmd).await;
    assert_eq!(server.addr, "127.0.0.1:8000");
    assert!(dir.path().join("claimlinc-data/claimlinc.db").exists());
    let bytes = std::fs::read(fixtures().join(PROFESSIONAL_CLAIM)).unwrap();
    let response = reqwest::Client::new()
        .post("http://127.0.0.1:8000/claims")
        .header("content-type", "application/fhir+json")
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    sigterm(&server.child);
    let mut child = server.child;
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("exits")
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn validate_command_reports_and_exits_by_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let samples = fixtures();
    let run = |args: Vec<std::ffi::OsString>| {
        let mut cmd = claimlinc(dir.path());
        cmd.args(args);
        async move {
            let output = cmd.output().await.unwrap();
            (
                output.status.code(),
                String::from_utf8_lossy(&output.stdout).into_owned(),
                String::from_utf8_lossy(&output.stderr).into_owned(),
            )
        }
    };
    let valid = samples.join("nphies-fhir-docs/Preauth Professional Outpatient Request.json");
    let invalid = samples.join("xactasolutionsai/NPHIES_Professional_Lab_Bundle_Example.json");

    // 0: valid; the report says so.
    let (code, out, _) = run(vec!["validate".into(), valid.clone().into()]).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("valid (0 errors, 0 warnings)"), "{out}");

    // 1: any error; each finding with its rule id and path.
    let (code, out, _) = run(vec![
        "validate".into(),
        valid.clone().into(),
        invalid.clone().into(),
    ])
    .await;
    assert_eq!(code, Some(1));
    assert!(out.contains("BV-00341  Bundle.id"), "{out}");

    // A directory: every .json under it.
    let (code, out, _) = run(vec![
        "validate".into(),
        samples.join("xactasolutionsai").into(),
    ])
    .await;
    assert_eq!(code, Some(1));
    assert_eq!(
        out.lines().filter(|l| l.contains(".json: ")).count(),
        9,
        "{out}"
    );

    // --format json: the OperationOutcome per file.
    let (code, out, _) = run(vec![
        "validate".into(),
        "--format".into(),
        "json".into(),
        invalid.into(),
    ])
    .await;
    assert_eq!(code, Some(1));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report[0]["valid"], false);
    assert_eq!(report[0]["outcome"]["resourceType"], "OperationOutcome");
    assert!(
        report[0]["outcome"]["issue"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["expression"][0] == "Bundle.id")
    );

    // A file that is not JSON is invalid (1), not unreadable.
    std::fs::write(dir.path().join("broken.json"), "{nope").unwrap();
    let (code, out, _) = run(vec![
        "validate".into(),
        dir.path().join("broken.json").into(),
    ])
    .await;
    assert_eq!(code, Some(1));
    assert!(out.contains("not valid JSON"), "{out}");

    // 2: an unreadable path, or a usage error.
    let (code, _, err) = run(vec![
        "validate".into(),
        valid.into(),
        "no/such/file.json".into(),
    ])
    .await;
    assert_eq!(code, Some(2));
    assert!(err.contains("no/such/file.json"), "{err}");
    let (code, _, _) = run(vec!["validate".into()]).await;
    assert_eq!(code, Some(2));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, _, err) = run(vec!["validate".into(), empty.into()]).await;
    assert_eq!(code, Some(2));
    assert!(err.contains("no .json files"), "{err}");
    let (code, _, _) = run(vec![
        "validate".into(),
        "--format".into(),
        "xml".into(),
        "x.json".into(),
    ])
    .await;
    assert_eq!(code, Some(2));
}

#[tokio::test]
async fn rules_command_prints_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let output = claimlinc(dir.path()).arg("rules").output().await.unwrap();
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.lines().count() >= 150, "at least 150 rules");
    assert!(text.lines().any(|l| l.starts_with("BV-00251")));
    let markdown = claimlinc(dir.path())
        .args(["rules", "--format", "markdown"])
        .output()
        .await
        .unwrap();
    let docs = std::fs::read_to_string(fixtures().join("../../../docs/rules.md")).unwrap();
    assert_eq!(String::from_utf8_lossy(&markdown.stdout), docs);
}

#[tokio::test]
async fn offline_tools_ignore_server_settings() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = claimlinc(dir.path());
    cmd.env("CLAIMLINC_LISTEN", "bogus")
        .env("DATABASE_URL", "mysql://x")
        .arg("rules");
    let output = cmd.output().await.unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let help = claimlinc(dir.path())
        .args(["validate", "--help"])
        .output()
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("--listen"));
}
