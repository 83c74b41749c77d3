from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, LogoutView, PasswordChangeView
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts import oidc, two_factor
from accounts.middleware import SINGLE_SIGN_ON_BACKEND, signed_in_through_provider
from accounts.forms import CodeForm
from accounts.tokens import ApiToken
from audit import log as audit


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
    if token.revoke(by=request.user):
        messages.success(request, f"Token “{token.name}” revoked: scripts using it are refused from now on.")
    return redirect("api_tokens")


class PasswordChange(PasswordChangeView):
    """Django's own page; the change and its audit entry are one write."""

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        audit.write("password changed", by=self.request.user)
        return response


# ---------------------------------------------------------------------------------------------------------------------
# The second factor (accounts/two_factor.py)


def _require_may_enrol(user) -> None:
    if not two_factor.may_enrol(user):
        raise PermissionDenied("Two-factor sign-in is for administrators.")


def _two_factor_page(request: HttpRequest, *, confirm_form=None, disable_form=None) -> HttpResponse:
    device = two_factor.confirmed_device(request.user)
    pending = None if device else two_factor.pending_device(request.user)
    context = {"device": device, "pending": pending, "confirm_form": None, "disable_form": None}
    if device:
        context["disable_form"] = disable_form or CodeForm(device=device, auto_id="disable_%s")
    elif pending:
        context |= {
            "confirm_form": confirm_form or CodeForm(device=pending),
            "qr_svg": two_factor.qr_svg(pending),
            "secret": two_factor.secret_text(pending),
            "otpauth": pending.config_url,
        }
    return render(request, "accounts/two_factor.html", context)


def two_factor_settings(request: HttpRequest) -> HttpResponse:
    """An administrator's authenticator app: set it up (QR code, then a code to confirm it) or turn it off.
    POST confirms the one being set up."""
    _require_may_enrol(request.user)
    if request.method != "POST":
        return _two_factor_page(request)
    pending = two_factor.pending_device(request.user)
    if pending is None:
        return redirect("two_factor")  # a stale form: show where things stand
    form = CodeForm(request.POST, device=pending)
    if not form.is_valid():
        two_factor.record_check(user=request.user, during="set-up", accepted=False, throttled=form.throttled)
        return _two_factor_page(request, confirm_form=form)
    two_factor.device_confirm(device=pending)
    otp_login(request, pending)  # the code just typed proves this session too
    messages.success(request, "Two-factor sign-in is on: from your next sign-in you will be asked for a code.")
    return redirect("two_factor")


@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    _require_may_enrol(request.user)
    if not two_factor.has_confirmed_device(request.user):
        two_factor.device_start(user=request.user)
    return redirect("two_factor")


@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Turning it off needs a current code: a session left open is not enough to remove the second factor."""
    _require_may_enrol(request.user)
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return redirect("two_factor")
    form = CodeForm(request.POST, device=device, auto_id="disable_%s")
    if not form.is_valid():
        two_factor.record_check(user=request.user, during="turning off", accepted=False, throttled=form.throttled)
        return _two_factor_page(request, disable_form=form)
    two_factor.devices_remove(user=request.user, by=request.user)
    messages.success(request, "Two-factor sign-in is off: you sign in with your password alone.")
    return redirect("two_factor")


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code page between the password and every other page, for people with an authenticator app."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    device = two_factor.confirmed_device(request.user)
    if device is None or request.user.is_verified():
        return redirect(next_url)
    form = CodeForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST":
        if form.is_valid():
            otp_login(request, device)
            two_factor.record_check(user=request.user, during="sign-in", accepted=True)
            return redirect(next_url)
        two_factor.record_check(user=request.user, during="sign-in", accepted=False, throttled=form.throttled)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


# ---------------------------------------------------------------------------------------------------------------------
# Single sign-on through an organisation's OpenID provider (accounts/oidc.py)

SSO_NEXT = "single_sign_on_next"


class SignIn(LoginView):
    """The password form, and a button for each provider."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"providers": settings.OIDC_PROVIDERS}


class SignOut(LogoutView):
    """Ends the session; one that came from a provider goes on to end the provider's session too, then back here."""

    def post(self, request, *args, **kwargs):
        at_provider = oidc.provider_sign_out_url(request, come_back_to=request.build_absolute_uri(reverse("login")))
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _provider_or_404(slug: str):
    provider = oidc.provider_named(slug)
    if provider is None:
        raise Http404("No such sign-in provider.")
    return provider


def _refused(request: HttpRequest, provider, reason: str, message: str) -> HttpResponse:
    audit.write("single sign-on refused", details={"provider": provider.slug, "reason": reason})
    messages.error(request, message)
    return redirect("login")


@login_not_required
def sso_start(request: HttpRequest, slug: str) -> HttpResponse:
    """A plain link (no form), so that the way to the provider is a navigation the pages' CSP need not allow."""
    provider = _provider_or_404(slug)
    next_url = _safe_next(request, request.GET.get("next", ""))
    if request.user.is_authenticated:
        return redirect(next_url)
    request.session[SSO_NEXT] = next_url
    callback = request.build_absolute_uri(reverse("sso_callback", args=[provider.slug]))
    try:
        return oidc.authorisation_redirect(request, provider, callback_url=callback)
    except oidc.ProviderUnreachable as error:
        return _refused(request, provider, str(error), f"{provider.name} cannot be reached just now. Try again in a "
                        "moment, or sign in with your user name and password if you have one.")
    except oidc.SignInRefused as error:
        return _refused(request, provider, str(error), f"Signing in with {provider.name} is not set up correctly. "
                        "Tell the tracker's administrators.")


@login_not_required
def sso_callback(request: HttpRequest, slug: str) -> HttpResponse:
    """The provider's answer: a checked ID token signs its account in (created on a first sign-in)."""
    provider = _provider_or_404(slug)
    failed = (f"Signing in with {provider.name} did not succeed. Try again; if it keeps failing, tell the "
              "tracker's administrators.")
    try:
        claims, id_token = oidc.verified_claims(request, provider)
        with transaction.atomic():
            user = oidc.identity_sign_in(provider=provider, claims=claims)
            user.signed_in_through = provider.slug  # for the sign-in's audit entry (accounts.signals)
            login(request, user, backend=SINGLE_SIGN_ON_BACKEND)
    except oidc.ProviderUnreachable as error:
        return _refused(request, provider, str(error), f"{provider.name} cannot be reached just now. Try again.")
    except oidc.SignInRefused as error:
        return _refused(request, provider, str(error), failed)
    oidc.remember(request, provider=provider, id_token=id_token)
    next_url = request.session.pop(SSO_NEXT, "") or resolve_url(settings.LOGIN_REDIRECT_URL)
    return redirect(next_url if user.has_role else "account_pending")


def account_pending(request: HttpRequest) -> HttpResponse:
    """What an account without a role sees: who it is, and that an administrator gives roles."""
    if request.user.has_role:
        return redirect("home")
    remembered = request.session.get(oidc.SESSION_KEY) or {}
    provider = oidc.provider_named(remembered.get("provider", "")) if signed_in_through_provider(request) else None
    return render(request, "accounts/pending.html", {"provider": provider})
