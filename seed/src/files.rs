//! Where a disclosure's files are read from: a directory, or the copy compiled into the binary.

use crate::error::DataError;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// The list of data files and the bundled copy of each, from the CSV resources' names (called by
/// `resources!` in [`crate::rows`], where each resource is declared).
macro_rules! data_files {
    ($($name:ident),* $(,)?) => {
        /// The files of a data directory, in load order. Every one is required.
        pub const FILES: &[&str] = &[
            "datapackage.json",
            $(concat!(stringify!($name), ".csv"),)*
            "text.json",
        ];

        /// The Pingshan 2023 disclosure, compiled in so the server can seed itself from any
        /// directory.
        pub(crate) const BUNDLED: &[(&str, &str)] = &[
            ("datapackage.json", include_str!("../data/pingshan-gsdmb-2023/datapackage.json")),
            $((
                concat!(stringify!($name), ".csv"),
                include_str!(concat!("../data/pingshan-gsdmb-2023/", stringify!($name), ".csv")),
            ),)*
            ("text.json", include_str!("../data/pingshan-gsdmb-2023/text.json")),
        ];
    };
}
pub(crate) use data_files;

use crate::rows::BUNDLED;
pub use crate::rows::FILES;

/// A set of disclosure files.
#[derive(Debug, Clone)]
pub enum DataSource {
    /// A directory on disk laid out as `seed/data/FORMAT.md` describes.
    Dir(PathBuf),
    /// The bundled Pingshan 2023 disclosure.
    Bundled,
}

impl DataSource {
    /// Reads one file of the set.
    pub fn read(&self, name: &str) -> Result<String, DataError> {
        match self {
            DataSource::Dir(dir) => std::fs::read_to_string(dir.join(name)).map_err(|e| {
                DataError::file(
                    name,
                    format!("cannot read {}: {e}", dir.join(name).display()),
                )
            }),
            DataSource::Bundled => BUNDLED
                .iter()
                .find(|(file, _)| *file == name)
                .map(|(_, text)| (*text).to_owned())
                .ok_or_else(|| DataError::file(name, "not bundled")),
        }
    }

    /// SHA-256 over every file's name and content, and over the COFOG crosswalk the load
    /// applies (`department_year.unit_cofog`): equal hashes mean an identical load.
    pub fn content_hash(&self) -> Result<String, DataError> {
        let mut hasher = Sha256::new();
        let crosswalk = [
            ("cofog/cofog.csv", crate::cofog::FUNCTIONS.to_owned()),
            ("cofog/crosswalk.csv", crate::cofog::MAPPINGS.to_owned()),
        ];
        let files = FILES
            .iter()
            .map(|name| Ok((*name, self.read(name)?)))
            .collect::<Result<Vec<_>, DataError>>()?;
        for (name, text) in files.into_iter().chain(crosswalk) {
            hasher.update(name.as_bytes());
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        }
        Ok(hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }
}
