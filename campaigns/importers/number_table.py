"""Phone numbers held compactly: 12 bytes a number instead of about 110 in a dict of strings.

An import of a 3.7 M-row file has to remember every number it has seen (to spot the second
of a pair, with the line of the first) and every number already in the list. A dict of
str -> int costs about 110 bytes an entry, so 400 MB at that size; this open-addressing
table keeps each number as a 64-bit integer (a stored number has at most 15 digits and no
leading 0) beside a 32-bit line, in two arrays that double when two thirds full.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable

_SCRAMBLE = 0x9E3779B97F4A7C15  # Fibonacci hashing: neighbouring numbers land far apart
_MASK64 = (1 << 64) - 1


class NumberTable:
    """A set of phone numbers (digits, as stored), each with the line it was first seen on."""

    __slots__ = ("_keys", "_lines", "_bits", "_shift", "_mask", "_count")

    def __init__(self, numbers: Iterable[str] = (), *, capacity: int = 1024):
        bits = max(4, (max(capacity, 1) * 3 // 2).bit_length())
        self._resize(bits)
        for number in numbers:
            if _storable(number):  # a number stored before the import's rules cannot match one now
                self.add(number, 0)

    def _resize(self, bits: int) -> None:
        old_keys, old_lines = getattr(self, "_keys", None), getattr(self, "_lines", None)
        self._bits, self._shift, self._mask = bits, 64 - bits, (1 << bits) - 1
        self._keys = array("q", [0]) * (1 << bits)  # no bytes object of the same size first
        self._lines = array("i", [0]) * (1 << bits)
        self._count = 0
        if old_keys is None:
            return
        keys, lines, mask, shift = self._keys, self._lines, self._mask, self._shift
        for key, line in zip(old_keys, old_lines):
            if key:  # inlined _insert: a resize moves every number once
                slot = ((key * _SCRAMBLE) & _MASK64) >> shift
                while keys[slot]:
                    slot = (slot + 1) & mask
                keys[slot], lines[slot] = key, line
                self._count += 1

    def _slot(self, key: int) -> int:
        keys, mask = self._keys, self._mask
        slot = ((key * _SCRAMBLE) & _MASK64) >> self._shift
        while True:
            found = keys[slot]
            if found == key or not found:
                return slot
            slot = (slot + 1) & mask

    def _insert(self, key: int, line: int) -> None:
        slot = self._slot(key)
        self._keys[slot], self._lines[slot] = key, line
        self._count += 1

    def add(self, number: str, line: int) -> int:
        """Remember `number` (digits as the import stores them) as first seen on `line`; returns the
        line it was first seen on if it was (-1 when that line was not recorded), else 0."""
        # One function, no calls: it runs once for every row of every import.
        key, keys, mask = int(number), self._keys, self._mask
        slot = ((key * _SCRAMBLE) & _MASK64) >> self._shift
        while True:
            found = keys[slot]
            if found == key:
                return self._lines[slot] or -1
            if not found:
                break
            slot = (slot + 1) & mask
        if self._count * 3 >= len(keys) * 2:
            self._resize(self._bits + 1)
            self._insert(key, line)
        else:
            keys[slot], self._lines[slot] = key, line
            self._count += 1
        return 0

    def __contains__(self, number) -> bool:
        if not _storable(number):
            return False
        key = int(number)
        return self._keys[self._slot(key)] == key

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        return self._keys.itemsize * len(self._keys) + self._lines.itemsize * len(self._lines)


def _storable(number) -> bool:
    """Digits with no leading 0 and at most 18 of them: one 64-bit integer, one number."""
    return isinstance(number, str) and 0 < len(number) <= 18 and number.isascii() and number.isdigit() \
        and number[0] != "0"
