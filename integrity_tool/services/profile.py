"""The organisation profile: what the fact rules compare a candidate's facts with.

Official name (the organisation's name), aliases, KvK numbers, verbonden partijen (name, KvK, kind),
territory (places; for a waterschap the gemeenten of its beheergebied) and the portefeuilles of the
college / GS / DB / cabinet, each mapped to domains from the one fixed vocabulary
(``questionnaire.facts.DOMAINS``). Edited by the organisation's administrator; every change audited.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import audit
from ..models import Organisation, OrganisationProfile, User, db, utcnow
from ..questionnaire.facts import DOMAINS, domain_label
from ..scoring import OrgProfile
from ..scoring.relations import clean_kvk
from .errors import InvalidInput

MAX_LINES = 200
MAX_NAME = 200
_KVK = re.compile(r"^\d{8}$")
SOORT_WORDS = {"regeling": "regeling", "gemeenschappelijke regeling": "regeling", "gr": "regeling",
               "openbaar lichaam": "regeling", "bedrijfsvoeringsorganisatie": "regeling",
               "deelneming": "deelneming", "nv": "deelneming", "bv": "deelneming", "stichting": "deelneming",
               "vereniging": "deelneming"}
FIELDS = ("aliassen", "kvk", "verbonden_partijen", "gebied", "portefeuilles")


class ProfileInvalid(InvalidInput):
    """``errors`` maps a form field to its Dutch messages (naming the line)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(" ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


def stored(org: Organisation) -> dict:
    row = db.session.get(OrganisationProfile, org.id)
    return dict(row.data or {}) if row is not None and isinstance(row.data, dict) else {}


def org_profile(org: Organisation) -> OrgProfile:
    """The profile as plain data for the engine (kind and official name from the organisation)."""
    return OrgProfile.from_dict({**stored(org), "kind": org.kind.value, "naam": org.name})


def _domain(word: str) -> str | None:
    key = word.strip().casefold()
    for value, (nl, en) in DOMAINS.items():
        if key in (value, nl.casefold(), en.casefold()):
            return value
    return None


def _lines(text: str | None) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate((text or "").replace("\r\n", "\n").split("\n"), start=1)
            if line.strip()]


def parse_form(values: dict[str, str | None]) -> dict:
    """Form text (one entry per line) -> stored data; ProfileInvalid names field and line."""
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    def name_ok(field: str, n: int, name: str, what: str) -> bool:
        if len(name) > MAX_NAME:
            err(field, f"Regel {n}: {what} is langer dan {MAX_NAME} tekens.")
            return False
        return True

    for field in FIELDS:
        if len(_lines(values.get(field))) > MAX_LINES:
            err(field, f"Er zijn meer dan {MAX_LINES} regels; kort de lijst in.")
    if errors:
        raise ProfileInvalid(errors)

    aliases = [a for n, a in _lines(values.get("aliassen")) if name_ok("aliassen", n, a, "de naam")]
    kvks = []
    for n, raw in _lines(values.get("kvk")):
        k = clean_kvk(raw)
        if not _KVK.match(k):
            err("kvk", f"Regel {n}: '{raw[:40]}' is geen KvK-nummer van 8 cijfers.")
        elif k not in kvks:
            kvks.append(k)
    partijen = []
    for n, line in _lines(values.get("verbonden_partijen")):
        parts = [p.strip() for p in line.split(";")]
        if len(parts) > 3:
            err("verbonden_partijen", f"Regel {n}: gebruik 'naam; KvK-nummer; soort' (hoogstens twee puntkomma's).")
            continue
        name = parts[0]
        kvk = clean_kvk(parts[1]) if len(parts) > 1 and parts[1] else ""
        soort_raw = parts[2] if len(parts) > 2 and parts[2] else "regeling"
        if not name:
            err("verbonden_partijen", f"Regel {n}: de naam ontbreekt.")
            continue
        if not name_ok("verbonden_partijen", n, name, "de naam"):
            continue
        if kvk and not _KVK.match(kvk):
            err("verbonden_partijen", f"Regel {n}: '{parts[1][:40]}' is geen KvK-nummer van 8 cijfers.")
            continue
        soort = SOORT_WORDS.get(soort_raw.casefold())
        if soort is None:
            err("verbonden_partijen", f"Regel {n}: '{soort_raw[:40]}' is geen bekende soort; kies 'regeling' "
                                      "(gemeenschappelijke regeling) of 'deelneming' (nv, bv, stichting).")
            continue
        partijen.append({"naam": name, "kvk": kvk or None, "soort": soort})
    gebied = [g for n, g in _lines(values.get("gebied")) if name_ok("gebied", n, g, "de plaatsnaam")]
    portefeuilles = []
    seen: set[str] = set()
    for n, line in _lines(values.get("portefeuilles")):
        name, sep, rest = line.partition(":")
        name = name.strip()
        if not sep or not name or not rest.strip():
            err("portefeuilles", f"Regel {n}: gebruik 'naam: domein, domein' (bijvoorbeeld "
                                 "'Ruimtelijke ordening en wonen: ruimtelijke ordening, bouw en wonen').")
            continue
        if not name_ok("portefeuilles", n, name, "de naam"):
            continue
        if name.casefold() in seen:
            err("portefeuilles", f"Regel {n}: portefeuille '{name}' staat er al.")
            continue
        seen.add(name.casefold())
        domains, unknown = [], []
        for word in rest.split(","):
            if not word.strip():
                continue
            d = _domain(word)
            if d is None:
                unknown.append(word.strip()[:40])
            elif d not in domains:
                domains.append(d)
        if unknown:
            allowed = ", ".join(nl.lower() for nl, _en in DOMAINS.values())
            err("portefeuilles", f"Regel {n}: onbekend domein {', '.join(repr(u) for u in unknown)}; kies uit: {allowed}.")
            continue
        portefeuilles.append({"naam": name, "domeinen": domains})
    if errors:
        raise ProfileInvalid(errors)
    return {"aliassen": aliases, "kvk": kvks, "verbonden_partijen": partijen, "gebied": gebied,
            "portefeuilles": portefeuilles}


def form_text(data: dict) -> dict[str, str]:
    """Stored data -> the text the form shows (the inverse of parse_form)."""
    return {
        "aliassen": "\n".join(data.get("aliassen") or []),
        "kvk": "\n".join(data.get("kvk") or []),
        "verbonden_partijen": "\n".join(
            "; ".join([vp.get("naam", ""), vp.get("kvk") or "", vp.get("soort") or "regeling"])
            for vp in data.get("verbonden_partijen") or [] if isinstance(vp, dict)),
        "gebied": "\n".join(data.get("gebied") or []),
        "portefeuilles": "\n".join(
            f"{p.get('naam', '')}: {', '.join(domain_label(d).lower() for d in p.get('domeinen') or [])}"
            for p in data.get("portefeuilles") or [] if isinstance(p, dict)),
    }


@dataclass(frozen=True)
class Change:
    field: str
    before: int
    after: int


def save(actor: User, org: Organisation, data: dict, *, ip: str | None = None) -> list[str]:
    """Store a validated profile for the actor's own organisation; one audit event naming the changed
    fields (with the number of entries before and after). Returns the changed fields."""
    if actor.organisation_id != org.id:
        raise InvalidInput("U kunt alleen het profiel van uw eigen organisatie wijzigen.")
    row = db.session.get(OrganisationProfile, org.id)
    old = dict(row.data or {}) if row is not None else {}
    changed = [f for f in FIELDS if (old.get(f) or []) != (data.get(f) or [])]
    if not changed:
        return []
    if row is None:
        row = OrganisationProfile(organisation_id=org.id, data={})
        db.session.add(row)
    row.data = {f: data.get(f) or [] for f in FIELDS}
    row.updated_at = utcnow()
    row.updated_by_id = actor.id
    audit.record("organisatie.profiel_gewijzigd", actor=actor, organisation_id=org.id, ip=ip,
                 velden=", ".join(changed),
                 aantallen={f: [len(old.get(f) or []), len(data.get(f) or [])] for f in changed})
    db.session.commit()
    return changed


def update_from_form(actor: User, org: Organisation, values: dict[str, str | None], *,
                     ip: str | None = None) -> list[str]:
    return save(actor, org, parse_form(values), ip=ip)


def portfolio_choices(org: Organisation) -> list[tuple[str, str]]:
    """(value, label) of the portefeuilles a candidate of this organisation chooses from."""
    profile = stored(org)
    names = [p.get("naam") for p in profile.get("portefeuilles") or [] if isinstance(p, dict) and p.get("naam")]
    return [(n, n) for n in names]


__all__ = ["org_profile", "parse_form", "form_text", "save", "update_from_form", "ProfileInvalid", "stored",
           "portfolio_choices"]
