"""The rule engine: ``evaluate(questionnaire, answers) -> Result``. Pure; never raises on answers."""
from __future__ import annotations

import dataclasses
import functools
from itertools import chain
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..questionnaire.conditions import Ctx, is_answered
from ..questionnaire.facts import FACTS
from ..questionnaire.model import Question, Questionnaire, Risk, fill_placeholders, placeholders
from ..questionnaire.legal import legal_in, split_legal
from ..questionnaire.schema import Level, Outcome
from ..questionnaire.values import display_value
from ..questionnaire.visibility import prune_hidden
from .facts import FactHit, OrgProfile, evaluate_facts, render_ref


@dataclass(frozen=True)
class Finding:
    key: str
    risk_id: str
    theme: str
    theme_title: str
    level: str
    explanation: str
    legal: str
    measures: tuple[str, ...] = ()
    ask: str | None = None
    question_ids: tuple[str, ...] = ()
    item_index: int | None = None
    answers: tuple[tuple[str, str], ...] = ()
    context: tuple[tuple[str, str], ...] = ()  # placeholder values, for Measure.render
    anchor: str = ""                           # the fact it rests on ("ondernemingen:0", "fact:employer")
    rules: tuple[str, ...] = ()                # every rule merged into this finding (this one first)
    details: tuple[str, ...] = ()              # explanations of the merged rules (besides ``explanation``)
    contradictions: tuple[tuple[str, str, str], ...] = ()  # (self-label question, answer, the fact)
    # For findings that rest on a fact rule: how to write the texts in another language, by reference
    # (explanation, ask, details, answers, contradictions); see ``localize_findings``. Empty otherwise.
    i18n: tuple = ()

    def context_dict(self) -> dict[str, str]:
        return dict(self.context)

    @property
    def legal_bases(self) -> tuple[str, ...]:
        return tuple(split_legal(self.legal))

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "risk_id": self.risk_id, "theme": self.theme,
            "theme_title": self.theme_title, "level": self.level, "explanation": self.explanation,
            "legal": self.legal, "measures": list(self.measures), "ask": self.ask,
            "question_ids": list(self.question_ids), "item_index": self.item_index,
            "answers": [list(p) for p in self.answers], "context": dict(self.context),
            "anchor": self.anchor, "rules": list(self.rules or (self.risk_id,)), "details": list(self.details),
            "contradictions": [list(c) for c in self.contradictions],
            **({"i18n": _thaw(self.i18n)} if self.i18n else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Finding":
        return cls(
            key=d["key"], risk_id=d["risk_id"], theme=d["theme"], theme_title=d.get("theme_title", ""),
            level=d["level"], explanation=d.get("explanation", ""), legal=d.get("legal", ""),
            measures=tuple(d.get("measures") or ()), ask=d.get("ask"),
            question_ids=tuple(d.get("question_ids") or ()), item_index=d.get("item_index"),
            answers=tuple(tuple(p) for p in d.get("answers") or ()),
            context=tuple(sorted((d.get("context") or {}).items())),
            anchor=d.get("anchor") or "", rules=tuple(d.get("rules") or (d["risk_id"],)),
            details=tuple(d.get("details") or ()),
            contradictions=tuple(tuple(c) for c in d.get("contradictions") or () if len(c) == 3),
            i18n=_freeze(d.get("i18n")) if isinstance(d.get("i18n"), list) and len(d["i18n"]) == 5 else (),
        )


def _freeze(value: Any) -> Any:
    return tuple(_freeze(v) for v in value) if isinstance(value, (list, tuple)) else value


def _thaw(value: Any) -> Any:
    return [_thaw(v) for v in value] if isinstance(value, (list, tuple)) else value


def suggest_outcome(counts: dict[str, int]) -> Outcome:
    if counts.get(Level.blokkerend):
        return Outcome.ernstige_risicos
    if counts.get(Level.hoog):
        return Outcome.beheersbaar_met_afspraken
    if counts.get(Level.aandachtspunt):
        return Outcome.aandachtspunten
    return Outcome.geen_bijzonderheden


@dataclass(frozen=True)
class Result:
    findings: tuple[Finding, ...]
    highest_per_theme: dict[str, str] = field(default_factory=dict)
    suggested_outcome: str = "geen_bijzonderheden"
    counts: dict[str, int] = field(default_factory=dict)
    questionnaire_id: str = ""
    questionnaire_version: str = ""
    content_hash: str = ""

    __hash__ = None  # holds dicts

    @property
    def outcome_label(self) -> str:
        return Outcome(self.suggested_outcome).label

    def to_dict(self) -> dict[str, Any]:
        return {
            "questionnaire_id": self.questionnaire_id,
            "questionnaire_version": self.questionnaire_version,
            "content_hash": self.content_hash,
            "suggested_outcome": self.suggested_outcome,
            "counts": dict(self.counts),
            "highest_per_theme": dict(self.highest_per_theme),
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Result":
        return cls(
            findings=tuple(Finding.from_dict(f) for f in d.get("findings") or ()),
            highest_per_theme=dict(d.get("highest_per_theme") or {}),
            suggested_outcome=d.get("suggested_outcome", "geen_bijzonderheden"),
            counts=dict(d.get("counts") or {}),
            questionnaire_id=d.get("questionnaire_id", ""),
            questionnaire_version=d.get("questionnaire_version", ""),
            content_hash=d.get("content_hash", ""),
        )


_PLACEHOLDER_QUESTIONS: dict[tuple, tuple[Question, ...]] = {}


def _placeholder_questions(qn: Questionnaire) -> tuple[Question, ...]:
    """The top-level questions some rule text names as a placeholder; worked out once per questionnaire
    (keyed by id, version and content hash). A finding's context keeps only the names its rule uses
    (plus its item's answers), so the other answers need not be put into words."""
    key = (qn.id, qn.version, qn.content_hash)
    found = _PLACEHOLDER_QUESTIONS.get(key)
    if found is None:
        names: set[str] = set()
        for risk in qn.risks:
            for text in (risk.explanation, risk.ask, risk.explanation_en, risk.ask_en):
                names.update(placeholders(text or ""))
        if len(_PLACEHOLDER_QUESTIONS) > 256:
            _PLACEHOLDER_QUESTIONS.clear()
        found = _PLACEHOLDER_QUESTIONS[key] = tuple(q for q in qn.top_questions()
                                                    if q.type != "repeat" and q.id in names)
    return found


def _display_context(qn: Questionnaire, answers: dict, params: dict, lang: str | None = None) -> dict[str, str]:
    ctx = {k: str(v) for k, v in params.items()}
    for q in _placeholder_questions(qn):
        value = answers.get(q.id)
        if is_answered(value):
            ctx[q.id] = display_value(q, value, lang)
    return ctx


def _trigger_answers(qn: Questionnaire, risk: Risk, answers: dict, item: dict | None,
                     repeat: Question | None, lang: str | None = None,
                     item_ctx: dict | None = None) -> tuple[tuple[str, str], ...]:
    """``item_ctx``: the item's answers already put into words (``_item_context``), if at hand."""
    pairs: list[tuple[str, str]] = []
    if repeat is not None and item is not None:
        for sub_id in risk.when.item_refs:
            sub = repeat.sub(sub_id)
            if sub is not None and is_answered(item.get(sub_id)):
                shown = item_ctx.get(sub_id) if item_ctx is not None else None
                pairs.append((sub.localized_label(lang),
                              shown if shown is not None else display_value(sub, item[sub_id], lang)))
    for qid in risk.when.refs:
        q = qn.question(qid)
        value = answers.get(qid)
        if is_answered(value):
            pairs.append((q.localized_label(lang), display_value(q, value, lang)))
    return tuple(pairs)


@functools.lru_cache(maxsize=4096)
def _used_names(explanation: str, ask: str | None) -> frozenset[str]:
    return frozenset(placeholders(explanation)) | frozenset(placeholders(ask or ""))


def _item_context(base_ctx: dict, item: dict, index: int | None, repeat: Question, lang: str | None) -> dict:
    ctx = dict(base_ctx)
    ctx["nummer"] = str((index or 0) + 1)
    for sub in repeat.questions:
        value = item.get(sub.id)
        if is_answered(value):
            ctx[sub.id] = display_value(sub, value, lang)
    return ctx


def _finding(qn: Questionnaire, risk: Risk, answers: dict, base_ctx: dict, item: dict | None,
             index: int | None, repeat: Question | None, lang: str | None = None,
             item_contexts: dict | None = None) -> Finding:
    """``item_contexts``: a cache of the items' placeholder values for one evaluation (several rules
    read the same item; its answers are put into words once)."""
    ctx = base_ctx
    if repeat is not None and item is not None:
        if item_contexts is None:
            ctx = _item_context(base_ctx, item, index, repeat, lang)
        else:
            ctx = item_contexts.get((repeat.id, index))
            if ctx is None:
                ctx = item_contexts[(repeat.id, index)] = _item_context(base_ctx, item, index, repeat, lang)
    theme_title, explanation, ask, used, question_ids = _static(qn, risk, lang)
    if index is not None:
        anchor = f"{risk.for_each}:{index}"
    else:
        anchor = f"fact:{risk.fact}" if risk.fact else f"rule:{risk.id}"
    return Finding(
        anchor=anchor, rules=(risk.id,),
        key=risk.id if index is None else f"{risk.id}:{index}",
        risk_id=risk.id, theme=risk.theme, theme_title=theme_title,
        level=risk.level, explanation=fill_placeholders(explanation, ctx, lang=lang), legal=risk.legal,
        measures=risk.measures, ask=fill_placeholders(ask, ctx, lang=lang) if ask else None,
        question_ids=question_ids,
        item_index=index, answers=_trigger_answers(qn, risk, answers, item, repeat, lang,
                                                   ctx if repeat is not None and item is not None else None),
        context=_context(ctx, used, repeat),
    )


_STATIC: dict[tuple[int, str | None], tuple] = {}


def _static(qn: Questionnaire, risk: Risk, lang: str | None) -> tuple:
    """What a rule's findings share, worked out once per rule and language: theme title, the explanation and
    ask templates, the placeholder names they use, the question ids (the entry holds ``risk``, so its id
    stays its own)."""
    hit = _STATIC.get((id(risk), lang))
    if hit is not None and hit[0] is risk and hit[1] is qn._themes.get(risk.theme):
        return hit[2]
    theme = qn._themes.get(risk.theme)
    explanation, ask = risk.localized_explanation(lang), risk.localized_ask(lang)
    value = (theme.localized_title(lang) if theme else risk.theme, explanation, ask, _used_names(explanation, ask),
             (risk.for_each,) if risk.for_each else risk.when.refs)
    if len(_STATIC) > 8192:
        _STATIC.clear()
    _STATIC[(id(risk), lang)] = (risk, theme, value)
    return value


def _context(ctx: dict, used: frozenset, repeat: Question | None) -> tuple[tuple[str, str], ...]:
    """Placeholder values a measure template may need: those the risk uses, plus the item's."""
    return tuple((k, ctx[k]) for k in _context_keys(used, repeat) if k in ctx)


_CONTEXT_KEYS: dict[tuple[frozenset, int], tuple[Question | None, tuple[str, ...]]] = {}


def _context_keys(used: frozenset, repeat: Question | None) -> tuple[str, ...]:
    """Sorted placeholder names kept for a rule; cached (the entry holds ``repeat``, so its id stays its own)."""
    key = (used, id(repeat))
    hit = _CONTEXT_KEYS.get(key)
    if hit is not None and hit[0] is repeat:
        return hit[1]
    keys = set(used)
    if repeat is not None:
        keys.update(s.id for s in repeat.questions)
        keys.add("nummer")
    if len(_CONTEXT_KEYS) > 4096:
        _CONTEXT_KEYS.clear()
    _CONTEXT_KEYS[key] = (repeat, tuple(sorted(keys)))
    return _CONTEXT_KEYS[key][1]


def _combined(qn: Questionnaire, risk: Risk, answers: dict, base: dict, matching: list[tuple[int, dict]],
              repeat: Question, lang: str | None = None) -> Finding:
    """One finding for a ``combine: true`` rule, listing every matching item as ``{items}``."""
    labels = []
    for i, item in matching:
        ctx = {s.id: display_value(s, item.get(s.id)) for s in repeat.questions if is_answered(item.get(s.id))}
        ctx["nummer"] = str(i + 1)
        labels.append(fill_placeholders(repeat.item_label, ctx) if repeat.item_label else f"nummer {i + 1}")
    ctx = dict(base)
    ctx["items"] = "; ".join(labels)
    theme = qn._themes.get(risk.theme)
    explanation, ask = risk.localized_explanation(lang), risk.localized_ask(lang)
    return Finding(
        key=risk.id, risk_id=risk.id, theme=risk.theme, theme_title=theme.title if theme else risk.theme,
        level=risk.level, explanation=fill_placeholders(explanation, ctx), legal=risk.legal,
        measures=risk.measures, ask=fill_placeholders(ask, ctx) if ask else None,
        question_ids=(risk.for_each,), item_index=None,
        answers=tuple((f"{repeat.label} {i + 1}", label) for (i, _item), label in zip(matching, labels)),
        context=_context(ctx, _used_names(risk.explanation, risk.ask), None),
        anchor=f"{risk.for_each}:*", rules=(risk.id,))


def _from_hit(qn: Questionnaire, hit: FactHit) -> Finding:
    theme = qn._themes.get(hit.theme)
    key = hit.rule_id if hit.anchor.startswith("fact:") else f"{hit.rule_id}:{hit.anchor}"
    return Finding(
        key=key, risk_id=hit.rule_id, theme=hit.theme, theme_title=theme.title if theme else hit.theme,
        level=hit.level, explanation=hit.explanation, legal=hit.legal, measures=hit.measures, ask=hit.ask,
        question_ids=hit.question_ids, item_index=hit.item_index, answers=hit.answers,
        context=tuple(sorted((k, str(v)) for k, v in hit.context.items())), anchor=hit.anchor,
        rules=(hit.rule_id,), contradictions=hit.contradictions, i18n=hit.i18n)


def _is_fact_rule(f: Finding) -> bool:
    return f.risk_id.startswith("feit_") or f.risk_id == "belangenkruising"


def _unique(values) -> tuple:
    return tuple(dict.fromkeys(v for v in values if v))


_RANK = {level.value: level.rank for level in Level}


def _merge_rank(f: Finding) -> tuple:
    return (_RANK[f.level], 0 if _is_fact_rule(f) else 1)


def _joined(members: list[Finding], name: str) -> tuple:
    """The members' values of a tuple field, in order, without repeats or empties."""
    return tuple(dict.fromkeys(filter(None, chain.from_iterable(getattr(f, name) for f in members))))


def _merge_group(anchor: str, members: list[Finding]) -> Finding:
    if len(members) == 1:
        return members[0]
    members.sort(key=_merge_rank)
    primary = members[0]
    item_index = primary.item_index if primary.item_index is not None else next(
        (f.item_index for f in members if f.item_index is not None), None)
    ask = next((f.ask for f in members if f.contradictions and f.ask), None) or primary.ask \
        or next((f.ask for f in members if f.ask), None)
    legal = dict.fromkeys(filter(None, chain.from_iterable(f.legal.split("; ") for f in members)))
    context = dict(chain.from_iterable(f.context for f in reversed(members)))
    details = [f.explanation for f in members[1:] if f.explanation and f.explanation != primary.explanation]
    i18n = _merged_i18n(members, ask) if any(f.i18n for f in members) else ()
    return Finding(
        key=primary.key, risk_id=primary.risk_id, theme=primary.theme, theme_title=primary.theme_title,
        level=primary.level, explanation=primary.explanation, legal="; ".join(legal),
        measures=_joined(members, "measures"), ask=ask, question_ids=_joined(members, "question_ids"),
        item_index=item_index, answers=_joined(members, "answers"), context=tuple(sorted(context.items())),
        anchor=anchor, rules=_joined(members, "rules"), details=tuple(dict.fromkeys(details)),
        contradictions=_joined(members, "contradictions"), i18n=i18n)


def _own_i18n(f: Finding) -> tuple:
    """A member's references; a questionnaire rule's texts are found by rule id and item ("r")."""
    if f.i18n:
        return f.i18n
    ref = ("r", f.risk_id, f.item_index)
    return (ref, ref if f.ask else None, (), (ref,), ())


def _merged_i18n(members: list[Finding], ask: str | None) -> tuple:
    """The references of a merged finding, chosen exactly as its Dutch texts were."""
    own = [_own_i18n(f) for f in members]
    primary = members[0]
    details: dict[str, tuple] = {}
    for f, refs in zip(members[1:], own[1:]):
        if f.explanation and f.explanation != primary.explanation:
            details.setdefault(f.explanation, refs[0])
    ask_ref = next((refs[1] for f, refs in zip(members, own) if ask is not None and f.ask == ask), None)
    return (own[0][0], ask_ref, tuple(details.values()),
            tuple(dict.fromkeys(chain.from_iterable(refs[3] for refs in own))),
            tuple(dict.fromkeys(chain.from_iterable(refs[4] for refs in own))))


def merge_findings(qn: Questionnaire, findings: list[Finding], touches: dict[str, tuple[str, ...]] | None = None
                   ) -> list[Finding]:
    """One fact, one finding: findings resting on the same fact are merged at the highest level.

    A finding rests on its ``anchor`` (a repeat item, or ``fact:<name>``). A rule about a repeat fact as a
    whole (``fact: company``) joins the most severe finding on one of that repeat's items; a rule about
    ``fact:X`` also joins the most severe finding that touches X (e.g. a portfolio overlap).
    """
    touches = touches or {}
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.anchor, []).append(f)

    def severity(anchor: str) -> tuple:
        return (min(_RANK[f.level] for f in groups[anchor]), anchor)

    for anchor in [a for a in groups if a.endswith(":*")]:  # a rule about every item absorbs the items
        prefix = anchor[:-1]
        for other in [a for a in groups if a.startswith(prefix) and a != anchor]:
            groups[anchor].extend(groups.pop(other))
    for anchor in [a for a in groups if a.startswith("fact:")]:
        fact = anchor[5:]
        spec = FACTS.get(fact)
        rid = qn.fact_path(fact) if spec is not None and spec.types == ("repeat",) else None
        touching = {key for key, touched in touches.items() if anchor in touched}
        if rid is None and not touching:
            continue
        prefix = f"{rid}:" if rid is not None else None
        targets = [a for a in groups if a != anchor and (
            (prefix is not None and a.startswith(prefix))
            or (touching and any(f.key in touching for f in groups[a])))]
        if targets:
            target = min(targets, key=severity)
            groups[target].extend(groups.pop(anchor))
    return [_merge_group(anchor, members) for anchor, members in groups.items()]


def evaluate(questionnaire: Questionnaire, answers: Any, parameters: dict | None = None,
             today: date | None = None, lang: str | None = None, profile: OrgProfile | None = None,
             relations=None) -> Result:
    """Score ``answers`` against the questionnaire's risks and the fact rules. Hidden answers are ignored.

    ``parameters`` override the questionnaire's own (e.g. an organisation's VOG maximum age);
    ``today`` is the reference date for date operators (default: date.today());
    ``lang``: "en" writes the findings' texts in English where the questionnaire has them
    (stored findings are Dutch; see ``localize_findings`` for showing them in English);
    ``profile`` is the organisation's profile (plain data) and ``relations`` its relations list (a
    RelationsIndex) for the fact rules. Findings on the same fact are merged, so the counts count facts.
    """
    today = today or date.today()
    params = dict(questionnaire.parameters)
    if isinstance(parameters, dict):
        params.update(parameters)
    pruned = prune_hidden(questionnaire, answers, today)
    base = _display_context(questionnaire, pruned, params, lang)
    ctx = Ctx(pruned, None, params, today)
    findings: list[Finding] = []
    item_contexts: dict = {}
    item_ctxs: dict[str, list] = {}  # one condition context per repeat item, shared by the rules
    for risk in questionnaire.risks:
        if risk.for_each:
            repeat = questionnaire.question(risk.for_each)
            ictxs = item_ctxs.get(risk.for_each)
            if ictxs is None:
                items = pruned.get(risk.for_each) or []
                ictxs = item_ctxs[risk.for_each] = [(i, item, Ctx(pruned, item, params, today))
                                                    for i, item in enumerate(items)]
            matching = [(i, item) for i, item, ictx in ictxs if risk.when(ictx)]
            if risk.combine:
                if matching:
                    findings.append(_combined(questionnaire, risk, pruned, base, matching, repeat, lang))
                continue
            for i, item in matching:
                findings.append(_finding(questionnaire, risk, pruned, base, item, i, repeat, lang, item_contexts))
        elif risk.when(ctx):
            findings.append(_finding(questionnaire, risk, pruned, base, None, None, None, lang))
    touches: dict[str, tuple[str, ...]] = {}
    seen = {f.key for f in findings}
    for hit in evaluate_facts(questionnaire, pruned, profile, params, relations):
        finding = _from_hit(questionnaire, hit)
        if finding.key in seen:
            n = 2
            while f"{finding.key}#{n}" in seen:
                n += 1
            finding = Finding(**{**finding.__dict__, "key": f"{finding.key}#{n}"})
        seen.add(finding.key)
        touches[finding.key] = hit.touches
        findings.append(finding)
    findings = merge_findings(questionnaire, findings, touches)
    order = {t.id: t.order for t in questionnaire.themes}
    findings.sort(key=lambda f: (_RANK[f.level], order.get(f.theme, 1 << 30), f.risk_id,
                                 -1 if f.item_index is None else f.item_index))
    counts = {level: 0 for level in Level}
    highest: dict[str, str] = {}
    for f in findings:
        counts[f.level] += 1
        if f.theme not in highest or _RANK[f.level] < _RANK[highest[f.theme]]:
            highest[f.theme] = f.level
    return Result(tuple(findings), highest, suggest_outcome(counts), counts,
                  questionnaire.id, questionnaire.version, questionnaire.content_hash)


def localize_findings(questionnaire: Questionnaire | None, answers: Any, findings: list[Finding] | tuple,
                      lang: str | None, parameters: dict | None = None) -> list[Finding]:
    """Stored findings (Dutch, from a signed submission) with their texts in ``lang``.

    Only what a reader sees is rewritten from the questionnaire definition, by rule id and item:
    theme title, explanation, follow-up question and the answers that triggered the rule. Key,
    level, measures and the placeholder context stay as stored (the legal basis only gets the English
    form of its descriptive bases, ``questionnaire.legal``), so the submission
    snapshot (and everything signed from it) never changes. A finding whose rule is gone, or
    anything in Dutch, is returned as stored.
    """
    findings = list(findings)
    if questionnaire is None or questionnaire.content_language(lang) != "en":
        return findings
    params = dict(questionnaire.parameters)
    if isinstance(parameters, dict):
        params.update(parameters)
    answers = answers if isinstance(answers, dict) else {}
    pruned = prune_hidden(questionnaire, answers)
    base = _display_context(questionnaire, pruned, params, lang)
    risks = {r.id: r for r in questionnaire.risks}
    out: list[Finding] = []
    for f in findings:
        if f.i18n:  # rests on a fact rule: written from its references
            try:
                out.append(_localized_by_refs(questionnaire, pruned, base, params, risks, f, lang))
            except (LookupError, TypeError, ValueError):
                out.append(f)
            continue
        risk = risks.get(f.risk_id)
        repeat = item = None
        try:
            if risk is not None and risk.for_each:
                repeat = questionnaire.question(risk.for_each)
                items = pruned.get(risk.for_each) or []
                index = f.item_index
                if index is None or not (0 <= index < len(items)) or not isinstance(items[index], dict):
                    raise LookupError(f.key)
                item = items[index]
            if risk is None:
                raise LookupError(f.key)
            en = _finding(questionnaire, risk, pruned, base, item, f.item_index, repeat, lang)
        except (LookupError, TypeError, ValueError):
            out.append(f)
            continue
        answers_en, details = en.answers, f.details
        others = [risks.get(r) for r in f.rules[1:]]
        if others and all(o is not None and (not o.for_each or o.for_each == (risk.for_each or o.for_each))
                          for o in others):
            # a merged finding of questionnaire rules only: every member in ``lang``, in stored order
            members = [_finding(questionnaire, o, pruned, base, item if o.for_each else None,
                                f.item_index if o.for_each else None, repeat if o.for_each else None, lang)
                       for o in others if not o.for_each or item is not None]
            if len(members) == len(others):
                answers_en = tuple(dict.fromkeys((*en.answers, *(a for m in members for a in m.answers))))
                details = tuple(d for d in dict.fromkeys(m.explanation for m in members) if d != en.explanation)
        out.append(dataclasses.replace(f, theme_title=en.theme_title, explanation=en.explanation,
                                       ask=en.ask if f.ask else None, answers=answers_en or f.answers,
                                       details=details))
    # descriptive legal bases in English (display only; citations stay as they are)
    return [dataclasses.replace(f, legal=legal_in(f.legal, lang)) if f.legal else f for f in out]


def _localized_by_refs(qn: Questionnaire, pruned: dict, base: dict, params: dict, risks: dict, f: Finding,
                       lang: str | None) -> Finding:
    """A finding with ``i18n`` references in ``lang``: fact texts from FACT_TEXTS, answers and self-labels
    from the questionnaire's questions, the texts of merged questionnaire rules from their definition.
    :raise LookupError: when a reference no longer resolves (the caller keeps the stored Dutch)."""
    expl_ref, ask_ref, detail_refs, answer_refs, contra_refs = f.i18n
    rules: dict[tuple, Finding] = {}

    def rule(ref: tuple) -> Finding:
        key = (ref[1], ref[2])
        if key not in rules:
            risk = risks[ref[1]]
            repeat = item = None
            if risk.for_each:
                repeat = qn.question(risk.for_each)
                items = pruned.get(risk.for_each) or []
                if risk.combine:
                    matching = [(i, it) for i, it in enumerate(items) if isinstance(it, dict)
                                and risk.when(Ctx(pruned, it, params, date.today()))]
                    rules[key] = _combined(qn, risk, pruned, base, matching, repeat, lang)
                    return rules[key]
                index = ref[2]
                if index is None or not (0 <= index < len(items)) or not isinstance(items[index], dict):
                    raise LookupError(f.key)
                item = items[index]
            rules[key] = _finding(qn, risk, pruned, base, item, ref[2] if risk.for_each else None, repeat, lang)
        return rules[key]

    def text(ref: tuple | None, name: str) -> str | None:
        if not ref:
            return None
        return getattr(rule(ref), name) if ref[0] == "r" else render_ref(qn, pruned, ref, lang)

    explanation = text(expl_ref, "explanation") or f.explanation
    details = tuple(dict.fromkeys(d for d in (text(r, "explanation") for r in detail_refs)
                                  if d and d != explanation))
    answers: list = []
    for ref in answer_refs:
        if ref[0] == "r":
            answers.extend(rule(ref).answers)
        else:
            pair = render_ref(qn, pruned, ref, lang)
            if pair:
                answers.append(pair)
    contradictions = tuple(c for c in (render_ref(qn, pruned, r, lang) for r in contra_refs) if c)
    theme = qn._themes.get(f.theme)
    return dataclasses.replace(
        f, theme_title=theme.localized_title(lang) if theme else f.theme_title, explanation=explanation,
        ask=(text(ask_ref, "ask") or f.ask) if f.ask else None, details=details,
        answers=tuple(dict.fromkeys(answers)) or f.answers, contradictions=contradictions or f.contradictions)
