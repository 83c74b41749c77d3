from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports and exports"

    def ready(self):
        # reports.pdfs renders by kind and knows none of them: the pack and the reports tell it how.
        from reports import report_pdfs
        from reports.pack_pdf import KIND, render_pack_pdf
        from reports.pdfs import register

        register(KIND, render_pack_pdf)
        for kind in report_pdfs.BY_KIND:
            register(kind, report_pdfs.render_report_pdf, keep=report_pdfs.KEEP)
