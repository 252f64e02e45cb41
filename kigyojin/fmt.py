"""Numbers, yen and fiscal years written the way each language expects.

Japanese: 令和6年度, 5,600,000円 (560万円), 45.0%. English: FY2024, ¥5,600,000, 45.0%.
"""

# The first fiscal year of each era that the programme's data can reach.
REIWA_START = 2019
HEISEI_START = 1989
MAN = 10_000


def fiscal_year(year: int, lang: str = "ja") -> str:
    """A fiscal year (the calendar year it starts in) as 令和6年度 or FY2024."""
    year = int(year)
    if lang == "en":
        return f"FY{year}"
    if year >= REIWA_START:
        number = year - REIWA_START + 1
        return f"令和{'元' if number == 1 else number}年度"
    return f"平成{year - HEISEI_START + 1}年度"


def fiscal_year_short(year: int, lang: str = "ja") -> str:
    """A compact label for chart axes: R6 or FY2024."""
    year = int(year)
    if lang == "en":
        return f"FY{year}"
    if year >= REIWA_START:
        return f"R{year - REIWA_START + 1}"
    return f"H{year - HEISEI_START + 1}"


def number(value: float | int, digits: int = 0) -> str:
    """A number with thousands separators."""
    return f"{value:,.{digits}f}"


def signed(value: float | int, digits: int = 0) -> str:
    """A change with its sign: +161, −28, ±0."""
    if value == 0:
        return "±0"
    sign = "+" if value > 0 else "−"
    return sign + number(abs(value), digits)


def yen(value: float | int, lang: str = "ja") -> str:
    """An amount of yen: 5,600,000円 or ¥5,600,000."""
    value = round(value)
    if lang == "en":
        return ("−" if value < 0 else "") + f"¥{abs(value):,}"
    return f"{value:,}円"


def man_yen(value: float | int) -> str:
    """A large amount in 万円, as Japanese readers scan it: 560万円, 12.5万円."""
    amount = value / MAN
    text = f"{amount:,.1f}".rstrip("0").rstrip(".")
    return f"{text}万円"


def yen_long(value: float | int, lang: str = "ja") -> str:
    """Yen with the 万円 form beside it in Japanese: 5,600,000円（560万円）."""
    if lang == "en" or abs(value) < MAN:
        return yen(value, lang)
    return f"{yen(value, lang)}（{man_yen(value)}）"


def percent(value: float, digits: int = 1) -> str:
    """A share already in percent: 45.0%."""
    return f"{value:.{digits}f}%"


def people(value: int, lang: str = "ja") -> str:
    """A count of people: 779人 or 779 people."""
    return f"{value:,} people" if lang == "en" else f"{value:,}人"
