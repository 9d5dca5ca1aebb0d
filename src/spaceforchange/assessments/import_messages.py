"""The messages of answer imports: each problem code of a file, a mapping or a row, in words.

The rules (``import_reading``, ``import_mapping``, ``import_domain``) speak in codes so they stay
free of Django; these functions word the codes in the active language, for the pages, the command
line and the problems stored with an import.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from spaceforchange.assessments import import_domain, import_mapping, import_reading
from spaceforchange.assessments.import_domain import RowProblem
from spaceforchange.assessments.import_mapping import MappingProblem
from spaceforchange.assessments.import_reading import ImportFileError


def file_problem_message(error: ImportFileError, limit: int) -> str:
    """Why a file cannot be read, for the person who uploaded it."""
    code = import_reading.FileProblemCode
    texts = {
        code.EMPTY: _("The file is empty."),
        code.TOO_BIG: _("The file is too big: imports take files of up to %(size)s (uncompressed).")
        % {"size": f"{limit / 1024 / 1024:.0f} MB"},
        code.BAD_GZIP: _("The file looks gzip-compressed but cannot be uncompressed."),
        code.BAD_XLSX: _("The file looks like an Excel workbook but cannot be read. Save it as .xlsx or CSV."),
        code.NOT_TEXT: _("The file is not a CSV text file or an Excel workbook (.xlsx)."),
        code.ENCODING: _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."),
        code.BAD_CSV: _("The file is not valid CSV (check the quotation marks)."),
        code.NO_HEADER: _("The first row must name the columns, but it is empty."),
        code.NO_ROWS: _("The file has column names but no rows of answers."),
        code.TOO_MANY_ROWS: _("The file has more than %(count)s rows; split it into several imports.")
        % {"count": f"{import_reading.MAX_ROWS:,}"},
        code.TOO_MANY_COLUMNS: _("The file has more than %(count)s columns.")
        % {"count": f"{import_reading.MAX_COLUMNS:,}"},
    }
    text = texts[error.code]
    return text if error.line is None else _("Line %(line)d: %(problem)s") % {"line": error.line, "problem": text}


def mapping_problem_message(problem: MappingProblem) -> str:
    code = import_mapping.MappingProblemCode
    values = {"column": problem.column, "target": _target_name(problem.target)}
    texts = {
        code.MALFORMED: _("The column mapping is not in the expected form."),
        code.NO_STATEMENTS: _("Map at least one statement to a column."),
        code.UNKNOWN_STATEMENT: _("The instrument has no statement %(target)s."),
        code.COLUMN_TWICE: _("The column “%(column)s” is mapped to more than one statement."),
        code.BAD_COLUMN: _("“%(column)s” (for %(target)s) is not a usable column name."),
        code.BAD_ATTRIBUTE: _("“%(target)s” is not a usable attribute name: use 1 to 100 characters."),
        code.TOO_MANY_ATTRIBUTES: _("Use at most %(count)d respondent attributes.")
        % {"count": import_mapping.MAX_ATTRIBUTES},
        code.BAD_DONT_KNOW: _("“%(column)s” cannot mean “don't know”: use a short text that is not a number."),
        code.MISSING_COLUMN: _("The file has no column “%(column)s” (mapped to %(target)s)."),
        code.DUPLICATE_COLUMN: _("The file has two columns called “%(column)s”, so it is unclear which to read."),
    }
    return texts[problem.code] % values if "%(" in texts[problem.code] else texts[problem.code]


def _target_name(target: str) -> str:
    """What a mapping entry feeds, in words: a statement key, an attribute, the weight or the unit."""
    if target.startswith("attribute:"):
        return _("the attribute %(name)s") % {"name": target.removeprefix("attribute:")}
    return {"weight": _("the weight"), "unit": _("the unit")}.get(target, target)


def row_problem_message(problem: RowProblem, scale: tuple[int, int]) -> str:
    code = import_domain.RowProblemCode
    values = {"value": problem.value, "min": scale[0], "max": scale[1]}
    texts = {
        code.NOT_A_NUMBER: _("“%(value)s” is not a whole number."),
        code.OUT_OF_SCALE: _("%(value)s is outside the answer scale %(min)d to %(max)d."),
        code.DONT_KNOW_NOT_ALLOWED: _("This statement has no “don't know” answer, but the cell says “%(value)s”."),
        code.NO_ANSWERS: _("The row answers no statement."),
        code.MISSING_WEIGHT: _("The weight is missing."),
        code.BAD_WEIGHT: _("“%(value)s” is not a number, so it cannot be a weight."),
        code.WEIGHT_NOT_POSITIVE: _("The weight must be above 0, not %(value)s."),
        code.UNKNOWN_UNIT: _("The organisation has no unit called “%(value)s”."),
        code.AMBIGUOUS_UNIT: _("Several units are called “%(value)s”; rename one to import into it."),
        code.TOO_MANY_CELLS: _("The row has %(value)s cells, more than the file has columns."),
        code.TOO_FEW_CELLS: _("The row has only %(value)s cells, fewer than the file has columns."),
        code.CELL_TOO_LONG: _("The cell is longer than %(count)d characters.")
        % {"count": import_domain.MAX_CELL_CHARS},
        code.BAD_CHARACTER: _("The cell contains a character that is not allowed."),
    }
    text = texts[problem.code]
    return text % values if "%(" in text else text
