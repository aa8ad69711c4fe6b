"""Installation goes through pip's own configuration (PIP_INDEX_URL, pip.conf): no file of the
project names a package index, so a government network's mirror is never bypassed."""

from __future__ import annotations

import re
import subprocess

from tests.samples import REPO

INDEX_ADDRESS = re.compile(
    r"pypi\.org|pythonhosted\.org|--index-url|--extra-index-url|index-url\s*=|PIP_INDEX_URL=\S"
)


def _tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    return [name for name in listed if not name.startswith(("tests/", "tracker/static/vendor/"))]


def test_no_project_file_names_a_package_index():
    offenders = []
    for name in _tracked_files():
        path = REPO / name
        if name == "README.md" or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        offenders += [f"{name}: {m.group(0)}" for m in INDEX_ADDRESS.finditer(text)]
    assert not offenders


def test_the_readme_says_how_to_point_pip_at_a_mirror():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "pip config set global.index-url" in readme
    assert "PIP_INDEX_URL" in readme
