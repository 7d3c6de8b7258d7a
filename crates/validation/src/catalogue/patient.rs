//! Patient identifiers and birth date.

catalogue! {
    // Patient.
    BV_00848 = "BV-00848", Business, Error, "Patient.birthDate is after 1900-01-01 and not after the message was received";
    BV_00851 = "BV-00851", Business, Error, "Patient.birthDate is on or before the encounter start";
    // The workbook words these two as "should"; NPHIES's own published samples use dummy
    // values (0000000001) that break them, so they warn rather than refuse.
    BV_00797 = "BV-00797", Business, Warning, "a national ID (type NI) is 10 digits starting with 1";
    BV_00798 = "BV-00798", Business, Warning, "an iqama (type PRC) is 10 digits starting with 2";
    BV_00481 = "BV-00481", Business, Error, "a passport number carries the issuing country (extension-identifier-country)";
    CL_00014 = "CL-00014", Business, Error, "a patient identifier has a type, a system and a value";
}
