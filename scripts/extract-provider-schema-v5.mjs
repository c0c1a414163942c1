#!/usr/bin/env node
// Extracts the AWS provider 5.100 schema of the types gen-tf emits into
// schemas/aws-provider-5.100-subset.json, in exactly the format of schemas/aws-provider-subset.json
// (provider 6.25, written by extract-provider-schema.mjs), so that the provider-schema self-check
// can check a module against every provider major its version constraint admits.
//
// Run from the repository root (Node 20; Terraform on PATH; no network):
//
//   node scripts/extract-provider-schema-v5.mjs
//       finds the AWS provider 5.100.0 in the machine's filesystem mirror (its root directory,
//       which holds <host>/hashicorp/aws/<version>/<platform>/; set TF_MIRROR to choose one),
//       runs `terraform init` and
//       `terraform providers schema -json` in a scratch module against it, and converts the
//       types listed in scripts/provider-types.json. Takes about 10 s.
//   node scripts/extract-provider-schema-v5.mjs --from-schema-json PATH
//       converts an earlier `terraform providers schema -json` dump instead.
//   --provider-version V picks another version from the mirror (default 5.100.0).
//   --out PATH writes somewhere other than schemas/aws-provider-5.100-subset.json.
//
// How Terraform's schema maps onto the subset format (the same reading the jsii assembly gives
// extract-provider-schema.mjs; the agreement is checked by comparing both subsets for the
// types whose schema did not change between the majors, see docs/provider-majors.md):
// - "arguments" are the attributes a configuration may set (required or optional, including
//   optional+computed ones such as `id` and `tags_all`); "required" is Terraform's `required`.
// - "attributes" are the computed-only attributes, exported for references, with
//   "computed": true.
// - "blocks" are the block types, and the settable lists of objects that Terraform also takes as
//   blocks (see attrBlock). A block is single ("max_items": 1) when its nesting mode is
//   `single` or `group`, or when a list or set allows at most one item; "min_items" is
//   Terraform's min_items (0 when absent).
// - Type hints follow the jsii reading: string, number, boolean, any (dynamic), object,
//   array(T) for lists and sets, map(T) for maps, with T = object for structured elements.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const TYPES = JSON.parse(fs.readFileSync(path.join(here, "provider-types.json"), "utf8"));

function parseArgs(argv) {
  const opts = {
    version: "5.100.0",
    out: path.join(root, "schemas", "aws-provider-5.100-subset.json"),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--from-schema-json") opts.schemaJson = value();
    else if (a === "--provider-version") opts.version = value();
    else if (a === "--out") opts.out = value();
    else fail(`unknown argument ${a}`);
  }
  return opts;
}

function fail(msg) {
  console.error(`extract-provider-schema-v5: ${msg}`);
  process.exit(2);
}

/** Sorts object keys recursively so that the output does not depend on the provider's order. */
function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === "object") {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = sorted(v[k]);
    return out;
  }
  return v;
}

// ---------------------------------------------------------------- the provider's schema

/** The mirror root: TF_MIRROR, else found the way the README says (`find / -name
 * 'terraform-provider-aws_*'`): six levels above the provider binary, which sits in
 * <root>/<host>/hashicorp/aws/<version>/<platform>/. */
function findMirror() {
  if (process.env.TF_MIRROR) return process.env.TF_MIRROR;
  let hits = "";
  try {
    hits = execFileSync(
      "find",
      // The temporary directory is left out: module copies there link into mirrors too.
      ["/", "-path", "/proc", "-prune", "-o", "-path", "/sys", "-prune", "-o",
        "-path", os.tmpdir(), "-prune", "-o",
        "-name", "terraform-provider-aws_*", "-path", "*/hashicorp/aws/*", "-print"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
  } catch (e) {
    hits = e.stdout ?? ""; // find exits 1 on unreadable directories but still prints its hits
  }
  const hit = hits.split("\n").filter(Boolean).sort()[0];
  if (!hit) fail("no terraform-provider-aws_* in a filesystem mirror; set TF_MIRROR");
  const up = (p, n) => (n === 0 ? p : up(path.dirname(p), n - 1));
  if (path.basename(up(hit, 3)) !== "aws" || path.basename(up(hit, 4)) !== "hashicorp") {
    fail(`${hit} is not in a mirror's <host>/hashicorp/aws/<version>/<platform>/`);
  }
  return up(hit, 6);
}

function dumpSchema(version) {
  const mirror = findMirror();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gen-tf-provider-aws-v5-"));
  try {
    fs.writeFileSync(
      path.join(tmp, "terraformrc"),
      // The mirror is the only installation method, so nothing is downloaded.
      `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`,
    );
    fs.writeFileSync(
      path.join(tmp, "main.tf"),
      `terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n` +
        `      version = "${version}"\n    }\n  }\n}\n`,
    );
    const env = {
      ...process.env,
      TF_CLI_CONFIG_FILE: path.join(tmp, "terraformrc"),
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
    };
    console.error(`extract-provider-schema-v5: terraform init against the mirror ${mirror}`);
    execFileSync("terraform", ["init", "-no-color", "-backend=false"], {
      cwd: tmp,
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    const text = execFileSync("terraform", ["providers", "schema", "-json"], {
      cwd: tmp,
      env,
      encoding: "utf8",
      maxBuffer: 1 << 30,
      stdio: ["ignore", "pipe", "inherit"],
    });
    return JSON.parse(text);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- conversion

/** A jsii-style type hint for a Terraform (cty) type. */
function hint(ty) {
  if (ty === "string" || ty === "number") return ty;
  if (ty === "bool") return "boolean";
  if (ty === "dynamic") return "any";
  if (Array.isArray(ty)) {
    const [kind, el] = ty;
    if (kind === "list" || kind === "set") return `array(${hint(el)})`;
    if (kind === "map") return `map(${hint(el)})`;
    if (kind === "object") return "object";
    if (kind === "tuple") return "any";
  }
  fail(`unknown Terraform type ${JSON.stringify(ty)}`);
}

/** The type of an attribute: its `type`, or for a nested attribute its nesting over objects. */
function attrType(a) {
  if (a.type !== undefined) return hint(a.type);
  const mode = a.nested_type?.nesting_mode;
  if (mode === "single") return "object";
  if (mode === "list" || mode === "set") return "array(object)";
  if (mode === "map") return "map(object)";
  fail(`an attribute with neither a type nor a nested type: ${JSON.stringify(a)}`);
}

/** A settable list or set of objects (`aws_security_group`'s `ingress`) is one of Terraform's
 * "attributes as blocks" (SDKv2's ConfigModeAttr): Terraform also takes it in block syntax, and
 * the jsii reading, so the 6.25 subset, has it as a list block whose fields are all optional. */
function attrBlock(a) {
  const ty = a.type;
  if (!(a.optional || a.required) || !Array.isArray(ty) || !["list", "set"].includes(ty[0])) return null;
  const el = ty[1];
  if (!Array.isArray(el) || el[0] !== "object") return null;
  const args = {};
  for (const [n, t] of Object.entries(el[1])) args[n] = { required: false, type: hint(t) };
  return { min_items: a.required ? 1 : 0, schema: { arguments: args, blocks: {} } };
}

/** Arguments and blocks of one block, recursively; exported attributes at the top only. */
function convert(block, top, where) {
  const out = { arguments: {}, blocks: {} };
  const exported = {};
  for (const [name, a] of Object.entries(block.attributes ?? {})) {
    const objects = attrBlock(a);
    if (objects) out.blocks[name] = objects;
    else if (a.required || a.optional) out.arguments[name] = { required: Boolean(a.required), type: attrType(a) };
    else if (a.computed) exported[name] = { computed: true, type: attrType(a) };
    else fail(`${where}.${name} is neither settable nor computed`);
  }
  for (const [name, b] of Object.entries(block.block_types ?? {})) {
    const single =
      b.nesting_mode === "single" || b.nesting_mode === "group" ||
      ((b.nesting_mode === "list" || b.nesting_mode === "set") && b.max_items === 1);
    const nested = { min_items: b.min_items ?? 0, schema: convert(b.block, false, `${where}.${name}`) };
    if (single) nested.max_items = 1;
    out.blocks[name] = nested;
  }
  if (top) out.attributes = exported;
  return out;
}

function subsetOf(dump, version) {
  const key = Object.keys(dump.provider_schemas ?? {}).find((k) => k.endsWith("/hashicorp/aws"));
  if (!key) fail("the schema dump has no hashicorp/aws provider");
  const provider = dump.provider_schemas[key];
  const pick = (table, names, kind) => {
    const out = {};
    for (const n of names) {
      if (!table[n]) fail(`AWS provider ${version} has no ${kind} ${n}`);
      out[n] = convert(table[n].block, true, n);
    }
    return out;
  };
  return {
    source: `terraform providers schema -json (hashicorp/aws ${version})`,
    provider_version: version,
    resources: pick(provider.resource_schemas, TYPES.resources, "resource"),
    data: pick(provider.data_source_schemas, TYPES.data, "data source"),
  };
}

// ---------------------------------------------------------------- main

const opts = parseArgs(process.argv.slice(2));
const dump = opts.schemaJson
  ? JSON.parse(fs.readFileSync(opts.schemaJson, "utf8"))
  : dumpSchema(opts.version);
const subset = subsetOf(dump, opts.version);
fs.mkdirSync(path.dirname(opts.out), { recursive: true });
fs.writeFileSync(opts.out, `${JSON.stringify(sorted(subset), null, 2)}\n`);
console.error(
  `extract-provider-schema-v5: wrote ${Object.keys(subset.resources).length} resources and ` +
    `${Object.keys(subset.data).length} data sources to ${path.relative(process.cwd(), opts.out)}`,
);
