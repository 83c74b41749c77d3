from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from commitments import views as commitment_views
from commitments.api import CommitmentViewSet
from commitments.urls import dashboard_patterns
from dialogues import views as dialogue_views
from partnership import views
from partnership.api import ParagraphViewSet

router = DefaultRouter()
router.register("paragraphs", ParagraphViewSet, basename="paragraph")
router.register("commitments", CommitmentViewSet, basename="commitment")

partnership_patterns = (
    [
        path("", views.partnership_list, name="list"),
        path("<slug:slug>/", views.document, name="document"),
    ],
    "partnership",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("partnerships/", include(partnership_patterns)),
    path("commitments/", include("commitments.urls")),
    path("dashboard/", include(dashboard_patterns)),
    path("my-work/", commitment_views.my_work, name="my_work"),
    path("dialogues/", include("dialogues.urls")),
    path("calendar/<str:token>.ics", dialogue_views.calendar_feed, name="calendar_feed"),
    path("api/", include(router.urls)),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
]
