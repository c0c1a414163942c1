#!/usr/bin/env bash
# Proves the release setup (dist-workspace.toml, .github/workflows/release.yml) on this machine,
# since nothing can be published from CI: installs `dist` (cargo-dist) with `cargo install` into a
# cache once, checks that the committed release workflow is what `dist generate` writes, that
# `dist plan` lists every archive and installer, then builds the host archive with
# `dist build`, unpacks it and runs the `gen-tf --version` inside. Last, the GitHub Action's
# script installs that archive with the release's own shell installer (downloads served from
# target/distrib by a stand-in curl, since GitHub is out of reach) and checks a stale module.
#
# The host build uses the `dist` profile at opt-level 0 without LTO: it proves the packaging,
# not the optimizer, and takes a fraction of the time on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

DIST_VERSION=0.34.0
root="${XDG_CACHE_HOME:-$HOME/.cache}/gen-tf-ci/dist"
if ! "$root/bin/dist" --version 2>/dev/null | grep -qx "cargo-dist $DIST_VERSION"; then
  echo "installing cargo-dist $DIST_VERSION into $root"
  rm -rf "$root"
  # Installing a tool, not shipping it: no optimization keeps the install to minutes.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}" \
    CARGO_TARGET_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/gen-tf-ci/dist-build" \
    cargo install cargo-dist --version "$DIST_VERSION" --locked --quiet --root "$root"
  rm -rf "${XDG_CACHE_HOME:-$HOME/.cache}/gen-tf-ci/dist-build"
fi
export PATH="$root/bin:$PATH"
dist --version

echo "--- dist generate --check (the committed release workflow is up to date)"
dist generate --check

echo "--- dist plan"
plan="$(dist plan 2>&1)"
echo "$plan"
for artifact in \
  gen-tf-x86_64-unknown-linux-gnu.tar.xz gen-tf-aarch64-unknown-linux-gnu.tar.xz \
  gen-tf-x86_64-apple-darwin.tar.xz gen-tf-aarch64-apple-darwin.tar.xz \
  gen-tf-x86_64-pc-windows-msvc.zip gen-tf-installer.sh gen-tf-installer.ps1 gen-tf.rb; do
  if ! grep -q "^ *$artifact\$" <<<"$plan"; then
    echo "error: dist plan does not list $artifact" >&2
    exit 1
  fi
done

host="$(rustc -vV | sed -n 's/^host: //p')"
echo "--- dist build --artifacts=local --target $host"
CARGO_PROFILE_DIST_OPT_LEVEL=0 CARGO_PROFILE_DIST_LTO=false CARGO_PROFILE_DIST_CODEGEN_UNITS=256 \
  dist build --artifacts=local --target "$host"
archive="target/distrib/gen-tf-$host.tar.xz"
if [ ! -f "$archive" ]; then
  echo "error: dist build did not produce $archive" >&2
  exit 1
fi
unpacked="$(mktemp -d)"
trap 'rm -rf "$unpacked"' EXIT
tar -xJf "$archive" -C "$unpacked"
version="$("$unpacked/gen-tf-$host/gen-tf" --version)"
echo "$archive: $version"
crate_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
expected="gen-tf $crate_version"
if [ "$version" != "$expected" ]; then
  echo "error: the archive's gen-tf --version says '$version', expected '$expected'" >&2
  exit 1
fi

echo "--- cargo binstall's metadata names this archive and the binary inside it"
meta() { sed -n "/^\[package.metadata.binstall\]/,/^\[/s/^$1 = \"\(.*\)\"$/\1/p" Cargo.toml; }
render() { sed -e "s/{ name }/gen-tf/g; s/{ target }/$host/g; s/{ bin }/gen-tf/g" \
  -e 's/{ binary-ext }//g; s/{ archive-suffix }/.tar.xz/g; s/{ version }/'"$crate_version"'/g'; }
pkg_url="$(meta pkg-url | render)"
bin_dir="$(meta bin-dir | render)"
echo "pkg-url: $pkg_url"
echo "bin-dir: $bin_dir"
if [ "${pkg_url##*/}" != "${archive##*/}" ] || [ "$(meta pkg-fmt)" != txz ] ||
  ! [ -x "$unpacked/$bin_dir" ]; then
  echo "error: [package.metadata.binstall] does not match the archive dist builds" >&2
  exit 1
fi

echo "--- the installers (dist build --artifacts=global)"
dist build --artifacts=global
for f in gen-tf-installer.sh gen-tf-installer.ps1 gen-tf.rb; do
  [ -f "target/distrib/$f" ] || { echo "error: no target/distrib/$f" >&2; exit 1; }
done

echo "--- scripts/action.sh installs the archive with gen-tf-installer.sh, then checks a stale module"
work="$unpacked/action"
mkdir -p "$work/fake-bin" "$work/project/stacks" "$work/github"
repo="$PWD"
distrib="$repo/target/distrib"
# curl as the action and the installer call it (`... URL` to stdout, or `-o FILE`): a release
# download is the file of the same name in target/distrib.
cat >"$work/fake-bin/curl" <<CURL
#!/bin/sh
out=""; url=""
while [ \$# -gt 0 ]; do
  case "\$1" in
    -o) out="\$2"; shift 2 ;;
    --header|--proto) shift 2 ;;
    -*) shift ;;
    *) url="\$1"; shift ;;
  esac
done
case "\$url" in */releases/download/v*/*) ;; *) echo "unexpected URL \$url" >&2; exit 22 ;; esac
file="$distrib/\${url##*/}"
[ -f "\$file" ] || { echo "404 \$url" >&2; exit 22; }
if [ -n "\$out" ]; then cp "\$file" "\$out"; else cat "\$file"; fi
CURL
chmod +x "$work/fake-bin/curl"
printf '%s\n' "{ name: 'shop', services: { api: { cpu: 256, memory: 512 } } }" >"$work/project/stacks/shop.jsonnet"
(cd "$work/project" && "$unpacked/gen-tf-$host/gen-tf" build stacks/shop.jsonnet -o modules >/dev/null 2>&1)
sed -i 's/512/1024/' "$work/project/stacks/shop.jsonnet"
set +e
(
  cd "$work/project" &&
    PATH="$work/fake-bin:$(printf '%s' "$PATH" | tr ':' '\n' | while read -r d; do [ -x "$d/gen-tf" ] || printf '%s:' "$d"; done)" \
      RUNNER_TEMP="$work/runner" GITHUB_OUTPUT="$work/github/output" \
      GITHUB_STEP_SUMMARY="$work/github/summary" GITHUB_PATH="$work/github/path" \
      INPUT_VERSION="$crate_version" \
      INPUT_PATHS=stacks/shop.jsonnet INPUT_ARGS="-o modules" \
      bash "$repo/scripts/action.sh"
) >"$work/log" 2>&1
code=$?
set -e
cat "$work/log"
if [ "$code" != 1 ] || ! grep -q '^::error file=modules/shop/api.tf' "$work/log" ||
  ! [ -x "$work/runner/gen-tf-$crate_version/gen-tf" ]; then
  echo "error: the action, with gen-tf from the installer, should exit 1 with an ::error line (exit $code)" >&2
  exit 1
fi
echo "the action installed gen-tf with the release installer and failed on the stale module: ok"
