//! What the GraphQL spec requires and async-graphql 7.2 does not do by itself:
//! - fields of a query are resolved concurrently and their results are inserted as they finish,
//!   so keys come back in completion order; the spec orders a result map by the selection set
//!   ("CollectFields"): each object is put back in that order;
//! - an error in a field removes the field from its object instead of making it `null`; the
//!   spec wants `null` in a nullable field and, for a non-null field, `null` in the nearest
//!   nullable ancestor (the whole `data` at the root) ("Handling Field Errors");
//! - an `Int` argument or variable outside 32 bits passes validation and fails during execution,
//!   after the rest of the query ran; the spec makes a bad literal a validation error and a bad
//!   variable a request error ("Int", "Coercing Variable Values");
//! - some errors of its own carry no `extensions.code`.
//!
//! [`SpecExtension`] fixes the three, and tells the HTTP layer whether execution started (a
//! request error has no `data` entry at all).

use crate::documents::Documents;
use crate::error::ensure_code;
use crate::limits::Limits;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextResolve,
    ResolveInfo,
};
use async_graphql::parser::types::{
    ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::registry::{MetaType, Registry};
use async_graphql::{Name, Positioned, ServerError, ServerResult, Value, Variables};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Put in the request data by the HTTP layer; set once execution starts, so a response without
/// it answered a request error (parse, validation, variables, persisted-query miss).
#[derive(Default)]
pub struct Executed(AtomicBool);

impl Executed {
    /// Whether the operation was executed.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The extension (see the module documentation). It also keeps the parsed documents of query
/// texts seen before ([`Documents`]): only the parser is skipped for them, every check that
/// depends on the request (the limits, the variables) still runs.
pub struct SpecExtension {
    documents: Documents,
    limits: Limits,
}

impl SpecExtension {
    /// Parses within `limits` ([`crate::limits::parse_within`]).
    pub fn new(limits: Limits) -> SpecExtension {
        SpecExtension {
            documents: Documents::default(),
            limits,
        }
    }
}

impl ExtensionFactory for SpecExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SpecChecker {
            doc: OnceLock::new(),
            provided: OnceLock::new(),
            errors: Mutex::default(),
            non_null_failed: AtomicBool::new(false),
            documents: self.documents.clone(),
            limits: self.limits,
            keys: Mutex::default(),
        })
    }
}

/// Per request: the document (for key order) and the errors turned into `null`, kept until the
/// response is assembled.
struct SpecChecker {
    doc: OnceLock<ExecutableDocument>,
    /// Variables given a non-null value.
    provided: OnceLock<HashSet<Name>>,
    errors: Mutex<Vec<ServerError>>,
    /// A non-null field failed: parents must look for the marker.
    non_null_failed: AtomicBool,
    /// Parsed documents of the query texts seen last.
    documents: Documents,
    /// The parse-time limits.
    limits: Limits,
    /// The response keys of each selection set met so far (by address: a list of 78 lines
    /// has one selection set, worked out once).
    keys: Mutex<HashMap<usize, Arc<Vec<String>>>>,
}

/// Stands, inside a parent's value, for a non-null field that failed; the parent's resolver
/// turns it into `null` one level up. Never reaches a client.
fn marker() -> Value {
    Value::Enum(Name::new("__NON_NULL_FIELD_FAILED__"))
}

fn is_marker(value: &Value) -> bool {
    matches!(value, Value::Enum(name) if name.as_str() == "__NON_NULL_FIELD_FAILED__")
}

/// `value` for a field of type `ty` whose children may hold markers: an object with a failed
/// non-null field is itself failed; a list item that failed becomes `null` if the item type is
/// nullable, else the list fails.
fn propagate(value: Value, ty: &str) -> Value {
    let (inner, non_null) = match ty.strip_suffix('!') {
        Some(inner) => (inner, true),
        None => (ty, false),
    };
    let failed = if non_null { marker() } else { Value::Null };
    match value {
        Value::Object(map) if map.values().any(is_marker) => failed,
        Value::List(items) if inner.starts_with('[') => {
            let item_ty = &inner[1..inner.len() - 1];
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let item = if is_marker(&item) {
                    item
                } else {
                    propagate(item, item_ty)
                };
                if is_marker(&item) {
                    return failed;
                }
                out.push(item);
            }
            Value::List(out)
        }
        other => other,
    }
}

/// The response keys of a selection set in the order the spec's CollectFields gives them
/// (fragments expanded in place; a key's first appearance counts).
fn response_keys<'a>(
    doc: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
) -> Vec<&'a str> {
    fn collect<'a>(
        doc: &'a ExecutableDocument,
        set: &'a Positioned<SelectionSet>,
        keys: &mut Vec<&'a str>,
        spread: &mut HashSet<&'a str>,
    ) {
        for item in &set.node.items {
            match &item.node {
                Selection::Field(field) => {
                    let key = field.node.response_key().node.as_str();
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                Selection::InlineFragment(fragment) => {
                    collect(doc, &fragment.node.selection_set, keys, spread)
                }
                Selection::FragmentSpread(name) => {
                    let name = name.node.fragment_name.node.as_str();
                    if let (true, Some(fragment)) = (spread.insert(name), doc.fragments.get(name)) {
                        collect(doc, &fragment.node.selection_set, keys, spread);
                    }
                }
            }
        }
    }
    let mut keys = Vec::new();
    collect(doc, set, &mut keys, &mut HashSet::new());
    keys
}

/// `value` (an object, or lists of objects) with each object's keys in `keys` order.
fn reorder<K: AsRef<str>>(value: Value, keys: &[K]) -> Value {
    match value {
        Value::Object(map) => {
            if map.len() < 2
                || map.keys().map(Name::as_str).eq(keys
                    .iter()
                    .map(AsRef::as_ref)
                    .filter(|k| map.contains_key(*k)))
            {
                return Value::Object(map);
            }
            let mut map = map;
            let mut ordered = async_graphql::indexmap::IndexMap::with_capacity(map.len());
            for key in keys {
                if let Some((name, value)) = map.swap_remove_entry(key.as_ref()) {
                    ordered.insert(name, value);
                }
            }
            ordered.extend(map);
            Value::Object(ordered)
        }
        Value::List(items) => Value::List(items.into_iter().map(|v| reorder(v, keys)).collect()),
        other => other,
    }
}

/// The `extensions.code` of an error async-graphql raised without one during execution.
fn execution_code(error: &ServerError) -> &'static str {
    if error.message.starts_with("Failed to parse") || error.message.starts_with("Invalid value") {
        "BAD_USER_INPUT"
    } else {
        "INTERNAL"
    }
}

impl SpecChecker {
    /// A non-null variable without a default that the request does not give a value.
    fn missing_variable(&self, operation: &Positioned<OperationDefinition>) -> Option<ServerError> {
        let provided = self.provided.get()?;
        let definition = operation.node.variable_definitions.iter().find(|d| {
            !d.node.var_type.node.nullable
                && d.node.default_value.is_none()
                && !provided.contains(&d.node.name.node)
        })?;
        let mut error = ServerError::new(
            format!(
                "Variable \"${}\" of required type \"{}\" was not provided.",
                definition.node.name.node, definition.node.var_type.node
            ),
            Some(definition.pos),
        );
        ensure_code(&mut error, "BAD_USER_INPUT");
        Some(error)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for SpecChecker {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let parse = async {
            if let Some(doc) = self.documents.get(query) {
                return Ok(doc);
            }
            let doc = next.run(ctx, query, variables).await?;
            self.documents.keep(query, &doc);
            Ok(doc)
        };
        let doc = crate::limits::parse_within(&self.limits, query, parse).await?;
        check_inputs(&ctx.schema_env.registry, &doc, variables)?;
        let _ = self.doc.set(doc.clone());
        let _ = self.provided.set(
            variables
                .iter()
                .filter(|(_, v)| **v != Value::Null)
                .map(|(k, _)| k.clone())
                .collect(),
        );
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        let operation = self.doc.get().and_then(|doc| {
            let operation = match operation_name {
                Some(name) => doc
                    .operations
                    .iter()
                    .find(|(n, _)| n.is_some_and(|n| n == name)),
                None => doc.operations.iter().next(),
            };
            Some((doc, operation?.1))
        });
        if let Some((_, operation)) = operation
            && let Some(error) = self.missing_variable(operation)
        {
            // A request error: nothing runs (the spec's CoerceVariableValues).
            return async_graphql::Response::from_errors(vec![error]);
        }
        if let Some(executed) = ctx.data_opt::<Arc<Executed>>() {
            executed.0.store(true, Ordering::Relaxed);
        }
        let mut response = next.run(ctx, operation_name).await;
        if let Ok(mut errors) = self.errors.lock() {
            response.errors.append(&mut errors);
        }
        if let Value::Object(map) = &response.data
            && map.values().any(is_marker)
        {
            response.data = Value::Null;
        }
        if let Some((doc, operation)) = operation {
            let data = std::mem::take(&mut response.data);
            response.data = reorder(data, &response_keys(doc, &operation.node.selection_set));
        }
        for error in &mut response.errors {
            let code = execution_code(error);
            ensure_code(error, code);
        }
        response
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let ty = info.return_type;
        let field = info.field;
        match next.run(ctx, info).await {
            Ok(Some(mut value)) => {
                if let (Some(doc), false) =
                    (self.doc.get(), field.selection_set.node.items.is_empty())
                {
                    let at = &field.selection_set as *const _ as usize;
                    let keys = self
                        .keys
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .entry(at)
                        .or_insert_with(|| {
                            Arc::new(
                                response_keys(doc, &field.selection_set)
                                    .into_iter()
                                    .map(str::to_owned)
                                    .collect(),
                            )
                        })
                        .clone();
                    value = reorder(value, &keys);
                }
                if self.non_null_failed.load(Ordering::Relaxed) {
                    value = propagate(value, ty);
                }
                Ok(Some(value))
            }
            Ok(None) => Ok(None),
            Err(error) => {
                if let Ok(mut errors) = self.errors.lock() {
                    errors.push(error);
                }
                if ty.ends_with('!') {
                    self.non_null_failed.store(true, Ordering::Relaxed);
                    Ok(Some(marker()))
                } else {
                    Ok(Some(Value::Null))
                }
            }
        }
    }
}

const INT_RANGE: &str = "Int cannot represent non 32-bit signed integer value";

/// Why `value` cannot be an input of type `ty`, and the code to refuse it with: an `Int` out of
/// 32 bits (a validation error the spec requires and async-graphql misses), or a string holding
/// NUL, which PostgreSQL cannot store or compare (a restriction of this API).
fn invalid_input(registry: &Registry, ty: &str, value: &Value) -> Option<(String, &'static str)> {
    let ty = ty.strip_suffix('!').unwrap_or(ty);
    if let Some(item) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return match value {
            Value::List(items) => items.iter().find_map(|v| invalid_input(registry, item, v)),
            single => invalid_input(registry, item, single),
        };
    }
    match (ty, value) {
        ("Int", Value::Number(n)) => {
            let fits = n.as_i64().is_some_and(|i| i32::try_from(i).is_ok());
            (!fits).then(|| (format!("{INT_RANGE}: {n}"), "GRAPHQL_VALIDATION_FAILED"))
        }
        (_, Value::String(text)) if text.contains('\0') => Some((
            "strings may not contain the NUL character (U+0000)".to_owned(),
            "BAD_USER_INPUT",
        )),
        (_, Value::Object(fields)) => match registry.types.get(ty) {
            Some(MetaType::InputObject { input_fields, .. }) => fields.iter().find_map(|(k, v)| {
                let field = input_fields.get(k.as_str())?;
                invalid_input(registry, &field.ty, v)
                    .map(|(reason, code)| (format!("field `{k}`: {reason}"), code))
            }),
            _ => None,
        },
        _ => None,
    }
}

/// Refuses, before anything runs, arguments and variables [`invalid_input`] rejects.
fn check_inputs(
    registry: &Registry,
    doc: &ExecutableDocument,
    variables: &Variables,
) -> ServerResult<()> {
    for (_, operation) in doc.operations.iter() {
        for definition in &operation.node.variable_definitions {
            let name = &definition.node.name.node;
            let Some(value) = variables.get(name) else {
                continue;
            };
            let ty = definition.node.var_type.node.to_string();
            if let Some((reason, _)) = invalid_input(registry, &ty, value) {
                let mut error = ServerError::new(
                    format!("Variable \"${name}\" got an invalid value: {reason}."),
                    Some(definition.pos),
                );
                ensure_code(&mut error, "BAD_USER_INPUT");
                return Err(error);
            }
        }
        let root = match operation.node.ty {
            OperationType::Query => &registry.query_type,
            OperationType::Mutation | OperationType::Subscription => continue,
        };
        let mut walk = LiteralWalk {
            registry,
            doc,
            visited: HashSet::new(),
        };
        walk.selection_set(root, &operation.node.selection_set)?;
    }
    Ok(())
}

struct LiteralWalk<'a> {
    registry: &'a Registry,
    doc: &'a ExecutableDocument,
    visited: HashSet<&'a str>,
}

impl<'a> LiteralWalk<'a> {
    fn selection_set(
        &mut self,
        parent: &str,
        set: &'a Positioned<SelectionSet>,
    ) -> ServerResult<()> {
        for item in &set.node.items {
            match &item.node {
                Selection::Field(field) => {
                    let Some(meta) = self
                        .registry
                        .types
                        .get(parent)
                        .and_then(|t| t.field_by_name(field.node.name.node.as_str()))
                    else {
                        continue; // unknown fields are validation's to report
                    };
                    for (name, value) in &field.node.arguments {
                        let Some(arg) = meta.args.get(name.node.as_str()) else {
                            continue;
                        };
                        // Variables were checked against their own declared types above.
                        let Ok(value) = value
                            .node
                            .clone()
                            .into_const_with(|_| Ok::<_, ()>(Value::Null))
                        else {
                            continue;
                        };
                        if let Some((reason, code)) = invalid_input(self.registry, &arg.ty, &value)
                        {
                            let mut error = ServerError::new(
                                format!(
                                    "Argument \"{}\" of \"{}.{}\" has an invalid value: {reason}.",
                                    name.node, parent, field.node.name.node
                                ),
                                Some(name.pos),
                            );
                            ensure_code(&mut error, code);
                            return Err(error);
                        }
                    }
                    let child = meta
                        .ty
                        .trim_matches(|c| c == '[' || c == ']' || c == '!')
                        .to_owned();
                    self.selection_set(&child, &field.node.selection_set)?;
                }
                Selection::InlineFragment(fragment) => {
                    let ty = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(parent, |c| c.node.on.node.as_str());
                    self.selection_set(ty, &fragment.node.selection_set)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = self.doc.fragments.get(name) else {
                        continue;
                    };
                    if !self.visited.insert(name) {
                        continue; // a cycle or a repeat: validation reports cycles
                    }
                    let ty = fragment.node.type_condition.node.on.node.as_str();
                    self.selection_set(ty, &fragment.node.selection_set)?;
                }
            }
        }
        Ok(())
    }
}
