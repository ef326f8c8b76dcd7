"""docs/catalogue.md shows the catalogue the code has."""

from __future__ import annotations

from pathlib import Path

from vidgate.domain.catalogue_table import markdown_table
from vidgate.domain.seed_catalogue import seed_catalogue

DOC = Path(__file__).parents[3] / "docs" / "catalogue.md"


def test_the_catalogue_document_matches_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("-->\n", text.index("<!-- catalogue:start")) + len("-->\n")
    end = text.index("<!-- catalogue:end -->")
    assert text[start:end] == markdown_table(seed_catalogue())
