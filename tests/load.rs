//! The load stage over real files in `tests/fixtures/load/`.
//!
//! `fixtures` snapshots every top-level fixture: the value for ordinary cases, the error
//! message for `err_*` cases. The other tests pin behaviour a snapshot would not make
//! obvious: format parity, import tracking, limits.

use std::fs;
use std::path::{Path, PathBuf};

use gen_tf::{line_of, load, LoadError, LoadOptions, Loaded};
use serde_json::{json, Value};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/load")
        .canonicalize()
        .expect("fixture dir exists")
}

fn fixture(name: &str) -> PathBuf {
    fixture_dir().join(name)
}

/// The options every snapshot case runs with, as a CI invocation would pass them.
fn standard_opts() -> LoadOptions {
    LoadOptions {
        ext_str: vec![("ENV".into(), "prd".into())],
        ext_code: vec![
            ("REPLICAS".into(), "3".into()),
            ("EXTRA_TAGS".into(), "{ owner: 'ops' }".into()),
        ],
        jpath: vec![fixture("jpath")],
        ..LoadOptions::default()
    }
}

/// Error text with the machine-specific fixture directory replaced, for snapshots.
fn stable(err: &LoadError) -> String {
    err.to_string()
        .replace(&fixture_dir().display().to_string(), "<fixtures>")
}

fn load_ok(name: &str, opts: &LoadOptions) -> Loaded {
    load(&fixture(name), opts).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn load_err(name: &str, opts: &LoadOptions) -> LoadError {
    match load(&fixture(name), opts) {
        Ok(loaded) => panic!("{name}: expected an error, got {}", loaded.value),
        Err(e) => e,
    }
}

macro_rules! snapshot_settings {
    ($body:block) => {
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
        }, $body)
    };
}

#[test]
fn fixtures() {
    snapshot_settings!({
        insta::glob!("fixtures/load", "*.*", |path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            match load(path, &standard_opts()) {
                Ok(loaded) if !name.starts_with("err_") => {
                    insta::assert_json_snapshot!("load", loaded.value);
                }
                Ok(loaded) => panic!("{name}: expected an error, got {}", loaded.value),
                Err(e) if name.starts_with("err_") => insta::assert_snapshot!("load", stable(&e)),
                Err(e) => panic!("{name}: {e}"),
            }
        });
    });
}

#[test]
fn every_format_gives_the_same_value() {
    let opts = LoadOptions::default();
    let mut jsonnet = load_ok("stack.jsonnet", &opts).value;
    // TOML has no null, so its file leaves `secrets` out.
    jsonnet["services"]["service-a"]
        .as_object_mut()
        .unwrap()
        .remove("secrets");
    for name in ["stack.json", "stack.yaml", "stack.toml"] {
        let mut value = load_ok(name, &opts).value;
        if let Some(service) = value["services"]["service-a"].as_object_mut() {
            service.remove("secrets");
        }
        assert_eq!(value, jsonnet, "{name} differs from stack.jsonnet");
    }
}

#[test]
fn whole_numbers_are_integers_and_fractions_floats() {
    for name in ["stack.jsonnet", "stack.json", "stack.yaml", "stack.toml"] {
        let value = load_ok(name, &LoadOptions::default()).value;
        let service = &value["services"]["service-a"];
        assert!(service["cpu"].is_u64(), "{name}: cpu");
        let policies = &service["auto_scaling"]["policies"];
        // Written `70.0`: still an integer, as Jsonnet has one number type.
        assert!(policies[0]["target_value"].is_u64(), "{name}: target_value");
        assert_eq!(policies[1]["alarm"]["threshold"], json!(80.5), "{name}");
    }
}

#[test]
fn ext_str_and_ext_code() {
    let value = load_ok("ext_vars.jsonnet", &standard_opts()).value;
    assert_eq!(
        value,
        json!({ "env": "prd", "replicas": 6, "tags": { "owner": "ops", "team": "payments" } })
    );
}

#[test]
fn ext_code_errors_point_at_the_flag() {
    let mut opts = standard_opts();
    opts.ext_code[0].1 = "3 +".into();
    let err = load_err("ext_vars.jsonnet", &opts);
    snapshot_settings!({
        insta::assert_snapshot!("load_ext_code_syntax", stable(&err));
    });
}

#[test]
fn jpath_is_searched_after_the_stack_dir() {
    let value = load_ok("jpath_import.jsonnet", &standard_opts()).value;
    assert_eq!(value["tags"]["team"], "platform");
    let err = load_err("jpath_import.jsonnet", &LoadOptions::default());
    assert!(
        err.to_string()
            .contains("cannot find import 'shared.libsonnet'"),
        "{err}"
    );
}

#[test]
fn embedded_library_helpers() {
    let loaded = load_ok("helpers.jsonnet", &LoadOptions::default());
    let v = &loaded.value;
    assert_eq!(
        v["memory"],
        json!({
            "conservative": 512, "aggressive": 819, "dynamic_prd": 716, "dynamic_dev": 512,
            "dynamic_default_env": 512, "short_conservative": 1024, "short_aggressive": 1638,
            "short_dynamic": 1433,
        })
    );
    assert_eq!(
        v["runtime_platform"],
        json!({ "cpu_architecture": "ARM64", "operating_system_family": "LINUX" })
    );
    assert_eq!(
        v["spot_default"],
        json!([
            { "capacity_provider": "FARGATE_SPOT", "weight": 70, "base": 0 },
            { "capacity_provider": "FARGATE", "weight": 30, "base": 2 },
        ])
    );
    assert_eq!(
        v["spot_custom"][1],
        json!({ "capacity_provider": "FARGATE", "weight": 20, "base": 1 })
    );
    assert_eq!(
        v["replicas"],
        json!([
            { "name": "DB_READ_HOST", "value": "reader.cluster.region.rds.amazonaws.com" },
            { "name": "DB_WRITE_HOST", "value": "writer.cluster.region.rds.amazonaws.com" },
        ])
    );
    assert_eq!(
        v["sampling_prd"],
        json!([{ "name": "XRAY_SAMPLING_RATE", "value": "0.1" }, { "name": "LOG_LEVEL", "value": "INFO" }])
    );
    assert_eq!(
        v["sampling_stg"][1],
        json!({ "name": "LOG_LEVEL", "value": "DEBUG" })
    );
    assert_eq!(v["endpoints"], "fargate-private");
    assert_eq!(v["library_manifests_empty"], json!({}));
    // The embedded library is versioned with the binary, not a file to track.
    assert_eq!(loaded.files, vec![fixture("helpers.jsonnet")]);
}

#[test]
fn embedded_library_wins_over_a_file_of_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("gen-tf.libsonnet"),
        "{ fargatePrivate:: 'shadowed' }",
    )
    .unwrap();
    let stack = dir.path().join("stack.jsonnet");
    fs::write(&stack, "(import 'gen-tf.libsonnet').fargatePrivate").unwrap();
    let loaded = load(&stack, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.value, json!("fargate-private"));
}

#[test]
fn seed_guide_dynamic_memory_reservation() {
    for (env, expected) in [("prd", 716), ("dev", 512)] {
        let opts = LoadOptions {
            ext_str: vec![("ENV".into(), env.into())],
            ..LoadOptions::default()
        };
        let value = load_ok("seed_memory.jsonnet", &opts).value;
        assert_eq!(
            value,
            json!({ "seed": expected, "library": expected }),
            "ENV={env}"
        );
    }
}

#[test]
fn imports_are_tracked_transitively() {
    let loaded = load_ok("transitive_a.jsonnet", &LoadOptions::default());
    let dir = fixture_dir();
    assert_eq!(
        loaded.files,
        vec![
            dir.join("transitive_a.jsonnet"),
            dir.join("lib/b.libsonnet"),
            dir.join("lib/c.libsonnet"),
            dir.join("lib/note.txt"),
        ]
    );
    assert_eq!(
        loaded.value,
        json!({ "fromB": { "c": { "value": "from c" }, "note": "hello\n", "bytes": 6, "again": "from c" } })
    );
    assert_eq!(
        loaded.source,
        fs::read_to_string(dir.join("transitive_a.jsonnet")).unwrap()
    );
}

#[test]
fn data_formats_list_only_themselves() {
    for name in ["stack.json", "stack.yaml", "stack.toml"] {
        assert_eq!(
            load_ok(name, &LoadOptions::default()).files,
            vec![fixture(name)]
        );
    }
}

#[test]
fn error_variants() {
    let opts = LoadOptions::default();
    assert!(matches!(
        load_err("err_syntax.jsonnet", &opts),
        LoadError::Jsonnet { at: Some(_), .. }
    ));
    assert!(matches!(
        load_err("err_missing_ext.jsonnet", &opts),
        LoadError::MissingExtVar { ref name, .. } if name == "CLUSTER"
    ));
    assert!(matches!(
        load_err("err_recursion.jsonnet", &opts),
        LoadError::Recursion { .. }
    ));
    assert!(matches!(
        load_err("err_unsupported.hcl", &opts),
        LoadError::UnsupportedExtension { .. }
    ));
    assert!(matches!(
        load_err("err_multi.yaml", &opts),
        LoadError::MultiDocumentYaml { documents: 2, .. }
    ));
    assert!(matches!(
        load_err("err_not_utf8.json", &opts),
        LoadError::NotUtf8 { line: 2, .. }
    ));
    assert!(matches!(
        load_err("err_function.jsonnet", &opts),
        LoadError::NotData { .. }
    ));
    let err = load_err("err_syntax.jsonnet", &opts);
    assert_eq!(err.path(), fixture("err_syntax.jsonnet"));
}

#[test]
fn missing_file() {
    let err = load_err("does_not_exist.jsonnet", &LoadOptions::default());
    assert!(matches!(err, LoadError::Read { .. }));
    snapshot_settings!({
        insta::assert_snapshot!("load_missing_file", stable(&err));
    });
}

#[test]
fn relative_paths_are_shown_as_given() {
    // Messages name the stack the way the user typed it, and imports beside it relative to
    // that, not as canonical absolute paths.
    let path = Path::new("tests/fixtures/load/err_in_import.jsonnet");
    let err = load(path, &LoadOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("tests/fixtures/load/lib/bad.libsonnet:2:"),
        "{text}"
    );
}

#[test]
fn oversized_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    let file = fs::File::create(&big).unwrap();
    file.set_len(16 * 1024 * 1024 + 1).unwrap();
    assert!(matches!(
        load(&big, &LoadOptions::default()),
        Err(LoadError::TooLarge { .. })
    ));

    // Through an import, too.
    let stack = dir.path().join("stack.jsonnet");
    fs::write(&stack, "{ data: importstr 'big.json' }").unwrap();
    let err = load(&stack, &LoadOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("larger than the 16 MiB limit"),
        "{err}"
    );
}

#[test]
fn directories_are_not_stacks() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("x.jsonnet");
    fs::create_dir(&sub).unwrap();
    let err = load(&sub, &LoadOptions::default()).unwrap_err();
    assert!(
        matches!(err, LoadError::NotAFile { .. } | LoadError::Read { .. }),
        "{err}"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("deep.jsonnet");
    // Built without recursion, so only the manifest depth limit can stop it.
    fs::write(
        &stack,
        "std.foldl(function(acc, _) [acc], std.range(1, 5000), [])",
    )
    .unwrap();
    let err = load(&stack, &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, LoadError::NotData { .. }), "{err}");
}

#[test]
fn line_of_points_at_keys_in_every_format() {
    let path = "services.service-a.auto_scaling.policies[1].cooldown";
    for (name, line) in [
        ("stack.jsonnet", 32),
        ("stack.json", 31),
        ("stack.yaml", 36),
        ("stack.toml", 36),
    ] {
        let loaded = load_ok(name, &LoadOptions::default());
        assert_eq!(line_of(&loaded.source, path), Some(line), "{name}");
    }
}

#[test]
fn values_are_plain_json() {
    // Guard for the snapshot cases: nothing the loader returns needs more than JSON.
    let value = load_ok("merge.yaml", &LoadOptions::default()).value;
    assert_eq!(
        value["services"]["api"],
        json!({ "cpu": 512, "memory": 2048 })
    );
    let _: Value = value;
}

/// Inputs written to hurt: each must come back as an error, without a panic or a crash.
#[test]
fn hostile_inputs_are_errors() {
    let deep = |open: &str, close: &str, n: usize| format!("{}{}", open.repeat(n), close.repeat(n));
    let cases: Vec<(&str, String)> = vec![
        ("self.jsonnet", "{ a: self.a }".into()),
        ("local.jsonnet", "local x = x; x".into()),
        ("cycle.jsonnet", "import 'cycle.jsonnet'".into()),
        ("assert.jsonnet", "{ assert false : 'no', a: 1 }".into()),
        ("deep_src.jsonnet", deep("[", "]", 1_000_000)),
        ("deep_obj.jsonnet", deep("{a:", "}", 200_000)),
        ("deep.json", deep("[", "]", 1_000_000)),
        ("deep.yaml", deep("[", "]", 1_000_000)),
        ("deep.toml", format!("a = {}", deep("[", "]", 1_000_000))),
        ("huge_num.json", format!("{{\"a\": 1{}}}", "0".repeat(400))),
        ("bad_key.yaml", "? [a, b]\n: 1\n".into()),
        ("alias_bomb.yaml", {
            let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
            for i in 1..12 {
                let p = i - 1;
                s.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
            }
            s
        }),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in cases {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        let t = std::time::Instant::now();
        let r = load(&path, &LoadOptions::default());
        eprintln!(
            "hostile: {name} {:?} {:?}",
            t.elapsed(),
            r.as_ref()
                .map(|_| ())
                .map_err(|e| e.to_string().chars().take(150).collect::<String>())
        );
        match r {
            Ok(loaded) => assert!(
                name == "huge_num.json",
                "{name}: expected an error, got {}",
                loaded
                    .value
                    .to_string()
                    .chars()
                    .take(80)
                    .collect::<String>()
            ),
            Err(e) => assert!(!matches!(e, LoadError::Internal { .. }), "{name}: {e}"),
        }
    }
}
