"""The three import workbooks of import-templates.md, by key."""

from .base import BACKGROUND_ROWS, ImportResult, Importer, run_import
from .households import HouseholdImporter
from .issues import IssueImporter
from .teams import TeamImporter

IMPORTERS: dict[str, type[Importer]] = {
    HouseholdImporter.key: HouseholdImporter,
    IssueImporter.key: IssueImporter,
    TeamImporter.key: TeamImporter,
}


def importer_for_sheets(sheetnames) -> type[Importer] | None:
    """The importer whose first sheet the workbook has (the command line guesses the kind this way)."""
    names = set(sheetnames)
    for importer in IMPORTERS.values():
        if importer.sheets[0].name in names:
            return importer
    return None


__all__ = ["BACKGROUND_ROWS", "IMPORTERS", "ImportResult", "Importer", "importer_for_sheets", "run_import"]
