"""YAML out of data with PyYAML's emitter, in the style of Authelia's docs."""

from __future__ import annotations

import yaml

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any



class _DocsStyleDumper(yaml.SafeDumper):
    """Indents list items under their key and single-quotes strings, as Authelia's docs do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str):
    # The emitter falls back to double quotes by itself when single quotes cannot hold it.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")


def _represent_dict(dumper: yaml.SafeDumper, value: dict):
    # Keys stay plain (client_id:), values are quoted ('librechat').
    pairs = [
        (dumper.represent_scalar("tag:yaml.org,2002:str", k) if isinstance(k, str)
         else dumper.represent_data(k), dumper.represent_data(v))
        for k, v in value.items()
    ]
    return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)


class LiteralBlock(str):
    """A multi-line value written as a literal block (`key: |`), as Authelia's docs write keys."""

    __slots__ = ()


class AutheliaTemplate(str):
    """Authelia template text, e.g. `{{ secret "/path" | mindent 10 "|" | msquote }}`.

    Authelia expands templates (with X_AUTHELIA_CONFIG_FILTERS=template) before it parses
    the YAML, so such a value is not YAML and no emitter can write it. This is the one place
    where YAML text is not the emitter's: the emitter writes a placeholder scalar and
    dump_yaml() replaces it with the template text, verbatim. The caller makes sure the
    expansion lands where YAML expects the value (tests parse the result after expanding).
    """

    __slots__ = ()

    @property
    def placeholder(self) -> str:
        import hashlib

        return "__AUTHELIA_TEMPLATE_" + hashlib.sha256(self.encode()).hexdigest()[:24] + "__"


def _represent_literal(dumper: yaml.SafeDumper, value: LiteralBlock):
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|")


def _represent_template(dumper: yaml.SafeDumper, value: AutheliaTemplate):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value.placeholder, style="")


_DocsStyleDumper.add_representer(str, _represent_str)
_DocsStyleDumper.add_representer(dict, _represent_dict)
_DocsStyleDumper.add_representer(LiteralBlock, _represent_literal)
# profile_to_dict() gives the PEM as a LiteralBlock: yaml.safe_dump must take it as well.
yaml.SafeDumper.add_representer(LiteralBlock, _represent_literal)
_DocsStyleDumper.add_representer(AutheliaTemplate, _represent_template)


def _templates(data: Any) -> list[AutheliaTemplate]:
    if isinstance(data, AutheliaTemplate):
        return [data]
    if isinstance(data, dict):
        return [t for value in data.values() for t in _templates(value)]
    if isinstance(data, (list, tuple)):
        return [t for value in data for t in _templates(value)]
    return []


def dump_yaml(data: Any) -> str:
    text = yaml.dump(
        data, Dumper=_DocsStyleDumper, sort_keys=False, allow_unicode=True,
        default_flow_style=False, width=4096,
    )
    for template in _templates(data):
        text = text.replace(template.placeholder, str(template))
    return text


def load_yaml(text: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
