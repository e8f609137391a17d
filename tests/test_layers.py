"""The import direction of src/doanvien, read from the source (docs/architecture.md).

Every module is parsed; the test fails on:
- a project import inside a function (it hides a circle or an upward import);
- an import of another module's `_private` name;
- a circle of file-level imports between modules;
- a domain module importing an app above its own, or importing an interface module;
- a name that doanvien.actions defines imported from anywhere but actions (the app's own
  service of that name skips what the other apps keep: the action is what callers use).
Like the permission matrix, a new app must be placed in LAYERS before its code can pass.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "doanvien"

# Domain apps, lowest first: an app's domain modules import only from its own layer or below.
# The new areas go between training and actions.
LAYERS = [
    ["core"],
    ["units"],
    ["accounts"],
    ["notifications"],
    ["jobs"],
    # The member statistics' ledger is written by the member services: the same layer.
    ["members", "member_stats"],
    ["training"],
    ["profiles"],
    ["meetings", "committees", "honours"],
    ["evaluations"],
    ["member_accounts"],
    ["dues"],
    ["youth"],
    ["directives"],
    ["returns"],
    ["activities"],
    ["actions"],
    # The read side and the doors: reports reads every app; the API, the demo and the site's
    # own modules (settings, urls) sit on top.
    ["reports"],
    # The yearly report drafted from the data: it reads the report's rows (reports) and the
    # activity figures, and keeps its own prose and good models.
    ["yearly_reports"],
    ["api", "demo", "(site)"],
]
# Modules of an app that are doors into it rather than its rules: they may import any app.
INTERFACE = {
    "views",
    "forms",
    "urls",
    "admin",
    "apps",
    "jobs",
    "imports",
    "exports",
    "management",
    "templatetags",
    "context_processors",
    "middleware",
}


def layer_of(app: str) -> int:
    for i, apps in enumerate(LAYERS):
        if app in apps:
            return i
    raise AssertionError(f"app {app!r} is not placed in tests/test_layers.py LAYERS")


# Modules of the site itself rather than of an app: settings, urls, wsgi, the date formats.
SITE = {"formats"}


@dataclass(frozen=True)
class Module:
    name: str  # doanvien.members.services.records
    path: Path
    app: str  # members; "(site)" for settings, urls and the like

    @property
    def parts(self) -> list[str]:
        return self.name.split(".")

    @property
    def is_interface(self) -> bool:
        if self.app in ("api", "demo", "(site)"):
            return True
        inner = self.parts[2:]
        return bool(inner) and (inner[0] in INTERFACE or inner[-1] in INTERFACE)


@dataclass(frozen=True)
class Import:
    source: Module
    line: int
    target: str  # the module imported from (or the module imported)
    name: str | None  # the name taken from it, if any
    in_function: bool


def modules(root: Path = SRC) -> dict[str, Module]:
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        is_app = len(parts) > 2 or path.name == "__init__.py" and len(parts) == 2
        app = parts[1] if is_app and parts[1] not in SITE else "(site)"
        found[".".join(parts)] = Module(".".join(parts), path, app)
    return found


def imports_of(module: Module, known: dict[str, Module]) -> list[Import]:
    tree = ast.parse(module.path.read_text(), filename=str(module.path))
    is_package = module.path.name == "__init__.py"
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module.parts if is_package else module.parts[:-1]
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                for alias in child.names:
                    submodule = f"{target}.{alias.name}"
                    if submodule in known:
                        found.append(Import(module, child.lineno, submodule, None, inside))
                    else:
                        found.append(Import(module, child.lineno, target, alias.name, inside))
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    found.append(Import(module, child.lineno, alias.name, None, inside))
            visit(child, inside)

    visit(tree, False)
    return [i for i in found if i.target == PACKAGE or i.target.startswith(PACKAGE + ".")]


def resolve(target: str, known: dict[str, Module]) -> Module | None:
    while target and target not in known:
        target = target.rpartition(".")[0]
    return known.get(target)


def defined_names(module: Module) -> set[str]:
    tree = ast.parse(module.path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def problems(root: Path = SRC) -> list[str]:
    """Everything wrong with the import direction of the tree under `root`, one line each."""
    known = modules(root)
    all_imports = [i for m in known.values() for i in imports_of(m, known)]
    action_names = {
        name: m.name
        for m in known.values()
        if m.app == "actions"
        for name in defined_names(m)
        if not name.startswith("_")
    }
    found = []
    edges: dict[str, set[str]] = {}
    for i in all_imports:
        where = f"{i.source.path.relative_to(root)}:{i.line}"
        target = resolve(i.target, known)
        if target is None:
            continue
        if i.in_function:
            found.append(f"{where}: imports {i.target} inside a function")
        else:
            if target.name != i.source.name:
                edges.setdefault(i.source.name, set()).add(target.name)
        private = [n for n in (i.name, i.target.rpartition(".")[2]) if n]
        is_private = any(n.startswith("_") and not n.startswith("__") for n in private)
        if is_private and target.name != i.source.name:
            found.append(f"{where}: imports the private {i.name or i.target} of {i.target}")
        # An app's own rules may build on the primitive; its doors and other apps may not.
        own_rules = not i.source.is_interface and i.source.app == target.app
        if (
            i.name in action_names
            and i.source.app != "actions"
            and not own_rules
            and i.target != action_names[i.name]
        ):
            found.append(
                f"{where}: imports {i.name} from {i.target}; callers use "
                f"{action_names[i.name]}.{i.name}"
            )
        source, goal = i.source, target
        if source.is_interface or source.app == goal.app and not goal.is_interface:
            continue
        if goal.is_interface:
            found.append(f"{where}: the domain module {source.name} imports {goal.name}")
        elif layer_of(goal.app) > layer_of(source.app):
            found.append(
                f"{where}: {source.app} imports {goal.app}, which is above it ({goal.name})"
            )
    for component in cycles(edges):
        found.append("import circle: " + " -> ".join(component))
    return found


def test_every_app_is_placed_in_a_layer():
    for module in modules().values():
        layer_of(module.app)


@pytest.mark.parametrize(
    "rule", ["function", "private", "circle", "above", "interface", "action", "none"]
)
def test_the_import_direction_holds(rule):
    """One list, split by kind so a failure names its rule."""
    kinds = {
        "function": "inside a function",
        "private": "the private",
        "circle": "import circle",
        "above": "which is above it",
        "interface": "the domain module",
        "action": "callers use",
    }
    every = problems()
    if rule == "none":
        assert every == []
    else:
        assert [p for p in every if kinds[rule] in p] == []


# --- The checker itself, on small trees made for each rule --------------------------------------


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"doanvien/__init__.py": "", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(tmp_path).parents:
            init = tmp_path / parent / "__init__.py"
            if parent != Path(".") and not init.exists():
                init.write_text("")
        path.write_text(text)
    return tmp_path


def test_it_finds_an_import_inside_a_function(tmp_path):
    root = tree(
        tmp_path,
        {
            "doanvien/units/services.py": "def f():\n    from doanvien.core import text\n",
            "doanvien/core/text.py": "",
        },
    )
    assert problems(root) == [
        "doanvien/units/services.py:2: imports doanvien.core.text inside a function"
    ]


def test_it_finds_a_private_name_taken_from_another_module(tmp_path):
    root = tree(
        tmp_path,
        {
            "doanvien/core/text.py": "def _fold(): ...\n",
            "doanvien/units/services.py": "from doanvien.core.text import _fold\n",
        },
    )
    assert problems(root) == [
        "doanvien/units/services.py:1: imports the private _fold of doanvien.core.text"
    ]


def test_it_finds_a_circle(tmp_path):
    root = tree(
        tmp_path,
        {
            "doanvien/members/a.py": "from . import b\n",
            "doanvien/members/b.py": "from .c import x\n",
            "doanvien/members/c.py": "from doanvien.members import a\nx = 1\n",
        },
    )
    assert problems(root) == [
        "import circle: doanvien.members.a -> doanvien.members.b -> doanvien.members.c"
    ]


def test_it_finds_an_upward_import_but_lets_a_view_import_anything(tmp_path):
    root = tree(
        tmp_path,
        {
            "doanvien/training/rules.py": "x = 1\n",
            "doanvien/members/services.py": "from doanvien.training.rules import x\n",
            "doanvien/members/views.py": "from doanvien.training.rules import x\n",
        },
    )
    assert problems(root) == [
        "doanvien/members/services.py:1: members imports training, which is above it "
        "(doanvien.training.rules)"
    ]


def test_it_finds_a_domain_module_that_imports_a_view(tmp_path):
    root = tree(
        tmp_path,
        {
            "doanvien/members/views/records.py": "def page(): ...\n",
            "doanvien/members/services.py": "from .views.records import page\n",
        },
    )
    assert problems(root) == [
        "doanvien/members/services.py:1: the domain module doanvien.members.services imports "
        "doanvien.members.views.records"
    ]


def test_it_finds_an_action_taken_from_the_app_instead(tmp_path):
    root = tree(
        tmp_path,
        {
            "doanvien/members/services.py": "def member_move(): ...\n",
            "doanvien/actions/members.py": "from doanvien.members import services\n"
            "def member_move(): services.member_move()\n",
            "doanvien/members/views.py": "from doanvien.members.services import member_move\n",
        },
    )
    assert problems(root) == [
        "doanvien/members/views.py:1: imports member_move from doanvien.members.services; "
        "callers use doanvien.actions.members.member_move"
    ]


def test_an_app_missing_from_the_layers_is_named(tmp_path):
    root = tree(tmp_path, {"doanvien/unplaced/models.py": "from doanvien.core import text\n"})
    (root / "doanvien/core").mkdir()
    (root / "doanvien/core/__init__.py").write_text("")
    (root / "doanvien/core/text.py").write_text("")
    with pytest.raises(AssertionError, match="'unplaced' is not placed"):
        problems(root)
