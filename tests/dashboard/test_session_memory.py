"""A closed session's state can be freed: nothing process-wide keeps its store, files and frames alive.

Measured before the fix: every closed session (100 Twinkle files ≈ 30 MiB) stayed in the server for its
lifetime, held through Panel's JS-link registry by the threshold slider (benchmarks/session_memory.py).
"""

from __future__ import annotations

import gc
import weakref

import datagen
from eval_analyzer.dashboard.app import create_app, release_session


def test_a_released_session_becomes_unreachable():
    template = create_app(datagen.standard_files())
    store, files = weakref.ref(template.store), weakref.ref(template.store.data)
    release_session(template)  # what the server calls when it discards the session
    del template
    gc.collect()
    assert store() is None and files() is None
