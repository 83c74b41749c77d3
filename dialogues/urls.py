from django.urls import path

from dialogues import pack_views, views

app_name = "dialogues"
urlpatterns = [
    path("", views.series_index, name="index"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/pack/", pack_views.pack_page, name="pack"),
    path("meetings/<int:pk>/pack.pdf", pack_views.pack_pdf, name="pack_pdf"),
    path("meetings/<int:pk>/pack/pdf/<int:pdf_id>/", pack_views.pack_pdf_status, name="pack_pdf_status"),
    path("meetings/<int:pk>/pack/pdf/<int:pdf_id>/download/", pack_views.pack_pdf_file, name="pack_pdf_file"),
    path("meetings/<int:pk>/pack/compare/", pack_views.pack_compare, name="pack_compare"),
    path("meetings/<int:pk>/assess/<int:commitment_id>/", pack_views.assess, name="assess"),
    path("meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/guidance/", views.guidance_add, name="guidance_add"),
    path("meetings/<int:pk>/actions/", views.action_add, name="action_add"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("calendar/", views.calendar_page, name="calendar"),
]
