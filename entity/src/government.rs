//! A government whose departments publish budgets (深圳市坪山区, 江苏省, …).

table! {
    /// A government whose departments publish budgets (深圳市坪山区, 江苏省, …). Shared
    /// between datasets like departments: a later load updates it in place.
    "government" {
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        pub name_en: String,
        pub level: crate::GovernmentLevel,
    }
}
