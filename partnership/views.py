from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache

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


@login_not_required
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page names no icon (the admin, the API's JSON, a PDF): the static one."""
    return redirect(static("favicon.ico"), permanent=True)


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in, except for people signed in without staff access: Django would offer them a sign-in to
    another account; they are told plainly that the admin is not for their role."""
    if request.user.is_authenticated and not admin.site.has_permission(request):
        return render(request, "admin/not_for_your_role.html", status=403)
    return admin.site.login(request)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404s: the API's in its JSON error shape, the pages' as a page."""
    if request.path.startswith("/api/"):
        body = {"status": 404, "code": "not_found", "detail": "No such address in the API.", "errors": {}}
        return JsonResponse(body, status=404)
    return render(request, "404.html", status=404)
