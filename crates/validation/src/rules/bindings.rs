//! Codes checked against the NPHIES code systems and value sets.

use crate::Findings;
use crate::node::Entries;

pub(super) fn check(entries: &Entries, out: &mut Findings) {
    let _ = (entries, out);
}
