//! Rules for responses and eligibility: ClaimResponse, CoverageEligibilityRequest and -Response, poll responses.

catalogue! {}
