"""The header's busy spinner stops when the work stops (issue 13, "A spinner that outlives the work").

Panel's boolean indicators hold "busy" for at least 500 ms; the template's spinner kept turning half a second
after every control change, and its idle message was the last one the server sent.
"""

from __future__ import annotations

import asyncio

import datagen
from eval_analyzer.dashboard.app import create_app


def test_the_spinner_is_idle_as_soon_as_the_work_ends():
    async def run() -> tuple[list[str], list[str]]:
        template = create_app(datagen.standard_files()[:1])
        indicator = template.busy_indicator
        model = indicator.get_root()
        indicator.value = True  # what Panel sets while a callback runs
        busy = list(model.css_classes)
        await asyncio.sleep(0.05)  # a short piece of work, inside the server's event loop
        indicator.value = False
        return busy, list(model.css_classes)

    busy, after = asyncio.run(run())
    assert "spin" in busy
    assert "spin" not in after


def test_the_upload_spinner_is_idle_as_soon_as_the_files_are_read():
    """The sidebar's spinner turns while uploaded files are read; it used to send its idle half a second after it
    turned on, the last message of every upload, while the Overview was already drawn."""
    import panel as pn

    async def run() -> tuple[bool, list[str], int]:
        template = create_app([])
        sidebar = pn.Column(*template.sidebar)
        (upload,) = sidebar.select(pn.widgets.FileInput)
        (spinner,) = sidebar.select(pn.indicators.LoadingSpinner)
        model = spinner.get_root()
        files = datagen.standard_files()[:2]
        upload.param.update(filename=[name for name, _ in files], value=[data for _, data in files])
        await asyncio.sleep(0)  # the read is a task of the event loop: let it begin
        spinning = "spin" in model.css_classes
        while template.store.data.busy:
            await asyncio.sleep(0.01)
        return spinning, list(model.css_classes), len(template.store.data.files)

    spinning, after, read = asyncio.run(run())
    assert spinning
    assert "spin" not in after
    assert read == 2
