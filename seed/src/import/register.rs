//! The departments the project knows, per government (`seed/registers/<government>.csv`:
//! `name,code,name_en,parent_code,independent_accounting,aliases`): a printed name → a stable
//! code, English name and parent. A department without an entry gets `<government>-<8 hex>`,
//! a hash of its normalised name (stable across years and spellings that normalise alike;
//! readable only through its name, which is said in the import's output).

use sha2::{Digest, Sha256};

/// A department as the register (or the fallback) gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub parent_code: Option<String>,
    pub independent_accounting: Option<bool>,
    /// Whether the register knew it (else the code is the hash fallback).
    pub known: bool,
}

const REGISTERS: &[(&str, &str)] = &[
    ("jiangsu", include_str!("../../registers/jiangsu.csv")),
    (
        "shanghai-putuo",
        include_str!("../../registers/shanghai-putuo.csv"),
    ),
    (
        "shenzhen-pingshan",
        include_str!("../../registers/shenzhen-pingshan.csv"),
    ),
];

/// A name as compared: no whitespace or brackets' width differences, and the Party's full
/// name in its short form (中国共产党…委员会 → 中共…委).
pub fn normalise(name: &str) -> String {
    let mut n: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect();
    if let Some(rest) = n.strip_prefix("中国共产党") {
        n = format!("中共{rest}");
    }
    if n.starts_with("中共") {
        n = n.replace("委员会", "委");
    }
    n
}

/// The department printed as `name` in government `government`.
pub fn lookup(government: &str, name: &str) -> Entry {
    let wanted = normalise(name);
    if let Some((_, text)) = REGISTERS.iter().find(|(g, _)| *g == government) {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for record in reader.records().flatten() {
            let field = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
            let names: Vec<String> = std::iter::once(field(0))
                .chain(field(5).split(';').map(str::to_owned))
                .filter(|n| !n.trim().is_empty())
                .collect();
            if names.iter().any(|n| normalise(n) == wanted) {
                let parent = field(3);
                let independent = field(4);
                return Entry {
                    code: field(1),
                    name: name.to_owned(),
                    name_en: field(2),
                    parent_code: (!parent.is_empty()).then_some(parent),
                    independent_accounting: independent.parse().ok(),
                    known: true,
                };
            }
        }
    }
    let hash: String = Sha256::digest(wanted.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect();
    Entry {
        code: format!("{government}-{hash}"),
        name: name.to_owned(),
        name_en: String::new(),
        parent_code: None,
        independent_accounting: None,
        known: false,
    }
}

/// The register's entry with code `code` (a parent named by a child's entry).
pub fn by_code(government: &str, code: &str) -> Option<Entry> {
    let (_, text) = REGISTERS.iter().find(|(g, _)| *g == government)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader.records().flatten().find_map(|record| {
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
        (field(1) == code).then(|| {
            let parent = field(3);
            Entry {
                code: field(1),
                name: field(0),
                name_en: field(2),
                parent_code: (!parent.is_empty()).then_some(parent),
                independent_accounting: field(4).parse().ok(),
                known: true,
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_names_normalise_alike() {
        assert_eq!(
            normalise("中国共产党江苏省委员会办公厅"),
            normalise("中共江苏省委办公厅")
        );
        assert_eq!(normalise("江苏省 人民检察院"), "江苏省人民检察院");
    }

    #[test]
    fn registered_and_unknown_departments() {
        let known = lookup("jiangsu", "江苏省人民检察院");
        assert!(known.known);
        assert_eq!(known.code, "jiangsu-jianchayuan");
        let unknown = lookup("jiangsu", "江苏省某某局");
        assert!(!unknown.known);
        assert!(unknown.code.starts_with("jiangsu-"));
        assert_eq!(unknown.code, lookup("jiangsu", "江苏省 某某局").code);
    }
}
