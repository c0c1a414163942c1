//! The build's settings that `validate` resolves the stack with.

/// The build's settings that decide what a stack means.
#[derive(Debug, Clone, Default)]
pub(crate) struct Context {
    /// The environment name (`-V ENV=...` or the project's environment): the `dynamic` memory
    /// reservation strategy depends on it.
    pub env: Option<String>,
}
