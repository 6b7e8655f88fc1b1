"""Issue 18, finding 2: no relations upload within the request size limit makes the worker's memory
grow by more than 50 MB. Each file is built and read in its own process (tests/griffie/upload_memory.py)
and the growth of the peak resident memory (VmHWM) is measured there."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from integrity_tool.services import matching
from tests.griffie import upload_memory

ROOT = Path(__file__).resolve().parents[2]
BUDGET_MB = 50
REFUSED = "te groot of te ingewikkeld"


def _measure(kind: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "tests.griffie.upload_memory", kind], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("kind, expect", [
    ("review_repro", "ok"),             # the review's 16 KB file: ~305 MB before the fix
    ("xfd_padding", "ok"),              # the review's repro (value in column XFD), 100 000 rows
    ("xfd_only", "refused: Het bestand bevat geen relaties"),
    ("one_huge_row", REFUSED),
    ("wide_rows", "ok"),
    ("shared_strings", "ok"),
    ("styles_bomb", "ok"),
    ("long_names", "ok"),               # the largest valid list
    ("huge_cell", REFUSED),
    ("csv_wide_and_wide_chars", "refused: Het bestand heeft meer dan 100.000 rijen"),
    ("csv_one_line", "refused: Regel 2 heeft meer dan 1.000 kolommen"),
])
def test_worst_uploads_stay_within_the_memory_budget(kind, expect):
    result = _measure(kind)
    print(json.dumps(result))  # the figures, for the record (pytest -s)
    assert result["bytes"] <= upload_memory.LIMIT
    assert result["growth_mb"] <= BUDGET_MB, result
    assert expect in result["outcome"], result


def test_refusal_is_a_clear_dutch_message():
    name, data = upload_memory.one_huge_row()
    with pytest.raises(matching.UploadError) as exc:
        matching.parse_relations(name, data)
    assert "Excel-bestand is te groot of te ingewikkeld" in exc.value.errors[0]
    assert "naam, kvk en categorie" in exc.value.errors[0]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    name, data = "lijst.xlsx", upload_memory.workbook(
        [upload_memory._header(), *(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{"x" * 300}</t></is></c></row>'
                                    for r in range(2, 300_000))])
    assert len(data) < upload_memory.LIMIT
    with pytest.raises(matching.UploadError, match=REFUSED):
        matching.parse_relations(name, data)


def test_values_beyond_the_read_columns_are_ignored_not_padded():
    name, data = upload_memory.workbook([upload_memory._header(),
                                         '<row r="2"><c r="A2" t="inlineStr"><is><t>Aannemer Pietersen</t></is></c>'
                                         '<c r="XFD2"><v>1</v></c></row>'], dim="A1:XFD2"), None
    rows = matching.parse_relations("lijst.xlsx", name)
    assert [r.name for r in rows] == ["Aannemer Pietersen"]
