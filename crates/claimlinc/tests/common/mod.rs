//! Test harness: a real ClaimLinc server on a free port, on SQLite or on PostgreSQL.
//!
//! PostgreSQL tests create a fresh database per test (dropped afterwards) on the server named by
//! `CLAIMLINC_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`). When it is
//! unreachable they are skipped with a note, except under `CI=true`, where that is a failure.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use serde_json::Value;
use sqlx::Connection;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Generates one `#[tokio::test]` per engine for an `async fn(Engine)`.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::common::Engine::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::common::Engine::Postgres).await;
                }
            }
        )*
    };
}

pub fn admin_url() -> String {
    std::env::var("CLAIMLINC_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A database for one test: a temp directory for SQLite, a fresh PostgreSQL database otherwise.
pub struct TestDb {
    pub engine: Engine,
    pub dir: TempDir,
    /// `None` on SQLite (the server uses the data directory).
    pub url: Option<String>,
    pg_name: Option<String>,
}

impl TestDb {
    /// `None` when PostgreSQL is unreachable outside CI (the test is then skipped).
    pub async fn new(engine: Engine) -> Option<TestDb> {
        let dir = tempfile::tempdir().expect("temp dir");
        match engine {
            Engine::Sqlite => Some(TestDb {
                engine,
                dir,
                url: None,
                pg_name: None,
            }),
            Engine::Postgres => {
                let admin = admin_url();
                let mut conn = match sqlx::PgConnection::connect(&admin).await {
                    Ok(conn) => conn,
                    Err(e) if !in_ci() => {
                        eprintln!("SKIPPED: PostgreSQL unreachable at {admin}: {e}");
                        return None;
                    }
                    Err(e) => panic!("PostgreSQL unreachable at {admin} under CI=true: {e}"),
                };
                let name = format!("claimlinc_t_{}", uuid::Uuid::new_v4().simple());
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                Some(TestDb {
                    engine,
                    dir,
                    url: Some(format!("{base}/{name}")),
                    pg_name: Some(name),
                })
            }
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn store_config(&self) -> store::StoreConfig {
        store::StoreConfig {
            database_url: self.url.clone(),
            data_dir: self.dir.path().to_owned(),
            max_connections: 8,
        }
    }

    /// A direct connection, for checks the API cannot make (raw row counts, injected faults).
    pub async fn raw(&self) -> RawDb {
        match &self.url {
            None => RawDb::Sqlite(
                sqlx::SqliteConnection::connect(&format!(
                    "sqlite:{}",
                    self.dir.path().join("claimlinc.db").display()
                ))
                .await
                .expect("sqlite"),
            ),
            Some(url) => {
                let mut conn = sqlx::PgConnection::connect(url).await.expect("postgres");
                sqlx::query("SET search_path TO healthcare")
                    .execute(&mut conn)
                    .await
                    .expect("search_path");
                RawDb::Postgres(conn)
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // Drop runs outside async; use a short-lived runtime on its own thread.
        let admin = admin_url();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await;
                }
            });
        })
        .join();
    }
}

pub enum RawDb {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl RawDb {
    pub async fn count(&mut self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        match self {
            RawDb::Sqlite(c) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(c)
                    .await
            }
            RawDb::Postgres(c) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(c)
                    .await
            }
        }
        .expect("count")
    }

    pub async fn execute(&mut self, sql: &str) {
        match self {
            RawDb::Sqlite(c) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(c)
                .await
                .map(|_| ()),
            RawDb::Postgres(c) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(c)
                .await
                .map(|_| ()),
        }
        .expect("execute");
    }
}

/// A running server and a client pointed at it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub client: reqwest::Client,
    pub db: TestDb,
}

pub async fn spawn_app(engine: Engine) -> Option<TestApp> {
    spawn_app_with(engine, api::Limits::default()).await
}

pub async fn spawn_app_with(engine: Engine, limits: api::Limits) -> Option<TestApp> {
    let db = TestDb::new(engine).await?;
    let store = store::Store::connect(&db.store_config())
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    let state = api::AppState::new(store, limits).expect("state");
    let server = api::Server::bind("127.0.0.1:0".parse().expect("addr"), state)
        .await
        .expect("bind");
    let addr = server.local_addr().expect("addr");
    tokio::spawn(server.run(std::future::pending(), Duration::from_secs(5)));
    Some(TestApp {
        addr,
        base: format!("http://{addr}"),
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client"),
        db,
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post_claim(&self, body: &Value) -> reqwest::Response {
        self.post_raw(
            serde_json::to_vec(body).expect("json"),
            "application/fhir+json",
        )
        .await
    }

    pub async fn post_raw(&self, body: Vec<u8>, content_type: &str) -> reqwest::Response {
        self.client
            .post(self.url("/claims"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("POST /claims")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("json body")
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/nphies")
}

pub fn fixture(name: &str) -> Value {
    let path = fixtures().join(name);
    serde_json::from_slice(&std::fs::read(&path).expect("read fixture")).expect("fixture JSON")
}

/// The professional claim sample that acceptance tests start from.
pub const PROFESSIONAL_CLAIM: &str = "nphies-fhir-docs/10 - Claim Professional Request.json";

/// A sample with a new Bundle id and claim number, so it is stored as a new claim.
pub fn fresh_copy(sample: &Value, n: usize) -> Value {
    let mut bundle = sample.clone();
    bundle["id"] = Value::String(uuid::Uuid::new_v4().to_string());
    for entry in bundle["entry"].as_array_mut().expect("entries") {
        if entry["resource"]["resourceType"] == "Claim" {
            let number = format!("test-{n}-{}", uuid::Uuid::new_v4().simple());
            entry["resource"]["identifier"][0]["value"] = Value::String(number);
        }
    }
    bundle
}

/// Sets the provider license everywhere the bundle states it (provider Organization and sender).
pub fn set_provider_license(bundle: &mut Value, license: &str) {
    const SYSTEM: &str = "http://nphies.sa/license/provider-license";
    for entry in bundle["entry"].as_array_mut().expect("entries") {
        let resource = &mut entry["resource"];
        if resource["resourceType"] == "MessageHeader" {
            resource["sender"]["identifier"]["value"] = Value::String(license.into());
        }
        if resource["resourceType"] == "Organization" {
            for id in resource["identifier"].as_array_mut().into_iter().flatten() {
                if id["system"] == SYSTEM {
                    id["value"] = Value::String(license.into());
                }
            }
        }
    }
}

/// Index of the first entry holding a resource of `kind`.
pub fn entry_of(bundle: &Value, kind: &str) -> usize {
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .position(|e| e["resource"]["resourceType"] == kind)
        .expect("entry")
}

/// `tests/fixtures/nphies/claim-samples.json`: the claim samples and the facts they state.
pub fn claim_samples() -> Vec<Value> {
    fixture("claim-samples.json")
        .as_array()
        .expect("manifest")
        .clone()
}
