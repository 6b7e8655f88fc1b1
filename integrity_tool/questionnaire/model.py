"""Frozen objects a loaded questionnaire is made of. Plain Python; no I/O."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")
_SENTENCE_BREAK = re.compile(r"[.!?] +[A-Z]")
UNKNOWN = "(onbekend)"


UNKNOWN_EN = "(unknown)"


def is_english(lang: str | None) -> bool:
    return bool(lang) and str(lang).lower().startswith("en")


def fill_placeholders(template: str, context: dict[str, Any], fallback: str | None = None,
                      lang: str | None = None) -> str:
    """Replace ``{name}`` from ``context``; unknown names become ``fallback`` or else "(onbekend)"
    ("(unknown)" when ``lang`` is English).

    Only the template is scanned, so braces inside user-supplied values are harmless.
    """
    parts = _template_parts(template)
    if len(parts) == 1:
        return template
    unknown = fallback or (UNKNOWN_EN if is_english(lang) else UNKNOWN)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            value = context.get(part)
            out.append(unknown if value is None or value == "" else str(value))
        else:
            out.append(part)
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _template_parts(template: str) -> tuple[str, ...]:
    """Text and placeholder names alternating (split once per template, not per finding)."""
    return tuple(_PLACEHOLDER.split(template))


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template or "")


def match_placeholders(template: str, text: str) -> dict[str, str] | None:
    """Inverse of ``fill_placeholders``: the values that make ``template`` read ``text``
    (whitespace-insensitive), or None when it does not match."""
    if not template or text is None:
        return None
    norm = " ".join(str(text).split())
    parts = _PLACEHOLDER.split(" ".join(template.split()))
    pattern, names = "", []
    for i, part in enumerate(parts):
        if i % 2:
            if part in names:
                pattern += f"(?P={part})"
            else:
                names.append(part)
                pattern += f"(?P<{part}>.*?)"
        else:
            pattern += re.escape(part)
    found = re.fullmatch(pattern, norm, re.DOTALL)
    if not found:
        return None
    values = dict(found.groupdict())
    # a value that spans a sentence boundary means text was added around the placeholder
    if any(_SENTENCE_BREAK.search(v) for v in values.values()):
        return None
    return values


def _pick(nl: str | None, en: str | None, lang: str | None) -> str | None:
    if is_english(lang) and en:
        return en
    return nl


@dataclass(frozen=True)
class Condition:
    """A compiled condition: ``source`` is the YAML data, ``fn(ctx)`` the precompiled test."""

    source: Any
    fn: Callable[[Any], bool] = field(repr=False, compare=False)
    refs: tuple[str, ...] = ()          # top-level question ids it reads
    item_refs: tuple[str, ...] = ()     # sub-question ids it reads (inside a repeat item)

    def __call__(self, ctx: Any) -> bool:
        return self.fn(ctx)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    label_en: str | None = None

    def localized_label(self, lang: str | None = None) -> str:
        return _pick(self.label, self.label_en, lang) or self.value


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: str
    label_en: str | None = None
    help: str = ""
    help_en: str | None = None
    legal: str | None = None
    required: bool = True
    options: tuple[Option, ...] = ()
    min: Any = None
    max: Any = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    show_if: Condition | None = None
    public: bool = False
    term: bool = False  # kept in the term record: what a herbevestiging compares against
    sensitive: bool = False
    questions: tuple["Question", ...] = ()
    min_items: int | None = None
    max_items: int | None = None
    item_label: str | None = None
    parent: str | None = None  # id of the repeat question this sub-question belongs to
    fact: str | None = None    # the fact marker (questionnaire/facts.py)
    options_from: str | None = None
    item_label_en: str | None = None

    @property
    def path(self) -> str:
        return f"{self.parent}.{self.id}" if self.parent else self.id

    def localized_label(self, lang: str | None = None) -> str:
        return _pick(self.label, self.label_en, lang) or self.id

    def localized_help(self, lang: str | None = None) -> str:
        return _pick(self.help, self.help_en, lang) or ""

    def localized_item_label(self, lang: str | None = None) -> str | None:
        return _pick(self.item_label, self.item_label_en, lang)

    def option(self, value: Any) -> Option | None:
        try:
            return self._options_by_value.get(value)
        except TypeError:  # an unhashable answer is no option
            return None

    @functools.cached_property
    def _options_by_value(self) -> dict[str, Option]:
        found: dict[str, Option] = {}
        for opt in self.options:
            found.setdefault(opt.value, opt)
        return found

    def sub(self, sub_id: str) -> "Question | None":
        for q in self.questions:
            if q.id == sub_id:
                return q
        return None


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    title_en: str | None = None
    intro: str | None = None
    intro_en: str | None = None
    questions: tuple[Question, ...] = ()

    def localized_title(self, lang: str | None = None) -> str:
        return _pick(self.title, self.title_en, lang) or self.id

    def localized_intro(self, lang: str | None = None) -> str:
        return _pick(self.intro, self.intro_en, lang) or ""


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    order: int
    title_en: str | None = None

    def localized_title(self, lang: str | None = None) -> str:
        return _pick(self.title, self.title_en, lang) or self.id


@dataclass(frozen=True)
class Risk:
    id: str
    theme: str
    level: str
    when: Condition
    explanation: str
    legal: str
    measures: tuple[str, ...] = ()
    ask: str | None = None
    for_each: str | None = None
    fact: str | None = None
    combine: bool = False
    explanation_en: str | None = None
    ask_en: str | None = None

    def localized_explanation(self, lang: str | None = None) -> str:
        return _pick(self.explanation, self.explanation_en, lang) or ""

    def localized_ask(self, lang: str | None = None) -> str | None:
        return _pick(self.ask, self.ask_en, lang) if self.ask else None


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    description: str
    default_owner: str
    typical_deadline_days: int
    legal: str | None = None
    title_en: str | None = None
    description_en: str | None = None

    def localized_title(self, lang: str | None = None) -> str:
        return _pick(self.title, self.title_en, lang) or self.id

    def render(self, context: dict[str, Any] | None = None, lang: str | None = None,
               subject: str | None = None) -> str:
        """The description with ``{placeholders}`` filled; a name the context lacks gets ``subject``
        (what the finding is about). Never raises on odd input."""
        template = _pick(self.description, self.description_en, lang) or ""
        return fill_placeholders(template, dict(context or {}), subject, lang=lang)

    def localized_text(self, title: str, description: str, lang: str | None) -> tuple[str, str]:
        """An agreed measure's title and description in ``lang`` when they are still this catalogue
        text (in either language, placeholders filled); text the reviewer rewrote stays as written."""
        if title in (self.title, self.title_en):
            title = self.localized_title(lang)
        for template in (self.description, self.description_en):
            values = match_placeholders(template, description) if template else None
            if values is not None:
                unknown = (UNKNOWN, UNKNOWN_EN)
                return title, self.render({k: ("" if v in unknown else v) for k, v in values.items()}, lang)
        return title, description

    def placeholder_values(self, text: str) -> dict[str, str] | None:
        """The placeholder values that turn the Dutch description into ``text``, or None when
        ``text`` is not this description (e.g. the reviewer rewrote it)."""
        return match_placeholders(self.description, text)


@dataclass(frozen=True, eq=False)
class Questionnaire:
    id: str
    version: str
    title: str
    applies_to: tuple[str, ...]
    themes: tuple[Theme, ...]
    sections: tuple[Section, ...]
    risks: tuple[Risk, ...]
    parameters: dict[str, Any]
    content_hash: str
    source: Path | None = None
    title_en: str | None = None
    intro: str | None = None
    intro_en: str | None = None
    definition: dict[str, Any] = field(default_factory=dict, repr=False)
    _index: dict[str, Question] = field(default_factory=dict, repr=False)
    _themes: dict[str, Theme] = field(default_factory=dict, repr=False)
    facts: dict[str, str] = field(default_factory=dict, repr=False)  # fact name -> question path

    def fact_question(self, name: str) -> "Question | None":
        """The question marked ``fact: name`` (sub-questions too), or None."""
        path = self.facts.get(name)
        return self._index.get(path) if path else None

    def fact_path(self, name: str) -> str | None:
        """``"ondernemingen.kvk"`` for ``company.kvk``; the question id for top-level facts."""
        return self.facts.get(name)

    def with_options(self, path: str, options: tuple[Option, ...]) -> "Questionnaire":
        """A copy in which the question at ``path`` (top-level) offers ``options`` instead; used for
        ``options_from: portefeuilles`` (the organisation's own list). The content hash stays: the
        definition is unchanged."""
        from dataclasses import replace

        old = self._index.get(path)
        if old is None or old.parent is not None:
            return self
        new = replace(old, options=tuple(options))
        sections = tuple(replace(s, questions=tuple(new if q is old else q for q in s.questions))
                         for s in self.sections)
        index = dict(self._index)
        index[path] = new
        return replace(self, sections=sections, _index=index)

    def question(self, qid: str) -> Question:
        """Any question by id; repeat sub-questions as ``"repeat_id.sub_id"``. KeyError if unknown."""
        return self._index[qid]

    def theme(self, tid: str) -> Theme:
        return self._themes[tid]

    def top_questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def all_questions(self) -> list[Question]:
        """Top-level and sub-questions, in document order."""
        out: list[Question] = []
        for q in self.top_questions():
            out.append(q)
            out.extend(q.questions)
        return out

    def localized_title(self, lang: str | None = None) -> str:
        return _pick(self.title, self.title_en, lang) or self.id

    @property
    def has_english(self) -> bool:
        """Every question has an English label: the English interface can show it in English.
        Otherwise (an organisation's Dutch-only questionnaire) it is shown in Dutch, not mixed."""
        return bool(self.title_en) and all(q.label_en for q in self.all_questions())

    def content_language(self, lang: str | None) -> str:
        """The language to show this questionnaire's texts in, for an interface in ``lang``."""
        return "en" if is_english(lang) and self.has_english else "nl"

    @property
    def sort_key(self) -> tuple:
        return (self.id, version_key(self.version))

    def __repr__(self) -> str:
        return f"<Questionnaire {self.id} {self.version} {self.content_hash[:12]}>"


def version_key(version: str) -> tuple:
    """Natural order: "2026.2" < "2026.10"; numbers sort before words."""
    parts = re.split(r"[.\-_]", str(version))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)
