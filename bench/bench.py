#!/usr/bin/env python3
"""gen-tf benchmark: N synthetic services (50 a stack) compiled by gen-tf, and by the CDK for
Terraform peer in ../shared/bench/cdktf-peer, measured in the same run.

Usage: python3 bench/bench.py [--services N] [--runs K] [--no-peer] [--out bench/RESULTS.md]

Reports median wall time and peak RSS (of the process tree's largest process, from wait4) over
K runs for each command, and the ratios between them.
"""
import argparse
import os
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


def run(cmd, cwd=None, env=None):
    """Runs cmd; returns (seconds, peak RSS in MiB). Fails loudly on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(map(str, cmd))} exited {code}:\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def measure(name, cmd, runs, cwd=None, env=None, before=None):
    times, rss = [], []
    for _ in range(runs):
        if before:
            before()
        t, m = run(cmd, cwd=cwd, env=env)
        times.append(t)
        rss.append(m)
    row = {"name": name, "median": statistics.median(times), "min": min(times),
           "max": max(times), "rss": max(rss), "runs": runs}
    print(f"{name}: median {row['median']*1000:.0f} ms (min {row['min']*1000:.0f}, max {row['max']*1000:.0f}), peak RSS {row['rss']:.0f} MiB", flush=True)
    return row


def measure_pair(names, cmds, envs, runs, before=None):
    """Two commands measured alternately, run by run, so that load from elsewhere on a shared
    machine falls on both alike."""
    times, rss = ([], []), ([], [])
    for _ in range(runs):
        for i in (0, 1):
            if before:
                before()
            t, m = run(cmds[i], env=envs[i])
            times[i].append(t)
            rss[i].append(m)
    rows = []
    for i in (0, 1):
        row = {"name": names[i], "median": statistics.median(times[i]), "min": min(times[i]),
               "max": max(times[i]), "rss": max(rss[i]), "runs": runs}
        print(f"{names[i]}: median {row['median']*1000:.0f} ms (min {row['min']*1000:.0f}, max {row['max']*1000:.0f}), peak RSS {row['rss']:.0f} MiB", flush=True)
        rows.append(row)
    return rows


def write_stacks(d, n):
    d.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "bench" / "synth" / "synth.libsonnet", d / "synth.libsonnet")
    for s in range((n + PER - 1) // PER):
        (d / f"stack-{s:03d}.jsonnet").write_text(f"(import 'synth.libsonnet').stack({s}, {n})\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--services", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    a = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    exe = ROOT / "target" / "release" / "gen-tf"
    work = Path(tempfile.mkdtemp(prefix="gen-tf-bench-"))
    stacks = work / "stacks"
    write_stacks(stacks, a.services)
    out = work / "out"
    rows = []
    load_before = os.getloadavg()[0]
    wipe = lambda: shutil.rmtree(out, ignore_errors=True)
    rows.append(measure(f"gen-tf build, {a.services} services, cold output dir, --no-cache",
                        [exe, "build", stacks, "-o", out, "--no-cache"], a.runs, before=wipe))
    rows.append(measure(f"gen-tf check, {a.services} services, in sync, --no-cache",
                        [exe, "check", stacks, "-o", out, "--no-cache"], a.runs))
    rows.append(measure(f"gen-tf check, {a.services} services, in sync, warm cache",
                        [exe, "check", stacks, "-o", out], a.runs, cwd=work))
    rows.append(measure(f"gen-tf build, {a.services} services, output already in sync (nothing written), --no-cache",
                        [exe, "build", stacks, "-o", out, "--no-cache"], a.runs))
    wipe_json = lambda: shutil.rmtree(work / "out-json", ignore_errors=True)
    rows.append(measure(f"gen-tf build --format json, {a.services} services, cold output dir, --no-cache",
                        [exe, "build", stacks, "-o", work / "out-json", "--format", "json", "--no-cache"], a.runs,
                        before=wipe_json))
    # The cost of the memory limit: by default each Jsonnet stack is evaluated in a child process
    # of gen-tf with RLIMIT_AS set; `off` evaluates in process, as before the limit existed.
    # Measured alternately, run by run.
    on, off = dict(os.environ), dict(os.environ, GEN_TF_MEMORY_LIMIT="off")
    check = [exe, "check", stacks, "-o", out, "--no-cache"]
    rows += measure_pair([f"gen-tf check, {a.services} services, in sync, --no-cache, memory limit 2 GiB (default)",
                          f"gen-tf check, {a.services} services, in sync, --no-cache, --memory-limit off"],
                         [check, check], [on, off], a.runs)
    build = [exe, "build", stacks, "-o", out, "--no-cache"]
    rows += measure_pair([f"gen-tf build, {a.services} services, cold output dir, --no-cache, memory limit 2 GiB (default)",
                          f"gen-tf build, {a.services} services, cold output dir, --no-cache, --memory-limit off"],
                         [build, build], [on, off], a.runs, before=wipe)
    peer_rows = []
    if not a.no_peer:
        peer = work / "cdktf-peer"
        shutil.copytree(PEER, peer)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=peer, check=True)
        peer_out = work / "cdktf.out"
        peer_rows.append(measure(f"cdktf synth (JSON), {a.services} services",
                                 ["node", "main.js", str(a.services), str(peer_out)], max(1, a.runs // 2), cwd=peer))
    lines = ["# gen-tf benchmark results", "",
             f"Command: `python3 bench/bench.py --services {a.services} --runs {a.runs}`. "
             f"{a.services} synthetic services in {(a.services + PER - 1)//PER} stacks of {PER}, the same shapes as "
             "`../shared/bench/cdktf-peer/main.js` (task definition, Spot-mix service, scalable target, "
             "target tracking and step policies with an alarm, four VPC endpoints). Every row was measured in one run "
             f"on this machine ({os.cpu_count()} cores; load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, "
             "from other work on the machine); times are medians over the runs, peak RSS is the largest process. "
             "A cold build creates about 1,100 files (each a temporary file renamed into place); on this machine's disk "
             "creating a file costs about 0.7 ms (strace), so the in-sync rows show the compiler without those writes.", "",
             "| command | runs | median | min | max | peak RSS |", "|---|---|---|---|---|---|"]
    for r in rows + peer_rows:
        lines.append(f"| {r['name']} | {r['runs']} | {r['median']*1000:.0f} ms | {r['min']*1000:.0f} ms | {r['max']*1000:.0f} ms | {r['rss']:.0f} MiB |")
    if peer_rows:
        p = peer_rows[0]
        lines += ["", "Ratios (same run):",
                  f"- cdktf synth (JSON) / gen-tf build (HCL), both cold: {p['median']/rows[0]['median']:.1f}x wall time, {p['rss']/rows[0]['rss']:.1f}x peak RSS",
                  f"- cdktf synth (JSON) / gen-tf build --format json, both cold: {p['median']/rows[4]['median']:.1f}x wall time",
                  f"- gen-tf build --no-cache / gen-tf check warm cache: {rows[0]['median']/rows[2]['median']:.1f}x"]
    lines += ["", "The memory limit (each Jsonnet stack evaluated in a child process with RLIMIT_AS) against `--memory-limit off` (in process), measured alternately in the same run:",
              f"- gen-tf check in sync --no-cache: {rows[5]['median']*1000:.0f} ms vs {rows[6]['median']*1000:.0f} ms median ({rows[5]['median']/rows[6]['median']:.2f}x), {rows[5]['min']*1000:.0f} ms vs {rows[6]['min']*1000:.0f} ms min",
              f"- gen-tf build cold --no-cache: {rows[7]['median']*1000:.0f} ms vs {rows[8]['median']*1000:.0f} ms median ({rows[7]['median']/rows[8]['median']:.2f}x), {rows[7]['min']*1000:.0f} ms vs {rows[8]['min']*1000:.0f} ms min"]
    Path(a.out).write_text("\n".join(lines) + "\n")
    print(f"wrote {a.out}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
