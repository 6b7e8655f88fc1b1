"""PDF reports: view-model in, PDF bytes out. No Flask, no database."""
from . import text as _text  # noqa: F401  (applies reportlab hardening at import)
from .confidential import render_confidential
from .data import (
    AnswerRow, ClarificationView, CommentView, FindingView, MeasureView, RepeatTable, ReportData,
    SectionView,
)
from .summary import render_summary
from .text import esc

__all__ = [
    "AnswerRow", "ClarificationView", "CommentView", "FindingView", "MeasureView", "RepeatTable",
    "ReportData", "SectionView", "esc", "render_confidential", "render_summary",
]
