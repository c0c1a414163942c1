#!/usr/bin/env bash
# The GitHub Action's logic (action.yml runs it; tests/action.rs drives it with a fake
# GITHUB_OUTPUT and GITHUB_STEP_SUMMARY). Inputs come as environment variables:
#   INPUT_COMMAND         check (default), validate or diff
#   INPUT_BASE            diff: the git revision to compare with (default: origin/$GITHUB_BASE_REF
#                         on a pull request)
#   INPUT_GITHUB_TOKEN    diff: a token that may write pull-request comments; with one, the diff's
#                         Markdown is posted as one comment on the pull request, updated on reruns
#   INPUT_PATHS           stack files or directories, separated by spaces; empty: gen-tf.toml's
#   INPUT_ARGS            more flags, separated by spaces (for example `-V ENV=prd -o modules`)
#   INPUT_MESSAGE_FORMAT  github (default: annotations on the pull request), human or json
#   INPUT_VERSION         the released gen-tf to install, `0.1.0` or `latest` (default)
#   INPUT_GEN_TF          a gen-tf binary to run instead of installing one
#   INPUT_WORKING_DIRECTORY  where action.yml runs this (relative to the repository root): the
#                         prefix for the annotations' file names, which GitHub resolves from the root
#   GEN_TF_RELEASES_URL   where releases are downloaded from (default: the repository's)
# gen-tf is found in this order: INPUT_GEN_TF, a gen-tf already on PATH, else the version's
# shell installer from the GitHub release that `dist` made, installed into RUNNER_TEMP.
# Exits with gen-tf's code: 0 ok, 1 diagnostics or drift, 2 usage or I/O failure.
set -euo pipefail

command="${INPUT_COMMAND:-check}"
format="${INPUT_MESSAGE_FORMAT:-github}"
version="${INPUT_VERSION:-latest}"
releases="${GEN_TF_RELEASES_URL:-https://github.com/gen-tf/gen-tf/releases}"
output="${GITHUB_OUTPUT:-/dev/null}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"

fail() {
  echo "::error title=gen-tf action::$1"
  echo "exit-code=2" >>"$output"
  exit 2
}

case "$command" in
  check | validate | diff) ;;
  *) fail "command must be check, validate or diff, not '$command'" ;;
esac
case "$format" in
  github | human | json) ;;
  *) fail "message-format must be github, human or json, not '$format'" ;;
esac

if [ -n "${INPUT_GEN_TF:-}" ]; then
  [ -x "$INPUT_GEN_TF" ] || fail "gen-tf input '$INPUT_GEN_TF' is not an executable file"
  bin="$INPUT_GEN_TF"
elif command -v gen-tf >/dev/null 2>&1; then
  bin="$(command -v gen-tf)"
else
  case "$version" in
    latest) url="$releases/latest/download/gen-tf-installer.sh" ;;
    v*) url="$releases/download/$version/gen-tf-installer.sh" ;;
    *) url="$releases/download/v$version/gen-tf-installer.sh" ;;
  esac
  dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/gen-tf-$version"
  mkdir -p "$dir"
  echo "installing gen-tf $version from $url"
  # The installer that `dist` generates: a flat install into $dir, PATH and profiles untouched.
  curl --proto '=https' --tlsv1.2 -LsSf "$url" | GEN_TF_UNMANAGED_INSTALL="$dir" sh ||
    fail "could not install gen-tf $version from $url"
  bin="$dir/gen-tf"
  [ -x "$bin" ] || fail "the installer did not put gen-tf in $dir"
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$dir" >>"$GITHUB_PATH"
  fi
fi
installed="$("$bin" --version)" || fail "$bin --version failed"
echo "$installed ($bin)"

read -ra paths <<<"${INPUT_PATHS:-}"
read -ra args <<<"${INPUT_ARGS:-}"

# `command: diff`: annotations on the changed stack lines (the log), the Markdown report in the
# step summary and, with a token on a pull request, in one pull-request comment that reruns
# update (found by its marker line).
diff_action() {
  local base="${INPUT_BASE:-}"
  if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
    base="origin/$GITHUB_BASE_REF"
  fi
  [ -n "$base" ] || fail "command diff needs the base input (a git revision) outside a pull request"
  local md code
  md="$(mktemp)"
  set +e
  "$bin" --color never diff "${paths[@]}" "${args[@]}" --base "$base" --format github 2>&1 |
    sed -e "s#^\(::[a-z]* file=\)\([^/]\)#\1${prefix}\2#" | tee "$log"
  code="${PIPESTATUS[0]}"
  "$bin" --color never diff "${paths[@]}" "${args[@]}" --base "$base" --format markdown >"$md" 2>/dev/null
  set -e
  {
    echo "exit-code=$code"
    echo "errors=$(grep -c '^::error' "$log" || true)"
    echo "warnings=$(grep -c '^::warning' "$log" || true)"
    echo "version=$installed"
  } >>"$output"
  cat "$md" >>"$summary"
  if [ -n "${INPUT_GITHUB_TOKEN:-}" ]; then
    post_comment "$md" || echo "::warning title=gen-tf action::could not post the pull-request comment"
  fi
  rm -f "$md"
  exit "$code"
}

# Posts $1 as the pull request's gen-tf diff comment, or updates the one already there.
post_comment() {
  local event="${GITHUB_EVENT_PATH:-}" api="${GITHUB_API_URL:-https://api.github.com}"
  local number repo="${GITHUB_REPOSITORY:-}" marker='<!-- gen-tf diff -->' body id
  [ -n "$event" ] && [ -f "$event" ] && [ -n "$repo" ] || return 1
  number="$(python3 -c 'import json,sys; print((json.load(open(sys.argv[1])).get("pull_request") or {}).get("number") or "")' "$event")"
  [ -n "$number" ] || { echo "not a pull request: no comment posted"; return 0; }
  body="$(python3 -c 'import json,sys; print(json.dumps({"body": sys.argv[1] + "\n" + open(sys.argv[2]).read()}))' "$marker" "$1")"
  local auth=(-H "Authorization: Bearer $INPUT_GITHUB_TOKEN" -H "Accept: application/vnd.github+json")
  id="$(curl -fsS "${auth[@]}" "$api/repos/$repo/issues/$number/comments?per_page=100" |
    python3 -c 'import json,sys; m=sys.argv[1]; print(next((str(c["id"]) for c in json.load(sys.stdin) if m in (c.get("body") or "")), ""))' "$marker")" || return 1
  if [ -n "$id" ]; then
    curl -fsS -X PATCH "${auth[@]}" -d "$body" "$api/repos/$repo/issues/comments/$id" >/dev/null
    echo "updated the gen-tf diff comment on pull request #$number"
  else
    curl -fsS -X POST "${auth[@]}" -d "$body" "$api/repos/$repo/issues/$number/comments" >/dev/null
    echo "posted the gen-tf diff comment on pull request #$number"
  fi
}
# gen-tf names files relative to where it runs; GitHub resolves them from the repository root.
prefix=""
wd="${INPUT_WORKING_DIRECTORY:-.}"
wd="${wd#./}"
if [ "$wd" != "." ] && [ -n "$wd" ]; then
  case "$wd" in
    /* | *[!A-Za-z0-9._/-]*) echo "::warning title=gen-tf action::annotations are not prefixed with working-directory '$wd'" ;;
    *) prefix="${wd%/}/" ;;
  esac
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if [ "$command" = diff ]; then
  diff_action
fi
# Workflow commands are read from the step's output; stderr (diagnostics) joins stdout (the
# diff of `check`) so that every line reaches the log in order.
set +e
"$bin" --message-format "$format" --color never "$command" "${paths[@]}" "${args[@]}" 2>&1 |
  sed -e "s#^\(::[a-z]* file=\)\([^/]\)#\1${prefix}\2#" | tee "$log"
code="${PIPESTATUS[0]}"
set -e

errors="$(grep -c '^::error' "$log" || true)"
warnings="$(grep -c '^::warning' "$log" || true)"
{
  echo "exit-code=$code"
  echo "errors=$errors"
  echo "warnings=$warnings"
  echo "version=$installed"
} >>"$output"
{
  case "$code" in
    0) echo "### gen-tf $command passed" ;;
    1) echo "### gen-tf $command found problems" ;;
    *) echo "### gen-tf $command failed (exit $code)" ;;
  esac
  echo
  echo "$installed: $errors error(s), $warnings warning(s) annotated."
  if grep -qv '^::' "$log"; then
    echo
    echo '```text'
    grep -v '^::' "$log" | head -n 200
    echo '```'
  fi
} >>"$summary"
exit "$code"
