"""Eval Analyzer: compare LLM evaluation results across models, datasets and categories."""

__version__ = "0.1.0"
