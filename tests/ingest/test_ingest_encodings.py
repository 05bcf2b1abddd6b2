"""Encodings: real cp1252 and BOM files from the Dalpiaz backlogs, UTF-16, cp1252; no BOM, no mojibake."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.repository import load_items
from ingest import ingest_paths
from ingest.encoding import decode_bytes

MOJIBAKE = ("Ã", "â€", "Â", "\ufffd", "\ufeff")


def _texts(ws) -> list[str]:
    with ws.transaction() as s:
        return [i.text for i in load_items(s)]


def test_real_cp1252_and_bom_backlogs_decode_cleanly(shared_datasets: Path) -> None:
    folder = shared_datasets / "stories" / "dalpiaz_2018"
    bom = folder / "g02-federalspending.txt"
    cp1252 = folder / "g13-planningpoker.txt"
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    raw = cp1252.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text, encoding = decode_bytes(bom.read_bytes(), bom.name)
    assert encoding == "utf-8-sig" and text.startswith("As a")
    text, encoding = decode_bytes(raw, cp1252.name)
    assert encoding == "cp1252" and "\u2019" in text  # the 0x92 byte is a right single quote
    for path in sorted(folder.glob("*.txt")):
        text, _ = decode_bytes(path.read_bytes(), path.name)
        assert not any(m in text for m in MOJIBAKE), path.name
        assert not any(0x4E00 <= ord(c) <= 0x9FFF or ord(c) > 0xFFFF for c in text), f"{path.name} decoded as CJK"


def test_ingesting_real_backlogs_keeps_line_rows_and_no_bom(workspace, shared_datasets: Path) -> None:
    folder = shared_datasets / "stories" / "dalpiaz_2018"
    files = [folder / "g02-federalspending.txt", folder / "g05-openspending.txt", folder / "g24-unibath.txt"]
    report = ingest_paths(workspace, files)
    encodings = {f.path.rsplit("/", 1)[-1]: f.encoding for f in report.files}
    assert encodings["g02-federalspending.txt"] == "utf-8-sig" and encodings["g24-unibath.txt"] == "cp1252"
    texts = _texts(workspace)
    assert all(t.startswith("As ") or t[0].isalpha() for t in texts)
    assert not any(m in t for t in texts for m in MOJIBAKE)
    with workspace.transaction() as s:
        g05 = [i for i in load_items(s) if i.source.path.endswith("g05-openspending.txt")]
    # g05 separates one-line stories with blank lines: still one item per line, rows are physical lines.
    assert [i.source.row for i in g05[:3]] == [1, 3, 5]
    lines = (folder / "g05-openspending.txt").read_text(encoding="utf-8").split("\n")
    assert g05[1].text == lines[2].strip()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])
def test_csv_in_each_encoding_round_trips(workspace, tmp_path, encoding) -> None:
    text = "review,author\n\"Café invoices – naïve “quotes” don’t break\",Zoë\nRésumé export,Jürgen\n"
    if encoding == "latin-1":
        text = text.replace("–", "-").replace("“", '"').replace("”", '"').replace("’", "'").replace('"Caf', "Caf").replace('break"', "break")
    path = tmp_path / f"r-{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    ingest_paths(workspace, [path])
    with workspace.transaction() as s:
        items = load_items(s)
    expected = text.split("\n")[1].rsplit(",", 1)[0].strip('"')
    assert items[0].text == expected and items[0].metadata["author"] == "Zoë"
    assert items[1].text == "Résumé export" and items[1].metadata["author"] == "Jürgen"


def test_utf8_and_cp1252_lines_mixed_in_one_file() -> None:
    data = "café\n".encode("utf-8") + "naïve “x”\n".encode("cp1252")
    text, encoding = decode_bytes(data, "mixed.txt")
    assert text == "café\nnaïve “x”\n" and encoding == "utf-8+cp1252"


def test_undetectable_encoding_is_an_error_naming_the_file() -> None:
    with pytest.raises(IngestError, match=r"^weird\.txt: cannot detect the text encoding"):
        decode_bytes(bytes(range(0x80, 0x100)) * 40, "weird.txt")
