"""The Swedish wording the reader keys on: how texts say that someone signs, commits, works
with someone, or quotes someone. Grammar, not data — names and topics live in the lexicon."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

SIGN_VERB = re.compile(
    r"\b(?:underteckna(?:r|de|t)?|skriv(?:er|a|it)\s+under|skrev\s+(?:[\w,]+\s+){0,12}?under\b"
    r"|skriv(?:er|a|it)\s+på|skrev\s+på|signera(?:r|de|t)?|ta(?:r|git)?\s+ställning|tog\s+ställning"
    r"|ställer\s+sig\s+bakom|ansluter\s+sig|anslutit\s+sig)\b", re.IGNORECASE)
COMMIT_VERB = re.compile(r"\b(?:åtar\s+sig|åtog\s+sig|åtagit\s+sig|förbinder\s+sig|förbundit\s+sig)\b",
                         re.IGNORECASE)
DECLARATION = re.compile(r"deklaration", re.IGNORECASE)
COMMITMENT_HEADING = re.compile(r"åtag(?:ande|anden|andet|andena)\b|åtgande", re.IGNORECASE)
PARTNER_CUE = re.compile(
    r"\b(?:(?:tillsammans|i\s+samverkan|samverkan|samverka|i\s+samarbete|samarbete|samarbetar|"
    r"samarbeta|gemensamt|i\s+dialog|dialog)\s+med|jämte|bjuda\s+in)\b", re.IGNORECASE)
# "flera aktörer undertecknade …", "Länets representanter har undertecknat …": who they are is
# said elsewhere, in an enumeration ("Aktörerna som deltog var A, B, C …").
COLLECTIVE = re.compile(r"\b(?:aktörer(?:na)?|representanter|organisationer(?:na)?|parter(?:na)?)\b",
                        re.IGNORECASE)
QUANTIFIED = re.compile(r"\b(?:flera|några|många|delar|\d+)\s+av\s+$|representanter\s+för\s+$",
                        re.IGNORECASE)
# Quoted speech: "”…”", "– …, säger landshövdingen X", "…, fortsätter Monica Hildingson."
QUOTE_BLOCK = re.compile(r"^[”\"«„]|[,”]\s*(?:säger|fortsätter|menar|berättar|konstaterar|avslutar|"
                         r"förklarar|understryker|betonar)\s+\w+")
INTENT = re.compile(r"\b(?:kommer\s+(?:\w+\s+){0,2}?(?:att\s+)?|ska\s+|skall\s+|planerar\s+|avser\s+)",
                    re.IGNORECASE)
SELF_NOUNS = re.compile(
    r"\b(?:kommunen|länsstyrelsen|regionen|myndigheten|föreningen|organisationen|förbundet|"
    r"högskolan|universitetet|delegationen|museet|kyrkan|vi)\b", re.IGNORECASE)
# Words that open a title but are not a name ("Nu har över 250 aktörer undertecknat …").
_NOT_A_NAME = {"vi", "nu", "det", "den", "här", "idag", "i", "ett", "en", "därför", "så", "när",
               "demokratin", "deklaration", "deklarationen"}
_ROLE_WORDS = re.compile(r"\s+(?:generaldirektör|ordförande|rektor|landshövding|styrelse|"
                         r"förbundsordförande|generalsekreterare|chef)\w*$", re.IGNORECASE)
_ENUM_SPLIT = re.compile(r",\s*|\s+och\s+|\s+samt\s+")
_GROUP_GENERIC = re.compile(
    r"\b(?:länets\s+(?:\d+\s+|alla\s+|samtliga\s+)?kommuner|kommunerna\s+i\s+länet|"
    r"(?:alla|samtliga)\s+kommunerna(?:\s+i\s+länet)?|(?:alla|samtliga)\s+kommuner\s+i\s+länet|"
    r"övriga\s+kommuner(?:na)?(?:\s+i\s+länet)?)",
    re.IGNORECASE)
TYPE_CUES = {
    "kommunikativ": re.compile(r"kommunic|kommunikation|kanaler|sociala\s+medier|\bwebb|hemsida|"
                               r"nyhetsbrev|informationsinsats|informationskampanj|\bpodd|"
                               r"pressmeddelande|lättläst|informera", re.IGNORECASE),
    "intern": re.compile(r"\binternt?\b|\binterna\b|medarbetare|anställda|\bpersonal|"
                         r"i\s+all\s+(?:vår\s+)?verksamhet|vår\s+organisation|förvaltningar|"
                         r"tjänstepersoner|kompetensutveckling|värdegrund|\bchef(?:er|erna)?\b|"
                         r"hela\s+organisationen|styrning\s+och\s+ledning", re.IGNORECASE),
    "extern": re.compile(r"invånar|medborgar|allmänheten|ungdomar|\bunga\b|elever|skolor|besökare|"
                         r"civilsamhäll|föreningar|\bi\s+samverkan|tillsammans\s+med", re.IGNORECASE),
}


@dataclass(frozen=True)
class Ref:
    """An actor or group the text refers to, by name or in context."""

    start: int
    end: int
    text: str
    iri: URIRef
    kind: str  # "actor" | "group"
    by_name: bool = True


@dataclass(frozen=True)
class Candidate:
    """A passage about to become a commitment."""

    start: int
    end: int
    context_start: int
    commitment_type: str | None
