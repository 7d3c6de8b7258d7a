//! The checks, by subject. Each cites its rule from the catalogue.

mod bindings;
mod claim;
mod elements;
mod message;
mod patient;
mod responses;

use crate::node::Entries;
use crate::{Context, Findings};
use serde_json::Value;

/// Runs every check that applies to the bundle.
pub(crate) fn check(bundle: &Value, ctx: &Context, out: &mut Findings) {
    if !bundle.is_object() {
        // Nothing else can be read; the structure rule says why.
        out.add(
            &crate::catalogue::BV_00130,
            "Bundle",
            "the message is not a JSON object",
        );
        return;
    }
    let entries = Entries::new(bundle);
    let header = message::check(bundle, &entries, out);
    message::check_references(&entries, out);
    elements::check(&entries, ctx, out);
    bindings::check(&entries, out);
    responses::check(bundle, &entries, header.as_ref(), ctx, out);
    for (i, resource) in entries.resources.iter().enumerate() {
        let Some(resource) = resource else { continue };
        let at = format!("Bundle.entry[{i}].resource");
        match resource.get("resourceType").and_then(Value::as_str) {
            Some("Claim") => claim::check(resource, &at, &entries, header.as_ref(), ctx, out),
            Some("Patient") => patient::check(resource, &at, &entries, ctx, out),
            Some("Encounter" | "Coverage") => {
                if let Some(period) = resource.get("period") {
                    claim::check_period(period, &format!("{at}.period"), out);
                }
            }
            _ => {}
        }
    }
}

/// What the MessageHeader says, for checks elsewhere.
pub(crate) struct Header<'a> {
    pub event: Option<&'a str>,
    pub sender_license: Option<&'a str>,
    pub receiver_license: Option<&'a str>,
}
