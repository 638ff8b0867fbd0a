"""A closed session's state can be freed: nothing process-wide keeps its store, files and frames alive.

Measured before the fix: every closed session (100 Twinkle files ≈ 30 MiB) stayed in the server for its
lifetime, held through Panel's JS-link registry by the threshold slider (benchmarks/session_memory.py).
"""

from __future__ import annotations

import gc
import weakref

import datagen
from eval_analyzer.dashboard.app import create_app, release_session
from eval_analyzer.dashboard.state import DataState
from eval_analyzer.dashboard.store import DerivedData
from eval_analyzer.dashboard.views.controls import FilterView


def test_a_released_session_becomes_unreachable():
    template = create_app(datagen.standard_files())
    store, files = weakref.ref(template.store), weakref.ref(template.store.data)
    release_session(template)  # what the server calls when it discards the session
    del template
    gc.collect()
    assert store() is None and files() is None


def test_a_slider_rebuilt_on_a_scale_switch_is_freed():
    store = DerivedData(data=DataState(files=datagen.standard_files()))
    view = FilterView(store=store)
    old = weakref.ref(view.threshold)
    store.overview.scale = 100  # a new range: the view builds a new slider
    assert view.threshold is not old()
    gc.collect()
    assert old() is None
