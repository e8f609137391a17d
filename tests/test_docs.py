"""Citations of the source documents in the code ("seed 000 IV.3", "seed 002's appendix") point
to a section of docs/domain.md, which is in the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITATION = re.compile(r"seed (\d{3})(?:'s)?,? (?:([IVX]+)(?:\.(\d+))?\b|(appendix))")


def anchors() -> set[str]:
    text = (ROOT / "docs" / "domain.md").read_text()
    return set(re.findall(r'<a id="([^"]+)"></a>', text))


def citations():
    for path in sorted((ROOT / "src" / "doanvien").rglob("*")):
        if path.suffix not in (".py", ".html") or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for m in CITATION.finditer(line):
                seed, part, item, appendix = m.groups()
                anchor = f"seed-{seed}-" + (
                    "appendix" if appendix else part.lower() + (f"-{item}" if item else "")
                )
                yield f"{path.relative_to(ROOT)}:{number}", m.group(0), anchor


def test_the_code_cites_the_documents():
    assert len(list(citations())) >= 5


def test_every_citation_points_to_a_section_of_docs_domain():
    known = anchors()
    missing = [(where, text) for where, text, anchor in citations() if anchor not in known]
    assert missing == []
