"""The fixed vocabularies behind ``fact:`` markers: which facts a question can hold, and the policy
domains that portefeuilles, sectors and uses of property are expressed in. Plain data; no I/O.

A question marked ``fact: company.kvk`` holds the KvK number of one of the candidate's companies.
Services and the fact rules (``integrity_tool.scoring.facts``) find answers through these markers,
never through question ids, so a questionnaire may name its questions as it likes.
"""
from __future__ import annotations

from dataclasses import dataclass

# One fixed vocabulary of policy domains (value -> (Dutch label, English label)).
DOMAINS: dict[str, tuple[str, str]] = {
    "ruimtelijke_ordening": ("Ruimtelijke ordening", "Spatial planning"),
    "grond_vastgoed": ("Grond en vastgoed", "Land and real estate"),
    "bouw_wonen": ("Bouw en wonen", "Construction and housing"),
    "economie_vergunningen": ("Economie en vergunningen", "Economy and permits"),
    "sociaal_domein": ("Sociaal domein en zorg", "Social services and care"),
    "onderwijs": ("Onderwijs", "Education"),
    "financien": ("Financiën", "Finance"),
    "personeel": ("Personeel en organisatie", "Personnel and organisation"),
    "water": ("Water", "Water"),
    "landbouw_natuur": ("Landbouw en natuur", "Agriculture and nature"),
    "verkeer_vervoer": ("Verkeer en vervoer", "Traffic and transport"),
    "milieu_energie": ("Milieu en energie", "Environment and energy"),
    "cultuur_sport": ("Cultuur, sport en recreatie", "Culture, sport and recreation"),
    "veiligheid": ("Openbare orde en veiligheid", "Public order and safety"),
}
# Domains in which land inside the territory is a direct interest (property rule).
LAND_DOMAINS = frozenset({"ruimtelijke_ordening", "grond_vastgoed", "bouw_wonen", "landbouw_natuur", "water"})


@dataclass(frozen=True)
class FactSpec:
    name: str
    types: tuple[str, ...]       # question types allowed for this fact
    repeat: str | None = None    # for item facts: the repeat fact they belong to
    label: str = ""             # Dutch description (docs, messages)
    self_label: bool = False     # a classification the candidate gives about themselves


_F = FactSpec
FACTS: dict[str, FactSpec] = {f.name: f for f in (
    # Top-level facts
    _F("employer", ("text",), label="naam van de werkgever"),
    _F("employer.kvk", ("kvk",), label="KvK-nummer van de werkgever"),
    _F("employer.sector", ("choice",), label="sector van de werkgever (domein)"),
    _F("portfolio", ("multichoice",), label="beoogde portefeuille(s), uit de lijst van de organisatie"),
    _F("vog.status", ("yesno",), label="VOG aangevraagd of ontvangen"),
    _F("vog.date", ("date",), label="afgiftedatum van de VOG"),
    # Repeats and their item facts
    _F("company", ("repeat",), label="ondernemingen en deelnemingen"),
    _F("company.name", ("text",), "company", "naam van de onderneming"),
    _F("company.kvk", ("kvk",), "company", "KvK-nummer van de onderneming"),
    _F("company.form", ("choice",), "company", "rechtsvorm"),
    _F("company.share", ("number",), "company", "belang in procenten"),
    _F("company.sector", ("choice",), "company", "sector (domein)"),
    _F("company.deals", ("yesno",), "company", "doet zaken met de organisatie of een verbonden partij"),
    _F("property", ("repeat",), label="onroerend goed"),
    _F("property.description", ("text",), "property", "omschrijving"),
    _F("property.location", ("text",), "property", "plaats of ligging"),
    _F("property.use", ("choice",), "property", "gebruik (domein)"),
    _F("property.in_area", ("yesno",), "property", "ligt volgens de kandidaat in het gebied", self_label=True),
    _F("position", ("repeat",), label="nevenfuncties"),
    _F("position.title", ("text",), "position", "functie"),
    _F("position.organisation", ("text",), "position", "organisatie"),
    _F("position.kvk", ("kvk",), "position", "KvK-nummer van de organisatie"),
    _F("position.kind", ("choice",), "position", "soort functie (bestuursfunctie, toezicht, ...)"),
    _F("position.keep", ("yesno",), "position", "wil de functie houden na de benoeming"),
    _F("relation", ("repeat",), label="relaties van de kandidaat"),
    _F("relation.organisation", ("text",), "relation", "organisatie van de relatie"),
    _F("relation.kvk", ("kvk",), "relation", "KvK-nummer van die organisatie"),
    # Classifications the candidate gives about themselves (self-labels)
    _F("label.onverenigbaar", ("yesno",), label="zegt een onverenigbare functie te hebben", self_label=True),
    _F("label.verbonden_partij", ("yesno",), label="zegt voor een verbonden partij te werken", self_label=True),
    _F("label.werkgever_relatie", ("yesno",), label="zegt dat de werkgever opdrachten/subsidie krijgt",
       self_label=True),
    _F("label.levert", ("yesno",), label="zegt te leveren aan de organisatie", self_label=True),
    _F("label.portefeuille_belang", ("yesno",), label="zegt belangen in de portefeuille te hebben", self_label=True),
    _F("label.grond_in_gebied", ("yesno",), label="zegt grond in het gebied te hebben", self_label=True),
)}

# ``options_from`` sources: options filled in by the loader (domeinen) or per organisation (portefeuilles).
OPTION_SOURCES = ("domeinen", "portefeuilles")
# The extra option of a portefeuille choice: the candidate does not know yet.
PORTFOLIO_UNKNOWN = ("geen", "Nog niet bekend", "Not known yet")

# Values of ``position.kind`` that make a position a bestuursfunctie.
BOARD_KINDS = frozenset({"bestuurder", "toezichthouder"})
PUBLIC_OFFICE_KIND = "politiek_ambt"
# Values of ``company.form`` that are the candidate's own business (no separate legal person).
OWN_FORMS = frozenset({"eenmanszaak", "vof", "maatschap"})
# Uses of property and the domains they touch.
PROPERTY_USE_DOMAINS: dict[str, tuple[str, ...]] = {
    "bouwgrond": ("grond_vastgoed", "ruimtelijke_ordening", "bouw_wonen"),
    "agrarisch": ("grond_vastgoed", "landbouw_natuur", "water"),
    "natuur": ("grond_vastgoed", "landbouw_natuur", "water"),
    "bedrijfspand": ("grond_vastgoed", "economie_vergunningen"),
    "verhuur": ("grond_vastgoed", "bouw_wonen"),
    "woning": ("grond_vastgoed",),
    "recreatie": ("grond_vastgoed", "cultuur_sport"),
    "anders": ("grond_vastgoed",),
}


def domain_label(value: str, lang: str | None = None) -> str:
    labels = DOMAINS.get(value)
    if labels is None:
        return value
    return labels[1] if lang and lang.lower().startswith("en") else labels[0]


__all__ = ["DOMAINS", "LAND_DOMAINS", "FACTS", "FactSpec", "OPTION_SOURCES", "BOARD_KINDS", "OWN_FORMS",
           "PUBLIC_OFFICE_KIND", "PROPERTY_USE_DOMAINS", "domain_label"]
