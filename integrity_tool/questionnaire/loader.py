"""Load one questionnaire file: YAML -> includes -> schema -> references -> frozen objects.

Every problem becomes a line ``file:line: path.to.node: message``; all problems of a file
are reported at once (as far as they can be found), never a traceback.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .conditions import Compiler, QInfo, Scope
from .errors import ErrorCollector, QuestionnaireError
from .facts import DOMAINS, FACTS, OPTION_SOURCES, PORTFOLIO_UNKNOWN, PROPERTY_USE_DOMAINS
from .legal import untranslated_legal
from .model import (Condition, Measure, Option, Question, Questionnaire, Risk, Section, Theme,
                    placeholders)
from .schema import MeasuresFileSchema, QuestionnaireSchema, pydantic_message
from .source import Positions, SourceReader, format_path, locate

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_DIR = REPO_ROOT / "questionnaires"
MEASURES_FILE = "measures.yaml"
_INCLUDE_KEYS = {"include", "vars"}
_FRAGMENT_KEYS = {"sections", "risks"}
_MAX_INCLUDE_DEPTH = 5


class _Load:
    """State of one load: errors, positions and the file name shown in messages."""

    def __init__(self, path: Path, nodes: dict | None = None) -> None:
        self.path = Path(path)
        self.display = str(path)
        self.errors = ErrorCollector()
        self.pos = Positions()
        self.reader = SourceReader(self.errors, self.pos, nodes)
        self.root: Any = None

    def err(self, container: Any, key: Any, path: str, message: str, /, **params) -> None:
        """``message``: a Dutch message id, ``params`` its parameters (``errors.Problem``)."""
        where = self.pos.of(container, key) if container is not None else None
        file, line = where or (self.display, 0)
        self.errors.add(file, line, path, message, **params)

    def err_loc(self, loc: tuple, message: str, /, **params) -> None:
        file, line = locate(self.pos, self.root, loc) or (self.display, 0)
        self.errors.add(file, line, format_path(self.root, loc), message, **params)


# -- includes ----------------------------------------------------------------------------------

def _resolve_includes(ld: _Load, data: dict, base: Path, depth: int = 0, chain: tuple = (),
                      root: Path | None = None) -> None:
    """Replace ``- include: file.yaml`` entries in ``sections`` by the file's sections; its
    ``risks`` are appended to the including file's risks. ``root``: includes must lie inside it
    (a questionnaire stored in the database may only include the shipped fragments)."""
    sections = data.get("sections")
    if not isinstance(sections, list):
        return
    out: list = []
    extra_risks: list = []
    for i, entry in enumerate(sections):
        if not (isinstance(entry, dict) and "include" in entry):
            out.append(entry)
            ld.pos.child[(id(out), len(out) - 1)] = ld.pos.of(sections, i) or (ld.display, 0)
            continue
        path = f"sections[{i}]"
        for k in entry:
            if k not in _INCLUDE_KEYS:
                ld.err(entry, k, f"{path}.{k}", "onbekende sleutel '%(key)s' bij include", key=k)
        name, variables = entry.get("include"), entry.get("vars") or {}
        if not isinstance(name, str) or not isinstance(variables, dict):
            ld.err(entry, "include", f"{path}.include", "include verwacht een bestandsnaam (en optioneel vars)")
            continue
        try:  # a hostile name (too long, NUL) must be a load error, not an OSError
            target = (base / name).resolve()
            found = target.is_file() and (root is None or target.is_relative_to(root.resolve()))
        except (OSError, ValueError):
            found = False
        if not found:
            ld.err(entry, "include", f"{path}.include", "include-bestand niet gevonden: %(name)s", name=name)
            continue
        if target in chain or depth >= _MAX_INCLUDE_DEPTH:
            ld.err(entry, "include", f"{path}.include", "include-lus of te diep genest: %(name)s", name=name)
            continue
        shown = str(base / name) if not Path(name).is_absolute() else name
        fragment = ld.reader.read(target, shown, {str(k): v for k, v in variables.items()})
        if fragment is None:
            continue
        if not isinstance(fragment, dict):
            ld.errors.add(shown, 1, "(document)", "een include-bestand is een mapping met sections (en risks)")
            continue
        for k in fragment:
            if k not in _FRAGMENT_KEYS:
                ld.err(fragment, k, k, "onbekende sleutel '%(key)s' in include-bestand", key=k)
        _resolve_includes(ld, fragment, target.parent, depth + 1, chain + (target,), root)
        for j, sec in enumerate(fragment.get("sections") or []):
            out.append(sec)
            ld.pos.child[(id(out), len(out) - 1)] = ld.pos.of(fragment["sections"], j) or (shown, 1)
        risks = fragment.get("risks") or []
        if isinstance(risks, list):
            for j, r in enumerate(risks):
                extra_risks.append((r, ld.pos.of(risks, j)))
    ld.pos.set_node(out, ld.pos.of(sections) or (ld.display, 0))
    data["sections"] = out
    if extra_risks:
        risks = data.get("risks")
        if not isinstance(risks, list):
            risks = []
            ld.pos.set_node(risks, ld.pos.of(data, "sections") or (ld.display, 0))
            data["risks"] = risks
        for r, where in extra_risks:
            risks.append(r)
            if where:
                ld.pos.child[(id(risks), len(risks) - 1)] = where


# -- building -----------------------------------------------------------------------------------

def _qinfo(q, order: int) -> QInfo:
    subs = {s.id: _qinfo(s, j) for j, s in enumerate(q.questions or [])}
    return QInfo(q.id, q.type, tuple(o.value for o in _options(q)), subs, order)


def _check_fact(ld: _Load, q, raw: dict, path: str, parent_fact: str | None, in_repeat: bool) -> None:
    """``fact`` must be known, fit the question type and sit at the right level."""
    if q.options_from is not None:
        if q.options_from not in OPTION_SOURCES:
            ld.err(raw, "options_from", f"{path}.options_from",
                   "onbekende bron '%(source)s'; kies uit: %(choices)s", source=q.options_from,
                   choices=", ".join(OPTION_SOURCES))
        elif q.type not in ("choice", "multichoice"):
            ld.err(raw, "options_from", f"{path}.options_from", "'options_from' hoort alleen bij choice/multichoice")
        elif q.options is not None:
            ld.err(raw, "options_from", f"{path}.options_from", "gebruik 'options' of 'options_from', niet allebei")
    if q.fact is None:
        return
    spec = FACTS.get(q.fact)
    if spec is None:
        ld.err(raw, "fact", f"{path}.fact", "onbekend feit '%(fact)s'; kies uit: %(choices)s", fact=q.fact,
               choices=", ".join(sorted(FACTS)))
        return
    if q.type not in spec.types:
        ld.err(raw, "fact", f"{path}.fact",
               "feit '%(fact)s' hoort bij vraagtype %(types)s, niet bij %(type)s", fact=q.fact,
               types=" / ".join(spec.types), type=q.type)
    if spec.repeat is not None and not in_repeat:
        ld.err(raw, "fact", f"{path}.fact", "feit '%(fact)s' hoort bij een subvraag van een herhaling "
                                            "met fact: %(repeat)s", fact=q.fact, repeat=spec.repeat)
    elif spec.repeat is not None and spec.repeat != parent_fact:
        ld.err(raw, "fact", f"{path}.fact", "feit '%(fact)s' hoort in een herhaling met fact: %(repeat)s",
               fact=q.fact, repeat=spec.repeat)
    elif spec.repeat is None and in_repeat:
        ld.err(raw, "fact", f"{path}.fact", "feit '%(fact)s' hoort bij een vraag buiten een herhaling",
               fact=q.fact)
    values = {o.value for o in q.options or ()}
    allowed = None
    if q.fact in ("company.sector", "employer.sector") and q.options_from != "domeinen":
        allowed = set(DOMAINS)
    elif q.fact == "property.use":
        allowed = set(PROPERTY_USE_DOMAINS)
    elif q.fact == "portfolio" and q.options_from != "portefeuilles":
        ld.err(raw, "fact", f"{path}.fact", "feit 'portfolio' vraagt om options_from: portefeuilles")
    if allowed is not None and q.options is not None:
        for value in sorted(values - allowed):
            ld.err(raw, "options", f"{path}.options",
                   "optie '%(value)s' hoort niet bij feit '%(fact)s'; kies uit: %(choices)s", value=value,
                   fact=q.fact, choices=", ".join(sorted(allowed)))


def _check_question(ld: _Load, q, raw: dict, path: str) -> None:
    if q.type in ("choice", "multichoice") and q.options_from is not None:
        pass
    elif q.type in ("choice", "multichoice"):
        if not q.options:
            ld.err(raw, "type", f"{path}.type", "vraagtype %(type)s heeft 'options' nodig", type=q.type)
        else:
            seen: set = set()
            for j, o in enumerate(q.options):
                if o.value in seen:
                    ld.err(raw["options"], j, f"{path}.options[{j}]", "dubbele optie '%(value)s'", value=o.value)
                seen.add(o.value)
    elif q.options is not None:
        ld.err(raw, "options", f"{path}.options", "'options' hoort alleen bij choice/multichoice")
    if q.type == "repeat":
        if not q.questions:
            ld.err(raw, "type", f"{path}.type", "vraagtype repeat heeft 'questions' nodig")
        for j, sub in enumerate(q.questions or []):
            if sub.type == "repeat":
                ld.err(raw["questions"][j], "type", f"{path}.questions[{sub.id}].type",
                       "een herhaling binnen een herhaling is niet toegestaan")
        known = {s.id for s in q.questions or []}
        for key in ("item_label", "item_label_en"):
            for name in placeholders(getattr(q, key) or ""):
                if name not in known:
                    ld.err(raw, key, f"{path}.{key}", "onbekende placeholder '{%(name)s}'", name=name)
    elif q.questions is not None:
        ld.err(raw, "questions", f"{path}.questions", "'questions' hoort alleen bij type repeat")
    if q.pattern is not None:
        try:
            re.compile(q.pattern)
        except re.error as exc:
            ld.err(raw, "pattern", f"{path}.pattern", "ongeldig patroon: %(problem)s", problem=str(exc))
    if q.type == "money":
        for key in ("min", "max"):
            val = getattr(q, key)
            if isinstance(val, float):
                ld.err(raw, key, f"{path}.{key}", "geef bedragen als tekst, bijv. \"25000.00\"")


def _options(q) -> tuple[Option, ...]:
    if q.options_from in OPTION_SOURCES:
        # "portefeuilles": the domains are the fallback; an organisation's own list replaces them at runtime.
        domains = tuple(Option(value, nl, en) for value, (nl, en) in DOMAINS.items())
        return domains + ((Option(*PORTFOLIO_UNKNOWN),) if q.options_from == "portefeuilles" else ())
    return tuple(Option(o.value, o.label, o.label_en) for o in q.options or ())


def _build_question(ld: _Load, q, raw: dict, path: str, scope: Scope, parent: str | None,
                    parent_fact: str | None = None, facts: dict | None = None) -> Question:
    _check_question(ld, q, raw, path)
    _check_fact(ld, q, raw, path, parent_fact, parent is not None)
    if q.fact is not None and facts is not None and q.fact in FACTS:
        where = f"{parent}.{q.id}" if parent else q.id
        if q.fact in facts:
            ld.err(raw, "fact", f"{path}.fact", "feit '%(fact)s' staat al bij vraag '%(question)s'", fact=q.fact,
                   question=facts[q.fact])
        else:
            facts[q.fact] = where
    if q.term and parent is not None:
        ld.err(raw, "term", f"{path}.term",
               "'term' geldt voor een hele vraag: zet 'term: true' op de herhaalvraag '%(parent)s'", parent=parent)
    show_if = None
    if q.show_if is not None:
        cp = Compiler(scope, ld.err)
        fn = cp.compile(q.show_if, f"{path}.show_if", raw, "show_if")
        show_if = Condition(q.show_if, fn, tuple(sorted(cp.refs)), tuple(sorted(cp.item_refs)))
    subs: tuple[Question, ...] = ()
    if q.type == "repeat" and q.questions:
        info = scope.top.get(q.id)
        seen: dict[str, int] = {}
        built = []
        for j, sub in enumerate(q.questions):
            sraw = raw["questions"][j]
            spath = f"{path}.questions[{sub.id}]"
            if sub.id in seen:
                ld.err(sraw, "id", f"{spath}.id", "dubbele id '%(id)s'", id=sub.id)
            seen[sub.id] = j
            sub_scope = Scope(scope.top, scope.params, scope.top_limit, None,
                              item=info, item_limit=j, item_self=sub.id)
            built.append(_build_question(ld, sub, sraw, spath, sub_scope, q.id, q.fact, facts))
        subs = tuple(built)
    return Question(
        id=q.id, type=q.type, label=q.label, label_en=q.label_en, help=q.help, help_en=q.help_en,
        legal=q.legal, required=q.required,
        options=_options(q),
        min=q.min, max=q.max, min_length=q.min_length, max_length=q.max_length, pattern=q.pattern,
        show_if=show_if, public=q.public, term=q.term, sensitive=q.sensitive, questions=subs,
        min_items=q.min_items, max_items=q.max_items, item_label=q.item_label, parent=parent,
        fact=q.fact, options_from=q.options_from, item_label_en=q.item_label_en)


def _build(ld: _Load, spec: QuestionnaireSchema, raw: dict, measures: dict[str, Measure] | None) -> Questionnaire:
    # Themes
    theme_ids: dict[str, Theme] = {}
    for i, t in enumerate(spec.themes):
        if t.id in theme_ids:
            ld.err(raw["themes"][i], "id", f"themes[{t.id}].id", "dubbele id '%(id)s'", id=t.id)
        theme_ids[t.id] = Theme(t.id, t.title, t.order, t.title_en)
    # Question ids first (document order), so conditions can be checked against them.
    top: dict[str, QInfo] = {}
    first_seen: dict[str, tuple] = {}
    section_ids: set[str] = set()
    order = 0
    for i, s in enumerate(spec.sections):
        sraw = raw["sections"][i]
        if s.id in section_ids:
            ld.err(sraw, "id", f"sections[{s.id}].id", "dubbele id '%(id)s'", id=s.id)
        section_ids.add(s.id)
        for j, q in enumerate(s.questions):
            qraw = sraw["questions"][j]
            if q.id in first_seen:
                file, line = first_seen[q.id]
                ld.err(qraw, "id", f"sections[{s.id}].questions[{q.id}].id",
                       "dubbele id '%(id)s' (eerder gebruikt op %(where)s)", id=q.id, where=f"{file}:{line}")
                continue
            first_seen[q.id] = ld.pos.of(qraw, "id") or (ld.display, 0)
            top[q.id] = _qinfo(q, order)
            order += 1
    params = dict(spec.parameters)
    # Sections and questions
    facts: dict[str, str] = {}
    sections = []
    for i, s in enumerate(spec.sections):
        sraw = raw["sections"][i]
        questions = []
        for j, q in enumerate(s.questions):
            info = top.get(q.id)
            limit = info.order if info is not None else 0
            scope = Scope(top, params, top_limit=limit, self_id=q.id)
            questions.append(_build_question(ld, q, sraw["questions"][j],
                                             f"sections[{s.id}].questions[{q.id}]", scope, None, None, facts))
        sections.append(Section(s.id, s.title, s.title_en, s.intro, s.intro_en, tuple(questions)))
    risks = _build_risks(ld, spec, raw, top, params, theme_ids, measures)
    index: dict[str, Question] = {}
    for sec in sections:
        for q in sec.questions:
            index.setdefault(q.id, q)
            for sub in q.questions:
                index.setdefault(f"{q.id}.{sub.id}", sub)
    definition = _canonical_definition(spec)
    return Questionnaire(
        id=spec.id, version=spec.version, title=spec.title, title_en=spec.title_en,
        applies_to=tuple(spec.applies_to), intro=spec.intro, intro_en=spec.intro_en,
        themes=tuple(sorted(theme_ids.values(), key=lambda t: (t.order, t.id))),
        sections=tuple(sections), risks=tuple(risks), parameters=params,
        content_hash=content_hash(definition), source=ld.path, definition=definition,
        _index=index, _themes=theme_ids, facts=facts)


def _build_risks(ld, spec, raw, top, params, theme_ids, measures) -> list[Risk]:
    risks: list[Risk] = []
    seen: set[str] = set()
    for i, r in enumerate(spec.risks):
        rraw = raw["risks"][i]
        path = f"risks[{r.id}]"
        if r.id in seen:
            ld.err(rraw, "id", f"{path}.id", "dubbele id '%(id)s'", id=r.id)
        seen.add(r.id)
        if r.theme not in theme_ids:
            ld.err(rraw, "theme", f"{path}.theme", "onbekend thema '%(theme)s'", theme=r.theme)
        for j, m in enumerate(r.measures):
            if measures is not None and m not in measures:
                ld.err(rraw["measures"], j, f"{path}.measures[{j}]", "onbekende maatregel '%(measure)s'", measure=m)
        item = None
        if r.for_each is not None:
            item = top.get(r.for_each)
            if item is None or item.type != "repeat":
                if item is None:
                    ld.err(rraw, "for_each", f"{path}.for_each", "onbekende vraag '%(question)s'", question=r.for_each)
                else:
                    ld.err(rraw, "for_each", f"{path}.for_each", "'%(question)s' is geen herhaalvraag (type repeat)",
                           question=r.for_each)
                item = None
        if r.fact is not None and r.fact not in FACTS:
            ld.err(rraw, "fact", f"{path}.fact", "onbekend feit '%(fact)s'; kies uit: %(choices)s",
                   fact=r.fact, choices=", ".join(sorted(FACTS)))
        if r.combine and r.for_each is None:
            ld.err(rraw, "combine", f"{path}.combine", "'combine' hoort alleen bij een regel met for_each")
        cp = Compiler(Scope(top, params, item=item), ld.err)
        fn = cp.compile(r.when, f"{path}.when", rraw, "when")
        known = set(top) | set(params) | (set(item.subs) if item else set()) | {"nummer"}
        if r.combine:
            known.add("items")
        for key in ("explanation", "ask", "explanation_en", "ask_en"):
            for name in placeholders(getattr(r, key) or ""):
                if name not in known:
                    ld.err(rraw, key, f"{path}.{key}", "onbekende placeholder '{%(name)s}'", name=name)
        risks.append(Risk(r.id, r.theme, r.level,
                          Condition(r.when, fn, tuple(sorted(cp.refs)), tuple(sorted(cp.item_refs))),
                          r.explanation, r.legal, tuple(r.measures), r.ask, r.for_each,
                          fact=r.fact, combine=r.combine, explanation_en=r.explanation_en, ask_en=r.ask_en))
    return risks


def _canonical_definition(spec: QuestionnaireSchema) -> dict:
    return spec.model_dump(mode="json", by_alias=True, exclude_none=True)


def content_hash(definition: dict) -> str:
    """sha256 of canonical JSON (sorted keys, no whitespace) of the resolved definition."""
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- English counterparts ---------------------------------------------------------------------------

TEXT_KEYS = ("title", "intro", "label", "help", "item_label", "explanation", "ask", "description")


def _require_english(ld: _Load, node: Any, path: str = "") -> None:
    """Report every text key without its ``<key>_en`` counterpart, at the text's file:line, and every
    descriptive legal basis without an English form (citations need none; ``questionnaire.legal``)."""
    if isinstance(node, dict):
        for key in TEXT_KEYS:
            value = node.get(key)
            if isinstance(value, str) and value.strip() and not str(node.get(f"{key}_en") or "").strip():
                ld.err(node, key, f"{path}.{key}" if path else key,
                       "Engelse tekst ontbreekt: voeg '%(key)s' toe", key=f"{key}_en")
        legal = node.get("legal")
        if isinstance(legal, str):
            for basis in untranslated_legal(legal):
                ld.err(node, "legal", f"{path}.legal" if path else "legal",
                       "Engelse vorm ontbreekt voor grondslag '%(basis)s': voeg die toe aan "
                       "integrity_tool/questionnaire/legal.py (LEGAL_EN)", basis=basis)
        for key, value in node.items():
            if key == "vars":
                continue
            _require_english(ld, value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            label = f"[{item['id']}]" if isinstance(item, dict) and isinstance(item.get("id"), str) else f"[{i}]"
            _require_english(ld, item, f"{path}{label}")


# -- public entry points ---------------------------------------------------------------------------

def load_questionnaire(path: str | Path, measures: dict[str, Measure] | None = None, *,
                       require_en: bool = False, parsed: dict | None = None) -> Questionnaire:
    """Load and validate one questionnaire; raise QuestionnaireError with all problems.

    ``require_en``: also report every text without its English counterpart (``*_en``).
    ``parsed``: a dict shared by the loads of one catalogue, so each (include) file is parsed once.

    ``measures``: the catalogue to check measure ids against; by default ``measures.yaml`` next
    to the file, else the shipped catalogue.
    """
    path = Path(path)
    if measures is None:
        measures = _default_measures_for(path)
    ld = _Load(path, parsed)
    data = ld.reader.read(path, ld.display)
    return _load(ld, data, path.parent, measures, require_en=require_en)


def load_questionnaire_text(text: str, name: str, measures: dict[str, Measure] | None = None, *,
                            require_en: bool = False) -> Questionnaire:
    """Load and validate a questionnaire given as text (e.g. an upload or a database row).

    ``name`` is shown in the error lines (``name:line: path: message``). Includes are resolved in
    the shipped directory only (``include: common/belangen.yaml``); anything outside it is "not
    found". ``measures``: the catalogue to check measure ids against (default: the shipped one).
    :raise QuestionnaireError: with all problems.
    """
    if measures is None:
        measures = _default_measures_for(SHIPPED_DIR / MEASURES_FILE)
    ld = _Load(Path(name))
    data = ld.reader.parse(text, ld.display)
    return _load(ld, data, SHIPPED_DIR, measures, require_en=require_en, root=SHIPPED_DIR)


def _load(ld: _Load, data: Any, base: Path, measures: dict[str, Measure] | None, *, require_en: bool,
          root: Path | None = None) -> Questionnaire:
    if data is None:
        if not ld.errors:
            ld.errors.add(ld.display, 1, "(document)", "leeg bestand")
        ld.errors.raise_if_any()
    if not isinstance(data, dict):
        ld.errors.add(ld.display, 1, "(document)", "een vragenlijst is een mapping met o.a. id, version, sections")
        ld.errors.raise_if_any()
    ld.root = data
    _resolve_includes(ld, data, base, root=root)
    try:
        spec = QuestionnaireSchema.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            ld.err_loc(_clean_loc(e["loc"]), pydantic_message(e))
        ld.errors.raise_if_any()
        raise  # pragma: no cover
    ld.errors.raise_if_any()  # e.g. duplicate YAML keys or include problems
    q = _build(ld, spec, data, measures)
    if require_en:
        _require_english(ld, data)
    ld.errors.raise_if_any()
    return q


def _clean_loc(loc: tuple) -> tuple:
    """Drop pydantic's union-member markers (e.g. 'int', 'str') from a location."""
    out = []
    for step in loc:
        if isinstance(step, str) and (step in ("int", "float", "str", "bool") or "[" in step
                                      or step.startswith("function-")):
            continue
        out.append(step)
    return tuple(out)


def load_measures(path: str | Path | None = None, *, require_en: bool = False) -> dict[str, Measure]:
    """Load a measures catalogue (default: the shipped ``questionnaires/measures.yaml``);
    ``require_en``: also report every title/description without its English counterpart."""
    path = Path(path) if path is not None else SHIPPED_DIR / MEASURES_FILE
    ld = _Load(path)
    data = ld.reader.read(path, ld.display)
    ld.errors.raise_if_any()
    ld.root = data
    try:
        spec = MeasuresFileSchema.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            ld.err_loc(_clean_loc(e["loc"]), pydantic_message(e))
        ld.errors.raise_if_any()
        raise  # pragma: no cover
    out: dict[str, Measure] = {}
    for i, m in enumerate(spec.measures):
        if m.id in out:
            ld.err(data["measures"][i], "id", f"measures[{m.id}].id", "dubbele id '%(id)s'", id=m.id)
        out[m.id] = Measure(m.id, m.title, m.description, m.default_owner,
                            m.typical_deadline_days, m.legal, m.title_en, m.description_en)
    if require_en:
        _require_english(ld, data)
    ld.errors.raise_if_any()
    return out


_measures_cache: dict[tuple, dict[str, Measure]] = {}


def _default_measures_for(path: Path) -> dict[str, Measure]:
    """Shipped catalogue, extended by a ``measures.yaml`` next to the file (e.g. instance dir)."""
    targets = [SHIPPED_DIR / MEASURES_FILE]
    local = path.parent / MEASURES_FILE
    if local.is_file() and local.resolve() != targets[0].resolve():
        targets.append(local)
    merged: dict[str, Measure] = {}
    for target in targets:
        stat = target.stat()
        key = (str(target.resolve()), stat.st_mtime_ns, stat.st_size)
        if key not in _measures_cache:
            _measures_cache[key] = load_measures(target)
        merged.update(_measures_cache[key])
    return merged


__all__ = ["load_questionnaire", "load_questionnaire_text", "load_measures", "content_hash", "QuestionnaireError",
           "SHIPPED_DIR", "REPO_ROOT"]
