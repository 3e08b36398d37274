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

/// The schema modules import each other in one direction only (`department` below `budget`,
/// `classification` below `aggregate`, …): a module never reaches, through `super::…` paths,
/// a module that reaches it. Test modules (`use super::*`) are not counted.
#[test]
fn schema_modules_import_each_other_without_loops() {
    let dir = format!("{}/../api/src/schema", env!("CARGO_MANIFEST_DIR"));
    let mut imports = std::collections::BTreeMap::<String, Vec<String>>::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut used: Vec<String> = text
            .split("super::")
            .skip(1)
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .filter(|name| !name.is_empty() && *name != module)
            .collect();
        used.sort();
        used.dedup();
        imports.insert(module, used);
    }
    assert!(imports.len() > 10, "schema modules not found in {dir}");
    // Depth-first search; a module met again while still on the path closes a loop.
    fn visit<'a>(
        module: &'a str,
        imports: &'a std::collections::BTreeMap<String, Vec<String>>,
        path: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
    ) {
        if let Some(at) = path.iter().position(|m| *m == module) {
            panic!(
                "schema modules import in a loop: {}",
                path[at..].join(" → ") + " → " + module
            );
        }
        if !done.insert(module) {
            return;
        }
        path.push(module);
        for next in imports.get(module).into_iter().flatten() {
            visit(next, imports, path, done);
        }
        path.pop();
    }
    let mut done = std::collections::BTreeSet::new();
    for module in imports.keys() {
        visit(module, &imports, &mut Vec::new(), &mut done);
    }
}
