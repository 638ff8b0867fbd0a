"""Wheels for the offline site: metadata as Pyodide needs it, and the wheels we make ourselves."""

from __future__ import annotations

import io
import tarfile
import zipfile

import pytest

from eval_analyzer.site.wheels import (
    NH3_PLACEHOLDER,
    nh3_placeholder,
    pure_wheel_from_sdist,
    pyodide_requirements,
    read_wheel,
    write_wheel,
)


@pytest.mark.parametrize(("line", "kept"), [
    ("numpy>=1.16", "numpy>=1.16"),
    ('tornado>=6.2; sys_platform != "emscripten"', None),  # bokeh: not in the browser
    ('tzdata; sys_platform == "emscripten"', "tzdata"),
    ('numpy>=2.0.2; python_version < "3.14"', "numpy>=2.0.2"),
    ('numpy>=2.3.3; python_version >= "3.14"', None),
    ('colorama; platform_system == "Windows"', None),
    ('pytest; extra == "test"', None),
    ("requests[socks]>=2", "requests>=2"),  # extras dropped
])
def test_requirements_evaluated_for_pyodide(line, kept):
    assert [str(r) for r in pyodide_requirements([line])] == ([kept] if kept else [])


def test_written_wheel_reads_back(tmp_path):
    path = write_wheel(tmp_path, "Demo-Pkg", "1.2", {"demo_pkg/__init__.py": b"X = 1\n", "solo.py": b""},
                       requires=("param>=2", 'tornado; sys_platform != "emscripten"'))
    assert path.name == "demo_pkg-1.2-py3-none-any.whl"
    info = read_wheel(path)
    assert (info.name, info.version, info.imports) == ("demo-pkg", "1.2", ("demo_pkg", "solo"))
    assert [str(r) for r in info.requires] == ["param>=2"]
    with zipfile.ZipFile(path) as archive:
        record = archive.read("demo_pkg-1.2.dist-info/RECORD").decode()
    assert "demo_pkg/__init__.py,sha256=" in record


def test_imports_without_top_level_txt(tmp_path):
    path = tmp_path / "x-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: x\nVersion: 1.0\n")
        archive.writestr("xpkg/__init__.py", "")
        archive.writestr("xpkg/data.json", "{}")
        archive.writestr("x-1.0.data/scripts/tool", "")
    assert read_wheel(path).imports == ("xpkg",)


def test_pure_wheel_from_sdist_keeps_only_python(tmp_path):
    sdist = tmp_path / "pyyaml-6.0.3.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        for name, data in {"pyyaml-6.0.3/lib/yaml/__init__.py": b"", "pyyaml-6.0.3/lib/yaml/cyaml.py": b"",
                           "pyyaml-6.0.3/yaml/_yaml.c": b"int x;", "pyyaml-6.0.3/setup.py": b""}.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    info = read_wheel(pure_wheel_from_sdist(sdist, "yaml", tmp_path / "out"))
    with zipfile.ZipFile(info.path) as archive:
        files = sorted(n for n in archive.namelist() if ".dist-info/" not in n)
    assert (info.name, info.version, files) == ("pyyaml", "6.0.3", ["yaml/__init__.py", "yaml/cyaml.py"])


def test_nh3_placeholder_escapes_instead_of_passing_html(tmp_path):
    info = read_wheel(nh3_placeholder(tmp_path))
    assert info.imports == ("nh3",)
    namespace: dict = {}
    exec(compile(NH3_PLACEHOLDER, "nh3", "exec"), namespace)  # noqa: S102 - our own constant
    assert namespace["clean"]("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
