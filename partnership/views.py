from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from partnership.health import report as health_report


def home(request: HttpRequest) -> HttpResponse:
    """Officials start from what they owe; everyone else from the overview dashboard."""
    if request.user.is_official and request.user.organisation_id:
        return redirect("my_work")
    return redirect("dashboards:overview")


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: the database (needed to serve: 503 without it), the broker, the reminder
    sweep and the mail server, each named when it fails (partnership.health)."""
    result = health_report()
    return JsonResponse(result, status=503 if result["status"] == "error" else 200)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404s: the API's in its JSON error shape, the pages' as a page."""
    if request.path.startswith("/api/"):
        body = {"status": 404, "code": "not_found", "detail": "No such address in the API.", "errors": {}}
        return JsonResponse(body, status=404)
    return render(request, "404.html", status=404)
