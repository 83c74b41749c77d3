"""The application under gunicorn for the benchmark: the product's settings, plus the floor view (bench.urls)."""

import os

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
django.setup(set_prefix=False)
settings.ROOT_URLCONF = "bench.urls"
application = get_wsgi_application()
