//! The connection budget: every task's pool at full size, plus headroom, must fit in the
//! database's max_connections, or the last tasks to scale out fail to connect.

use crate::diag::{join, Diagnostic, Rule, Severity};
use crate::facts::rds;
use crate::resolve::service::{Database, Service};
use crate::resolve::Resolved;

pub(super) static CONNECTION_BUDGET: Rule = Rule {
    code: "connection-budget",
    severity: Severity::Error,
    summary: "max tasks x pool.max + buffer is more than the database's max_connections.",
    fact: "Each task opens up to pool.max connections; at full scale the service needs max_capacity x pool.max plus a buffer for admin and migrations. RDS's default max_connections is LEAST(DBInstanceClassMemory/9531392, 5000) for PostgreSQL and DBInstanceClassMemory/12582880 for MySQL.",
    source: rds::MAX_CONNECTIONS,
};

pub(super) static CONNECTION_LIMIT_UNKNOWN: Rule = Rule {
    code: "connection-limit-unknown",
    severity: Severity::Warning,
    summary: "A database pool whose connection budget cannot be checked.",
    fact: "Without max_connections, or an engine and an instance class gen-tf knows the memory of, the budget max_capacity x pool.max + buffer cannot be compared with anything.",
    source: rds::MAX_CONNECTIONS,
};

pub(super) static DB_POOL: Rule = Rule {
    code: "db-pool",
    severity: Severity::Error,
    summary: "A connection pool whose min is above its max, or whose max is 0.",
    fact: "gen-tf passes the pool to the application as DB_POOL_MIN and DB_POOL_MAX (the seed guide's minconn/maxconn); a pool cannot keep more connections open than it may open, and a pool of 0 connections cannot serve a query.",
    source: "https://www.psycopg.org/docs/pool.html (seed guide: Connection Pooling)",
};

/// This family's rules, in catalogue order.
pub(super) static RULES: &[&Rule] = &[&CONNECTION_BUDGET, &CONNECTION_LIMIT_UNKNOWN, &DB_POOL];

pub(super) fn check(stack: &Resolved, out: &mut Vec<Diagnostic>) {
    for svc in &stack.services {
        if let Some(db) = &svc.database {
            check_database(&join(&svc.path, "database"), svc, db, out);
        }
    }
}

fn check_database(path: &str, svc: &Service, db: &Database, out: &mut Vec<Diagnostic>) {
    let (Some(min), Some(max)) = (db.pool_min, db.connections_per_task) else {
        return;
    };
    let pool_path = join(path, "pool");
    if max == 0 {
        out.push(
            Diagnostic::new(&DB_POOL, join(&pool_path, "max"), "pool.max is 0").help(
                "let each task open at least one connection, for example pool: { min: 2, max: 10 }",
            ),
        );
        return;
    }
    if min > max {
        out.push(
            Diagnostic::new(
                &DB_POOL,
                join(&pool_path, "min"),
                format!("pool.min {min} is above pool.max {max}"),
            )
            .help(format!("set pool.min to at most {max}")),
        );
    }

    let (limit, source) = match (&db.limit, &db.engine_class) {
        (Some(limit), _) => (limit.value, limit.source.as_str()),
        // An engine and a class whose memory gen-tf does not know.
        (None, Some(class)) => {
            out.push(
                Diagnostic::new(&CONNECTION_LIMIT_UNKNOWN,
                    join(path, "instance_class"),
                    format!("gen-tf does not know the memory of {class}, so it cannot check the connection budget"),
                )
                .help("set database.max_connections to the database's actual limit"),
            );
            return;
        }
        (None, None) => {
            out.push(
                Diagnostic::new(
                    &CONNECTION_LIMIT_UNKNOWN,
                    path.to_owned(),
                    "the connection budget cannot be checked without the database's limit",
                )
                .help(
                    "set database.max_connections, or database.engine and database.instance_class",
                ),
            );
            return;
        }
    };

    let tasks = u64::from(db.max_tasks);
    let buffer = u64::from(db.buffer);
    let need = tasks * u64::from(max) + buffer;
    if need > limit {
        let fit = limit.saturating_sub(buffer) / tasks.max(1);
        let tasks_word = if svc.scaling.is_some() {
            "max_capacity"
        } else {
            "desired_count"
        };
        let help = if fit >= 1 {
            format!(
                "set pool.max to at most {fit}, lower {tasks_word}, or use a database with at least {need} connections"
            )
        } else {
            format!("lower {tasks_word} or use a database with at least {need} connections")
        };
        out.push(
            Diagnostic::new(&CONNECTION_BUDGET,
                join(&pool_path, "max"),
                format!(
                    "{tasks} tasks x {max} connections + {buffer} buffer = {need}, more than the {limit} of {source}"
                ),
            )
            .help(help),
        );
    }
}
