//! `claimlinc`: the one binary. It reads settings, sets up logging, opens the store and runs a
//! subcommand; everything else lives in the library crates.

mod check;
mod config;

use anyhow::Context;
use clap::{Parser, Subcommand};
use config::{LogFormat, SettingArgs, Settings};
use std::process::ExitCode;
use store::Store;
use tracing_subscriber::EnvFilter;

// Parsing JSON bundles is mostly allocation; mimalloc halves its cost (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "claimlinc",
    version,
    about = "ClaimLinc: a claims engine between a hospital and NPHIES",
    long_about = "ClaimLinc accepts NPHIES FHIR message bundles, stores them and tracks each \
                  claim. With no configuration it runs on SQLite in ./claimlinc-data."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (applies pending migrations first).
    Serve(SettingArgs),
    /// Apply pending database migrations and exit.
    Migrate(SettingArgs),
    /// Validate NPHIES message bundles (files, or directories of .json files) against the rule
    /// catalogue. Exit 0: all valid; 1: some file has an error; 2: a path cannot be read.
    Validate {
        #[arg(required = true, value_name = "FILE|DIR")]
        paths: Vec<std::path::PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: check::ReportFormat,
    },
    /// Print the validation rule catalogue.
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        format: check::RulesFormat,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The offline tools need neither settings nor a database.
    match &cli.command {
        Command::Validate { paths, format } => return check::validate(paths, *format),
        Command::Rules { format } => return check::rules(*format),
        Command::Serve(_) | Command::Migrate(_) => {}
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("claimlinc: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let args = match &cli.command {
        Command::Serve(args) | Command::Migrate(args) => args,
        Command::Validate { .. } | Command::Rules { .. } => return Ok(()),
    };
    let settings = Settings::resolve(args)?;
    init_logging(&settings)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match cli.command {
            Command::Serve(_) => serve(settings).await,
            Command::Migrate(_) => migrate(settings).await,
            Command::Validate { .. } | Command::Rules { .. } => Ok(()),
        }
    })
}

fn init_logging(settings: &Settings) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&settings.log_level)
        .with_context(|| format!("invalid log filter \"{}\"", settings.log_level))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match settings.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => {
            use std::io::IsTerminal;
            builder
                .with_ansi(std::io::stderr().is_terminal())
                .try_init()
        }
    };
    result.map_err(|e| anyhow::anyhow!("cannot set up logging: {e}"))
}

async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::connect(&settings.store_config())
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                settings.database_description()
            )
        })?;
    store.migrate().await.with_context(|| {
        format!(
            "cannot migrate the database {}",
            settings.database_description()
        )
    })?;
    Ok(store)
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    let store = open_store(&settings).await?;
    store.close().await;
    tracing::info!(database = %settings.database_description(), "migrations applied");
    Ok(())
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let store = open_store(&settings).await?;
    let state = api::AppState::new(
        store,
        api::Limits {
            max_body_bytes: settings.max_body_bytes,
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let server = api::Server::bind(settings.listen, state)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (--listen / CLAIMLINC_LISTEN)",
                settings.listen
            )
        })?;
    let addr = server.local_addr()?;
    tracing::info!(
        address = %addr,
        database = %settings.database_description(),
        "ClaimLinc is serving on http://{addr}"
    );
    server
        .run(shutdown_signal(), settings.shutdown_grace)
        .await
        .context("the HTTP server failed")?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on SIGTERM or SIGINT (Ctrl-C).
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!(signal = "SIGINT", "shutdown requested"),
        () = terminate => tracing::info!(signal = "SIGTERM", "shutdown requested"),
    }
}
