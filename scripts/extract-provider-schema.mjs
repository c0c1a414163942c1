#!/usr/bin/env node
// Extracts the part of the AWS provider schema that gen-tf emits into
// schemas/aws-provider-subset.json, which `src/provider_schema.rs` embeds.
//
// Run from the repository root (Node 20, nothing to install by hand):
//
//   node scripts/extract-provider-schema.mjs
//       installs @cdktf/provider-aws@21.22.1 (AWS provider 6.25.0) into a temporary directory
//       with `npm install` and reads its jsii assembly; takes about half a minute.
//   node scripts/extract-provider-schema.mjs --package-dir DIR
//       reads DIR/node_modules/@cdktf/provider-aws/.jsii from an earlier install instead.
//   node scripts/extract-provider-schema.mjs --from-tfcheck-schema PATH
//       fallback without npm: derives the subset from tfcheck's aws-provider-6.25.0.schema.json
//       (no type hints for exported attributes).
//   --out PATH writes somewhere other than schemas/aws-provider-subset.json.
//
// When gen-tf starts to emit a new resource or data source type, add it to RESOURCES or
// DATA_SOURCES below and run the script again; the Rust self-check reports every type that is
// missing from the subset.
//
// Output format (sorted keys, 2-space indent, trailing newline, so reruns give the same bytes):
//   { "source", "provider_version",
//     "resources"|"data": { TYPE: {
//        "arguments":  { NAME: { "required": bool, "type": HINT } },      settable arguments
//        "blocks":     { NAME: { "min_items": N, "max_items": 1 (only for single blocks),
//                                "schema": { "arguments", "blocks" } } },
//        "attributes": { NAME: { "computed": true, "type": HINT } } } } } exported, read-only
// A HINT is "string", "number", "boolean", "any", "object", "array(T)" or "map(T)".
// "computed" appears only on exported attributes: the jsii assembly does not say which optional
// arguments the provider also computes.
//
// How the assembly is read (checked against tfcheck's schema, see tests/provider_schema.rs):
// - A resource or data source is the class whose summary is "Represents a {@link .../docs/
//   resources|data-sources/... aws_TYPE}"; its initializer's `config` struct holds the arguments.
// - Terraform names come from each property's registry link anchor ("...#subnets
//   EcsService#subnets}"), not from undoing camelCase, because cdktf renames some names
//   (self -> selfAttribute, get_user_data -> fetchUserData, address_1 -> address1).
// - A property whose type is a jsii struct (directly, or as the element of an array) is a nested
//   block: cdktf generates one struct per block and marks most with the summary "NAME block.".
//   A struct given directly is a single block (max_items 1); an array of structs is a list or set.
//   A non-optional block property has min_items 1.
// - Exported attributes are the class's read-only getters that are not `*Input` getters and not
//   arguments; their names are the getter names in snake_case.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = "@cdktf/provider-aws";
const PACKAGE_VERSION = "21.22.1";

/** Resource types that gen-tf emits. Keep sorted; extend when `lower` emits a new type. */
const RESOURCES = [
  "aws_appautoscaling_policy",
  "aws_appautoscaling_scheduled_action",
  "aws_appautoscaling_target",
  "aws_cloudwatch_log_group",
  "aws_cloudwatch_metric_alarm",
  "aws_ecs_cluster",
  "aws_ecs_cluster_capacity_providers",
  "aws_ecs_service",
  "aws_ecs_task_definition",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_iam_role_policy_attachment",
  "aws_kms_alias",
  "aws_kms_key",
  "aws_security_group",
  "aws_vpc_endpoint",
  "aws_vpc_security_group_egress_rule",
  "aws_vpc_security_group_ingress_rule",
];

/** Data source types that gen-tf emits. */
const DATA_SOURCES = [
  "aws_caller_identity",
  "aws_ec2_managed_prefix_list",
  "aws_iam_policy_document",
  "aws_partition",
  "aws_prefix_list",
  "aws_region",
  "aws_vpc_endpoint_service",
];

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

function parseArgs(argv) {
  const opts = { out: path.join(root, "schemas", "aws-provider-subset.json") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--package-dir") opts.packageDir = value();
    else if (a === "--from-tfcheck-schema") opts.tfcheck = value();
    else if (a === "--out") opts.out = value();
    else fail(`unknown argument ${a}`);
  }
  return opts;
}

function fail(msg) {
  console.error(`extract-provider-schema: ${msg}`);
  process.exit(2);
}

/** Sorts object keys recursively so that the output does not depend on assembly order. */
function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === "object") {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = sorted(v[k]);
    return out;
  }
  return v;
}

// ---------------------------------------------------------------- jsii assembly

function loadAssembly(opts) {
  let dir = opts.packageDir;
  let tmp = null;
  if (!dir) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gen-tf-provider-aws-"));
    dir = tmp;
    console.error(`extract-provider-schema: npm install ${PACKAGE}@${PACKAGE_VERSION} into ${tmp}`);
    execFileSync(
      "npm",
      ["install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", tmp,
        `${PACKAGE}@${PACKAGE_VERSION}`],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  }
  const pkgDir = path.join(dir, "node_modules", ...PACKAGE.split("/"));
  const version = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")).version;
  if (version !== PACKAGE_VERSION) fail(`${pkgDir} is version ${version}, want ${PACKAGE_VERSION}`);
  const assembly = JSON.parse(fs.readFileSync(path.join(pkgDir, ".jsii"), "utf8"));
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  return assembly;
}

const docText = (docs) => `${docs?.summary ?? ""} ${docs?.remarks ?? ""}`;

/** The Terraform name of a config property: the anchor of its registry link. */
function tfName(prop) {
  const m = docText(prop.docs).match(/#([A-Za-z0-9_]+) \w+#\1\}/);
  if (!m) fail(`property ${prop.name} has no registry link to take its Terraform name from`);
  return m[1];
}

const snake = (camel) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function fromJsii(assembly) {
  const types = assembly.types;
  const byTfType = { resources: new Map(), "data-sources": new Map() };
  let providerVersion = null;
  for (const t of Object.values(types)) {
    if (t.kind !== "class") continue;
    const m = (t.docs?.summary ?? "").match(
      /^Represents a \{@link \S+\/aws\/([0-9.]+)\/docs\/(resources|data-sources)\/\S+ (aws_\w+)\}/,
    );
    if (!m) continue;
    providerVersion = m[1];
    byTfType[m[2]].set(m[3], t);
  }

  const struct = (fqn) => (fqn && types[fqn]?.datatype ? types[fqn] : null);

  /** The nested-block struct behind a property type, and whether it is a single block. */
  function blockOf(type) {
    if (struct(type.fqn)) return { fqn: type.fqn, single: true };
    for (const u of type.union?.types ?? []) {
      const b = blockOf(u);
      if (b) return b;
    }
    const el = type.collection?.elementtype;
    if (type.collection?.kind === "array" && el && struct(el.fqn)) return { fqn: el.fqn, single: false };
    return null;
  }

  function hint(type) {
    if (!type) return "any";
    if (type.primitive) return type.primitive === "json" ? "any" : type.primitive;
    if (type.union) {
      const real = type.union.types.filter((u) => u.fqn !== "cdktf.IResolvable");
      return real.length === 1 ? hint(real[0]) : "any";
    }
    if (type.collection) return `${type.collection.kind}(${hint(type.collection.elementtype)})`;
    const simple = {
      "cdktf.StringMap": "map(string)",
      "cdktf.NumberMap": "map(number)",
      "cdktf.BooleanMap": "map(boolean)",
      "cdktf.AnyMap": "map(any)",
      "cdktf.StringMapList": "array(map(string))",
      "cdktf.NumberMapList": "array(map(number))",
      "cdktf.BooleanMapList": "array(map(boolean))",
      "cdktf.AnyMapList": "array(map(any))",
      "cdktf.IResolvable": "any",
    };
    if (simple[type.fqn]) return simple[type.fqn];
    if (/List$/.test(type.fqn)) return "array(object)";
    if (/Map$/.test(type.fqn)) return "map(object)";
    return "object";
  }

  /** Arguments and blocks of one struct (a config or a nested block), recursively. */
  function schemaOf(fqn, where) {
    const out = { arguments: {}, blocks: {} };
    const s = struct(fqn);
    if (!s) fail(`${where}: ${fqn} is not a jsii struct`);
    for (const p of s.properties ?? []) {
      const name = tfName(p);
      const b = blockOf(p.type);
      if (b) {
        const block = { min_items: p.optional ? 0 : 1, schema: schemaOf(b.fqn, `${where}.${name}`) };
        if (b.single) block.max_items = 1;
        out.blocks[name] = block;
      } else {
        if (/ block\.$/.test(p.docs?.summary ?? "")) fail(`${where}.${name}: a block without a struct`);
        out.arguments[name] = { required: !p.optional, type: hint(p.type) };
      }
    }
    return out;
  }

  function typeSchema(cls, tfType) {
    const config = cls.initializer?.parameters?.find((p) => p.name === "config");
    if (!config) fail(`${tfType}: no config parameter on ${cls.fqn}`);
    const schema = schemaOf(config.type.fqn, tfType);
    const known = new Map();
    for (const p of struct(config.type.fqn).properties ?? []) known.set(p.name, tfName(p));
    schema.attributes = {};
    for (const p of cls.properties ?? []) {
      if (p.static || !p.immutable || p.name.endsWith("Input") || known.has(p.name)) continue;
      schema.attributes[snake(p.name)] = { computed: true, type: hint(p.type) };
    }
    return schema;
  }

  const pick = (table, names, kind) => {
    const out = {};
    for (const n of names) {
      const cls = table.get(n);
      if (!cls) fail(`${PACKAGE}@${PACKAGE_VERSION} has no ${kind} ${n}`);
      out[n] = typeSchema(cls, n);
    }
    return out;
  };
  return {
    source: `${PACKAGE}@${PACKAGE_VERSION} (jsii assembly)`,
    provider_version: providerVersion,
    resources: pick(byTfType.resources, RESOURCES, "resource"),
    data: pick(byTfType["data-sources"], DATA_SOURCES, "data source"),
  };
}

// ---------------------------------------------------------------- tfcheck fallback

function fromTfcheck(file) {
  const full = JSON.parse(fs.readFileSync(file, "utf8"));
  const convert = (s, top) => {
    const out = { arguments: {}, blocks: {} };
    for (const [n, a] of Object.entries(s.attrs)) out.arguments[n] = { required: a.required, type: a.type };
    for (const [n, b] of Object.entries(s.blocks)) {
      const block = { min_items: b.required ? 1 : 0, schema: convert(b.schema, false) };
      if (!b.list) block.max_items = 1;
      out.blocks[n] = block;
    }
    if (top) {
      out.attributes = {};
      for (const n of s.readable) {
        if (!(n in s.attrs) && !(n in s.blocks)) out.attributes[n] = { computed: true, type: "any" };
      }
    }
    return out;
  };
  const pick = (table, names, kind) => {
    const out = {};
    for (const n of names) {
      if (!table[n]) fail(`${file} has no ${kind} ${n}`);
      out[n] = convert(table[n], true);
    }
    return out;
  };
  return {
    source: `tfcheck ${path.basename(file)} (fallback; attribute types unknown)`,
    provider_version: full.provider_version,
    resources: pick(full.resources, RESOURCES, "resource"),
    data: pick(full.data, DATA_SOURCES, "data source"),
  };
}

// ---------------------------------------------------------------- main

const opts = parseArgs(process.argv.slice(2));
const subset = opts.tfcheck ? fromTfcheck(opts.tfcheck) : fromJsii(loadAssembly(opts));
fs.mkdirSync(path.dirname(opts.out), { recursive: true });
fs.writeFileSync(opts.out, `${JSON.stringify(sorted(subset), null, 2)}\n`);
console.error(
  `extract-provider-schema: wrote ${Object.keys(subset.resources).length} resources and ` +
    `${Object.keys(subset.data).length} data sources to ${path.relative(process.cwd(), opts.out)}`,
);
