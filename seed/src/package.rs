//! The tabular resources of a data directory, defined once: the loader checks each CSV header
//! against these columns, and the export writes `datapackage.json`'s `resources` from them.

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
    fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
        }
    }
}

use FieldType::{Boolean, Integer, Number, String as Text};

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

const DEPT_YEAR: [(&str, FieldType); 2] = [("department", Text), ("year", Integer)];

macro_rules! fields {
    (dept_year, $($name:literal: $kind:ident),* $(,)?) => {
        &[DEPT_YEAR[0], DEPT_YEAR[1], $(($name, $kind)),*]
    };
    ($($name:literal: $kind:ident),* $(,)?) => {
        &[$(($name, $kind)),*]
    };
}

/// Every CSV resource, in load order (the order of `files::FILES`).
pub const RESOURCES: &[Resource] = &[
    Resource {
        name: "sources",
        fields: fields!("key": Text, "table_number": Integer, "title": Text, "section": Text, "empty": Boolean),
        primary_key: &["key"],
    },
    Resource {
        name: "departments",
        fields: fields!("code": Text, "name": Text, "name_en": Text, "parent_code": Text, "independent_accounting": Boolean),
        primary_key: &["code"],
    },
    Resource {
        name: "staffing",
        fields: fields!(dept_year, "scope": Text, "admin_establishment": Integer, "admin_actual": Integer,
            "institutional_establishment": Integer, "institutional_actual": Integer,
            "retired_lixiu": Integer, "retired_tuixiu": Integer, "note": Text, "source": Text),
        primary_key: &["department", "year", "scope"],
    },
    Resource {
        name: "classifications",
        fields: fields!("scheme": Text, "code": Text, "parent_code": Text, "name": Text, "name_en": Text),
        primary_key: &["scheme", "code"],
    },
    Resource {
        name: "budget_lines",
        fields: fields!(dept_year, "source": Text, "scheme": Text, "position": Integer, "code": Text,
            "label": Text, "total": Number, "basic": Number, "project": Number, "procurement": Number,
            "sme_reserved": Number, "small_micro_reserved": Number),
        primary_key: &["department", "year", "source", "position"],
    },
    Resource {
        name: "allocations",
        fields: fields!(dept_year, "source": Text, "row": Text, "revenue_code": Text, "amount": Number),
        primary_key: &["department", "year", "source", "row", "revenue_code"],
    },
    Resource {
        name: "headlines",
        fields: fields!(dept_year, "key": Text, "name": Text, "name_en": Text, "amount": Number,
            "unit": Text, "stated_change": Number, "stated_percent": Number, "basis": Text,
            "source": Text, "also_in": Text, "note": Text),
        primary_key: &["department", "year", "key"],
    },
    Resource {
        name: "projects",
        fields: fields!(dept_year, "key": Text, "name": Text, "label": Text, "name_en": Text,
            "amount": Number, "stated_change": Number, "stated_percent": Number, "basis": Text,
            "source": Text, "note": Text),
        primary_key: &["department", "year", "key"],
    },
    Resource {
        name: "subprojects",
        fields: fields!(dept_year, "project_key": Text, "position": Integer, "name": Text,
            "name_en": Text, "amount": Number, "source": Text),
        primary_key: &["department", "year", "project_key", "position"],
    },
    Resource {
        name: "three_public",
        fields: fields!(dept_year, "key": Text, "parent_key": Text, "name": Text, "name_en": Text,
            "amount": Number, "stated_change": Number, "stated_percent": Number, "basis": Text,
            "source": Text),
        primary_key: &["department", "year", "key"],
    },
    Resource {
        name: "tasks",
        fields: fields!(dept_year, "position": Integer, "kind": Text, "name": Text,
            "project_key": Text, "content": Text, "total": Number, "fiscal": Number,
            "other": Number, "source": Text),
        primary_key: &["department", "year", "position"],
    },
    Resource {
        name: "indicators",
        fields: fields!(dept_year, "position": Integer, "category": Text, "subcategory": Text,
            "name": Text, "target": Text, "source": Text),
        primary_key: &["department", "year", "position"],
    },
];

/// The resource named `name`.
///
/// # Panics
/// If there is none: names are constants of this crate, so that is a bug.
pub fn resource(name: &str) -> &'static Resource {
    RESOURCES
        .iter()
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
        RESOURCES.iter().map(Resource::descriptor).collect(),
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
        let paths: Vec<String> = RESOURCES.iter().map(Resource::path).collect();
        assert_eq!(paths, csv);
    }

    #[test]
    fn the_bundled_datapackage_is_what_the_definitions_write() {
        let text = crate::DataSource::Bundled.read("datapackage.json").unwrap();
        assert_eq!(datapackage_json(&metadata(&text).unwrap()), text);
    }
}
