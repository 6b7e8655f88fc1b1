"""Rule engine: answers -> findings. Pure Python; no Flask, no db.

The vocabulary (Level, Outcome and their labels) lives in integrity_tool.questionnaire.schema."""
from .engine import Finding, Result, evaluate, localize_findings, merge_findings, suggest_outcome
from .facts import OrgProfile, Portefeuille, VerbondenPartij

__all__ = ["Finding", "Result", "evaluate", "localize_findings", "merge_findings", "suggest_outcome", "OrgProfile",
           "Portefeuille", "VerbondenPartij"]
