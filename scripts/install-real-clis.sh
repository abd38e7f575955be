#!/usr/bin/env bash
# Installs the real claude, codex and gemini CLIs into .cache/real-clis for the end-to-end tests
# (test/providers/real-cli.test.ts). Idempotent: does nothing when the pinned versions are present.
# The versions are pinned in one place, the ARG lines of Dockerfile.sandbox, so the sandbox image
# and these tests run the same CLIs. `--print-versions` prints them and installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

pinned() {
  local value
  value="$(sed -n "s/^ARG $1=//p" Dockerfile.sandbox)"
  if [ -z "$value" ]; then
    echo "install-real-clis: no ARG $1=... in Dockerfile.sandbox" >&2
    exit 1
  fi
  echo "$value"
}
CLAUDE_VERSION="$(pinned CLAUDE_CODE_VERSION)"
CODEX_VERSION="$(pinned CODEX_VERSION)"
GEMINI_VERSION="$(pinned GEMINI_CLI_VERSION)"
PREFIX=.cache/real-clis

if [ "${1:-}" = "--print-versions" ]; then
  printf 'claude %s\ncodex %s\ngemini %s\n' "$CLAUDE_VERSION" "$CODEX_VERSION" "$GEMINI_VERSION"
  exit 0
fi

installed_version() {
  # prints the version field of an installed package, or nothing
  local pkg_json="$PREFIX/node_modules/$1/package.json"
  [ -f "$pkg_json" ] && node -p "require('./$pkg_json').version" 2>/dev/null || true
}

if [ "$(installed_version @anthropic-ai/claude-code)" = "$CLAUDE_VERSION" ] \
  && [ "$(installed_version @openai/codex)" = "$CODEX_VERSION" ] \
  && [ "$(installed_version @google/gemini-cli)" = "$GEMINI_VERSION" ] \
  && [ -x "$PREFIX/node_modules/.bin/claude" ] && [ -x "$PREFIX/node_modules/.bin/codex" ] && [ -x "$PREFIX/node_modules/.bin/gemini" ]; then
  echo "install-real-clis: claude $CLAUDE_VERSION, codex $CODEX_VERSION, gemini $GEMINI_VERSION already in $PREFIX"
  exit 0
fi

mkdir -p "$PREFIX"
# A package.json of its own so npm does not walk up into the project's.
[ -f "$PREFIX/package.json" ] || echo '{"name":"ductor-real-clis","private":true}' > "$PREFIX/package.json"
npm install --prefix "$PREFIX" --no-audit --no-fund --save-exact --loglevel=error \
  "@anthropic-ai/claude-code@$CLAUDE_VERSION" \
  "@openai/codex@$CODEX_VERSION" \
  "@google/gemini-cli@$GEMINI_VERSION"

for cli in claude codex gemini; do
  if [ ! -x "$PREFIX/node_modules/.bin/$cli" ]; then
    echo "install-real-clis: $PREFIX/node_modules/.bin/$cli missing after install" >&2
    exit 1
  fi
done
echo "install-real-clis: installed claude $CLAUDE_VERSION, codex $CODEX_VERSION, gemini $GEMINI_VERSION in $PREFIX"
