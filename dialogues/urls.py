from django.urls import path

from dialogues import views

app_name = "dialogues"
urlpatterns = [
    path("", views.series_index, name="index"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/guidance/", views.guidance_add, name="guidance_add"),
    path("meetings/<int:pk>/actions/", views.action_add, name="action_add"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("meetings/<int:pk>/milestones/new/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/withdraw/", views.milestone_withdraw, name="milestone_withdraw"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", views.notification_page, name="notification"),
    path("notifications/<int:pk>/answer/", views.notification_answer, name="notification_answer"),
    path("notifications/digest/", views.digest_frequency, name="digest_frequency"),
    path("calendar/", views.calendar_page, name="calendar"),
]
