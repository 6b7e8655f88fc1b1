"""Condition operators: a registry from YAML name to a compiler that returns a closure.

Conditions are compiled once at load time into plain closures ``fn(ctx) -> bool``. Every
closure tolerates any answer value (wrong types count as "not matching"), so evaluation
never raises on user data. Unknown operators and bad references are load errors.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

Fn = Callable[["Ctx"], bool]


class Ctx:
    """What a condition can see: top-level answers, the current repeat item, parameters, today."""

    __slots__ = ("answers", "item", "params", "today")

    def __init__(self, answers: dict, item: dict | None, params: dict, today: date):
        self.answers = answers
        self.item = item
        self.params = params
        self.today = today


@dataclass
class QInfo:
    id: str
    type: str
    options: tuple[str, ...] = ()
    subs: dict[str, "QInfo"] = field(default_factory=dict)
    order: int = 0


@dataclass
class Scope:
    top: dict[str, QInfo]
    params: dict[str, Any]
    top_limit: int | None = None      # only top-level questions with order < limit (None: all)
    self_id: str | None = None
    item: QInfo | None = None         # the repeat whose item the condition runs in
    item_limit: int | None = None
    item_self: str | None = None


class Compiler:
    """Compiles one condition tree, reporting problems through ``report(container, key, path, msgid, **params)``
    (a Dutch message id with parameters, translated where it is shown: ``errors.Problem``)."""

    def __init__(self, scope: Scope, report: Callable[..., None]):
        self.scope = scope
        self.report = report
        self.refs: set[str] = set()
        self.item_refs: set[str] = set()

    # -- entry -------------------------------------------------------------------------------
    def compile(self, raw: Any, path: str, parent: Any = None, key: Any = None) -> Fn:
        if not isinstance(raw, dict) or len(raw) != 1:
            self.report(parent, key, path,
                        "een voorwaarde is een mapping met precies één operator, bijv. {equals: ...}")
            return _false
        (op, arg), = raw.items()
        compiler = OPERATORS.get(op)
        if compiler is None:
            self.report(raw, op, f"{path}.{op}",
                        "onbekende operator '%(op)s'; kies uit: %(choices)s", op=op,
                        choices=", ".join(sorted(OPERATORS)))
            return _false
        return compiler(self, arg, f"{path}.{op}", raw, op)

    # -- helpers used by operator compilers ------------------------------------------------------
    def question(self, qid: Any, path: str, parent: Any, key: Any) -> tuple[QInfo | None, Callable]:
        """Resolve a question reference to (info, getter); reports unknown/forward/self refs."""
        s = self.scope
        if not isinstance(qid, str):
            self.report(parent, key, path, "verwijzing naar een vraag moet een vraag-id zijn")
            return None, _none
        if s.item is not None and qid in s.item.subs:
            info = s.item.subs[qid]
            if s.item_self == qid:
                self.report(parent, key, path, "voorwaarde verwijst naar de vraag zelf ('%(question)s')", question=qid)
            elif s.item_limit is not None and info.order >= s.item_limit:
                self.report(parent, key, path,
                            "voorwaarde verwijst naar vraag '%(question)s' die pas later komt", question=qid)
            self.item_refs.add(qid)
            return info, lambda c: c.item.get(qid) if c.item is not None else None
        if qid in s.top:
            info = s.top[qid]
            if s.self_id == qid:
                self.report(parent, key, path, "voorwaarde verwijst naar de vraag zelf ('%(question)s')", question=qid)
            elif s.top_limit is not None and info.order >= s.top_limit:
                self.report(parent, key, path,
                            "voorwaarde verwijst naar vraag '%(question)s' die pas later komt", question=qid)
            self.refs.add(qid)
            return info, lambda c: c.answers.get(qid)
        self.report(parent, key, path, "onbekende vraag '%(question)s'", question=qid)
        return None, _none

    def value(self, raw: Any, path: str, parent: Any, key: Any) -> Callable[[Ctx], Any]:
        """A literal, or ``{param: name}`` read from the parameters at evaluation time."""
        if isinstance(raw, dict):
            if set(raw) != {"param"} or not isinstance(raw.get("param"), str):
                self.report(parent, key, path, "waarde moet een getal/tekst zijn of {param: naam}")
                return _none
            name = raw["param"]
            if name not in self.scope.params:
                self.report(raw, "param", f"{path}.param", "onbekende parameter '%(name)s'", name=name)
            return lambda c: c.params.get(name)
        return lambda c: raw

    def mapping(self, arg: Any, path: str, parent: Any, key: Any, required: set, optional: set = frozenset()) -> dict | None:
        if not isinstance(arg, dict):
            self.report(parent, key, path,
                        "verwacht een mapping met: %(keys)s", keys=", ".join(sorted(required)))
            return None
        for k in arg:
            if k not in required and k not in optional:
                self.report(arg, k, f"{path}.{k}", "onbekende sleutel '%(name)s'", name=k)
        for k in sorted(required - set(arg)):
            self.report(parent, key, path, "verplichte sleutel '%(name)s' ontbreekt", name=k)
            return None
        return arg


def _false(c: Ctx) -> bool:
    return False


def _none(c: Ctx) -> None:
    return None


# -- value helpers (never raise) -------------------------------------------------------------

def is_answered(v: Any) -> bool:
    return v is not None and v != "" and v != [] and v != {}


def to_decimal(v: Any) -> Decimal | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        if isinstance(v, int):
            return Decimal(v)
        if isinstance(v, float):
            return Decimal(repr(v)) if math.isfinite(v) else None
        if isinstance(v, Decimal):
            return v if v.is_finite() else None
        if isinstance(v, str) and len(v) < 40:
            d = Decimal(v.strip())
            return d if d.is_finite() else None
    except (InvalidOperation, ValueError):
        return None
    return None


def to_date(v: Any) -> date | None:
    if isinstance(v, date):
        return v
    if isinstance(v, str) and len(v) == 10:
        try:
            return date.fromisoformat(v)
        except ValueError:
            return None
    return None


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b if isinstance(a, bool) and isinstance(b, bool) else False
    if type(a) in (int, float, Decimal, str) and type(b) in (int, float, Decimal, str):
        if isinstance(a, str) and isinstance(b, str):
            return a == b
        da, db = to_decimal(a), to_decimal(b)
        return da is not None and db is not None and da == db
    try:
        return bool(a == b)
    except Exception:  # exotic user objects
        return False


# -- operators ----------------------------------------------------------------------------------

def _op_answered(cp: Compiler, arg, path, parent, key) -> Fn:
    _, get = cp.question(arg, path, parent, key)
    return lambda c: is_answered(get(c))


def _op_is(expected: bool):
    def compile_(cp: Compiler, arg, path, parent, key) -> Fn:
        info, get = cp.question(arg, path, parent, key)
        if info is not None and info.type != "yesno":
            cp.report(parent, key, path, "'%(op)s' werkt alleen op ja/nee-vragen ('%(question)s' is %(type)s)",
                      op=key, question=arg, type=info.type)
        return lambda c: get(c) is expected
    return compile_


def _check_option(cp: Compiler, info: QInfo | None, value: Any, path, parent, key) -> None:
    if info is not None and info.type in ("choice", "multichoice") and isinstance(value, str) \
            and value not in info.options:
        cp.report(parent, key, path, "'%(value)s' is geen optie van vraag '%(question)s'", value=value,
                  question=info.id)


def _op_equals(cp: Compiler, arg, path, parent, key) -> Fn:
    m = cp.mapping(arg, path, parent, key, {"question", "value"})
    if m is None:
        return _false
    info, get = cp.question(m["question"], f"{path}.question", m, "question")
    _check_option(cp, info, m["value"], f"{path}.value", m, "value")
    val = cp.value(m["value"], f"{path}.value", m, "value")
    if info is not None and info.type == "multichoice":
        return lambda c: _contains(get(c), val(c))
    return lambda c: _eq(get(c), val(c))


def _contains(answer: Any, value: Any) -> bool:
    return isinstance(answer, list) and any(_eq(a, value) for a in answer)


def _op_in(cp: Compiler, arg, path, parent, key) -> Fn:
    m = cp.mapping(arg, path, parent, key, {"question", "values"})
    if m is None:
        return _false
    info, get = cp.question(m["question"], f"{path}.question", m, "question")
    raw_values = m["values"]
    if isinstance(raw_values, list):
        for i, v in enumerate(raw_values):
            _check_option(cp, info, v, f"{path}.values[{i}]", raw_values, i)
        values = cp.value(raw_values, f"{path}.values", m, "values")
    elif isinstance(raw_values, dict):
        values = cp.value(raw_values, f"{path}.values", m, "values")
    else:
        cp.report(m, "values", f"{path}.values", "'values' moet een lijst zijn")
        return _false

    def test(c: Ctx) -> bool:
        answer, allowed = get(c), values(c)
        if not isinstance(allowed, list):
            return False
        if isinstance(answer, list):  # multichoice: any chosen option in the list
            return any(_eq(a, v) for a in answer for v in allowed)
        return any(_eq(answer, v) for v in allowed)
    return test


def _op_not(cp: Compiler, arg, path, parent, key) -> Fn:
    inner = cp.compile(arg, path, parent, key)
    return lambda c: not inner(c)


def _op_group(combine):
    def compile_(cp: Compiler, arg, path, parent, key) -> Fn:
        if not isinstance(arg, list) or not arg:
            cp.report(parent, key, path, "'%(op)s' verwacht een niet-lege lijst van voorwaarden", op=key)
            return _false
        fns = tuple(cp.compile(item, f"{path}[{i}]", arg, i) for i, item in enumerate(arg))
        return (lambda c: all(f(c) for f in fns)) if combine == "all" else \
            (lambda c: any(f(c) for f in fns))
    return compile_


_CMP = {
    "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b, "equals": lambda a, b: a == b,
}


def _op_compare(name: str):
    cmp = _CMP[name]

    def compile_(cp: Compiler, arg, path, parent, key) -> Fn:
        m = cp.mapping(arg, path, parent, key, {"question", "value"})
        if m is None:
            return _false
        info, get = cp.question(m["question"], f"{path}.question", m, "question")
        if info is not None and info.type not in ("number", "money"):
            cp.report(m, "question", f"{path}.question",
                      "'%(op)s' werkt alleen op number/money-vragen ('%(question)s' is %(type)s)",
                      op=name, question=info.id, type=info.type)
        val = cp.value(m["value"], f"{path}.value", m, "value")

        def test(c: Ctx) -> bool:
            a, b = to_decimal(get(c)), to_decimal(val(c))
            return a is not None and b is not None and cmp(a, b)
        return test
    return compile_


def _op_days(older: bool):
    def compile_(cp: Compiler, arg, path, parent, key) -> Fn:
        m = cp.mapping(arg, path, parent, key, {"question", "days"})
        if m is None:
            return _false
        info, get = cp.question(m["question"], f"{path}.question", m, "question")
        if info is not None and info.type != "date":
            cp.report(m, "question", f"{path}.question",
                      "'%(op)s' werkt alleen op datumvragen ('%(question)s' is %(type)s)",
                      op=key, question=info.id, type=info.type)
        days = cp.value(m["days"], f"{path}.days", m, "days")

        def test(c: Ctx) -> bool:
            d, n = to_date(get(c)), to_decimal(days(c))
            if d is None or n is None or abs(n) > 100000:
                return False
            limit = c.today - timedelta(days=int(n))
            return d < limit if older else d > limit
        return test
    return compile_


def _repeat(cp: Compiler, m: dict, path: str) -> tuple[QInfo | None, Callable]:
    if cp.scope.item is not None:
        cp.report(m, "question", f"{path}.question",
                  "een herhaling-operator kan niet binnen een herhaling worden gebruikt")
        return None, _none
    info, get = cp.question(m["question"], f"{path}.question", m, "question")
    if info is not None and info.type != "repeat":
        cp.report(m, "question", f"{path}.question",
                  "'%(question)s' is geen herhaalvraag (type repeat)", question=info.id)
        return None, get
    return info, get


def _where(cp: Compiler, info: QInfo | None, m: dict, path: str) -> Fn:
    if "where" not in m:
        return lambda c: True
    if info is None:
        return _false
    inner = Compiler(Scope(cp.scope.top, cp.scope.params, cp.scope.top_limit, cp.scope.self_id,
                           item=info), cp.report)
    fn = inner.compile(m["where"], f"{path}.where", m, "where")
    cp.refs |= inner.refs
    return fn


def _items(get: Callable, c: Ctx) -> list:
    items = get(c)
    return items if isinstance(items, list) else []


def _op_any_item(cp: Compiler, arg, path, parent, key) -> Fn:
    m = cp.mapping(arg, path, parent, key, {"question", "where"})
    if m is None:
        return _false
    info, get = _repeat(cp, m, path)
    where = _where(cp, info, m, path)
    return lambda c: any(where(Ctx(c.answers, i if isinstance(i, dict) else {}, c.params, c.today))
                         for i in _items(get, c))


def _op_all_items(cp: Compiler, arg, path, parent, key) -> Fn:
    m = cp.mapping(arg, path, parent, key, {"question", "where"})
    if m is None:
        return _false

    info, get = _repeat(cp, m, path)
    where = _where(cp, info, m, path)

    def test(c: Ctx) -> bool:
        items = _items(get, c)  # no items: false (nothing to judge)
        return bool(items) and all(
            where(Ctx(c.answers, i if isinstance(i, dict) else {}, c.params, c.today)) for i in items)
    return test


def _op_count_items(cp: Compiler, arg, path, parent, key) -> Fn:
    cmps = {"gt", "gte", "lt", "lte", "equals"}
    m = cp.mapping(arg, path, parent, key, {"question"}, {"where"} | cmps)
    if m is None:
        return _false
    chosen = [k for k in m if k in cmps]
    if len(chosen) != 1:
        cp.report(parent, key, path, "count_items verwacht precies één van: gt, gte, lt, lte, equals")
        return _false
    cmp = _CMP[chosen[0]]
    info, get = _repeat(cp, m, path)
    where = _where(cp, info, m, path)
    val = cp.value(m[chosen[0]], f"{path}.{chosen[0]}", m, chosen[0])

    def test(c: Ctx) -> bool:
        n = sum(1 for i in _items(get, c)
                if where(Ctx(c.answers, i if isinstance(i, dict) else {}, c.params, c.today)))
        b = to_decimal(val(c))
        return b is not None and cmp(Decimal(n), b)
    return test


OPERATORS: dict[str, Callable[..., Fn]] = {
    "equals": _op_equals,
    "in": _op_in,
    "not": _op_not,
    "all": _op_group("all"),
    "any": _op_group("any"),
    "answered": _op_answered,
    "is_yes": _op_is(True),
    "is_no": _op_is(False),
    "gt": _op_compare("gt"),
    "gte": _op_compare("gte"),
    "lt": _op_compare("lt"),
    "lte": _op_compare("lte"),
    "older_than_days": _op_days(True),
    "newer_than_days": _op_days(False),
    "any_item": _op_any_item,
    "all_items": _op_all_items,
    "count_items": _op_count_items,
}
