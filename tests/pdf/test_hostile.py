"""Hostile user text renders literally, never fails and never touches the network."""
from __future__ import annotations

import dataclasses

import pytest

from integrity_tool.pdf import AnswerRow, CommentView, SectionView, esc, render_confidential, render_summary
from integrity_tool.pdf.sample import HOSTILE_STRINGS, HUGE_TEXT, sample_report_data

from tests.pdf.pdf_test_helpers import flat, pages_text


def test_escape_helper():
    assert esc("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert esc('<img src="x">') == "&lt;img src=&quot;x&quot;&gt;"
    assert esc("r1\nr2") == "r1<br/>r2"
    assert esc("x\x00\x07\x1b\x7fy") == "xy"
    assert esc("\u202eevil") == "evil"
    assert esc("ĳs") == "ijs"
    assert esc(None) == ""


def test_hostile_inputs_render_literally(no_network):
    d = sample_report_data(hostile=True)
    pdf = render_confidential(d)
    text = "\n".join(pages_text(pdf))
    f = flat(text)
    assert flat('<img src="http://127.0.0.1:9/x">') in f
    assert flat("<font color=\"[[[getattr(pow,Word('__globals__'))]]]\">exploit</font>") in f
    assert flat("Jansen & Zn. <b>niet vet</b> a < b > c") in f
    assert flat("]]> <![CDATA[ x ]]> &amp; &#x41; &nbsp;") in f
    assert "ctrl:" in text and "einde" in text and "\x00" not in text and "\x1b" not in text
    assert flat("مرحبا") in f or flat("ابحرم") in f
    assert flat("שלום") in f or flat("םולש") in f
    assert flat(HUGE_TEXT[:200]) in f and flat(HUGE_TEXT[-200:]) in f
    assert "<img" not in str(pdf[:0])  # no Image XObject
    assert b"/Subtype /Image" not in pdf
    assert no_network == []
    render_summary(d)
    assert no_network == []


@pytest.mark.parametrize("payload", HOSTILE_STRINGS + (HUGE_TEXT, "x" * 20000, "\n" * 500, "😀" * 2000, ""))
def test_each_payload_everywhere(payload, no_network):
    d = sample_report_data()
    d = dataclasses.replace(
        d,
        candidate_name=payload[:200], conclusion=payload, gesprek_notes=payload,
        organisation_name=payload[:100], document_number=payload[:40] or "RI-X",
        comments=(CommentView(payload[:50], None, payload[:80], payload),),
        sections=(SectionView(payload[:300], rows=(AnswerRow(payload[:300], payload),)),),
        public_nevenfuncties=((payload, payload[:20]),), verify_url="https://example.org/v?" + payload[:300],
    )
    conf = render_confidential(d)
    summ = render_summary(d)
    assert conf.startswith(b"%PDF-") and summ.startswith(b"%PDF-")
    assert no_network == []


def test_reportlab_is_locked_down():
    import integrity_tool.pdf  # noqa: F401
    from reportlab import rl_config
    from reportlab.lib.utils import rlUrlRead

    assert not rl_config.trustedHosts and not rl_config.trustedSchemes
    with pytest.raises(Exception):
        rlUrlRead("http://127.0.0.1:9/x")
