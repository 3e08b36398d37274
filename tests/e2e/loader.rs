//! The loader: idempotence, reloads, and bad input that must leave the database unchanged.

use crate::common::TestDb;
use seed::{DataSource, LoadError, Outcome};
use std::path::PathBuf;

/// A copy of the bundled data in a temp directory (removed when the guard drops), with one
/// file edited.
fn edited(name: &str, file: &str, edit: Edit) -> (tempfile::TempDir, DataSource) {
    let guard = crate::common::temp_dir(&format!("data-{name}"));
    let dir = guard.path().to_owned();
    for f in seed::files::FILES {
        std::fs::write(dir.join(f), DataSource::Bundled.read(f).unwrap()).unwrap();
    }
    let path: PathBuf = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit.apply(text)).unwrap();
    (guard, DataSource::Dir(dir))
}

fn replace_once(text: String, from: &str, to: &str) -> String {
    assert!(text.contains(from), "fixture text `{from}` not found");
    text.replacen(from, to, 1)
}

#[tokio::test]
async fn a_second_load_changes_nothing() {
    let test = TestDb::seeded().await;
    let before = test.dump().await;
    let again = seed::load(&test.db, &DataSource::Bundled).await.unwrap();
    assert_eq!(again, Outcome::Unchanged { version: 1 });
    assert_eq!(test.dump().await, before);
}

#[tokio::test]
async fn changed_files_replace_the_dataset_in_place() {
    let test = TestDb::seeded().await;
    let before = test.dump().await;
    let edit = Edit::Replace("本表本年无发生额。", "本表本年无发生额（改）。");
    let (_dir, source) = edited("reload", "text.json", edit);
    assert_eq!(
        seed::load(&test.db, &source).await.unwrap(),
        Outcome::Loaded { version: 2 }
    );
    let after = test.dump().await;
    assert_ne!(after, before);
    assert!(after.contains("本表本年无发生额（改）。"));
    // Same number of rows: the old load was replaced, not duplicated.
    assert_eq!(after.lines().count(), before.lines().count());
    // And loading the original back restores it (ids aside).
    assert_eq!(
        seed::load(&test.db, &DataSource::Bundled).await.unwrap(),
        Outcome::Loaded { version: 3 }
    );
    assert!(!test.dump().await.contains("（改）"));
}

/// How a malformed input is made from the bundled file.
#[derive(Clone, Copy)]
enum Edit {
    /// The first occurrence of the text, replaced.
    Replace(&'static str, &'static str),
    /// The first data row, written again at the end.
    RepeatFirstRow,
}

impl Edit {
    fn apply(self, text: String) -> String {
        match self {
            Edit::Replace(from, to) => replace_once(text, from, to),
            Edit::RepeatFirstRow => {
                let row = text.lines().nth(1).unwrap().to_owned();
                format!("{text}{row}\n")
            }
        }
    }
}

/// The malformed inputs: name, file, edit, and what the error must say.
#[rustfmt::skip]
const BAD_INPUTS: &[(&str, &str, Edit, &str)] = &[
    ("bad-number", "budget_lines.csv", Edit::Replace(",29173,1282,27891,5304,112,0", ",29,173,1282,27891,5304,112,0"), "budget_lines.csv, line"),
    ("not-a-number", "headlines.csv", Edit::Replace(",1763,万元", ",一千七百,万元"), "column `amount`"),
    ("too-precise", "subprojects.csv", Edit::Replace("8247.97", "8247.97001"), "more than 4 decimal places"),
    ("unknown-code", "budget_lines.csv", Edit::Replace(",2013799,", ",2013798,"), "unknown FUNCTIONAL code `2013798`"),
    ("unknown-parent", "classifications.csv", Edit::Replace("FUNCTIONAL,20137,201,", "FUNCTIONAL,20137,209,"), "unknown parent `209`"),
    ("missing-column", "headlines.csv", Edit::Replace(",also_in,", ",also,"), "missing column"),
    ("duplicate-row", "three_public.csv", Edit::RepeatFirstRow, "duplicate row"),
    ("unknown-year", "projects.csv", Edit::Replace("pingshan-gsdmb,2022,", "pingshan-gsdmb,2021,"), "unknown year 2021"),
    ("unknown-department", "staffing.csv", Edit::Replace("pingshan-gsbdc,", "pingshan-nope,"), "unknown department `pingshan-nope`"),
    ("bad-json", "text.json", Edit::Replace("\"glossary\"", "\"glossary\" oops"), "text.json"),
    ("mismatch", "budget_lines.csv", Edit::Replace("30201,办公费,46,12,34", "30201,办公费,56,22,34"), "consistency checks failed"),
];

/// Each malformed input: the error names file, line and column, and nothing is written.
#[tokio::test]
async fn bad_input_is_refused_and_leaves_the_database_unchanged() {
    let test = TestDb::seeded().await;
    let before = test.dump().await;
    for &(name, file, edit, expected) in BAD_INPUTS {
        let (_dir, source) = edited(name, file, edit);
        let error = seed::load(&test.db, &source).await.expect_err(name);
        let message = error.to_string();
        assert!(message.contains(expected), "{name}: {message}");
        match (&error, name) {
            (LoadError::Mismatch(_), "mismatch") => {}
            (LoadError::Invalid(errors), _) => {
                assert!(errors.iter().all(|e| e.file == file), "{name}: {message}")
            }
            _ => panic!("{name}: unexpected {message}"),
        }
        assert_eq!(test.dump().await, before, "{name} changed the database");
    }
}

/// A data directory that does not exist: the error names it, as one problem.
#[tokio::test]
async fn a_missing_data_directory_is_named() {
    let test = TestDb::empty().await;
    let source = DataSource::Dir(PathBuf::from("/nonexistent/budget-data"));
    let message = seed::load(&test.db, &source).await.unwrap_err().to_string();
    assert!(
        message.starts_with("invalid data (1 problem):")
            && message.contains("/nonexistent/budget-data/"),
        "{message}"
    );
    assert_eq!(test.dump().await, "");
}

/// A failed consistency check names the data file and line of the printed figure it checks.
#[tokio::test]
async fn mismatches_name_the_file_and_line() {
    let (row, edited_row) = ("30201,办公费,46,12,34", "30201,办公费,56,22,34");
    let (_dir, source) = edited(
        "mismatch-line",
        "budget_lines.csv",
        Edit::Replace(row, edited_row),
    );
    let line = DataSource::Bundled
        .read("budget_lines.csv")
        .unwrap()
        .lines()
        .position(|l| l.contains(row))
        .expect("the row")
        + 1;
    let test = TestDb::empty().await;
    let Err(LoadError::Mismatch(mismatches)) = seed::load(&test.db, &source).await else {
        panic!("expected a mismatch")
    };
    assert!(
        mismatches
            .iter()
            .all(|m| m.starts_with("  - budget_lines.csv, line ")),
        "{mismatches:?}"
    );
    // 表8's basic column against 表4: the edited row is named.
    let named = format!("budget_lines.csv, line {line}: ");
    assert!(
        mismatches.iter().any(|m| m.contains(&named)),
        "{named} in {mismatches:?}"
    );
}

#[tokio::test]
async fn errors_name_the_row_and_column() {
    let edit = Edit::Replace(
        ",2013799,其他网信事务支出,27102,",
        ",2013799,其他网信事务支出,27x02,",
    );
    let (_dir, source) = edited("row-column", "budget_lines.csv", edit);
    let test = TestDb::empty().await;
    let Err(LoadError::Invalid(errors)) = seed::load(&test.db, &source).await else {
        panic!("expected invalid data")
    };
    let e = &errors[0];
    assert_eq!(
        (e.file.as_str(), e.column.as_deref()),
        ("budget_lines.csv", Some("total"))
    );
    let line = e.line.expect("a line number");
    let text = std::fs::read_to_string(match &source {
        DataSource::Dir(d) => d.join("budget_lines.csv"),
        _ => unreachable!(),
    })
    .unwrap();
    assert!(
        text.lines()
            .nth(line as usize - 1)
            .unwrap()
            .contains("27x02"),
        "line {line} is the bad row"
    );
    // Nothing at all was written to the empty database.
    assert_eq!(test.dump().await, "");
}

#[tokio::test]
async fn synthetic_disclosures_load_and_check_out() {
    let shape = seed::synth::Shape::new(3, 2);
    let guard = crate::common::temp_dir("synth");
    let dir = guard.path().to_owned();
    seed::synth::write(&dir, &shape).unwrap();
    let first = std::fs::read_to_string(dir.join("budget_lines.csv")).unwrap();
    seed::synth::write(&dir, &shape).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("budget_lines.csv")).unwrap(),
        first,
        "deterministic"
    );
    let test = TestDb::seeded().await;
    let outcome = seed::load(&test.db, &DataSource::Dir(dir)).await.unwrap();
    assert_eq!(outcome, Outcome::Loaded { version: 2 });
}

#[tokio::test]
async fn the_project_key_migration_unpacks_old_labels() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::ConnectionTrait;
    let test = TestDb::seeded().await;
    let before = test.dump().await;
    // A database from before the migration: the key packed into the label, no column.
    let tab = match test.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "chr(9)",
        _ => "char(9)",
    };
    for statement in [
        format!(
            "UPDATE budget_line SET label = project_key || {tab} || label \
             WHERE project_key IS NOT NULL"
        ),
        "ALTER TABLE budget_line DROP COLUMN project_key".to_owned(),
        "DELETE FROM seaql_migrations WHERE version LIKE 'm20261128_000004%'".to_owned(),
    ] {
        test.db.execute_unprepared(&statement).await.unwrap();
    }
    Migrator::up(&test.db, None).await.unwrap();
    assert_eq!(test.dump().await, before);
    // The migrations keep the names databases have recorded (they are their file stems).
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "m20261127_000001_create_budget_schema",
            "m20261128_000001_add_dataset_package",
            "m20261128_000003_add_aggregate_columns",
            "m20261128_000004_add_budget_line_project_key",
            "m20261128_000005_drop_consistency_check_detail",
            "m20261208_000001_add_governments_and_printed_tables",
        ]
    );
}
