from django.apps import AppConfig


class AgreementConfig(AppConfig):
    name = "agreement"
    # The label the models were first created under: their tables, migrations and permissions keep it.
    label = "partnership"
    verbose_name = "The agreement"
