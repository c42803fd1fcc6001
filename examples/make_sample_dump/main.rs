//! Generates `sample_dumps/`: a deterministic, fictional leaked-mailbox dump with planted
//! forgeries, the list of those forgeries (expected.json), the public DKIM keys of its signers
//! (dkim-keys.txt) and a README describing them.
//!
//! Run with `cargo run --example make_sample_dump [-- OUTPUT_DIR]`.

mod cast;
mod clock;
mod documents;
mod forged_documents;
mod forgeries;
mod impostors;
mod layout;
mod letter;
mod mime;
mod oddities;
mod office;
mod originator;
mod plot;
mod prose;
mod readme;
mod render;
mod rng;
mod signers;
mod story;
mod trace;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The whole story hangs off this one seed.
const STORY_SEED: u64 = 0x5EED_C0BE_1201_7000;

fn main() -> ExitCode {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_dumps"));
    match generate(&out) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("make_sample_dump: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn generate(out: &Path) -> std::io::Result<String> {
    let mut story = story::Story::new(STORY_SEED);
    let anchors = plot::write(&mut story);
    let mut layout = layout::lay_out(&story);
    layout::loose_files(&story, &mut layout.files);

    let root = out.join("corvel-leak");
    // Only our own subtree is removed, so a wrong argument cannot wipe anything else.
    if root.exists() {
        fs::remove_dir_all(&root)?;
    }
    let mut size = 0;
    for (rel, bytes) in &layout.files {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&path, bytes)?;
        size += bytes.len();
    }
    // A struct, not json!(): serde_json's map would sort the keys alphabetically.
    #[derive(serde::Serialize)]
    struct Expected<'a> {
        planted: &'a [layout::Planted],
    }
    let expected = Expected {
        planted: &layout.planted,
    };
    let mut json = serde_json::to_string_pretty(&expected).map_err(std::io::Error::other)?;
    json.push('\n');
    fs::write(out.join("expected.json"), json)?;
    fs::write(out.join("dkim-keys.txt"), signers::records())?;
    fs::write(
        out.join("README.md"),
        readme::readme(&story, &layout, &anchors, size),
    )?;
    Ok(format!(
        "wrote {} files ({size} bytes) under {}; {} planted cases",
        layout.files.len(),
        root.display(),
        layout.planted.len()
    ))
}
