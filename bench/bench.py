#!/usr/bin/env python3
"""gen-tf benchmark: gen-tf and every baseline on 10 to 5,000 synthetic services, in one run.

Usage:
  python3 bench/bench.py                 # the full run: writes BENCHMARKS.md, bench/results.json
                                         # and bench/plot.png
  python3 bench/bench.py --sizes 1000 --runs 5 --no-peer
  python3 bench/bench.py --smoke         # CI: debug build, 10 services, one run of each row,
                                         # writes nothing in the repository
  python3 bench/bench.py --tests-only    # only the test-suite timings (below): keeps the
                                         # runtime rows of bench/results.json, rewrites
                                         # BENCHMARKS.md and bench/results.json
  python3 bench/bench.py --no-tests      # the runtime rows only, test timings kept from before

Test-suite timings (issue 22), each one run, measured after `cargo test --locked --no-run` so
that the build is warm (its own time is recorded too):
  fast subset    GEN_TF_FAST_TESTS=1 cargo test --locked   (no real Terraform, no pre-commit)
  terraform      CI=true cargo test --locked --test terraform
  full suite     CI=true cargo test --locked               (the README's test command, as CI runs it)

Rows, for each size (services in stacks of 50, the shapes of ../shared/bench/cdktf-peer):
  floor          jrsonnet alone (bench/floor.rs, the crates gen-tf uses), all stacks, one thread
  in sync        gen-tf build --no-cache into a tree that is already up to date (nothing written)
  ... limit off  the same with --memory-limit off: Jsonnet evaluated in process, not in a child
  cold tmpfs     gen-tf build --no-cache into a fresh directory on tmpfs (/dev/shm)
  cold disk      the same into a fresh directory on the disk that holds the repository
  json in sync   gen-tf build --no-cache of the same services as .json stacks (no Jsonnet)
  warm check     gen-tf check, render cache warm, nothing changed
  check 1 changed  gen-tf check after one stack's text changed (a comment), cache warm
  seed recipe    the seed guide's `jsonnet -V ENV=... > config.json` with its md5 cache, cold
                 (Debian's `jsonnet` package, C++ libjsonnet 0.18), renders JSON only
  jsonnet-rs     jsonnet-rs 0.17 (C++ libjsonnet 0.17 through Rust), the same stacks as the floor
  cdktf          cdktf synth of the same services (JSON output), ../shared/bench/cdktf-peer

A "fresh" directory is one that was never deleted and recreated: recreating a just-deleted tree
of a thousand files makes ext4 scan for inodes to reuse, which measures the file system, not
gen-tf. Times are medians of wall time; peak RSS is the largest process (GNU time's %M).
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT.parent / "shared" / "bench" / "cdktf-peer"
PER = 50
VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "gen-tf-bench" / "venv"

# name -> (label in tables and the plot, plot style)
ROWS = {
    "floor": "jrsonnet alone (the floor)",
    "insync": "gen-tf build, in sync, --no-cache",
    "insync_nolimit": "gen-tf build, in sync, --no-cache --memory-limit off",
    "cold_tmpfs": "gen-tf build, cold, fresh dir on tmpfs",
    "cold_disk": "gen-tf build, cold, fresh dir on disk",
    "json_insync": "gen-tf build, JSON stacks, in sync, --no-cache",
    "warm_check": "gen-tf check, warm cache, unchanged",
    "check_changed": "gen-tf check, warm cache, one stack changed",
    "seed": "seed guide recipe (jsonnet CLI + md5 cache), cold",
    "jsonnet_rs": "jsonnet-rs (libjsonnet 0.17), same stacks",
    "cdktf": "cdktf synth (JSON), the peer",
}


TIME = Path("/usr/bin/time")
# Rows slow enough that GNU time's own fork and exec (about a millisecond) do not matter: their
# timed runs also give the peak RSS.
SLOW = {"seed", "jsonnet_rs", "cdktf"}


def run(cmd, cwd=None, rss=False):
    """Runs cmd; returns (seconds, peak RSS in MiB or None). Fails loudly on a non-zero exit.

    The peak RSS comes from GNU time (`%M`), not from this process's wait4: Python starts
    children with vfork, and Linux then counts the parent's own high-water mark (about 16 MiB)
    as the child's, which hides everything smaller."""
    cmd = [str(c) for c in cmd]
    report = None
    if rss and TIME.exists():
        report = tempfile.NamedTemporaryFile(prefix="gen-tf-bench-rss-", delete=False)
        cmd = [str(TIME), "-f", "%M", "-o", report.name, *cmd]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(cmd)} exited {code}:\n{err}")
    peak = None
    if report:
        peak = int(Path(report.name).read_text().split()[-1]) / 1024
        os.unlink(report.name)
    elif rss:
        peak = usage.ru_maxrss / 1024
    return elapsed, peak


def measure(key, size, cmd, runs, cwd=None, before=None):
    """Median wall time over `runs`; the peak RSS from the slow rows' runs, else one more run."""
    times, rss = [], []
    args = (lambda i: cmd(i)) if callable(cmd) else (lambda i: cmd)
    for i in range(runs):
        if before:
            before(i)
        t, m = run(args(i), cwd=cwd, rss=key in SLOW)
        times.append(t)
        rss.append(m)
    if key not in SLOW:
        if before:
            before(runs)
        rss.append(run(args(runs), cwd=cwd, rss=True)[1])
    row = {"key": key, "services": size, "runs": runs, "median": statistics.median(times),
           "min": min(times), "max": max(times), "rss": max(r for r in rss if r is not None)}
    print(f"{size:>5} services  {ROWS[key]:<52} median {row['median']*1000:8.1f} ms "
          f"(min {row['min']*1000:.1f}, max {row['max']*1000:.1f}, {runs} runs), "
          f"peak RSS {row['rss']:.0f} MiB", flush=True)
    return row


def write_stacks(d, n):
    d.mkdir(parents=True)
    shutil.copy(ROOT / "bench" / "synth" / "synth.libsonnet", d / "synth.libsonnet")
    for s in range((n + PER - 1) // PER):
        (d / f"stack-{s:03d}.jsonnet").write_text(f"(import 'synth.libsonnet').stack({s}, {n})\n")


SEED_RECIPE = r"""
set -eu
# The seed guide's "Cache rendered configs" recipe, once per stack, with ENV=prd.
stacks=$1 out=$2 cache=$3 ENV=prd
mkdir -p "$out"
for f in "$stacks"/*.jsonnet; do
  NAME=$(basename "$f" .jsonnet)
  CACHE_KEY="${ENV}-${NAME}-$(md5sum "$f" | cut -d' ' -f1)"
  if [ -f "$cache/${CACHE_KEY}.json" ]; then
    cp "$cache/${CACHE_KEY}.json" "$out/$NAME.json"
  else
    jsonnet -V ENV="$ENV" "$f" > "$out/$NAME.json"
    mkdir -p "$cache"
    cp "$out/$NAME.json" "$cache/${CACHE_KEY}.json"
  fi
done
"""


def build_tools(smoke):
    profile = [] if smoke else ["--release"]
    subprocess.run(["cargo", "build", "--locked", "--quiet", "--bin", "gen-tf",
                    "--example", "jsonnet-floor", *profile], cwd=ROOT, check=True)
    target = ROOT / "target" / ("debug" if smoke else "release")
    tools = {"gen_tf": target / "gen-tf", "floor": target / "examples" / "jsonnet-floor"}
    if not smoke:
        jrs = ROOT / "bench" / "jsonnet-rs"
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=jrs, check=True)
        tools["jsonnet_rs"] = jrs / "target" / "release" / "jsonnet-rs-baseline"
    return tools


def bench_size(size, runs, tools, work, shm, a):
    """Every row for one size."""
    exe = tools["gen_tf"]
    base = work / f"n{size}"
    stacks, json_stacks = base / "stacks", base / "stacks-json"
    write_stacks(stacks, size)
    json_stacks.mkdir()
    subprocess.run([tools["floor"], stacks, "--write", json_stacks], check=True,
                   stdout=subprocess.DEVNULL)
    out, out_json, cache = base / "out", base / "out-json", base / "cache"
    common = ["--no-project", "-j", str(a.jobs)] if a.jobs else ["--no-project"]
    subprocess.run([exe, "build", stacks, "-o", out, "--cache-dir", cache, *common], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([exe, "build", json_stacks, "-o", out_json, "--no-cache", *common], check=True,
                   stdout=subprocess.DEVNULL)
    rows = [
        measure("floor", size, [tools["floor"], stacks], runs),
        measure("insync", size, [exe, "build", stacks, "-o", out, "--no-cache", *common], runs),
        measure("insync_nolimit", size,
                [exe, "build", stacks, "-o", out, "--no-cache", "--memory-limit", "off", *common], runs),
        measure("cold_tmpfs", size,
                lambda i: [exe, "build", stacks, "-o", shm / f"n{size}-cold-{i}", "--no-cache", *common],
                runs),
        measure("cold_disk", size,
                lambda i: [exe, "build", stacks, "-o", base / f"cold-{i}", "--no-cache", *common],
                runs),
        measure("json_insync", size,
                [exe, "build", json_stacks, "-o", out_json, "--no-cache", *common], runs),
        measure("warm_check", size, [exe, "check", stacks, "-o", out, "--cache-dir", cache, *common],
                runs),
    ]
    first = stacks / "stack-000.jsonnet"
    text = first.read_text()

    def change(i):
        first.write_text(f"{text}// changed {i}\n")
    rows.append(measure("check_changed", size,
                        [exe, "check", stacks, "-o", out, "--cache-dir", cache, *common], runs,
                        before=change))
    if shutil.which("jsonnet"):
        rows.append(measure(
            "seed", size,
            lambda i: ["bash", "-c", SEED_RECIPE, "seed", stacks, base / f"seed-{i}", base / f"seed-cache-{i}"],
            runs))
    else:
        print("skipped the seed guide's recipe: no `jsonnet` on PATH (apt-get install jsonnet)")
    if "jsonnet_rs" in tools:
        rows.append(measure("jsonnet_rs", size, [tools["jsonnet_rs"], stacks],
                            1 if size >= 5000 else min(runs, 3)))
    if not a.no_peer:
        peer = work / "cdktf-peer"
        if not (peer / "node_modules").exists():
            shutil.copytree(PEER, peer, dirs_exist_ok=True)
            subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=peer,
                           check=True)
        rows.append(measure("cdktf", size,
                            lambda i: ["node", "main.js", size, base / f"cdktf-{i}"],
                            1 if size >= 5000 else min(runs, 3), cwd=peer))
    shutil.rmtree(shm, ignore_errors=True)
    shm.mkdir()
    return rows


# name -> (label, command, extra environment, goal in seconds)
TESTS = {
    "build": ("`cargo test --locked --no-run` (the build, incremental)",
              ["cargo", "test", "--locked", "--no-run"], {}, None),
    "fast": ("fast subset: `GEN_TF_FAST_TESTS=1 cargo test --locked`",
             ["cargo", "test", "--locked"], {"GEN_TF_FAST_TESTS": "1"}, 180),
    "terraform": ("`tests/terraform.rs`: `CI=true cargo test --locked --test terraform`",
                  ["cargo", "test", "--locked", "--test", "terraform"], {"CI": "true"}, 60),
    "full": ("full suite: `CI=true cargo test --locked`",
             ["cargo", "test", "--locked"], {"CI": "true"}, 240),
}


def bench_tests():
    """Times each TESTS command once, in order; fails loudly when one fails."""
    out = {"load_start": os.getloadavg()[0], "rows": {}}
    for key, (label, cmd, extra, _) in TESTS.items():
        env = {k: v for k, v in os.environ.items() if k not in ("CI", "GEN_TF_FAST_TESTS")}
        env.update(extra)
        print(f"tests: {' '.join(cmd)} {extra or ''}", flush=True)
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
        out["rows"][key] = seconds
        print(f"tests: {key}: {seconds:.1f} s", flush=True)
    out["load_end"] = os.getloadavg()[0]
    return out


def test_lines(tests):
    """BENCHMARKS.md's test-suite section."""
    if not tests:
        return ["## Test suite", "", "Not measured yet: `python3 bench/bench.py --tests-only`.", ""]
    lines = ["## Test suite (issue 22)", "",
             f"One run of each, in this order, measured by `bench/bench.py` on the machine above "
             f"(load average {tests['load_start']:.2f} before and {tests['load_end']:.2f} after; "
             "the machine is shared, so these are upper bounds for 2 idle cores). Goals are for 2 "
             "idle cores once the build is warm.", "",
             "| what | wall time | goal | met |", "|---|---|---|---|"]
    for key, (label, _, _, goal) in TESTS.items():
        seconds = tests["rows"].get(key)
        if seconds is None:
            continue
        if goal is None:
            lines.append(f"| {label} | {seconds:.1f} s | | |")
        else:
            met = "yes" if seconds <= goal else f"**no** ({seconds / goal:.2f}x the goal)"
            lines.append(f"| {label} | {seconds:.1f} s | <= {goal} s | {met} |")
    return lines + [""]


def row(rows, key, size):
    return next((r for r in rows if r["key"] == key and r["services"] == size), None)


def targets(rows):
    """The issue's targets, each as (what, measured, target, met)."""
    out = []

    def ratio(a, b, size=1000):
        ra, rb = row(rows, a, size), row(rows, b, size)
        return ra["median"] / rb["median"] if ra and rb else None
    checks = [
        ("in-sync build of 1,000 services / floor", ratio("insync", "floor"), 1.2, "x"),
        ("cold build into fresh tmpfs dir / floor", ratio("cold_tmpfs", "floor"), 1.5, "x"),
    ]
    j = row(rows, "json_insync", 1000)
    checks.append(("1,000 services as JSON stacks, in sync", j and j["median"] * 1000, 60, " ms"))
    w = row(rows, "warm_check", 1000)
    checks.append(("warm check, unchanged", w and w["median"] * 1000, 30, " ms"))
    c = row(rows, "check_changed", 1000)
    checks.append(("warm check, one stack changed", c and c["median"] * 1000, 60, " ms"))
    p = row(rows, "insync", 10)
    checks.append(("10 services, one stack, in sync (a pre-commit run)",
                   p and p["median"] * 1000, 10, " ms"))
    big, small = row(rows, "cold_tmpfs", 5000), row(rows, "cold_tmpfs", 1000)
    checks.append(("5,000 / 1,000 services, cold tmpfs",
                   big and small and big["median"] / small["median"], 5.5, "x"))
    checks.append(("5,000 services, peak RSS", big and big["rss"], 140, " MiB"))
    peer = ratio("cdktf", "cold_tmpfs")
    for what, measured, target, unit in checks:
        if measured is not None:
            out.append((what, measured, target, unit, measured <= target))
    if peer is not None:
        out.append(("cdktf cold / gen-tf cold (tmpfs)", peer, 25, "x", peer >= 25))
    return out


def plot(rows, sizes, path):
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([VENV / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check",
                        "matplotlib==3.9.2"], check=True)
    series = {ROWS[k]: [(r["services"], r["median"] * 1000) for r in rows if r["key"] == k]
              for k in ROWS}
    script = """
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
series, sizes, path = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
fig, ax = plt.subplots(figsize=(9, 6), dpi=110)
for label, points in series.items():
    if points:
        xs, ys = zip(*points)
        style = "-o" if label.startswith("gen-tf") else "--s"
        ax.plot(xs, ys, style, label=label, linewidth=1.6, markersize=4)
ax.set_xscale("log"); ax.set_yscale("log")
ax.set_xticks(sizes); ax.set_xticklabels([f"{s:,}" for s in sizes])
ax.set_xlabel("services (stacks of 50)"); ax.set_ylabel("median wall time (ms)")
ax.set_title("gen-tf and its baselines, one run on 2 cores")
ax.grid(True, which="both", alpha=0.3)
ax.legend(fontsize=8, loc="upper left")
fig.tight_layout(); fig.savefig(path)
"""
    subprocess.run([VENV / "bin" / "python", "-c", script, json.dumps(series), json.dumps(sizes),
                    path], check=True)


def report(rows, sizes, meta, path, tests=None):
    lines = ["# Benchmarks", "",
             "Generated by `python3 bench/bench.py` (see its docstring); do not edit by hand, except "
             "the profile summary, which comes from `bench/profile.md`.", "",
             "## Machine and method", "",
             f"- {meta['cpus']} cores ({meta['cpu']}), {meta['mem']}, {meta['os']}; "
             f"load average {meta['load_start']:.2f} before the run and {meta['load_end']:.2f} after it. "
             "The machine is shared; every number below comes from the same run.",
             f"- gen-tf release build ({meta['rustc']}), default settings (Jsonnet in one long-lived "
             "child process per worker thread, with a 2 GiB memory limit, `-j` = CPUs), "
             "`--no-project`.",
             "- Synthetic services in stacks of 50 (`bench/synth/synth.libsonnet`), the shapes of "
             "`../shared/bench/cdktf-peer/main.js`: task definition, Spot-mix service, scalable "
             "target, target-tracking and step policies with an alarm, VPC endpoints.",
             "- Cold builds go into a directory that never existed before (on tmpfs `/dev/shm`, and "
             "on the disk), so the file system's reuse of just-deleted inodes is not measured.",
             "- Times are medians of wall time over the runs; peak RSS is the largest process.",
             f"- Tools: {meta['jsonnet']}; jsonnet-rs 0.17.0; cdktf 0.21.0 with "
             f"@cdktf/provider-aws 21.22.1 on Node {meta['node']}.", "",
             "![time against services, log-log](bench/plot.png)", "",
             "## Targets (1,000 services unless named)", "",
             "| target | measured | goal | met |", "|---|---|---|---|"]
    for what, measured, target, unit, met in targets(rows):
        goal = f">= {target}{unit}" if what.startswith("cdktf") else f"<= {target}{unit}"
        lines.append(f"| {what} | {measured:.2f}{unit} | {goal} | {'yes' if met else '**no**'} |")
    lines += [""] + test_lines(tests)
    lines += ["## All rows", "",
              "| services | command | runs | median | min | max | peak RSS |",
              "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['services']:,} | {ROWS[r['key']]} | {r['runs']} | "
                     f"{r['median']*1000:.1f} ms | {r['min']*1000:.1f} ms | {r['max']*1000:.1f} ms | "
                     f"{r['rss']:.0f} MiB |")
    lines += ["", "## Ratios (same run)", ""]
    for size in sizes:
        f, s, c = row(rows, "floor", size), row(rows, "insync", size), row(rows, "cold_tmpfs", size)
        off = row(rows, "insync_nolimit", size)
        parts = [f"in sync {s['median']/f['median']:.2f}x floor",
                 f"memory limit's child processes {s['median']/off['median']:.2f}x in-process",
                 f"cold tmpfs {c['median']/f['median']:.2f}x floor"]
        for key, name in (("seed", "seed recipe"), ("jsonnet_rs", "jsonnet-rs"), ("cdktf", "cdktf")):
            b = row(rows, key, size)
            if b:
                parts.append(f"{name} {b['median']/c['median']:.1f}x gen-tf cold")
        lines.append(f"- {size:,} services: " + "; ".join(parts))
    lines += ["", "## Reproduce", "",
              "```sh", "apt-get install jsonnet            # the seed recipe's baseline",
              "python3 bench/bench.py              # about 10 minutes on 2 cores, then the tests",
              "python3 bench/bench.py --tests-only # the test-suite timings alone", "```", "",
              "It builds gen-tf and `bench/floor.rs` in release, `bench/jsonnet-rs` (its own Cargo "
              "project, so gen-tf's build never compiles libjsonnet), installs the cdktf peer with "
              "npm and matplotlib in a venv, then rewrites this file, `bench/results.json` and "
              "`bench/plot.png`. `--sizes`, `--runs`, `--no-peer` narrow it; `--smoke` is the CI "
              "check that the command still runs.", ""]
    profile = ROOT / "bench" / "profile.md"
    if profile.exists():
        lines += [profile.read_text().rstrip(), ""]
    Path(path).write_text("\n".join(lines))


def meta_info(load_start):
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "not installed"
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.machine())
    mem_kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines()
                  if l.startswith("MemTotal"))
    return {"cpus": os.cpu_count(), "cpu": cpu, "mem": f"{mem_kb / 1024 / 1024:.0f} GiB RAM",
            "os": f"Linux {platform.release()}", "load_start": load_start,
            "load_end": os.getloadavg()[0], "rustc": out(["rustc", "--version"]),
            "jsonnet": out(["jsonnet", "--version"]) or "no jsonnet CLI",
            "node": out(["node", "--version"])}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10,100,1000,5000")
    ap.add_argument("--runs", type=int, default=0, help="runs a row (default: 9, 7, 5, 3 by size)")
    ap.add_argument("--jobs", type=int, default=0, help="gen-tf -j (default: gen-tf's)")
    ap.add_argument("--no-peer", action="store_true", help="skip cdktf")
    ap.add_argument("--smoke", action="store_true",
                    help="debug build, 10 services, one run, no peer, writes nothing here")
    ap.add_argument("--tests-only", action="store_true",
                    help="time the test suite only; keep the runtime rows of bench/results.json")
    ap.add_argument("--no-tests", action="store_true",
                    help="runtime rows only; keep the test timings of bench/results.json")
    a = ap.parse_args()
    results = ROOT / "bench" / "results.json"
    previous = json.loads(results.read_text()) if results.exists() else {}
    if a.tests_only:
        if "rows" not in previous:
            sys.exit("--tests-only keeps bench/results.json's runtime rows, but it has none")
        tests = bench_tests()
        previous["tests"] = tests
        results.write_text(json.dumps(previous, indent=1) + "\n")
        sizes = sorted({r["services"] for r in previous["rows"]})
        report(previous["rows"], sizes, previous["meta"], ROOT / "BENCHMARKS.md", tests)
        print("wrote BENCHMARKS.md, bench/results.json")
        return
    sizes = [10] if a.smoke else [int(s) for s in a.sizes.split(",")]
    if a.smoke:
        a.no_peer, a.runs = True, 1
    load_start = os.getloadavg()[0]
    tools = build_tools(a.smoke)
    work = Path(tempfile.mkdtemp(prefix="gen-tf-bench-", dir=ROOT / "target"))
    shm = Path(tempfile.mkdtemp(prefix="gen-tf-bench-", dir="/dev/shm"))
    rows = []
    try:
        for size in sizes:
            runs = a.runs or {10: 9, 100: 7, 1000: 5}.get(size, 3)
            rows += bench_size(size, runs, tools, work, shm, a)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(shm, ignore_errors=True)
    for what, measured, target, unit, met in targets(rows):
        print(f"target: {what}: {measured:.2f}{unit} (goal {target}{unit}) {'met' if met else 'MISSED'}")
    if a.smoke:
        print("smoke run passed")
        return
    meta = meta_info(load_start)
    tests = previous.get("tests") if a.no_tests else bench_tests()
    results.write_text(json.dumps({"meta": meta, "rows": rows, "tests": tests}, indent=1) + "\n")
    plot(rows, sizes, ROOT / "bench" / "plot.png")
    report(rows, sizes, meta, ROOT / "BENCHMARKS.md", tests)
    print("wrote BENCHMARKS.md, bench/results.json, bench/plot.png")


if __name__ == "__main__":
    main()
