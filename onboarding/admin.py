from django.contrib import admin

from common.admin import ReadOnly
from onboarding.models import Onboarding, ProposedCommitment


@admin.register(Onboarding)
class OnboardingAdmin(ReadOnly, admin.ModelAdmin):
    """Written by the onboarding pages' services (each write audited); shown here, never edited."""

    list_display = ["filename", "state", "partnership", "uploaded_by", "uploaded_at", "published_at"]
    list_filter = ["state"]
    list_select_related = ["partnership", "uploaded_by"]
    exclude = ["source"]  # the text's lines: thousands of them; the onboarding pages show them


@admin.register(ProposedCommitment)
class ProposedCommitmentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["ref", "title", "strength", "cadence", "dropped", "onboarding"]
    list_filter = ["onboarding", "dropped"]
    list_select_related = ["onboarding"]
    search_fields = ["ref", "title", "clause"]
