"""Legal bases ("grondslagen") in the reader's language.

A ``legal`` text in a questionnaire or measures file is one or more bases joined by ``"; "``. A basis
that is a citation of a statute ("Gemeentewet art. 36b", "AVG art. 10") reads the same in English and
stays as it is. A descriptive basis ("Risicoanalyse integriteit (reputatie)", "Handboek voor
bewindspersonen (blauwe boek)") has its English form here, keyed by the exact Dutch text, and is
shown in English to an English reader. The translation happens at display time only: stored
findings (and everything signed from them) keep the Dutch text, and the questionnaire files and
their content hashes do not change. ``questionnaire validate --require-en`` reports every
descriptive basis without an English form here (``untranslated_legal``).
"""
from __future__ import annotations

import re

_LAWS = (r"(?:Gemeentewet|Provinciewet|Waterschapswet|Algemene wet bestuursrecht|AVG|Faillissementswet"
         r"|Wet Bibob)")
_REF = r"(?:art\. )?\d+[a-z]?(?::\d+)?(?: lid \d+(?: en \d+)*)?"
CITATION = re.compile(rf"^{_LAWS}(?: art\. \d+[a-z]?(?::\d+)?(?: lid \d+(?: en \d+)*)?"
                      rf"(?: (?:en|jo\.) {_REF})*)?$")

LEGAL_EN: dict[str, str] = {
    # descriptive bases of the shipped questionnaires and measures catalogue
    "Risicoanalyse integriteit": "Integrity risk analysis",
    "risicoanalyse integriteit (basisscan)": "integrity risk analysis (basic scan)",
    "Risicoanalyse integriteit (basisscan)": "Integrity risk analysis (basic scan)",
    "Risicoanalyse integriteit (chantabiliteit)": "Integrity risk analysis (susceptibility to blackmail)",
    "Risicoanalyse integriteit (openbare bronnen)": "Integrity risk analysis (public sources)",
    "Risicoanalyse integriteit (praktijk)": "Integrity risk analysis (practice)",
    "Risicoanalyse integriteit (reputatie)": "Integrity risk analysis (reputation)",
    "Risicoanalyse integriteit (slotvraag formateur)": "Integrity risk analysis (formateur's closing question)",
    "Risicoanalyse integriteit (slotvraag)": "Integrity risk analysis (closing question)",
    "Risicoanalyse integriteit (tijdsbesteding)": "Integrity risk analysis (time commitment)",
    "Risicoanalyse integriteit (weerbaarheid)": "Integrity risk analysis (resilience)",
    "Praktijk risicoanalyse (blauwe boek, als maatstaf)":
        "Risk analysis practice (Blue Book, as a benchmark)",
    "Praktijk bewindspersonen (kader financiële belangen), als maatstaf":
        "Practice for ministers (financial interests framework), as a benchmark",
    "Handboek voor bewindspersonen (blauwe boek)": "Handbook for ministers and state secretaries (Blue Book)",
    "Handboek voor bewindspersonen (blauwe boek), gedragscode integriteit bewindspersonen":
        "Handbook for ministers and state secretaries (Blue Book), integrity code of conduct for ministers",
    "Handboek voor bewindspersonen (blauwe boek), kabinetsformatie":
        "Handbook for ministers and state secretaries (Blue Book), cabinet formation",
    "Kader financiële belangen bewindspersonen": "Financial interests framework for ministers",
    "Kader financiële belangen bewindspersonen (Kamerstuk 28754 nr. 3)":
        "Financial interests framework for ministers (Parliamentary paper 28754 no. 3)",
    "Feitenonderzoek (openbare bronnen)": "Fact-finding (public sources)",
    "Feitenonderzoek justitiële antecedenten": "Fact-finding on criminal records",
    "Gesprek formateur (standaardvraag)": "Interview with the formateur (standard question)",
    "vgl. Wet regels vervolgfuncties bewindspersonen":
        "cf. Wet regels vervolgfuncties bewindspersonen (post-ministerial employment act)",
    "Wetsvoorstel bevorderen integriteit decentraal bestuur (financiële belangen, te verifiëren)":
        "Wetsvoorstel bevorderen integriteit decentraal bestuur (bill on integrity in local government; "
        "financial interests, to be verified)",
    "Waterschapswet en reglement van het waterschap": "Waterschapswet and the water authority's regulations",
    "Provinciewet en Waterschapswet overeenkomstig": "Provinciewet and Waterschapswet correspondingly",
    # citations with a Dutch note: the citation stays, the note is translated
    "AVG art. 10 (strafrechtelijke gegevens)": "AVG (GDPR) art. 10 (criminal-offence data)",
    "AVG art. 5 (dataminimalisatie)": "AVG (GDPR) art. 5 (data minimisation)",
    "Faillissementswet art. 106a (bestuursverbod)": "Faillissementswet art. 106a (director disqualification)",
    "Gemeentewet art. 36a (VOG verplicht sinds 1-1-2023)":
        "Gemeentewet art. 36a (certificate of conduct (VOG) mandatory since 1-1-2023)",
    "Gemeentewet art. 36a (VOG verplicht)": "Gemeentewet art. 36a (certificate of conduct (VOG) mandatory)",
    "Provinciewet art. 35a (VOG; te verifiëren)": "Provinciewet art. 35a (certificate of conduct (VOG); to be verified)",
    "Provinciewet art. 35a (te verifiëren)": "Provinciewet art. 35a (to be verified)",
    "Waterschapswet (VOG dagelijks bestuur; artikel te verifiëren)":
        "Waterschapswet (certificate of conduct (VOG) for the executive board; article to be verified)",
    "Waterschapswet (te verifiëren)": "Waterschapswet (to be verified)",
    "Waterschapswet art. 31 (te verifiëren)": "Waterschapswet art. 31 (to be verified)",
    "Waterschapswet art. 31 en 40 (te verifiëren)": "Waterschapswet art. 31 and 40 (to be verified)",
    "Waterschapswet (nevenfuncties; artikel te verifiëren)":
        "Waterschapswet (outside positions; article to be verified)",
    "Waterschapswet (nevenfuncties; artikel te verifiëren) lid 1":
        "Waterschapswet (outside positions; article to be verified) para. 1",
    "Waterschapswet (nevenfuncties; artikel te verifiëren) lid 2 en 3":
        "Waterschapswet (outside positions; article to be verified) para. 2 and 3",
    "Waterschapswet (nevenfuncties; artikel te verifiëren) lid 3":
        "Waterschapswet (outside positions; article to be verified) para. 3",
    "Waterschapswet (nevenfuncties; artikel te verifiëren) lid 4":
        "Waterschapswet (outside positions; article to be verified) para. 4",
    "Algemene wet bestuursrecht art. 2:4 (belangenverstrengeling)":
        "Algemene wet bestuursrecht art. 2:4 (conflict of interest)",
}


# Notes in parentheses after a citation, and descriptive heads, as the fact rules (scoring/facts.py) put
# them together: a basis such as "Gemeentewet art. 36b lid 1 (ambtenaar ...) (discutabel: ...)" is
# translated part by part (``_by_parts``) when it is not one of the whole texts above.
NOTES_EN: dict[str, str] = {
    "ambtenaar door of vanwege het gemeentebestuur aangesteld of daaraan ondergeschikt; de letter in lid 1 is te "
    "verifiëren": "civil servant appointed by or on behalf of the municipal executive, or subordinate to it; "
                  "the letter in para. 1 is to be verified",
    "ambtenaar van of ondergeschikt aan het provinciebestuur":
        "civil servant of, or subordinate to, the provincial executive",
    "ambtenaar van het waterschap; artikelnummers te verifiëren":
        "civil servant of the water authority; article numbers to be verified",
    "discutabel: de onverenigbaarheid geldt voor wie is aangesteld 'door of vanwege' het bestuur of daaraan "
    "ondergeschikt is; bij een gemeenschappelijke regeling met eigen personeel toetsen":
        "debatable: the incompatibility applies to whoever is appointed 'by or on behalf of' the executive or is "
        "subordinate to it; for a joint arrangement with its own staff, check",
    "'rechtstreeks of middellijk' overeenkomsten: aannemen van werk, leveren of verhuren van roerende zaken":
        "'directly or indirectly' contracts: undertaking work, supplying or renting out movable property",
    "discutabel bij diensten: art. 15 lid 1 noemt het aannemen van werk en het leveren of verhuren van roerende "
    "zaken; andere dienstverlening valt er niet letterlijk onder (dan Awb art. 2:4)":
        "debatable for services: art. 15 para. 1 names undertaking work and supplying or renting out movable "
        "property; other services are not literally covered (then Awb art. 2:4)",
    "verboden handelingen; te verifiëren": "prohibited acts; to be verified",
    "geen vooringenomenheid; verschoning": "no bias; recusal",
    "belangenkruising": "conflict of interests",
    "geen wettelijke onverenigbaarheid; citaat discutabel": "no statutory incompatibility; citation debatable",
    "geen wettelijk verbod; citaat discutabel": "no statutory prohibition; citation debatable",
    "te verifiëren": "to be verified",
    "VOG verplicht sinds 1-1-2023": "certificate of conduct (VOG) mandatory since 1-1-2023",
    "VOG; te verifiëren": "certificate of conduct (VOG); to be verified",
    "VOG dagelijks bestuur; artikel te verifiëren":
        "certificate of conduct (VOG) for the executive board; article to be verified",
    "nevenfuncties; artikel te verifiëren": "outside positions; article to be verified",
    "blauwe boek": "Blue Book",
}
HEADS_EN: dict[str, str] = {
    "ontheffing door GS": "exemption by the provincial executive (GS)",
    "ontheffing volgens art. 15 lid 2": "exemption under art. 15 para. 2",
    "Handboek voor bewindspersonen": "Handbook for ministers and state secretaries",
    ": andere betrekkingen neerleggen": ": lay down other employment",
    "Kader financiële belangen bewindspersonen": "Financial interests framework for ministers",
    "Feitenonderzoek kabinetsformatie": "Fact-finding, cabinet formation",
}
_REFERENCE = re.compile(r"^(?:art\. \d+[a-z]?(?::\d+)?)?(?: ?lid \d+(?: en \d+)*)?$")


def _segments(basis: str) -> list[tuple[bool, str]]:
    """``basis`` as (in parentheses?, text) pieces at the top level; nested parentheses stay inside."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(basis):
        if ch == "(":
            if depth == 0:
                out.append((False, basis[start:i]))
                start = i + 1
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append((True, basis[start:i]))
                start = i + 1
    out.append((False, basis[start:]))
    return [(inside, text) for inside, text in out if text.strip() or inside]


def _by_parts(basis: str) -> str | None:
    """The English of a basis put together from a citation or known head and known notes, or None."""
    parts = []
    for inside, text in _segments(basis):
        core = text.strip()
        if inside:
            english = NOTES_EN.get(core) or (core if _REFERENCE.match(core) or is_citation(core) else None)
            if english is None:
                return None
            parts.append(f" ({english})")
        elif not core:
            continue
        elif is_citation(core) or _REFERENCE.match(core):  # a citation reads the same in English
            parts.append((" " if parts else "") + core)
        elif core in HEADS_EN or text.lstrip() in HEADS_EN:
            key = core if core in HEADS_EN else text.lstrip()
            parts.append(("" if key.startswith(":") or not parts else " ") + HEADS_EN[key])
        else:
            return None
    return "".join(parts).strip() or None


def _basis_en(basis: str) -> str | None:
    if basis in LEGAL_EN:
        return LEGAL_EN[basis]
    if is_citation(basis):
        return basis
    return _by_parts(basis)


def split_legal(text: str) -> list[str]:
    """The bases of a legal text: split at ``"; "`` outside parentheses, empty parts dropped."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == ";" and depth == 0 and text[i + 1:i + 2] == " ":
            parts.append(text[start:i])
            start = i + 2
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def is_citation(basis: str) -> bool:
    """A plain citation of a statute, the same in every language."""
    return bool(CITATION.match(basis.strip()))


def untranslated_legal(text: str) -> list[str]:
    """The descriptive bases of ``text`` that have no English form."""
    return [p for p in split_legal(text) if _basis_en(p) is None]


def legal_bases_in(text: str, lang: str | None) -> list[str]:
    """The bases of ``text`` in ``lang``: English forms for ``en``, anything unknown as written."""
    parts = split_legal(text or "")
    if (lang or "nl").split("_")[0].split("-")[0] != "en":
        return parts
    return [_basis_en(p) or p for p in parts]


def legal_in(text: str, lang: str | None) -> str:
    """``text`` with its bases in ``lang`` (joined by ``"; "`` as stored)."""
    if not text:
        return text
    return "; ".join(legal_bases_in(text, lang))
