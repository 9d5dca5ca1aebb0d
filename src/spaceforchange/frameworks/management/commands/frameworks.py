"""``manage.py frameworks`` (``sfc frameworks``): list, show, import, export and validate packs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spaceforchange.core.models import Organization
from spaceforchange.frameworks import selectors, services
from spaceforchange.frameworks.domain import language_of, localize, to_yaml
from spaceforchange.frameworks.loader import LoadedPack, pack_files, parse_pack, read_files, validate_batch
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.schema import PackError

EPILOG = """examples:
  sfc frameworks list
  sfc frameworks show space_for_change --lang nb
  sfc frameworks validate my-packs/
  sfc frameworks import my-packs/ --org oslo-kommune
  sfc frameworks export legitimacy --org oslo-kommune --version 2 -o legitimacy.yaml

Errors are printed one per line as "file: path: message" and the command exits with status 1.
"""

ORG_HELP = (
    "the organisation's short name (slug); without it the command works on the global library "
    "of shipped packs that every organisation sees"
)


class Command(BaseCommand):
    help = (
        "Work with framework packs: list the library, show a framework, validate pack files, import "
        "them (all or nothing) and export any version as YAML."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = EPILOG
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION", title="actions")
        listing = _action(
            actions, "list", "list the frameworks: key, name, latest version, provenance counts of the items"
        )
        listing.add_argument("--org", metavar="SLUG", help=ORG_HELP)
        show = _action(actions, "show", "show one framework: its items by kind and its instruments")
        show.add_argument("key", metavar="KEY", help="the pack's key, e.g. space_for_change")
        show.add_argument("--org", metavar="SLUG", help=ORG_HELP + "; with it, the organisation's override if any")
        show.add_argument("--lang", default="en", choices=["en", "nb"], help="language of the texts (default: en)")
        imp = _action(
            actions,
            "import",
            "import pack files; every file is checked first and nothing is imported if any has an error. "
            "A pack whose content equals the current version creates nothing.",
        )
        imp.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="pack files, or folders of *.yaml files")
        imp.add_argument("--org", metavar="SLUG", help=ORG_HELP)
        export = _action(actions, "export", "write a pack version as YAML (the version in use by default)")
        export.add_argument("key", metavar="KEY", help="the pack's key")
        export.add_argument("--org", metavar="SLUG", help=ORG_HELP + "; with it, the organisation's override if any")
        export.add_argument("--version", type=int, metavar="N", help="the version number (see `list` or the history)")
        export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
        validate = _action(
            actions,
            "validate",
            "check pack files without importing them; references to other packs must resolve to the files "
            "given or to the shipped packs",
        )
        validate.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="pack files, or folders of *.yaml files")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"do_{options['action']}")
        handler(**options)

    # --- helpers -----------------------------------------------------------------------------

    def _organization(self, slug: str | None) -> Organization | None:
        if not slug:
            return None
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"There is no organisation with the short name {slug!r}.")
        return organization

    def _fail(self, errors: list[PackError]) -> NoReturn:
        for error in errors:
            self.stderr.write(str(error))
        raise CommandError(f"{len(errors)} error(s); nothing was imported.", returncode=1)

    # --- actions -----------------------------------------------------------------------------

    def do_list(self, *, org: str | None = None, **_: Any) -> None:
        organization = self._organization(org)
        rows = selectors.effective_packs(organization)
        self.stdout.write(f"{'KEY':<24} {'NAME':<44} {'VERSION':<14} PROVENANCE")
        for key, row in rows.items():
            version = row.current_version
            assert version is not None
            counts = version.digest.get("provenance_counts", {})
            provenance = ", ".join(f"{tag} {count}" for tag, count in sorted(counts.items()))
            owner = " *" if row.organization_id else ""
            label = f"{version.version} #{version.number}{owner}"
            self.stdout.write(f"{key:<24} {version.name('en')[:44]:<44} {label:<14} {provenance}")
        if organization is not None:
            self.stdout.write("* the organisation's own version")

    def do_show(self, *, key: str, org: str | None = None, lang: str = "en", **_: Any) -> None:
        organization = self._organization(org)
        try:
            version = selectors.effective_pack(organization, key)
        except PackVersion.DoesNotExist as missing:
            raise CommandError(f"There is no framework {key!r}.") from missing
        view = localize(version.content, language_of(lang))
        write = self.stdout.write
        write(f"{view.name} ({view.key}) {view.version} #{version.number} [{view.provenance}]")
        write(view.summary)
        for group in view.groups:
            write(f"\n{group.kind} ({len(group.items)})")
            for item in group.items:
                write(f"  {item.key:<32} {item.name} [{item.provenance}]")
        for instrument in view.instruments:
            write(f"\ninstrument {instrument.key}: {instrument.name} ({instrument.statement_count} statements)")
            for dimension in instrument.groups:
                write(f"  {dimension.dimension.item_key}")
                for statement in dimension.statements:
                    marker = " (reverse)" if statement.reverse else ""
                    write(f"    {statement.key:<8} {statement.text}{marker}")

    def do_import(self, *, paths: list[str], org: str | None = None, **_: Any) -> None:
        organization = self._organization(org)
        files, errors = pack_files(paths)
        sources, read_errors = read_files(files)
        if errors or read_errors or not sources:
            self._fail([*errors, *read_errors] or [PackError(file=", ".join(paths), path="", message="no pack files")])
        try:
            outcomes = services.import_packs(files=sources, organization=organization)
        except services.PackImportError as refused:
            self._fail(refused.errors)
        for outcome in outcomes:
            state = "new version" if outcome.created else "unchanged"
            self.stdout.write(f"{outcome.file}: {outcome.version.pack.key} #{outcome.version.number} ({state})")

    def do_export(
        self, *, key: str, org: str | None = None, version: int | None = None, output: str | None = None, **_: Any
    ) -> None:
        organization = self._organization(org)
        try:
            chosen = selectors.effective_pack(organization, key)
            if version is not None and version != chosen.number:
                chosen = chosen.pack.versions.get(number=version)
        except PackVersion.DoesNotExist as missing:
            raise CommandError(f"There is no version {version or ''} of the framework {key!r}.") from missing
        text = to_yaml(chosen.content)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {key} #{chosen.number} to {output}")
        else:
            self.stdout.write(text, ending="")

    def do_validate(self, *, paths: list[str], **_: Any) -> None:
        files, errors = pack_files(paths)
        sources, read_errors = read_files(files)
        # References to other packs resolve against the files given and the shipped packs.
        shipped, _unused = read_files(pack_files([services.SHIPPED_PACKS_DIR])[0])
        given = {Path(name).resolve() for name, _content in sources}
        library_sources = [(name, content) for name, content in shipped if Path(name).resolve() not in given]
        library = {entry.pack.key: {item.key for item in entry.pack.items} for entry in _valid(library_sources)}
        loaded, problems = validate_batch(sources, library=library)
        all_errors = [*errors, *read_errors, *problems]
        if not files and not errors:
            all_errors.append(PackError(file=", ".join(paths), path="", message="no pack files (*.yaml, *.yml) found"))
        if all_errors:
            for error in all_errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(all_errors)} error(s) in {len(files)} file(s).", returncode=1)
        for entry in loaded:
            self.stdout.write(f"{entry.file}: OK ({entry.pack.key} {entry.pack.version})")


def _action(actions: Any, name: str, text: str) -> CommandParser:
    parser: CommandParser = actions.add_parser(name, help=text, description=text[:1].upper() + text[1:] + ".")
    return parser


def _valid(sources: list[tuple[str, bytes]]) -> list[LoadedPack]:
    """The packs among ``sources`` that are valid on their own (references not checked)."""
    parsed = [parse_pack(name, content)[0] for name, content in sources]
    return [entry for entry in parsed if entry is not None]
