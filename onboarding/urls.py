from django.urls import path

from onboarding.views import proposals, reading

app_name = "onboarding"
urlpatterns = [
    path("", reading.index, name="index"),
    path("upload/", reading.upload, name="upload"),
    path("<int:pk>/", reading.preview, name="preview"),
    path("<int:pk>/lines/", reading.lines, name="lines"),
    path("<int:pk>/correct/", reading.correct, name="correct"),
    path("<int:pk>/line/", reading.mark_line, name="mark_line"),
    path("<int:pk>/import/", reading.import_text, name="import"),
    path("<int:pk>/proposals/", proposals.proposals, name="proposals"),
    path("<int:pk>/proposals/<int:proposal_pk>/", proposals.edit, name="edit"),
    path("<int:pk>/proposals/<int:proposal_pk>/split/", proposals.split, name="split"),
    path("<int:pk>/proposals/<int:proposal_pk>/merge/", proposals.merge, name="merge"),
    path("<int:pk>/proposals/<int:proposal_pk>/drop/", proposals.drop, name="drop"),
    path("<int:pk>/owners/", proposals.fill_owners, name="fill_owners"),
    path("<int:pk>/organisations/", proposals.add_organisation, name="add_organisation"),
    path("<int:pk>/publish/", proposals.publish, name="publish"),
    path("<int:pk>/commitments.toml", proposals.download, name="download"),
    path("<int:pk>/organisations.toml", proposals.download_organisations, name="download_organisations"),
    path("<int:pk>/agreement.txt", proposals.download_text, name="download_text"),
]
