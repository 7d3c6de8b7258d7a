//! FHIR OperationOutcome: how ClaimLinc answers every error, pointing at the element at fault.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Fatal,
    Error,
    Warning,
    Information,
}

/// FHIR `issue-type` codes we use (http://hl7.org/fhir/issue-type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IssueCode {
    Invalid,
    Structure,
    Required,
    Value,
    Invariant,
    Security,
    Login,
    Forbidden,
    CodeInvalid,
    NotSupported,
    Duplicate,
    NotFound,
    TooLong,
    Conflict,
    BusinessRule,
    Throttled,
    Processing,
    Exception,
    Timeout,
    Transient,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeIssue {
    pub severity: Severity,
    pub code: IssueCode,
    /// Further detail; ClaimLinc says here whether a finding refused the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<IssueDetails>,
    pub diagnostics: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expression: Vec<String>,
}

/// `OperationOutcome.issue.details`: a CodeableConcept of which ClaimLinc uses the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueDetails {
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationOutcome {
    pub resource_type: String,
    pub issue: Vec<OutcomeIssue>,
}

impl OperationOutcome {
    pub fn new(issue: Vec<OutcomeIssue>) -> Self {
        OperationOutcome {
            resource_type: "OperationOutcome".into(),
            issue,
        }
    }

    /// A single error, optionally located by a FHIRPath expression.
    pub fn error(
        code: IssueCode,
        diagnostics: impl Into<String>,
        expression: Option<String>,
    ) -> Self {
        OperationOutcome::new(vec![OutcomeIssue {
            severity: Severity::Error,
            code,
            details: None,
            diagnostics: diagnostics.into(),
            expression: expression.into_iter().collect(),
        }])
    }

    /// An informational outcome (the body of a successful `$validate`, for example).
    pub fn information(diagnostics: impl Into<String>) -> Self {
        OperationOutcome::new(vec![OutcomeIssue {
            severity: Severity::Information,
            code: IssueCode::Processing,
            details: None,
            diagnostics: diagnostics.into(),
            expression: Vec::new(),
        }])
    }
}
