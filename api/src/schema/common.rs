//! Types shared by every part of the schema: money units, sources, year-over-year changes.

use crate::error::{ApiError, Result};
use crate::loaders::{Group, SourceById, many, one};
use async_graphql::{
    Context, Enum, InputValueError, InputValueResult, Object, Scalar, ScalarType, SimpleObject,
    Value,
};
use entity::fixed::from_units;
use entity::{budget_line, headline, performance_task, project_budget, three_public};
use rust_decimal::RoundingStrategy;
use sea_orm::EntityTrait;
use std::str::FromStr;

/// An exact decimal number, sent as a string (`"8247.97"`, `"-55.56"`) so that no client
/// turns it into a float. Money is in the unit the field says (万元 unless `unit: YUAN`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal(pub rust_decimal::Decimal);

/// An exact decimal number, sent as a string (`"8247.97"`, `"-55.56"`) so that no client
/// turns it into a float. Money is in the unit the field says (万元 unless `unit: YUAN`).
/// The format is defined in `docs/scalars/Decimal.md`, served by the API at its
/// `@specifiedBy` URL (relative to the API's origin).
#[Scalar(name = "Decimal", specified_by_url = "/docs/scalars/Decimal.md")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => rust_decimal::Decimal::from_str(text)
                .map(Decimal)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.normalize().to_string())
    }
}

/// Storage units (1/10000 of the printed unit) as a GraphQL decimal.
pub fn decimal(units: i64) -> Decimal {
    Decimal(from_units(units))
}

/// The unit in which a money amount is returned.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum MoneyUnit {
    /// 万元: ten thousand yuan, the unit the disclosure prints (default).
    #[default]
    WanYuan,
    /// 元: yuan (amount × 10,000).
    Yuan,
}

/// Converts a stored amount (1/10000 万元) to the requested unit.
pub fn money(units: Option<i64>, unit: MoneyUnit) -> Option<Decimal> {
    money_in(units, 10_000, unit)
}

/// Converts a stored amount in 1/10000 of a unit worth `yuan_per_unit` yuan (10000 for a 万元
/// dataset, 1 for a 元 one) to the requested unit, exactly.
pub fn money_in(units: Option<i64>, yuan_per_unit: i64, unit: MoneyUnit) -> Option<Decimal> {
    let value = from_units(units?);
    let ten_thousand = rust_decimal::Decimal::from(10_000);
    Some(Decimal(match (yuan_per_unit, unit) {
        (10_000, MoneyUnit::WanYuan) | (1, MoneyUnit::Yuan) => value,
        (10_000, MoneyUnit::Yuan) => (value * ten_thousand).normalize(),
        (1, MoneyUnit::WanYuan) => (value / ten_thousand).normalize(),
        (other, MoneyUnit::Yuan) => (value * rust_decimal::Decimal::from(other)).normalize(),
        (other, MoneyUnit::WanYuan) => {
            (value * rust_decimal::Decimal::from(other) / ten_thousand).normalize()
        }
    }))
}

/// A stored amount of a row printed in `source`, in the requested unit (the unit of the
/// source's dataset is looked up in the catalogue).
pub fn money_of(
    ctx: &async_graphql::Context<'_>,
    source: i32,
    units: Option<i64>,
    unit: MoneyUnit,
) -> Option<Decimal> {
    let catalog = ctx.data_unchecked::<crate::loaders::Loaders>().catalog();
    money_in(units, catalog.yuan_per_unit(source), unit)
}

/// How a figure is known.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Basis")]
pub enum Basis {
    /// Printed in the disclosure.
    Printed,
    /// A prior-year figure the disclosure states only as a comparison ("比 2022 年增加 9,545 万元");
    /// computed as the current figure minus the stated change.
    DerivedFromComparison,
}

/// Where a figure comes from: a numbered table or a narrative part of the disclosure.
pub struct Source(pub entity::source::Model);

/// A short citation of a source: `表3 支出总表` or `第二部分 部门预算收支总体情况`.
pub fn citation(source: &entity::source::Model) -> String {
    match (source.table_number, &source.section) {
        (Some(n), _) => format!("表{n} {}", source.title),
        (None, Some(section)) => format!("{section} {}", source.title),
        (None, None) => source.title.clone(),
    }
}

/// Where a figure comes from: a numbered table or a narrative part of the disclosure.
#[Object]
impl Source {
    /// Stable key within its dataset (`table-3`, `text-part2`).
    async fn key(&self) -> &str {
        &self.0.key
    }
    /// Table number (表N), for tables.
    async fn table_number(&self) -> Option<i32> {
        self.0.table_number
    }
    /// Title as printed (支出总表, 部门预算收支总体情况).
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Narrative part (第二部分), for text.
    async fn section(&self) -> Option<&str> {
        self.0.section.as_deref()
    }
    /// A short citation: `表3 支出总表` or `第二部分 部门预算收支总体情况`.
    async fn citation(&self) -> String {
        citation(&self.0)
    }
    /// True for a table the disclosure prints without data (本表本年无发生额).
    async fn is_empty(&self) -> bool {
        self.0.empty
    }
}

/// Loads a source by id: every `source` field (null where there is no source).
pub async fn source(ctx: &Context<'_>, id: impl Into<Option<i32>>) -> Result<Option<Source>> {
    Ok(one::<SourceById>(ctx, id).await?.map(Source))
}

/// The comparison of an amount with the same item in another year.
#[derive(SimpleObject, Clone, Debug)]
pub struct Change {
    /// The year compared against.
    pub base_year: i32,
    /// The amount in the base year (万元); null when the base year does not report the item.
    pub base: Option<Decimal>,
    /// The amount in this item's year (万元).
    pub current: Option<Decimal>,
    /// `current − base`; null when either is null.
    pub difference: Option<Decimal>,
    /// `difference / base × 100`, rounded to 2 places; null when the base is null or 0.
    pub percent: Option<Decimal>,
    /// The percent change as the disclosure states it (kept beside the computed one; e.g.
    /// 培训支出 −5 on 9 is printed −55.5 while the computed percent is −55.56). Only stated
    /// against the previous year; null otherwise.
    pub stated_percent: Option<Decimal>,
    /// The change amount as the disclosure states it (万元), when stated against `baseYear`.
    pub stated_difference: Option<Decimal>,
    /// How `base` is known: `DERIVED_FROM_COMPARISON` where the base year's figure is only
    /// known from the change the disclosure states (2022 totals, projects, 机关运行经费); null
    /// when `base` is null.
    pub base_basis: Option<Basis>,
    /// Where the base year prints the same classification code under another name (the
    /// national codes are renamed and reused between years), that name: the two lines are not
    /// paired, and `base`, `difference` and `percent` are null. Null otherwise.
    pub unpaired_base_label: Option<String>,
}

impl Change {
    /// Builds a comparison from stored units. `stated` are (change, percent) stated against
    /// the year before `year`.
    pub fn new(
        base_year: i32,
        year: i32,
        base: Option<i64>,
        current: Option<i64>,
        stated: (Option<i64>, Option<i64>),
    ) -> Change {
        Change::in_wan(
            base_year,
            year,
            base.map(from_units),
            current.map(from_units),
            (stated.0.map(from_units), stated.1.map(from_units)),
        )
    }

    /// Builds a comparison from amounts in 万元 (and a stated change in 万元, a stated percent).
    pub fn in_wan(
        base_year: i32,
        year: i32,
        base: Option<rust_decimal::Decimal>,
        current: Option<rust_decimal::Decimal>,
        stated: (Option<rust_decimal::Decimal>, Option<rust_decimal::Decimal>),
    ) -> Change {
        let difference = base.zip(current).map(|(b, c)| c - b);
        let percent = base.zip(difference).and_then(|(b, d)| {
            (!b.is_zero()).then(|| {
                (d / b * rust_decimal::Decimal::ONE_HUNDRED)
                    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            })
        });
        let against_previous = base_year == year - 1;
        Change {
            base_year,
            base: base.map(Decimal),
            current: current.map(Decimal),
            difference: difference.map(Decimal),
            percent: percent.map(Decimal),
            stated_percent: stated.1.filter(|_| against_previous).map(Decimal),
            stated_difference: stated.0.filter(|_| against_previous).map(Decimal),
            base_basis: base.map(|_| Basis::Printed),
            unpaired_base_label: None,
        }
    }

    /// Sets how the base is known (the base row's `basis` column).
    pub fn with_base_basis(mut self, basis: Option<entity::Basis>) -> Change {
        if self.base.is_some() {
            self.base_basis = basis.map(Into::into);
        }
        self
    }
}

/// Checks a year argument.
pub fn check_year(year: i32) -> Result<()> {
    if (1900..=2200).contains(&year) {
        Ok(())
    } else {
        Err(ApiError::BadUserInput(format!(
            "year {year} is out of range (1900–2200)"
        )))
    }
}

/// Picks the same item in another year: a printed figure over one derived from a comparison.
pub fn same_item<M>(
    rows: &[M],
    matches: impl Fn(&M) -> bool,
    basis: impl Fn(&M) -> entity::Basis,
) -> Option<&M> {
    let mut found: Vec<&M> = rows.iter().filter(|r| matches(r)).collect();
    found.sort_by_key(|r| basis(r) != entity::Basis::Printed);
    found.into_iter().next()
}

/// A stored row that `change(baseYear)` compares with the same item in another year.
pub trait Compared {
    /// The row's year.
    fn year(&self) -> i32;
    /// The amount compared (1/10000 万元).
    fn amount(&self) -> Option<i64>;
    /// How the amount is known.
    fn basis(&self) -> entity::Basis {
        entity::Basis::Printed
    }
    /// The change and percent the disclosure states against the year before.
    fn stated(&self) -> (Option<i64>, Option<i64>) {
        (None, None)
    }
    /// Where the row is printed (its dataset gives the unit of its amounts).
    fn source_id(&self) -> i32;
}

/// `Compared` for a table: its amount column, and `stated` where it has `basis`,
/// `stated_change` and `stated_percent`.
macro_rules! compared {
    ($table:ident, $amount:ident $(, $stated:ident)?) => {
        impl Compared for $table::Model {
            fn year(&self) -> i32 {
                self.year
            }
            fn amount(&self) -> Option<i64> {
                self.$amount
            }
            fn source_id(&self) -> i32 {
                self.source_id
            }
            $(compared!(@$stated);)?
        }
    };
    (@stated) => {
        fn basis(&self) -> entity::Basis {
            self.basis
        }
        fn stated(&self) -> (Option<i64>, Option<i64>) {
            (self.stated_change, self.stated_percent)
        }
    };
}
compared!(headline, amount, stated);
compared!(three_public, amount, stated);
compared!(project_budget, amount, stated);
compared!(performance_task, total);
compared!(budget_line, total);

/// `change(baseYear)` of a stored row: `row` against the same item (`same`) among the rows of
/// `G` for `base_key` (the base year's), a printed one before one derived from a comparison.
pub async fn compare<G>(
    ctx: &Context<'_>,
    row: &<G::Entity as EntityTrait>::Model,
    base_year: i32,
    base_key: G::Key,
    same: impl Fn(&<G::Entity as EntityTrait>::Model) -> bool,
) -> Result<Change>
where
    G: Group,
    <G::Entity as EntityTrait>::Model: Compared,
{
    let rows = many::<G>(ctx, base_key).await?;
    Ok(compare_rows(ctx, row, base_year, &rows, same))
}

/// `change(baseYear)` of `row` against the same item (`same`) among `rows` (the base year's).
/// Amounts of a 元 dataset are converted to 万元 first, so two years loaded from packages in
/// different units compare in one unit.
pub fn compare_rows<M: Compared>(
    ctx: &Context<'_>,
    row: &M,
    base_year: i32,
    rows: &[M],
    same: impl Fn(&M) -> bool,
) -> Change {
    let base = same_item(rows, same, |r| r.basis());
    let catalog = ctx.data_unchecked::<crate::loaders::Loaders>().catalog();
    let yuan = |r: &M| catalog.yuan_per_unit(r.source_id());
    if yuan(row) != 10_000 || base.is_some_and(|b| yuan(b) != 10_000) {
        let wan =
            |r: &M, units: Option<i64>| money_in(units, yuan(r), MoneyUnit::WanYuan).map(|d| d.0);
        let stated = row.stated();
        return Change::in_wan(
            base_year,
            row.year(),
            base.and_then(|b| wan(b, b.amount())),
            wan(row, row.amount()),
            (wan(row, stated.0), stated.1.map(from_units)),
        )
        .with_base_basis(base.map(|r| r.basis()));
    }
    Change::new(
        base_year,
        row.year(),
        base.and_then(|r| r.amount()),
        row.amount(),
        row.stated(),
    )
    .with_base_basis(base.map(|r| r.basis()))
}

/// An `#[Object]` impl in which the fields that many types repeat are declared in one line each,
/// after their doc comment and in field order (the order of the schema):
/// - `money name(self.row.field);`: `name(unit: MoneyUnit = WAN_YUAN): Decimal`, the stored
///   units at `self.row.field` (of the dataset of `self.row.source_id`) in `unit`, null where
///   not printed;
/// - `source(self.path);`: `source: Source`, the source whose id is `self.path`;
/// - `change Kind(column);`: `change(baseYear: Int!): Change!`, against the row of the loader
///   group `Kind` in the base year with the same `column` (for `self.0` keyed by department
///   and year).
///
/// Every other item is kept as written.
macro_rules! object {
    ($(#[$attr:meta])* impl $ty:ident { $($body:tt)* }) => {
        $crate::schema::common::object!(@munch [$(#[$attr])* impl $ty] [] $($body)*);
    };
    (@munch [$($head:tt)*] [$($done:tt)*]) => {
        $($head)* { $($done)* }
    };
    (@munch $head:tt [$($done:tt)*]
        $(#[$doc:meta])* money $name:ident(self.$row:tt.$field:ident); $($rest:tt)*) => {
        $crate::schema::common::object!(@munch $head [$($done)*
            $(#[$doc])*
            async fn $name(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(default, desc = "Unit of the result.")]
                unit: $crate::schema::common::MoneyUnit,
            ) -> Option<$crate::schema::common::Decimal> {
                $crate::schema::common::money_of(
                    ctx,
                    self.$row.source_id,
                    self.$row.$field,
                    unit,
                )
            }
        ] $($rest)*);
    };
    (@munch $head:tt [$($done:tt)*]
        $(#[$doc:meta])* source(self.$($path:tt)*); $($rest:tt)*) => {
        $crate::schema::common::object!(@munch $head [$($done)*
            $(#[$doc])*
            async fn source(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> $crate::error::Result<Option<$crate::schema::common::Source>> {
                $crate::schema::common::source(ctx, self.$($path)*).await
            }
        ] $($rest)*);
    };
    (@munch $head:tt [$($done:tt)*]
        $(#[$doc:meta])* change $kind:ident($column:ident); $($rest:tt)*) => {
        $crate::schema::common::object!(@munch $head [$($done)*
            $(#[$doc])*
            async fn change(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = "Year to compare with.")] base_year: i32,
            ) -> $crate::error::Result<$crate::schema::common::Change> {
                let base_key = (self.0.department_id, base_year);
                $crate::schema::common::compare::<$kind>(ctx, &self.0, base_year, base_key, |r| {
                    r.$column == self.0.$column
                })
                .await
            }
        ] $($rest)*);
    };
    (@munch $head:tt [$($done:tt)*] $next:tt $($rest:tt)*) => {
        $crate::schema::common::object!(@munch $head [$($done)* $next] $($rest)*);
    };
}
pub(crate) use object;
