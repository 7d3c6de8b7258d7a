//! ClaimLinc persistence: one behaviour on two engines.
//!
//! SQLite is the embedded default (WAL mode, one writer connection and a pool of readers);
//! PostgreSQL is chosen by a `postgres://` URL and keeps every table in schema `healthcare`.
//! Queries are written once and compiled for each engine by [`on_pool!`]: the SQL and the Rust
//! around it are the same text, so the engines cannot drift apart. Only the migrations differ,
//! and only in column types.

pub mod amount;
mod claims;
mod patients;
mod submit;

pub use claims::{
    ClaimDetail, ClaimEvent, ClaimFilter, ClaimFinding, ClaimItem, ClaimPage, ClaimRecord,
    ClaimStatus, Cursor,
};
pub use patients::PatientRecord;
pub use submit::{NewClaim, Submission};

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// The PostgreSQL schema that holds ClaimLinc's tables.
pub const PG_SCHEMA: &str = "healthcare";

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static PG_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Runs `$body` with `$pool` bound to the read pool of whichever engine `$store` is (SQLite's
/// readers, or PostgreSQL's one pool). The body is compiled once per engine, so a query is
/// written once. Writes go through the committer instead (see `submit`).
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store {
            $crate::Store::Sqlite(db) => {
                let $pool = &db.reader;
                $body
            }
            $crate::Store::Postgres(db) => {
                let $pool = &db.pool;
                $body
            }
        }
    };
}
pub(crate) use on_pool;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A configuration value is unusable; the message names the setting.
    #[error("{0}")]
    Config(String),
    // Not `#[source]`: the message already carries the cause, and error chains printed with
    // `{:#}` would repeat it.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    /// The request contradicts what is stored (a reused Bundle id or claim number).
    #[error("{0}")]
    Conflict(String),
    #[error("invalid pagination cursor")]
    InvalidCursor,
    /// The database cannot take the request now; the client may retry.
    #[error("{0}")]
    Unavailable(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        StoreError::Database(err)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migrate(err)
    }
}

impl StoreError {
    /// True when the database could not be reached (as opposed to refusing a statement): the
    /// request may succeed if retried.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Unavailable(_)
                | StoreError::Database(
                    sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
                )
        )
    }
}

/// Which engine a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// `postgres://…`, `sqlite:…`, or none for SQLite in `data_dir`.
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    /// Pool size (PostgreSQL) or reader pool size (SQLite, which always has one writer).
    pub max_connections: u32,
}

#[derive(Debug, Clone)]
pub struct SqliteDb {
    pub(crate) writer: SqlitePool,
    pub(crate) reader: SqlitePool,
    /// Every claim submission goes through here (see `submit`).
    pub(crate) committer: submit::Committer,
}

#[derive(Debug, Clone)]
pub struct PostgresDb {
    pub(crate) pool: PgPool,
    /// Every claim submission goes through here (see `submit`).
    pub(crate) committer: submit::Committer,
}

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqliteDb),
    Postgres(PostgresDb),
}

/// A snapshot of a connection pool, for the metrics endpoint.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub pool: &'static str,
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

impl Store {
    /// Opens the database the configuration names. Nothing is migrated yet: call
    /// [`Store::migrate`].
    pub async fn connect(config: &StoreConfig) -> Result<Store, StoreError> {
        let max = config.max_connections.max(1);
        match config.database_url.as_deref().map(str::trim) {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                let options = PgConnectOptions::from_str(url)
                    .map_err(|e| {
                        StoreError::Config(format!(
                            "DATABASE_URL (--database-url) is not a valid PostgreSQL URL: {e}"
                        ))
                    })?
                    .application_name("claimlinc")
                    .options([("search_path", PG_SCHEMA)]);
                // One direct connection first: a pool that cannot connect only reports a
                // timeout, this reports why (refused, unknown database, bad password...).
                let probe = tokio::time::timeout(
                    Duration::from_secs(10),
                    sqlx::PgConnection::connect_with(&options),
                )
                .await
                .map_err(|_| {
                    StoreError::Config("PostgreSQL did not answer within 10 s".into())
                })??;
                probe.close().await?;
                let pool = PgPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                // A quarter of the pool writes claims; the rest serves reads.
                let writers = (max as usize / 4).clamp(1, 4);
                let committer =
                    submit::Committer::start(submit::WriterPool::Postgres(pool.clone()), writers);
                Ok(Store::Postgres(PostgresDb { pool, committer }))
            }
            Some(url) if url.starts_with("sqlite:") => {
                let options = SqliteConnectOptions::from_str(url).map_err(|e| {
                    StoreError::Config(format!(
                        "DATABASE_URL (--database-url) is not a valid SQLite URL: {e}"
                    ))
                })?;
                Self::open_sqlite(options, max).await
            }
            Some(url) if !url.is_empty() => {
                let scheme = url.split(':').next().unwrap_or_default();
                Err(StoreError::Config(format!(
                    "DATABASE_URL (--database-url) has unsupported scheme \"{scheme}\": use postgres:// or sqlite:"
                )))
            }
            _ => {
                std::fs::create_dir_all(&config.data_dir).map_err(|e| {
                    StoreError::Config(format!(
                        "data directory {} (--data-dir / CLAIMLINC_DATA_DIR) cannot be created: {e}",
                        config.data_dir.display()
                    ))
                })?;
                let options =
                    SqliteConnectOptions::new().filename(config.data_dir.join("claimlinc.db"));
                Self::open_sqlite(options, max).await
            }
        }
    }

    async fn open_sqlite(options: SqliteConnectOptions, readers: u32) -> Result<Store, StoreError> {
        // WAL lets readers run beside the single writer. synchronous=FULL makes each commit
        // durable before the client hears 201, even across a power loss.
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(readers)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.read_only(true))
            .await?;
        let committer = submit::Committer::start(submit::WriterPool::Sqlite(writer.clone()), 1);
        Ok(Store::Sqlite(SqliteDb {
            writer,
            reader,
            committer,
        }))
    }

    /// Applies every pending migration. Safe to run from several processes at once: sqlx takes
    /// an advisory lock on PostgreSQL, and SQLite serialises writers.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(db) => SQLITE_MIGRATIONS.run(&db.writer).await?,
            Store::Postgres(db) => {
                let exists: Option<i32> = sqlx::query_scalar(
                    "SELECT 1 FROM information_schema.schemata WHERE schema_name = 'healthcare'",
                )
                .fetch_optional(&db.pool)
                .await?;
                if exists.is_none() {
                    sqlx::query("CREATE SCHEMA IF NOT EXISTS healthcare")
                        .execute(&db.pool)
                        .await?;
                }
                PG_MIGRATIONS.run(&db.pool).await?;
            }
        }
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        match self {
            Store::Sqlite(_) => Engine::Sqlite,
            Store::Postgres(_) => Engine::Postgres,
        }
    }

    /// Succeeds when the database answers a query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    pub fn pool_stats(&self) -> Vec<PoolStats> {
        match self {
            Store::Sqlite(db) => vec![
                PoolStats {
                    pool: "sqlite_writer",
                    size: db.writer.size(),
                    idle: db.writer.num_idle(),
                    max: db.writer.options().get_max_connections(),
                },
                PoolStats {
                    pool: "sqlite_reader",
                    size: db.reader.size(),
                    idle: db.reader.num_idle(),
                    max: db.reader.options().get_max_connections(),
                },
            ],
            Store::Postgres(db) => vec![PoolStats {
                pool: "postgres",
                size: db.pool.size(),
                idle: db.pool.num_idle(),
                max: db.pool.options().get_max_connections(),
            }],
        }
    }

    /// Waits for checked-out connections to come back, then closes every pool.
    pub async fn close(&self) {
        match self {
            Store::Sqlite(db) => {
                db.writer.close().await;
                db.reader.close().await;
            }
            Store::Postgres(db) => db.pool.close().await,
        }
    }
}

/// Who did something, for the audit trail and the status history.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub name: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The current time at the precision both engines keep (microseconds), so a value written and
/// read back compares equal.
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}
