"""The LibreChat branch: (/api/config ‖ /oauth/openid) -> LibreChat's own authorization
request, sent to Authelia with prompt=none: the deployed pair, not only the profile."""

from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlencode, urlsplit

import httpx

from . import tlsprobe
from .answers import origin, strip_query
from .base import HTTP_ERRORS, is_loopback, query_params
from .findings import Finding
from .replies import NOT_JSON, STRING, ResponseTooLarge, kind_of, read_json, url_problem

# The fields of /api/config the doctor uses, and their JSON types.
_CONFIG_FIELDS = {"serverDomain": STRING}


class LibreChatProbes:
    async def librechat(self, client: httpx.AsyncClient) -> None:
        app = self.target.app_url
        config, openid = await asyncio.gather(
            self._fetch(client, app + "/api/config"), self._fetch(client, app + "/oauth/openid"))
        config_reached = self._check_config(app, config)
        await self._check_openid(client, app, openid, config_reached)

    async def _fetch(self, client, url):
        try:
            return await self._request(client, "GET", url)
        except HTTP_ERRORS as error:
            return error

    def _check_config(self, app, response) -> bool:
        url = self.show(app + "/api/config")
        refused = certificate_error(response)
        if refused is not None:  # LibreChat answered; this check did not accept its certificate
            self.emit(self._certificate_finding(app, refused))
            return False
        if isinstance(response, BaseException):
            self.emit(self.failed(response, "librechat-unreachable", url,
                                  "check that LibreChat runs and that DOMAIN_SERVER is its "
                                  "public URL (the one checked here)"))
            return isinstance(response, ResponseTooLarge)
        config, problem = read_json(response) if response.status_code == 200 else (None, "")
        if response.status_code != 200 or problem == NOT_JSON:
            what = f"answered {response.status_code}" if response.status_code != 200 \
                else "did not answer JSON"
            self.emit(Finding("librechat-unreachable", "error", f"{url} {what}",
                              "check that the reverse proxy passes /api/ to LibreChat"))
            return True
        malformed = problem or (f"JSON that is {kind_of(config)}, not an object"
                                if not isinstance(config, dict) else "")
        if not malformed and not isinstance(config.get("serverDomain", ""), str):
            malformed = f"a serverDomain that is {kind_of(config['serverDomain'])}, not a string"
        if malformed:
            self.emit(Finding("librechat-config-malformed", "error",
                              f"{url} answered {malformed}",
                              "check what answers at LibreChat's URL (a proxy in front of it?)"))
            return True
        problems = 0
        off = [key for key in ("socialLoginEnabled", "openidLoginEnabled")
               if config.get(key) is not True]
        if off:
            problems += 1
            self.emit(Finding(
                "librechat-openid-disabled", "error",
                f"LibreChat reports {' and '.join(f'{k}=false' for k in off)}",
                "set ALLOW_SOCIAL_LOGIN=true and OPENID_CLIENT_ID, OPENID_CLIENT_SECRET, "
                "OPENID_ISSUER and OPENID_SESSION_SECRET in LibreChat's environment, then "
                "restart LibreChat"))
        domain = config.get("serverDomain")
        if domain != self.target.app_url:
            problems += 1
            said = f"'{self.show(domain)}'" if domain is not None else "missing"
            self.emit(Finding(
                "librechat-server-domain-mismatch", "error",
                f"LibreChat's serverDomain is {said}, the expected URL is "
                f"'{self.show(self.target.app_url)}': the redirect URI will not match",
                f"set DOMAIN_SERVER={self.show(self.target.app_url)} (and DOMAIN_CLIENT) in "
                "LibreChat's environment and restart it"))
        if not problems:
            self.emit(Finding("librechat-config-ok", "ok",
                              "LibreChat offers the OpenID login, serverDomain matches", ""))
        return True

    async def _check_openid(self, client, app, response, config_reached) -> None:
        url = self.show(app + "/oauth/openid")
        if isinstance(response, BaseException):
            if config_reached or isinstance(response, ResponseTooLarge):
                self.emit(self.failed(response, "librechat-unreachable", url,
                                      "check that the reverse proxy passes /oauth/ to "
                                      "LibreChat"))
            return
        location = response.headers.get("location", "") if response.is_redirect else ""
        if not location:
            await self._strategy_failed(url, response)
            return
        problem = url_problem(location)
        if problem:
            self.emit(Finding(
                "librechat-request-mismatch", "error",
                f"LibreChat's authorization request goes to '{self.show(location)}', which is "
                f"not a valid URL ({self.show(problem)})",
                "set OPENID_ISSUER in LibreChat's environment to Authelia's public URL, then "
                "restart LibreChat"))
            return
        document = await self._wait_discovery()
        params = query_params(location)
        expected_endpoint = document.get("authorization_endpoint") if document else None
        target = self.target
        differences = []
        if expected_endpoint and strip_query(location) != strip_query(expected_endpoint):
            differences.append(("the authorization endpoint", strip_query(location),
                                strip_query(expected_endpoint), "OPENID_ISSUER"))
        elif not expected_endpoint and origin(location) != origin(target.issuer):
            differences.append(("the authorization server", strip_query(location),
                                target.issuer, "OPENID_ISSUER"))
        checks = (
            ("client_id", params.get("client_id", ""), target.client_id, "OPENID_CLIENT_ID"),
            ("redirect_uri", params.get("redirect_uri", ""), target.redirect_uri,
             "DOMAIN_SERVER and OPENID_CALLBACK_URL"),
            ("scope", params.get("scope", ""), " ".join(target.scopes), "OPENID_SCOPE"),
            ("code_challenge_method", params.get("code_challenge_method", ""), "S256",
             "OPENID_USE_PKCE / the LibreChat version"),
        )
        for name, seen, wanted, variable in checks:
            same = set(seen.split()) == set(wanted.split()) if name == "scope" else seen == wanted
            if not same:
                differences.append((name, seen, wanted, variable))
        for name, seen, wanted, variable in differences:
            self.emit(Finding(
                "librechat-request-mismatch", "error",
                f"LibreChat's authorization request has {name} '{self.show(seen)}', expected "
                f"'{self.show(wanted)}'",
                f"set {variable} in LibreChat's environment to match (or the profile to "
                "match LibreChat), then restart LibreChat"))
        if not differences:
            self.emit(Finding("librechat-request-ok", "ok",
                              "LibreChat's authorization request matches the expected one "
                              "(client, redirect URI, scope, S256)", ""))
        # The deployed pair: LibreChat's own request, as Authelia sees it.
        if document is None or origin(location) != origin(target.issuer):
            return
        own = {**params, "prompt": "none"}
        own_url = f"{strip_query(location)}?{urlencode(own)}"
        self.emit(await self._authorize(
            client, own_url, params.get("redirect_uri", ""), tuple(params.get("scope",
                                                                              "").split()),
            "LibreChat's own"))

    def _certificate_finding(self, app, error: ssl.SSLCertVerificationError) -> Finding:
        where = self.show(app)
        detail = self.show(error.verify_message or error.reason or "certificate refused")
        code = error.verify_code
        if code in tlsprobe.EXPIRED:
            return Finding("librechat-tls-untrusted", "error",
                           f"{where}: LibreChat's certificate has expired or is not valid yet "
                           f"({detail}): browsers refuse it too",
                           "renew LibreChat's certificate (check the proxy's ACME client), and "
                           "this machine's clock")
        if code in tlsprobe.NAME_MISMATCH:
            return Finding("librechat-tls-untrusted", "error",
                           f"{where}: LibreChat's certificate is not valid for this name "
                           f"({detail}): browsers refuse it too",
                           "issue the certificate for LibreChat's public host name (the one in "
                           "DOMAIN_SERVER)")
        if not self.target.ca_file:
            return Finding("librechat-tls-untrusted", "error",
                           f"{where}: this check does not trust LibreChat's certificate "
                           f"({detail}): LibreChat was not checked", tlsprobe.NO_CA_FILE_FIX)
        return Finding("librechat-tls-untrusted", "error",
                       f"{where}: neither the CA file nor the system store trusts LibreChat's "
                       f"certificate ({detail}): LibreChat was not checked",
                       "pass a --ca-file that holds the CA of LibreChat's certificate too (one "
                       "PEM file may hold several CAs), then run again")

    async def _strategy_failed(self, url, response) -> None:
        text = response.text[:2000] if response.status_code >= 400 else ""
        seen = "Unknown authentication strategy \"openid\"" if "Unknown authentication" in text \
            else f"answered {response.status_code} without a redirect"
        await self._wait_discovery()
        await self._wait(self.tls_done)  # the likely causes depend on the TLS verdict
        causes = self._likely_inside_causes()
        listed = " ".join(f"({n}) {cause}" for n, cause in enumerate(causes, 1))
        heading = "Likely cause:" if len(causes) == 1 else "Likely causes, most likely first:"
        discovery = self.show(self.target.discovery_url)
        self.emit(Finding(
            "librechat-strategy-failed", "error",
            f"{url} {seen}: LibreChat's own discovery failed when it started. {heading} "
            f"{listed} LibreChat's log at start names which.",
            "test from inside LibreChat's container: docker compose exec api node -e "
            f"\"fetch('{discovery}').then(r=>console.log(r.status),e=>console.log(e.cause||e))\""
            "; fix what it shows, then restart LibreChat (it runs discovery only at start)"))

    def _likely_inside_causes(self) -> list[str]:
        """Every cause that fits what the other probes saw, the most likely first, each with
        the line LibreChat's log shows for it."""
        tls, state = self.tls, self.issuer_state
        issuer = urlsplit(self.target.issuer)
        host = issuer.hostname or ""
        shown_host = self.show(host)
        started_early = (
            "Authelia was not reachable when LibreChat started (the log shows ECONNREFUSED "
            "or a timeout; e.g. both started together, or Authelia restarted since): restart "
            "LibreChat now that Authelia answers.")
        untrusted_ca = (
            f"LibreChat's container does not trust Authelia's CA (the log shows "
            f"{tls.node_code if tls is not None else ''}): put the CA in NODE_EXTRA_CA_CERTS "
            "in the api service's environment (not .env), then recreate the container.")
        loopback = (
            f"OPENID_ISSUER names {shown_host}, a loopback name: inside LibreChat's container "
            "that is the container itself, not Authelia (the log shows ECONNREFUSED): set "
            "OPENID_ISSUER to Authelia's public name.")
        causes = []
        if issuer.scheme == "http":
            causes.append("OPENID_ISSUER is http://, which openid-client 6 (LibreChat 0.7.9 "
                          "and newer) refuses.")
            if is_loopback(host):
                causes.append(loopback)
            return causes
        if state == "dns":
            return [f"Authelia's name {shown_host} does not resolve (not even here; the log "
                    "shows ENOTFOUND): add the DNS record, then restart LibreChat."]
        not_trusted = tls is not None and tls.node_code and tls.state in (
            tlsprobe.CA_FILE_ONLY, tlsprobe.UNTRUSTED)
        if state in ("connect", "tls", "discovery"):
            if not_trusted:
                causes.append(untrusted_ca)
            causes.append("Authelia's discovery fails from here too (see above): fix that, "
                          "then restart LibreChat.")
            return causes
        # Discovery works from here. A restart is the cheapest test, so it comes before the
        # CA; a loopback issuer is wrong in any container, so it comes first.
        if is_loopback(host):
            causes.append(loopback)
        causes.append(started_early)
        if not_trusted:
            causes.append(untrusted_ca)
        if is_loopback(host):  # no extra_hosts entry can send a loopback name elsewhere
            return causes
        causes.append(
            "the container cannot reach Authelia's public name (the log shows ENOTFOUND, "
            "ETIMEDOUT or ECONNREFUSED at every start): Docker hairpin NAT or split DNS (usual "
            f"fix: extra_hosts: [\"{shown_host}:host-gateway\"] in a compose override).")
        return causes


def certificate_error(error) -> ssl.SSLCertVerificationError | None:
    """The certificate verification error behind a failed request, if that is why it failed
    (httpx wraps it in a ConnectError)."""
    seen = 0
    while isinstance(error, BaseException) and seen < 8:
        if isinstance(error, ssl.SSLCertVerificationError):
            return error
        error = error.__cause__ or error.__context__
        seen += 1
    return None
