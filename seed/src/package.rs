//! The tabular resources of a data directory (declared once, with their rows, in
//! [`crate::rows`]): the loader checks each CSV header against their columns, and the export
//! writes `datapackage.json`'s `resources` from them.

use serde_json::{Map, Value, json};

/// A Table Schema field type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// A plain decimal number (amounts).
    Number,
    /// `true` / `false`.
    Boolean,
}

impl FieldType {
    /// The Table Schema name of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
        }
    }
}

pub use crate::rows::RESOURCES;

/// One CSV resource: its name (the file is `<name>.csv`), columns in file order, primary key.
#[derive(Debug)]
pub struct Resource {
    /// Resource name; the file is `<name>.csv`.
    pub name: &'static str,
    /// Columns in file order, with their types.
    pub fields: &'static [(&'static str, FieldType)],
    /// The columns that identify a row.
    pub primary_key: &'static [&'static str],
}

impl Resource {
    /// The file name, `<name>.csv`.
    pub fn path(&self) -> String {
        format!("{}.csv", self.name)
    }

    /// The column names in file order.
    pub fn columns(&self) -> Vec<&'static str> {
        self.fields.iter().map(|(name, _)| *name).collect()
    }

    /// The resource's entry in `datapackage.json`.
    pub fn descriptor(&self) -> Value {
        let fields: Vec<Value> = self
            .fields
            .iter()
            .map(|(name, kind)| json!({ "name": name, "type": kind.as_str() }))
            .collect();
        json!({
            "name": self.name,
            "path": self.path(),
            "profile": "tabular-data-resource",
            "format": "csv",
            "encoding": "utf-8",
            "schema": { "fields": fields, "primaryKey": self.primary_key },
        })
    }
}

/// The resource named `name`.
///
/// # Panics
/// If there is none: names are constants of this crate, so that is a bug.
pub fn resource(name: &str) -> &'static Resource {
    RESOURCES
        .iter()
        .copied()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no resource `{name}`"))
}

/// `datapackage.json`: the descriptive fields (`metadata`, in their order, without
/// `resources`), then the resources. Pretty-printed, ending in a newline.
pub fn datapackage_json(metadata: &Map<String, Value>) -> String {
    let mut package = metadata.clone();
    package.remove("resources");
    package.insert(
        "resources".into(),
        RESOURCES.iter().map(|r| r.descriptor()).collect(),
    );
    let mut text = serde_json::to_string_pretty(&Value::Object(package)).unwrap_or_default();
    text.push('\n');
    text
}

/// The descriptive fields of a `datapackage.json` text (everything but `resources`), as stored
/// with the dataset; `None` if the text is not a JSON object.
pub fn metadata(datapackage: &str) -> Option<Map<String, Value>> {
    match serde_json::from_str(datapackage).ok()? {
        Value::Object(mut map) => {
            map.remove("resources");
            Some(map)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_follow_the_file_list() {
        let csv: Vec<&str> = crate::files::FILES
            .iter()
            .filter(|f| f.ends_with(".csv"))
            .copied()
            .collect();
        let paths: Vec<String> = RESOURCES.iter().map(|r| r.path()).collect();
        assert_eq!(paths, csv);
    }

    #[test]
    fn the_bundled_datapackage_is_what_the_definitions_write() {
        let text = crate::DataSource::Bundled.read("datapackage.json").unwrap();
        assert_eq!(datapackage_json(&metadata(&text).unwrap()), text);
    }
}
