"""Rule engine: answers -> findings. Pure Python; no Flask, no db."""
from .engine import (LEVEL_LABELS, LEVELS, OUTCOME_LABELS, OUTCOMES, Finding, Result, evaluate,
                     localize_findings, merge_findings, suggest_outcome)
from .facts import OrgProfile, Portefeuille, VerbondenPartij

__all__ = ["LEVELS", "LEVEL_LABELS", "OUTCOMES", "OUTCOME_LABELS", "Finding",
           "Result", "evaluate", "localize_findings", "merge_findings", "suggest_outcome", "OrgProfile",
           "Portefeuille", "VerbondenPartij"]
