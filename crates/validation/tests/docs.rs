//! `docs/rules.md` is generated from the catalogue and must not go stale.
#![allow(clippy::expect_used)]

#[test]
fn docs_rules_md_matches_the_catalogue() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == validation::catalogue::markdown(),
        "docs/rules.md is stale: run `cargo run -p claimlinc -- rules --format markdown > docs/rules.md`"
    );
}
