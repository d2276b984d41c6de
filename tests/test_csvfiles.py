"""The CSV kit: a file is read whole or refused whole, naming the line; one list of yes/no words."""

import pytest

from app.files.csvfiles import CsvFileError, check_header, parse_yes_no, read_csv

HEADER = "nom;email;notes"


def _problems(text: str) -> list[str]:
    with pytest.raises(CsvFileError) as refused:
        read_csv(text.encode())
    return [str(p) for p in refused.value.problems]


def test_a_quoted_note_on_several_lines_is_one_cell():
    table = read_csv(f'{HEADER}\nMarie;m@exemple.fr;"rappeler lundi\ndossier incomplet"\nPaul;p@exemple.fr;\n')
    assert table.rows == [(2, {"nom": "Marie", "email": "m@exemple.fr", "notes": "rappeler lundi\ndossier incomplet"}),
                          (4, {"nom": "Paul", "email": "p@exemple.fr", "notes": ""})]


@pytest.mark.parametrize(("lines", "expected"), [
    # a quote opened in line 3's notes and never closed: lines 4 and 5 would fall into it
    (['Anne;a@exemple.fr;ok', 'Marie;m@exemple.fr;"pas de justificatif', 'Paul;p@exemple.fr;', 'Zoé;z@exemple.fr;'],
     "ligne 3 : guillemet ouvert jamais fermé"),
    # the same, closed by the next line's own quotes
    (['Marie;m@exemple.fr;"pas de justificatif', 'Paul;p@exemple.fr;"rappel"'], "ligne 2 : guillemet mal placé"),
    (['Marie;m@exemple.fr;rien;de plus'], "ligne 2 : 4 valeurs pour 3 colonnes (vérifiez le séparateur"),
    (['Marie;m@exemple.fr'], "ligne 2 : 2 valeurs pour 3 colonnes (ligne coupée par un retour à la ligne"),
    (['Marie;m@exemple.fr;pas de\rjustificatif'], "ligne 3 : 1 valeurs pour 3 colonnes (ligne coupée"),
    (['Marie;m@exemple.fr;"pas de justificatif', 'Paul;p@exemple.fr;ok', 'Zoé;z@exemple.fr;fin"'],
     "ligne 2 : un champ entre guillemets court jusqu'à la ligne 4 et contient des lignes entières"),
], ids=["unclosed-quote", "misplaced-quote", "too-many", "too-few", "bare-carriage-return", "swallowed-lines"])
def test_a_file_that_cannot_be_read_for_sure_is_refused_naming_the_line(lines, expected):
    problems = _problems("\n".join([HEADER, *lines]) + "\n")
    assert problems[0].startswith(expected), problems


def test_every_line_with_the_wrong_number_of_values_is_named():
    assert [p.split(" : ")[0] for p in _problems(f"{HEADER}\na;b\nc;d;e\nf\n")] == ["ligne 2", "ligne 4"]


def test_empty_extra_cells_and_blank_lines_are_accepted():
    table = read_csv(f"{HEADER};\nMarie;m@exemple.fr;ok;\n\n;;\n".encode())
    assert [line for line, _cells in table.rows] == [2]


def test_header_names_are_compared_without_case_or_accents():
    table = read_csv("Nom;E-mail ;Libellé\nx;y;z\n".encode())
    check = check_header(table.columns, known=("nom", "libelle", "email"), required=("nom", "email"))
    assert (check.unknown, check.missing, check.doubled) == (["e-mail"], ["email"], [])
    assert check_header(["nom", "nom"], known=("nom",)).doubled == ["nom"]


@pytest.mark.parametrize("word", ["oui", "Oui", "OUI", "o", "yes", "y", "Y", "vrai", "true", "1", "x"])
def test_yes_words(word):
    assert parse_yes_no(word) is True


@pytest.mark.parametrize("word", ["non", "Non", "n", "no", "N", "faux", "false", "0"])
def test_no_words(word):
    assert parse_yes_no(word, default=True) is False


def test_empty_gives_the_default_and_other_words_are_refused():
    assert parse_yes_no("", default=True) is True and parse_yes_no("  ") is False
    with pytest.raises(ValueError, match="valeur « peut-être » non reconnue"):
        parse_yes_no("peut-être")
