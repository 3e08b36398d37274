//! The GraphQL playground: GraphiQL, pinned production builds vendored in
//! `api/assets/playground/` (versions, checksums and licences in its README) and served by
//! [`crate::assets`], so the page works on an air-gapped intranet. Every canonical query in
//! `examples/` is a tab.

/// The canonical queries (`examples/`, the contract), in the order the playground shows them.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "FunctionalTree",
        include_str!("../../examples/FunctionalTree.graphql"),
    ),
    (
        "Catalogue",
        include_str!("../../examples/Catalogue.graphql"),
    ),
    (
        "EconomicTree",
        include_str!("../../examples/EconomicTree.graphql"),
    ),
    ("Revenue", include_str!("../../examples/Revenue.graphql")),
    (
        "YearOverYear",
        include_str!("../../examples/YearOverYear.graphql"),
    ),
    ("History", include_str!("../../examples/History.graphql")),
    ("Node", include_str!("../../examples/Node.graphql")),
    (
        "Accountability",
        include_str!("../../examples/Accountability.graphql"),
    ),
    (
        "SpendingByFunction",
        include_str!("../../examples/SpendingByFunction.graphql"),
    ),
    (
        "TopDepartments",
        include_str!("../../examples/TopDepartments.graphql"),
    ),
    ("Cofog", include_str!("../../examples/Cofog.graphql")),
    (
        "PrintedTable",
        include_str!("../../examples/PrintedTable.graphql"),
    ),
    ("Search", include_str!("../../examples/Search.graphql")),
];

/// Variables of the examples that take some (`examples/<Name>.variables.json`); `Node`'s come
/// from the database (see [`page`]).
pub const VARIABLES: &[(&str, &str)] = &[
    (
        "TopDepartments",
        include_str!("../../examples/TopDepartments.variables.json"),
    ),
    (
        "PrintedTable",
        include_str!("../../examples/PrintedTable.variables.json"),
    ),
    (
        "Search",
        include_str!("../../examples/Search.variables.json"),
    ),
];

const PAGE: &str = include_str!("../assets/playground/index.html");

/// The playground page with the canonical queries as tabs, each with its variables file;
/// `Node` gets `node_id` (a department's global id) as its `$id`.
pub fn page(node_id: &str) -> String {
    let examples: Vec<serde_json::Value> = EXAMPLES
        .iter()
        .map(|(name, query)| {
            let variables = if *name == "Node" {
                serde_json::to_string_pretty(&serde_json::json!({ "id": node_id })).ok()
            } else {
                VARIABLES
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.trim().to_owned())
            };
            serde_json::json!({ "name": name, "query": query, "variables": variables })
        })
        .collect();
    // `<` escaped so that no query text can close the data block.
    let data = serde_json::to_string(&examples)
        .unwrap_or_else(|_| "[]".into())
        .replace('<', "\\u003c");
    PAGE.replacen("__EXAMPLES__", &data, 1)
}
