//! The NPHIES message model: the FHIR R4 subset ClaimLinc reads, how a message bundle becomes a
//! [`ClaimSubmission`], and the OperationOutcome every error is answered with.
//!
//! This crate does no I/O. It can be used on its own to read NPHIES bundles.

pub mod datatypes;
pub mod decimal;
pub mod message;
pub mod outcome;
pub mod resources;

pub use message::{
    ClaimEvent, ClaimLine, ClaimSubmission, ClaimType, ClaimUse, PatientRecord, Problem,
    canonical_json, outcome_of, parse_bundle,
};
pub use outcome::{IssueCode, IssueDetails, OperationOutcome, OutcomeIssue, Severity};
pub use resources::{Bundle, Resource};
