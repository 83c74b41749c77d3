"""The briefing pack's pages, under its meeting's address (/dialogues/meetings/<pk>/)."""

from django.urls import path

from reports import pack_views

app_name = "packs"
urlpatterns = [
    path("pack/", pack_views.pack_page, name="page"),
    path("pack.pdf", pack_views.pack_pdf, name="pdf"),
    path("pack/pdf/<int:pdf_id>/", pack_views.pack_pdf_status, name="pdf_status"),
    path("pack/pdf/<int:pdf_id>/download/", pack_views.pack_pdf_file, name="pdf_file"),
    path("pack/compare/", pack_views.pack_compare, name="compare"),
    path("assess/<int:commitment_id>/", pack_views.assess, name="assess"),
]
