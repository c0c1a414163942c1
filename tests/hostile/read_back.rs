//! Reading generated HCL back the way Terraform would: every decoded string, and a check that
//! no template holds anything but gen-tf's own references.

use std::fs;
use std::path::{Path, PathBuf};

use hcl::expr::{Expression, ObjectKey, TemplateExpr};
use hcl::template::Element;
use hcl::Structure;

/// Text that Terraform would evaluate, or that would break a quoted string, if printed as is.
pub const HOSTILE: &[&str] = &[
    "${var.secret}",
    "%{ if true }yes%{ else }no%{ endif }",
    "%{for x in var.list}${x}%{endfor}",
    "$${already escaped} %%{ also }",
    "$$${x} %%%{y}",
    "${",
    "%{",
    "$",
    "%",
    "}${\"${\"}",
    "\\${x} \\%{y}",
    "\"quoted\" 'single' `tick`",
    "back\\slash\\\\ and \\n not a newline",
    "line one\nline two\r\nwindows\ttab",
    "\u{1} \u{7f} \u{1b}[31mred",
    "emoji 😀 👍🏽 👨‍👩‍👧 flags 🇪🇺",
    "rtl שלום عربي \u{202e}override\u{202c} e\u{301}",
    "<<EOT\nheredoc?\nEOT",
    "${jsonencode({a = 1})} ${file(\"/etc/passwd\")}",
    "",
];

pub fn hostile(i: usize) -> String {
    HOSTILE[i % HOSTILE.len()].to_owned()
}

/// Every string value in an expression, decoded as Terraform reads it.
pub fn collect_strings(e: &Expression, out: &mut Vec<String>) {
    match e {
        Expression::String(s) => out.push(s.clone()),
        Expression::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Expression::Object(obj) => {
            for (k, v) in obj {
                if let ObjectKey::Expression(k) = k {
                    collect_strings(k, out);
                }
                collect_strings(v, out);
            }
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|a| collect_strings(a, out)),
        Expression::Parenthesis(inner) => collect_strings(inner, out),
        _ => {}
    }
}

/// Panics unless every template in `e` is literal text apart from gen-tf's own references
/// (`var.`, `local.`, `data.`, `aws_*`): no directive, no interpolation of anything else.
pub fn assert_templates_are_gen_tf_own(e: &Expression, text: &str) {
    match e {
        Expression::TemplateExpr(t) => {
            let TemplateExpr::QuotedString(raw) = &**t else {
                panic!("unexpected heredoc in:\n{text}");
            };
            let template: hcl::Template = raw
                .parse()
                .unwrap_or_else(|err| panic!("template {raw:?} does not parse: {err}"));
            for el in template.elements() {
                match el {
                    Element::Literal(_) => {}
                    Element::Interpolation(i) => {
                        let root = match &i.expr {
                            Expression::Traversal(t) => match &t.expr {
                                Expression::Variable(v) => v.to_string(),
                                other => panic!("interpolation of {other:?} in {raw:?}"),
                            },
                            other => panic!("interpolation of {other:?} in {raw:?}"),
                        };
                        assert!(
                            matches!(root.as_str(), "var" | "local" | "data")
                                || root.starts_with("aws_"),
                            "interpolation of `{root}` in {raw:?}"
                        );
                    }
                    Element::Directive(d) => panic!("template directive {d:?} in {raw:?}"),
                }
            }
        }
        Expression::Array(items) => items
            .iter()
            .for_each(|i| assert_templates_are_gen_tf_own(i, text)),
        Expression::Object(obj) => {
            for (k, v) in obj {
                if let ObjectKey::Expression(k) = k {
                    assert_templates_are_gen_tf_own(k, text);
                }
                assert_templates_are_gen_tf_own(v, text);
            }
        }
        Expression::FuncCall(f) => f
            .args
            .iter()
            .for_each(|a| assert_templates_are_gen_tf_own(a, text)),
        Expression::Parenthesis(inner) => assert_templates_are_gen_tf_own(inner, text),
        _ => {}
    }
}

pub fn walk_body(body: &hcl::Body, f: &mut impl FnMut(&Expression)) {
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => f(&a.expr),
            Structure::Block(b) => walk_body(&b.body, f),
        }
    }
}

/// Parses generated HCL, checks its templates, and returns every decoded string in it.
pub fn read_back(text: &str) -> Vec<String> {
    let body: hcl::Body = hcl::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let mut strings = Vec::new();
    walk_body(&body, &mut |e| {
        assert_templates_are_gen_tf_own(e, text);
        collect_strings(e, &mut strings);
    });
    strings
}

pub fn tf_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "tf"))
        .map(|e| (e.path().to_owned(), fs::read_to_string(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}
