//! Download size of the release build: raw and `gzip -9` bytes of the wasm and JS in
//! `dist/` (CSS listed apart), measured the way the peer-bench harness measures the other
//! apps (gzip CLI at level 9, KB = 1024 bytes), against the project's size budget.

use crate::exec::{command, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Budget for what the browser must download to start: gzip'd wasm + JS, in KB.
pub const BUDGET_GZ_KB: f64 = 450.0;
/// A minimal Leptos 0.8 + yrs 0.28 app built the same way (TESTING.md): the floor.
const FLOOR_GZ_KB: f64 = 128.0;

/// Sizes of one file of the build.
pub struct FileSize {
    /// Path relative to `dist/`.
    pub name: String,
    pub raw: u64,
    pub gz: u64,
}

impl FileSize {
    fn is_code(&self) -> bool {
        self.name.ends_with(".wasm") || self.name.ends_with(".js")
    }
}

/// Measures every `.wasm`, `.js` and `.css` file under `dist`.
pub fn measure(dist: &Path) -> Result<Vec<FileSize>> {
    let mut files = Vec::new();
    collect(dist, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let raw = fs::metadata(&path).map(|meta| meta.len()).unwrap_or(0);
            Ok(FileSize {
                name: path
                    .strip_prefix(dist)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
                raw,
                gz: gzip_size(&path)?,
            })
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if matches!(
            path.extension().and_then(|ext| ext.to_str()),
            Some("wasm" | "js" | "css")
        ) {
            files.push(path);
        }
    }
}

/// Bytes of `gzip -9 -c FILE`.
fn gzip_size(path: &Path) -> Result<u64> {
    let output = command("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|err| {
            format!("could not run gzip ({err}); install it: apt-get install -y gzip")
        })?;
    if !output.status.success() {
        return Err(format!("gzip -9 failed on {}", path.display()));
    }
    Ok(output.stdout.len() as u64)
}

fn kb(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}

/// `(raw, gz)` totals of the wasm and JS files.
pub fn code_totals(sizes: &[FileSize]) -> (u64, u64) {
    sizes
        .iter()
        .filter(|file| file.is_code())
        .fold((0, 0), |(raw, gz), file| (raw + file.raw, gz + file.gz))
}

/// One line for the terminal: `wasm + JS: 812.3 KB raw, 301.2 KB gzip (0.67 × the 450 KB budget)`.
pub fn summary_line(sizes: &[FileSize]) -> String {
    let (raw, gz) = code_totals(sizes);
    format!(
        "wasm + JS: {:.1} KB raw, {:.1} KB gzip -9 ({:.2} × the {BUDGET_GZ_KB:.0} KB budget)",
        kb(raw),
        kb(gz),
        kb(gz) / BUDGET_GZ_KB
    )
}

/// The Markdown section for docs/performance.md.
pub fn markdown(sizes: &[FileSize]) -> String {
    let mut md = String::from(
        "## Download size\n\n\
         The release build in `dist/` (`trunk build --release`), each file compressed with \
         `gzip -9`; KB = 1024 bytes.\n\n\
         | file | raw KB | gzip KB |\n|---|---:|---:|\n",
    );
    for file in sizes.iter().filter(|file| file.is_code()) {
        md.push_str(&format!(
            "| `{}` | {:.1} | {:.1} |\n",
            file.name,
            kb(file.raw),
            kb(file.gz)
        ));
    }
    let (raw, gz) = code_totals(sizes);
    md.push_str(&format!(
        "| **wasm + JS** | **{:.1}** | **{:.1}** |\n",
        kb(raw),
        kb(gz)
    ));
    for file in sizes.iter().filter(|file| !file.is_code()) {
        md.push_str(&format!(
            "| `{}` | {:.1} | {:.1} |\n",
            file.name,
            kb(file.raw),
            kb(file.gz)
        ));
    }
    let gz_kb = kb(gz);
    let ratio = gz_kb / BUDGET_GZ_KB;
    let verdict = if gz_kb <= BUDGET_GZ_KB {
        format!("within it, {:.1} KB to spare", BUDGET_GZ_KB - gz_kb)
    } else {
        format!("over it by {:.1} KB", gz_kb - BUDGET_GZ_KB)
    };
    md.push_str(&format!(
        "\nTarget: gzip'd wasm + JS ≤ {BUDGET_GZ_KB:.0} KB. Measured {gz_kb:.1} KB = \
         **{ratio:.2} ×** the target ({verdict}). For scale: a minimal Leptos 0.8 + yrs 0.28 \
         app built the same way is {FLOOR_GZ_KB:.0} KB gzipped, the floor.\n"
    ));
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_line_says_how_far_off_the_build_is() {
        let sizes = [
            FileSize {
                name: "app_bg.wasm".into(),
                raw: 800 * 1024,
                gz: 400 * 1024,
            },
            FileSize {
                name: "app.js".into(),
                raw: 40 * 1024,
                gz: 95 * 1024,
            },
            FileSize {
                name: "style.css".into(),
                raw: 10 * 1024,
                gz: 3 * 1024,
            },
        ];
        assert_eq!(code_totals(&sizes), (840 * 1024, 495 * 1024));
        let md = markdown(&sizes);
        assert!(
            md.contains("| **wasm + JS** | **840.0** | **495.0** |"),
            "{md}"
        );
        assert!(
            md.contains("**1.10 ×** the target (over it by 45.0 KB)"),
            "{md}"
        );
        assert!(md.contains("| `style.css` | 10.0 | 3.0 |"), "{md}");
    }
}
