//! Named figures (headlines), 三公 items and the procurement summary.

use super::common::object;
use super::common::{Basis, Decimal, MoneyUnit, decimal, money_in, same_item};
use crate::loaders::*;
use async_graphql::{Object, SimpleObject};
use entity::{headline, three_public};

/// The money unit figures are printed in, unless their dataset is in 元.
pub const WAN_YUAN: &str = "万元";

/// Whether a figure's printed unit is money (`万元` or `元`), not a count.
fn is_money(unit: &str) -> bool {
    unit == WAN_YUAN || unit == "元"
}

/// A named figure from the text or a table (total revenue, 机关运行经费, vehicle count, …).
pub struct Figure(pub headline::Model);

impl Figure {
    fn is_money(&self) -> bool {
        is_money(&self.0.unit)
    }
}

object! {
    /// A named figure from the text or a table (total revenue, 机关运行经费, vehicle count, …).
    #[Object]
    impl Figure {
        /// Stable key (`revenue_total`, `admin_operating_costs`, `vehicles`).
        async fn key(&self) -> &str {
            &self.0.key
        }
        /// Chinese name.
        async fn name(&self) -> &str {
            &self.0.name
        }
        /// English name.
        async fn name_en(&self) -> &str {
            &self.0.name_en
        }
        /// The figure. Money in `unit` (万元 by default); counts (辆, 台（套）, 个, 家) as printed,
        /// and null when `unit: YUAN` is asked of a count.
        async fn amount(
            &self,
            #[graphql(default, desc = "Unit of the result, for money figures.")] unit: MoneyUnit,
        ) -> Option<Decimal> {
            if self.is_money() {
                money_in(self.0.amount, crate::catalog::yuan_per(&self.0.unit), unit)
            } else {
                (unit == MoneyUnit::WanYuan)
                    .then(|| self.0.amount.map(decimal))
                    .flatten()
            }
        }
        /// The printed unit: `万元` for money, else the count unit (`辆`, `台（套）`, `个`, `家`).
        async fn unit(&self) -> &str {
            &self.0.unit
        }
        /// How the figure is known.
        async fn basis(&self) -> Basis {
            self.0.basis.into()
        }
        /// Clarification, or the sentence a derived figure comes from.
        async fn note(&self) -> Option<&str> {
            self.0.note.as_deref()
        }
        /// Where it is printed.
        source(self.0.source_id);
        /// Comparison with the same figure in another year.
        change HeadlinesOf(key);
    }
}

/// A 三公 item (因公出国(境)费, 公务接待费, 公务用车购置及运行维护费 and its parts, 表9).
pub struct ThreePublicExpense(pub three_public::Model);

object! {
    /// A 三公 item (因公出国(境)费, 公务接待费, 公务用车购置及运行维护费 and its parts, 表9).
    #[Object]
    impl ThreePublicExpense {
        /// Stable key (`total`, `overseas_travel`, `official_reception`, `official_vehicles`,
        /// `vehicle_purchase`, `vehicle_operation`).
        async fn key(&self) -> &str {
            &self.0.key
        }
        /// Key of the item this is part of; null for the total.
        async fn parent_key(&self) -> Option<&str> {
            self.0.parent_key.as_deref()
        }
        /// Chinese name as printed.
        async fn name(&self) -> &str {
            &self.0.name
        }
        /// English name.
        async fn name_en(&self) -> &str {
            &self.0.name_en
        }
        /// Amount in `unit`.
        money amount(self.0.amount);
        /// How the figure is known.
        async fn basis(&self) -> Basis {
            self.0.basis.into()
        }
        /// Where it is printed.
        source(self.0.source_id);
        /// Comparison with the same item in another year.
        change ThreePublicOf(key);
    }
}

/// Government procurement in the budget (第四部分 and 表3), in 万元.
#[derive(SimpleObject)]
pub struct Procurement {
    /// Total procurement (政府采购预算).
    pub total: Option<Decimal>,
    /// Goods (货物采购).
    pub goods: Option<Decimal>,
    /// Works (工程采购).
    pub works: Option<Decimal>,
    /// Services (服务采购).
    pub services: Option<Decimal>,
    /// Reserved for small and medium-sized enterprises (面向中小企业).
    pub sme_reserved: Option<Decimal>,
    /// Reserved for small and micro enterprises (面向小型、微型企业).
    pub small_micro_reserved: Option<Decimal>,
}

impl Procurement {
    /// Builds the summary from a department-year's figures; `None` if none is stated.
    pub fn from_figures(rows: &[headline::Model]) -> Option<Procurement> {
        let get = |key: &str| {
            rows.iter()
                .find(|r| r.key == key)
                .filter(|r| is_money(&r.unit))
                .and_then(|r| {
                    money_in(
                        r.amount,
                        crate::catalog::yuan_per(&r.unit),
                        MoneyUnit::WanYuan,
                    )
                })
        };
        let p = Procurement {
            total: get("procurement_total"),
            goods: get("procurement_goods"),
            works: get("procurement_works"),
            services: get("procurement_services"),
            sme_reserved: get("procurement_sme_reserved"),
            small_micro_reserved: get("procurement_small_micro_reserved"),
        };
        let any = [
            p.total,
            p.goods,
            p.works,
            p.services,
            p.sme_reserved,
            p.small_micro_reserved,
        ]
        .iter()
        .any(Option::is_some);
        any.then_some(p)
    }
}

/// Figure value in `unit` for a key, for totals on `Budget` (stored in 1/10000 of a unit worth
/// `yuan_per_unit` yuan).
pub fn figure<F: Stated>(
    rows: &[F],
    keys: &[&str],
    yuan_per_unit: i64,
    unit: MoneyUnit,
) -> Option<Decimal> {
    keys.iter()
        .find_map(|key| same_item(rows, |r| r.key() == *key, |r| r.basis()))
        .and_then(|r| money_in(r.amount(), yuan_per_unit, unit))
}

/// A stated figure with a key: a headline, or a total the catalogue keeps.
pub trait Stated {
    fn key(&self) -> &str;
    fn amount(&self) -> Option<i64>;
    fn basis(&self) -> entity::Basis;
}

impl Stated for headline::Model {
    fn key(&self) -> &str {
        &self.key
    }
    fn amount(&self) -> Option<i64> {
        self.amount
    }
    fn basis(&self) -> entity::Basis {
        self.basis
    }
}

impl Stated for crate::catalog::Total {
    fn key(&self) -> &str {
        self.key
    }
    fn amount(&self) -> Option<i64> {
        self.amount
    }
    fn basis(&self) -> entity::Basis {
        self.basis
    }
}

/// How the figure `figure` picks for `keys` is known.
pub fn figure_basis<F: Stated>(rows: &[F], keys: &[&str]) -> Option<Basis> {
    keys.iter()
        .find_map(|key| same_item(rows, |r| r.key() == *key, |r| r.basis()))
        .filter(|r| r.amount().is_some())
        .map(|r| r.basis().into())
}
