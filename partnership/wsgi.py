import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
application = get_wsgi_application()


def settle_collector() -> None:
    """Once the app is loaded, the cyclic garbage collector leaves what it loaded alone (it lives as long as the
    worker) and waits for 50 000 new objects, not 700, before collecting: a page makes tens of thousands of
    short-lived ones, and collecting every 700 cost about a tenth of each page (measured, `make bench`)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)


settle_collector()
