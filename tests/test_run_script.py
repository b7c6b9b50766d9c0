"""scripts/run prints the address gunicorn really serves (GUNICORN_BIND), not a fixed one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from yuncheng.gunicorn_conf import served_address

ROOT = Path(__file__).resolve().parent.parent


def _printed_address(bind: str | None) -> str:
    """Run the lines of scripts/run that work out and print the address, with GUNICORN_BIND as given."""
    script = (ROOT / "scripts" / "run").read_text()
    lines = [line for line in script.splitlines() if line.startswith(("ADDRESS=", 'echo "==> 服务地址'))]
    env = {key: value for key, value in os.environ.items() if key != "GUNICORN_BIND"}
    if bind is not None:
        env["GUNICORN_BIND"] = bind
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", f"PY={sys.executable}\n" + "\n".join(lines)],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return result.stdout


def test_the_run_script_prints_the_bound_address():
    assert "http://127.0.0.1:8123/" in _printed_address("127.0.0.1:8123")
    assert "8000" not in _printed_address("127.0.0.1:8123")
    assert "http://127.0.0.1:8000/" in _printed_address(None)


@pytest.mark.parametrize("bind, address", [
    ("127.0.0.1:8000", "http://127.0.0.1:8000/"),
    ("10.0.0.5:80", "http://10.0.0.5:80/"),
    ("localhost", "http://localhost:8000/"),  # gunicorn's port when none is given
    ("[::1]:8001", "http://[::1]:8001/"),
    ("0.0.0.0:9000", "http://127.0.0.1:9000/（监听所有网卡）"),
    ("unix:/run/yc.sock", "unix:/run/yc.sock（unix 套接字，经反向代理访问）"),
])
def test_served_address_of_each_kind_of_bind(bind, address):
    assert served_address(bind) == address
