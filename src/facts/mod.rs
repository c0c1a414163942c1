//! AWS facts: the tables and defaults that AWS documents, each with its source, in one place
//! below `resolve`. `resolve` applies them and the rules (`validate`) check against them; no
//! other file repeats a number from here. They import nothing but `model`'s plain types.

pub(crate) mod autoscaling;
pub(crate) mod ebs;
pub(crate) mod ecs;
pub(crate) mod endpoints;
pub mod fargate;
pub(crate) mod rds;
