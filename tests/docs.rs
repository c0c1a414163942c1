//! Documentation that is derived from the code stays true: README.md's rules table is the rule
//! catalogue. `GEN_TF_UPDATE_DOCS=1 cargo test --test docs` rewrites it.

use std::path::Path;

use gen_tf::rules;

const BEGIN: &str = "<!-- rules:begin";
const END: &str = "<!-- rules:end -->";

#[test]
fn readme_rules_table_is_the_catalogue() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(&path).expect("README.md is readable");
    let start = text
        .find(BEGIN)
        .expect("README.md has the rules:begin marker");
    let body = start + text[start..].find('\n').expect("marker line ends") + 1;
    let end = text.find(END).expect("README.md has the rules:end marker");
    let want = rules::markdown_table();
    if text[body..end] == want {
        return;
    }
    if std::env::var_os("GEN_TF_UPDATE_DOCS").is_some() {
        let updated = format!("{}{want}{}", &text[..body], &text[end..]);
        std::fs::write(&path, updated).expect("README.md is writable");
        return;
    }
    let diff = similar::TextDiff::from_lines(&text[body..end], want.as_str())
        .unified_diff()
        .header("README.md", "catalogue")
        .to_string();
    panic!(
        "README.md's rules table differs from the catalogue; run \
         `GEN_TF_UPDATE_DOCS=1 cargo test --test docs`:\n{diff}"
    );
}
