"""The root shows the layers, and the imports keep to them.

newsroom (the domain) < web (the HTTP layer shared by blueprints) < blueprints, cli < app.
A lower layer never imports a higher one, and no module imports itself round a cycle, not even
through an import inside a function: every import statement in the source counts.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
APP_FOLDERS = ("newsroom", "web", "cli", "blueprints")
APP_MODULES = ("app", "config", "extensions", "database", "demo", "demo_content")

# What each layer may not import (a module name, or the start of one followed by a dot).
FORBIDDEN = {
    "newsroom": ("web", "blueprints", "cli", "app"),
    "web": ("blueprints", "cli", "app"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def first_party_sources() -> dict[str, str]:
    """Every application module's source, by its import name."""
    paths = [ROOT / f"{name}.py" for name in APP_MODULES if (ROOT / f"{name}.py").exists()]
    for folder in APP_FOLDERS:
        paths += sorted((ROOT / folder).rglob("*.py"))
    return {module_name(p): p.read_text(encoding="utf-8") for p in paths}


def imports_of(name: str, source: str, known: set[str]) -> set[str]:
    """The first-party modules that this module's source imports, wherever the statement is."""
    package = name if name in PACKAGES else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # "from web import auth" imports the module web.auth; "from web.pages import x" web.pages.
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    known = set(sources)
    return {name: imports_of(name, source, known) for name, source in sources.items()}


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for name, targets in sorted(graph.items()):
        layer = name.split(".")[0]
        for target in sorted(targets):
            for higher in FORBIDDEN.get(layer, ()):
                if target == higher or target.startswith(higher + "."):
                    problems.append(f"{name} imports {target} ({layer} must not import {higher})")
    return problems


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None when the graph is acyclic."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(name: str) -> list[str] | None:
        path.append(name)
        on_path.add(name)
        for target in sorted(graph.get(name, ())):
            if target in on_path:
                return path[path.index(target) :] + [target]
            if target not in done:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        on_path.discard(name)
        done.add(name)
        return None

    for name in sorted(graph):
        if name not in done:
            cycle = visit(name)
            if cycle:
                return cycle
    return None


SOURCES = first_party_sources()
PACKAGES = {module_name(p) for folder in APP_FOLDERS for p in (ROOT / folder).rglob("__init__.py")}
GRAPH = import_graph(SOURCES)


def test_the_layers_are_where_the_readme_says():
    assert {"newsroom.models", "web.caching", "web.pages", "cli"} <= set(GRAPH)
    assert GRAPH["app"] >= {"web.pages", "blueprints.news.views", "cli"}


def test_the_domain_knows_nothing_of_requests_or_blueprints_and_web_nothing_of_blueprints():
    assert layer_violations(GRAPH) == []


def test_no_module_imports_itself_round_a_cycle():
    assert find_cycle(GRAPH) is None


def test_the_checks_catch_a_forbidden_import_and_a_hidden_cycle():
    """The two checks above, shown failing on a tree with the faults they exist to catch."""
    sources = {
        "newsroom.models": "def save():\n    from web.caching import invalidate\n",
        "web.caching": "from newsroom.models import Story\n",
        "web.templating": "from web import seo\n",
        "web.seo": "def photo_url():\n    from web.templating import media_url\n",
        "blueprints.news.views": "from newsroom import models\n",
    }
    graph = import_graph(sources)
    assert graph["blueprints.news.views"] == {"newsroom.models"}
    assert layer_violations(graph) == [
        "newsroom.models imports web.caching (newsroom must not import web)"
    ]
    assert find_cycle(graph) == ["newsroom.models", "web.caching", "newsroom.models"]
    del graph["newsroom.models"]
    assert find_cycle(graph) == ["web.seo", "web.templating", "web.seo"]


def test_importing_the_app_loads_each_module_once():
    """No module (a blueprint above all) is imported twice under two names."""
    script = (
        "import os, sys, app\n"
        "files = [getattr(m, '__file__', None) for m in list(sys.modules.values())]\n"
        "files = [os.path.realpath(f) for f in files if f]\n"
        "mine = [f for f in files if f and f.startswith(sys.argv[1])]\n"
        "print('\\n'.join(sorted(f for f in set(mine) if mine.count(f) > 1)))\n"
        "print(len(mine))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script, str(ROOT) + os.sep],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    *twice, count = result.stdout.strip().splitlines()
    assert twice == []
    assert int(count) >= len([m for m in SOURCES if m.startswith("blueprints.")])


def test_no_module_is_longer_than_four_hundred_lines():
    """About 400 lines is the point to split a module by responsibility (migrations aside)."""
    long = {name: source.count("\n") for name, source in SOURCES.items()}
    assert {name: lines for name, lines in long.items() if lines > 400} == {}


# Retired words for the newsroom's concepts: story (not article), photo (not image or media
# library), ticker (not breaking item). Reader URLs such as /article/<slug> and the database's
# table names stay as they were published; schema.org and Open Graph names are not ours.
RETIRED = re.compile(
    r"\bArticle\b|\bBreakingItem\b|(?<!PIL)\bImage\b(?! as PILImage)|\bhero_image\b"
    r"|news\.article\b|admin\.media\b|admin\.breaking|/admin/media\b|/admin/breaking\b"
)


def retired_words(sources: dict[str, str]) -> list[str]:
    return [
        f"{name}:{n}: {line.strip()}"
        for name, source in sorted(sources.items())
        for n, line in enumerate(source.splitlines(), 1)
        if RETIRED.search(line) and "from PIL import" not in line
    ]


def test_one_word_per_concept_in_code_and_templates():
    templates = {
        str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / "templates").rglob("*.html")
    }
    assert retired_words(SOURCES | templates) == []
    assert retired_words({"x": "story = Article.latest()", "y": "url_for('admin.media')"}) == [
        "x:1: story = Article.latest()",
        "y:1: url_for('admin.media')",
    ]


def test_ruff_alone_decides_the_layout():
    """No hand-kept layouts: `# fmt: skip` would let a file drift from the house format."""
    marked = [name for name, source in SOURCES.items() if "fmt: skip" in source]
    assert marked == []
