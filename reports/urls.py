from django.urls import path

from reports import dashboard_views, views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, name="index"),
    path("commitments.<str:fmt>", views.commitments_export, name="commitments"),
    path("history/", views.history_page, name="history"),
    path("history.<str:fmt>", views.history_export, name="history_export"),
    path("overview.<str:fmt>", views.overview_export, name="overview"),
    path("changes.<str:fmt>", views.changes_export, name="changes"),
    path("pdf/<int:pdf_id>/", views.pdf_status, name="pdf_status"),
    path("pdf/<int:pdf_id>/download/", views.pdf_file, name="pdf_file"),
]

dashboard_patterns = (
    [
        path("", dashboard_views.overview, name="overview"),
        path("areas/", dashboard_views.breakdown, {"by": "area"}, name="areas"),
        path("owners/", dashboard_views.breakdown, {"by": "owner"}, name="owners"),
    ],
    "dashboards",
)
