"""The demo workspace (invented data, a published password) stays out of the production wheel."""

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = ROOT / "src" / "meshutaf"


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]


def test_the_demo_package_is_excluded_from_the_wheel():
    exclude = _setuptools()["packages"]["find"]["exclude"]
    assert {"meshutaf.demo", "meshutaf.demo.*"} <= set(exclude)


def test_no_demo_file_is_pulled_in_as_package_data():
    config = _setuptools()
    included = config.get("package-data", {}).get("meshutaf", [])
    excluded = config.get("exclude-package-data", {}).get("meshutaf", [])
    demo_files = [
        path.relative_to(PACKAGE_DIR).as_posix()
        for path in (PACKAGE_DIR / "demo").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert any(name.startswith("demo/data/") for name in demo_files)
    for name in demo_files:
        # fnmatch's "*" also crosses "/", so it matches at least what setuptools' globs match.
        pulled_in = any(fnmatch.fnmatch(name, pattern) for pattern in included)
        left_out = any(fnmatch.fnmatch(name, pattern) for pattern in excluded)
        assert left_out or not pulled_in, name
    assert any(fnmatch.fnmatch("demo/data/initiatives.toml", pattern) for pattern in excluded)
