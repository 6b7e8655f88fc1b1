"""YAML -> plain Python data, remembering where every node came from (file and line).

Positions are kept beside the data, keyed by ``id()`` of the containing dict/list, so they
survive when included sections are spliced into the including file's tree.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import ErrorCollector

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_VAR = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
MAX_NODES = 200_000
_STR_TAG = "tag:yaml.org,2002:str"


class _TooLarge(Exception):
    """Raised inside the converter when a document expands beyond MAX_NODES."""


class Positions:
    """Maps (container, key-or-index) to (file, line) of the value; containers to their start."""

    def __init__(self) -> None:
        self.node: dict[int, tuple[str, int]] = {}
        self.child: dict[tuple[int, Any], tuple[str, int]] = {}
        self._keep: list[Any] = []  # keep containers alive so id() stays unique

    def set_node(self, obj: Any, where: tuple[str, int]) -> None:
        self.node[id(obj)] = where
        self._keep.append(obj)

    def of(self, container: Any, key: Any = None) -> tuple[str, int] | None:
        if key is not None and (id(container), key) in self.child:
            return self.child[(id(container), key)]
        return self.node.get(id(container))


def _label(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"[{item['id']}]"
    return f"[{index}]"


def format_path(root: Any, loc: tuple) -> str:
    """Dotted path; list elements that have an ``id`` are shown by id: sections[x].questions[y]."""
    out = ""
    cur = root
    for step in loc:
        if isinstance(cur, list) and isinstance(step, int):
            item = cur[step] if 0 <= step < len(cur) else None
            out += _label(item, step)
            cur = item
        else:
            out += ("." if out else "") + str(step)
            cur = cur.get(step) if isinstance(cur, dict) else None
    return out


def locate(positions: Positions, root: Any, loc: tuple) -> tuple[str, int] | None:
    """Deepest known position along ``loc`` inside ``root``."""
    where = positions.of(root)
    cur = root
    for step in loc:
        if isinstance(cur, dict) and step in cur:
            where = positions.of(cur, step) or where
            cur = cur[step]
        elif isinstance(cur, list) and isinstance(step, int) and 0 <= step < len(cur):
            where = positions.of(cur, step) or where
            cur = cur[step]
        else:
            break
    return where


class SourceReader:
    """Reads YAML files into data + positions; reports YAML errors with line numbers."""

    def __init__(self, errors: ErrorCollector, positions: Positions, nodes: dict | None = None) -> None:
        self.errors = errors
        self.positions = positions
        self._constructor = yaml.constructor.SafeConstructor()
        # Parsed files shared by the loads of one catalogue: an include file used by four questionnaires
        # is parsed once (the variables are filled in afterwards, per include).
        self._nodes = nodes

    def read(self, path: Path, display: str, variables: dict[str, str] | None = None) -> Any:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            self.errors.add(display, 0, "(document)", "kan bestand niet lezen: %(problem)s", problem=str(exc.strerror))
            return None
        except UnicodeDecodeError:
            self.errors.add(display, 0, "(document)", "het bestand is geen UTF-8-tekst")
            return None
        return self.parse(text, display, variables, key=str(path))

    def parse(self, text: str, display: str, variables: dict[str, str] | None = None,
              key: str | None = None) -> Any:
        """YAML text -> data + positions (``display`` names it in messages); ``None`` on errors.
        ``key`` (the file's path) lets a shared parse cache reuse the parsed file."""
        key = (key or display, text)
        try:
            if self._nodes is not None and key in self._nodes:
                node = self._nodes[key]
            else:
                node = yaml.compose(text, Loader=_Loader)
                if self._nodes is not None:
                    self._nodes[key] = node
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 0
            problem = exc.problem or exc.context or "onleesbare YAML"
            self.errors.add(display, line, "(document)",
                            "YAML-syntaxfout: %(problem)s (controleer de inspringing)", problem=str(problem))
            return None
        except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
            self.errors.add(display, 0, "(document)", "YAML-syntaxfout: %(problem)s", problem=str(exc))
            return None
        if node is None:
            return None
        self._budget = MAX_NODES
        try:
            data = self._convert(node, display, variables or {}, "")
        except _TooLarge:
            self.errors.add(display, 0, "(document)",
                            "het bestand is te groot na het uitvouwen van ankers/aliassen (meer dan %(max)s "
                            "onderdelen)", max=MAX_NODES)
            return None
        return data

    def _convert(self, node: yaml.Node, file: str, variables: dict, path: str) -> Any:
        line = node.start_mark.line + 1
        # Aliases (*name) reuse a node; expanding nested aliases can explode ("billion laughs"),
        # so the number of nodes produced per file is capped.
        self._budget -= 1
        if self._budget < 0:
            raise _TooLarge()
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            self.positions.set_node(out, (file, line))
            for key_node, value_node in node.value:
                key = self._convert(key_node, file, {}, path)
                if isinstance(key, (dict, list)):
                    self.errors.add(file, key_node.start_mark.line + 1, path or "(document)",
                                    "sleutel moet tekst zijn")
                    continue
                if key in out:
                    self.errors.add(file, key_node.start_mark.line + 1,
                                    f"{path}.{key}" if path else str(key),
                                    "dubbele sleutel '%(name)s'", name=key)
                    continue
                child_path = f"{path}.{key}" if path else str(key)
                out[key] = self._convert(value_node, file, variables, child_path)
                self.positions.child[(id(out), key)] = (file, key_node.start_mark.line + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            lst: list = []
            self.positions.set_node(lst, (file, line))
            for i, item_node in enumerate(node.value):
                lst.append(self._convert(item_node, file, variables, f"{path}[{i}]"))
                self.positions.child[(id(lst), i)] = (file, item_node.start_mark.line + 1)
            return lst
        if node.tag == _STR_TAG:  # most scalars: the text as written (what construct_yaml_str returns)
            value = node.value
            if "${" in value:
                value = self._substitute(value, variables, file, line, path)
            return value
        try:
            value = self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or "onbekende waarde"
            self.errors.add(file, line, path or "(document)", "YAML-fout: %(problem)s", problem=str(problem))
            return None
        if isinstance(value, str) and "${" in value:
            value = self._substitute(value, variables, file, line, path)
        return value

    def _substitute(self, value: str, variables: dict, file: str, line: int, path: str) -> str:
        # In an English text (a key ending in _en) ``${name}`` takes ``name_en`` when the include
        # supplies it, e.g. vars: {ambt: wethouder, ambt_en: alderman}.
        english = path.rsplit(".", 1)[-1].split("[", 1)[0].endswith("_en")

        def repl(match: re.Match) -> str:
            name = match.group(1)
            if english and f"{name}_en" in variables:
                return str(variables[f"{name}_en"])
            if name not in variables:
                self.errors.add(file, line, path or "(document)", "onbekende variabele '${%(name)s}'", name=name)
                return match.group(0)
            return str(variables[name])

        return _VAR.sub(repl, value)
