//! PDF text through poppler's `pdftotext`.
//!
//! Why `pdftotext -bbox-layout`: these disclosures are typeset with embedded CJK fonts whose
//! ToUnicode maps are complete, so poppler returns every glyph as the character printed
//! (checked by rendering pages with `pdftoppm` and reading them beside the extracted words:
//! `21,940.96`, `2040405 公诉、审判、侦查、执行等检察监督支出 1895.00`, `208 05 05`). What a
//! table reader needs beyond the characters is where each word sits: `-bbox-layout` gives every
//! word with its box in PDF points, so columns are found from x-coordinates (not from counting
//! spaces, which `-layout` pads differently on every page) and wrapped cells from y-coordinates
//! (a two-line label is centred on its row). `-layout` is read as well, only to give each cell
//! the line number a reader sees in `pdftotext -layout` output.

use std::path::Path;
use std::process::Command;

/// A word as printed, with its box (points, origin top-left).
#[derive(Debug, Clone)]
pub struct Word {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

impl Word {
    pub fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
    pub fn cy(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }
}

/// One page: its size, its words, and its lines as `pdftotext -layout` prints them.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub width: f64,
    pub height: f64,
    pub words: Vec<Word>,
    pub layout: Vec<String>,
}

/// A PDF's text.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file name (no directory), as sources cite it.
    pub name: String,
    pub pages: Vec<Page>,
}

/// Reads a PDF's words and layout lines, or says why it cannot.
pub fn read(path: &Path) -> Result<Document, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    if !bytes.starts_with(b"%PDF-") {
        return Err(format!(
            "{}: not a PDF (expected a file starting with %PDF-)",
            path.display()
        ));
    }
    let bbox = pdftotext(path, "-bbox-layout")?;
    let layout = pdftotext(path, "-layout")?;
    let mut pages = parse_bbox(&bbox);
    for (page, text) in pages.iter_mut().zip(layout.split('\u{c}')) {
        page.layout = text.lines().map(str::to_owned).collect();
    }
    if pages.is_empty() {
        return Err(format!("{}: the PDF has no pages", path.display()));
    }
    if pages.iter().all(|p| p.words.is_empty()) {
        return Err(format!(
            "{}: no text layer (a scanned image?): the importer needs the PDF's text, \
             it does not do OCR",
            path.display()
        ));
    }
    Ok(Document { name, pages })
}

fn pdftotext(path: &Path, mode: &str) -> Result<String, String> {
    let output = Command::new("pdftotext")
        .args([mode, "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .map_err(|e| {
            format!(
                "cannot run pdftotext (install poppler-utils: apt-get install poppler-utils): {e}"
            )
        })?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let why = if stderr.contains("ncrypt") || stderr.contains("password") {
            "encrypted (password-protected)".to_owned()
        } else {
            format!("unreadable (truncated or damaged?): {}", stderr.trim())
        };
        return Err(format!("{}: {why}", path.display()));
    }
    if stderr.contains("ncrypt") {
        return Err(format!(
            "{}: encrypted (password-protected)",
            path.display()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    tag.find(&key)
        .and_then(|i| {
            let rest = &tag[i + key.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .unwrap_or(0.0)
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The pages and words of `pdftotext -bbox-layout` XHTML (a fixed, simple shape: one
/// `<page>` per page, one `<word>` per word).
fn parse_bbox(html: &str) -> Vec<Page> {
    let mut pages = Vec::new();
    for chunk in html.split("<page ").skip(1) {
        let head = &chunk[..chunk.find('>').unwrap_or(0)];
        let mut page = Page {
            width: attr(head, "width"),
            height: attr(head, "height"),
            ..Page::default()
        };
        let mut rest = chunk;
        while let Some(i) = rest.find("<word ") {
            rest = &rest[i..];
            let Some(close) = rest.find('>') else { break };
            let tag = &rest[..close];
            let Some(end) = rest.find("</word>") else {
                break;
            };
            let text = unescape(&rest[close + 1..end]);
            rest = &rest[end..];
            if text.trim().is_empty() {
                continue;
            }
            page.words.push(Word {
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
                text,
            });
        }
        pages.push(page);
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_words_and_pages() {
        let html = r#"<page width="595.3" height="841.9"><flow><word xMin="90.0" yMin="253.9" xMax="122.0" yMax="269.9">公开</word><word xMin="1" yMin="2" xMax="3" yMax="4">a&amp;b</word></flow></page><page width="1" height="2"></page>"#;
        let pages = parse_bbox(html);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].words.len(), 2);
        assert_eq!(pages[0].words[0].text, "公开");
        assert_eq!(pages[0].words[1].text, "a&b");
        assert!((pages[0].words[0].x1 - 122.0).abs() < 1e-9);
        assert!(pages[1].words.is_empty());
    }
}
