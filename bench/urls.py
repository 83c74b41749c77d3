"""The application's URLs plus the floor view the benchmark compares every page against. Only the benchmark
serves these (bench.wsgi, and bench.run in-process): the floor is not part of the product."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def floor(request: HttpRequest) -> HttpResponse:
    """The lightest signed-in page: what the framework and its middleware cost on their own."""
    return HttpResponse("floor", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor), path("", include("partnership.urls"))]
handler404 = "partnership.views.not_found"
