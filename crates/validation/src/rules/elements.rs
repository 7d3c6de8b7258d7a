//! Cardinality and data types per NPHIES profile.

use crate::node::Entries;
use crate::{Context, Findings};

pub(super) fn check(entries: &Entries, ctx: &Context, out: &mut Findings) {
    let _ = (entries, ctx, out);
}
