//! Message structure, addressing and references.

catalogue! {
    // Message structure.
    BV_00130 = "BV-00130", Structure, Error, "Bundle.type is \"message\"";
    BV_00341 = "BV-00341", DataType, Error, "Bundle.id is a GUID (36 characters: 32 hex digits and 4 dashes)";
    CL_00001 = "CL-00001", DataType, Error, "Bundle.timestamp is an instant with seconds and a time zone";
    BV_00126 = "BV-00126", Structure, Error, "the first entry of the bundle is the MessageHeader";
    CL_00002 = "CL-00002", Structure, Error, "every entry has a fullUrl and a resource";
    CL_00003 = "CL-00003", Structure, Error, "no two entries share a fullUrl";
    BV_00168 = "BV-00168", DataType, Error, "MessageHeader.id is a GUID";
    CL_00004 = "CL-00004", Structure, Error, "MessageHeader.eventCoding uses the NPHIES message event code system";
    CL_00005 = "CL-00005", Structure, Error, "MessageHeader.eventCoding.code is an NPHIES message event";
    BV_00221 = "BV-00221", Structure, Error, "MessageHeader.focus has exactly one reference (outside batch messages)";
    BV_00167 = "BV-00167", Structure, Error, "the focal resource has the type the event calls for";
    CL_00006 = "CL-00006", Structure, Error, "MessageHeader.sender identifies a licensed provider or payer (identifier with an NPHIES license system and a value)";
    CL_00007 = "CL-00007", Structure, Error, "MessageHeader.destination.receiver identifies a licensed payer, provider or NPHIES";
    BV_00218 = "BV-00218", Structure, Error, "MessageHeader.destination.endpoint is a URL";
    BV_00177 = "BV-00177", Structure, Error, "MessageHeader.source.endpoint is a URL";
    BV_00456 = "BV-00456", Structure, Error, "poll-request and payment-notice messages are addressed to NPHIES";
    BV_00351 = "BV-00351", Business, Error, "Claim.provider is the Organization licensed as MessageHeader.sender";
    CL_00008 = "CL-00008", Business, Error, "Claim.insurer is the Organization licensed as MessageHeader.destination.receiver";
    BV_00165 = "BV-00165", Business, Error, "the message event matches Claim.use (claim-request: claim, priorauth-request: preauthorization, prescriber-request: predetermination)";

    // References.
    RE_00174 = "RE-00174", Reference, Error, "every literal reference resolves to an entry of the same bundle";
}
