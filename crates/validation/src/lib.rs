//! NPHIES message validation.
//!
//! [`validate`] takes a message bundle as JSON and returns every [`Finding`]: which rule (NPHIES's
//! own id from its validation workbook where one exists, else a `CL-` id of ours), how severe,
//! where (a FHIRPath expression such as `Bundle.entry[2].resource.item[0].net`) and why.
//!
//! Every rule is declared once, in [`catalogue`]; checks can only cite rules declared there.
//! Validation works on `serde_json::Value`, not on typed resources, so that an element of the
//! wrong JSON type is a finding with its path rather than a parse failure. No I/O, no clock:
//! the time of receipt is passed in.

pub mod catalogue;
mod node;
mod rules;

pub use catalogue::{Rule, RuleGroup};
pub use nphies::Severity;

use chrono::{DateTime, Utc};
use nphies::{IssueCode, OperationOutcome, OutcomeIssue};
use serde_json::Value;

/// One broken rule, located.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static Rule,
    /// FHIRPath of the element at fault, from `Bundle`.
    pub expression: String,
    pub message: String,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        self.rule.severity
    }
}

/// Everything found in one bundle.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| matches!(f.severity(), Severity::Error | Severity::Fatal))
    }

    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| matches!(f.severity(), Severity::Error | Severity::Fatal))
    }

    /// The findings as a FHIR OperationOutcome. Each issue's diagnostics starts with the rule id
    /// (`BV-00251: ...`); an empty report is one informational issue.
    pub fn to_outcome(&self) -> OperationOutcome {
        if self.findings.is_empty() {
            return OperationOutcome::information("the message passed every ClaimLinc rule");
        }
        OperationOutcome::new(
            self.findings
                .iter()
                .map(|f| OutcomeIssue {
                    severity: f.severity(),
                    code: f.rule.group.issue_code(),
                    details: None,
                    diagnostics: format!("{}: {}", f.rule.id, f.message),
                    expression: vec![f.expression.clone()],
                })
                .collect(),
        )
    }
}

/// What a check needs besides the bundle.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// When the message was received: dates "on or before receipt" are compared to it.
    pub received: DateTime<Utc>,
}

/// Validates a message bundle received at `received`.
pub fn validate(bundle: &Value, received: DateTime<Utc>) -> Report {
    let mut out = Findings::default();
    rules::check(bundle, &Context { received }, &mut out);
    Report {
        findings: out.findings,
    }
}

/// Collects findings while the checks run.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    findings: Vec<Finding>,
}

impl Findings {
    pub(crate) fn add(
        &mut self,
        rule: &'static Rule,
        expression: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.findings.push(Finding {
            rule,
            expression: expression.into(),
            message: message.into(),
        });
    }
}

impl RuleGroup {
    /// The FHIR issue type an OperationOutcome uses for a finding of this group.
    pub fn issue_code(self) -> IssueCode {
        match self {
            RuleGroup::Structure => IssueCode::Structure,
            RuleGroup::Cardinality => IssueCode::Required,
            RuleGroup::DataType => IssueCode::Value,
            RuleGroup::Binding => IssueCode::CodeInvalid,
            RuleGroup::Reference => IssueCode::NotFound,
            RuleGroup::Business => IssueCode::BusinessRule,
        }
    }
}
