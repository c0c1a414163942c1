//! Reading the lowered module that import blocks and rule matching look at: its resources, and
//! their literal arguments and references.

use crate::ir::{Block, Content, Expr, Item, Module, Step};

pub(super) fn resources(module: &Module) -> impl Iterator<Item = &Block> {
    module
        .files
        .iter()
        .flat_map(|f| match &f.content {
            Content::Terraform(body) => body.items.iter(),
            Content::Text(_) => [].iter(),
        })
        .filter_map(|i| match i {
            Item::Block(b) if b.ident.as_str() == "resource" && b.labels.len() == 2 => Some(b),
            _ => None,
        })
}

pub(super) fn attr<'a>(b: &'a Block, key: &str) -> Option<&'a Expr> {
    b.body.items.iter().find_map(|i| match i {
        Item::Attribute(a) if a.key.as_str() == key => Some(&a.expr),
        _ => None,
    })
}

pub(super) fn literal<'a>(b: &'a Block, key: &str) -> Option<&'a str> {
    match attr(b, key)? {
        Expr::Str(s) => Some(s),
        _ => None,
    }
}

/// The label of the resource a `<type>.<label>.<attr>` reference names.
pub(super) fn referenced(b: &Block, key: &str) -> Option<String> {
    match attr(b, key)? {
        Expr::Traversal(root, steps) => match (root.as_ref(), steps.first()) {
            (Expr::Ident(_), Some(Step::Attr(label))) => Some(label.clone()),
            _ => None,
        },
        _ => None,
    }
}
