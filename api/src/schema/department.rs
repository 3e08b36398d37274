//! Departments and their units: the catalogue, profiles (duties, divisions, staffing).

use super::common::check_year;
use super::common::object;
use super::relay::{Window, global_id};
use crate::error::Result;
use crate::loaders::*;
use async_graphql::connection::PageInfo;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::{department, department_profile, division, government, staffing};

/// A budget department, or a unit that belongs to one.
#[derive(Clone)]
pub struct Department(pub department::Model);

/// A budget department, or a unit that belongs to one.
#[Object]
impl Department {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id("Department", &self.0.code)
    }
    /// Stable code (`pingshan-gsdmb`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Chinese name as printed.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// English name.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// Whether the unit keeps its own accounts; null where the disclosure does not say.
    async fn independent_accounting(&self) -> Option<bool> {
        self.0.independent_accounting
    }
    /// The government the department belongs to; null only for data loaded before
    /// governments were recorded.
    async fn government(&self, ctx: &Context<'_>) -> Option<Government> {
        let id = self.0.government_id?;
        catalog(ctx).government(id).cloned().map(Government)
    }
    /// The department this unit belongs to; null for a top-level department.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Department>> {
        Ok(one::<DepartmentById>(ctx, self.0.parent_id)
            .await?
            .map(Department))
    }
    /// Units that belong to this department.
    async fn units(&self, ctx: &Context<'_>) -> Result<Vec<Department>> {
        each::<UnitsOf, _>(ctx, self.0.id, Department).await
    }
    /// Duties, internal divisions and staffing stated for a year; null if none are stated.
    async fn profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Fiscal year, e.g. 2023.")] year: i32,
    ) -> Result<Option<Profile>> {
        check_year(year)?;
        let key = (self.0.id, year);
        let loader = ctx.data_unchecked::<Loaders>();
        let (profile, divisions, staffing) = futures_join(
            loader.load_one(Many::<ProfileOf>::new(key)),
            loader.load_one(Many::<DivisionsOf>::new(key)),
            loader.load_one(Many::<StaffingOf>::new(key)),
        )
        .await;
        let (profile, divisions, staffing) = (profile?, divisions?, staffing?);
        let profile = Profile {
            year,
            profile: profile.and_then(|p| p.first().cloned()),
            divisions: divisions.map(|d| d.to_vec()).unwrap_or_default(),
            staffing: staffing.map(|s| s.to_vec()).unwrap_or_default(),
        };
        let empty = profile.profile.is_none()
            && profile.divisions.is_empty()
            && profile.staffing.is_empty();
        Ok((!empty).then_some(profile))
    }
    /// The budget for one fiscal year; null if the department has no figures for it.
    async fn budget(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Fiscal year, e.g. 2023.")] year: i32,
    ) -> Result<Option<Budget>> {
        check_year(year)?;
        let catalog = ctx.data_unchecked::<Loaders>().catalog();
        Ok(catalog.years_of(self.0.id).contains(&year).then(|| Budget {
            department: self.0.clone(),
            year,
        }))
    }
    /// Budgets for every fiscal year with figures, ascending by year. Earlier years may hold
    /// only what a later disclosure states as comparisons.
    async fn budgets(&self, ctx: &Context<'_>) -> Result<Vec<Budget>> {
        let catalog = ctx.data_unchecked::<Loaders>().catalog();
        Ok(catalog
            .years_of(self.0.id)
            .iter()
            .map(|&year| Budget {
                department: self.0.clone(),
                year,
            })
            .collect())
    }
}

/// Runs three loads concurrently so the DataLoader batches them into one round.
async fn futures_join<A, B, C>(
    a: impl Future<Output = A>,
    b: impl Future<Output = B>,
    c: impl Future<Output = C>,
) -> (A, B, C) {
    tokio::join!(a, b, c)
}

/// What a department states about itself for a year.
pub struct Profile {
    year: i32,
    profile: Option<department_profile::Model>,
    divisions: Vec<division::Model>,
    staffing: Vec<staffing::Model>,
}

object! {
    /// What a department states about itself for a year.
    #[Object]
    impl Profile {
        /// The fiscal year.
        async fn year(&self) -> i32 {
            self.year
        }
        /// Duties (部门职责) as printed; null where not stated for this unit.
        async fn duties(&self) -> Option<&str> {
            self.profile.as_ref()?.duties.as_deref()
        }
        /// Internal divisions (内设机构), in printed order.
        async fn divisions(&self) -> Vec<Division> {
            self.divisions.iter().cloned().map(Division).collect()
        }
        /// Staffing; `scope` picks the unit alone or the whole department.
        async fn staffing(
            &self,
            #[graphql(desc = "Only this scope.")] scope: Option<StaffingScope>,
        ) -> Vec<Staffing> {
            self.staffing
                .iter()
                .filter(|s| scope.is_none_or(|sc| entity::Scope::from(sc) == s.scope))
                .cloned()
                .map(Staffing)
                .collect()
        }
        /// Where the profile is stated.
        source(self.profile.as_ref().map(|p| p.source_id));
    }
}

/// An internal division of a unit.
pub struct Division(division::Model);

/// An internal division of a unit.
#[Object]
impl Division {
    /// Chinese name as printed.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// English name.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
}

/// Which staff a staffing row counts.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Scope")]
pub enum StaffingScope {
    /// The whole department as the disclosure states it (the unit and its subordinate units).
    Consolidated,
    /// This unit alone.
    Own,
}

/// Establishment (编制) and actual staff (实有在编) of a unit or department in a year.
pub struct Staffing(staffing::Model);

object! {
    /// Establishment (编制) and actual staff (实有在编) of a unit or department in a year.
    #[Object]
    impl Staffing {
        /// Which staff the row counts.
        async fn scope(&self) -> StaffingScope {
            self.0.scope.into()
        }
        /// Administrative establishment (行政编制).
        async fn admin_establishment(&self) -> Option<i32> {
            self.0.admin_establishment
        }
        /// Administrative staff in post (实有在编).
        async fn admin_actual(&self) -> Option<i32> {
            self.0.admin_actual
        }
        /// Institutional establishment (事业编制).
        async fn institutional_establishment(&self) -> Option<i32> {
            self.0.institutional_establishment
        }
        /// Institutional staff in post.
        async fn institutional_actual(&self) -> Option<i32> {
            self.0.institutional_actual
        }
        /// Retired before 1949-rule retirement (离休).
        async fn retired_lixiu(&self) -> Option<i32> {
            self.0.retired_lixiu
        }
        /// Retired (退休).
        async fn retired_tuixiu(&self) -> Option<i32> {
            self.0.retired_tuixiu
        }
        /// Qualification as printed (e.g. 含老工勤: includes veteran service workers).
        async fn note(&self) -> Option<&str> {
            self.0.note.as_deref()
        }
        /// Where it is stated.
        source(self.0.source_id);
    }
}

/// A page of departments (Relay connection).
#[derive(SimpleObject)]
pub struct DepartmentConnection {
    /// The departments of this page, each with its cursor.
    pub edges: Vec<DepartmentEdge>,
    /// Where this page sits in the whole list.
    pub page_info: PageInfo,
    /// Number of departments in the whole list (all pages).
    pub total_count: u64,
}

/// A department and its cursor.
#[derive(SimpleObject)]
pub struct DepartmentEdge {
    /// Opaque cursor for `after` / `before`.
    pub cursor: String,
    /// The department.
    pub node: Department,
}

/// Department queries.
#[derive(Default)]
pub struct DepartmentQuery;

/// Department queries.
#[Object]
impl DepartmentQuery {
    /// Departments and units, ordered by code, as a Relay connection.
    #[graphql(
        complexity = "(first.or(last).unwrap_or(20).clamp(0, 100) as usize) * child_complexity + 1"
    )]
    async fn departments(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only departments whose Chinese or English name contains this text (case-insensitive)."
        )]
        name: Option<String>,
        #[graphql(desc = "Page size from the start (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> Result<DepartmentConnection> {
        department_page(ctx, None, name, first, after, last, before)
    }

    /// Every government whose departments the data holds, by code (深圳市坪山区, 江苏省, …).
    async fn governments(&self, ctx: &Context<'_>) -> Vec<Government> {
        catalog(ctx)
            .governments
            .iter()
            .cloned()
            .map(Government)
            .collect()
    }

    /// A government by code (`shenzhen-pingshan`); null if there is none.
    async fn government(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Government code, e.g. `shenzhen-pingshan`.")] code: String,
    ) -> Option<Government> {
        catalog(ctx)
            .government_by_code(&code)
            .cloned()
            .map(Government)
    }

    /// A department or unit by code; null if there is none.
    async fn department(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Department code, e.g. `pingshan-gsdmb`.")] code: String,
    ) -> Result<Option<Department>> {
        Ok(one::<DepartmentByCode>(ctx, code).await?.map(Department))
    }
}

/// A page of the departments (of one government, or all), ordered by code, from the
/// catalogue: no statement, and the same matching on every database.
fn department_page(
    ctx: &Context<'_>,
    government: Option<i32>,
    name: Option<String>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> Result<DepartmentConnection> {
    let catalog = catalog(ctx);
    let text = name.map(|t| t.to_lowercase()).filter(|t| !t.is_empty());
    let matching: Vec<&department::Model> = catalog
        .departments_by_code()
        .filter(|d| government.is_none_or(|g| d.government_id == Some(g)))
        .filter(|d| {
            text.as_ref().is_none_or(|t| {
                d.name.to_lowercase().contains(t) || d.name_en.to_lowercase().contains(t)
            })
        })
        .collect();
    let window = Window::new(matching.len(), first, after, last, before)?;
    let rows = matching[window.start..window.end.max(window.start)]
        .iter()
        .map(|d| (*d).clone());
    Ok(DepartmentConnection {
        edges: rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| DepartmentEdge {
                cursor: Window::cursor(window.start + i),
                node: Department(row),
            })
            .collect(),
        page_info: window.page_info(),
        total_count: window.total as u64,
    })
}

/// The level of a government.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::GovernmentLevel")]
pub enum GovernmentLevel {
    /// 省 (or a municipality directly under the central government).
    Province,
    /// 市.
    City,
    /// 区 or 县.
    District,
}

/// A government whose departments publish budgets (深圳市坪山区, 上海市普陀区, 江苏省).
#[derive(Clone)]
pub struct Government(pub government::Model);

/// A government whose departments publish budgets (深圳市坪山区, 上海市普陀区, 江苏省).
#[Object]
impl Government {
    /// Stable code (`shenzhen-pingshan`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Chinese name (深圳市坪山区).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// English name.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// Province, city or district.
    async fn level(&self) -> GovernmentLevel {
        self.0.level.into()
    }
    /// Its departments and units, ordered by code, as a Relay connection.
    #[graphql(
        complexity = "(first.or(last).unwrap_or(20).clamp(0, 100) as usize) * child_complexity + 1"
    )]
    async fn departments(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only departments whose Chinese or English name contains this text (case-insensitive)."
        )]
        name: Option<String>,
        #[graphql(desc = "Page size from the start (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> Result<DepartmentConnection> {
        department_page(ctx, Some(self.0.id), name, first, after, last, before)
    }
}

/// A department's budget for one fiscal year: the handle `Department.budget` returns; its fields
/// are answered in `budget.rs`.
#[derive(Clone)]
pub struct Budget {
    pub department: department::Model,
    pub year: i32,
}
