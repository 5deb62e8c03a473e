"""Reading files: a CSV that is not valid UTF-8 is refused with the true position of the first bad byte
(the parser decodes in chunks, so its own offset counts from the start of a chunk, not of the file)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from causalscope.data import read_data
from causalscope.exceptions import DataError


def test_invalid_byte_near_the_start_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"a,b\n1,2\n3,\xff4\n")  # offsets: "a,b\n" 0-3, "1,2\n" 4-7, "3," 8-9, 0xff at 10
    with pytest.raises(DataError) as info:
        read_data(path)
    msg = str(info.value)
    assert "as UTF-8 text: invalid start byte 0xff at byte offset 10 (line 3)" in msg and "bad.csv" in msg


def test_invalid_byte_far_into_the_file_is_located(tmp_path: Path) -> None:
    """Past the parser's first chunk and the scan's first 1 MiB block, after a valid two-byte character
    split across that block boundary (which must not be reported)."""
    header = b"a,b\n"
    rows = b"".join(b"%d,%d\n" % (i, i) for i in range(300_000))
    pad = (1 << 20) - 1 - len(header)  # put the first byte of "é" (0xc3 0xa9) at the block's last position
    body = header + b"x" * pad + "é".encode() + b",0\n" + rows
    assert body[(1 << 20) - 1] == 0xC3
    offset = len(body) + 2
    line = body.count(b"\n") + 1
    data = body + b"5,\xe9t\n7,8\n"
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    with pytest.raises(DataError, match=rf"invalid continuation byte 0xe9 at byte offset {offset} \(line {line}\)"):
        read_data(path)
    packed = tmp_path / "big.csv.gz"
    packed.write_bytes(gzip.compress(data))
    with pytest.raises(DataError, match=rf"at byte offset {offset} of the decompressed text \(line {line}\)"):
        read_data(packed)
