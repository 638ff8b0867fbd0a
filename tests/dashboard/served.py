"""A Bokeh document that looks served, for tests of what the app does only under `panel serve`.

Panel decides from `doc.session_context` whether it runs under a server (stylesheets resolve to the server's
paths, onload callbacks wait for the browser, a session's changes are applied on the next tick); these stand-ins
carry what Panel reads of a real session's context while it builds and loads a page.
"""

from __future__ import annotations

from bokeh.document import Document


class _Request:
    arguments: dict = {}
    headers: dict = {}
    cookies: dict = {}
    path = "/"


class _SessionContext:
    id = "test-session"
    request = _Request()


def served_document() -> Document:
    doc = Document()
    context = _SessionContext()
    doc._session_context = lambda: context
    return doc
