"""Typed errors whose messages can be shown in Japanese or English.

Every error raised for a user to act on carries a catalog key and its parameters, so
the app renders it in the user's language; `str(error)` gives the English text for
logs and notebooks.
"""

from dataclasses import dataclass, field
from typing import Any


class KigyojinError(ValueError):
    """An error with a message a user can act on, in either language."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "ja") -> str:
        """The message in `lang` ("ja" or "en")."""
        from kigyojin.i18n import translate

        return translate(self.key, lang, **self.params)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, located as precisely as we can."""

    file: str
    key: str
    row: int | None = None
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "ja") -> str:
        """The problem as one line, naming file, row and column."""
        from kigyojin.i18n import translate

        where = translate("errors.where_file", lang, file=self.file)
        if self.row is not None:
            where += translate("errors.where_row", lang, row=self.row)
        if self.column is not None:
            where += translate("errors.where_column", lang, column=self.column)
        return where + translate(self.key, lang, **self.params)


class DataFileError(KigyojinError):
    """A data file is missing or invalid; `problems` lists every issue found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(
            "errors.data_file",
            file=first.file,
            count=len(problems),
            first=first,
        )

    def message(self, lang: str = "ja") -> str:
        from kigyojin.i18n import translate

        head = translate("errors.data_file", lang, file=self.problems[0].file)
        lines = [p.message(lang) for p in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(
                translate("errors.more_problems", lang, count=len(self.problems) - 20)
            )
        return head + "\n" + "\n".join(f"- {line}" for line in lines)
