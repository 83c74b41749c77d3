"""The layout keeps its promise: our apps import one another in one direction only, each from the layers below it,
and no module or function grows past what can be read at once."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Bottom to top: each may import the ones before it, never one after it (the README's architecture section).
LAYERS = ["common", "audit", "agreement", "accounts", "commitments", "dialogues", "onboarding", "returns", "reports",
          "demo", "partnership"]


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else [])
        found |= {name.split(".")[0] for name in names} & set(LAYERS)
    return found


def _graph() -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> the modules that import it."""
    graph = {app: {} for app in LAYERS}
    for app in LAYERS:
        for path in _modules(app):
            for other in _imported_apps(path) - {app}:
                graph[app].setdefault(other, []).append(str(path.relative_to(ROOT)))
    return graph


def test_every_app_of_ours_is_in_a_layer():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} - {"tests", "bench"}
    assert packages == set(LAYERS)


def test_apps_import_only_the_layers_below_them():
    graph = _graph()
    upward = {f"{app} imports {other} ({', '.join(where)})"
              for app, imports in graph.items() for other, where in imports.items()
              if LAYERS.index(other) > LAYERS.index(app)}
    assert upward == set()


def test_the_import_graph_has_no_cycle():
    graph = {app: set(imports) for app, imports in _graph().items()}
    done, path = set(), []

    def visit(app):
        assert app not in path, f"import cycle: {' -> '.join(path[path.index(app):] + [app])}"
        if app in done:
            return
        path.append(app)
        for other in sorted(graph[app]):
            visit(other)
        path.pop()
        done.add(app)

    for app in LAYERS:
        visit(app)


def test_both_forms_of_import_are_read(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("from reports.dashboard import overview\nimport dialogues.models\n")
    assert _imported_apps(module) == {"reports", "dialogues"}


def test_no_module_or_function_is_longer_than_can_be_read_at_once():
    too_long = []
    for app in LAYERS:
        for path in _modules(app):
            text = path.read_text()
            if text.count("\n") > 400:
                too_long.append(f"{path.relative_to(ROOT)}: {text.count(chr(10))} lines")
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
                    too_long.append(f"{path.relative_to(ROOT)}: {node.name}() {node.end_lineno - node.lineno + 1} lines")
    assert too_long == []


@pytest.mark.django_db
def test_the_moved_apps_kept_their_tables_and_their_migrations_match_the_models():
    from io import StringIO

    from django.core.management import call_command

    from agreement.models import Organisation, Paragraph

    # agreement/ holds what was the partnership app: same label, so the same tables and migration history.
    assert (Organisation._meta.db_table, Paragraph._meta.db_table) == ("partnership_organisation", "partnership_paragraph")
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())  # exits non-zero on any difference
