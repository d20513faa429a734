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


_DocsStyleDumper.add_representer(str, _represent_str)
_DocsStyleDumper.add_representer(dict, _represent_dict)


def dump_yaml(data: Any) -> str:
    return yaml.dump(
        data, Dumper=_DocsStyleDumper, sort_keys=False, allow_unicode=True,
        default_flow_style=False, width=4096,
    )


def load_yaml(text: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
