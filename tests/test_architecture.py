"""Dependencies run one way (README, Architecture): newsroom ← articles ← comments.

Every import statement of every module of the project's packages is read, including those
inside functions, and checked against the order below: a package may import those before it
in LAYERS, never one after it. Django's own modules (contrib models among them) and other
libraries are not the project's and are always allowed.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first. A new app takes its place here (and the test fails until it does).
LAYERS = ["newsroom", "articles", "comments"]


def project_packages():
    return sorted(
        path.parent.name for path in ROOT.glob("*/__init__.py") if path.parent.name != "tests"
    )


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path):
    """(line, module) for every import in the file, relative ones resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            yield node.lineno, module
            # `from package import module` imports the module too.
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def wrong_way_imports(layers=LAYERS):
    found = []
    for package in layers:
        allowed = set(layers[: layers.index(package) + 1])
        forbidden = set(layers) - allowed
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, module in imported_modules(path):
                top = module.split(".")[0]
                if top in forbidden:
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return sorted(set(found))


def test_every_project_package_has_its_place_in_the_layers():
    assert project_packages() == sorted(LAYERS)


def test_imports_run_one_way_newsroom_articles_comments():
    assert wrong_way_imports() == []


@pytest.mark.parametrize(
    "source, package, expected",
    [
        ("from comments.models import Comment\n", "articles", "comments.models"),
        ("def f():\n    from articles import models\n", "newsroom", "articles"),
        ("import comments.threads\n", "newsroom", "comments.threads"),
    ],
)
def test_a_wrong_way_import_is_caught(tmp_path, monkeypatch, source, package, expected):
    """The check itself: an import against the order, even inside a function, is reported."""
    for name in LAYERS:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / package / "module.py").write_text(source)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert any(expected in problem for problem in wrong_way_imports())
