//! The rule catalogue: every rule ClaimLinc checks, declared once.
//!
//! Ids are NPHIES's own (validation workbook v2.6: BV business, RE reference, IC cardinality,
//! DT data type, IB binding) where NPHIES has the rule, and `CL-` ids where it does not. Each
//! rule is a constant, so a check cannot cite a rule that is not in the catalogue, and
//! [`all`] lists them all (for `claimlinc rules` and `docs/rules.md`). Rules are declared by
//! subject, one file each under `catalogue/`.

use nphies::Severity;

/// What kind of rule: decides the FHIR issue type of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleGroup {
    /// Message structure: bundle type, first entry, ids, event, addressing.
    Structure,
    /// Required elements and repetitions per profile.
    Cardinality,
    /// JSON types and formats of elements.
    DataType,
    /// Codes from the NPHIES code systems and value sets.
    Binding,
    /// References between resources of the message.
    Reference,
    /// Business rules: amounts, sequences, dates, identifiers, consistency.
    Business,
}

impl RuleGroup {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleGroup::Structure => "structure",
            RuleGroup::Cardinality => "cardinality",
            RuleGroup::DataType => "data type",
            RuleGroup::Binding => "binding",
            RuleGroup::Reference => "reference",
            RuleGroup::Business => "business",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub group: RuleGroup,
    pub severity: Severity,
    /// What the rule checks, in our words.
    pub checks: &'static str,
}

/// Declares rules as constants and lists them in `LIST`, for [`all`].
macro_rules! catalogue {
    ($( $name:ident = $id:literal, $group:ident, $severity:ident, $checks:literal; )*) => {
        $(
            pub const $name: $crate::catalogue::Rule = $crate::catalogue::Rule {
                id: $id,
                group: $crate::catalogue::RuleGroup::$group,
                severity: nphies::Severity::$severity,
                checks: $checks,
            };
        )*
        /// The rules of this module, in catalogue order.
        pub(crate) static LIST: &[$crate::catalogue::Rule] = &[$($name),*];
    };
}

mod bindings;
mod claim;
mod elements;
mod message;
mod patient;
mod responses;

#[allow(unused_imports)] // until the module declares rules
pub use bindings::*;
pub use claim::*;
#[allow(unused_imports)] // until the module declares rules
pub use elements::*;
pub use message::*;
pub use patient::*;
#[allow(unused_imports)] // until the module declares rules
pub use responses::*;

/// Every rule, in catalogue order: the single list `claimlinc rules` prints and
/// `docs/rules.md` is generated from.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    [
        message::LIST,
        claim::LIST,
        patient::LIST,
        elements::LIST,
        bindings::LIST,
        responses::LIST,
    ]
    .into_iter()
    .flatten()
}

/// The rule with this id, if it is in the catalogue.
pub fn find(id: &str) -> Option<&'static Rule> {
    all().find(|r| r.id == id)
}

/// The catalogue as Markdown: the text of `docs/rules.md`.
pub fn markdown() -> String {
    let rules: Vec<&Rule> = all().collect();
    let mut out = String::from(
        "# Validation rules\n\n\
         Generated from the rule catalogue in `crates/validation/src/catalogue/` by\n\
         `cargo run -p claimlinc -- rules --format markdown > docs/rules.md`; a test fails when this\n\
         file is stale. Ids are NPHIES's (validation workbook v2.6) where NPHIES has the rule, `CL-`\n\
         ids are ClaimLinc's own.\n\n",
    );
    out.push_str(&format!("{} rules.\n\n", rules.len()));
    out.push_str("| id | group | severity | checks |\n|---|---|---|---|\n");
    for rule in rules {
        let severity = match rule.severity {
            Severity::Fatal => "fatal",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            rule.id,
            rule.group.as_str(),
            severity,
            rule.checks.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for rule in all() {
            assert!(seen.insert(rule.id), "{} declared twice", rule.id);
            let (prefix, number) = rule.id.split_once('-').expect("PREFIX-NNNNN");
            assert!(
                matches!(prefix, "BV" | "RE" | "IC" | "DT" | "IB" | "CL"),
                "{}",
                rule.id
            );
            assert!(
                number.len() == 5 && number.bytes().all(|b| b.is_ascii_digit()),
                "{}",
                rule.id
            );
            assert!(!rule.checks.is_empty());
        }
    }
}
