"""The application under gunicorn for the benchmark: the product's, on the bench's URLs (plus the floor view)."""

import os

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
django.setup(set_prefix=False)
settings.ROOT_URLCONF = "bench.urls"

from partnership.wsgi import application  # noqa: E402,F401 - with its collector settled, as in production
