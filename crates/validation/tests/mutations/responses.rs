//! Mutation cases for this module's rules.

use crate::support::Case;

pub fn cases() -> Vec<Case> {
    Vec::new()
}
