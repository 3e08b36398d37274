//! Relay conventions: opaque global ids, the `Node` interface, offset-backed cursor pages.

use crate::error::{ApiError, Result};
use async_graphql::ID;
use async_graphql::connection::{CursorType, OpaqueCursor, PageInfo};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Largest page a connection returns; asking for more is `BAD_USER_INPUT`.
pub const MAX_PAGE: usize = 100;
/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: usize = 20;

/// Encodes a global id: `Type:key`, base64url.
pub fn global_id(type_name: &str, key: &str) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{key}")))
}

/// The global id of a row of a department-year: `Type:department:year:rest` (`rest`: the
/// row's printed position, and what else tells it apart).
pub fn row_id(
    ctx: &async_graphql::Context<'_>,
    type_name: &str,
    department: i32,
    year: i32,
    rest: &str,
) -> ID {
    let catalog = crate::loaders::catalog(ctx);
    let code = catalog
        .departments
        .get(&department)
        .map_or("", |d| d.code.as_str());
    global_id(type_name, &format!("{code}:{year}:{rest}"))
}

/// Decodes a global id into (type, key); `None` if it is not one of ours.
pub fn parse_global_id(id: &str) -> Option<(String, String)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (type_name, key) = text.split_once(':')?;
    Some((type_name.to_owned(), key.to_owned()))
}

/// The slice `[start, end)` of a list of `total` items selected by Relay arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: usize,
    pub end: usize,
    pub total: usize,
}

fn cursor(text: Option<String>, name: &str) -> Result<Option<usize>> {
    text.map(|t| {
        OpaqueCursor::<usize>::decode_cursor(&t)
            .map(|c| c.0)
            .map_err(|_| ApiError::BadUserInput(format!("`{name}` is not a cursor of this list")))
    })
    .transpose()
}

fn size(value: Option<i32>, name: &str) -> Result<Option<usize>> {
    match value {
        None => Ok(None),
        Some(n) if n < 0 => Err(ApiError::BadUserInput(format!(
            "`{name}` must not be negative"
        ))),
        Some(n) if n as usize > MAX_PAGE => Err(ApiError::BadUserInput(format!(
            "`{name}` is {n}; a page holds at most {MAX_PAGE} items"
        ))),
        Some(n) => Ok(Some(n as usize)),
    }
}

impl Window {
    /// Applies `first/after/last/before` to a list of `total` items.
    pub fn new(
        total: usize,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Window> {
        let (first, last) = (size(first, "first")?, size(last, "last")?);
        let mut start = cursor(after, "after")?.map_or(0, |a| a + 1).min(total);
        let mut end = cursor(before, "before")?
            .unwrap_or(total)
            .min(total)
            .max(start);
        match (first, last) {
            (Some(f), _) => {
                end = end.min(start + f);
                if let Some(l) = last {
                    start = start.max(end.saturating_sub(l));
                }
            }
            (None, Some(l)) => start = start.max(end.saturating_sub(l)),
            (None, None) => end = end.min(start + DEFAULT_PAGE),
        }
        Ok(Window { start, end, total })
    }

    /// The opaque cursor of the item at `index` in the whole list.
    pub fn cursor(index: usize) -> String {
        OpaqueCursor(index).encode_cursor()
    }

    /// Relay page info for this window.
    pub fn page_info(&self) -> PageInfo {
        let non_empty = self.end > self.start;
        PageInfo {
            has_previous_page: self.start > 0,
            has_next_page: self.end < self.total,
            start_cursor: non_empty.then(|| Self::cursor(self.start)),
            end_cursor: non_empty.then(|| Self::cursor(self.end - 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(i: usize) -> Option<String> {
        Some(OpaqueCursor(i).encode_cursor())
    }

    #[test]
    fn windows() {
        assert_eq!(
            Window::new(10, Some(3), None, None, None).unwrap(),
            Window {
                start: 0,
                end: 3,
                total: 10
            }
        );
        assert_eq!(
            Window::new(10, Some(3), c(2), None, None).unwrap(),
            Window {
                start: 3,
                end: 6,
                total: 10
            }
        );
        assert_eq!(
            Window::new(10, None, None, Some(3), None).unwrap(),
            Window {
                start: 7,
                end: 10,
                total: 10
            }
        );
        assert_eq!(
            Window::new(10, None, None, Some(2), c(5)).unwrap(),
            Window {
                start: 3,
                end: 5,
                total: 10
            }
        );
        assert!(Window::new(10, Some(101), None, None, None).is_err());
        assert!(Window::new(10, Some(-1), None, None, None).is_err());
        assert!(Window::new(10, None, Some("nope".into()), None, None).is_err());
    }

    #[test]
    fn ids_round_trip() {
        let id = global_id("Department", "pingshan-gsdmb");
        assert_eq!(
            parse_global_id(&id),
            Some(("Department".into(), "pingshan-gsdmb".into()))
        );
        assert_eq!(parse_global_id("%%%"), None);
    }
}
