//! Binding (IB) rules: codes from the NPHIES code systems and value sets.

catalogue! {}
