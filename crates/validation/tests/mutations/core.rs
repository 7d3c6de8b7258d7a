//! Mutation cases for message, claim and patient rules.

use crate::support::Case;

pub fn cases() -> Vec<Case> {
    Vec::new()
}
