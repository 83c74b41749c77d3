"""A real OpenID provider for the tests, built with Authlib's server side and served over HTTP by a thread on a free
port of 127.0.0.1. Nothing in it is a stand-in for the tracker's code: the tracker talks to it as to any provider.

- Discovery (`/.well-known/openid-configuration`) and the signing keys (`/jwks`, one RSA key made at start).
- `/authorize`: a sign-in form (any listed login, password PASSWORD), then a session cookie; authorisation code flow
  only, with PKCE required (S256) and a nonce required.
- `/token`: the client's secret (HTTP Basic or in the form) and the PKCE verifier; ID tokens signed with RS256.
- `/logout`: RP-initiated sign-out: ends the provider's session and goes back to a registered address.

A test can make it misbehave in one way (`provider.mischief = ...`, see MISCHIEF) to see the tracker refuse; every
request it answers is kept in `provider.seen` for tests to look at."""

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from socketserver import ThreadingMixIn
from urllib.parse import parse_qsl, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from authlib.oauth2 import AuthorizationServer, OAuth2Error, OAuth2Request
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload, JsonRequest
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint
from joserfc.jwk import KeySet, RSAKey
from requests.structures import CaseInsensitiveDict

PASSWORD = "provider-password"
MISCHIEF = {
    "wrong_audience": "the ID token is for another client (with our client as its azp)",
    "wrong_nonce": "the ID token carries another nonce than the one asked for",
    "bad_signature": "the ID token is signed by a key the provider does not publish, under the published key's id",
    "unsigned": "the ID token has no signature at all (alg none)",
    "wrong_issuer": "the ID token names another issuer",
    "expired": "the ID token expired five minutes ago",
    "discovery_issuer": "the discovery document names another issuer than the provider's address",
}


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    id_token_signed_response_alg: str = "RS256"

    @property
    def client_metadata(self) -> dict:
        return {"post_logout_redirect_uris": self.post_logout_redirect_uris}

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in {"openid", "profile", "email", "groups"})

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    login: str
    nonce: str
    code_challenge: str
    code_challenge_method: str
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time


class _Request(OAuth2Request):
    """A WSGI request as Authlib's server reads it."""

    def __init__(self, environ, issuer: str):
        query = environ.get("QUERY_STRING", "")
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size).decode() if size else ""
        headers = CaseInsensitiveDict({k[5:].replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")})
        headers["Content-Type"] = environ.get("CONTENT_TYPE", "")
        super().__init__(environ["REQUEST_METHOD"], f"{issuer}{environ['PATH_INFO']}?{query}", headers=headers)
        self._args, self._form = dict(parse_qsl(query)), dict(parse_qsl(body))
        self.payload = BasicOAuth2Payload({**self._args, **self._form})
        self.session_cookie = _cookie(environ, "op_session")  # who is signed in at the provider, if anyone

    @property
    def args(self):
        return self._args

    @property
    def form(self):
        return self._form


class RequiredS256(CodeChallenge):
    """PKCE for every client, confidential ones too, and only with S256."""

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with S256 is required")
        super().validate_code_challenge(grant, redirect_uri)


class Provider:
    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig", "alg": "RS256"})
        self.users: dict[str, dict] = {}
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, Code] = {}
        self.sessions: dict[str, str] = {}  # cookie -> login
        self.seen: list[tuple[str, str, dict]] = []
        self.mischief = ""
        self.server = self._authorization_server()
        self.httpd = make_server("127.0.0.1", 0, self.wsgi, server_class=_ThreadingServer, handler_class=_Quiet)
        self.issuer = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # -- set-up ---------------------------------------------------------------------------------------------------

    def start(self) -> "Provider":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def add_client(self, client_id: str, client_secret: str, *, redirect_uris, post_logout_redirect_uris=()):
        self.clients[client_id] = Client(client_id, client_secret, list(redirect_uris), list(post_logout_redirect_uris))

    def add_user(self, login: str, **claims) -> dict:
        self.users[login] = {"sub": claims.pop("sub", f"sub-{secrets.token_hex(8)}"), **claims}
        return self.users[login]

    def public_keys(self) -> dict:
        return KeySet([self.key]).as_dict(private=False)

    # -- Authlib's server -------------------------------------------------------------------------------------------

    def _authorization_server(self) -> AuthorizationServer:
        provider = self

        class Server(AuthorizationServer):
            def query_client(self, client_id):
                return provider.clients.get(client_id)

            def save_token(self, token, request):
                pass  # the tracker needs the ID token only; no API of ours takes the access token

            def create_oauth2_request(self, request):
                return request

            def create_json_request(self, request):
                return JsonRequest(request.method, request.uri, request.headers)

            def handle_response(self, status, body, headers):
                return status, body, headers

            def send_signal(self, name, *args, **kwargs):
                pass

        class CodeGrant(grants.AuthorizationCodeGrant):
            def save_authorization_code(self, code, request):
                data = request.payload.data
                provider.codes[code] = Code(code, data["client_id"], data.get("redirect_uri", ""), request.scope,
                                            request.user, data.get("nonce", ""), data["code_challenge"],
                                            data["code_challenge_method"])

            def query_authorization_code(self, code, client):
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.login

        class EndSession(EndSessionEndpoint):
            def get_server_jwks(self):
                return provider.public_keys()

            def end_session(self, end_session_request):
                provider.sessions.pop(end_session_request.request.session_cookie, None)

        server = Server()
        server.register_token_generator("default", BearerTokenGenerator(lambda *a, **k: secrets.token_urlsafe(32)))
        server.register_grant(CodeGrant, [RequiredS256(), _IDToken(provider, require_nonce=True)])
        server.register_endpoint(EndSession)
        return server

    # -- HTTP -----------------------------------------------------------------------------------------------------

    def wsgi(self, environ, start_response):
        request = _Request(environ, self.issuer)
        self.seen.append((request.method, environ["PATH_INFO"], dict(request.payload.data)))
        routes = {"/.well-known/openid-configuration": self._discovery, "/jwks": lambda r: (200, self.public_keys(), []),
                  "/authorize": self._authorize, "/token": self.server.create_token_response, "/logout": self._logout}
        handler = routes.get(environ["PATH_INFO"])
        status, body, headers = handler(request) if handler else (404, {"error": "not_found"}, [])
        if isinstance(body, dict):
            body, headers = json.dumps(body), [*headers, ("Content-Type", "application/json")]
        start_response(f"{status} {'OK' if status < 300 else 'Found' if status < 400 else 'Error'}",
                       [(str(k), str(v)) for k, v in headers])
        return [body.encode()]

    def _discovery(self, request):
        issuer = "http://127.0.0.1:1/someone-else" if self.mischief == "discovery_issuer" else self.issuer
        return 200, {
            "issuer": issuer, "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout", "response_types_supported": ["code"],
            "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"], "scopes_supported": ["openid", "profile", "email", "groups"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }, []

    def _authorize(self, request):
        try:
            grant = self.server.get_consent_grant(request)
        except OAuth2Error as error:
            return self.server.handle_error_response(request, error)
        cookie, login = request.session_cookie, None
        if request.method == "POST":
            login = request.form.get("login", "")
            if login not in self.users or request.form.get("password") != PASSWORD:
                return 200, _sign_in_form(request, wrong=True), [("Content-Type", "text/html; charset=utf-8")]
            cookie = secrets.token_urlsafe(16)
            self.sessions[cookie] = login
        login = login or self.sessions.get(cookie)
        if login is None:
            return 200, _sign_in_form(request), [("Content-Type", "text/html; charset=utf-8")]
        status, body, headers = self.server.create_authorization_response(request, grant_user=login, grant=grant)
        return status, body, [*headers, ("Set-Cookie", f"op_session={cookie}; Path=/; HttpOnly; SameSite=Lax")]

    def _logout(self, request):
        response = self.server.create_endpoint_response("end_session", request)
        return response or (200, "<!doctype html><title>Signed out</title><h1>Signed out of the provider</h1>",
                            [("Content-Type", "text/html; charset=utf-8")])

    # -- what a browser does at the provider ------------------------------------------------------------------------

    def sign_in(self, browser, authorize_url: str, login: str) -> str:
        """With a `requests` session as the browser: open the provider's page, sign in there if asked, and return the
        address the provider sends the browser back to (the tracker's callback)."""
        response = browser.get(authorize_url, allow_redirects=False)
        if response.status_code == 200:
            response = browser.post(authorize_url, data={"login": login, "password": PASSWORD}, allow_redirects=False)
        assert response.status_code == 302, f"the provider answered {response.status_code}: {response.text[:300]}"
        return response.headers["Location"]


class _IDToken(OpenIDCode):
    """The provider's ID tokens: its issuer, our audience, the user's claims; misbehaving when told to."""

    def __init__(self, provider: Provider, **kwargs):
        super().__init__(**kwargs)
        self.provider = provider

    def exists_nonce(self, nonce, request):
        return any(code.nonce == nonce for code in self.provider.codes.values())

    def get_encode_header(self, client):
        return {"alg": "RS256", "kid": self.provider.key.kid, "typ": "JWT"}

    def resolve_client_private_key(self, client):
        if self.provider.mischief == "bad_signature":
            return RSAKey.generate_key(2048, parameters={"kid": self.provider.key.kid})
        return self.provider.key

    def get_client_claims(self, client):
        mischief, claims = self.provider.mischief, {"iss": self.provider.issuer, "aud": [client.get_client_id()]}
        if mischief == "wrong_issuer":
            claims["iss"] = "http://127.0.0.1:1/someone-else"
        if mischief == "wrong_audience":
            claims |= {"aud": ["another-client"], "azp": client.get_client_id()}
        if mischief == "expired":
            claims["exp"] = int(time.time()) - 300
        return claims

    def get_authorization_code_claims(self, authorization_code):
        claims = super().get_authorization_code_claims(authorization_code)
        if self.provider.mischief == "wrong_nonce":
            claims["nonce"] = "not-the-one-asked-for"
        return claims

    def generate_user_info(self, user, scope):
        return dict(self.provider.users[user])

    def encode_id_token(self, token, request):
        signed = super().encode_id_token(token, request)
        if self.provider.mischief != "unsigned":
            return signed
        claims = signed.split(".")[1]
        header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
        return f"{header}.{claims}."


def _sign_in_form(request, wrong: bool = False) -> str:
    """The provider's own sign-in page (what a person sees at their organisation)."""
    action = f"/authorize?{urlencode(request.args)}"
    error = '<p role="alert">Wrong login or password.</p>' if wrong else ""
    return f"""<!doctype html><html lang="en"><head><title>Test provider: sign in</title></head><body><main>
<h1>Test provider</h1>{error}<form method="post" action="{action}">
<label for="login">Login</label> <input id="login" name="login" autocomplete="username">
<label for="password">Provider password</label> <input id="password" name="password" type="password">
<button type="submit">Continue</button></form></main></body></html>"""


def _cookie(environ, name: str) -> str:
    morsel = SimpleCookie(environ.get("HTTP_COOKIE", "")).get(name)
    return morsel.value if morsel else ""


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass
