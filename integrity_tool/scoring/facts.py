"""Fact rules: findings from what the candidate states, not from how they label it themselves.

A candidate often does not know which of their own facts is a legal problem. These rules read the
answers through the questionnaire's ``fact:`` markers (never question ids) and compare them with the
organisation's profile (name, aliases, KvK numbers, verbonden partijen, territory, portefeuilles),
passed in as plain data, and with the organisation's relations list. Pure: no Flask, no db.

Every rule names its legal basis per kind of organisation. Citations were checked against the law
text as far as the domain brief quotes it; where a citation is debatable the text says so, so the
reviewer sees it and can lower the level with a justification.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..questionnaire.facts import (BOARD_KINDS, DOMAINS, LAND_DOMAINS, OWN_FORMS, PROPERTY_USE_DOMAINS,
                                   PUBLIC_OFFICE_KIND, domain_label)
from ..questionnaire.model import Question, Questionnaire
from ..questionnaire.values import display_value
from .relations import Match, clean_kvk, match_answers, normalise_name

SOORTEN = ("regeling", "deelneming")  # kinds of verbonden partij


@dataclass(frozen=True)
class VerbondenPartij:
    name: str
    kvk: str | None = None
    soort: str = "regeling"  # "regeling" (gemeenschappelijke regeling, openbaar lichaam) or "deelneming"


@dataclass(frozen=True)
class Portefeuille:
    name: str
    domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrgProfile:
    """What the rules need to know about the organisation. Built from the stored profile."""

    kind: str = "gemeente"
    name: str = ""
    aliases: tuple[str, ...] = ()
    kvk_numbers: tuple[str, ...] = ()
    verbonden_partijen: tuple[VerbondenPartij, ...] = ()
    territory: tuple[str, ...] = ()
    portefeuilles: tuple[Portefeuille, ...] = ()

    @classmethod
    def from_dict(cls, data: Any, *, kind: str = "gemeente", name: str = "") -> "OrgProfile":
        """Tolerant: anything malformed is skipped, never raised."""
        d = data if isinstance(data, dict) else {}

        def strings(key):
            value = d.get(key)
            return tuple(str(v).strip() for v in value if isinstance(v, (str, int)) and str(v).strip()) \
                if isinstance(value, list) else ()

        partijen = []
        for vp in d.get("verbonden_partijen") or []:
            if isinstance(vp, dict) and isinstance(vp.get("naam"), str) and vp["naam"].strip():
                soort = vp.get("soort") if vp.get("soort") in SOORTEN else "regeling"
                partijen.append(VerbondenPartij(vp["naam"].strip(), clean_kvk(vp.get("kvk")) or None, soort))
        portefeuilles = []
        for p in d.get("portefeuilles") or []:
            if isinstance(p, dict) and isinstance(p.get("naam"), str) and p["naam"].strip():
                domains = tuple(x for x in p.get("domeinen") or [] if x in DOMAINS)
                portefeuilles.append(Portefeuille(p["naam"].strip(), domains))
        return cls(kind=str(d.get("kind") or kind), name=str(d.get("naam") or name),
                   aliases=strings("aliassen"), kvk_numbers=tuple(clean_kvk(k) for k in strings("kvk")),
                   verbonden_partijen=tuple(partijen), territory=strings("gebied"),
                   portefeuilles=tuple(portefeuilles))

    def to_dict(self) -> dict:
        return {"kind": self.kind, "naam": self.name, "aliassen": list(self.aliases), "kvk": list(self.kvk_numbers),
                "verbonden_partijen": [{"naam": v.name, "kvk": v.kvk, "soort": v.soort}
                                       for v in self.verbonden_partijen],
                "gebied": list(self.territory),
                "portefeuilles": [{"naam": p.name, "domeinen": list(p.domains)} for p in self.portefeuilles]}

    def portfolio_domains(self, values: Any) -> dict[str, str]:
        """Chosen portefeuilles -> {domain: portefeuille name}. A value that is itself a domain (the
        fallback options when the organisation has no list) stands for that domain."""
        out: dict[str, str] = {}
        if not isinstance(values, list):
            return out
        by_name = {p.name: p for p in self.portefeuilles}
        for v in values:
            if not isinstance(v, str):
                continue
            if v in by_name:
                for d in by_name[v].domains:
                    out.setdefault(d, v)
            elif v in DOMAINS:
                out.setdefault(v, domain_label(v))
        return out


# -- legal bases per kind of organisation (checked against the law text; see notes) ------------------

AMBT = {"gemeente": "wethouder", "provincie": "gedeputeerde", "waterschap": "lid van het dagelijks bestuur",
        "kabinetsformatie": "bewindspersoon"}
ONVERENIGBAAR = {
    "gemeente": "Gemeentewet art. 36b lid 1 onder k (ambtenaar van of ondergeschikt aan het gemeentebestuur)",
    "provincie": "Provinciewet art. 35c lid 1 (ambtenaar van of ondergeschikt aan het provinciebestuur)",
    "waterschap": "Waterschapswet art. 31 jo. art. 40 (ambtenaar van het waterschap; artikelnummers te verifiëren)",
    "kabinetsformatie": "Handboek voor bewindspersonen (blauwe boek): andere betrekkingen neerleggen "
                        "(geen wettelijke onverenigbaarheid; citaat discutabel)",
}
ONVERENIGBAAR_VP_NOTE = ("discutabel: de onverenigbaarheid geldt voor wie is aangesteld 'door of vanwege' het bestuur "
                         "of daaraan ondergeschikt is; bij een gemeenschappelijke regeling met eigen personeel toetsen")
VERBODEN = {
    "gemeente": "Gemeentewet art. 41c lid 1 jo. art. 15 lid 1 ('rechtstreeks of middellijk' overeenkomsten: aannemen "
                "van werk, leveren of verhuren van roerende zaken); ontheffing door GS (art. 15 lid 2)",
    "provincie": "Provinciewet art. 40c lid 1 jo. art. 15 lid 1; ontheffing volgens art. 15 lid 2 (te verifiëren)",
    "waterschap": "Waterschapswet art. 33 en 45 (verboden handelingen; te verifiëren)",
    "kabinetsformatie": "Kader financiële belangen bewindspersonen (geen wettelijk verbod; citaat discutabel)",
}
VERBODEN_NOTE = ("discutabel bij diensten: art. 15 lid 1 noemt het aannemen van werk en het leveren of verhuren van "
                 "roerende zaken; andere dienstverlening valt er niet letterlijk onder (dan Awb art. 2:4)")
NEVENFUNCTIES = {
    "gemeente": "Gemeentewet art. 41b", "provincie": "Provinciewet art. 40b",
    "waterschap": "Waterschapswet (nevenfuncties; artikel te verifiëren)",
    "kabinetsformatie": "Handboek voor bewindspersonen (blauwe boek)",
}
VOG = {
    "gemeente": "Gemeentewet art. 36a (VOG verplicht sinds 1-1-2023)",
    "provincie": "Provinciewet art. 35a (VOG; te verifiëren)",
    "waterschap": "Waterschapswet (VOG dagelijks bestuur; artikel te verifiëren)",
    "kabinetsformatie": "Feitenonderzoek kabinetsformatie",
}
AWB = "Algemene wet bestuursrecht art. 2:4 (geen vooringenomenheid; verschoning)"


@dataclass
class FactHit:
    """One fact-rule result, before it is merged with the questionnaire's own findings."""

    rule_id: str
    theme: str
    level: str
    explanation: str
    legal: str
    anchor: str                            # the fact it rests on: "ondernemingen:0", "fact:employer"
    measures: tuple[str, ...] = ()
    ask: str | None = None
    question_ids: tuple[str, ...] = ()
    item_index: int | None = None
    answers: tuple[tuple[str, str], ...] = ()
    touches: tuple[str, ...] = ()          # other facts it also rests on ("fact:portfolio")
    contradictions: tuple[tuple[str, str, str], ...] = ()  # (self-label question, answer, the fact)
    context: dict = field(default_factory=dict)


# -- reading answers through markers ---------------------------------------------------------------------

class _Facts:
    """The answers by fact name for one questionnaire."""

    def __init__(self, qn: Questionnaire, answers: dict):
        self.qn = qn
        self.answers = answers
        self._subs: dict[str, str | None] = {}

    def question(self, fact: str) -> Question | None:
        return self.qn.fact_question(fact)

    def top(self, fact: str) -> Any:
        path = self.qn.fact_path(fact)
        if not path or "." in path:
            return None
        return self.answers.get(path)

    def repeat_id(self, fact: str) -> str | None:
        return self.qn.fact_path(fact)

    def items(self, fact: str) -> list[tuple[int, dict]]:
        rid = self.repeat_id(fact)
        value = self.answers.get(rid) if rid else None
        if not isinstance(value, list):
            return []
        return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]

    def sub(self, item: dict, fact: str) -> Any:
        sub_id = self._subs.get(fact, "")
        if sub_id == "":
            path = self.qn.fact_path(fact)
            sub_id = self._subs[fact] = path.rpartition(".")[2] if path and "." in path else None
        return item.get(sub_id) if sub_id else None

    def pair(self, fact: str, value: Any) -> tuple[str, str] | None:
        q = self.question(fact)
        if q is None or value is None or value == "" or value == []:
            return None
        return (q.label, display_value(q, value))

    def label_no(self, fact: str, fact_text: str, item: dict | None = None) -> tuple[str, str, str] | None:
        """A contradiction when the self-label ``fact`` was answered "nee"."""
        q = self.question(fact)
        value = self.sub(item, fact) if item is not None else self.top(fact)
        if q is None or value is not False:
            return None
        return (q.label, display_value(q, value), fact_text)


def _pairs(*pairs) -> tuple[tuple[str, str], ...]:
    return tuple(p for p in pairs if p)


_WORD = re.compile(r"[\W_]+")
_KIND_WORDS = ("gemeente", "provincie", "waterschap", "hoogheemraadschap", "wetterskip")


def _tokens(text: Any) -> list[str]:
    if not isinstance(text, str):
        return []
    return list(_folded_tokens(text))


@functools.lru_cache(maxsize=4096)
def _folded_tokens(text: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return tuple(t for t in _WORD.split(folded) if t)


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


@dataclass(frozen=True)
class _Names:
    """Names and KvK numbers of one organisation, normalised once."""

    kvks: frozenset[str]
    exact: frozenset[str]                                   # normalised names
    phrases: tuple[tuple[frozenset[str], list[str]], ...]  # names of 2+ words, found inside a longer name

    @classmethod
    def of(cls, names: Iterable[str], kvks: Iterable[str | None]) -> "_Names":
        normed = [n for n in (normalise_name(n) for n in names) if n]
        return cls(frozenset(clean_kvk(k) for k in kvks if k), frozenset(normed),
                   tuple((frozenset(n.split()), n.split()) for n in normed if len(n.split()) >= 2))


@dataclass(frozen=True)
class _ProfileIndex:
    """What the rules compare answers with, worked out once per profile (not per answer)."""

    org: _Names
    partijen: tuple[tuple[VerbondenPartij, _Names], ...]
    places: tuple[tuple[str, tuple[str, ...]], ...]  # (place, its words)
    partij_names: _Names                              # all verbonden partijen together: a quick "none of them"


_INDEXES: dict[int, tuple[OrgProfile, _ProfileIndex]] = {}


def _index(profile: OrgProfile) -> _ProfileIndex:
    """The profile's index, cached by identity (the entry holds the profile, so its id stays its own):
    one profile object serves every rule of an evaluation and every evaluation of a request."""
    hit = _INDEXES.get(id(profile))
    if hit is not None and hit[0] is profile:
        return hit[1]
    places = list(profile.territory)
    if not places and profile.name:
        bare = [t for t in _tokens(profile.name) if t not in _KIND_WORDS]
        if bare:
            places = [" ".join(bare)]
    index = _ProfileIndex(
        _Names.of([profile.name, *profile.aliases], profile.kvk_numbers),
        tuple((vp, _Names.of([vp.name], [vp.kvk])) for vp in profile.verbonden_partijen),
        tuple((p, _folded_tokens(p)) for p in places),
        _Names.of([vp.name for vp in profile.verbonden_partijen], [vp.kvk for vp in profile.verbonden_partijen]))
    if len(_INDEXES) > 64:
        _INDEXES.clear()
    _INDEXES[id(profile)] = (profile, index)
    return index


def in_territory(location: Any, profile: OrgProfile) -> str | None:
    """The territory place named in ``location`` (whole words), or None."""
    if not isinstance(location, str):
        return None
    words = list(_folded_tokens(location))
    for place, place_words in _index(profile).places:
        if _contains(words, list(place_words)):
            return place
    return None


def _same_org(name: Any, kvk: Any, org: _Names) -> bool:
    k = clean_kvk(kvk) if kvk else ""
    if k and k in org.kvks:
        return True
    norm = normalise_name(name)
    if not norm:
        return False
    if norm in org.exact:
        return True
    if org.phrases:  # "Gemeente Voorbeeld, afd. Financiën" contains "gemeente voorbeeld"
        words = norm.split()
        present = set(words)
        return any(needed <= present and _contains(words, phrase) for needed, phrase in org.phrases)
    return False


def _verbonden_partij(name: Any, kvk: Any, profile: OrgProfile, matches: list[Match],
                      anchor_item: int | None, fact: str) -> tuple[str, str, str] | None:
    """(name, soort, source) of the verbonden partij this organisation is, or None."""
    index = _index(profile)
    if index.partijen and _same_org(name, kvk, index.partij_names):  # one of them; which one:
        for vp, names in index.partijen:
            if _same_org(name, kvk, names):
                return vp.name, vp.soort, "profiel"
    for m in matches:
        if m.fact == fact and m.item_index == anchor_item and m.relation.category == "verbonden partij":
            return m.relation.name, "regeling", "relatielijst"
    return None


def _control(fx: _Facts, item: dict, threshold: float) -> str | None:
    """Why the company is the candidate's own or controlled by them ("middellijk"), or None."""
    form = fx.sub(item, "company.form")
    if form in OWN_FORMS:
        q = fx.question("company.form")
        return f"eigen onderneming ({display_value(q, form) if q else form})"
    share = fx.sub(item, "company.share")
    if isinstance(share, (int, float)) and not isinstance(share, bool) and share >= threshold:
        return f"zeggenschap via een belang van {share}%"
    return None


# -- the rules ----------------------------------------------------------------------------------------------

def evaluate_facts(qn: Questionnaire, answers: dict, profile: OrgProfile | None, params: dict,
                   relations=None) -> list[FactHit]:
    """All fact-rule hits for (pruned) answers. Never raises on odd answers."""
    kind = (profile.kind if profile else None) or (qn.applies_to[0] if qn.applies_to else "gemeente")
    prof = profile or OrgProfile(kind=kind)
    fx = _Facts(qn, answers)
    matches = match_answers(answers, qn, relations) if relations is not None else []
    hits: list[FactHit] = []
    hits += _employer(fx, prof, kind, matches)
    hits += _companies(fx, prof, kind, params, matches)
    hits += _portfolio(fx, prof)
    hits += _property(fx, prof)
    hits += _positions(fx, prof, kind, matches)
    hits += _vog(fx, kind)
    hits += _relation_matches(fx, prof, matches, hits)
    return hits


def _employer(fx: _Facts, prof: OrgProfile, kind: str, matches: list[Match]) -> list[FactHit]:
    name, kvk = fx.top("employer"), fx.top("employer.kvk")
    if not (isinstance(name, str) and name.strip()) and not kvk:
        return []
    rid = fx.repeat_id("employer")
    qids = tuple(x for x in (rid, fx.repeat_id("employer.kvk")) if x)
    facts = _pairs(fx.pair("employer", name), fx.pair("employer.kvk", kvk))
    ambt = AMBT.get(kind, "bestuurder")
    if prof.name and _same_org(name, kvk, _index(prof).org):
        fact_text = f"Werkgever {name or kvk} is {prof.name} zelf."
        contra = _pairs(fx.label_no("label.onverenigbaar", fact_text))
        return [FactHit(
            "feit_werkgever_organisatie", "onverenigbaar", "hoog" if kind == "kabinetsformatie" else "blokkerend",
            f"De werkgever ({name or kvk}) is {prof.name} zelf. Een {ambt} kan niet tegelijk in dienst zijn van "
            f"de eigen organisatie; het dienstverband moet vóór de benoeming eindigen.",
            ONVERENIGBAAR.get(kind, ONVERENIGBAAR["gemeente"]), "fact:employer",
            ("betrekking_beeindigen",),
            (f"U antwoordde dat u geen onverenigbare functie heeft, maar u werkt bij {prof.name}. "
             f"Per wanneer eindigt uw dienstverband, en kunt u dat aantonen?") if contra else
            f"Per wanneer eindigt uw dienstverband bij {prof.name}, en kunt u dat aantonen?",
            qids, None, facts, contradictions=contra)]
    vp = _verbonden_partij(name, kvk, prof, matches, None, "employer")
    if vp is None:
        return []
    vp_name, soort, source = vp
    fact_text = f"Werkgever {name or kvk} is verbonden partij {vp_name} van {prof.name or 'de organisatie'}."
    contra = _pairs(fx.label_no("label.verbonden_partij", fact_text), fx.label_no("label.onverenigbaar", fact_text))
    level = "blokkerend" if soort == "regeling" and kind != "kabinetsformatie" else "hoog"
    where = "volgens het profiel" if source == "profiel" else "volgens de relatielijst"
    return [FactHit(
        "feit_werkgever_verbonden_partij", "onverenigbaar", level,
        f"De werkgever ({name or kvk}) is {where} een verbonden partij van {prof.name or 'de organisatie'} "
        f"({vp_name}, {'gemeenschappelijke regeling' if soort == 'regeling' else 'deelneming'}). Toets of het "
        f"dienstverband onverenigbaar is met het ambt van {ambt}; zo ja, dan eindigt het vóór de benoeming.",
        f"{ONVERENIGBAAR.get(kind, ONVERENIGBAAR['gemeente'])} ({ONVERENIGBAAR_VP_NOTE}); {AWB}", "fact:employer",
        ("betrekking_beeindigen", "verschoning"),
        f"Wat doet u bij {vp_name}, wie heeft u aangesteld, en eindigt uw dienstverband vóór de benoeming?",
        qids, None, facts, contradictions=contra)]


def _companies(fx: _Facts, prof: OrgProfile, kind: str, params: dict, matches: list[Match]) -> list[FactHit]:
    hits = []
    rid = fx.repeat_id("company")
    if not rid:
        return hits
    try:
        threshold = float(params.get("zeggenschap_percentage", 50))
    except (TypeError, ValueError):
        threshold = 50.0
    for i, item in fx.items("company"):
        name = fx.sub(item, "company.name") or fx.sub(item, "company.kvk") or f"nummer {i + 1}"
        deals = fx.sub(item, "company.deals") is True
        supplier = next((m.relation for m in matches if m.fact == "company" and m.item_index == i
                         and m.relation.category in ("leverancier", "verbonden partij")), None)
        if not (deals or supplier):
            continue
        control = _control(fx, item, threshold)
        if control is None:
            continue  # a minority interest: the questionnaire's own rule (hoog) covers it
        source = ("de kandidaat meldt dat de onderneming zaken doet met " + (prof.name or "de organisatie")) if deals \
            else f"de onderneming staat op de relatielijst als {supplier.category} ({supplier.name})"
        fact_text = f"Onderneming {name} ({control}): {source}."
        contra = _pairs(fx.label_no("label.levert", fact_text))
        if supplier and not deals:
            contra += _pairs(fx.label_no("company.deals", fact_text, item))
        hits.append(FactHit(
            "feit_onderneming_levert", "verboden", "blokkerend" if kind != "kabinetsformatie" else "hoog",
            f"Onderneming {name} is een {control}, en {source}. Een overeenkomst die de {AMBT.get(kind, 'bestuurder')} "
            f"zo 'middellijk' met de eigen organisatie aangaat, is een verboden handeling, tenzij er ontheffing is.",
            f"{VERBODEN.get(kind, VERBODEN['gemeente'])} ({VERBODEN_NOTE})", f"{rid}:{i}",
            ("onderneming_staken", "ontheffing_gs", "verschoning"),
            (f"U antwoordde dat u niet levert aan {prof.name or 'de organisatie'}, maar {name} doet dat wel. Welke "
             f"opdrachten lopen er, en hoe beëindigt u die vóór de benoeming?") if contra else
            f"Welke opdrachten of leveringen van {name} lopen er, en hoe beëindigt u die vóór de benoeming?",
            (rid,), i, _pairs(fx.pair("company.name", fx.sub(item, "company.name")),
                              fx.pair("company.form", fx.sub(item, "company.form")),
                              fx.pair("company.share", fx.sub(item, "company.share")),
                              fx.pair("company.deals", fx.sub(item, "company.deals"))),
            contradictions=contra))
    return hits


def _portfolio(fx: _Facts, prof: OrgProfile) -> list[FactHit]:
    domains = prof.portfolio_domains(fx.top("portfolio"))
    if not domains:
        return []
    hits = []
    pq = fx.question("portfolio")
    portfolio_pair = fx.pair("portfolio", fx.top("portfolio"))
    pid = fx.repeat_id("portfolio")

    def overlap_text(ds: Iterable[str]) -> str:
        return ", ".join(f"{domains[d]} ({domain_label(d)})" if domains[d] != domain_label(d) else domain_label(d)
                         for d in ds)

    sector = fx.top("employer.sector")
    employer = fx.top("employer")
    if isinstance(sector, str) and sector in domains:
        fact_text = f"Portefeuille {domains[sector]} en werkgever {employer or ''} (sector {domain_label(sector)})."
        contra = _pairs(fx.label_no("label.portefeuille_belang", fact_text))
        hits.append(FactHit(
            "feit_portefeuille_overlap", "portefeuille", "hoog",
            f"De beoogde portefeuille raakt aan de werkgever: {overlap_text([sector])} — werkgever "
            f"{employer or '(onbekend)'} werkt in dat domein.", AWB, "fact:employer",
            ("portefeuille_aanpassen", "verschoning"),
            "Over welke besluiten in deze portefeuille kan uw werkgever belang hebben, en hoe verschoont u zich?",
            tuple(x for x in (pid, fx.repeat_id("employer.sector")) if x), None,
            _pairs(portfolio_pair, fx.pair("employer", employer), fx.pair("employer.sector", sector)),
            touches=("fact:portfolio",), contradictions=contra))
    rid = fx.repeat_id("company")
    for i, item in fx.items("company"):
        sector = fx.sub(item, "company.sector")
        if not (isinstance(sector, str) and sector in domains):
            continue
        name = fx.sub(item, "company.name") or f"nummer {i + 1}"
        fact_text = f"Portefeuille {domains[sector]} en onderneming {name} (sector {domain_label(sector)})."
        contra = _pairs(fx.label_no("label.portefeuille_belang", fact_text))
        hits.append(FactHit(
            "feit_portefeuille_overlap", "portefeuille", "hoog",
            f"De beoogde portefeuille raakt aan een eigen belang: {overlap_text([sector])} — onderneming {name} "
            f"is actief in dat domein.", AWB, f"{rid}:{i}", ("portefeuille_aanpassen", "verschoning"),
            f"Welke besluiten in deze portefeuille raken {name}, en geeft u de portefeuille (of dat deel) uit handen?",
            tuple(x for x in (pid, rid) if x), i,
            _pairs(portfolio_pair, fx.pair("company.name", fx.sub(item, "company.name")),
                   fx.pair("company.sector", sector)),
            touches=("fact:portfolio",), contradictions=contra))
    del pq
    return hits


def _property(fx: _Facts, prof: OrgProfile) -> list[FactHit]:
    rid = fx.repeat_id("property")
    if not rid:
        return []
    domains = prof.portfolio_domains(fx.top("portfolio"))
    land = [d for d in domains if d in LAND_DOMAINS]
    pid = fx.repeat_id("portfolio")
    hits = []
    for i, item in fx.items("property"):
        place = in_territory(fx.sub(item, "property.location"), prof)
        if place is None:
            continue
        what = fx.sub(item, "property.description") or f"object {i + 1}"
        use = fx.sub(item, "property.use")
        area = prof.name or "de organisatie"
        fact_text = f"Ligging {fx.sub(item, 'property.location')}: {place} hoort bij het gebied van {area}."
        contra = _pairs(fx.label_no("property.in_area", fact_text, item),
                        fx.label_no("label.grond_in_gebied", fact_text))
        touched = [d for d in land if d in PROPERTY_USE_DOMAINS.get(use, LAND_DOMAINS)] if land else []
        text = f"Onroerend goed ({what}, {fx.sub(item, 'property.location')}) ligt in het gebied van {area} ({place})."
        measures = ("vastgoed_melden", "verschoning")
        touches: tuple[str, ...] = ()
        if touched:
            text += (" De beoogde portefeuille gaat over " + ", ".join(f"{domains[d]} ({domain_label(d)})"
                                                                      for d in touched)
                     + ": besluiten daarin kunnen de waarde of het gebruik direct raken.")
            measures = ("portefeuille_aanpassen", "vastgoed_melden", "verschoning")
            touches = ("fact:portfolio",)
        hits.append(FactHit(
            "feit_vastgoed_in_gebied", "belangen", "hoog", text, AWB, f"{rid}:{i}", measures,
            (f"U antwoordde dat het object niet in het gebied ligt, maar {place} hoort bij {area}. "
             f"Welke plannen of besluiten kunnen het raken?") if contra else
            "Welke plannen of besluiten van de organisatie kunnen dit object raken?",
            tuple(x for x in (rid, pid if touched else None) if x), i,
            _pairs(fx.pair("property.description", what), fx.pair("property.location", fx.sub(item, "property.location")),
                   fx.pair("property.use", use), fx.pair("portfolio", fx.top("portfolio")) if touched else None),
            touches=touches, contradictions=contra))
    return hits


def _positions(fx: _Facts, prof: OrgProfile, kind: str, matches: list[Match]) -> list[FactHit]:
    rid = fx.repeat_id("position")
    if not rid or kind == "kabinetsformatie":  # a bewindspersoon lays down every position (own rule)
        return []
    hits = []
    law = NEVENFUNCTIES.get(kind, NEVENFUNCTIES["gemeente"])
    for i, item in fx.items("position"):
        pkind = fx.sub(item, "position.kind")
        if pkind != PUBLIC_OFFICE_KIND and pkind not in BOARD_KINDS:
            continue
        title = fx.sub(item, "position.title") or "functie"
        org = fx.sub(item, "position.organisation") or "(onbekend)"
        facts = _pairs(fx.pair("position.title", title), fx.pair("position.organisation", org),
                       fx.pair("position.kind", pkind))
        if pkind == PUBLIC_OFFICE_KIND:
            hits.append(FactHit(
                "feit_bestuursfunctie", "onverenigbaar", "hoog",
                f"De kandidaat vervult een politiek of bestuurlijk ambt elders ({title} bij {org}). Sommige ambten zijn "
                f"onverenigbaar met het ambt van {AMBT.get(kind, 'bestuurder')}; toets dit en laat het ambt zo nodig "
                f"vóór de benoeming eindigen.", ONVERENIGBAAR.get(kind, ONVERENIGBAAR["gemeente"]).split(" (")[0]
                + "; " + law + " lid 2", f"{rid}:{i}", ("betrekking_beeindigen", "openbaarmaking"),
                f"Eindigt uw functie als {title} bij {org} vóór de benoeming?", (rid,), i, facts))
        else:
            vp = _verbonden_partij(org, fx.sub(item, "position.kvk"), prof, matches, i, "position")
            if vp is not None:
                hits.append(FactHit(
                    "feit_bestuursfunctie", "nevenfuncties", "hoog",
                    f"De kandidaat heeft een bestuursfunctie ({title}) bij {org}, een verbonden partij van "
                    f"{prof.name or 'de organisatie'} ({vp[0]}). Zo'n nevenfunctie is ongewenst, tenzij ambtshalve.",
                    f"{law} lid 1; {AWB}", f"{rid}:{i}", ("nevenfunctie_neerleggen", "verschoning"),
                    f"Vervult u de functie bij {org} ambtshalve, of legt u hem neer vóór de installatie?", (rid,), i,
                    facts))
            else:
                hits.append(FactHit(
                    "feit_bestuursfunctie", "nevenfuncties", "aandachtspunt",
                    f"De kandidaat heeft een bestuursfunctie elders ({title} bij {org}); die moet vooraf gemeld en "
                    f"openbaar gemaakt worden, en raakt mogelijk aan besluiten van {prof.name or 'de organisatie'}.",
                    f"{law} lid 2 en 3", f"{rid}:{i}", ("openbaarmaking", "tussentijds_melden"),
                    f"Heeft {org} zaken lopen met {prof.name or 'de organisatie'}?", (rid,), i, facts))
    return hits


def _vog(fx: _Facts, kind: str) -> list[FactHit]:
    status, issued = fx.top("vog.status"), fx.top("vog.date")
    if status is not True or (isinstance(issued, str) and issued):
        return []
    return [FactHit(
        "feit_vog_niet_ontvangen", "benoembaarheid", "aandachtspunt",
        "De VOG is aangevraagd maar nog niet ontvangen. Zonder VOG kan de benoeming niet doorgaan; spreek een "
        "datum af waarop de kandidaat de VOG overlegt, vóór de benoeming.",
        VOG.get(kind, VOG["gemeente"]), "fact:vog", ("vog_overleggen",),
        "Wanneer heeft u de VOG aangevraagd, en verwacht u antecedenten die de afgifte vertragen?",
        tuple(x for x in (fx.repeat_id("vog.status"), fx.repeat_id("vog.date")) if x), None,
        _pairs(fx.pair("vog.status", status)))]


def _relation_matches(fx: _Facts, prof: OrgProfile, matches: list[Match], hits: list[FactHit]) -> list[FactHit]:
    """Belangenkruising: every match with the organisation's relations list is a finding naming the relation."""
    out = []
    org = prof.name or "de organisatie"
    for m in matches:
        repeat = m.path.split(".")[0] if "." in m.path else None
        anchor = f"{repeat}:{m.item_index}" if repeat is not None else f"fact:{m.fact or m.path}"
        theme = m.theme
        via = f"KvK-nummer {m.value}" if m.method == "kvk" else "naam"
        out.append(FactHit(
            "belangenkruising", theme, "hoog",
            f"{m.word} '{m.entry_label}' (gevonden op {via}) staat op de lijst van relaties van {org} als "
            f"{m.relation.category}: {m.relation.name}" + (f" (KvK {m.relation.kvk})" if m.relation.kvk else "") + ".",
            f"{AWB} (belangenkruising)", anchor, ("verschoning", "nader_gesprek"),
            f"Welke band heeft u met {m.relation.name}, en hoe voorkomt u dat u besluit over zaken van deze organisatie?",
            (m.path,), m.item_index, ((m.path, m.value),),
            context={"relatie": m.relation.name, "relatie_categorie": m.relation.category}))
    return out


__all__ = ["OrgProfile", "VerbondenPartij", "Portefeuille", "FactHit", "evaluate_facts", "in_territory", "SOORTEN"]
