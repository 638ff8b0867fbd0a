"""Leave out of the offline site's wheels the files no page uses at runtime.

The worker unzips every wheel into its in-memory file system on every visit; PyPI's panel, bokeh and holoviews
wheels carried ~120 MB (uncompressed) of browser bundles, examples and tests the page never reads. The rules
follow what Panel does for its own Pyodide wheels: panel built with PANEL_LITE (no `dist/bundled`, no built JS)
and bokeh without its `.js` / `.d.ts` / `bokeh.json` (`scripts/build_pyodide_wheels.py` in Panel). The page
loads Bokeh's and Panel's JS and CSS from `bokeh/` and `panel-cdn/` instead.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename

_PANEL_DROPPED_DIRS = ("panel/dist/bundled/", "panel/dist/lib/", "panel/dist/dts/", "panel/tests/")
_PANEL_DROPPED_FILES = {"panel/dist/panel.js", "panel/dist/panel.js.map", "panel/dist/panel.min.js",
                        "panel/dist/panel.json"}
_BOKEH_DROPPED_SUFFIXES = (".js", ".d.ts", ".tsbuildinfo", "bokeh.json")

# canonical name -> "is this archive path left out?"
RULES: dict[str, Callable[[str], bool]] = {
    "panel": lambda path: path.startswith(_PANEL_DROPPED_DIRS) or path in _PANEL_DROPPED_FILES,
    "bokeh": lambda path: (path.endswith(_BOKEH_DROPPED_SUFFIXES)
                           and not path.startswith("bokeh/core/_templates/")),
    "holoviews": lambda path: path.startswith(("holoviews/examples/", "holoviews/tests/")),
}


def slim(wheel: Path, cache: Path) -> Path:
    """A copy of `wheel` without the files its rule drops (cached per input sha256); `wheel` if no rule."""
    name = canonicalize_name(parse_wheel_filename(wheel.name)[0])
    drop = RULES.get(name)
    if drop is None:
        return wheel
    target = cache / hashlib.sha256(wheel.read_bytes()).hexdigest()[:24] / wheel.name
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with zipfile.ZipFile(wheel) as zin, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if drop(info.filename):
                continue
            data = zin.read(info.filename)
            if info.filename.endswith(".dist-info/RECORD"):
                lines = data.decode("utf-8").splitlines(keepends=True)
                data = "".join(line for line in lines if not drop(line.split(",", 1)[0])).encode("utf-8")
            zout.writestr(info, data)
    partial.rename(target)
    return target
