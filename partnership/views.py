from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache


def home(request: HttpRequest) -> HttpResponse:
    """Officials start from what they owe; everyone else from the overview dashboard."""
    if request.user.is_official and request.user.organisation_id:
        return redirect("my_work")
    return redirect("dashboards:overview")


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: the database (needed to serve: 503 without it), the broker, and when the
    reminder sweep last completed (a stalled beat or worker shows as a stale sweep)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from dialogues.models import SweepRun
    from partnership.celery import app as celery_app

    report = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - the health check reports any failure
        report["database"] = f"error: {exc.__class__.__name__}"
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        report["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        report["broker"] = f"error: {exc.__class__.__name__}"
    if report["database"] == "ok":
        last = SweepRun.objects.order_by("-finished_at").values_list("finished_at", flat=True).first()
        report["last_sweep"] = last.isoformat() if last else None
        limit = timedelta(seconds=3 * settings.REMINDER_SWEEP_SECONDS + 60)
        report["sweep"] = "ok" if last and timezone.now() - last < limit else "stale"
    if report["database"] != "ok":
        report["status"] = "error"
    elif report["broker"] != "ok" or report.get("sweep") != "ok":
        report["status"] = "degraded"
    return JsonResponse(report, status=503 if report["status"] == "error" else 200)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404s: the API's in its JSON error shape, the pages' as a page."""
    if request.path.startswith("/api/"):
        body = {"status": 404, "code": "not_found", "detail": "No such address in the API.", "errors": {}}
        return JsonResponse(body, status=404)
    return render(request, "404.html", status=404)
