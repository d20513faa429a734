"""`@rule(code, ...)`: a function of the audit that adds findings with these codes.

The codes are a public interface (docs/audit-codes.md); tests hold the table of the docs
against the codes the rules declare, and each rule against what it really adds.
"""

from __future__ import annotations

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any, TypeVar

    Function = TypeVar("Function", bound=Callable[..., Any])


def rule(*codes: str) -> Callable[[Function], Function]:
    """Mark a function as a rule adding findings with `codes` (its `CODES`), unchanged."""
    def mark(function: Function) -> Function:
        function.CODES = codes  # type: ignore[attr-defined]
        return function
    return mark


def by_code(rules: Iterable[Callable[..., Any]]) -> dict[str, list[Callable[..., Any]]]:
    """code -> the rules that may add it, in the order given."""
    table: dict[str, list[Callable[..., Any]]] = {}
    for function in rules:
        for code in function.CODES:  # type: ignore[attr-defined]
            table.setdefault(code, []).append(function)
    return table
