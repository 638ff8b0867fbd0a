"""Eval Analyzer: compare LLM evaluation results across models, datasets and categories.

`import eval_analyzer as ea; results = ea.load("results/")` (README "Python API"). The API is imported on first
use, so `import eval_analyzer` stays cheap (no pandas, no Panel) for the command line.
"""

__version__ = "0.1.0"

__all__ = ["Limits", "Results", "load"]


def __getattr__(name: str):
    if name in ("load", "Results"):
        from eval_analyzer import api

        return getattr(api, name)
    if name == "Limits":
        from eval_analyzer.core.loader import Limits

        return Limits
    raise AttributeError(f"module 'eval_analyzer' has no attribute {name!r}")
