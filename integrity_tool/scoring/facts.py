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
from ..questionnaire.model import _PLACEHOLDER, Question, Questionnaire
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
    "gemeente": "Gemeentewet art. 36b lid 1 (ambtenaar door of vanwege het gemeentebestuur aangesteld of daaraan "
                "ondergeschikt; de letter in lid 1 is te verifiëren)",
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
    "gemeente": "Gemeentewet art. 41b", "provincie": "Provinciewet art. 40b (te verifiëren)",
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
    # How to write the texts above in any language: (explanation, ask, (), answers, contradictions) as
    # references into FACT_TEXTS and the questionnaire (see ``render_ref``); stored with the finding.
    i18n: tuple = ()


# -- reading answers through markers ---------------------------------------------------------------------

class _Facts:
    """The answers by fact name for one questionnaire."""

    def __init__(self, qn: Questionnaire, answers: dict):
        self.qn = qn
        self.answers = answers
        self._subs: dict[str, str | None] = {}
        self._dutch: dict[tuple, Any] = {}

    def dutch(self, ref: tuple) -> Any:
        """``render_ref`` in Dutch, once per reference in an evaluation (several rules show the same answer)."""
        try:
            return self._dutch[ref]
        except KeyError:
            shown = self._dutch[ref] = render_ref(self.qn, self.answers, ref)
            return shown

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

    def ref(self, fact: str, item_index: int | None = None) -> tuple | None:
        """A reference to the answer that holds ``fact`` (shown as question label and answer)."""
        path = self.qn.fact_path(fact)
        return ("a", path, item_index if "." in path else None) if path else None

    def label_no(self, fact: str, fact_text: tuple, item: dict | None = None,
                 item_index: int | None = None) -> tuple | None:
        """A contradiction when the self-label ``fact`` was answered "nee" (a reference, see ``render_ref``)."""
        path = self.qn.fact_path(fact)
        value = self.sub(item, fact) if item is not None else self.top(fact)
        if not path or value is not False:
            return None
        return ("c", path, item_index if item is not None else None, fact_text)


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


# -- texts: Dutch and English side by side, like a questionnaire's ``explanation``/``explanation_en`` -----------
#
# A fact finding stores its Dutch texts (what was signed) and, in ``i18n``, references to how they were made:
# ("f", text id, params) for a text below, ("a", question path, item) for an answer, ("c", self-label path,
# item, fact text) for a contradiction. ``localize_findings`` writes them in the reader's language from these,
# by id, as it does for the questionnaire's own rules; the stored Dutch never changes. A parameter is either
# data as the candidate or the organisation wrote it (a name), or a (Dutch, English) pair.

FACT_TEXTS: dict[str, tuple[str, str]] = {
    "werkgever_organisatie": (
        "De werkgever ({werkgever}) is {organisatie} zelf. Een {ambt} kan niet tegelijk in dienst zijn van "
        "de eigen organisatie; het dienstverband moet vóór de benoeming eindigen.",
        "The employer ({werkgever}) is {organisatie} itself. As {ambt}, the candidate cannot also be employed by "
        "their own organisation; the employment must end before the appointment."),
    "werkgever_organisatie.feit": (
        "Werkgever {werkgever} is {organisatie} zelf.",
        "Employer {werkgever} is {organisatie} itself."),
    "werkgever_organisatie.ask_contra": (
        "U antwoordde dat u geen onverenigbare functie heeft, maar u werkt bij {organisatie}. "
        "Per wanneer eindigt uw dienstverband, en kunt u dat aantonen?",
        "You answered that you hold no incompatible position, but you work for {organisatie}. "
        "When does your employment end, and can you show that?"),
    "werkgever_organisatie.ask": (
        "Per wanneer eindigt uw dienstverband bij {organisatie}, en kunt u dat aantonen?",
        "When does your employment with {organisatie} end, and can you show that?"),
    "werkgever_vp": (
        "De werkgever ({werkgever}) is {waar} een verbonden partij van {organisatie} ({partij}, {soort}). Toets of "
        "het dienstverband onverenigbaar is met het ambt van {ambt}; zo ja, dan eindigt het vóór de benoeming.",
        "The employer ({werkgever}) is, {waar}, an affiliated body of {organisatie} ({partij}, {soort}). Check "
        "whether the employment is incompatible with the office of {ambt}; if so, it ends before the appointment."),
    "werkgever_vp.feit": (
        "Werkgever {werkgever} is verbonden partij {partij} van {organisatie}.",
        "Employer {werkgever} is affiliated body {partij} of {organisatie}."),
    "werkgever_vp.ask": (
        "Wat doet u bij {partij}, wie heeft u aangesteld, en eindigt uw dienstverband vóór de benoeming?",
        "What do you do at {partij}, who appointed you, and does your employment end before the appointment?"),
    "onderneming_levert": (
        "Onderneming {naam} is een {zeggenschap}, en {bron}. Een overeenkomst die de {ambt} zo 'middellijk' met "
        "de eigen organisatie aangaat, is een verboden handeling, tenzij er ontheffing is.",
        "Company {naam} is {zeggenschap}, and {bron}. A contract that the {ambt} thus enters into 'indirectly' "
        "with their own organisation is a prohibited act, unless an exemption has been granted."),
    "onderneming_levert.feit": (
        "Onderneming {naam} ({zeggenschap}): {bron}.",
        "Company {naam} ({zeggenschap}): {bron}."),
    "onderneming_levert.ask_contra": (
        "U antwoordde dat u niet levert aan {organisatie}, maar {naam} doet dat wel. Welke opdrachten lopen er, "
        "en hoe beëindigt u die vóór de benoeming?",
        "You answered that you do not supply {organisatie}, but {naam} does. Which contracts are running, and "
        "how will you end them before the appointment?"),
    "onderneming_levert.ask": (
        "Welke opdrachten of leveringen van {naam} lopen er, en hoe beëindigt u die vóór de benoeming?",
        "Which contracts or supplies of {naam} are running, and how will you end them before the appointment?"),
    "zeggenschap.eigen": ("eigen onderneming ({vorm})", "the candidate's own business ({vorm})"),
    "zeggenschap.belang": ("zeggenschap via een belang van {belang}%",
                           "controlled by the candidate through an interest of {belang}%"),
    "bron.kandidaat": (
        "de kandidaat meldt dat de onderneming zaken doet met {organisatie}",
        "the candidate reports that the company does business with {organisatie}"),
    "bron.relatielijst": (
        "de onderneming staat op de relatielijst als {categorie} ({relatie})",
        "the company is on the relations list as {categorie} ({relatie})"),
    "portefeuille_werkgever": (
        "De beoogde portefeuille raakt aan de werkgever: {overlap} — werkgever {werkgever} werkt in dat domein.",
        "The intended portfolio touches the employer: {overlap} — employer {werkgever} works in that field."),
    "portefeuille_werkgever.feit": (
        "Portefeuille {portefeuille} en werkgever {werkgever} (sector {sector}).",
        "Portfolio {portefeuille} and employer {werkgever} (sector {sector})."),
    "portefeuille_werkgever.ask": (
        "Over welke besluiten in deze portefeuille kan uw werkgever belang hebben, en hoe verschoont u zich?",
        "In which decisions in this portfolio may your employer have an interest, and how will you recuse "
        "yourself?"),
    "portefeuille_onderneming": (
        "De beoogde portefeuille raakt aan een eigen belang: {overlap} — onderneming {naam} is actief in dat "
        "domein.",
        "The intended portfolio touches an interest of your own: {overlap} — company {naam} is active in that "
        "field."),
    "portefeuille_onderneming.feit": (
        "Portefeuille {portefeuille} en onderneming {naam} (sector {sector}).",
        "Portfolio {portefeuille} and company {naam} (sector {sector})."),
    "portefeuille_onderneming.ask": (
        "Welke besluiten in deze portefeuille raken {naam}, en geeft u de portefeuille (of dat deel) uit handen?",
        "Which decisions in this portfolio affect {naam}, and will you hand over the portfolio (or that part)?"),
    "vastgoed": (
        "Onroerend goed ({wat}, {ligging}) ligt in het gebied van {organisatie} ({plaats}).",
        "Property ({wat}, {ligging}) lies in the area of {organisatie} ({plaats})."),
    "vastgoed.portefeuille": (
        "Onroerend goed ({wat}, {ligging}) ligt in het gebied van {organisatie} ({plaats}). De beoogde "
        "portefeuille gaat over {domeinen}: besluiten daarin kunnen de waarde of het gebruik direct raken.",
        "Property ({wat}, {ligging}) lies in the area of {organisatie} ({plaats}). The intended portfolio "
        "covers {domeinen}: decisions in it can directly affect its value or use."),
    "vastgoed.feit": (
        "Ligging {ligging}: {plaats} hoort bij het gebied van {organisatie}.",
        "Location {ligging}: {plaats} is part of the area of {organisatie}."),
    "vastgoed.ask_contra": (
        "U antwoordde dat het object niet in het gebied ligt, maar {plaats} hoort bij {organisatie}. Welke "
        "plannen of besluiten kunnen het raken?",
        "You answered that the property is not in the area, but {plaats} is part of {organisatie}. Which plans "
        "or decisions could affect it?"),
    "vastgoed.ask": (
        "Welke plannen of besluiten van de organisatie kunnen dit object raken?",
        "Which plans or decisions of the organisation could affect this property?"),
    "bestuursfunctie.ambt": (
        "De kandidaat vervult een politiek of bestuurlijk ambt elders ({functie} bij {organisatie}). Sommige "
        "ambten zijn onverenigbaar met het ambt van {ambt}; toets dit en laat het ambt zo nodig vóór de "
        "benoeming eindigen.",
        "The candidate holds a political or public office elsewhere ({functie} at {organisatie}). Some offices "
        "are incompatible with the office of {ambt}; check this and, if needed, have the office end before the "
        "appointment."),
    "bestuursfunctie.ambt.ask": (
        "Eindigt uw functie als {functie} bij {organisatie} vóór de benoeming?",
        "Does your position as {functie} at {organisatie} end before the appointment?"),
    "bestuursfunctie.vp": (
        "De kandidaat heeft een bestuursfunctie ({functie}) bij {organisatie}, een verbonden partij van "
        "{eigen} ({partij}). Zo'n nevenfunctie is ongewenst, tenzij ambtshalve.",
        "The candidate holds a board position ({functie}) at {organisatie}, an affiliated body of {eigen} "
        "({partij}). Such an additional position is undesirable unless held ex officio."),
    "bestuursfunctie.vp.ask": (
        "Vervult u de functie bij {organisatie} ambtshalve, of legt u hem neer vóór de installatie?",
        "Do you hold the position at {organisatie} ex officio, or will you give it up before taking office?"),
    "bestuursfunctie": (
        "De kandidaat heeft een bestuursfunctie elders ({functie} bij {organisatie}); die moet vooraf gemeld en "
        "openbaar gemaakt worden, en raakt mogelijk aan besluiten van {eigen}.",
        "The candidate holds a board position elsewhere ({functie} at {organisatie}); it must be reported in "
        "advance and made public, and may touch decisions of {eigen}."),
    "bestuursfunctie.ask": (
        "Heeft {organisatie} zaken lopen met {eigen}?",
        "Does {organisatie} have dealings with {eigen}?"),
    "vog_niet_ontvangen": (
        "De VOG is aangevraagd maar nog niet ontvangen. Zonder VOG kan de benoeming niet doorgaan; spreek een "
        "datum af waarop de kandidaat de VOG overlegt, vóór de benoeming.",
        "The certificate of conduct (VOG) has been applied for but not yet received. Without it the appointment "
        "cannot go ahead; agree a date, before the appointment, by which the candidate hands it in."),
    "vog_niet_ontvangen.ask": (
        "Wanneer heeft u de VOG aangevraagd, en verwacht u antecedenten die de afgifte vertragen?",
        "When did you apply for the VOG, and do you expect any records that could delay it?"),
    "belangenkruising": (
        "{wie} '{opgave}' (gevonden op {via}) staat op de lijst van relaties van {organisatie} als {categorie}: "
        "{relatie}{relatie_kvk}.",
        "{wie} '{opgave}' (found by {via}) is on the relations list of {organisatie} as {categorie}: "
        "{relatie}{relatie_kvk}."),
    "belangenkruising.ask": (
        "Welke band heeft u met {relatie}, en hoe voorkomt u dat u besluit over zaken van deze organisatie?",
        "What is your connection with {relatie}, and how will you avoid deciding on matters of this organisation?"),
}

_AMBT_EN = {"gemeente": "alderman", "provincie": "member of the provincial executive",
            "waterschap": "member of the executive board", "kabinetsformatie": "minister or state secretary"}
_WORDS_EN = {"Werkgever": "Employer", "Nevenfunctie": "Other position", "Onderneming": "Company",
             "Relatie van de kandidaat": "Relation of the candidate", "Opgave": "Entry",
             "Onroerend goed": "Property"}
ORG = ("de organisatie", "the organisation")
UNKNOWN_PAIR = ("(onbekend)", "(unknown)")


def _ambt(kind: str) -> tuple[str, str]:
    return (AMBT.get(kind, "bestuurder"), _AMBT_EN.get(kind, "administrator"))


def _org(prof: OrgProfile) -> str | tuple[str, str]:
    return prof.name or ORG


def _domain(d: str) -> tuple[str, str]:
    return (domain_label(d), domain_label(d, "en"))


def _t(text_id: str, **params: Any) -> tuple:
    """A reference to a text of FACT_TEXTS with its parameters (in the order given)."""
    return ("f", text_id, tuple(params.items()))


# Each template split once into text and placeholder names: (Dutch parts, English parts).
_PARTS = {key: (tuple(_PLACEHOLDER.split(nl)), tuple(_PLACEHOLDER.split(en))) for key, (nl, en) in FACT_TEXTS.items()}


def render_text(ref: tuple, lang: str | None = None) -> str:
    """A ("f", id, params) reference as text in ``lang`` (Dutch unless English)."""
    english = bool(lang) and str(lang).lower().startswith("en")
    return _render(ref, 1 if english else 0, lang)


def _render(ref: tuple, which: int, lang: str | None) -> str:
    values = {}
    for name, value in ref[2]:
        if value.__class__ is tuple or value.__class__ is list:
            if len(value) == 3 and value[0] == "f":
                value = _render(value, which, lang)
            elif len(value) == 2:
                value = value[which]
        values[name] = value
    parts = _PARTS[ref[1]][which]
    out = []
    for i, part in enumerate(parts):
        out.append(str(values.get(part, "")) if i % 2 else part)
    return "".join(out)


def _answer_value(qn: Questionnaire, answers: dict, path: str, index: int | None) -> Any:
    if "." not in path:
        return answers.get(path)
    rid, _, sub_id = path.partition(".")
    items = answers.get(rid)
    if not isinstance(items, list) or index is None or not 0 <= index < len(items) \
            or not isinstance(items[index], dict):
        return None
    return items[index].get(sub_id)


def render_ref(qn: Questionnaire, answers: dict, ref: tuple | None, lang: str | None = None) -> Any:
    """Any reference of a fact finding's ``i18n`` in ``lang``: a text, an answer as (question label, answer)
    or a contradiction as (self-label question, answer, the fact). ``None`` for an answer no longer there."""
    if not ref:
        return None
    kind = ref[0]
    if kind == "f":
        return render_text(ref, lang)
    if kind == "a":
        _, path, index = ref
        q = qn.question(path)
        value = _answer_value(qn, answers, path, index)
        if q is None or value is None or value == "" or value == []:
            return None
        return (q.localized_label(lang), display_value(q, value, lang))
    if kind == "c":
        _, path, _index, text = ref
        q = qn.question(path)
        if q is None:
            return None
        return (q.localized_label(lang), display_value(q, False, lang), render_text(text, lang))
    raise ValueError(f"unknown reference {kind!r}")


def _control(fx: _Facts, item: dict, threshold: float) -> tuple | None:
    """Why the company is the candidate's own or controlled by them ("middellijk"), or None."""
    form = fx.sub(item, "company.form")
    if form in OWN_FORMS:
        q = fx.question("company.form")
        return _t("zeggenschap.eigen", vorm=(display_value(q, form), display_value(q, form, "en")) if q else form)
    share = fx.sub(item, "company.share")
    if isinstance(share, (int, float)) and not isinstance(share, bool) and share >= threshold:
        return _t("zeggenschap.belang", belang=str(share))
    return None


def _hit(fx: _Facts, rule_id: str, theme: str, level: str, text: tuple, legal: str, anchor: str,
         measures: tuple[str, ...], ask: tuple | None, question_ids: tuple[str, ...], item_index: int | None,
         answers: tuple, *, touches: tuple[str, ...] = (), contradictions: tuple = (),
         context: dict | None = None) -> FactHit:
    """A FactHit with its Dutch texts written from the same references that go into ``i18n``."""
    answers = tuple(a for a in answers if a)
    contra = tuple(c for c in contradictions if c)
    shown = tuple(p for p in map(fx.dutch, answers) if p)
    return FactHit(
        rule_id, theme, level, render_text(text), legal, anchor, measures,
        render_text(ask) if ask else None, question_ids, item_index, shown, touches,
        tuple(map(fx.dutch, contra)), context or {}, i18n=(text, ask, (), answers, contra))


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
    facts = (fx.ref("employer"), fx.ref("employer.kvk"))
    werkgever = str(name or kvk)
    if prof.name and _same_org(name, kvk, _index(prof).org):
        fact_text = _t("werkgever_organisatie.feit", werkgever=werkgever, organisatie=prof.name)
        contra = _pairs(fx.label_no("label.onverenigbaar", fact_text))
        return [_hit(
            fx, "feit_werkgever_organisatie", "onverenigbaar", "hoog" if kind == "kabinetsformatie" else "blokkerend",
            _t("werkgever_organisatie", werkgever=werkgever, organisatie=prof.name, ambt=_ambt(kind)),
            ONVERENIGBAAR.get(kind, ONVERENIGBAAR["gemeente"]), "fact:employer", ("betrekking_beeindigen",),
            _t("werkgever_organisatie.ask_contra" if contra else "werkgever_organisatie.ask", organisatie=prof.name),
            qids, None, facts, contradictions=contra)]
    vp = _verbonden_partij(name, kvk, prof, matches, None, "employer")
    if vp is None:
        return []
    vp_name, soort, source = vp
    fact_text = _t("werkgever_vp.feit", werkgever=werkgever, partij=vp_name, organisatie=_org(prof))
    contra = _pairs(fx.label_no("label.verbonden_partij", fact_text), fx.label_no("label.onverenigbaar", fact_text))
    level = "blokkerend" if soort == "regeling" and kind != "kabinetsformatie" else "hoog"
    where = ("volgens het profiel", "according to the profile") if source == "profiel" else \
        ("volgens de relatielijst", "according to the relations list")
    soort_text = ("gemeenschappelijke regeling", "joint arrangement") if soort == "regeling" else \
        ("deelneming", "shareholding")
    return [_hit(
        fx, "feit_werkgever_verbonden_partij", "onverenigbaar", level,
        _t("werkgever_vp", werkgever=werkgever, waar=where, organisatie=_org(prof), partij=vp_name, soort=soort_text,
           ambt=_ambt(kind)),
        f"{ONVERENIGBAAR.get(kind, ONVERENIGBAAR['gemeente'])} ({ONVERENIGBAAR_VP_NOTE}); {AWB}", "fact:employer",
        ("betrekking_beeindigen", "verschoning"), _t("werkgever_vp.ask", partij=vp_name),
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
        name = fx.sub(item, "company.name") or fx.sub(item, "company.kvk") or (f"nummer {i + 1}", f"number {i + 1}")
        deals = fx.sub(item, "company.deals") is True
        supplier = next((m.relation for m in matches if m.fact == "company" and m.item_index == i
                         and m.relation.category in ("leverancier", "verbonden partij")), None)
        if not (deals or supplier):
            continue
        control = _control(fx, item, threshold)
        if control is None:
            continue  # a minority interest: the questionnaire's own rule (hoog) covers it
        source = _t("bron.kandidaat", organisatie=_org(prof)) if deals else \
            _t("bron.relatielijst", categorie=supplier.category, relatie=supplier.name)
        fact_text = _t("onderneming_levert.feit", naam=name, zeggenschap=control, bron=source)
        contra = _pairs(fx.label_no("label.levert", fact_text))
        if supplier and not deals:
            contra += _pairs(fx.label_no("company.deals", fact_text, item, i))
        hits.append(_hit(
            fx, "feit_onderneming_levert", "verboden", "blokkerend" if kind != "kabinetsformatie" else "hoog",
            _t("onderneming_levert", naam=name, zeggenschap=control, bron=source, ambt=_ambt(kind)),
            f"{VERBODEN.get(kind, VERBODEN['gemeente'])} ({VERBODEN_NOTE})", f"{rid}:{i}",
            ("onderneming_staken", "ontheffing_gs", "verschoning"),
            _t("onderneming_levert.ask_contra", organisatie=_org(prof), naam=name) if contra else
            _t("onderneming_levert.ask", naam=name),
            (rid,), i, (fx.ref("company.name", i), fx.ref("company.form", i), fx.ref("company.share", i),
                        fx.ref("company.deals", i)),
            contradictions=contra))
    return hits


def _overlap(domains: dict[str, str], ds: Iterable[str]) -> tuple[str, str]:
    def one(d: str, lang: str | None) -> str:
        label = domain_label(d, lang)
        return f"{domains[d]} ({label})" if domains[d] != domain_label(d) else label
    return (", ".join(one(d, None) for d in ds), ", ".join(one(d, "en") for d in ds))


def _portfolio(fx: _Facts, prof: OrgProfile) -> list[FactHit]:
    domains = prof.portfolio_domains(fx.top("portfolio"))
    if not domains:
        return []
    hits = []
    pid = fx.repeat_id("portfolio")
    sector = fx.top("employer.sector")
    employer = fx.top("employer")
    if isinstance(sector, str) and sector in domains:
        fact_text = _t("portefeuille_werkgever.feit", portefeuille=domains[sector], werkgever=employer or "",
                       sector=_domain(sector))
        contra = _pairs(fx.label_no("label.portefeuille_belang", fact_text))
        hits.append(_hit(
            fx, "feit_portefeuille_overlap", "portefeuille", "hoog",
            _t("portefeuille_werkgever", overlap=_overlap(domains, [sector]), werkgever=employer or UNKNOWN_PAIR),
            AWB, "fact:employer", ("portefeuille_aanpassen", "verschoning"), _t("portefeuille_werkgever.ask"),
            tuple(x for x in (pid, fx.repeat_id("employer.sector")) if x), None,
            (fx.ref("portfolio"), fx.ref("employer"), fx.ref("employer.sector")),
            touches=("fact:portfolio",), contradictions=contra))
    rid = fx.repeat_id("company")
    for i, item in fx.items("company"):
        sector = fx.sub(item, "company.sector")
        if not (isinstance(sector, str) and sector in domains):
            continue
        name = fx.sub(item, "company.name") or (f"nummer {i + 1}", f"number {i + 1}")
        fact_text = _t("portefeuille_onderneming.feit", portefeuille=domains[sector], naam=name,
                       sector=_domain(sector))
        contra = _pairs(fx.label_no("label.portefeuille_belang", fact_text))
        hits.append(_hit(
            fx, "feit_portefeuille_overlap", "portefeuille", "hoog",
            _t("portefeuille_onderneming", overlap=_overlap(domains, [sector]), naam=name), AWB, f"{rid}:{i}",
            ("portefeuille_aanpassen", "verschoning"), _t("portefeuille_onderneming.ask", naam=name),
            tuple(x for x in (pid, rid) if x), i,
            (fx.ref("portfolio"), fx.ref("company.name", i), fx.ref("company.sector", i)),
            touches=("fact:portfolio",), contradictions=contra))
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
        location = fx.sub(item, "property.location")
        place = in_territory(location, prof)
        if place is None:
            continue
        what = fx.sub(item, "property.description") or (f"object {i + 1}", f"property {i + 1}")
        use = fx.sub(item, "property.use")
        area = _org(prof)
        fact_text = _t("vastgoed.feit", ligging=location, plaats=place, organisatie=area)
        contra = _pairs(fx.label_no("property.in_area", fact_text, item, i),
                        fx.label_no("label.grond_in_gebied", fact_text))
        touched = [d for d in land if d in PROPERTY_USE_DOMAINS.get(use, LAND_DOMAINS)] if land else []
        measures = ("vastgoed_melden", "verschoning")
        touches: tuple[str, ...] = ()
        if touched:
            text = _t("vastgoed.portefeuille", wat=what, ligging=location, organisatie=area, plaats=place,
                      domeinen=(", ".join(f"{domains[d]} ({domain_label(d)})" for d in touched),
                                ", ".join(f"{domains[d]} ({domain_label(d, 'en')})" for d in touched)))
            measures = ("portefeuille_aanpassen", "vastgoed_melden", "verschoning")
            touches = ("fact:portfolio",)
        else:
            text = _t("vastgoed", wat=what, ligging=location, organisatie=area, plaats=place)
        hits.append(_hit(
            fx, "feit_vastgoed_in_gebied", "belangen", "hoog", text, AWB, f"{rid}:{i}", measures,
            _t("vastgoed.ask_contra", plaats=place, organisatie=area) if contra else _t("vastgoed.ask"),
            tuple(x for x in (rid, pid if touched else None) if x), i,
            (fx.ref("property.description", i), fx.ref("property.location", i), fx.ref("property.use", i),
             fx.ref("portfolio") if touched else None),
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
        title = fx.sub(item, "position.title") or ("functie", "position")
        org = fx.sub(item, "position.organisation") or UNKNOWN_PAIR
        facts = (fx.ref("position.title", i), fx.ref("position.organisation", i), fx.ref("position.kind", i))
        if pkind == PUBLIC_OFFICE_KIND:
            hits.append(_hit(
                fx, "feit_bestuursfunctie", "onverenigbaar", "hoog",
                _t("bestuursfunctie.ambt", functie=title, organisatie=org, ambt=_ambt(kind)),
                ONVERENIGBAAR.get(kind, ONVERENIGBAAR["gemeente"]).split(" (")[0] + "; " + law + " lid 2",
                f"{rid}:{i}", ("betrekking_beeindigen", "openbaarmaking"),
                _t("bestuursfunctie.ambt.ask", functie=title, organisatie=org), (rid,), i, facts))
        else:
            vp = _verbonden_partij(fx.sub(item, "position.organisation"), fx.sub(item, "position.kvk"), prof,
                                   matches, i, "position")
            if vp is not None:
                hits.append(_hit(
                    fx, "feit_bestuursfunctie", "nevenfuncties", "hoog",
                    _t("bestuursfunctie.vp", functie=title, organisatie=org, eigen=_org(prof), partij=vp[0]),
                    f"{law} lid 1; {AWB}", f"{rid}:{i}", ("nevenfunctie_neerleggen", "verschoning"),
                    _t("bestuursfunctie.vp.ask", organisatie=org), (rid,), i, facts))
            else:
                hits.append(_hit(
                    fx, "feit_bestuursfunctie", "nevenfuncties", "aandachtspunt",
                    _t("bestuursfunctie", functie=title, organisatie=org, eigen=_org(prof)),
                    f"{law} lid 2 en 3", f"{rid}:{i}", ("openbaarmaking", "tussentijds_melden"),
                    _t("bestuursfunctie.ask", organisatie=org, eigen=_org(prof)), (rid,), i, facts))
    return hits


def _vog(fx: _Facts, kind: str) -> list[FactHit]:
    status, issued = fx.top("vog.status"), fx.top("vog.date")
    if status is not True or (isinstance(issued, str) and issued):
        return []
    return [_hit(
        fx, "feit_vog_niet_ontvangen", "benoembaarheid", "aandachtspunt", _t("vog_niet_ontvangen"),
        VOG.get(kind, VOG["gemeente"]), "fact:vog", ("vog_overleggen",), _t("vog_niet_ontvangen.ask"),
        tuple(x for x in (fx.repeat_id("vog.status"), fx.repeat_id("vog.date")) if x), None,
        (fx.ref("vog.status"),))]


def _relation_matches(fx: _Facts, prof: OrgProfile, matches: list[Match], hits: list[FactHit]) -> list[FactHit]:
    """Belangenkruising: every match with the organisation's relations list is a finding naming the relation."""
    out = []
    for m in matches:
        repeat = m.path.split(".")[0] if "." in m.path else None
        anchor = f"{repeat}:{m.item_index}" if repeat is not None else f"fact:{m.fact or m.path}"
        via = (f"KvK-nummer {m.value}", f"Chamber of Commerce number {m.value}") if m.method == "kvk" \
            else ("naam", "name")
        out.append(_hit(
            fx, "belangenkruising", m.theme, "hoog",
            _t("belangenkruising", wie=(m.word, _WORDS_EN.get(m.word, m.word)), opgave=m.entry_label, via=via,
               organisatie=_org(prof), categorie=m.relation.category, relatie=m.relation.name,
               relatie_kvk=f" (KvK {m.relation.kvk})" if m.relation.kvk else ""),
            f"{AWB} (belangenkruising)", anchor, ("verschoning", "nader_gesprek"),
            _t("belangenkruising.ask", relatie=m.relation.name), (m.path,), m.item_index,
            (("a", m.path, m.item_index if repeat is not None else None),),
            context={"relatie": m.relation.name, "relatie_categorie": m.relation.category}))
    return out


__all__ = ["OrgProfile", "VerbondenPartij", "Portefeuille", "FactHit", "evaluate_facts", "in_territory", "SOORTEN",
           "FACT_TEXTS", "render_ref", "render_text"]
