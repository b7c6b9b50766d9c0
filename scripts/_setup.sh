# Sourced by scripts/run and scripts/test: a virtualenv with the pinned Python packages and the npm
# front-end packages, each reinstalled only when its requirements file changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  echo "==> 创建虚拟环境 .venv ($("$PYTHON" --version))"
  "$PYTHON" -m venv .venv
fi
req_stamp=.venv/.requirements.sha
req_hash=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$req_stamp" 2>/dev/null)" != "$req_hash" ]; then
  echo "==> 安装 Python 依赖 (requirements.txt)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$req_hash" > "$req_stamp"
fi
npm_stamp=node_modules/.lock.sha
npm_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_hash" ]; then
  echo "==> 安装前端依赖 (npm ci: Bootstrap, Bootstrap Icons, Chart.js)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_hash" > "$npm_stamp"
fi
mkdir -p data
