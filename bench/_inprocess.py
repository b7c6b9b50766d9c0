"""Django set up for an in-process benchmark (Django's test Client against DATABASE_URL): the settings a
local HTTP run needs, the demo accounts allowed as they are."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
for key, value in {"DJANGO_SETTINGS_MODULE": "yuncheng.settings", "SECRET_KEY": "bench-only",
                   "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false",
                   "CSRF_COOKIE_SECURE": "false", "STATIC_STORAGE": "simple", "LOG_LEVEL": "WARNING",
                   "DEMO_ACCOUNTS_ALLOWED": "true"}.items():
    os.environ.setdefault(key, value)

import django  # noqa: E402

django.setup()
