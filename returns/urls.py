from django.urls import path

from returns import views

app_name = "returns"
urlpatterns = [
    path("", views.index, name="index"),
    path("download/<slug:slug>.xlsx", views.download, name="download"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/discard/", views.discard, name="discard"),
]
