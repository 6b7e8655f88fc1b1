"""Rule engine: answers -> findings. Pure Python; no Flask, no db."""
from .engine import (LEVEL_LABELS, LEVELS, OUTCOME_LABELS, OUTCOMES, Finding, Result, evaluate,
                     localize_findings, suggest_outcome)

__all__ = ["LEVELS", "LEVEL_LABELS", "OUTCOMES", "OUTCOME_LABELS", "Finding",
           "Result", "evaluate", "localize_findings", "suggest_outcome"]
