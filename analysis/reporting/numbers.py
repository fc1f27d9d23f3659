"""Numbers as people write them, for figures, tooltips, tables and prose: powers of ten instead of e-notation,
SI suffixes for counts."""

from __future__ import annotations

import math
import re

import pandas as pd

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_E_NUMBER = re.compile(r"(?<![\w.\-])(-?\d+(?:\.\d+)?)e([+-]?\d+)(?![\w.])")


def pow10(value: float, digits: int = 2) -> str:
    """A number in powers of ten as people write it: 1e25 -> '10²⁵', 3.2e24 -> '3.2×10²⁴' (``digits`` significant)."""
    if value is None or not math.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    text = f"{value:.{max(digits, 1) - 1}e}"
    return _from_e(re.match(r"(-?[\d.]+)e([+-]\d+)", text))


def _from_e(m: re.Match) -> str:
    mant, exp = m.group(1), int(m.group(2))
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    power = "10" + str(exp).translate(_SUPERSCRIPT)
    if mant in ("1", "-1"):
        return ("-" if mant == "-1" else "") + power
    return f"{mant}×{power}"


def no_e_notation(text: str) -> str:
    """Rewrite every e-notation number in ``text`` ('2.6e+10', '1e23') as '2.6×10¹⁰', '10²³'."""
    return _E_NUMBER.sub(_from_e, text)


def format_number(fmt: str, value) -> str:
    """``fmt.format(value)`` for prose, with e-notation rewritten as powers of ten (see :func:`no_e_notation`)."""
    return no_e_notation(fmt.format(value))


_SI = ((1e12, " T"), (1e9, " B"), (1e6, " M"), (1e3, " k"))


def si(value, digits: int = 3) -> str:
    """A count for tables and prose: 8.03e9 -> '8.03 B', 1.5e13 -> '15 T', 640 -> '640'; huge values (FLOP) in
    powers of ten; missing -> '–'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or pd.isna(value):
        return "–"
    v = float(value)
    if abs(v) >= 1e15:
        return pow10(v, digits)
    for scale, suffix in _SI:
        if abs(v) >= scale:
            return f"{v / scale:.{digits}g}{suffix}"
    return f"{v:.{digits}g}"
