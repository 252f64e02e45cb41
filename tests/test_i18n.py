"""The catalog: every entry in both languages, every key used in code present."""

import re
import string

import pytest

from kigyojin.i18n import LANGUAGES, catalog, label, translate
from kigyojin.paths import PROJECT_DIR

# Literal catalog keys in code: t("area.entry"), tr(...), translate(...), and keys
# written as strings ending a known area, e.g. "overview.col_kind".
KEY_PATTERN = re.compile(r"""["']((?:%s)\.[A-Za-z0-9_]+)["']""")


def _code_files():
    for folder in ("kigyojin", "pages", "ui"):
        yield from (PROJECT_DIR / folder).rglob("*.py")
    yield PROJECT_DIR / "app.py"


def test_every_entry_has_both_languages() -> None:
    """No entry is missing its Japanese or English text, or has it empty."""
    incomplete = [
        key
        for key, texts in catalog().items()
        if any(not texts.get(lang, "").strip() for lang in LANGUAGES)
    ]
    assert incomplete == []


def test_both_languages_take_the_same_parameters() -> None:
    """A {field} in the Japanese text is in the English text too, and back."""
    fields = string.Formatter()
    mismatched = []
    for key, texts in catalog().items():
        names = [
            {name for _, name, _, _ in fields.parse(texts[lang]) if name}
            for lang in LANGUAGES
        ]
        if names[0] != names[1]:
            mismatched.append(key)
    assert mismatched == []


def test_every_key_used_in_code_exists() -> None:
    """A typo in a catalog key would show the key itself on screen."""
    areas = sorted({key.split(".")[0] for key in catalog()})
    pattern = re.compile(KEY_PATTERN.pattern % "|".join(areas))
    used = {
        match
        for path in _code_files()
        for match in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert used, "the pattern found no keys at all"
    assert sorted(used - set(catalog())) == []


def test_translate_fills_parameters() -> None:
    """Parameters are filled in; an unknown language falls back to Japanese."""
    assert translate("errors.where_row", "en", row=3) == ", row 3"
    assert translate("errors.where_row", "fr", row=3) == " 3行目"


@pytest.mark.parametrize(("value", "en"), [("dispatch", "Company dispatch")])
def test_labels_of_data_values(value: str, en: str) -> None:
    """Values from the data have English names; unknown ones show as they are."""
    assert label(value, "en") == en
    assert label("未知の値", "en") == "未知の値"
