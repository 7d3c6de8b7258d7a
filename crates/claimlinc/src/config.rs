//! Settings: each one a flag, an environment variable and a key of the optional TOML file.
//! A flag beats the environment, which beats the file, which beats the default.

use clap::{Args, ValueEnum};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8000";
pub const DEFAULT_DATA_DIR: &str = "./claimlinc-data";
pub const DEFAULT_DB_MAX_CONNECTIONS: u32 = 16;
pub const DEFAULT_SHUTDOWN_GRACE_SECS: u64 = 30;
/// PostgreSQL's "already exists, skipping" notices are not worth an info line at every start.
pub const DEFAULT_LOG_FILTER: &str = "info,sqlx::postgres::notice=warn";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line (for log shippers).
    Json,
    /// Human-readable lines.
    Text,
}

/// Settings given on the command line or in the environment. `None` means "not given here".
#[derive(Debug, Clone, Default, Args)]
pub struct SettingArgs {
    /// TOML file with any of the settings below (keys: listen, data_dir, database_url,
    /// log_format, log_level, max_body_bytes, db_max_connections, shutdown_grace_secs).
    #[arg(long, env = "CLAIMLINC_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Address to serve HTTP on [default: 127.0.0.1:8000].
    #[arg(long, env = "CLAIMLINC_LISTEN", value_name = "ADDR",
          value_parser = parsed::<SocketAddr>("--listen / CLAIMLINC_LISTEN", "an address like 127.0.0.1:8000"))]
    pub listen: Option<SocketAddr>,

    /// Directory for the SQLite database and other local state [default: ./claimlinc-data].
    #[arg(long, env = "CLAIMLINC_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// postgres://user@host/db for PostgreSQL, or sqlite:PATH [default: SQLite in the data
    /// directory].
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Log format, set by --log-format or CLAIMLINC_LOG_FORMAT [default: json].
    #[arg(long, env = "CLAIMLINC_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,

    /// Log filter, e.g. `info` or `api=debug,sqlx=warn` [default: info,sqlx::postgres::notice=warn].
    #[arg(long, env = "CLAIMLINC_LOG", value_name = "FILTER")]
    pub log_level: Option<String>,

    /// Largest accepted request body in bytes [default: 10485760, the NPHIES limit].
    #[arg(
        long,
        env = "CLAIMLINC_MAX_BODY_BYTES",
                value_name = "BYTES",
        value_parser = parsed::<usize>("--max-body-bytes / CLAIMLINC_MAX_BODY_BYTES", "a whole number of bytes")
    )]
    pub max_body_bytes: Option<usize>,

    /// Database connections per pool [default: 16].
    #[arg(
        long,
        env = "CLAIMLINC_DB_MAX_CONNECTIONS",
                value_name = "N",
        value_parser = parsed::<u32>("--db-max-connections / CLAIMLINC_DB_MAX_CONNECTIONS", "a whole number")
    )]
    pub db_max_connections: Option<u32>,

    /// Seconds to let requests in flight finish after SIGTERM/SIGINT [default: 30].
    #[arg(
        long,
        env = "CLAIMLINC_SHUTDOWN_GRACE_SECS",
                value_name = "SECS",
        value_parser = parsed::<u64>("--shutdown-grace-secs / CLAIMLINC_SHUTDOWN_GRACE_SECS", "a whole number of seconds")
    )]
    pub shutdown_grace_secs: Option<u64>,
}

/// A clap value parser whose error names the flag and the environment variable, since either
/// may have supplied the value.
fn parsed<T: std::str::FromStr>(
    setting: &'static str,
    expected: &'static str,
) -> impl Fn(&str) -> Result<T, String> + Clone {
    move |text| {
        text.parse()
            .map_err(|_| format!("{setting} must be {expected}"))
    }
}

/// The TOML file: the same settings, all optional. Unknown keys are refused so a typo is not
/// silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    log_format: Option<LogFormat>,
    log_level: Option<String>,
    max_body_bytes: Option<usize>,
    db_max_connections: Option<u32>,
    shutdown_grace_secs: Option<u64>,
}

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub log_format: LogFormat,
    pub log_level: String,
    pub max_body_bytes: usize,
    pub db_max_connections: u32,
    pub shutdown_grace: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path} (--config / CLAIMLINC_CONFIG): {reason}")]
    Read {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
}

impl Settings {
    pub fn resolve(args: &SettingArgs) -> Result<Settings, ConfigError> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileSettings::default(),
        };
        let file_name = args
            .config
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let listen = match (args.listen, &file.listen) {
            (Some(addr), _) => addr,
            (None, Some(text)) => text.parse().map_err(|_| {
                ConfigError::Invalid(format!(
                    "listen = \"{text}\" in {file_name} is not an address like 127.0.0.1:8000"
                ))
            })?,
            (None, None) => DEFAULT_LISTEN
                .parse()
                .map_err(|_| ConfigError::Invalid("default listen address".into()))?,
        };
        let max_body_bytes = args
            .max_body_bytes
            .or(file.max_body_bytes)
            .unwrap_or(api::DEFAULT_MAX_BODY_BYTES);
        if max_body_bytes < 1024 {
            return Err(ConfigError::Invalid(format!(
                "max_body_bytes (--max-body-bytes / CLAIMLINC_MAX_BODY_BYTES) is {max_body_bytes}; \
                 it must be at least 1024"
            )));
        }
        let db_max_connections = args
            .db_max_connections
            .or(file.db_max_connections)
            .unwrap_or(DEFAULT_DB_MAX_CONNECTIONS);
        if db_max_connections == 0 {
            return Err(ConfigError::Invalid(
                "db_max_connections (--db-max-connections / CLAIMLINC_DB_MAX_CONNECTIONS) must be at least 1"
                    .into(),
            ));
        }
        let log_level = args
            .log_level
            .clone()
            .or(file.log_level)
            .unwrap_or_else(|| DEFAULT_LOG_FILTER.into());
        if tracing_subscriber::EnvFilter::try_new(&log_level).is_err() {
            return Err(ConfigError::Invalid(format!(
                "log_level (--log-level / CLAIMLINC_LOG) \"{log_level}\" is not a valid filter"
            )));
        }
        let database_url = args
            .database_url
            .clone()
            .or(file.database_url)
            .filter(|u| !u.trim().is_empty());
        Ok(Settings {
            listen,
            data_dir: args
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
            database_url,
            log_format: args
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Json),
            log_level,
            max_body_bytes,
            db_max_connections,
            shutdown_grace: Duration::from_secs(
                args.shutdown_grace_secs
                    .or(file.shutdown_grace_secs)
                    .unwrap_or(DEFAULT_SHUTDOWN_GRACE_SECS),
            ),
        })
    }

    pub fn store_config(&self) -> store::StoreConfig {
        store::StoreConfig {
            database_url: self.database_url.clone(),
            data_dir: self.data_dir.clone(),
            max_connections: self.db_max_connections,
        }
    }

    /// Where the data lives, for the start-up log line, without any password.
    pub fn database_description(&self) -> String {
        match &self.database_url {
            None => format!("sqlite:{}", self.data_dir.join("claimlinc.db").display()),
            Some(url) => redact_password(url),
        }
    }
}

fn read_file(path: &Path) -> Result<FileSettings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|reason| ConfigError::Read {
        path: path.to_owned(),
        reason,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_with_nothing_given() {
        let s = Settings::resolve(&SettingArgs::default()).expect("defaults");
        assert_eq!(s.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(s.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(s.database_url, None);
        assert_eq!(s.max_body_bytes, 10 * 1024 * 1024);
        assert_eq!(s.log_format, LogFormat::Json);
    }

    #[test]
    fn file_fills_gaps_and_arguments_win() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("claimlinc.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9001\"\ndata_dir = \"/srv/claimlinc\"\nlog_format = \"text\"\n",
        )
        .expect("write");
        let mut args = SettingArgs {
            config: Some(path),
            ..SettingArgs::default()
        };
        let s = Settings::resolve(&args).expect("file");
        assert_eq!(s.listen.to_string(), "127.0.0.1:9001");
        assert_eq!(s.data_dir, PathBuf::from("/srv/claimlinc"));
        assert_eq!(s.log_format, LogFormat::Text);
        args.listen = Some("127.0.0.1:9002".parse().expect("addr"));
        assert_eq!(
            Settings::resolve(&args).expect("args").listen.to_string(),
            "127.0.0.1:9002"
        );
    }

    #[test]
    fn bad_settings_name_themselves() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "listne = \"x\"\n").expect("write");
        let err = Settings::resolve(&SettingArgs {
            config: Some(path.clone()),
            ..SettingArgs::default()
        })
        .expect_err("unknown key");
        assert!(err.to_string().contains("listne"), "{err}");

        std::fs::write(&path, "listen = \"nowhere\"\n").expect("write");
        let err = Settings::resolve(&SettingArgs {
            config: Some(path),
            ..SettingArgs::default()
        })
        .expect_err("bad address");
        assert!(err.to_string().contains("listen"), "{err}");

        let err = Settings::resolve(&SettingArgs {
            db_max_connections: Some(0),
            ..SettingArgs::default()
        })
        .expect_err("zero");
        assert!(err.to_string().contains("--db-max-connections"), "{err}");
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact_password("postgres://app:s3cret@db:5432/claims"),
            "postgres://app:***@db:5432/claims"
        );
        assert_eq!(
            redact_password("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
    }
}
