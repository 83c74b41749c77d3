"""The onboarding pages: reading the uploaded text (views.reading), then its proposed commitments
(views.proposals). Administrators only (onboarding.access), on every view."""
