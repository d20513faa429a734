"""The LibreChat branch: (/api/config ‖ /oauth/openid) -> LibreChat's own authorization
request, sent to Authelia with prompt=none: the deployed pair, not only the profile."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode, urlsplit

import httpx

from ..core.findings import Finding
from . import tlsprobe
from .answers import origin, strip_query
from .base import HTTP_ERRORS, query_params
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

    async def _strategy_failed(self, url, response) -> None:
        text = response.text[:2000] if response.status_code >= 400 else ""
        seen = "Unknown authentication strategy \"openid\"" if "Unknown authentication" in text \
            else f"answered {response.status_code} without a redirect"
        await self._wait_discovery()
        await self._wait(self.tls_done)  # the likely cause depends on the TLS verdict
        likely = self._likely_inside_cause()
        discovery = self.show(self.target.discovery_url)
        self.emit(Finding(
            "librechat-strategy-failed", "error",
            f"{url} {seen}: LibreChat's own discovery failed when it started. {likely}",
            "test from inside LibreChat's container: docker compose exec api node -e "
            f"\"fetch('{discovery}').then(r=>console.log(r.status),e=>console.log(e.cause||e))\""
            "; fix what it shows, then restart LibreChat (it runs discovery only at start)"))

    def _likely_inside_cause(self) -> str:
        tls, state = self.tls, self.issuer_state
        issuer = urlsplit(self.target.issuer)
        if issuer.scheme == "http":
            return ("Likely cause: OPENID_ISSUER is http://, which openid-client 6 (LibreChat "
                    "0.7.9 and newer) refuses.")
        if state == "dns":
            return "Likely cause: Authelia's name does not resolve (not even here)."
        if tls is not None and tls.state in (tlsprobe.CA_FILE_ONLY, tlsprobe.UNTRUSTED) \
                and tls.node_code:
            return (f"Likely cause: Authelia's certificate is not trusted by Node "
                    f"({tls.node_code}): the CA is not in NODE_EXTRA_CA_CERTS in the "
                    "container's environment.")
        if state in ("connect", "tls", "discovery"):
            return "Likely cause: Authelia's discovery fails from here too (see above)."
        return ("Discovery works from here, so likely the container cannot reach Authelia's "
                "public name: Docker hairpin NAT or split DNS (usual fix: extra_hosts: "
                f"[\"{self.show(issuer.hostname)}:host-gateway\"] in a compose override).")


