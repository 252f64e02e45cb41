"""The command line: import a new fiscal year, undo it, or write a template.

    python -m kigyojin import KIND FILE --fiscal-year 2025 [--replace]
    python -m kigyojin undo KIND
    python -m kigyojin redo KIND
    python -m kigyojin template KIND [--xlsx] OUT

KIND is totals, fields, companies or hosts. Messages are in Japanese unless
`--lang en`. Exit status: 0 done; 1 refused (the file has problems, there is nothing
to undo, an undo would leave the data inconsistent, a file cannot be read or
written), and then nothing was changed; 2 the
command itself is wrong. A problem a user can fix never shows a traceback.
"""

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kigyojin import fmt, importer, templates
from kigyojin.errors import DataFileError, KigyojinError
from kigyojin.i18n import LANGUAGES, normalize_language, translate

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, with its complaints introduced in the user's language."""

    lang = "ja"

    def error(self, message: str):  # argparse's own detail stays in English
        self.print_usage(sys.stderr)
        text = translate("importer.cli_usage_error", self.lang, detail=message)
        self.exit(EXIT_USAGE, text + "\n")


def _language(argv: Sequence[str]) -> str:
    """The --lang value, read before parsing so that help and errors use it."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalize_language(argv[i + 1])
        if arg.startswith("--lang="):
            return normalize_language(arg.split("=", 1)[1])
    return "ja"


def build_parser(lang: str = "ja") -> argparse.ArgumentParser:
    """The parser of `python -m kigyojin`, its help in `lang`."""
    t = lambda key: translate(f"importer.{key}", lang)  # noqa: E731

    def year(text: str) -> int:
        value = importer.parse_fiscal_year(text)
        if value is None:
            raise argparse.ArgumentTypeError(
                translate("errors.bad_fiscal_year", lang, value=text).lstrip("：: ")
            )
        return value

    _Parser.lang = lang
    # --lang is accepted before or after the command; SUPPRESS keeps a subcommand's
    # default from overwriting a value given before it.
    language = _Parser(add_help=False)
    language.add_argument(
        "--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("cli_lang_help")
    )
    parser = _Parser(prog="python -m kigyojin", description=t("cli_description"))
    parser.add_argument(
        "--lang", choices=LANGUAGES, default="ja", help=t("cli_lang_help")
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("import", parents=[language], help=t("cli_import_help"))
    run.add_argument("kind", choices=list(importer.KINDS), help=t("cli_kind_help"))
    run.add_argument("file", type=Path, help=t("cli_file_help"))
    run.add_argument(
        "--fiscal-year", type=year, required=True, help=t("cli_fiscal_year_help")
    )
    run.add_argument("--replace", action="store_true", help=t("cli_replace_help"))

    back = commands.add_parser("undo", parents=[language], help=t("cli_undo_help"))
    back.add_argument("kind", choices=list(importer.KINDS), help=t("cli_kind_help"))
    again = commands.add_parser("redo", parents=[language], help=t("cli_redo_help"))
    again.add_argument("kind", choices=list(importer.KINDS), help=t("cli_kind_help"))

    blank = commands.add_parser(
        "template", parents=[language], help=t("cli_template_help")
    )
    blank.add_argument("kind", choices=list(importer.KINDS), help=t("cli_kind_help"))
    blank.add_argument("--xlsx", action="store_true", help=t("cli_xlsx_help"))
    blank.add_argument("out", type=Path, help=t("cli_out_help"))
    return parser


def _import(args: argparse.Namespace, lang: str) -> int:
    result = importer.import_file(
        args.kind, args.file, args.fiscal_year, replace_year=args.replace
    )
    year = fmt.fiscal_year(result.fiscal_year, lang)
    lines = [
        translate(
            "importer.cli_imported",
            lang,
            file=result.file,
            fiscal_year=year,
            kind=importer.KINDS[result.kind].title(lang),
            rows=result.rows,
            target=result.target,
        )
    ]
    if result.replaced:
        lines.append(
            translate(
                "importer.cli_replaced", lang, fiscal_year=year, count=result.replaced
            )
        )
    if result.converted_codes:
        lines.append(
            translate(
                "importer.cli_codes_converted", lang, count=result.converted_codes
            )
        )
    lines.append(
        translate(
            "importer.cli_backup", lang, snapshot=result.snapshot, kind=result.kind
        )
    )
    lines.append(translate("importer.cli_next_run", lang))
    print("\n".join(lines))
    return EXIT_OK


def _undo(args: argparse.Namespace, lang: str) -> int:
    return _restored(importer.undo(args.kind), "importer.cli_undone", args, lang)


def _redo(args: argparse.Namespace, lang: str) -> int:
    return _restored(importer.redo(args.kind), "importer.cli_redone", args, lang)


def _restored(
    result: importer.UndoResult, key: str, args: argparse.Namespace, lang: str
) -> int:
    print(
        translate(
            key,
            lang,
            target=result.target,
            snapshot=result.snapshot,
            kept=result.kept,
            kind=args.kind,
        )
    )
    return EXIT_OK


def _template(args: argparse.Namespace, lang: str) -> int:
    xlsx = args.xlsx or args.out.suffix.lower() == ".xlsx"
    content = (
        templates.template_xlsx(args.kind, lang)
        if xlsx
        else templates.template_csv(args.kind)
    )
    try:
        args.out.write_bytes(content)
    except OSError as error:
        raise KigyojinError(
            "importer.cannot_write",
            path=str(args.out),
            detail=error.strerror or type(error).__name__,
        ) from None
    kind = importer.KINDS[args.kind].title(lang)
    print(translate("importer.cli_template_written", lang, kind=kind, path=args.out))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, str], int]] = {
    "import": _import,
    "undo": _undo,
    "redo": _redo,
    "template": _template,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_language(argv))
    args = parser.parse_args(argv)
    lang = args.lang
    try:
        return COMMANDS[args.command](args, lang)
    except DataFileError as error:
        count = len(error.problems)
        if args.command == "import":
            head = translate(
                "importer.cli_refused", lang, file=args.file.name, count=count
            )
        else:
            target = importer.KINDS[args.kind].spec.path
            head = translate(
                "importer.cli_restore_refused", lang, target=target, count=count
            )
        body = [f"- {problem.message(lang)}" for problem in error.problems]
        print("\n".join([head, *body]), file=sys.stderr)
    except KigyojinError as error:
        print(error.message(lang), file=sys.stderr)
    except OSError as error:  # the disk is full, or the data folder is read-only
        detail = error.strerror or type(error).__name__
        path = error.filename or importer.data_dir()
        print(
            translate("importer.cannot_write", lang, path=path, detail=detail),
            file=sys.stderr,
        )
    return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
