from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    """Setting up a new partnership: the encoding proposed for its text, for a curator to review."""

    name = "onboarding"
    verbose_name = "Onboarding a partnership"
