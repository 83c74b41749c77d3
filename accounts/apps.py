from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self):
        from accounts import signals  # noqa: F401 - the sign-in stamp and the sign-in audit
