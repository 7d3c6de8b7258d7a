//! Claim business rules: amounts, sequences and links, type and encounter, dates, parties.

use super::Header;
use crate::catalogue::*;
use crate::node::{
    CLAIM_SUBTYPE_SYSTEM, CLAIM_TYPE_SYSTEM, Entries, any_code, code_in, date_or_time, decimal,
    list, text,
};
use crate::{Context, Findings, Rule};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::HashSet;

/// Amounts are compared to two decimals, as NPHIES does.
fn cents(value: Decimal) -> Decimal {
    value.round_dp(2)
}

/// An NPHIES extension by its short name, with its index in `extension`.
fn extension<'a>(element: &'a Value, name: &str) -> Option<(usize, &'a Value)> {
    list(element, "extension")
        .iter()
        .enumerate()
        .find(|(_, e)| {
            text(e, "url").is_some_and(|url| {
                url.strip_prefix(crate::node::STRUCTURE_DEFINITION) == Some(name)
            })
        })
}

/// Checks a Money element: its currency (`rule`), and that its value is a plausible exact SAR
/// amount (CL-00015). Amounts with more digits than that would also not survive a trip through
/// binary floating point exactly.
fn sar(money: Option<&Value>, rule: &'static Rule, path: String, out: &mut Findings) {
    let Some(money) = money else { return };
    if let Some(value) = money.get("value").and_then(decimal)
        && (value.normalize().scale() > 2 || value.abs() >= Decimal::from(1_000_000_000_000_i64))
    {
        let value_path = match path.strip_suffix(".currency") {
            Some(base) => format!("{base}.value"),
            None => format!("{path}.value"),
        };
        out.add(
            &CL_00015,
            value_path,
            "an amount has at most two decimals and is below 1,000,000,000,000 SAR",
        );
    }
    if let Some(currency) = money.get("currency")
        && currency.as_str() != Some("SAR")
    {
        out.add(rule, path, "the currency must be SAR");
    }
}

/// Net = quantity × unit price × factor + tax, for an item, detail or sub-detail.
fn check_net(line: &Value, at: &str, rule: &'static Rule, out: &mut Findings) {
    let (Some(net), Some(unit_price)) = (
        line.get("net")
            .and_then(|m| m.get("value"))
            .and_then(decimal),
        line.get("unitPrice")
            .and_then(|m| m.get("value"))
            .and_then(decimal),
    ) else {
        return; // Missing amounts are cardinality findings.
    };
    let quantity = line
        .get("quantity")
        .and_then(|q| q.get("value"))
        .and_then(decimal)
        .unwrap_or(Decimal::ONE);
    let factor = line.get("factor").and_then(decimal).unwrap_or(Decimal::ONE);
    let tax = extension(line, "extension-tax")
        .and_then(|(_, e)| e.get("valueMoney"))
        .and_then(|m| m.get("value"))
        .and_then(decimal)
        .unwrap_or(Decimal::ZERO);
    let expected = quantity * unit_price * factor + tax;
    if cents(expected) != cents(net) {
        out.add(
            rule,
            format!("{at}.net"),
            format!("net is {net} but quantity {quantity} x unit price {unit_price} x factor {factor} + tax {tax} = {expected}"),
        );
    }
}

fn unique_sequences(
    elements: &[Value],
    at: &str,
    field: &str,
    key: &str,
    rule: &'static Rule,
    out: &mut Findings,
) -> HashSet<u64> {
    let mut seen = HashSet::new();
    for (n, element) in elements.iter().enumerate() {
        if let Some(sequence) = element.get(key).and_then(Value::as_u64)
            && !seen.insert(sequence)
        {
            out.add(
                rule,
                format!("{at}.{field}[{n}].{key}"),
                format!("sequence {sequence} is used twice"),
            );
        }
    }
    seen
}

fn check_lines(lines: &[Value], at: &str, level: Level, out: &mut Findings) {
    let (field, net_rule, unique_rule, price_rule, net_currency_rule) = match level {
        Level::Item => ("item", &BV_00251, &BV_00044, &BV_00092, &BV_00093),
        Level::Detail => ("detail", &BV_00434, &BV_00042, &BV_00094, &BV_00095),
        Level::SubDetail => ("subDetail", &BV_00435, &BV_00043, &BV_00094, &BV_00095),
    };
    let key = "sequence";
    unique_sequences(lines, at, field, key, unique_rule, out);
    for (n, line) in lines.iter().enumerate() {
        let here = format!("{at}.{field}[{n}]");
        check_net(line, &here, net_rule, out);
        sar(
            line.get("unitPrice"),
            price_rule,
            format!("{here}.unitPrice.currency"),
            out,
        );
        sar(
            line.get("net"),
            net_currency_rule,
            format!("{here}.net.currency"),
            out,
        );
        if let Some(factor) = line.get("factor").and_then(decimal)
            && factor <= Decimal::ZERO
        {
            out.add(
                &BV_00482,
                format!("{here}.factor"),
                "the factor must be positive",
            );
        }
        if let Some(quantity) = line
            .get("quantity")
            .and_then(|q| q.get("value"))
            .and_then(decimal)
            && quantity <= Decimal::ZERO
        {
            out.add(
                &CL_00009,
                format!("{here}.quantity.value"),
                "the quantity must be positive",
            );
        }
        if let Level::Item = level {
            if let Some((k, tax)) = extension(line, "extension-tax") {
                sar(
                    tax.get("valueMoney"),
                    &BV_00086,
                    format!("{here}.extension[{k}].valueMoney.currency"),
                    out,
                );
            }
            if let Some((k, share)) = extension(line, "extension-patient-share")
                .and_then(|(k, e)| e.get("valueMoney").map(|m| (k, m)))
            {
                sar(
                    Some(share),
                    &BV_00088,
                    format!("{here}.extension[{k}].valueMoney.currency"),
                    out,
                );
                if let (Some(share), Some(net)) = (
                    share.get("value").and_then(decimal),
                    line.get("net")
                        .and_then(|m| m.get("value"))
                        .and_then(decimal),
                ) && share > net
                {
                    out.add(
                        &CL_00010,
                        format!("{here}.extension[{k}].valueMoney.value"),
                        format!("the patient share {share} exceeds the net {net}"),
                    );
                }
            }
            check_lines(list(line, "detail"), &here, Level::Detail, out);
        } else if let Level::Detail = level {
            check_lines(list(line, "subDetail"), &here, Level::SubDetail, out);
        }
    }
}

#[derive(Clone, Copy)]
enum Level {
    Item,
    Detail,
    SubDetail,
}

pub(super) fn check(
    claim: &Value,
    at: &str,
    entries: &Entries,
    header: Option<&Header>,
    ctx: &Context,
    out: &mut Findings,
) {
    let items = list(claim, "item");
    check_lines(items, at, Level::Item, out);

    // Total.
    if let Some(total) = claim.get("total") {
        sar(Some(total), &BV_00096, format!("{at}.total.currency"), out);
        let nets: Option<Decimal> = items
            .iter()
            .map(|i| i.get("net").and_then(|m| m.get("value")).and_then(decimal))
            .sum();
        if let (Some(total), Some(sum)) = (total.get("value").and_then(decimal), nets)
            && cents(total) != cents(sum)
        {
            out.add(
                &BV_00059,
                format!("{at}.total.value"),
                format!("the total is {total} but the item nets add up to {sum}"),
            );
        }
    }

    // Sequences and links.
    let care_team = unique_sequences(
        list(claim, "careTeam"),
        at,
        "careTeam",
        "sequence",
        &BV_00002,
        out,
    );
    let information = unique_sequences(
        list(claim, "supportingInfo"),
        at,
        "supportingInfo",
        "sequence",
        &BV_00453,
        out,
    );
    let diagnoses = unique_sequences(
        list(claim, "diagnosis"),
        at,
        "diagnosis",
        "sequence",
        &BV_00454,
        out,
    );
    unique_sequences(
        list(claim, "insurance"),
        at,
        "insurance",
        "sequence",
        &CL_00011,
        out,
    );
    for (n, item) in items.iter().enumerate() {
        for (field, known, rule) in [
            ("careTeamSequence", &care_team, &BV_00442),
            ("diagnosisSequence", &diagnoses, &BV_00444),
            ("informationSequence", &information, &BV_00443),
        ] {
            for (k, link) in list(item, field).iter().enumerate() {
                if let Some(link) = link.as_u64()
                    && !known.contains(&link)
                {
                    out.add(
                        rule,
                        format!("{at}.item[{n}].{field}[{k}]"),
                        format!("no entry has sequence {link}"),
                    );
                }
            }
        }
        let mut links = HashSet::new();
        for (k, link) in list(item, "informationSequence").iter().enumerate() {
            if let Some(link) = link.as_u64()
                && !links.insert(link)
            {
                out.add(
                    &BV_00502,
                    format!("{at}.item[{n}].informationSequence[{k}]"),
                    format!("sequence {link} is linked twice"),
                );
            }
        }
    }
    let mut codes = HashSet::new();
    for (n, diagnosis) in list(claim, "diagnosis").iter().enumerate() {
        if let Some(concept) = diagnosis.get("diagnosisCodeableConcept")
            && let Some(code) = any_code(concept)
            && !codes.insert(code)
        {
            out.add(
                &BV_00057,
                format!("{at}.diagnosis[{n}].diagnosisCodeableConcept"),
                format!("diagnosis {code} is listed twice"),
            );
        }
    }
    let focal = list(claim, "insurance")
        .iter()
        .filter(|i| i.get("focal").and_then(Value::as_bool) == Some(true))
        .count();
    if !list(claim, "insurance").is_empty() && focal != 1 {
        out.add(
            &BV_00400,
            format!("{at}.insurance"),
            format!("exactly one insurance must be focal; {focal} are"),
        );
    }
    for field in ["type", "subType", "priority"] {
        if let Some(concept) = claim.get(field) {
            one_coding_per_system(concept, &format!("{at}.{field}"), out);
        }
    }

    // Event, type, subtype, encounter.
    let claim_use = text(claim, "use");
    if let Some(event) = header.and_then(|h| h.event) {
        let expected = match event {
            "claim-request" => Some("claim"),
            "priorauth-request" => Some("preauthorization"),
            "prescriber-request" => Some("predetermination"),
            _ => None,
        };
        // An unknown use is the binding rule's finding (IB-00048), not a mismatch.
        let known = matches!(
            claim_use,
            Some("claim" | "preauthorization" | "predetermination")
        );
        if let (Some(expected), Some(actual)) = (expected, claim_use)
            && known
            && expected != actual
        {
            out.add(
                &BV_00165,
                format!("{at}.use"),
                format!(
                    "a {event} message carries a Claim with use \"{expected}\", not \"{actual}\""
                ),
            );
        }
    }
    let claim_type = claim
        .get("type")
        .and_then(|t| code_in(t, CLAIM_TYPE_SYSTEM));
    let sub_type = claim
        .get("subType")
        .and_then(|t| code_in(t, CLAIM_SUBTYPE_SYSTEM));
    if let (Some(kind), Some(sub)) = (claim_type, sub_type) {
        let (rule, allowed): (&'static Rule, &[&str]) = match kind {
            "institutional" => (&BV_00364, &["ip"]),
            "professional" => (&BV_00365, &["op", "emr"]),
            "oral" => (&BV_00366, &["op"]),
            "vision" => (&BV_00367, &["op"]),
            "pharmacy" => (&BV_00368, &["op"]),
            _ => (&BV_00364, &[]),
        };
        // An unknown subtype is the binding rule's finding (IB-00043), not a mismatch.
        if !allowed.is_empty() && matches!(sub, "ip" | "op" | "emr") && !allowed.contains(&sub) {
            out.add(
                rule,
                format!("{at}.subType"),
                format!(
                    "a {kind} claim has subtype {}, not {sub}",
                    allowed.join(" or ")
                ),
            );
        }
    }
    let encounter_at =
        extension(claim, "extension-encounter").map(|(k, _)| format!("{at}.extension[{k}]"));
    let encounter = extension(claim, "extension-encounter")
        .and_then(|(_, e)| e.get("valueReference"))
        .and_then(|r| entries.target(r))
        .map(|(_, r)| r);
    if let (Some(encounter), Some(encounter_at)) = (encounter, encounter_at) {
        let class = encounter.get("class").and_then(|c| text(c, "code"));
        if let (Some(kind), Some(class)) = (claim_type, class) {
            let (rule, allowed): (&'static Rule, &[&str]) = match kind {
                "institutional" => (&BV_00741, &["IMP", "SS"]),
                "oral" => (&BV_00743, &["AMB"]),
                "professional" => (&BV_00742, &["AMB", "EMER", "HH", "VR"]),
                _ => (&BV_00741, &[]),
            };
            if !allowed.is_empty() && !allowed.contains(&class) {
                out.add(
                    rule,
                    encounter_at.clone(),
                    format!(
                        "a {kind} claim's encounter class is {}, not {class}",
                        allowed.join(" or ")
                    ),
                );
            }
            if sub_type == Some("emr") && class != "EMER" {
                out.add(
                    &BV_00755,
                    encounter_at.clone(),
                    format!("subtype emr needs encounter class EMER, not {class}"),
                );
            }
        }
        if claim_use == Some("claim")
            && let Some(start) = encounter
                .get("period")
                .and_then(|p| text(p, "start"))
                .and_then(date_or_time)
            && start.day() > ctx.received.date_naive()
        {
            out.add(
                &BV_00850,
                encounter_at.clone(),
                "the encounter starts after the claim was received",
            );
        }
    }

    // Dates.
    let created = text(claim, "created").and_then(date_or_time);
    if let Some(created) = created
        && created.day() > ctx.received.date_naive()
    {
        out.add(
            &BV_00064,
            format!("{at}.created"),
            "Claim.created is after the time the message was received",
        );
    }
    for (n, item) in items.iter().enumerate() {
        let date = text(item, "servicedDate");
        let period = item.get("servicedPeriod");
        if date.is_some() && period.is_some() {
            out.add(
                &BV_00066,
                format!("{at}.item[{n}]"),
                "give servicedDate or servicedPeriod, not both",
            );
        }
        if let Some(period) = period {
            check_period(period, &format!("{at}.item[{n}].servicedPeriod"), out);
        }
        let last_day = date
            .or_else(|| period.and_then(|p| text(p, "end")))
            .or_else(|| period.and_then(|p| text(p, "start")))
            .and_then(date_or_time);
        if claim_use == Some("claim")
            && let (Some(served), Some(created)) = (last_day, created)
            && served.day() > created.day()
        {
            out.add(
                &BV_00061,
                format!("{at}.item[{n}]"),
                "the service date is after Claim.created",
            );
        }
    }

    // BV-00731: ventilation billed on an institutional claim needs its hours.
    const VENTILATION: [&str; 4] = ["13882-00-00", "13882-01-00", "13882-02-00", "92211-00-00"];
    if claim_use == Some("claim") && claim_type == Some("institutional") {
        let ventilated = items.iter().any(|item| {
            item.get("productOrService").is_some_and(|p| {
                list(p, "coding")
                    .iter()
                    .any(|c| text(c, "code").is_some_and(|code| VENTILATION.contains(&code)))
            })
        });
        let has_hours = list(claim, "supportingInfo")
            .iter()
            .any(|info| info.get("category").and_then(any_code) == Some("ventilation-hours"));
        if ventilated && !has_hours {
            out.add(&BV_00731, format!("{at}.supportingInfo"), "mechanical ventilation is billed but no ventilation-hours supporting information is given");
        }
    }

    // Parties: the provider is the sender, the insurer the receiver.
    if let Some(header) = header {
        for (field, license, rule) in [
            ("provider", header.sender_license, &BV_00351),
            ("insurer", header.receiver_license, &CL_00008),
        ] {
            let Some(license) = license else { continue };
            let Some((_, org)) = claim.get(field).and_then(|r| entries.target(r)) else {
                continue;
            };
            let licensed = list(org, "identifier")
                .iter()
                .any(|id| text(id, "value") == Some(license));
            if !licensed {
                out.add(rule, format!("{at}.{field}"), format!("the {field} Organization does not carry the license {license} that the MessageHeader names"));
            }
        }
    }
}

/// BV-00526: one coding per code system in a CodeableConcept.
pub(super) fn one_coding_per_system(concept: &Value, at: &str, out: &mut Findings) {
    let mut systems = HashSet::new();
    for coding in list(concept, "coding") {
        if let Some(system) = text(coding, "system")
            && !systems.insert(system)
        {
            out.add(
                &BV_00526,
                format!("{at}.coding"),
                format!("two codings use the system {system}"),
            );
        }
    }
}

/// BV-00052: a period ends on or after it starts.
pub(super) fn check_period(period: &Value, at: &str, out: &mut Findings) {
    if let (Some(start), Some(end)) = (
        text(period, "start").and_then(date_or_time),
        text(period, "end").and_then(date_or_time),
    ) {
        let before = match (start, end) {
            (crate::node::DateOrTime::Time(s), crate::node::DateOrTime::Time(e)) => e < s,
            _ => end.day() < start.day(),
        };
        if before {
            out.add(&BV_00052, at.to_owned(), "the period ends before it starts");
        }
    }
}
