//! `schema.graphql` is generated from the code and must be current; everything is described.

use crate::common::App;
use serde_json::{Value, json};

#[test]
fn schema_file_is_current() {
    let path = format!("{}/../schema.graphql", env!("CARGO_MANIFEST_DIR"));
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == api::schema::sdl(),
        "schema.graphql is stale: run `cargo run -p api -- --print-schema > schema.graphql`"
    );
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_has_a_description() {
    let app = App::new(crate::common::TestDb::empty().await).await;
    let data = app
        .data(
            "{ __schema { types { name kind description fields { name description args { name description } } enumValues { name description } } } }",
            json!({}),
        )
        .await;
    let mut missing = Vec::new();
    let builtin = |name: &str| {
        name.starts_with("__") || ["String", "Int", "Boolean", "Float", "ID"].contains(&name)
    };
    for t in data["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if builtin(name) {
            continue;
        }
        let described = |v: &Value| {
            v["description"]
                .as_str()
                .is_some_and(|d| !d.trim().is_empty())
        };
        if !described(t) {
            missing.push(name.to_owned());
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            if !described(f) {
                missing.push(format!("{name}.{}", f["name"]));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if !described(a) {
                    missing.push(format!("{name}.{}({})", f["name"], a["name"]));
                }
            }
        }
        for v in t["enumValues"].as_array().into_iter().flatten() {
            if !described(v) {
                missing.push(format!("{name}.{}", v["name"]));
            }
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:#?}");
}
