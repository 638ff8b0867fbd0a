"""Pure Python + pandas core: readers, the score table and every computation.

Nothing in this package imports panel, param, holoviews or bokeh (a test enforces it), so the same code serves
the dashboard, the Pyodide page, the command line and the tests.
"""

from eval_analyzer.core.errors import EvalAnalyzerError, Problem, ReadError
from eval_analyzer.core.loader import Limits, LoadedData, load_files, load_paths

__all__ = ["EvalAnalyzerError", "Problem", "ReadError", "LoadedData", "Limits", "load_files", "load_paths"]
