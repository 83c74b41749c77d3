from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.tokens import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name", help_text="What the token is for, e.g. “monthly report script”.")


def _require_role(user) -> None:
    if not user.has_role:
        raise PermissionDenied("API tokens are for accounts with a role in the tracker.")


def api_tokens(request: HttpRequest) -> HttpResponse:
    """Make, name and revoke the tokens your scripts use; a new token's key is shown once."""
    _require_role(request.user)
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        token, new_key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, f"Token “{token.name}” made. Copy its key now: it will not be shown again.")
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    _require_role(request.user)
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # another user's token is simply not found
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        messages.success(request, f"Token “{token.name}” revoked: scripts using it are refused from now on.")
    return redirect("api_tokens")
