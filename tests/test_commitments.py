"""How commitments are found in texts shaped the ways real pages are (short synthetic texts,
each isolating one rule)."""

from __future__ import annotations

from demograph.knowledge import Knowledge
from demograph.pipeline import extract_bytes


def _commitments(knowledge: Knowledge, text: str) -> list[tuple[str, str]]:
    extraction = extract_bytes(text.encode("utf-8"), "test.txt", knowledge)
    return [(c.passage.exact, c.commitment_type) for c in extraction.commitments]


def test_a_topic_heading_is_not_a_typed_section(knowledge: Knowledge) -> None:
    text = ("Kils kommun undertecknar Deklaration för en stark demokrati\n\n"
            "2021 åtar sig Kils kommun att utbilda alla chefer i mänskliga rättigheter.\n\n"
            "Strategisk kommunikation\n\n"
            "2021 åtar sig Kils kommun att sprida lättläst information om valet.\n")
    assert _commitments(knowledge, text) == [
        ("2021 åtar sig Kils kommun att utbilda alla chefer i mänskliga rättigheter.", "intern"),
        ("2021 åtar sig Kils kommun att sprida lättläst information om valet.", "kommunikativ")]


def test_bold_typed_headings_open_sections(knowledge: Knowledge) -> None:
    text = ("# Kils kommuns åtaganden\n\n**Interna åtaganden**\n\n"
            "- Utbilda alla medarbetare i demokratifrågor under året\n\n"
            "**Externa åtaganden**\n\n- Bjuda in unga till dialog med politiker i kommunen\n")
    assert [t for _, t in _commitments(knowledge, text)] == ["intern", "extern"]


def test_goal_bullets_are_not_commitments(knowledge: Knowledge) -> None:
    text = ("Kils kommun undertecknar Deklaration för en stark demokrati genom att:\n\n"
            "- verka för att fler får en god kunskap och medvetenhet om det demokratiska systemet\n"
            "- arbeta för att fler deltar aktivt och står upp för demokratin\n"
            "- bidra till ett samtalsklimat som kännetecknas av öppenhet och respekt\n")
    extraction = extract_bytes(text.encode("utf-8"), "test.txt", knowledge)
    assert extraction.commitments == []
    assert len(extraction.signings[0].goals) == 3
