//! RDS: how many connections a database takes, by engine and instance class.

use crate::model::service::{Database, DbEngine};

/// RDS's default max_connections formulas by engine.
pub(crate) const MAX_CONNECTIONS: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections";

/// Connections kept free for admin sessions and migrations, as in the seed guide.
pub(crate) const DEFAULT_BUFFER: u32 = 20;

/// Memory in GiB of the RDS instance classes gen-tf knows, for the default max_connections.
/// Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html
const CLASS_MEMORY_GIB: &[(&str, u32)] = &[
    ("db.t3.micro", 1),
    ("db.t3.small", 2),
    ("db.t3.medium", 4),
    ("db.t3.large", 8),
    ("db.t3.xlarge", 16),
    ("db.t3.2xlarge", 32),
    ("db.t4g.micro", 1),
    ("db.t4g.small", 2),
    ("db.t4g.medium", 4),
    ("db.t4g.large", 8),
    ("db.t4g.xlarge", 16),
    ("db.t4g.2xlarge", 32),
];

/// General purpose (m) classes have 8 GiB per `large`, memory optimized (r) 16; sizes scale
/// linearly. Same source as [`CLASS_MEMORY_GIB`].
const FAMILIES: &[(&str, u32)] = &[
    ("m5", 8),
    ("m6g", 8),
    ("m6i", 8),
    ("m7g", 8),
    ("r5", 16),
    ("r6g", 16),
    ("r6i", 16),
    ("r7g", 16),
];

/// `large` multiples, and the largest size each family offers.
const SIZES: &[(&str, u32)] = &[
    ("large", 1),
    ("xlarge", 2),
    ("2xlarge", 4),
    ("4xlarge", 8),
    ("8xlarge", 16),
    ("12xlarge", 24),
    ("16xlarge", 32),
    ("24xlarge", 48),
    ("32xlarge", 64),
];

fn largest_size(family: &str) -> u32 {
    match family {
        "m5" | "r5" => 48,
        "m6i" | "r6i" => 64,
        _ => 32,
    }
}

/// Memory of an instance class in bytes, if gen-tf knows the class.
pub(crate) fn class_memory_bytes(class: &str) -> Option<u64> {
    const GIB: u64 = 1 << 30;
    if let Some(&(_, gib)) = CLASS_MEMORY_GIB.iter().find(|(c, _)| *c == class) {
        return Some(u64::from(gib) * GIB);
    }
    let rest = class.strip_prefix("db.")?;
    let (family, size) = rest.split_once('.')?;
    let &(_, per_large) = FAMILIES.iter().find(|(f, _)| *f == family)?;
    let &(_, mult) = SIZES.iter().find(|(s, _)| *s == size)?;
    (mult <= largest_size(family)).then(|| u64::from(per_large * mult) * GIB)
}

/// RDS's default max_connections for an engine on a class.
///
/// DBInstanceClassMemory is the class's memory less what RDS keeps for the OS, so these numbers
/// are an upper bound of the real default; the budget check is the more conservative for it.
pub(crate) fn default_max_connections(engine: DbEngine, class: &str) -> Option<u64> {
    let mem = class_memory_bytes(class)?;
    Some(match engine {
        DbEngine::Postgres => (mem / 9_531_392).min(5000),
        DbEngine::Mysql => mem / 12_582_880,
    })
}

/// A database's max_connections, and where the number comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConnectionLimit {
    pub value: u64,
    /// `max_connections`, or `the PostgreSQL default for db.r6g.large`.
    pub source: String,
}

/// The limit the connection budget is held to: `max_connections` as given, else RDS's default
/// for the engine and instance class; `None` when neither is known.
pub(crate) fn connection_limit(db: &Database) -> Option<ConnectionLimit> {
    if let Some(m) = db.max_connections {
        return Some(ConnectionLimit {
            value: u64::from(m),
            source: "max_connections".to_owned(),
        });
    }
    let (engine, class) = (db.engine?, db.instance_class.as_deref()?);
    Some(ConnectionLimit {
        value: default_max_connections(engine, class)?,
        source: format!("the {} default for {class}", engine_name(engine)),
    })
}

fn engine_name(engine: DbEngine) -> &'static str {
    match engine {
        DbEngine::Postgres => "PostgreSQL",
        DbEngine::Mysql => "MySQL",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas() {
        // 1 GiB / 9531392 = 112; 16 GiB / 12582880 = 1365.
        assert_eq!(
            default_max_connections(DbEngine::Postgres, "db.t3.micro"),
            Some(112)
        );
        assert_eq!(
            default_max_connections(DbEngine::Mysql, "db.r6g.large"),
            Some(1365)
        );
        // The PostgreSQL default is capped at 5000.
        assert_eq!(
            default_max_connections(DbEngine::Postgres, "db.r6i.32xlarge"),
            Some(5000)
        );
        assert_eq!(class_memory_bytes("db.m7g.24xlarge"), None);
        assert_eq!(class_memory_bytes("db.x2g.large"), None);
        assert_eq!(class_memory_bytes("db.m5.24xlarge"), Some(384 << 30));
    }
}
