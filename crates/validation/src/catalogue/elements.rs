//! Cardinality (IC) and data type (DT) rules of the NPHIES profiles.

catalogue! {}
