#!/usr/bin/env bash
# Installs the real claude, codex and gemini CLIs into .cache/real-clis for the end-to-end tests
# (test/providers/real-cli.test.ts). Idempotent: does nothing when the pinned versions are present.
# Versions are those of ../shared/spec/cli-help (the --help texts the flag check reads).
set -euo pipefail
cd "$(dirname "$0")/.."

CLAUDE_VERSION=2.1.197
CODEX_VERSION=0.169.0
GEMINI_VERSION=0.61.0
PREFIX=.cache/real-clis

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
