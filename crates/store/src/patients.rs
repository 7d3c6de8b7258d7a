//! Patients, as upserted from the claims that name them.

use crate::{Store, StoreError, on_pool};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A stored patient. Every field but the id and times is PHI.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PatientRecord {
    pub id: Uuid,
    pub identifier_system: String,
    pub identifier_value: String,
    pub identifier_type: Option<String>,
    pub name_en: Option<String>,
    pub name_ar: Option<String>,
    pub birth_date: Option<String>,
    pub gender: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Store {
    pub async fn patient(&self, id: Uuid) -> Result<Option<PatientRecord>, StoreError> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT id, identifier_system, identifier_value, identifier_type, name_en, \
                 name_ar, birth_date, gender, mobile, email, created_at, updated_at \
                 FROM patients WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?)
        })
    }
}
