from django.apps import AppConfig


class DialoguesConfig(AppConfig):
    name = "dialogues"

    def ready(self):
        # reports.pdfs renders by kind and imports nothing above it: the pack tells it how.
        from dialogues.pack_pdf import KIND, render_pack_pdf
        from reports.pdfs import register

        register(KIND, render_pack_pdf)
