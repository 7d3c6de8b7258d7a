//! Rules for responses and eligibility: ClaimResponse, CoverageEligibilityRequest and -Response, poll responses.
//!
//! Where the workbook has one rule for claim responses and another for authorization responses
//! (BV-00045/BV-00119, ...), the ClaimResponse's `use` picks the id. Rules that need the request
//! or earlier responses (BV-00003, BV-00046, BV-00483, BV-00513, ...) are not here: they cannot
//! be checked within one message.

catalogue! {
    // ClaimResponse: fixed values, dates, parties.
    BV_00331 = "BV-00331", Business, Error, "ClaimResponse.status is \"active\"";
    BV_00332 = "BV-00332", Business, Error, "a priorauth-response carries a ClaimResponse with use \"preauthorization\"";
    BV_00333 = "BV-00333", Business, Error, "a claim-response carries a ClaimResponse with use \"claim\"";
    BV_00065 = "BV-00065", Business, Error, "ClaimResponse.created is not after the message was received";
    CL_00200 = "CL-00200", Business, Error, "ClaimResponse.insurer is the Organization licensed as MessageHeader.sender (when a payer sends it)";
    CL_00201 = "CL-00201", Business, Error, "ClaimResponse.requestor is the Organization licensed as MessageHeader.destination.receiver";
    BV_00799 = "BV-00799", Business, Error, "a professional ClaimResponse has subtype op or emr";
    BV_00800 = "BV-00800", Business, Error, "an institutional ClaimResponse has subtype ip";
    BV_00609 = "BV-00609", Business, Error, "an oral ClaimResponse has subtype op";
    BV_00610 = "BV-00610", Business, Error, "a vision ClaimResponse has subtype op";
    BV_00611 = "BV-00611", Business, Error, "a pharmacy ClaimResponse has subtype op";

    // ClaimResponse: sequences and notes.
    BV_00045 = "BV-00045", Business, Error, "claim response itemSequence values are unique";
    BV_00119 = "BV-00119", Business, Error, "authorization response itemSequence values are unique";
    BV_00025 = "BV-00025", Business, Error, "claim response detailSequence values are unique within their item";
    BV_00114 = "BV-00114", Business, Error, "authorization response detailSequence values are unique within their item";
    BV_00069 = "BV-00069", Business, Error, "claim response subDetailSequence values are unique within their detail";
    BV_00124 = "BV-00124", Business, Error, "authorization response subDetailSequence values are unique within their detail";
    BV_00524 = "BV-00524", Business, Error, "processNote numbers are unique";
    BV_00520 = "BV-00520", Business, Error, "every item noteNumber names an existing processNote number";
    BV_00521 = "BV-00521", Business, Error, "an item's noteNumber values are unique";
    BV_00317 = "BV-00317", Business, Error, "ClaimResponse.disposition has at most 250 characters";
    BV_00318 = "BV-00318", Business, Error, "a processNote text has at most 2000 characters (1000 when Arabic)";

    // ClaimResponse: outcome and adjudication outcome.
    BV_00228 = "BV-00228", Business, Error, "a ClaimResponse with outcome error or queued has no items";
    BV_00020 = "BV-00020", Business, Error, "a ClaimResponse with outcome complete has items";
    BV_00255 = "BV-00255", Business, Error, "a ClaimResponse with outcome partial has items";
    BV_00395 = "BV-00395", Business, Error, "outcome queued goes with adjudication-outcome pended";
    BV_00396 = "BV-00396", Business, Error, "outcome error has no adjudication-outcome";
    BV_00250 = "BV-00250", Business, Error, "outcome complete has an adjudication-outcome";
    BV_00463 = "BV-00463", Business, Error, "with outcome complete, the adjudication-outcome is approved, partial, rejected or not-required";
    BV_00480 = "BV-00480", Business, Error, "with outcome complete, every item has an adjudication-outcome";
    BV_00371 = "BV-00371", Business, Error, "with outcome complete, an item adjudication-outcome is approved, partial, rejected or not-required";
    BV_00393 = "BV-00393", Business, Error, "when every item is approved, the adjudication-outcome is approved";
    BV_00394 = "BV-00394", Business, Error, "when every item is rejected, the adjudication-outcome is rejected";
    BV_00397 = "BV-00397", Business, Error, "when an item is partial or the items mix approved, rejected and partial, the adjudication-outcome is partial";
    BV_00505 = "BV-00505", Business, Error, "outcome error carries coded errors (ClaimResponse.error)";
    BV_00386 = "BV-00386", Business, Error, "a complete authorization response, and every prescriber-response, has a preAuthRef";
    BV_00387 = "BV-00387", Business, Error, "an approved or partial authorization has a preAuthPeriod";
    BV_00853 = "BV-00853", Business, Error, "a complete claim or authorization response lists its insurance";
    BV_00854 = "BV-00854", Business, Error, "exactly one ClaimResponse insurance is focal";
    BV_00714 = "BV-00714", Business, Error, "a prescriber-response does not have outcome partial";
    BV_00715 = "BV-00715", Business, Error, "a prescriber-response does not have adjudication-outcome not-required";

    // ClaimResponse: item adjudication.
    BV_00391 = "BV-00391", Business, Error, "an item has each adjudication category at most once";
    BV_00392 = "BV-00392", Business, Error, "a rejected or partial item gives an adjudication reason";
    BV_00390 = "BV-00390", Business, Error, "with outcome complete, every item has a benefit adjudication with an amount";
    BV_00519 = "BV-00519", Business, Error, "approved-quantity and approved-duration adjudications give a value and no amount";
    BV_00497 = "BV-00497", Business, Error, "a complete claim response gives every item a tax adjudication";
    BV_00498 = "BV-00498", Business, Error, "a complete claim response gives every item an approved-quantity adjudication";
    BV_00499 = "BV-00499", Business, Error, "a complete authorization response gives every item an approved-quantity adjudication";
    BV_00670 = "BV-00670", Business, Error, "in a prescriber-response every item has exactly one approved-duration adjudication";
    BV_00450 = "BV-00450", Business, Error, "an item's eligible amount does not exceed its submitted amount";
    BV_00458 = "BV-00458", Business, Error, "item adjudication amounts are in SAR";

    // ClaimResponse: totals.
    BV_00022 = "BV-00022", Business, Error, "a complete claim response has a total";
    BV_00023 = "BV-00023", Business, Error, "a claim or authorization response that is not an error has a total";
    BV_00229 = "BV-00229", Business, Error, "ClaimResponse totals are in SAR";
    BV_00374 = "BV-00374", Business, Error, "with outcome complete, each total equals the sum of the item adjudication amounts of its category";

    // CoverageEligibilityRequest.
    BV_00437 = "BV-00437", Business, Error, "an eligibility request has servicedDate or servicedPeriod";
    BV_00538 = "BV-00538", Business, Error, "CoverageEligibilityRequest.status is \"active\"";
    BV_00062 = "BV-00062", Business, Error, "CoverageEligibilityRequest.created is not after the message was received";
    BV_00058 = "BV-00058", Business, Error, "the eligibility request's service date is not before the request (its created date)";
    BV_00541 = "BV-00541", Business, Error, "CoverageEligibilityRequest.provider is the Organization licensed as MessageHeader.sender";
    CL_00202 = "CL-00202", Business, Error, "CoverageEligibilityRequest.insurer is the Organization licensed as MessageHeader.destination.receiver";
    BV_00554 = "BV-00554", Business, Error, "a newborn's eligibility servicedDate is at most 90 days after birth";
    BV_00555 = "BV-00555", Business, Error, "a newborn's eligibility servicedPeriod ends at most 90 days after birth";
    RE_00179 = "RE-00179", Reference, Error, "an eligibility request whose purpose is not discovery references a Coverage";
    CL_00203 = "CL-00203", Business, Error, "at most one eligibility request insurance is focal";
    CL_00204 = "CL-00204", Business, Error, "an eligibility request names each purpose once";

    // CoverageEligibilityResponse.
    BV_00539 = "BV-00539", Business, Error, "CoverageEligibilityResponse.status is \"active\"";
    BV_00063 = "BV-00063", Business, Error, "CoverageEligibilityResponse.created is not after the message was received";
    CL_00205 = "CL-00205", Business, Error, "CoverageEligibilityResponse.insurer is the Organization licensed as MessageHeader.sender (when a payer sends it)";
    BV_00084 = "BV-00084", Business, Error, "benefit allowedMoney is in SAR";
    BV_00085 = "BV-00085", Business, Error, "benefit usedMoney is in SAR";
    BV_00503 = "BV-00503", Business, Error, "a complete eligibility response gives the siteEligibility";
    BV_00535 = "BV-00535", Business, Error, "siteEligibility is not eligible when no insurance is in force";
    BV_00558 = "BV-00558", Business, Error, "siteEligibility is not eligible when no insurance is given";
    BV_00559 = "BV-00559", Business, Error, "siteEligibility is eligible when an insurance's siteEligibility is eligible";
    BV_00560 = "BV-00560", Business, Error, "an insurance that is not in force is not site-eligible";
    BV_00561 = "BV-00561", Business, Error, "siteEligibility is not eligible when every insurance's siteEligibility says otherwise";
    BV_00536 = "BV-00536", Business, Error, "an eligibility response with outcome error carries coded errors";
    BV_00310 = "BV-00310", Business, Error, "the eligibility disposition has at most 250 characters (125 when Arabic)";
    BV_00311 = "BV-00311", Business, Error, "a benefit item name has at most 100 characters (50 when Arabic)";
    BV_00312 = "BV-00312", Business, Error, "a benefit item description has at most 250 characters (125 when Arabic)";

    // Task: poll and other Task messages.
    BV_00329 = "BV-00329", Business, Error, "Task.intent is \"order\"";
    BV_00230 = "BV-00230", Business, Error, "in a Task request, Task.requester is the MessageHeader.sender";
    BV_00231 = "BV-00231", Business, Error, "in a Task request, Task.owner is the MessageHeader.destination.receiver";
    BV_00239 = "BV-00239", Business, Error, "every Task.output has a type";
    BV_00240 = "BV-00240", Business, Error, "every Task.output has a value";
    BV_00242 = "BV-00242", Business, Error, "a failed Task sent by a payer has no output";
    BV_00243 = "BV-00243", Business, Error, "a failed Task sent by NPHIES has outputs";
    BV_00249 = "BV-00249", Business, Error, "an error output gives its error expression";
    BV_00216 = "BV-00216", Business, Error, "Task.input has at most one period";
    BV_00467 = "BV-00467", Business, Error, "Task.reasonCode is used only with Task.code cancel or nullify";
    BV_00309 = "BV-00309", Business, Error, "Task.description has at most 2000 characters";
    BV_00471 = "BV-00471", Business, Error, "Task.lastModified is not after the message was received";
    IB_00288 = "IB-00288", Binding, Error, "in a poll-request, Task.status is requested";
    IB_00291 = "IB-00291", Binding, Error, "in a poll-request, Task.code is poll";
    IB_00295 = "IB-00295", Binding, Error, "in a poll-response, Task.status is completed or failed";
    IB_00298 = "IB-00298", Binding, Error, "in a poll-response, Task.code is poll";
    IB_00302 = "IB-00302", Binding, Error, "in a poll-response, Task.output.type is error or response";
    RE_00178 = "RE-00178", Reference, Error, "in a poll-response, Task.owner is NPHIES";
    CL_00206 = "CL-00206", Reference, Error, "a poll-response output of type response references a message Bundle of the same bundle";
    CL_00207 = "CL-00207", Structure, Error, "every message Bundle in a poll-response is listed in Task.output";
}
