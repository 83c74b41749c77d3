from django.urls import path

from commitments import views

app_name = "commitments"
urlpatterns = [
    path("", views.commitment_index, name="list"),
    path("instruments/", views.instruments, name="instruments"),
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("<int:pk>/update/<str:side>/", views.record_update, name="update"),
]
