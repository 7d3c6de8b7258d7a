//! Responses and eligibility: ClaimResponse, CoverageEligibilityRequest/-Response, poll.
//!
//! Only the resources of the message itself are checked: the message bundles a poll-response
//! carries are messages of their own, validated as such.

mod claim_response;
mod eligibility;
mod task;

use super::Header;
use crate::node::{Entries, STRUCTURE_DEFINITION, any_code, date_or_time, list, text};
use crate::{Context, Findings, Rule};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::HashSet;
use std::hash::Hash;

pub(super) fn check(
    bundle: &Value,
    entries: &Entries,
    header: Option<&Header>,
    ctx: &Context,
    out: &mut Findings,
) {
    let _ = bundle; // `entries` indexes it.
    let mut message = None;
    for (i, resource) in entries.resources.iter().enumerate() {
        let Some(resource) = resource else { continue };
        let kind = match text(resource, "resourceType") {
            Some(
                kind @ ("ClaimResponse"
                | "CoverageEligibilityRequest"
                | "CoverageEligibilityResponse"
                | "Task"),
            ) => kind,
            _ => continue,
        };
        let message = message.get_or_insert_with(|| Message::new(entries, header, ctx));
        let at = format!("Bundle.entry[{i}].resource");
        match kind {
            "ClaimResponse" => claim_response::check(resource, &at, message, out),
            "CoverageEligibilityRequest" => eligibility::check_request(resource, &at, message, out),
            "CoverageEligibilityResponse" => {
                eligibility::check_response(resource, &at, message, out)
            }
            _ => task::check(resource, &at, message, out),
        }
    }
}

/// Who sent the message, by the system of its sender license.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Party {
    Provider,
    Payer,
    Nphies,
    Unknown,
}

const NPHIES_LICENSE: &str = "http://nphies.sa/license/nphies";

/// What the checks need to know about the message around a resource.
struct Message<'a> {
    entries: &'a Entries<'a>,
    event: Option<&'a str>,
    sender_license: Option<&'a str>,
    receiver_license: Option<&'a str>,
    sender: Party,
    received: NaiveDate,
}

impl<'a> Message<'a> {
    fn new(entries: &'a Entries<'a>, header: Option<&Header<'a>>, ctx: &Context) -> Self {
        let sender = entries
            .resources
            .first()
            .copied()
            .flatten()
            .and_then(|h| h.get("sender"))
            .and_then(|s| s.get("identifier"))
            .and_then(|id| text(id, "system"))
            .map_or(Party::Unknown, |system| match system {
                "http://nphies.sa/license/provider-license" => Party::Provider,
                "http://nphies.sa/license/payer-license"
                | "http://nphies.sa/license/tpa-license" => Party::Payer,
                NPHIES_LICENSE => Party::Nphies,
                _ => Party::Unknown,
            });
        Message {
            entries,
            event: header.and_then(|h| h.event),
            sender_license: header.and_then(|h| h.sender_license),
            receiver_license: header.and_then(|h| h.receiver_license),
            sender,
            received: ctx.received.date_naive(),
        }
    }

    /// Whether a date or dateTime falls on a later day than the message was received.
    fn after_receipt(&self, value: Option<&str>) -> bool {
        value
            .and_then(date_or_time)
            .is_some_and(|d| d.day() > self.received)
    }

    /// Whether a Reference (literal, or `{type, identifier}`) names the organization holding
    /// `license`; `None` when that cannot be told: a reference that does not resolve, or an
    /// organization without identifier values, is another rule's finding.
    fn names_license(&self, reference: &Value, license: &str) -> Option<bool> {
        if let Some(id) = reference.get("identifier") {
            return text(id, "value").map(|v| v == license);
        }
        let (_, org) = self.entries.target(reference)?;
        let mut values = list(org, "identifier")
            .iter()
            .filter_map(|id| text(id, "value"))
            .peekable();
        values.peek()?;
        Some(values.any(|v| v == license))
    }

    /// Checks that `element[field]`, when it can be followed, names the party with `license`.
    fn check_party(
        &self,
        element: &Value,
        at: &str,
        field: &str,
        license: Option<&str>,
        rule: &'static Rule,
        out: &mut Findings,
    ) {
        let (Some(license), Some(reference)) = (license, element.get(field)) else {
            return;
        };
        if self.names_license(reference, license) == Some(false) {
            out.add(
                rule,
                format!("{at}.{field}"),
                format!(
                    "the {field} does not carry the license {license} that the MessageHeader names"
                ),
            );
        }
    }
}

/// The extension `STRUCTURE_DEFINITION + name` of an element, with its index.
fn extension<'a>(element: &'a Value, name: &str) -> Option<(usize, &'a Value)> {
    list(element, "extension")
        .iter()
        .enumerate()
        .find(|(_, e)| {
            text(e, "url").is_some_and(|url| url.strip_prefix(STRUCTURE_DEFINITION) == Some(name))
        })
}

/// The code of an extension's valueCodeableConcept.
fn extension_code(extension: &Value) -> Option<&str> {
    extension.get("valueCodeableConcept").and_then(any_code)
}

/// Reports a Money element whose currency is not SAR.
fn sar(
    money: Option<&Value>,
    rule: &'static Rule,
    path: impl FnOnce() -> String,
    out: &mut Findings,
) {
    if let Some(currency) = money.and_then(|m| m.get("currency"))
        && currency.as_str() != Some("SAR")
    {
        out.add(rule, path(), "the currency must be SAR");
    }
}

/// Whether a text is longer than NPHIES allows: `english` characters, or `arabic` when it has
/// Arabic letters.
fn too_long(value: &str, english: usize, arabic: usize) -> Option<usize> {
    let mut count = 0;
    let mut is_arabic = false;
    for c in value.chars() {
        count += 1;
        is_arabic |= matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}');
    }
    let limit = if is_arabic { arabic } else { english };
    (count > limit).then_some(limit)
}

/// Reports `element[field]` when it is a text longer than the limits of [`too_long`].
fn check_length(
    element: &Value,
    field: &str,
    path: impl FnOnce() -> String,
    (english, arabic): (usize, usize),
    rule: &'static Rule,
    out: &mut Findings,
) {
    if let Some(value) = text(element, field)
        && let Some(limit) = too_long(value, english, arabic)
    {
        out.add(
            rule,
            path(),
            format!("the {field} is longer than {limit} characters"),
        );
    }
}

/// Calls `report` for every element whose key an earlier element already has.
fn each_duplicate<'v, K: Eq + Hash + Copy>(
    elements: &'v [Value],
    key: impl Fn(&'v Value) -> Option<K>,
    mut report: impl FnMut(usize, K),
) {
    // Short arrays (the usual case) need no set.
    if elements.len() <= 32 {
        for (n, element) in elements.iter().enumerate() {
            if let Some(k) = key(element)
                && elements[..n].iter().any(|e| key(e) == Some(k))
            {
                report(n, k);
            }
        }
    } else {
        let mut seen = HashSet::with_capacity(elements.len());
        for (n, element) in elements.iter().enumerate() {
            if let Some(k) = key(element)
                && !seen.insert(k)
            {
                report(n, k);
            }
        }
    }
}

/// Whether an error element (ClaimResponse.error, Task.output value) carries a code.
fn has_code(concept: Option<&Value>) -> bool {
    concept
        .and_then(any_code)
        .is_some_and(|c| !c.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters_and_halve_for_arabic() {
        assert_eq!(too_long(&"a".repeat(250), 250, 125), None);
        assert_eq!(too_long(&"a".repeat(251), 250, 125), Some(250));
        assert_eq!(too_long(&"م".repeat(125), 250, 125), None);
        assert_eq!(too_long(&"م".repeat(126), 250, 125), Some(125));
    }

    #[test]
    fn duplicates_are_found_in_short_and_long_arrays() {
        for len in [5_u64, 100] {
            let mut values: Vec<Value> = (0..len).map(Value::from).collect();
            values.push(Value::from(3));
            let mut found = Vec::new();
            each_duplicate(&values, Value::as_u64, |n, k| found.push((n, k)));
            assert_eq!(found, vec![(len as usize, 3)]);
        }
    }
}
