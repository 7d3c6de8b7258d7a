//! FHIR `decimal` as an exact [`Decimal`].
//!
//! serde_json hands numbers over as `f64` (we do not turn on `arbitrary_precision`, which would
//! change number handling for the whole binary). The shortest text that round-trips an `f64` is
//! exactly the decimal that was written for every amount with up to 15 significant digits, which
//! covers any real claim, so we convert through that text and never do arithmetic in `f64`.

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;
use std::str::FromStr;

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        if !v.is_finite() {
            return Err(E::custom("a decimal must be finite"));
        }
        // `{}` prints the shortest text that reads back as the same f64.
        let text = format!("{v}");
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map_err(|_| E::custom("decimal out of range"))
    }
}

pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    if value.scale() == 0
        && let Ok(int) = i64::try_from(*value)
    {
        return s.serialize_i64(int);
    }
    let text = value.normalize().to_string();
    let float = f64::from_str(&text).map_err(serde::ser::Error::custom)?;
    s.serialize_f64(float)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(DecimalVisitor)
}

pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => super::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        super::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize)]
    struct Amount(#[serde(with = "super")] Decimal);

    fn read(json: &str) -> Result<Decimal, serde_json::Error> {
        serde_json::from_str::<Amount>(json).map(|a| a.0)
    }

    #[test]
    fn reads_amounts_exactly() -> Result<(), serde_json::Error> {
        assert_eq!(read("121.9")?.to_string(), "121.9");
        assert_eq!(read("15.90")?.to_string(), "15.9");
        assert_eq!(read("5750")?.to_string(), "5750");
        assert_eq!(read("0.1")?, Decimal::new(1, 1));
        assert_eq!(read("99999999999.99")?.to_string(), "99999999999.99");
        assert_eq!(read("-3")?, Decimal::from(-3));
        Ok(())
    }

    #[test]
    fn refuses_non_numbers() {
        assert!(read("\"121.9\"").is_err());
        assert!(read("true").is_err());
        assert!(read("1e40").is_err());
    }

    #[test]
    fn writes_numbers() -> Result<(), serde_json::Error> {
        assert_eq!(
            serde_json::to_string(&Amount(Decimal::new(1219, 1)))?,
            "121.9"
        );
        assert_eq!(serde_json::to_string(&Amount(Decimal::from(230)))?, "230");
        assert_eq!(
            serde_json::to_string(&Amount(Decimal::new(23000, 2)))?,
            "230.0"
        );
        Ok(())
    }
}
