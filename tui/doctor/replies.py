"""A server's answer, read with a cap, and the shape of the JSON inside it.

Whatever a server sends is bounded here: the body is streamed and decoded (gzip, deflate)
by us with zlib's `max_length`, so neither an endless body nor a compression bomb (one
layer or stacked) ever holds more than `LIMIT` decoded bytes plus one network chunk. A body
past the cap raises `ResponseTooLarge`; the probes report it as `response-too-large`.
httpx's own decoders (`aiter_bytes`) decode each 64 KiB network chunk without an output
bound, and stacked encodings multiply it, so the raw bytes are read (`aiter_raw`).

JSON is parsed only from such a capped body; `read_json` turns every failure (not JSON,
nested past the parser's recursion limit) into a short reason, and `wrong_fields` names the
fields whose type is not what the doctor uses, so no probe indexes into a shape it did not
check.
"""

from __future__ import annotations

import json
import zlib
from collections import namedtuple
from urllib.parse import urlsplit

import httpx

#: The most decoded bytes read from any one answer (discovery, JWKS, token, authorization,
#: LibreChat's /api/config and /oauth/openid): Authelia's and LibreChat's are a few KB.
LIMIT = 1024 * 1024
#: What a compliant server may compress with: the encodings decoded here, with a bound.
ACCEPT_ENCODING = "gzip, deflate"


class ResponseTooLarge(Exception):
    """The decoded body passed `LIMIT`; nothing more was read."""

    def __init__(self, url: str, limit: int = LIMIT) -> None:
        self.url = url
        self.limit = limit
        super().__init__(f"{url}: the answer is larger than {limit // 1024} KB")


class UnreadableBody(httpx.DecodingError):
    """A body whose encoding is unknown, or whose compressed data is broken."""


class Reply(namedtuple("Reply", "status_code headers content")):
    """The parts of a response the probes use; `content` is the decoded, capped body."""

    __slots__ = ()

    @property
    def is_redirect(self) -> bool:
        return httpx.codes.is_redirect(self.status_code) and "location" in self.headers

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class _Inflate:
    """One layer of gzip or deflate, producing at most `limit` bytes in all."""

    def __init__(self, encoding: str, limit: int, url: str) -> None:
        self.encoding = encoding
        self.limit = limit
        self.url = url
        self.produced = 0
        self.first = True
        wbits = zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self.inflater = zlib.decompressobj(wbits)

    def decode(self, data: bytes) -> bytes:
        try:
            out = self.inflater.decompress(data, self.limit - self.produced + 1)
        except zlib.error as error:
            if self.encoding == "deflate" and self.first:  # raw deflate, as some servers send
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                self.first = False
                return self.decode(data)
            raise UnreadableBody(f"broken {self.encoding} data ({error})") from None
        self.first = False
        self.produced += len(out)
        # More output than the room given means more than `limit`: whatever input is left
        # (unconsumed_tail) is never decoded.
        if self.produced > self.limit:
            raise ResponseTooLarge(self.url, self.limit)
        return out


def _layers(headers: httpx.Headers, limit: int, url: str) -> list[_Inflate]:
    """The decoders for Content-Encoding, last applied first."""
    names = [name.strip().lower() for value in headers.get_list("content-encoding")
             for name in value.split(",")]
    layers = []
    for name in reversed([n for n in names if n and n != "identity"]):
        if name not in ("gzip", "x-gzip", "deflate"):
            raise UnreadableBody(f"unsupported Content-Encoding {name[:40]!r}")
        layers.append(_Inflate(name, limit, url))
    return layers


async def read_capped(response: httpx.Response, url: str, limit: int = LIMIT) -> bytes:
    """The decoded body of a streamed response, or ResponseTooLarge past `limit` bytes."""
    layers = _layers(response.headers, limit, url)
    body = bytearray()
    async for chunk in response.aiter_raw():
        for layer in layers:
            chunk = layer.decode(chunk)
        body += chunk
        if len(body) > limit:
            raise ResponseTooLarge(url, limit)
    return bytes(body)


# JSON -------------------------------------------------------------------------------------

NOT_JSON = "not JSON"
TOO_DEEP = "JSON nested too deeply to read"


def read_json(reply: Reply):
    """(value, problem): problem is "" when the body is JSON, else NOT_JSON or TOO_DEEP."""
    try:
        return json.loads(reply.content), ""
    except RecursionError:
        return None, TOO_DEEP
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, too many digits
        return None, NOT_JSON


def kind_of(value) -> str:
    """A JSON value's type in words: 'a number', 'a list', ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


STRING, STRINGS, OBJECTS = "a string", "a list of strings", "a list of objects"
_CHECKS = {
    STRING: lambda v: isinstance(v, str),
    STRINGS: lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
    OBJECTS: lambda v: isinstance(v, list) and all(isinstance(i, dict) for i in v),
}


def wrong_fields(document: dict, spec: dict[str, str]) -> dict[str, str]:
    """{field: what it is} for each field present in `document` that is not of its kind."""
    wrong = {}
    for key, kind in spec.items():
        if key in document and not _CHECKS[kind](document[key]):
            value = document[key]
            what = kind_of(value)
            if isinstance(value, list) and kind in (STRINGS, OBJECTS):
                odd = next(i for i in value if not _CHECKS[kind]([i]))
                what = f"a list holding {kind_of(odd)}"
            wrong[key] = what
    return wrong


def url_problem(url: str, *, absolute: bool = True) -> str:
    """Why `url` is not an absolute http(s) URL a request can go to; "" when it is.

    With absolute=False, only why it cannot be parsed (a relative URL is fine)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as error:
        return str(error) or "not a URL"
    if absolute and parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an absolute http(s) URL"
    return ""
