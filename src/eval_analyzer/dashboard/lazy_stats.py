"""Whether the statistics library can be used now (a stand-in until the Pyodide page loads scipy lazily)."""

from collections.abc import Callable

from eval_analyzer.core.significance import statistics_ready


def ensure_statistics(on_ready: Callable[[], None]) -> bool:
    """True when scipy can be imported now; the lazy version schedules its load and calls `on_ready` later."""
    return statistics_ready()
