//! Mutation tests: for every rule in the catalogue, a valid sample altered to break that rule
//! alone reports that rule at the right path, and the unaltered sample does not report it.
//!
//! Cases live in `mutations/*.rs`, one file per subject; each exposes `cases()`.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "mutations/support.rs"]
mod support;

#[path = "mutations/bindings.rs"]
mod bindings;
#[path = "mutations/core.rs"]
mod core;
#[path = "mutations/elements.rs"]
mod elements;
#[path = "mutations/responses.rs"]
mod responses;

use std::collections::HashSet;
use support::{Case, run};

fn all_cases() -> Vec<Case> {
    let mut cases = core::cases();
    cases.extend(elements::cases());
    cases.extend(bindings::cases());
    cases.extend(responses::cases());
    cases
}

#[test]
fn every_case_reports_its_rule_alone_at_its_path() {
    let mut failures = Vec::new();
    for case in all_cases() {
        if let Err(why) = run(&case) {
            failures.push(format!("{} ({}): {why}", case.rule, case.note));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_in_the_catalogue_has_a_case() {
    let covered: HashSet<&str> = all_cases().iter().map(|c| c.rule).collect();
    let missing: Vec<&str> = validation::catalogue::all()
        .map(|r| r.id)
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a mutation case: {missing:?}"
    );
    for id in &covered {
        assert!(
            validation::catalogue::find(id).is_some(),
            "case for unknown rule {id}"
        );
    }
}
