"""The production application, as gunicorn loads it."""

import os
import subprocess
import sys


def test_the_loaded_application_leaves_its_own_objects_to_the_collector_and_collects_less_often():
    script = "import gc, partnership.wsgi; print(gc.get_threshold(), gc.get_freeze_count() > 10_000)"
    printed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                             env={**os.environ, "DJANGO_SETTINGS_MODULE": "partnership.settings"}).stdout
    assert printed.strip() == "(50000, 20, 10) True"
