"""The package's shape: no import cycles among its modules, the public names exported."""

from __future__ import annotations

import grimp

import extraction


def test_no_module_imports_one_that_imports_it_back() -> None:
    """Cycles make import order matter and hide layers; lazy imports inside functions count."""
    graph = grimp.build_graph("extraction")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if imported != module and graph.chain_exists(importer=imported, imported=module):
                cycles.append((module, imported))
    assert cycles == []


def test_result_types_are_exported() -> None:
    for name in ("Extraction", "Assignment", "Target", "ReportingRule"):
        assert name in extraction.__all__
        assert getattr(extraction, name).__annotations__, name
