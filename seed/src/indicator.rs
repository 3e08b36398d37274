//! The parsed form of a 表12 target, for charts: every number the target states becomes a
//! condition (comparator, value, unit, and the subject it measures where the text names one),
//! the printed text is always kept beside it.
//!
//! - `≥3850 个`, `不少于 50 平方公里`, `≧98%`, `＜0.4%`: a comparator before the number;
//!   `99%以上` (≥), `以下`/`以内`/`4小时内` (≤) after it; none: `EQ` (`6幅`, `100%`).
//! - Several clauses (`，`/`；`): one condition each (`单用户下行速率≥20M，上行速率≥10M`);
//!   clauses without a number (`重大故障按照实际情况完成修复`) add none.
//! - The text before the number is the subject (`材料关联率≥75%`, `全区 168 平方公里`,
//!   `评估报告 1 份`), with a leading `保持` (keep) dropped.
//! - A change, `由 17.5%提升到 25%`, is a baseline (17.5 %) and a condition on the value to
//!   reach: `GTE 25 %` when it rises (提升/提高/增加到), `LTE` when it falls (降低/下降/减少到).
//!   So a chart can draw the target as any other threshold and the baseline beside it.
//! - Targets with no number (`不扣分`, `每季度`, `不适用`) have no conditions.

use rust_decimal::Decimal;
use std::str::FromStr;

pub use entity::Comparator;

/// One condition of a target: `subject comparator value unit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub comparator: Comparator,
    pub value: Decimal,
    pub unit: Option<String>,
    /// What is measured, where the text names it (`下行速率`, `材料关联率`).
    pub subject: Option<String>,
}

/// A number with its unit (a change target's baseline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    pub value: Decimal,
    pub unit: Option<String>,
}

/// Every condition a target states, and the baseline of a change target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub conditions: Vec<Target>,
    pub baseline: Option<Quantity>,
}

/// Comparators printed before the number; longer spellings first.
const BEFORE: &[(&str, Comparator)] = &[
    ("不少于", Comparator::Gte),
    ("不低于", Comparator::Gte),
    ("不超过", Comparator::Lte),
    ("不高于", Comparator::Lte),
    (">=", Comparator::Gte),
    ("<=", Comparator::Lte),
    ("≥", Comparator::Gte),
    ("≧", Comparator::Gte),
    ("≤", Comparator::Lte),
    ("≦", Comparator::Lte),
    ("＞", Comparator::Gt),
    (">", Comparator::Gt),
    ("＜", Comparator::Lt),
    ("<", Comparator::Lt),
];

/// Comparators printed after the number and its unit.
const AFTER: &[(&str, Comparator)] = &[
    ("以上", Comparator::Gte),
    ("以下", Comparator::Lte),
    ("以内", Comparator::Lte),
    ("内", Comparator::Lte),
];

/// Units the targets print, longest first so that `次/天` wins over `次`.
const UNITS: &[&str] = &[
    "平方公里",
    "次/天",
    "人次",
    "小时",
    "分钟",
    "万元",
    "%",
    "％",
    "个",
    "台",
    "条",
    "宗",
    "幅",
    "份",
    "篇",
    "次",
    "秒",
    "元",
    "星",
    "天",
    "家",
    "件",
    "项",
    "人",
    "套",
    "h",
    "M",
];

/// Verbs of a change target: (verb, comparator of the value to reach).
const CHANGES: &[(&str, Comparator)] = &[
    ("提升到", Comparator::Gte),
    ("提高到", Comparator::Gte),
    ("增加到", Comparator::Gte),
    ("降低到", Comparator::Lte),
    ("下降到", Comparator::Lte),
    ("减少到", Comparator::Lte),
];

/// The first condition of a target (what `comparator`/`value`/`valueUnit` serve).
pub fn parse(target: &str) -> Option<Target> {
    parse_all(target).conditions.into_iter().next()
}

/// Every condition of a target, and its baseline if it states a change.
pub fn parse_all(target: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for clause in target.split(['，', ',', '；', ';']) {
        if let Some((from, to)) = change(clause) {
            parsed.baseline.get_or_insert(from);
            parsed.conditions.push(to);
        } else if let Some(condition) = condition(clause) {
            parsed.conditions.push(condition);
        }
    }
    parsed
}

/// `由 17.5%提升到 25%` → (17.5 %, GTE 25 %).
fn change(clause: &str) -> Option<(Quantity, Target)> {
    let (_, rest) = clause.split_once('由')?;
    let (verb, comparator) = CHANGES.iter().find(|(verb, _)| rest.contains(verb))?;
    let (from, to) = rest.split_once(verb)?;
    let (value, unit, _) = quantity(from.trim())?;
    let (to_value, to_unit, _) = quantity(to.trim())?;
    Some((
        Quantity { value, unit },
        Target {
            comparator: *comparator,
            value: to_value,
            unit: to_unit,
            subject: None,
        },
    ))
}

/// `[subject][comparator] number [unit][以上|以下|内]`.
fn condition(clause: &str) -> Option<Target> {
    let start = clause.find(|c: char| c.is_ascii_digit())?;
    let (before, from_number) = clause.split_at(start);
    let (value, unit, after) = quantity(from_number)?;
    let before = before.trim();
    let (mut comparator, subject) = BEFORE
        .iter()
        .find_map(|(word, c)| before.strip_suffix(word).map(|s| (*c, s)))
        .unwrap_or((Comparator::Eq, before));
    if comparator == Comparator::Eq
        && let Some((_, c)) = AFTER
            .iter()
            .find(|(word, _)| after.trim().starts_with(word))
    {
        comparator = *c;
    }
    let subject = subject.trim();
    let subject = subject.strip_prefix("保持").unwrap_or(subject).trim();
    Some(Target {
        comparator,
        value,
        unit,
        subject: (!subject.is_empty()).then(|| subject.to_owned()),
    })
}

/// A number at the start of `text`, its unit, and what follows.
fn quantity(text: &str) -> Option<(Decimal, Option<String>, &str)> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let value = Decimal::from_str(&text[..end]).ok()?;
    let rest = text[end..].trim_start();
    match UNITS.iter().find(|u| rest.starts_with(*u)) {
        Some(unit) => Some((
            value,
            Some(if *unit == "％" { "%" } else { unit }.to_owned()),
            &rest[unit.len()..],
        )),
        None => Some((value, None, rest)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_printed_targets() {
        for (text, expected) in [
            ("≥3850 个", "GTE 3850 个"),
            ("不少于 50 平方公里", "GTE 50 平方公里"),
            ("≧98%", "GTE 98 %"),
            ("≦98%", "LTE 98 %"),
            ("4小时内", "LTE 4 小时"),
            ("1次/天", "EQ 1 次/天"),
            ("＜0.4%", "LT 0.4 %"),
            ("99%以上", "GTE 99 %"),
            ("5 次以下", "LTE 5 次"),
            ("不超过 3 天", "LTE 3 天"),
            ("100%", "EQ 100 %"),
        ] {
            assert_eq!(line(text), expected, "{text}");
        }
    }

    /// A parse as one line: `[subject ]CMP value[ unit]`, conditions joined by ` & `, a
    /// baseline first as `from value[ unit] → `.
    fn line(text: &str) -> String {
        let parsed = parse_all(text);
        let quantity = |v: &Decimal, u: &Option<String>| match u {
            Some(u) => format!("{v} {u}"),
            None => v.to_string(),
        };
        let conditions: Vec<String> = parsed
            .conditions
            .iter()
            .map(|c| {
                let subject = c
                    .subject
                    .as_ref()
                    .map_or(String::new(), |s| format!("{s} "));
                format!(
                    "{subject}{} {}",
                    c.comparator.as_str(),
                    quantity(&c.value, &c.unit)
                )
            })
            .collect();
        let baseline = parsed.baseline.map_or(String::new(), |b| {
            format!("from {} → ", quantity(&b.value, &b.unit))
        });
        format!("{baseline}{}", conditions.join(" & "))
    }

    /// Every indicator of the bundled disclosure, in the order of `indicators.csv`: its
    /// target as printed and the expected parse (empty: no number, no condition).
    const EXPECTED: &[(&str, &str)] = &[
        ("不少于 50 平方公里", "GTE 50 平方公里"),
        ("全区 168 平方公里", "全区 EQ 168 平方公里"),
        ("6幅", "EQ 6 幅"),
        ("1次/天", "EQ 1 次/天"),
        ("2次/天", "EQ 2 次/天"),
        ("2次/天", "EQ 2 次/天"),
        ("2次/天", "EQ 2 次/天"),
        ("1200 条", "EQ 1200 条"),
        ("3500 条", "EQ 3500 条"),
        ("2400 宗", "EQ 2400 宗"),
        ("≥3850 个", "GTE 3850 个"),
        ("500 宗", "EQ 500 宗"),
        ("80%", "EQ 80 %"),
        ("评估报告 1 份", "评估报告 EQ 1 份"),
        ("全年稿件采访 200 篇", "全年稿件采访 EQ 200 篇"),
        ("100%", "EQ 100 %"),
        ("≧98%", "GTE 98 %"),
        ("0次", "EQ 0 次"),
        ("0次", "EQ 0 次"),
        ("≤2%", "LTE 2 %"),
        ("不扣分", ""),
        ("≥99.99%", "GTE 99.99 %"),
        ("全市排名居中", ""),
        ("党员干部责任感、使命感进一步增强", ""),
        ("“i深圳”坪山专区功能模块可用性", ""),
        ("100%", "EQ 100 %"),
        ("4小时内", "LTE 4 小时"),
        (
            "一般故障≤4h 重大故障按照实际情况完成修复",
            "一般故障 LTE 4 h",
        ),
        ("不扣分", ""),
        ("≥99.99%", "GTE 99.99 %"),
        ("≤10 秒", "LTE 10 秒"),
        (
            "市民在已覆盖公共 WiFi 的区域内使用 WLAN 网络，单用户下行速率≥20M，上行速率≥10M",
            "单用户下行速率 GTE 20 M & 上行速率 GTE 10 M",
        ),
        ("100%", "EQ 100 %"),
        ("每季度", ""),
        ("控制在预算范围内", ""),
        ("不适用", ""),
        ("有效提升", ""),
        ("保持渠道畅通率 100%", "渠道畅通率 EQ 100 %"),
        ("材料关联率≥75%", "材料关联率 GTE 75 %"),
        ("≥2台", "GTE 2 台"),
        ("每家企业免费刻章 312 元", "每家企业免费刻章 EQ 312 元"),
        (
            "民生诉求事件总办结率 99%以上",
            "民生诉求事件总办结率 GTE 99 %",
        ),
        ("100%", "EQ 100 %"),
        (
            "三维数据计划采集重点更新区域不少于 50 平方公里，全区 168 平方公里的二维正射影像采集",
            "三维数据计划采集重点更新区域 GTE 50 平方公里 & 全区 EQ 168 平方公里",
        ),
        ("视频资源在线率≧95%", "视频资源在线率 GTE 95 %"),
        ("不适用", ""),
        ("≥30%", "GTE 30 %"),
        ("≥4.5 星（共五星）", "GTE 4.5 星"),
        ("由 17.5%提升到 25%", "from 17.5 % → GTE 25 %"),
        ("＜0.4%", "LT 0.4 %"),
        ("≥30%", "GTE 30 %"),
        ("不适用", ""),
    ];

    #[test]
    fn every_indicator_of_the_disclosure_parses_as_expected() {
        let csv = include_str!("../data/pingshan-gsdmb-2023/indicators.csv");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let column = reader
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "target")
            .unwrap();
        let targets: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[column].to_owned())
            .collect();
        assert_eq!(targets.len(), EXPECTED.len());
        for (i, (target, (printed, expected))) in targets.iter().zip(EXPECTED).enumerate() {
            assert_eq!(target, printed, "indicator {}", i + 1);
            assert_eq!(&line(target), expected, "indicator {}: {target}", i + 1);
        }
        // 41 targets state a number; each gets at least one condition.
        let with_numbers = targets
            .iter()
            .filter(|t| t.chars().any(|c| c.is_ascii_digit()))
            .count();
        assert_eq!(with_numbers, 41);
        assert!(
            targets
                .iter()
                .filter(|t| t.chars().any(|c| c.is_ascii_digit()))
                .all(|t| !parse_all(t).conditions.is_empty())
        );
    }

    #[test]
    fn leaves_prose_without_conditions() {
        for text in [
            "控制在预算范围内",
            "不适用",
            "每季度",
            "不扣分",
            "全市排名居中",
        ] {
            assert_eq!(parse_all(text), Parsed::default(), "{text}");
        }
    }

    #[test]
    fn a_change_is_a_baseline_and_the_value_to_reach() {
        let parsed = parse_all("由 17.5%提升到 25%");
        assert_eq!(
            parsed.baseline,
            Some(Quantity {
                value: Decimal::from_str("17.5").unwrap(),
                unit: Some("%".into())
            })
        );
        assert_eq!(line("由 17.5%提升到 25%"), "from 17.5 % → GTE 25 %");
        assert_eq!(line("由 5 次降低到 2 次"), "from 5 次 → LTE 2 次");
    }
}
