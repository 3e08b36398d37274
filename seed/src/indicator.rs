//! The parsed form of a 表12 target ("≥3850 个", "不少于 50 平方公里", "4小时内"), for charts.
//! Targets that are not a single comparison with a number ("由 17.5%提升到 25%",
//! "控制在预算范围内") have no parsed form.

use rust_decimal::Decimal;
use std::str::FromStr;

/// How a target compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    Eq,
    Gte,
    Lte,
    Gt,
    Lt,
}

impl Comparator {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Eq => "EQ",
            Comparator::Gte => "GTE",
            Comparator::Lte => "LTE",
            Comparator::Gt => "GT",
            Comparator::Lt => "LT",
        }
    }
}

/// A target as comparator, value and unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub comparator: Comparator,
    pub value: Decimal,
    pub unit: Option<String>,
}

const PREFIXES: &[(&str, Comparator)] = &[
    ("≥", Comparator::Gte),
    ("≧", Comparator::Gte),
    (">=", Comparator::Gte),
    ("不少于", Comparator::Gte),
    ("不低于", Comparator::Gte),
    ("≤", Comparator::Lte),
    ("≦", Comparator::Lte),
    ("<=", Comparator::Lte),
    ("不超过", Comparator::Lte),
    ("不高于", Comparator::Lte),
    ("＞", Comparator::Gt),
    (">", Comparator::Gt),
    ("＜", Comparator::Lt),
    ("<", Comparator::Lt),
];

/// Parses a target of the form `[comparator] number [unit][内]`.
pub fn parse(target: &str) -> Option<Target> {
    let text = target.trim();
    let (mut comparator, rest) = PREFIXES
        .iter()
        .find_map(|(prefix, c)| {
            text.strip_prefix(prefix)
                .map(|rest| (*c, rest.trim_start()))
        })
        .unwrap_or((Comparator::Eq, text));
    let number_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let value = Decimal::from_str(&rest[..number_len]).ok()?;
    let mut unit = rest[number_len..].trim();
    // "4小时内": within four hours.
    if let Some(within) = unit.strip_suffix('内')
        && comparator == Comparator::Eq
    {
        comparator = Comparator::Lte;
        unit = within.trim();
    }
    if unit.chars().any(|c| c.is_ascii_digit()) || unit.chars().count() > 8 {
        return None;
    }
    Some(Target {
        comparator,
        value,
        unit: (!unit.is_empty()).then(|| unit.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Option<(&'static str, String, Option<String>)> {
        parse(text).map(|t| (t.comparator.as_str(), t.value.to_string(), t.unit))
    }

    #[test]
    fn parses_printed_targets() {
        assert_eq!(
            t("≥3850 个"),
            Some(("GTE", "3850".into(), Some("个".into())))
        );
        assert_eq!(
            t("不少于 50 平方公里"),
            Some(("GTE", "50".into(), Some("平方公里".into())))
        );
        assert_eq!(t("≧98%"), Some(("GTE", "98".into(), Some("%".into()))));
        assert_eq!(t("4小时内"), Some(("LTE", "4".into(), Some("小时".into()))));
        assert_eq!(t("1次/天"), Some(("EQ", "1".into(), Some("次/天".into()))));
        assert_eq!(t("＜0.4%"), Some(("LT", "0.4".into(), Some("%".into()))));
        assert_eq!(
            t("≥99.99%"),
            Some(("GTE", "99.99".into(), Some("%".into())))
        );
        assert_eq!(t("100%"), Some(("EQ", "100".into(), Some("%".into()))));
    }

    #[test]
    fn leaves_prose_unparsed() {
        assert_eq!(t("由 17.5%提升到 25%"), None);
        assert_eq!(t("控制在预算范围内"), None);
        assert_eq!(t("全区 168 平方公里"), None);
        assert_eq!(t("不适用"), None);
        assert_eq!(t("每季度"), None);
    }
}
