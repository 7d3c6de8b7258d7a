//! What a mutation case is, and how one is run.

use chrono::{DateTime, Utc};
use serde_json::Value;
use std::path::Path;

/// One rule broken on purpose.
pub struct Case {
    /// The rule the mutation must (alone) break.
    pub rule: &'static str,
    /// Sample file under `tests/fixtures/nphies/` to start from.
    pub base: &'static str,
    /// FHIRPath at which the finding must be reported.
    pub path: String,
    /// What the mutation does, for failure messages.
    pub note: &'static str,
    pub mutate: Box<dyn Fn(&mut Value)>,
}

impl Case {
    pub fn new(
        rule: &'static str,
        base: &'static str,
        path: impl Into<String>,
        note: &'static str,
        mutate: impl Fn(&mut Value) + 'static,
    ) -> Case {
        Case {
            rule,
            base,
            path: path.into(),
            note,
            mutate: Box::new(mutate),
        }
    }
}

/// The receipt time used by every case: after every sample was written.
pub fn received() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T09:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}

pub fn sample(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/nphies")
        .join(name);
    serde_json::from_slice(&std::fs::read(&path).expect("fixture")).expect("fixture JSON")
}

/// Runs a case: the base must not break the rule; the mutant must break it at the path, and
/// every finding the mutation adds must be of that rule.
pub fn run(case: &Case) -> Result<(), String> {
    let base = sample(case.base);
    let before = validation::validate(&base, received());
    if before.findings.iter().any(|f| f.rule.id == case.rule) {
        return Err(format!("the unaltered {} already reports it", case.base));
    }
    let mut mutant = base.clone();
    (case.mutate)(&mut mutant);
    let after = validation::validate(&mutant, received());
    let old: Vec<(&str, &str)> = before
        .findings
        .iter()
        .map(|f| (f.rule.id, f.expression.as_str()))
        .collect();
    let new: Vec<(&str, &str)> = after
        .findings
        .iter()
        .map(|f| (f.rule.id, f.expression.as_str()))
        .filter(|f| !old.contains(f))
        .collect();
    if !new.contains(&(case.rule, case.path.as_str())) {
        return Err(format!(
            "expected {} at {}; the mutation added {new:?}",
            case.rule, case.path
        ));
    }
    let others: Vec<_> = new.iter().filter(|(id, _)| *id != case.rule).collect();
    if !others.is_empty() {
        return Err(format!("the mutation also broke {others:?}"));
    }
    Ok(())
}

/// Index of the first entry holding a resource of `kind`.
pub fn entry(bundle: &Value, kind: &str) -> usize {
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .position(|e| e["resource"]["resourceType"] == kind)
        .unwrap_or_else(|| panic!("no {kind} entry"))
}

/// The first resource of `kind`, to edit.
pub fn resource<'a>(bundle: &'a mut Value, kind: &str) -> &'a mut Value {
    let i = entry(bundle, kind);
    &mut bundle["entry"][i]["resource"]
}
