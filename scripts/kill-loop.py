#!/usr/bin/env python3
"""Fault run: `gen-tf build` killed with SIGKILL at a random moment, then `gen-tf check`.

Each iteration switches the stacks between two versions (every generated file changes, one
module appears or disappears, a hand-written file sits in a module), starts a build, kills it
after a random delay, and then looks at the tree:

- consistent: every file gen-tf generates is byte-identical to the old or the new build's
  version (or absent where that version has none), no other file is half-written, and the
  hand-written file is intact;
- `check` must then exit 0 (the build had finished) or 1 (drift: stale, missing, extra or
  leftover files), never 2 or a crash;
- a complete `build` afterwards must bring `check` to 0 (recovered).

Usage: scripts/kill-loop.py [--iterations N] [--gen-tf PATH] [--seed S]
Prints one summary line per outcome and exits 1 if any iteration was inconsistent.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def stack(name, services, tag):
    return json.dumps(
        {
            "name": name,
            "region": "eu-west-1",
            "tags": {"rev": tag},
            "services": {
                s: {"cpu": 256, "memory": 512, "environment": [{"name": "REV", "value": tag}]}
                for s in services
            },
        }
    )


def write_version(stacks, version):
    """Version "a" or "b" of the stacks: b changes every file and adds module `extra`."""
    for i in range(8):
        services = [f"svc-{j}" for j in range(12)]
        with open(os.path.join(stacks, f"s{i}.json"), "w") as f:
            f.write(stack(f"mod-{i}", services, version))
    extra = os.path.join(stacks, "extra.json")
    if version == "b":
        with open(extra, "w") as f:
            f.write(stack("extra", ["api", "web"], version))
    elif os.path.exists(extra):
        os.remove(extra)


def snapshot(root):
    """{relative path: sha256} of every file under root."""
    out = {}
    for d, _, files in os.walk(root):
        for n in files:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = hashlib.sha256(f.read()).hexdigest()
    return out


def run(gen_tf, cwd, *args):
    return subprocess.run(
        [gen_tf, *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--gen-tf", default="target/debug/gen-tf")
    ap.add_argument("--seed", type=int, default=26)
    args = ap.parse_args()
    gen_tf = os.path.abspath(args.gen_tf)
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="gen-tf-kill-loop-")
    stacks = os.path.join(work, "stacks")
    os.makedirs(stacks)
    build = ["build", "stacks", "-o", "out", "--no-cache"]
    check = ["check", "stacks", "-o", "out", "--no-cache"]
    hand = os.path.join(work, "out", "mod-0", "notes.md")

    # The complete trees of both versions, for comparison.
    versions = {}
    for v in ["a", "b"]:
        write_version(stacks, v)
        shutil.rmtree(os.path.join(work, "out"), ignore_errors=True)
        assert run(gen_tf, work, *build).returncode == 0
        versions[v] = snapshot(os.path.join(work, "out"))
    # Measure a full build, to spread the kills over it.
    write_version(stacks, "a")
    assert run(gen_tf, work, *build).returncode == 0
    with open(hand, "w") as f:
        f.write("# Our notes\n")
    hand_hash = hashlib.sha256(b"# Our notes\n").hexdigest()
    write_version(stacks, "b")
    start = time.monotonic()
    assert run(gen_tf, work, *build).returncode == 0
    full = time.monotonic() - start
    write_version(stacks, "a")
    assert run(gen_tf, work, *build).returncode == 0

    counts = {"consistent": 0, "inconsistent": 0, "recovered": 0, "not recovered": 0}
    check_codes = {}
    killed_before_end = 0
    current = "a"
    problems = []
    for i in range(args.iterations):
        new = "b" if current == "a" else "a"
        write_version(stacks, new)
        p = subprocess.Popen(
            [gen_tf, *build],
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0, full * 1.1))
        if p.poll() is None:
            killed_before_end += 1
        p.send_signal(signal.SIGKILL)
        p.wait()
        tree = snapshot(os.path.join(work, "out"))
        old_t, new_t = versions[current], versions[new]
        bad = []
        for path in set(old_t) | set(new_t) | set(tree):
            if path == os.path.relpath(hand, os.path.join(work, "out")):
                if tree.get(path) != hand_hash:
                    bad.append(f"{path}: the hand-written file changed")
                continue
            name = os.path.basename(path)
            if name.startswith(".") and name.endswith(".tmp"):
                continue  # a leftover: reported by check, removed by the next build
            if tree.get(path) not in (old_t.get(path), new_t.get(path)):
                bad.append(f"{path}: neither the old nor the new version")
        counts["consistent" if not bad else "inconsistent"] += 1
        if bad:
            problems.append((i, bad[:3]))
        code = run(gen_tf, work, *check).returncode
        check_codes[code] = check_codes.get(code, 0) + 1
        # Recovery: a complete build, then check must pass.
        run(gen_tf, work, *build)
        ok = run(gen_tf, work, *check).returncode == 0
        counts["recovered" if ok else "not recovered"] += 1
        current = new

    print(f"gen-tf kill loop: {args.iterations} iterations, full build {full * 1000:.0f} ms")
    print(f"  killed while running: {killed_before_end}")
    for k, v in counts.items():
        print(f"  {k}: {v}")
    print(
        "  check exit codes after the kill: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(check_codes.items()))
    )
    for i, bad in problems[:10]:
        print(f"  iteration {i}: {'; '.join(bad)}")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if counts["inconsistent"] or counts["not recovered"] or 2 in check_codes else 0


if __name__ == "__main__":
    sys.exit(main())
