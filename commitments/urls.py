from django.urls import path

from commitments import views

app_name = "commitments"
urlpatterns = [
    path("", views.commitment_index, name="list"),
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("<int:pk>/update/<str:side>/", views.record_update, name="update"),
]

dashboard_patterns = (
    [
        path("", views.overview, name="overview"),
        path("areas/", views.breakdown, {"by": "area"}, name="areas"),
        path("owners/", views.breakdown, {"by": "owner"}, name="owners"),
    ],
    "dashboards",
)
