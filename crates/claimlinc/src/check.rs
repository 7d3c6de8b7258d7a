//! `claimlinc validate` and `claimlinc rules`: the validator from the command line.

use clap::ValueEnum;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use validation::{Report, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One line per finding: severity, rule id, path, message.
    Text,
    /// A JSON array of `{"file", "valid", "outcome"}`, the outcome a FHIR OperationOutcome.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    /// The text of docs/rules.md.
    Markdown,
}

/// Every `.json` file a path names: the file itself, or those under a directory (recursively,
/// in name order).
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut children: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        children.sort();
        for child in children {
            if child.is_dir() || child.extension().is_some_and(|e| e == "json") {
                collect(&child, out)?;
            }
        }
    } else {
        out.push(path.to_owned());
    }
    Ok(())
}

enum Outcome {
    Checked(Report),
    /// The file is not JSON: invalid, with the parser's position.
    NotJson(String),
}

/// "1 error", "2 errors".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Fatal => "fatal",
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information => "info",
    }
}

/// Validates files and directories; exit 0 when all are valid, 1 when any has an error, 2 when
/// a path cannot be read.
pub fn validate(paths: &[PathBuf], format: ReportFormat) -> ExitCode {
    let received = chrono::Utc::now();
    let mut files = Vec::new();
    let mut unreadable = false;
    for path in paths {
        if let Err(e) = collect(path, &mut files) {
            eprintln!("claimlinc: cannot read {}: {e}", path.display());
            unreadable = true;
        }
    }
    if files.is_empty() && !unreadable {
        eprintln!("claimlinc: no .json files under the given paths");
        return ExitCode::from(2);
    }
    let mut results = Vec::new();
    for file in &files {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("claimlinc: cannot read {}: {e}", file.display());
                unreadable = true;
                continue;
            }
        };
        let outcome = match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(value) => Outcome::Checked(validation::validate(&value, received)),
            Err(e) => Outcome::NotJson(format!(
                "not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            )),
        };
        results.push((file, outcome));
    }
    let invalid = results.iter().any(|(_, o)| match o {
        Outcome::Checked(report) => report.has_errors(),
        Outcome::NotJson(_) => true,
    });
    let mut stdout = std::io::stdout().lock();
    let written = match format {
        ReportFormat::Text => write_text(&mut stdout, &results),
        ReportFormat::Json => write_json(&mut stdout, &results),
    };
    if let Err(e) = written {
        eprintln!("claimlinc: cannot write the report: {e}");
        return ExitCode::from(2);
    }
    if unreadable || paths.is_empty() {
        ExitCode::from(2)
    } else if invalid {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn write_text(out: &mut impl Write, results: &[(&PathBuf, Outcome)]) -> std::io::Result<()> {
    for (file, outcome) in results {
        match outcome {
            Outcome::NotJson(why) => writeln!(out, "{}: invalid: {why}", file.display())?,
            Outcome::Checked(report) => {
                let errors = report.errors().count();
                let warnings = report
                    .findings
                    .iter()
                    .filter(|f| f.severity() == Severity::Warning)
                    .count();
                let verdict = if errors > 0 { "invalid" } else { "valid" };
                writeln!(
                    out,
                    "{}: {verdict} ({}, {})",
                    file.display(),
                    count(errors, "error"),
                    count(warnings, "warning")
                )?;
                for f in &report.findings {
                    writeln!(
                        out,
                        "  {:<7} {}  {}  {}",
                        severity_label(f.severity()),
                        f.rule.id,
                        f.expression,
                        f.message
                    )?;
                }
            }
        }
    }
    Ok(())
}

fn write_json(out: &mut impl Write, results: &[(&PathBuf, Outcome)]) -> std::io::Result<()> {
    let items: Vec<serde_json::Value> = results
        .iter()
        .map(|(file, outcome)| {
            let (valid, outcome) = match outcome {
                Outcome::Checked(report) => (!report.has_errors(), report.to_outcome()),
                Outcome::NotJson(why) => (
                    false,
                    nphies::OperationOutcome::error(nphies::IssueCode::Invalid, why.clone(), None),
                ),
            };
            serde_json::json!({"file": file.display().to_string(), "valid": valid, "outcome": outcome})
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items).map_err(std::io::Error::other)?;
    writeln!(out)
}

/// Prints the rule catalogue.
pub fn rules(format: RulesFormat) -> ExitCode {
    let text = match format {
        RulesFormat::Markdown => validation::catalogue::markdown(),
        RulesFormat::Text => {
            let mut text = String::new();
            for rule in validation::catalogue::all() {
                text.push_str(&format!(
                    "{}  {:<11} {:<7} {}\n",
                    rule.id,
                    rule.group.as_str(),
                    severity_label(rule.severity),
                    rule.checks
                ));
            }
            text
        }
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}
