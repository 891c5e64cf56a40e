"""The context attributes (sector, actors) checked against hand-written sentences.

For every value of the study's codebook: sentences that must carry it and sentences that
must not, the latter built around the homographs and near misses its rules could take for
it (a modal verb lemmatised as "skola", "anledning" ending in "ledning", "brukar" meaning
"usually", "äldre" meaning "older"). The sentences are written for this test, in general
Swedish public-administration prose, not taken from the corpora. Each value is scored
separately (precision and recall over its sentences), so a failure names the value and the
sentences it got wrong.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import coding

# value → (must carry it, must not carry it)
SECTOR = {
    "social_services": (
        ["Socialtjänsten har fått fler ansökningar om försörjningsstöd i år.",
         "Varje socialsekreterare har ansvar för ett trettiotal ärenden.",
         "Socialnämnden beslutade att utöka familjeomsorgen.",
         "Det sociala arbetet kräver tid för möten med människor."],
        ["Det sociala livet i byn har förändrats.",
         "Kommunen bygger ett nytt bibliotek i centrum.",
         "Hon skriver om sociala medier och deras påverkan."],
    ),
    "school": (
        ["Skolan har anställt två nya lärare i matematik.",
         "Eleverna i årskurs nio skriver nationella prov.",
         "Rektorn ansvarar för undervisningen på sin skola.",
         "Grundskolorna i kommunen har fått mer resurser."],
        ["Vi skulle vilja se fler insatser.",
         "Det ska bli enklare att söka bidrag.",
         "Myndigheten skall redovisa uppdraget i juni.",
         "Högskolan erbjuder kurser i statsvetenskap.",
         "Personalen fick en politisk skolning under helgen."],
    ),
    "elderly_care": (
        ["Hemtjänsten besöker henne tre gånger om dagen.",
         "Äldreomsorgen behöver fler undersköterskor.",
         "De äldre på boendet vill bestämma mer själva.",
         "Kommunen ska utgå från den äldres behov.",
         "Vården av sjuka äldre kostar allt mer."],
        ["Den äldre lagstiftningen ersattes år 2001.",
         "Äldre datorer byts ut under hösten.",
         "Hennes bror är två år äldre än hon."],
    ),
    "disability": (
        ["Insatser enligt LSS beviljas efter en utredning.",
         "Personer med funktionsnedsättning ska få stöd i vardagen.",
         "Habiliteringen erbjuder samtal för föräldrar."],
        ["Funktionen i systemet är nedsatt under natten.",
         "Bussen går varje timme till stationen."],
    ),
    "health_care": (
        ["Sjukhuset har långa köer till akuten.",
         "Patienten fick vänta tre timmar på vårdcentralen.",
         "Landstinget ansvarar för psykiatrin i länet."],
        ["Han är sjuk i dag och stannar hemma.",
         "Vägarna plogas av kommunen på vintern."],
    ),
    "general": (
        ["Myndigheten ska redovisa sitt uppdrag senast i juni.",
         "Vi brukar träffas en gång i månaden.",
         "Det finns flera anledningar till förändringen."],
        ["Skolan har anställt två nya lärare i matematik.",
         "Hemtjänsten besöker henne tre gånger om dagen."],
    ),
}

ACTORS = {
    "politicians": (
        ["Politikerna i fullmäktige beslutade om budgeten.",
         "De förtroendevalda ska ange målen, inte detaljerna.",
         "Kommunalrådet svarade på frågan i nämnden."],
        ["Trafiken var tät på morgonen.",
         "Hon har förtroende för sina kollegor."],
    ),
    "managers": (
        ["Cheferna behöver tid att leda sina medarbetare.",
         "Ledningsgruppen träffas varje måndag.",
         "Enhetschefen fördelar ärendena.",
         "Förvaltningens ledning har lovat mer stöd."],
        ["Det finns flera anledningar till förändringen.",
         "Rapportens inledning beskriver uppdraget.",
         "Socialsekreterarna får handledning varannan vecka.",
         "Myndigheten har tagit fram en vägledning för handläggare.",
         "En ny gasledning ska byggas längs kusten.",
         "Ledningarna i marken byts ut under sommaren."],
    ),
    "professionals": (
        ["Lärarna vill ägna mer tid åt undervisningen.",
         "Medarbetarna på enheten har stor erfarenhet.",
         "Personalen på boendet arbetar i tre skift.",
         "Professionen måste få större handlingsutrymme."],
        ["Det personliga mötet betyder mycket.",
         "Han läser en roman på tåget."],
    ),
    "citizens": (
        ["Brukarna ska kunna påverka insatserna.",
         "Medborgarna har rätt till god service.",
         "Patienterna fick svara på en enkät.",
         "Föräldrarna bjöds in till ett möte."],
        ["Vi brukar träffas en gång i månaden.",
         "Tjänstemän brukade stanna länge på samma arbetsplats.",
         "Maskinen förbrukar mycket energi.",
         "Jordbrukarna fick vänta på sina stöd.",
         "Familjerådgivaren har öppet på tisdagar."],
    ),
}


def _attributes(sentences: list[str]) -> pd.DataFrame:
    seg = pd.DataFrame({"file": "a.txt", "doc_id": "a", "paragraph": range(len(sentences)), "sentence": 0,
                        "start": range(len(sentences)), "end": range(1, len(sentences) + 1), "text": sentences})
    return coding.code_segments(seg, coding.load_codebook())[2]


def _score(attribute: str, value: str, must: list[str], must_not: list[str]) -> tuple[list[str], list[str]]:
    """The sentences that should carry ``value`` and do not, and those that should not
    and do."""
    found = _attributes(must + must_not)[attribute].map(lambda s: value in s.split("; ")).tolist()
    missed = [s for s, f in zip(must, found[:len(must)]) if not f]
    wrong = [s for s, f in zip(must_not, found[len(must):]) if f]
    return missed, wrong


def test_every_value_of_the_codebook_is_checked():
    cb = coding.load_codebook()
    assert set(SECTOR) == set(cb.attributes["sector"]) | {cb.attribute_defaults["sector"]}
    assert set(ACTORS) == set(cb.attributes["actors"])


@pytest.mark.parametrize(("attribute", "value"), [("sector", v) for v in SECTOR] + [("actors", v) for v in ACTORS])
def test_attribute_value_against_hand_written_sentences(attribute, value):
    must, must_not = (SECTOR if attribute == "sector" else ACTORS)[value]
    missed, wrong = _score(attribute, value, must, must_not)
    assert (missed, wrong) == ([], []), f"{attribute}={value}: missed {missed}, wrongly given to {wrong}"


def test_the_homographs_did_mislead_the_rules_without_the_exclusions():
    """The must-not sentences are not straw men: without ``attribute_exclude`` and with
    the bare "äldre" the rules of version 4 had, they give the wrong value."""
    cb = coding.load_codebook()
    data = cb.model_dump()
    data["attribute_exclude"] = {}
    data["attributes"]["sector"]["elderly_care"] = [*data["attributes"]["sector"]["elderly_care"], "äldre"]
    old = coding.Codebook.model_validate(data)
    texts = ["Vi skulle vilja se fler insatser.", "Det finns flera anledningar till förändringen.",
             "Vi brukar träffas en gång i månaden.", "Den äldre lagstiftningen ersattes år 2001.",
             "Socialsekreterarna får handledning varannan vecka."]
    seg = pd.DataFrame({"file": "a.txt", "doc_id": "a", "paragraph": range(5), "sentence": 0,
                        "start": range(5), "end": range(1, 6), "text": texts})
    got = coding.code_segments(seg, old)[2]
    assert got["sector"].tolist()[0] == "school" and got["sector"].tolist()[3] == "elderly_care"
    assert [("managers" in a, "citizens" in a) for a in got["actors"]] == [
        (False, False), (True, False), (False, True), (False, False), (True, False)]
