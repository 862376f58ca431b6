"""Text helpers: real-world quirks (NFD text, padded codes) and ASCII folding for e-mails."""

from __future__ import annotations

import unicodedata


def nfd(text: str) -> str:
    """Decomposed Vietnamese, as some legacy systems and copy-pastes send it."""
    return unicodedata.normalize("NFD", text)


def pad_code(code: str) -> str:
    """A code with the stray whitespace real exports carry around it."""
    return f" {code} "


def ascii_fold(text: str) -> str:
    """'Nguyễn Thị Đào' -> 'Nguyen Thi Dao'."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))
