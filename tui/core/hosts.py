"""Host names in URLs: their IDNA (punycode) form, look-alike scripts, example domains.

Node's URL parser (and every browser) turns a non-ASCII host into its IDNA form with UTS 46
processing (non-transitional: `ß` stays a letter of its own), so LibreChat sends
`https://xn--cht-rla.home.lan/oauth/openid/callback` for `https://chät.home.lan`, and
Authelia, which matches redirect URIs exactly as strings, would refuse the one written as
typed. So hosts are converted once, here, when a profile is made; the `idna` package
implements UTS 46 and IDNA 2008 (Python's own codec is the older IDNA 2003).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from .inputerror import InputError

# RFC 2606 / RFC 6761: reserved for documentation, never a real deployment.
EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net", "example")


def _host_span(url: str) -> tuple[int, int] | None:
    """Where the host name sits in `url` (start, end), or None when there is none."""
    scheme_end = url.find("://")
    if scheme_end < 0:
        return None
    start = scheme_end + 3
    end = len(url)
    for stop in "/?#":
        index = url.find(stop, start)
        if index >= 0:
            end = min(end, index)
    at = url.rfind("@", start, end)
    if at >= 0:
        start = at + 1
    if url.startswith("[", start):  # an IPv6 literal: ASCII by definition
        return None
    colon = url.find(":", start, end)
    if colon >= 0:
        end = colon
    return (start, end) if end > start else None


def host_of(url: str) -> str:
    """The host name as written in `url` (not lower-cased), or ''."""
    span = _host_span(url)
    return url[span[0]:span[1]] if span else ""


class HostError(InputError):
    """A host name that has no IDNA form."""


def to_ascii_host(host: str) -> str:
    """The IDNA form of `host` (UTS 46 mapping, then punycode for non-ASCII labels).

    ASCII labels are kept as they are (an underscore in an ASCII label is legal in a URL,
    though not in IDNA 2008). Raises HostError, naming the label, for a host with no IDNA form.
    """
    if host.isascii():
        return host
    import idna

    try:
        mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
    except idna.IDNAError as error:
        raise HostError(f"the host name {host!r} is not a valid international domain name "
                        f"({error})") from None
    labels = []
    for label in mapped.split("."):
        if label.isascii():
            labels.append(label)
            continue
        try:
            labels.append(idna.alabel(label).decode("ascii"))
        except (idna.IDNAError, UnicodeError) as error:
            raise HostError(f"the host name {host!r} is not a valid international domain "
                            f"name: the part {label!r} cannot be written in IDNA form "
                            f"({error})") from None
    return ".".join(labels)


def to_ascii_url(url: str) -> str:
    """`url` with its host in IDNA form; raises HostError when the host has none."""
    span = _host_span(url)
    if span is None:
        return url
    host = url[span[0]:span[1]]
    if host.isascii():
        return url
    return url[:span[0]] + to_ascii_host(host) + url[span[1]:]


def host_problem(url: str) -> str | None:
    """Why the host of `url` cannot be written in IDNA form, or None."""
    try:
        host = host_of(to_ascii_url(url))
    except HostError as error:
        return str(error)
    bad = [label for label in host.split(".") if label.lower().startswith("xn--")
           and not _valid_alabel(label)]
    if bad:
        return f"the host name part {bad[0]!r} is not a valid IDNA (xn--) label"
    return None


def _valid_alabel(label: str) -> bool:
    import idna

    try:
        idna.ulabel(label.lower())
    except (idna.IDNAError, UnicodeError):
        return False
    return True


def unicode_host(url: str) -> str | None:
    """The host as a person reads it when `url` holds IDNA (xn--) labels, else None.

    For the app to say "written as xn--...": `https://xn--cht-rla.home.lan` gives
    `chät.home.lan`.
    """
    host = host_of(url)
    if "xn--" not in host.lower():
        return None
    import idna

    labels = []
    for label in host.split("."):
        if label.lower().startswith("xn--"):
            try:
                label = idna.ulabel(label.lower())
            except (idna.IDNAError, UnicodeError):
                return None
        labels.append(label)
    return ".".join(labels)


def _script(char: str) -> str | None:
    """The script of a letter, from its Unicode name (LATIN, CYRILLIC, GREEK, ...).

    None for what all scripts share: digits, the hyphen, marks, and characters without a
    name.
    """
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    if not name:
        return None
    word = name.split(" ", 1)[0]
    # CJK names start with CJK; Japanese kana share a word with their script.
    return {"HIRAGANA": "JAPANESE", "KATAKANA": "JAPANESE", "KATAKANA-HIRAGANA": "JAPANESE",
            "CJK": "HAN"}.get(word, word)


# Scripts that are normally written together in one label: Japanese mixes Han and kana.
_COMPATIBLE = ({"HAN", "JAPANESE"},)


def mixed_script_labels(url: str) -> list[str]:
    """The labels of the host of `url` that mix scripts, read in Unicode: look-alike risks.

    `аpple.com` with a Cyrillic `а` gives ['аpple'] (Cyrillic and Latin in one label). A label
    wholly in one script (`чат.example.com`) is not flagged.
    """
    host = unicode_host(url) or host_of(url)
    flagged = []
    for label in host.split("."):
        scripts = {s for s in map(_script, label) if s}
        if len(scripts) > 1 and not any(scripts <= ok for ok in _COMPATIBLE):
            flagged.append(label)
    return flagged


def scripts_of(label: str) -> list[str]:
    return sorted({s.capitalize() for s in map(_script, label) if s})


def is_example_url(url: str) -> bool:
    """Whether `url`'s host is a documentation example (example.com/.org/.net, .example).

    The defaults librechat.example.com and auth.example.com are; so are all subdomains.
    """
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    return any(host == d or host.endswith("." + d) for d in EXAMPLE_DOMAINS)


def is_loopback(host: str) -> bool:
    """localhost (and *.localhost) or a loopback address: where http:// is acceptable."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
