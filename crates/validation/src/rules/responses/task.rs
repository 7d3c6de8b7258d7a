//! Task messages: poll-request and poll-response above all; the rules the workbook words for
//! any Task apply to cancel, nullify and status Tasks too.

use super::{Message, NPHIES_LICENSE, Party, check_length};
use crate::Findings;
use crate::catalogue::*;
use crate::node::{any_code, list, text};
use serde_json::Value;

const ERROR_EXPRESSION: &str =
    "http://nphies.sa/fhir/ksa/nphies-fs/StructureDefinition/extension-error-expression";

/// Whether the element has an error-expression extension with a value.
fn has_expression(element: &Value) -> bool {
    list(element, "extension").iter().any(|e| {
        text(e, "url") == Some(ERROR_EXPRESSION)
            && text(e, "valueString").is_some_and(|v| !v.trim().is_empty())
    })
}

/// Whether an output has a `value[x]`.
fn has_value(output: &Value) -> bool {
    output
        .as_object()
        .is_some_and(|o| o.keys().any(|k| k.starts_with("value")))
}

pub(super) fn check(task: &Value, at: &str, message: &Message, out: &mut Findings) {
    let event = message.event;
    let status = text(task, "status");
    let code = task.get("code").and_then(any_code);
    if let Some(intent) = text(task, "intent")
        && intent.trim() != "order"
    {
        out.add(
            &BV_00329,
            format!("{at}.intent"),
            format!("the intent must be \"order\", not \"{intent}\""),
        );
    }
    check_length(
        task,
        "description",
        || format!("{at}.description"),
        (2000, 2000),
        &BV_00309,
        out,
    );
    if message.after_receipt(text(task, "lastModified")) {
        out.add(
            &BV_00471,
            format!("{at}.lastModified"),
            "Task.lastModified is after the time the message was received",
        );
    }
    if task.get("reasonCode").is_some() && !matches!(code, Some("cancel" | "nullify")) {
        out.add(
            &BV_00467,
            format!("{at}.reasonCode"),
            "a reason code is given only to cancel or nullify",
        );
    }
    if matches!(
        event,
        Some("poll-request" | "status-check" | "cancel-request" | "nullify-request")
    ) {
        message.check_party(
            task,
            at,
            "requester",
            message.sender_license,
            &BV_00230,
            out,
        );
        message.check_party(task, at, "owner", message.receiver_license, &BV_00231, out);
    }
    let mut periods = list(task, "input")
        .iter()
        .enumerate()
        .filter(|(_, i)| i.get("type").and_then(any_code) == Some("period"));
    if let Some((k, _)) = periods.nth(1) {
        out.add(
            &BV_00216,
            format!("{at}.input[{k}]"),
            "the input gives at most one period",
        );
    }

    // Outputs.
    let outputs = list(task, "output");
    if status == Some("failed") {
        match message.sender {
            Party::Payer if !outputs.is_empty() => out.add(
                &BV_00242,
                format!("{at}.output"),
                "a failed Task from a payer carries no output",
            ),
            Party::Nphies if outputs.is_empty() => out.add(
                &BV_00243,
                format!("{at}.output"),
                "a failed Task from NPHIES gives its errors as outputs",
            ),
            _ => {}
        }
    }
    let poll_response = event == Some("poll-response");
    for (o, output) in outputs.iter().enumerate() {
        let kind = output.get("type").and_then(any_code);
        if output.get("type").is_none() {
            out.add(
                &BV_00239,
                format!("{at}.output[{o}].type"),
                "every output needs a type",
            );
        }
        if !has_value(output) {
            out.add(
                &BV_00240,
                format!("{at}.output[{o}]"),
                "every output needs a value",
            );
        }
        if kind == Some("error")
            && let Some(concept) = output.get("valueCodeableConcept")
            && !has_expression(concept)
            && !list(concept, "coding").iter().any(has_expression)
        {
            out.add(
                &BV_00249,
                format!("{at}.output[{o}].valueCodeableConcept"),
                "an error output gives the expression of the element at fault",
            );
        }
        if poll_response {
            match kind {
                Some("error") | None => {}
                Some("response") => check_response_output(output, at, o, message, out),
                Some(other) => out.add(
                    &IB_00302,
                    format!("{at}.output[{o}].type"),
                    format!("a poll-response output is an error or a response, not {other}"),
                ),
            }
        }
    }

    // Poll.
    match event {
        Some("poll-request") => {
            if status.is_some_and(|s| s.trim() != "requested") {
                out.add(
                    &IB_00288,
                    format!("{at}.status"),
                    "a poll request has status requested",
                );
            }
            if code.is_some_and(|c| c.trim() != "poll") {
                out.add(
                    &IB_00291,
                    format!("{at}.code"),
                    "a poll request has code poll",
                );
            }
        }
        Some("poll-response") => {
            if status.is_some_and(|s| !matches!(s.trim(), "completed" | "failed")) {
                out.add(
                    &IB_00295,
                    format!("{at}.status"),
                    "a poll response has status completed or failed",
                );
            }
            if code.is_some_and(|c| c.trim() != "poll") {
                out.add(
                    &IB_00298,
                    format!("{at}.code"),
                    "a poll response has code poll",
                );
            }
            if let Some(owner) = task.get("owner")
                && !is_nphies(owner, message)
            {
                out.add(
                    &RE_00178,
                    format!("{at}.owner"),
                    "the owner of a poll is NPHIES",
                );
            }
            check_listed_bundles(outputs, message, out);
        }
        _ => {}
    }
}

/// Whether a Reference names NPHIES, by identifier or through an Organization of the bundle.
fn is_nphies(reference: &Value, message: &Message) -> bool {
    let nphies = |id: &Value| text(id, "system") == Some(NPHIES_LICENSE);
    match reference.get("identifier") {
        Some(id) => nphies(id),
        None => message
            .entries
            .target(reference)
            .is_some_and(|(_, org)| list(org, "identifier").iter().any(nphies)),
    }
}

/// CL-00206: a response output references a message Bundle of this bundle.
fn check_response_output(
    output: &Value,
    at: &str,
    o: usize,
    message: &Message,
    out: &mut Findings,
) {
    let target = match output.get("valueReference") {
        // An unresolved reference is RE-00174's finding.
        Some(reference) => match message.entries.target(reference) {
            Some((_, resource)) => Some(resource),
            None => return,
        },
        None => None,
    };
    let is_message = target.is_some_and(|r| {
        text(r, "resourceType") == Some("Bundle") && text(r, "type") == Some("message")
    });
    if !is_message {
        out.add(
            &CL_00206,
            format!("{at}.output[{o}]"),
            "a response output references one of the message bundles of this poll response",
        );
    }
}

/// CL-00207: every message bundle carried by the poll response is one of its outputs.
fn check_listed_bundles(outputs: &[Value], message: &Message, out: &mut Findings) {
    for (i, bundle) in message.entries.of_type("Bundle") {
        if text(bundle, "type") != Some("message") {
            continue;
        }
        let listed = outputs.iter().any(|o| {
            o.get("valueReference")
                .and_then(|r| message.entries.target(r))
                .is_some_and(|(j, _)| j == i)
        });
        if !listed {
            out.add(
                &CL_00207,
                format!("Bundle.entry[{i}].resource"),
                "this message bundle is not listed in the poll Task's outputs",
            );
        }
    }
}
