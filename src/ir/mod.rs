//! The Terraform IR: what `lower` produces and `emit` consumes.
//!
//! Expressions are the IR's own [`Expr`] (see `expr.rs`), so templates are typed parts and no
//! stage has to parse text back. The structure around them (bodies, blocks, attributes) is ours
//! too, because hcl-rs's `Body` cannot carry comments and generated code needs
//! `#checkov:skip=ID:reason` lines inside resource blocks.
//!
//! Invariant: nothing in this module formats or escapes text for output; the printers in `emit`
//! own all spelling and layout.

mod expr;

pub use expr::*;
use hcl::Identifier;

/// One generated module: an ordered list of files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    pub files: Vec<File>,
}

/// One generated file. Terraform files carry a [`Body`]; the module README is plain text.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// File name without directory, for example `versions.tf` (the emitter may change the
    /// extension, for example to `versions.tf.json`).
    pub name: String,
    pub content: Content,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Terraform(Body),
    Text(String),
}

/// A Terraform body: attributes, nested blocks and comments in output order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Attribute(Attribute),
    Block(Block),
    /// A whole-line `#` comment; the text excludes the leading `# `.
    Comment(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub key: Identifier,
    pub expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub ident: Identifier,
    pub labels: Vec<String>,
    pub body: Body,
}

impl Body {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an attribute. `key` must be a valid identifier; keys come from gen-tf's own code,
    /// never from user input.
    pub fn attr(mut self, key: &str, expr: impl Into<Expr>) -> Self {
        self.push_attr(key, expr);
        self
    }

    /// Appends an attribute only when `expr` is `Some`.
    pub fn attr_opt(mut self, key: &str, expr: Option<impl Into<Expr>>) -> Self {
        if let Some(expr) = expr {
            self.push_attr(key, expr);
        }
        self
    }

    pub fn block(mut self, block: Block) -> Self {
        self.items.push(Item::Block(block));
        self
    }

    pub fn blocks(mut self, blocks: impl IntoIterator<Item = Block>) -> Self {
        self.items.extend(blocks.into_iter().map(Item::Block));
        self
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.items.push(Item::Comment(text.into()));
        self
    }

    pub fn push_attr(&mut self, key: &str, expr: impl Into<Expr>) {
        self.items.push(Item::Attribute(Attribute {
            key: Identifier::unchecked(key),
            expr: expr.into(),
        }));
    }

    pub fn push_block(&mut self, block: Block) {
        self.items.push(Item::Block(block));
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Block {
    pub fn new(ident: &str, labels: &[&str], body: Body) -> Self {
        Self {
            ident: Identifier::unchecked(ident),
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            body,
        }
    }

    /// `resource "TYPE" "NAME" { ... }`
    pub fn resource(ty: &str, name: &str, body: Body) -> Self {
        Self::new("resource", &[ty, name], body)
    }

    /// `data "TYPE" "NAME" { ... }`
    pub fn data(ty: &str, name: &str, body: Body) -> Self {
        Self::new("data", &[ty, name], body)
    }
}
