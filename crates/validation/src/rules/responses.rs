//! Responses and eligibility: ClaimResponse, CoverageEligibilityRequest/-Response, poll.

use super::Header;
use crate::node::Entries;
use crate::{Context, Findings};
use serde_json::Value;

pub(super) fn check(
    bundle: &Value,
    entries: &Entries,
    header: Option<&Header>,
    ctx: &Context,
    out: &mut Findings,
) {
    let _ = (bundle, entries, header, ctx, out);
}
