//! CoverageEligibilityRequest and CoverageEligibilityResponse.

use super::{
    Message, Party, check_length, each_duplicate, extension, extension_code, has_code, sar,
};
use crate::Findings;
use crate::catalogue::*;
use crate::node::{date, date_or_time, list, text};
use serde_json::Value;

/// A newborn's eligibility is checked at most this many days after birth (BV-00554/555).
const NEWBORN_DAYS: i64 = 90;

pub(super) fn check_request(request: &Value, at: &str, message: &Message, out: &mut Findings) {
    if let Some(status) = text(request, "status")
        && status.trim() != "active"
    {
        out.add(
            &BV_00538,
            format!("{at}.status"),
            format!("the status must be \"active\", not \"{status}\""),
        );
    }
    let created = text(request, "created");
    if message.after_receipt(created) {
        out.add(
            &BV_00062,
            format!("{at}.created"),
            "CoverageEligibilityRequest.created is after the time the message was received",
        );
    }
    let serviced_date = text(request, "servicedDate");
    let period = request.get("servicedPeriod");
    if serviced_date.is_none() && period.is_none() {
        out.add(
            &BV_00437,
            format!("{at}.serviced"),
            "give the service date (servicedDate or servicedPeriod)",
        );
    }
    // The request is received when it is created: the service must not be over by then.
    if let Some(created) = created.and_then(date_or_time) {
        let served = match (serviced_date, period) {
            (Some(d), _) => Some((d, format!("{at}.servicedDate"))),
            (None, Some(p)) => text(p, "end")
                .or_else(|| text(p, "start"))
                .map(|d| (d, format!("{at}.servicedPeriod"))),
            (None, None) => None,
        };
        if let Some((day, path)) = served
            && let Some(day) = date_or_time(day)
            && day.day() < created.day()
        {
            out.add(
                &BV_00058,
                path,
                "the service date is before the eligibility request was made",
            );
        }
    }
    message.check_party(
        request,
        at,
        "provider",
        message.sender_license,
        &BV_00541,
        out,
    );
    message.check_party(
        request,
        at,
        "insurer",
        message.receiver_license,
        &CL_00202,
        out,
    );

    // Newborn: the service is within 90 days of birth.
    let newborn = extension(request, "extension-newborn")
        .and_then(|(_, e)| e.get("valueBoolean"))
        .and_then(Value::as_bool)
        == Some(true);
    if newborn
        && let Some((_, patient)) = request
            .get("patient")
            .and_then(|p| message.entries.target(p))
        && let Some(birth) = text(patient, "birthDate").and_then(date)
    {
        let late = |day: Option<&str>| {
            day.and_then(date_or_time)
                .is_some_and(|d| (d.day() - birth).num_days() > NEWBORN_DAYS)
        };
        if late(serviced_date) {
            out.add(
                &BV_00554,
                format!("{at}.servicedDate"),
                "a newborn's eligibility is checked within 90 days of birth",
            );
        } else if late(period.and_then(|p| text(p, "end"))) {
            out.add(
                &BV_00555,
                format!("{at}.servicedPeriod.end"),
                "a newborn's eligibility is checked within 90 days of birth",
            );
        }
    }

    // Purpose and insurance.
    let purposes = list(request, "purpose");
    each_duplicate(purposes, Value::as_str, |k, purpose| {
        out.add(
            &CL_00204,
            format!("{at}.purpose[{k}]"),
            format!("the purpose {purpose} is given twice"),
        );
    });
    let insurance = list(request, "insurance");
    let discovery = purposes.iter().any(|p| p.as_str() == Some("discovery"));
    // An insurance without its coverage is a cardinality finding (IC-00147).
    if !purposes.is_empty() && !discovery && insurance.is_empty() {
        out.add(
            &RE_00179,
            format!("{at}.insurance"),
            "without the discovery purpose the request must reference the patient's Coverage",
        );
    }
    let focal = insurance
        .iter()
        .filter(|i| i.get("focal").and_then(Value::as_bool) == Some(true))
        .count();
    if focal > 1 {
        out.add(
            &CL_00203,
            format!("{at}.insurance"),
            format!("at most one insurance can be focal; {focal} are"),
        );
    }
}

pub(super) fn check_response(response: &Value, at: &str, message: &Message, out: &mut Findings) {
    if let Some(status) = text(response, "status")
        && status.trim() != "active"
    {
        out.add(
            &BV_00539,
            format!("{at}.status"),
            format!("the status must be \"active\", not \"{status}\""),
        );
    }
    if message.after_receipt(text(response, "created")) {
        out.add(
            &BV_00063,
            format!("{at}.created"),
            "CoverageEligibilityResponse.created is after the time the message was received",
        );
    }
    if message.sender == Party::Payer {
        message.check_party(
            response,
            at,
            "insurer",
            message.sender_license,
            &CL_00205,
            out,
        );
    }
    check_length(
        response,
        "disposition",
        || format!("{at}.disposition"),
        (250, 125),
        &BV_00310,
        out,
    );
    let outcome = text(response, "outcome");
    if outcome == Some("error")
        && !list(response, "error")
            .iter()
            .any(|e| has_code(e.get("code")))
    {
        out.add(
            &BV_00536,
            format!("{at}.error"),
            "a response with outcome error must give the error codes",
        );
    }

    // Insurance and benefits.
    let insurance = list(response, "insurance");
    let mut in_force = 0;
    let mut site_eligible = 0;
    let mut site_given = 0;
    for (i, entry) in insurance.iter().enumerate() {
        let inforce = entry.get("inforce").and_then(Value::as_bool);
        if inforce != Some(false) {
            in_force += 1;
        }
        if let Some((k, site)) = extension(entry, "extension-siteEligibility") {
            site_given += 1;
            if extension_code(site) == Some("eligible") {
                site_eligible += 1;
                if inforce == Some(false) {
                    out.add(
                        &BV_00560,
                        format!("{at}.insurance[{i}].extension[{k}]"),
                        "an insurance that is not in force cannot be site-eligible",
                    );
                }
            }
        }
        for (j, item) in list(entry, "item").iter().enumerate() {
            let here = || format!("{at}.insurance[{i}].item[{j}]");
            check_length(
                item,
                "name",
                || format!("{}.name", here()),
                (100, 50),
                &BV_00311,
                out,
            );
            check_length(
                item,
                "description",
                || format!("{}.description", here()),
                (250, 125),
                &BV_00312,
                out,
            );
            for (b, benefit) in list(item, "benefit").iter().enumerate() {
                sar(
                    benefit.get("allowedMoney"),
                    &BV_00084,
                    || format!("{}.benefit[{b}].allowedMoney.currency", here()),
                    out,
                );
                sar(
                    benefit.get("usedMoney"),
                    &BV_00085,
                    || format!("{}.benefit[{b}].usedMoney.currency", here()),
                    out,
                );
            }
        }
    }

    // Site eligibility of the response against its insurance.
    let site = extension(response, "extension-siteEligibility");
    let Some((k, site)) = site else {
        if outcome == Some("complete") {
            out.add(
                &BV_00503,
                format!("{at}.extension"),
                "a complete eligibility response gives the siteEligibility",
            );
        }
        return;
    };
    let path = || format!("{at}.extension[{k}]");
    let eligible = extension_code(site) == Some("eligible");
    if eligible && insurance.is_empty() {
        out.add(
            &BV_00558,
            path(),
            "the patient cannot be site-eligible when no insurance is given",
        );
    } else if eligible && in_force == 0 {
        out.add(
            &BV_00535,
            path(),
            "the patient cannot be site-eligible when no insurance is in force",
        );
    } else if eligible && site_given == insurance.len() && site_eligible == 0 {
        out.add(
            &BV_00561,
            path(),
            "the patient cannot be site-eligible when no insurance is site-eligible",
        );
    } else if !eligible && site_eligible > 0 {
        out.add(
            &BV_00559,
            path(),
            "an insurance is site-eligible, so the patient is site-eligible",
        );
    }
}
