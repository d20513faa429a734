"""The README and docs/ say what the code does: digest caps, links, no issue numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.core import digest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))


def table_rows(path: Path) -> dict[str, str]:
    """A markdown table's rows by the first `code` in their first cell."""
    rows = {}
    for line in path.read_text().splitlines():
        match = re.match(r"\| `([^`]+)`[^|]*\|(.*)\|$", line)
        if match:
            rows[match[1]] = match[2]
    return rows


def test_the_digest_table_gives_each_algorithms_default_and_cap():
    rows = table_rows(ROOT / "docs" / "digests.md")
    assert set(rows) == {*digest.ALGORITHMS, "sha256crypt"}
    for name, cap in digest.PBKDF2_MAX.items():
        default = digest.ALGORITHMS[name].defaults["iterations"]
        assert f"| {default} iterations | {cap} iterations |" in f"|{rows[name]}|", name
    argon2 = rows["argon2id"]
    assert f"at most {digest.ARGON2_MAX_WORK} (KiB x passes)" in argon2
    assert f"memory at most {digest.ARGON2_MAX_MEMORY} KiB" in argon2
    assert f"memory {digest.ALGORITHMS['argon2id'].defaults['memory']} KiB" in argon2
    assert f"at most {digest.SCRYPT_MAX_WORK} (2^24)" in rows["scrypt"]
    assert digest.SCRYPT_MAX_MEMORY == 1024**3 and "at most 1 GiB" in rows["scrypt"]
    assert f"| cost 12 | cost {digest.BCRYPT_MAX_COST} |" in f"|{rows['bcrypt']}|"
    for name in ("sha512crypt", "sha256crypt"):
        assert f"| {digest.SHACRYPT_MAX_ROUNDS} rounds |" in f"|{rows[name]}|", name
    assert f"at most {digest.MAX_SECRET_LENGTH} characters" in (
        ROOT / "docs" / "digests.md").read_text()


@pytest.mark.parametrize("page", [ROOT / "README.md", *DOCS], ids=lambda p: p.name)
def test_every_relative_link_leads_to_a_file(page):
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text()):
        if "://" not in target:
            assert (page.parent / target).exists(), f"{page.name}: {target}"


def test_the_readme_leads_to_every_page_in_docs():
    readme = (ROOT / "README.md").read_text()
    for page in DOCS:
        assert f"(docs/{page.name})" in readme, page.name


def test_code_and_docs_name_no_issue_numbers():
    # A newcomer cannot follow "issue 9"; say what the thing is instead.
    pages = [ROOT / "README.md", *DOCS, *(ROOT / "tui").rglob("*.py"),
             *(ROOT / "styles").glob("*.tcss")]
    found = [f"{page.relative_to(ROOT)}:{number}: {line.strip()}"
             for page in pages
             for number, line in enumerate(page.read_text().splitlines(), 1)
             if re.search(r"\bissues? #?\d", line, re.IGNORECASE)]
    assert not found, "\n".join(found)
