from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts import views as account_views
from commitments import views as commitment_views
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from commitments.api import CommitmentViewSet, UpdateViewSet
from dialogues import views as dialogue_views
from reports import dashboard_views
from reports import views as report_views
from reports.urls import dashboard_patterns
from partnership import views
from dialogues.api import ActionViewSet, MeetingViewSet, SeriesViewSet
from agreement.api import AreaViewSet, OrganisationViewSet, ParagraphViewSet, PartnershipViewSet, PartViewSet

router = DefaultRouter()
router.register("partnerships", PartnershipViewSet, basename="partnership")
router.register("parts", PartViewSet, basename="part")
router.register("areas", AreaViewSet, basename="area")
router.register("paragraphs", ParagraphViewSet, basename="paragraph")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("updates", UpdateViewSet, basename="update")
router.register("dialogue-series", SeriesViewSet, basename="dialogue-series")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("actions", ActionViewSet, basename="action")

partnership_patterns = (
    [
        path("", commitment_views.partnership_list, name="list"),
        path("<slug:slug>/", commitment_views.document, name="document"),
    ],
    "partnership",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("partnerships/", include(partnership_patterns)),
    path("commitments/", include("commitments.urls")),
    path("dashboard/", include(dashboard_patterns)),
    path("my-work/", dashboard_views.my_work, name="my_work"),
    path("portfolio/", dashboard_views.portfolio_page, name="portfolio"),
    path("portfolio.<str:fmt>", report_views.portfolio_export, name="portfolio_export"),
    path("dialogues/", include("dialogues.urls")),
    path("dialogues/meetings/<int:pk>/", include("reports.pack_urls")),
    path("reports/", include("reports.urls")),
    path("returns/", include("returns.urls")),
    path("onboarding/", include("onboarding.urls")),
    path("calendar/<str:token>.ics", dialogue_views.calendar_feed, name="calendar_feed"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include(router.urls)),
    path("accounts/login/", account_views.SignIn.as_view(), name="login"),
    path("accounts/logout/", account_views.SignOut.as_view(), name="logout"),
    path("accounts/sso/<slug:slug>/", account_views.sso_start, name="sso_start"),
    path("accounts/sso/<slug:slug>/callback/", account_views.sso_callback, name="sso_callback"),
    path("accounts/pending/", account_views.account_pending, name="account_pending"),
    path("accounts/tokens/", account_views.api_tokens, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", account_views.revoke_token, name="revoke_token"),
    path("accounts/two-factor/", account_views.two_factor_settings, name="two_factor"),
    path("accounts/two-factor/start/", account_views.two_factor_start, name="two_factor_start"),
    path("accounts/two-factor/disable/", account_views.two_factor_disable, name="two_factor_disable"),
    path("accounts/two-factor/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/password/", account_views.PasswordChange.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Before the admin's own: people signed in without staff access are told the admin is not for their role.
    path("admin/login/", views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon, name="favicon"),
]

handler404 = "partnership.views.not_found"
