//! Message structure: the bundle, its MessageHeader, addressing and references.

use super::Header;
use crate::Findings;
use crate::catalogue::*;
use crate::node::{EVENT_SYSTEM, Entries, is_guid, is_url, list, text};
use serde_json::Value;
use std::collections::HashSet;

/// NPHIES message events (`ksa-message-events`), with the focal resource type each expects.
const EVENTS: &[(&str, &str)] = &[
    ("eligibility-request", "CoverageEligibilityRequest"),
    ("eligibility-response", "CoverageEligibilityResponse"),
    ("priorauth-request", "Claim"),
    ("priorauth-response", "ClaimResponse"),
    ("claim-request", "Claim"),
    ("claim-response", "ClaimResponse"),
    ("batch-request", "Bundle"),
    ("batch-response", "Bundle"),
    ("prescriber-request", "Claim"),
    ("prescriber-response", "ClaimResponse"),
    ("status-check", "Task"),
    ("status-response", "Task"),
    ("cancel-request", "Task"),
    ("cancel-response", "Task"),
    ("nullify-request", "Task"),
    ("nullify-response", "Task"),
    ("poll-request", "Task"),
    ("poll-response", "Task"),
    ("communication", "Communication"),
    ("communication-request", "CommunicationRequest"),
    ("acknowledgement", "*"),
    ("payment-notice", "PaymentNotice"),
    ("payment-reconciliation", "PaymentReconciliation"),
    ("advanced-authorization", "ClaimResponse"),
    ("error-notice", "OperationOutcome"),
    ("fraud-notification", "*"),
];

const LICENSE_SYSTEMS: &[&str] = &[
    "http://nphies.sa/license/provider-license",
    "http://nphies.sa/license/payer-license",
    "http://nphies.sa/license/nphies",
    "http://nphies.sa/license/tpa-license",
];

/// The license an `{type, identifier}` reference names, if its system is an NPHIES license.
fn license(party: &Value) -> Option<&str> {
    let id = party.get("identifier")?;
    let system = text(id, "system")?;
    LICENSE_SYSTEMS
        .contains(&system)
        .then(|| text(id, "value"))
        .flatten()
        .filter(|v| !v.trim().is_empty())
}

pub(super) fn check<'a>(
    bundle: &'a Value,
    entries: &Entries<'a>,
    out: &mut Findings,
) -> Option<Header<'a>> {
    if text(bundle, "type") != Some("message") {
        out.add(
            &BV_00130,
            "Bundle.type",
            "the bundle type must be \"message\"",
        );
    }
    match bundle.get("id").and_then(Value::as_str) {
        Some(id) if is_guid(id) => {}
        _ => out.add(
            &BV_00341,
            "Bundle.id",
            "Bundle.id must be a GUID such as d45fe0ab-b138-4fc7-adbc-28f5c5a4fbf9",
        ),
    }
    match text(bundle, "timestamp") {
        Some(t) if chrono::DateTime::parse_from_rfc3339(t).is_ok() => {}
        _ => out.add(&CL_00001, "Bundle.timestamp", "Bundle.timestamp must be an instant with seconds and a time zone, e.g. 2023-01-31T10:00:00+03:00"),
    }
    let mut urls = HashSet::new();
    for (i, entry) in list(bundle, "entry").iter().enumerate() {
        match text(entry, "fullUrl") {
            Some(url) if !url.is_empty() => {
                if !urls.insert(url) {
                    out.add(
                        &CL_00003,
                        format!("Bundle.entry[{i}].fullUrl"),
                        "another entry has the same fullUrl",
                    );
                }
            }
            _ => out.add(
                &CL_00002,
                format!("Bundle.entry[{i}].fullUrl"),
                "every entry needs a fullUrl",
            ),
        }
        if !entry.get("resource").is_some_and(Value::is_object) {
            out.add(
                &CL_00002,
                format!("Bundle.entry[{i}].resource"),
                "every entry needs a resource",
            );
        }
    }

    let header = match entries.resources.first().copied().flatten() {
        Some(h) if text(h, "resourceType") == Some("MessageHeader") => h,
        _ => {
            out.add(
                &BV_00126,
                "Bundle.entry[0].resource",
                "the first entry must be the MessageHeader",
            );
            return None;
        }
    };
    let at = "Bundle.entry[0].resource";
    match text(header, "id") {
        Some(id) if is_guid(id) => {}
        _ => out.add(
            &BV_00168,
            format!("{at}.id"),
            "MessageHeader.id must be a GUID",
        ),
    }
    let coding = header.get("eventCoding");
    let event = coding.and_then(|c| text(c, "code"));
    if let Some(coding) = coding
        && text(coding, "system") != Some(EVENT_SYSTEM)
    {
        out.add(
            &CL_00004,
            format!("{at}.eventCoding.system"),
            format!("the event must be coded in {EVENT_SYSTEM}"),
        );
    }
    let expected_focus = match event {
        Some(code) => match EVENTS.iter().find(|(e, _)| *e == code) {
            Some((_, focus)) => Some(*focus),
            None => {
                out.add(
                    &CL_00005,
                    format!("{at}.eventCoding.code"),
                    format!("\"{code}\" is not an NPHIES message event"),
                );
                None
            }
        },
        // A missing eventCoding is a cardinality finding of the MessageHeader profile.
        None => None,
    };

    let focus = list(header, "focus");
    let batch = matches!(event, Some("batch-request" | "batch-response"));
    if focus.len() != 1 && !batch {
        out.add(
            &BV_00221,
            format!("{at}.focus"),
            format!(
                "the MessageHeader must focus on exactly one resource; it names {}",
                focus.len()
            ),
        );
    }
    if let (Some(expected), Some(first)) = (expected_focus, focus.first())
        && expected != "*"
        && let Some((i, resource)) = entries.target(first)
    {
        let kind = text(resource, "resourceType").unwrap_or("?");
        if kind != expected {
            out.add(
                &BV_00167,
                format!("{at}.focus[0]"),
                format!(
                    "a {} message focuses on a {expected}, not on the {kind} in entry {i}",
                    event.unwrap_or("?")
                ),
            );
        }
    }

    let sender_license = header.get("sender").and_then(license);
    if header.get("sender").is_some() && sender_license.is_none() {
        out.add(
            &CL_00006,
            format!("{at}.sender"),
            "the sender must be an identifier with an NPHIES license system and a value",
        );
    }
    let destination = list(header, "destination").first();
    let receiver_license = destination
        .and_then(|d| d.get("receiver"))
        .and_then(license);
    if let Some(d) = destination {
        if d.get("receiver").is_some() && receiver_license.is_none() {
            out.add(
                &CL_00007,
                format!("{at}.destination[0].receiver"),
                "the receiver must be an identifier with an NPHIES license system and a value",
            );
        }
        match text(d, "endpoint") {
            Some(url) if is_url(url) => {}
            _ => out.add(
                &BV_00218,
                format!("{at}.destination[0].endpoint"),
                "the destination endpoint must be a URL",
            ),
        }
    }
    if let Some(source) = header.get("source") {
        match text(source, "endpoint") {
            Some(url) if is_url(url) => {}
            _ => out.add(
                &BV_00177,
                format!("{at}.source.endpoint"),
                "the source endpoint must be a URL",
            ),
        }
    }
    if matches!(event, Some("poll-request" | "payment-notice"))
        && let Some(d) = destination
    {
        let to_nphies = d
            .get("receiver")
            .and_then(|r| r.get("identifier"))
            .is_some_and(|id| text(id, "system") == Some("http://nphies.sa/license/nphies"));
        if !to_nphies {
            out.add(
                &BV_00456,
                format!("{at}.destination[0].receiver"),
                "poll-request and payment-notice messages are sent to NPHIES",
            );
        }
    }
    Some(Header {
        event,
        sender_license,
        receiver_license,
    })
}

/// Every `reference` string anywhere in the message must resolve inside the bundle.
pub(super) fn check_references(entries: &Entries, out: &mut Findings) {
    let mut trail: Vec<Step> = Vec::with_capacity(16);
    for (i, resource) in entries.resources.iter().enumerate() {
        let Some(resource) = resource else { continue };
        // A nested bundle (batch) is checked as its own message.
        if text(resource, "resourceType") == Some("Bundle") {
            continue;
        }
        trail.clear();
        walk(resource, i, &mut trail, entries, out);
    }
}

/// One step down the JSON tree. The path is only written out when there is a finding, so
/// walking a clean message allocates nothing.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn path_of(entry: usize, trail: &[Step]) -> String {
    let mut path = format!("Bundle.entry[{entry}].resource");
    for step in trail {
        match step {
            Step::Key(key) => {
                path.push('.');
                path.push_str(key);
            }
            Step::Index(n) => path.push_str(&format!("[{n}]")),
        }
    }
    path
}

fn walk<'a>(
    value: &'a Value,
    entry: usize,
    trail: &mut Vec<Step<'a>>,
    entries: &Entries,
    out: &mut Findings,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "reference" {
                    if let Some(reference) = child.as_str()
                        && !reference.starts_with('#')
                        && entries.resolve(reference).is_none()
                    {
                        trail.push(Step::Key(key));
                        // The reference itself is not echoed: resource ids can be record numbers.
                        out.add(
                            &RE_00174,
                            path_of(entry, trail),
                            "the reference does not point at any entry of this bundle",
                        );
                        trail.pop();
                    }
                } else if child.is_object() || child.is_array() {
                    trail.push(Step::Key(key));
                    walk(child, entry, trail, entries, out);
                    trail.pop();
                }
            }
        }
        Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                if item.is_object() || item.is_array() {
                    trail.push(Step::Index(n));
                    walk(item, entry, trail, entries, out);
                    trail.pop();
                }
            }
        }
        _ => {}
    }
}
