//! ClaimResponse: claim, prior-authorization and prescriber responses.

use super::{
    Message, Party, check_length, each_duplicate, extension, extension_code, has_code, sar,
};
use crate::Findings;
use crate::Rule;
use crate::catalogue::*;
use crate::node::{
    CLAIM_SUBTYPE_SYSTEM, CLAIM_TYPE_SYSTEM, any_code, code_in, decimal, list, text,
};
use rust_decimal::Decimal;
use serde_json::Value;

/// Adjudication outcomes a complete response may give (BV-00463, BV-00371).
const FINAL_OUTCOMES: &[&str] = &["approved", "partial", "rejected", "not-required"];

/// The rule ids that differ between claim and authorization responses.
struct Ids {
    item: &'static Rule,
    detail: &'static Rule,
    sub_detail: &'static Rule,
}

const CLAIM_IDS: Ids = Ids {
    item: &BV_00045,
    detail: &BV_00025,
    sub_detail: &BV_00069,
};
const AUTHORIZATION_IDS: Ids = Ids {
    item: &BV_00119,
    detail: &BV_00114,
    sub_detail: &BV_00124,
};

fn category(adjudication: &Value) -> Option<&str> {
    adjudication.get("category").and_then(any_code)
}

fn amount(adjudication: &Value) -> Option<Decimal> {
    adjudication
        .get("amount")
        .and_then(|m| m.get("value"))
        .and_then(decimal)
}

/// Amounts are compared to two decimals, as NPHIES does.
fn cents(value: Decimal) -> Decimal {
    value.round_dp(2)
}

pub(super) fn check(response: &Value, at: &str, message: &Message, out: &mut Findings) {
    let outcome = text(response, "outcome");
    let usage = text(response, "use");
    let event = message.event;
    let items = list(response, "item");
    let claim_or_authorization = matches!(usage, Some("claim" | "preauthorization"));
    let authorization = matches!(usage, Some("preauthorization" | "predetermination"));
    let complete = outcome == Some("complete");
    let prescriber = event == Some("prescriber-response");

    // Fixed values, dates, parties.
    if let Some(status) = text(response, "status")
        && status.trim() != "active"
    {
        out.add(
            &BV_00331,
            format!("{at}.status"),
            format!("the status must be \"active\", not \"{status}\""),
        );
    }
    let fixed_use = match event {
        Some("priorauth-response") => Some((&BV_00332, "preauthorization")),
        Some("claim-response") => Some((&BV_00333, "claim")),
        _ => None,
    };
    if let (Some(usage), Some((rule, expected))) = (usage, fixed_use)
        && usage.trim() != expected
    {
        out.add(
            rule,
            format!("{at}.use"),
            format!(
                "a {} message carries a ClaimResponse with use \"{expected}\", not \"{usage}\"",
                event.unwrap_or("?")
            ),
        );
    }
    if message.after_receipt(text(response, "created")) {
        out.add(
            &BV_00065,
            format!("{at}.created"),
            "ClaimResponse.created is after the time the message was received",
        );
    }
    if message.sender == Party::Payer {
        message.check_party(
            response,
            at,
            "insurer",
            message.sender_license,
            &CL_00200,
            out,
        );
    }
    message.check_party(
        response,
        at,
        "requestor",
        message.receiver_license,
        &CL_00201,
        out,
    );
    check_sub_type(response, at, out);

    // Sequences and notes.
    let ids = if authorization {
        &AUTHORIZATION_IDS
    } else {
        &CLAIM_IDS
    };
    check_sequences(items, at, ids, out);
    check_notes(response, items, at, out);

    // Outcome and adjudication outcome.
    let header_outcome = extension(response, "extension-adjudication-outcome");
    let header_code = header_outcome.and_then(|(_, e)| extension_code(e));
    let outcome_path = || match header_outcome {
        Some((k, _)) => format!("{at}.extension[{k}]"),
        None => format!("{at}.extension"),
    };
    match outcome {
        Some(o @ ("error" | "queued")) if !items.is_empty() => out.add(
            &BV_00228,
            format!("{at}.item"),
            format!("a response with outcome {o} has no items"),
        ),
        Some("complete") if items.is_empty() => out.add(
            &BV_00020,
            format!("{at}.item"),
            "a response with outcome complete must give its items",
        ),
        Some("partial") if items.is_empty() => out.add(
            &BV_00255,
            format!("{at}.item"),
            "a response with outcome partial must give its items",
        ),
        _ => {}
    }
    match outcome {
        Some("queued") if header_code != Some("pended") => out.add(
            &BV_00395,
            outcome_path(),
            "a queued response has adjudication-outcome pended",
        ),
        Some("error") if header_outcome.is_some() => out.add(
            &BV_00396,
            outcome_path(),
            "a response with outcome error has no adjudication-outcome",
        ),
        Some("complete") if header_outcome.is_none() => out.add(
            &BV_00250,
            outcome_path(),
            "a response with outcome complete needs an adjudication-outcome",
        ),
        Some("complete") if !header_code.is_some_and(|c| FINAL_OUTCOMES.contains(&c)) => out.add(
            &BV_00463,
            outcome_path(),
            format!(
                "with outcome complete the adjudication-outcome is approved, partial, rejected or not-required, not {}",
                header_code.unwrap_or("missing")
            ),
        ),
        _ => {}
    }
    if prescriber {
        if outcome == Some("partial") {
            out.add(
                &BV_00714,
                format!("{at}.outcome"),
                "a prescriber-response cannot have outcome partial",
            );
        }
        if header_code == Some("not-required") {
            out.add(
                &BV_00715,
                outcome_path(),
                "a prescriber-response cannot have adjudication-outcome not-required",
            );
        }
    }
    if let Some(header_code) = header_code {
        check_item_outcomes(items, header_code, &outcome_path, out);
    }
    if outcome == Some("error")
        && !list(response, "error")
            .iter()
            .any(|e| has_code(e.get("code")))
    {
        out.add(
            &BV_00505,
            format!("{at}.error"),
            "a response with outcome error must give the error codes",
        );
    }
    let preauth_ref = text(response, "preAuthRef").is_some_and(|r| !r.trim().is_empty());
    if !preauth_ref && ((complete && usage == Some("preauthorization")) || prescriber) {
        out.add(
            &BV_00386,
            format!("{at}.preAuthRef"),
            "a complete authorization or prescriber response needs a preAuthRef",
        );
    }
    if authorization
        && matches!(header_code, Some("approved" | "partial"))
        && response.get("preAuthPeriod").is_none()
    {
        out.add(
            &BV_00387,
            format!("{at}.preAuthPeriod"),
            "an approved or partially approved authorization needs a preAuthPeriod",
        );
    }
    if claim_or_authorization {
        let insurance = list(response, "insurance");
        if complete && insurance.is_empty() {
            out.add(
                &BV_00853,
                format!("{at}.insurance"),
                "a complete response lists the insurance it adjudicated",
            );
        }
        let focal = insurance
            .iter()
            .filter(|i| i.get("focal").and_then(Value::as_bool) == Some(true))
            .count();
        if !insurance.is_empty() && focal != 1 {
            out.add(
                &BV_00854,
                format!("{at}.insurance"),
                format!("exactly one insurance must be focal; {focal} are"),
            );
        }
    }

    // Item adjudication. Each item's categories are read once; totals are summed on the way.
    let totals = list(response, "total");
    let mut sums: Vec<Sum> = if complete {
        totals
            .iter()
            .enumerate()
            .filter_map(|(t, total)| {
                Some(Sum {
                    index: t,
                    code: category(total)?,
                    expected: amount(total)?,
                    sum: Decimal::ZERO,
                    matched: false,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut reads: Vec<Adjudication> = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let item_code = extension(item, "extension-adjudication-outcome");
        if complete {
            match item_code {
                None => out.add(
                    &BV_00480,
                    format!("{at}.item[{n}].extension"),
                    "with outcome complete every item needs an adjudication-outcome",
                ),
                Some((k, e)) if !extension_code(e).is_some_and(|c| FINAL_OUTCOMES.contains(&c)) => {
                    out.add(
                        &BV_00371,
                        format!("{at}.item[{n}].extension[{k}]"),
                        format!(
                            "with outcome complete an item is approved, partial, rejected or not-required, not {}",
                            extension_code(e).unwrap_or("missing")
                        ),
                    )
                }
                _ => {}
            }
        }
        let adjudications = list(item, "adjudication");
        reads.clear();
        reads.extend(adjudications.iter().map(Adjudication::read));
        let find = |code: &str| reads.iter().position(|a| a.category == Some(code));
        let here = || format!("{at}.item[{n}].adjudication");
        if matches!(
            item_code.and_then(|(_, e)| extension_code(e)),
            Some("rejected" | "partial")
        ) && !reads.iter().any(|a| a.reason)
        {
            out.add(
                &BV_00392,
                here(),
                "a rejected or partially approved item must give the adjudication reason",
            );
        }
        for (k, read) in reads.iter().enumerate() {
            if let Some(code) = read.category
                && reads[..k].iter().any(|a| a.category == Some(code))
            {
                out.add(
                    &BV_00391,
                    format!("{at}.item[{n}].adjudication[{k}].category"),
                    format!("the category {code} is given twice"),
                );
            }
            if matches!(
                read.category,
                Some("approved-quantity" | "approved-duration")
            ) && (read.amount.is_some() || !read.value)
            {
                out.add(
                    &BV_00519,
                    format!("{at}.item[{n}].adjudication[{k}]"),
                    "approved-quantity and approved-duration give a value, not an amount",
                );
            }
            sar(
                read.amount,
                &BV_00458,
                || format!("{at}.item[{n}].adjudication[{k}].amount.currency"),
                out,
            );
            add_to_sums(&mut sums, read);
        }
        if complete && claim_or_authorization {
            match find("benefit") {
                None => out.add(
                    &BV_00390,
                    here(),
                    "with outcome complete every item needs a benefit adjudication",
                ),
                Some(k) if reads[k].amount.is_none() => out.add(
                    &BV_00390,
                    format!("{at}.item[{n}].adjudication[{k}].amount"),
                    "the benefit adjudication needs an amount",
                ),
                _ => {}
            }
        }
        if complete {
            let required: &[(&str, &'static Rule)] = match usage {
                Some("claim") => &[("tax", &BV_00497), ("approved-quantity", &BV_00498)],
                Some("preauthorization") => &[("approved-quantity", &BV_00499)],
                _ => &[],
            };
            for (code, rule) in required {
                if find(code).is_none() {
                    out.add(
                        rule,
                        here(),
                        format!("every item of a complete response needs the {code} adjudication"),
                    );
                }
            }
        }
        if prescriber {
            let durations = reads
                .iter()
                .filter(|a| a.category == Some("approved-duration"))
                .count();
            if durations != 1 {
                out.add(
                    &BV_00670,
                    here(),
                    format!("a prescriber-response item needs exactly one approved-duration adjudication, not {durations}"),
                );
            }
        }
        if let (Some(s), Some(k)) = (find("submitted"), find("eligible"))
            && let (Some(submitted), Some(eligible)) = (reads[s].amount(), reads[k].amount())
            && eligible > submitted
        {
            out.add(
                &BV_00450,
                format!("{at}.item[{n}].adjudication[{k}].amount"),
                format!("the eligible amount {eligible} exceeds the submitted amount {submitted}"),
            );
        }
    }
    if !sums.is_empty() {
        // Items the payer added count towards the totals too.
        for line in list(response, "addItem") {
            for adjudication in list(line, "adjudication") {
                add_to_sums(&mut sums, &Adjudication::read(adjudication));
            }
        }
    }

    // Totals.
    if totals.is_empty() {
        if complete && usage == Some("claim") {
            out.add(
                &BV_00022,
                format!("{at}.total"),
                "a complete claim response needs a total",
            );
        } else if claim_or_authorization && outcome.is_some_and(|o| o != "error") {
            out.add(
                &BV_00023,
                format!("{at}.total"),
                "a claim or authorization response that is not an error needs a total",
            );
        }
    }
    for (t, total) in totals.iter().enumerate() {
        sar(
            total.get("amount"),
            &BV_00229,
            || format!("{at}.total[{t}].amount.currency"),
            out,
        );
    }
    for s in &sums {
        if s.matched && cents(s.sum) != cents(s.expected) {
            out.add(
                &BV_00374,
                format!("{at}.total[{}].amount.value", s.index),
                format!(
                    "the {code} total is {expected} but the items' {code} amounts add up to {sum}",
                    code = s.code,
                    expected = s.expected,
                    sum = s.sum
                ),
            );
        }
    }
}

/// A total of a complete response and the item amounts of its category (BV-00374).
struct Sum<'a> {
    index: usize,
    code: &'a str,
    expected: Decimal,
    sum: Decimal,
    matched: bool,
}

fn add_to_sums(sums: &mut [Sum], adjudication: &Adjudication) {
    if let Some(code) = adjudication.category
        && let Some(slot) = sums.iter_mut().find(|s| s.code == code)
    {
        slot.matched = true;
        slot.sum += adjudication.amount().unwrap_or(Decimal::ZERO);
    }
}

/// What the checks read from one adjudication, in one pass over its fields.
struct Adjudication<'a> {
    category: Option<&'a str>,
    amount: Option<&'a Value>,
    value: bool,
    reason: bool,
}

impl<'a> Adjudication<'a> {
    fn read(element: &'a Value) -> Self {
        let mut read = Adjudication {
            category: None,
            amount: None,
            value: false,
            reason: false,
        };
        for (key, field) in element.as_object().into_iter().flatten() {
            match key.as_str() {
                "category" => read.category = any_code(field),
                "amount" => read.amount = Some(field),
                "value" => read.value = true,
                "reason" => read.reason = true,
                _ => {}
            }
        }
        read
    }

    fn amount(&self) -> Option<Decimal> {
        self.amount.and_then(|m| m.get("value")).and_then(decimal)
    }
}

/// BV-00799, BV-00800, BV-00609..611: the subtype the claim type allows.
fn check_sub_type(response: &Value, at: &str, out: &mut Findings) {
    let kind = response
        .get("type")
        .and_then(|t| code_in(t, CLAIM_TYPE_SYSTEM));
    let sub = response
        .get("subType")
        .and_then(|t| code_in(t, CLAIM_SUBTYPE_SYSTEM).or_else(|| any_code(t)));
    let (Some(kind), Some(sub)) = (kind, sub) else {
        return;
    };
    let (rule, allowed): (&'static Rule, &[&str]) = match kind {
        "professional" => (&BV_00799, &["op", "emr"]),
        "institutional" => (&BV_00800, &["ip"]),
        "oral" => (&BV_00609, &["op"]),
        "vision" => (&BV_00610, &["op"]),
        "pharmacy" => (&BV_00611, &["op"]),
        _ => return,
    };
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(sub)) {
        out.add(
            rule,
            format!("{at}.subType"),
            format!(
                "a {kind} response has subtype {}, not {sub}",
                allowed.join(" or ")
            ),
        );
    }
}

/// itemSequence, detailSequence and subDetailSequence are unique at their level.
fn check_sequences(items: &[Value], at: &str, ids: &Ids, out: &mut Findings) {
    let sequence = |key: &'static str| move |v: &Value| v.get(key).and_then(Value::as_u64);
    each_duplicate(items, sequence("itemSequence"), |n, s| {
        out.add(
            ids.item,
            format!("{at}.item[{n}].itemSequence"),
            format!("itemSequence {s} is used twice"),
        );
    });
    for (n, item) in items.iter().enumerate() {
        let details = list(item, "detail");
        each_duplicate(details, sequence("detailSequence"), |d, s| {
            out.add(
                ids.detail,
                format!("{at}.item[{n}].detail[{d}].detailSequence"),
                format!("detailSequence {s} is used twice in this item"),
            );
        });
        for (d, detail) in details.iter().enumerate() {
            each_duplicate(
                list(detail, "subDetail"),
                sequence("subDetailSequence"),
                |m, s| {
                    out.add(
                        ids.sub_detail,
                        format!("{at}.item[{n}].detail[{d}].subDetail[{m}].subDetailSequence"),
                        format!("subDetailSequence {s} is used twice in this detail"),
                    );
                },
            );
        }
    }
}

/// Process notes: unique numbers, item noteNumbers that name them, lengths.
fn check_notes(response: &Value, items: &[Value], at: &str, out: &mut Findings) {
    check_length(
        response,
        "disposition",
        || format!("{at}.disposition"),
        (250, 250),
        &BV_00317,
        out,
    );
    let notes = list(response, "processNote");
    let number = |v: &Value| v.get("number").and_then(Value::as_u64);
    each_duplicate(notes, number, |k, number| {
        out.add(
            &BV_00524,
            format!("{at}.processNote[{k}].number"),
            format!("note number {number} is used twice"),
        );
    });
    for (k, note) in notes.iter().enumerate() {
        check_length(
            note,
            "text",
            || format!("{at}.processNote[{k}].text"),
            (2000, 1000),
            &BV_00318,
            out,
        );
    }
    for (n, item) in items.iter().enumerate() {
        let links = list(item, "noteNumber");
        each_duplicate(links, Value::as_u64, |j, link| {
            out.add(
                &BV_00521,
                format!("{at}.item[{n}].noteNumber[{j}]"),
                format!("note number {link} is listed twice"),
            );
        });
        for (j, link) in links.iter().enumerate() {
            if let Some(link) = link.as_u64()
                && !notes.iter().any(|note| number(note) == Some(link))
            {
                out.add(
                    &BV_00520,
                    format!("{at}.item[{n}].noteNumber[{j}]"),
                    format!("no processNote has number {link}"),
                );
            }
        }
    }
}

/// BV-00393, BV-00394, BV-00397: the response's adjudication outcome agrees with its items'.
fn check_item_outcomes(
    items: &[Value],
    header: &str,
    path: &dyn Fn() -> String,
    out: &mut Findings,
) {
    let (mut approved, mut rejected, mut partial) = (0, 0, 0);
    for item in items {
        match extension(item, "extension-adjudication-outcome").and_then(|(_, e)| extension_code(e))
        {
            Some("approved") => approved += 1,
            Some("rejected") => rejected += 1,
            Some("partial") => partial += 1,
            _ => {}
        }
    }
    let kinds = [approved, rejected, partial]
        .iter()
        .filter(|&&c| c > 0)
        .count();
    let all = items.len();
    if (partial > 0 || kinds > 1) && header != "partial" {
        out.add(
            &BV_00397,
            path(),
            format!("the items are partially approved or mixed, so the response is partial, not {header}"),
        );
    } else if all > 0 && approved == all && header != "approved" {
        out.add(
            &BV_00393,
            path(),
            format!("every item is approved, so the response is approved, not {header}"),
        );
    } else if all > 0 && rejected == all && header != "rejected" {
        out.add(
            &BV_00394,
            path(),
            format!("every item is rejected, so the response is rejected, not {header}"),
        );
    }
}
