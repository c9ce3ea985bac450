//! Every fuzz target run over its corpus and its regressions on stable Rust:
//! the inputs the fuzzer found interesting, and every crash it ever found,
//! as ordinary tests.

use std::path::{Path, PathBuf};

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable corpus folder").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_target_replays_its_corpus_and_regressions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    for (name, target) in x_api_auth_fuzz::TARGETS {
        let corpus = inputs(&root.join("corpus").join(name));
        assert!(
            corpus.len() >= 3,
            "corpus/{name} has {} inputs: seed it (scripts/seed-fuzz-corpora)",
            corpus.len()
        );
        let regressions = inputs(&root.join("regressions").join(name));
        for file in corpus.iter().chain(&regressions) {
            let data = std::fs::read(file).expect("readable input");
            if let Err(panic) = std::panic::catch_unwind(|| target(&data)) {
                std::panic::resume_unwind(Box::new(format!(
                    "{name} fails on {}: {}",
                    file.display(),
                    panic
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| panic.downcast_ref::<&str>().copied())
                        .unwrap_or("(panic)")
                )));
            }
        }
        total += corpus.len() + regressions.len();
    }
    println!(
        "replayed {total} inputs over {} targets",
        x_api_auth_fuzz::TARGETS.len()
    );
}

#[test]
fn every_fuzz_target_binary_is_in_the_table() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz_targets");
    let mut files: Vec<String> = inputs(&dir)
        .iter()
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned()))
        .collect();
    files.sort();
    let mut names: Vec<String> = x_api_auth_fuzz::TARGETS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    names.sort();
    assert_eq!(files, names);
}
