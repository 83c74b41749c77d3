from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports and exports"

    def ready(self):
        # reports.pdfs renders by kind and knows none of them: the pack tells it how.
        from reports.pack_pdf import KIND, render_pack_pdf
        from reports.pdfs import register

        register(KIND, render_pack_pdf)
