"""Synthetic declaration texts for the benchmarks: deterministic, and shaped like the real ones.

    python bench/generate.py --count 1000 --seed 2021 --out DIR

writes ``DIR/NNNN_<slug>.txt`` and ``DIR/.manifest.json`` (hidden, so ``demograph build DIR``
does not read it). The manifest says, for every text, who signs it, which layout it has and
every commitment written into it, with the partners, categories, events, themes and target
groups each commitment names, as the surface forms the text uses: the benchmark compares
what the reader finds with that.

The texts follow the layouts of data/declarations and the dev corpus:

- a title ("X undertecknar Deklaration för en stark demokrati", "X:s åtaganden för …", the
  national site's "Demokratideklarationens åtaganden för X"), sometimes with a harvest
  header, a dateline, page furniture and a quotation;
- a preamble with the declaration's three general goals as bullets;
- then one of three bodies: typed sections ("Interna åtaganden", "X:s externa åtagande",
  "Organisationens kommunikativa åtagande"; plain, "## " or "**bold**") with bullets or a
  numbered list; plain bullets after "åtar sig … bland annat genom följande:"; or background
  paragraphs under topic headings, each closed by a "2021 åtar sig X att …" sentence, under
  typed headings or not. Bullets in the styles harvested pages use ("- ", "• ", "  • ", "* ",
  "– ", sub-items "    o "); one text in twenty has Windows line ends.

Signing actors come from the reference tables (data/reference), so the reader can resolve
them: every actor signs one text, in a shuffled order, before any signs a second (beyond
about 480 texts actors repeat, as they do in harvested corpora: a page and a news item).
Partners, events, themes and target groups use names and forms the project knows. Only the
standard library: the generator knows nothing of demograph's code.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "reference"
MANIFEST = ".manifest.json"
YEAR = 2021
# The declaration's author cannot sign it (the reader ignores it as a signatory).
NOT_SIGNING = {"kommitten-demokratin-100-ar"}
TYPES = ("intern", "extern", "kommunikativ")


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str  # kommun | region | lansstyrelse | an organisations.csv actor_type
    county: str | None  # lanskod
    aliases: frozenset[str] = frozenset()  # other names of the same actor: never its partner


@dataclass(frozen=True)
class County:
    code: str
    name: str  # "Värmlands län"
    short: str  # "Värmland"
    region: str
    lansstyrelse: str  # "Länsstyrelsen i Värmlands län"
    lansstyrelse_short: str  # "Länsstyrelsen Värmland"


@dataclass
class Planned:
    """One commitment as written: what a perfect reader would report."""

    type: str
    layout: str  # "item" | "sentence"
    partners: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)


@dataclass
class Document:
    file: str
    actor: str
    actor_kind: str
    layout: str  # typed-items | plain-items | typed-sentences | plain-sentences
    commitments: list[Planned] = field(default_factory=list)


def read_reference(directory: Path = REFERENCE_DIR) -> tuple[list[Actor], dict[str, County]]:
    def rows(name: str) -> list[dict[str, str]]:
        with open(directory / name, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    counties = {r["lanskod"]: County(r["lanskod"], r["lan"], r["lan_kort"], r["region_namn"],
                                     r["lansstyrelse_namn"], r["lansstyrelse_kortnamn"])
                for r in rows("counties.csv")}
    variants: dict[str, set[str]] = {}
    for r in rows("name_variants.csv"):
        variants.setdefault(r["code"], set()).add(r["variant"])
    actors = [Actor(r["kommun_namn"], "kommun", r["lanskod"],
                    frozenset(variants.get(r["kommunkod"], ())))
              for r in rows("municipalities.csv")]
    for c in counties.values():
        actors.append(Actor(c.region, "region", c.code))
        actors.append(Actor(c.lansstyrelse_short, "lansstyrelse", c.code,
                            frozenset({c.lansstyrelse})))
    actors += [Actor(r["name_sv"], r["actor_type"], r.get("lanskod") or None,
                     frozenset(v for v in (r.get("variants") or "").split("|") if v))
               for r in rows("organisations.csv") if r["slug"] not in NOT_SIGNING]
    return actors, counties


def genitive(name: str) -> str:
    """"Kils kommun" → "Kils kommuns", "RFSL" → "RFSL:s", "Humanisterna" → "Humanisternas"."""
    last = name.split()[-1]
    if last.isupper() and len(last) > 1:
        return name + ":s"
    return name if name[-1] in "sxzSXZ" else name + "s"


def slug(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")[:40]


# --- vocabulary ---------------------------------------------------------------------------
THEMES = ("mänskliga rättigheter", "jämställdhet", "barnkonventionen", "barns rättigheter",
          "källkritik", "yttrandefrihet", "medborgardialog", "valdeltagande", "hot och hat",
          "inkludering", "tillgänglighet", "Agenda 2030")
TARGETS = ("unga", "utrikesfödda", "barn", "äldre", "förstagångsväljare", "elever",
           "personer med funktionsnedsättning", "nyanlända", "invånare")
STAFF = ("medarbetare", "förtroendevalda", "chefer")
NATIONAL_PARTNERS = ("Forum för levande historia", "MUCF", "Sveriges Kommuner och Regioner",
                     "Studieförbundet Vuxenskolan", "ABF", "Svenska kyrkan", "Region Skåne",
                     "Myndigheten för delaktighet", "Valmyndigheten")
CATEGORIES = ("idéburen sektor", "civilsamhället", "näringslivet")
CUES = ("tillsammans med", "i samverkan med", "i samarbete med", "i dialog med")
# (phrase, the event-type form the reader should find in it); each carries a date
EVENTS = (("en gemensam demokrativecka under hösten 2021", "demokrativecka"),
          ("Demokrativeckan under hösten 2021", "Demokrativeckan"),
          ("Demokratistugan i oktober", "Demokratistugan"),
          ("Krisberedskapsveckan i september 2021", "Krisberedskapsveckan"),
          ("en demokratidag den 15 september 2021", "demokratidag"))
# The three general goals, in the wordings the published texts use (dev corpus, seeds).
GOALS = (("verka för att fler får en god kunskap och medvetenhet om det demokratiska systemet",
          "Verka för att fler får en god kunskap och medvetenhet om det demokratiska systemet",
          "verka för att fler får en god kunskap och medvetenhet om det demokratiska systemet "
          "(Kunskap om demokratin är en förutsättning för delaktighet),"),
         ("arbeta för att fler deltar aktivt och står upp för demokratin",
          "arbeta för att fler deltar aktivt och står upp för demokratin, och",
          "arbeta för att fler deltar aktivt och står upp för demokratin samt"),
         ("bidra till ett samtalsklimat som kännetecknas av öppenhet och respekt",
          "bidra till ett samtalsklimat som kännetecknas av öppenhet och respekt.",
          "bidra till ett gott samtalsklimat och en god människosyn i samhället.",
          "Bidra till ett samtalsklimat och en tillitsfull kultur som kännetecknas av öppenhet, "
          "medmänsklighet och respekt för andra människor."))
TOPICS = ("Styrning och ledning", "Barns rättigheter", "Valdeltagande", "Dialog med invånarna",
          "Kunskap om demokrati", "Strategisk kommunikation", "Samverkan i länet", "Kompetens")
BACKGROUND = (
    "Under 2020 genomfördes en kartläggning av hur {theme} beaktas i verksamheten.",
    "Arbetet med {theme} har pågått sedan flera år och följs upp årligen.",
    "I fjol deltog många {target} i de aktiviteter som anordnades i samarbete med föreningslivet.",
    "Frågor om {theme} ingår redan i introduktionen av nya medarbetare.",
    "Erfarenheterna från tidigare år visar att {target} sällan når fram med sina synpunkter.",
)
BULLETS = ("- ", "- ", "• ", "* ", "  • ", "– ")


class Writer:
    """Writes one text; :meth:`commitment` returns a phrase and records what it names."""

    def __init__(self, rng: random.Random, actor: Actor, county: County | None) -> None:
        self.rng = rng
        self.actor = actor
        self.county = county

    def pick(self, options: tuple[str, ...] | list[str], k: int = 1) -> list[str]:
        return self.rng.sample(list(options), min(k, len(options)))

    def partner_clause(self, plan: Planned) -> str:
        pool: list[str] = []
        if self.county is not None:
            c = self.county
            pool += [c.region, self.rng.choice((c.lansstyrelse, c.lansstyrelse_short))]
            if self.actor.kind == "kommun":
                pool.append("länets kommuner")
        pool += self.pick(NATIONAL_PARTNERS, 2)
        own = {self.actor.name, *self.actor.aliases}
        if self.county is not None and self.county.region in own:
            own.add("länets kommuner")  # Gotland: the kommun is the region and the only kommun
        pool = [p for p in dict.fromkeys(pool) if p not in own]
        names = self.pick(pool, self.rng.choice((1, 1, 2, 3)))
        if self.rng.random() < 0.3:
            names.append(self.rng.choice(CATEGORIES))
        for n in names:
            (plan.categories if n in CATEGORIES else plan.partners).append(n)
        return f"{self.rng.choice(CUES)} {enumerate_sv(names)}"

    def theme(self, plan: Planned) -> str:
        theme = self.rng.choice(THEMES)
        plan.themes.append(theme)
        return theme

    def target(self, plan: Planned, staff: bool = False) -> str:
        target = self.rng.choice(STAFF if staff else TARGETS)
        plan.targets.append(target)
        return target

    def event(self, plan: Planned) -> str:
        phrase, form = self.rng.choice(EVENTS)
        plan.events.append(form)
        return phrase

    def commitment(self, ctype: str, layout: str) -> tuple[str, Planned]:
        """An infinitive phrase ("genomföra …") without final full stop."""
        plan = Planned(ctype, layout)
        p = plan
        phrases = {
            "intern": (
                lambda: f"utbilda alla {self.target(p, staff=True)} i {self.theme(p)}",
                lambda: f"ta fram en handlingsplan för {self.theme(p)} i hela organisationen",
                lambda: f"genomföra en intern kompetensutveckling om {self.theme(p)} för "
                        f"{self.target(p, staff=True)}",
                lambda: f"integrera {self.theme(p)} i styrning och ledning av verksamheten",
                lambda: f"i all vår verksamhet anta ett rättighetsperspektiv med fokus på "
                        f"{self.theme(p)}",
            ),
            "extern": (
                lambda: f"genomföra {self.event(p)} {self.partner_clause(p)}",
                lambda: f"{self.partner_clause(p)} arrangera samtal om {self.theme(p)} för "
                        f"{self.target(p)}",
                lambda: self.election(p),
                lambda: f"stå värd för {self.event(p)} {self.partner_clause(p)}",
                lambda: f"stärka arbetet med {self.theme(p)} för {self.target(p)} "
                        f"{self.partner_clause(p)}",
            ),
            "kommunikativ": (
                lambda: f"sprida kunskap om {self.theme(p)} via vår webb och i sociala medier",
                lambda: f"genomföra en informationsinsats om {self.theme(p)} riktad till "
                        f"{self.target(p)}",
                lambda: "uppmärksamma demokratins 100-årsjubileum i våra kanaler under 2021",
                lambda: f"kommunicera {self.event(p)} i våra kanaler och nyhetsbrev",
                lambda: f"ta fram lättläst information om {self.theme(p)} för {self.target(p)}",
            ),
        }
        phrase = self.rng.choice(phrases[ctype])()
        if self.rng.random() < 0.25 and not plan.targets:
            phrase += f", med särskilt fokus på {self.target(plan)}"
        return phrase, plan

    def election(self, plan: Planned) -> str:
        plan.events.append("allmänna valen")
        plan.themes.append("valdeltagande")
        return f"inför de allmänna valen 2022 verka för ett ökat valdeltagande bland {self.target(plan)}"


def enumerate_sv(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def title(rng: random.Random, name: str) -> str:
    text = rng.choice((f"{name} undertecknar Deklaration för en stark demokrati",
                       f"{genitive(name)} åtaganden för Deklaration för en stark demokrati",
                       f"{genitive(name)} åtaganden",
                       f"Demokratideklarationens åtaganden för {name}"))
    return rng.choice((text, text, f"# {text}", f"## **{text}**"))


def preamble(rng: random.Random, name: str) -> list[str]:
    bullet = rng.choice(BULLETS)
    subject = rng.choice(("Vi", name))
    goals = [bullet + rng.choice(pair) for pair in GOALS]
    return ["Vi vill värna alla människors lika värde, grundläggande fri- och rättigheter och "
            "rättsstatens principer. Vi tar avstånd från diskriminering, extremism, "
            "främlingsfientlighet, korruption och rasism.",
            f"{subject} vill bidra till att demokratin står sig stark även i framtiden genom att:",
            "\n".join(goals)]


def section_heading(rng: random.Random, name: str, ctype: str) -> str:
    adjective = {"intern": "interna", "extern": "externa", "kommunikativ": "kommunikativa"}[ctype]
    text = rng.choice((f"{adjective.capitalize()} åtaganden", f"{genitive(name)} {adjective} åtagande",
                       f"Organisationens {adjective} åtagande"))
    return rng.choice((text, text, f"## {text}", f"**{text}**"))


def generate_one(rng: random.Random, index: int, actor: Actor,
                 counties: dict[str, County]) -> tuple[str, Document]:
    county = counties.get(actor.county or "")
    w = Writer(rng, actor, county)
    layout = rng.choices(("typed-items", "plain-items", "typed-sentences", "plain-sentences"),
                         weights=(35, 35, 15, 15))[0]
    doc = Document(f"{index:04d}_{slug(actor.name)}.txt", actor.name, actor.kind, layout)
    parts: list[str] = []
    if rng.random() < 0.2:
        parts.append(f"url: https://example.org/{slug(actor.name)}/demokrati\nactor: {actor.name}\n"
                     f"actor_type: {actor.kind}\nsigned: unknown\n---")
    parts.append(title(rng, actor.name))
    if rng.random() < 0.3:
        parts.append(f"{rng.randint(1, 28)} {rng.choice(('mars', 'maj', 'september', 'oktober'))} {YEAR}")
    parts += preamble(rng, actor.name)
    bullet = rng.choice(BULLETS + ("1. ",))

    def items(ctype: str | None, n: int) -> list[str]:
        lines = []
        for number in range(1, n + 1):
            chosen = ctype or rng.choice(TYPES)
            phrase, plan = w.commitment(chosen, "item")
            doc.commitments.append(plan)
            marker = f"{number}. " if bullet == "1. " else bullet
            lines.append(marker + phrase[0].upper() + phrase[1:] + rng.choice((".", ".", "")))
            if rng.random() < 0.1:
                lines.append("    o " + rng.choice(("i samband med skolval", "genom studiebesök",
                                                     "med lättläst material")))
        return ["\n".join(lines)]

    def sentence_block(ctype: str | None) -> list[str]:
        out = []
        for _ in range(rng.randint(1, 2)):
            out.append(rng.choice(TOPICS))
            background = " ".join(b.format(theme=rng.choice(THEMES), target=rng.choice(TARGETS))
                                  for b in rng.sample(BACKGROUND, rng.randint(1, 3)))
            out.append(background)
            phrase, plan = w.commitment(ctype or rng.choice(TYPES), "sentence")
            doc.commitments.append(plan)
            opener = rng.choice((f"{YEAR} åtar sig {actor.name} att", f"För {YEAR} åtar sig "
                                 f"{actor.name} att", f"Under {YEAR} åtar sig {actor.name} att"))
            out.append(f"{opener} {phrase}.")
        return out

    if layout == "typed-items":
        for ctype in [t for t in TYPES if rng.random() < 0.85] or ["extern"]:
            parts.append(section_heading(rng, actor.name, ctype))
            if rng.random() < 0.3:
                parts.append(rng.choice(("Aktiviteter", "### Aktiviteter", f"{actor.name} åtar sig att:")))
            parts += items(ctype, rng.randint(1, 4))
    elif layout == "plain-items":
        parts.append(f"Genom att underteckna Deklaration för en stark demokrati åtar sig {actor.name} "
                     f"att verka för en stark, dynamisk och relevant demokrati, bland annat genom följande:")
        parts += items(None, rng.randint(2, 7))
    elif layout == "typed-sentences":
        for ctype in [t for t in TYPES if rng.random() < 0.85] or ["intern"]:
            parts.append(section_heading(rng, actor.name, ctype))
            parts += sentence_block(ctype)
    else:
        for _ in range(rng.randint(1, 3)):
            parts += sentence_block(None)
    if rng.random() < 0.25:
        parts.append(f"”Det är glädjande att vi nu tar ett tydligt steg för demokratin i hela "
                     f"{county.short if county else 'Sverige'}”, säger {rng.choice(('Anna', 'Erik'))} "
                     f"{rng.choice(('Berg', 'Lind', 'Holm'))}, ordförande.")
    if rng.random() < 0.25:
        parts += ["Dela", "Kopiera länk"]
    text = "\n\n".join(parts) + "\n"
    return (text.replace("\n", "\r\n") if rng.random() < 0.05 else text), doc


def generate(count: int, seed: int, out: Path) -> list[Document]:
    """Write ``count`` texts and the manifest to ``out``; the same seed gives the same bytes."""
    rng = random.Random(seed)
    actors, counties = read_reference()
    out.mkdir(parents=True, exist_ok=True)
    order: list[Actor] = []
    while len(order) < count:  # every actor once, in a shuffled order, before any repeats
        order += rng.sample(actors, len(actors))
    docs: list[Document] = []
    for index, actor in enumerate(order[:count]):
        text, doc = generate_one(rng, index, actor, counties)
        with open(out / doc.file, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        docs.append(doc)
    manifest = {"seed": seed, "count": count, "documents": [asdict(d) for d in docs]}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    docs = generate(args.count, args.seed, args.out)
    print(f"{len(docs)} texts, {sum(len(d.commitments) for d in docs)} commitments → {args.out}")


if __name__ == "__main__":
    main()
