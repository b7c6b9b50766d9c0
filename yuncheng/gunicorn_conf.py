"""gunicorn settings: ``gunicorn -c python:yuncheng.gunicorn_conf yuncheng.wsgi``.

The access log is where a URL's parameters land: its lines pass the same masking filter as the
application's (yuncheng.personal_numbers) before they are written.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# gunicorn's default line plus the time the request took (ms), for "where does the time go".
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_numbers": {"()": "yuncheng.personal_numbers.MaskPersonalNumbersFilter"}},
    "formatters": {"generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
                   "access": {"format": "%(message)s"}},
    "handlers": {
        "access": {"class": "logging.StreamHandler", "formatter": "access", "filters": ["mask_personal_numbers"],
                   "stream": "ext://sys.stdout"} if accesslog == "-" else
                  {"class": "logging.FileHandler", "formatter": "access", "filters": ["mask_personal_numbers"],
                   "filename": accesslog, "encoding": "utf-8"},
        "error": {"class": "logging.StreamHandler", "formatter": "generic", "filters": ["mask_personal_numbers"],
                  "stream": "ext://sys.stderr"},
    },
    # gunicorn lays this over its own defaults, whose root logger names a "console" handler: replace it.
    "root": {"level": "INFO", "handlers": ["error"]},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}


def served_address(bind: str) -> str:
    """The address a person opens for ``bind`` (what ``scripts/run`` prints): ``http://host:port/``; a
    wildcard host serves every interface, reached locally through the loopback; a unix socket is named as
    such (a reverse proxy serves it); a host without a port is gunicorn's port 8000."""
    bind = bind.split(",")[0].strip()
    if bind.startswith("unix:"):
        return f"{bind}（unix 套接字，经反向代理访问）"
    if bind.startswith("fd://"):
        return bind
    if bind.startswith("["):  # an IPv6 address: [::1]:8000
        host, _, port = bind.partition("]")
        host, port = host + "]", port.removeprefix(":")
    else:
        host, _, port = bind.partition(":")
    port = port or "8000"
    if host in ("", "0.0.0.0", "[::]", "::"):
        return f"http://127.0.0.1:{port}/（监听所有网卡）"
    return f"http://{host}:{port}/"
