//! The crosswalk from the functional classification (支出功能分类) to the UN COFOG, and the
//! COFOG functions themselves: data in `seed/data/cofog/` (sources and judgement calls in its
//! README), compiled in so every load and every server uses the same one.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// How a crosswalk row places the lines of its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Rule {
    /// The 类 maps as a whole.
    Class,
    /// A 款 or 项 that overrides its 类.
    Subclass,
    /// The line pays for the unit's own staff or running costs: COFOG classifies it by the
    /// function of the unit that pays it (the department-year's `unit_cofog`).
    UnitFunction,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Class => "CLASS",
            Rule::Subclass => "SUBCLASS",
            Rule::UnitFunction => "UNIT_FUNCTION",
        }
    }
}

/// A COFOG division (level 1, `01`) or group (level 2, `01.3`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Function {
    pub code: String,
    pub parent_code: Option<String>,
    pub level: i32,
    pub name: String,
    pub name_en: String,
}

/// One crosswalk row: lines of `code` (and of its descendants, unless a more specific row
/// exists) go to `cofog` by `rule`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Mapping {
    pub code: String,
    /// Empty for [`Rule::UnitFunction`].
    pub cofog: Option<String>,
    pub rule: Rule,
    pub note: String,
}

/// The crosswalk and the functions it maps to.
#[derive(Debug)]
pub struct Crosswalk {
    pub functions: Vec<Function>,
    pub mappings: Vec<Mapping>,
    by_code: HashMap<String, usize>,
    function_by_code: HashMap<String, usize>,
}

pub(crate) const FUNCTIONS: &str = include_str!("../data/cofog/cofog.csv");
pub(crate) const MAPPINGS: &str = include_str!("../data/cofog/crosswalk.csv");

fn rows<T: serde::de::DeserializeOwned>(text: &str, file: &str) -> Vec<T> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, row)| row.unwrap_or_else(|e| panic!("seed/data/cofog/{file} row {}: {e}", i + 2)))
        .collect()
}

impl Crosswalk {
    /// The bundled crosswalk (parsed once; its files are checked by the test suite).
    pub fn bundled() -> &'static Crosswalk {
        static CROSSWALK: OnceLock<Crosswalk> = OnceLock::new();
        CROSSWALK.get_or_init(|| {
            Crosswalk::new(
                rows(FUNCTIONS, "cofog.csv"),
                rows(MAPPINGS, "crosswalk.csv"),
            )
        })
    }

    fn new(functions: Vec<Function>, mappings: Vec<Mapping>) -> Crosswalk {
        let by_code = mappings
            .iter()
            .enumerate()
            .map(|(i, m)| (m.code.clone(), i))
            .collect();
        let function_by_code = functions
            .iter()
            .enumerate()
            .map(|(i, f)| (f.code.clone(), i))
            .collect();
        Crosswalk {
            functions,
            mappings,
            by_code,
            function_by_code,
        }
    }

    /// The row that places a functional code: the most specific listed code among the code
    /// itself, its 款 (5 digits) and its 类 (3 digits). `None` when nothing covers it.
    pub fn resolve(&self, code: &str) -> Option<&Mapping> {
        [code.len(), 5, 3]
            .into_iter()
            .filter(|&n| n <= code.len() && code.is_char_boundary(n))
            .find_map(|n| self.by_code.get(&code[..n]))
            .map(|&i| &self.mappings[i])
    }

    /// A COFOG function by code.
    pub fn function(&self, code: &str) -> Option<&Function> {
        self.function_by_code.get(code).map(|&i| &self.functions[i])
    }

    /// The function at `level` (1 division, 2 group) that contains `code`; a code known only
    /// to its division stays at the division.
    pub fn at_level<'a>(&'a self, code: &'a str, level: i32) -> &'a str {
        match self.function(code) {
            Some(f) if f.level > level => f
                .parent_code
                .as_deref()
                .map_or(code, |p| self.at_level(p, level)),
            _ => code,
        }
    }

    /// The function of a unit, from its functional lines `(code, level, amount)`: the COFOG of
    /// its largest 款 (level 2; 类 when it prints none) that is not [`Rule::UnitFunction`].
    /// Ties go to the smaller code. `None` when no such line maps.
    pub fn unit_function(&self, lines: &[(&str, i32, i64)]) -> Option<String> {
        let level = if lines.iter().any(|l| l.1 == 2) { 2 } else { 1 };
        lines
            .iter()
            .filter(|l| l.1 == level)
            .filter_map(|&(code, _, amount)| {
                let m = self.resolve(code)?;
                (m.rule != Rule::UnitFunction).then_some((amount, code, m.cofog.clone()?))
            })
            .min_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)))
            .map(|(_, _, cofog)| cofog)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_crosswalk_is_whole() {
        let c = Crosswalk::bundled();
        for m in &c.mappings {
            match (m.rule, &m.cofog) {
                (Rule::UnitFunction, None) => {}
                (Rule::UnitFunction, Some(x)) => panic!("{}: UNIT_FUNCTION with {x}", m.code),
                (_, Some(x)) => assert!(c.function(x).is_some(), "{}: unknown {x}", m.code),
                (_, None) => panic!("{}: no COFOG code", m.code),
            }
        }
        for f in &c.functions {
            if let Some(p) = &f.parent_code {
                assert_eq!(
                    c.function(p).map(|p| p.level),
                    Some(f.level - 1),
                    "{}",
                    f.code
                );
            }
            assert!(!f.name.is_empty() && !f.name_en.is_empty(), "{}", f.code);
        }
        // Every functional code of the bundled disclosure resolves.
        for code in [
            "2013701", "2013702", "2013799", "2050803", "2080505", "2080506", "2101101", "2210201",
            "2210203",
        ] {
            assert!(c.resolve(code).is_some(), "{code} does not resolve");
        }
        assert_eq!(c.resolve("2080505").unwrap().rule, Rule::UnitFunction);
        assert_eq!(c.at_level("01.3", 1), "01");
        assert_eq!(c.at_level("01", 2), "01");
    }
}
