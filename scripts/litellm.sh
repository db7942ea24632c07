#!/usr/bin/env bash
# Creates .cache/litellm-venv with the LiteLLM proxy and its dependencies pinned in
# scripts/litellm-requirements.txt, for the end-to-end tests (tests/e2e/), which start it on
# 127.0.0.1 with mock models. Idempotent, and quiet when the venv already matches the file;
# about a minute the first time. Needs python3 with venv and pip (Python 3.11 here).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=".cache/litellm-venv"
REQUIREMENTS="scripts/litellm-requirements.txt"
STAMP="$VENV/.llmwire-requirements.sha256"
say() { printf 'setup: %s\n' "$*" >&2; }

WANT="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ -x "$VENV/bin/litellm" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$WANT" ]; then
  exit 0
fi
say "installing the LiteLLM proxy into $VENV ($(sed -n 's/^litellm==//p' "$REQUIREMENTS"), about a minute)"
mkdir -p .cache
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS"
# Check that it imports, offline (`litellm --version` would try to download a model cost map).
LITELLM_LOCAL_MODEL_COST_MAP=True "$VENV/bin/python" -c "import litellm.proxy.proxy_server, prisma" >/dev/null 2>&1 \
  || { say "LiteLLM did not install into $VENV"; exit 1; }
printf '%s\n' "$WANT" > "$STAMP"
