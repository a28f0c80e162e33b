#!/usr/bin/env bash
# Installs the judge: Debian's python3-azure ships azure-ai-ml 1.4.0 (about 12 MB download). Idempotent.
set -euo pipefail
if /usr/bin/python3 -c 'import azure.ai.ml' 2>/dev/null || /usr/bin/python3 -c 'import sys; sys.path.insert(0, "'"$(dirname "$0")"'/python"); import azure.ai.ml' 2>/dev/null; then
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-azure >/dev/null
