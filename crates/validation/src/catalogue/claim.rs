//! Claim business rules: amounts, sequences and links, type and encounter, dates.

catalogue! {
    // Claim amounts.
    BV_00251 = "BV-00251", Business, Error, "item net = quantity x unit price x factor + tax (factor 1 and tax 0 when absent)";
    BV_00434 = "BV-00434", Business, Error, "detail net = quantity x unit price x factor + tax";
    BV_00435 = "BV-00435", Business, Error, "sub-detail net = quantity x unit price x factor + tax";
    BV_00059 = "BV-00059", Business, Error, "Claim.total equals the sum of the item nets";
    BV_00096 = "BV-00096", Business, Error, "Claim.total is in SAR";
    BV_00092 = "BV-00092", Business, Error, "item unit price is in SAR";
    BV_00093 = "BV-00093", Business, Error, "item net is in SAR";
    BV_00086 = "BV-00086", Business, Error, "item tax is in SAR";
    BV_00088 = "BV-00088", Business, Error, "item patient share is in SAR";
    BV_00094 = "BV-00094", Business, Error, "detail unit price is in SAR";
    BV_00095 = "BV-00095", Business, Error, "detail net is in SAR";
    BV_00482 = "BV-00482", Business, Error, "item factor is a positive decimal";
    CL_00009 = "CL-00009", Business, Error, "quantities are positive";
    CL_00010 = "CL-00010", Business, Warning, "the patient share does not exceed the item net";
    CL_00015 = "CL-00015", Business, Error, "an amount of money has at most two decimals (halalas) and is below one trillion";

    // Claim sequences and links.
    BV_00044 = "BV-00044", Business, Error, "item sequences are unique within the claim";
    BV_00042 = "BV-00042", Business, Error, "detail sequences are unique within their item";
    BV_00043 = "BV-00043", Business, Error, "sub-detail sequences are unique within their detail";
    BV_00002 = "BV-00002", Business, Error, "care team sequences are unique within the claim";
    BV_00453 = "BV-00453", Business, Error, "supporting information sequences are unique within the claim";
    BV_00454 = "BV-00454", Business, Error, "diagnosis sequences are unique within the claim";
    CL_00011 = "CL-00011", Business, Error, "insurance sequences are unique within the claim";
    BV_00442 = "BV-00442", Business, Error, "every item careTeamSequence names an existing care team entry";
    BV_00444 = "BV-00444", Business, Error, "every item diagnosisSequence names an existing diagnosis";
    BV_00443 = "BV-00443", Business, Error, "every item informationSequence names an existing supporting information entry";
    BV_00502 = "BV-00502", Business, Error, "an item's informationSequence values are unique";
    BV_00057 = "BV-00057", Business, Error, "a diagnosis code appears once in a claim";
    BV_00400 = "BV-00400", Business, Error, "exactly one insurance is focal";
    BV_00731 = "BV-00731", Business, Error, "an institutional claim billing mechanical ventilation (13882-00-00, 13882-01-00, 13882-02-00, 92211-00-00) carries ventilation-hours supporting information";
    BV_00526 = "BV-00526", Business, Error, "a CodeableConcept has at most one coding per code system";

    // Claim type, subtype and encounter.
    BV_00364 = "BV-00364", Business, Error, "an institutional claim has subtype ip";
    BV_00365 = "BV-00365", Business, Error, "a professional claim has subtype op or emr";
    BV_00366 = "BV-00366", Business, Error, "an oral claim has subtype op";
    BV_00367 = "BV-00367", Business, Error, "a vision claim has subtype op";
    BV_00368 = "BV-00368", Business, Error, "a pharmacy claim has subtype op";
    BV_00741 = "BV-00741", Business, Error, "an institutional claim's encounter class is IMP or SS";
    BV_00743 = "BV-00743", Business, Error, "an oral claim's encounter class is AMB";
    BV_00742 = "BV-00742", Business, Error, "a professional claim's encounter class is AMB, EMER, HH or VR";
    BV_00755 = "BV-00755", Business, Error, "subtype emr goes with encounter class EMER";

    // Dates.
    BV_00064 = "BV-00064", Business, Error, "Claim.created is not after the message was received";
    BV_00066 = "BV-00066", Business, Error, "an item has servicedDate or servicedPeriod, not both";
    BV_00061 = "BV-00061", Business, Error, "for use = claim, items were serviced on or before Claim.created";
    BV_00052 = "BV-00052", Business, Error, "a period ends on or after it starts";
    BV_00850 = "BV-00850", Business, Error, "for use = claim, the encounter started on or before the message was received";
    CL_00013 = "CL-00013", DataType, Error, "dates are full dates (YYYY-MM-DD) and dateTimes carry a time zone";
}
