"""Build resources/rules/icd10cm-2026-04.tsv.gz from the simple-icd-10-cm 1.5.0 wheel (MIT).

Run once by hand, not at run time:  python extract_icd10cm.py <unzipped wheel>/simple_icd_10_cm/data
Keeps only billable codes (the leaves of CMS's code list: a code with no longer code under it)
with their description from CMS's tabular XML; a 7th-character code reads "<its base's
description>, <the 7th character's meaning>" as the tabular defines it.
"""

import gzip
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HEADER = (
    "# ICD-10-CM April 1, 2026 update (CMS/NCHS), billable codes only\n"
    "# source: simple-icd-10-cm 1.5.0 (MIT, https://github.com/StefanoTrv/simple_icd_10_CM),"
    " files code-list-April-2026.txt and icd10c-tabular-April-1-2026.xml\n"
    "# effective_from: 2026-04-01\n"
    "# effective_to: 2026-09-30\n"
    "# columns: code (no dot) TAB description\n"
)


def main(data: Path, out: Path) -> None:
    codes = [c.strip() for c in (data / "code-list-April-2026.txt").read_text().splitlines()]
    # The list names six 3-character codes twice (B20, F99, P84, R99, T07, Z66): keep each once.
    codes = list(dict.fromkeys(c for c in codes if c and "-" not in c and not c.isdigit()))
    known = set(codes)
    leaves = [c for c in codes
              if not any(c + x in known for x in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")]
    descs: dict[str, str] = {}
    seventh: dict[str, dict[str, str]] = {}

    def walk(node: ET.Element, inherited: dict[str, str]) -> None:
        for d in node.findall("diag"):
            name = (d.findtext("name") or "").replace(".", "")
            descs[name] = " ".join((d.findtext("desc") or "").split())
            defs = d.find("sevenChrDef")
            mine = ({e.get("char", ""): " ".join((e.text or "").split())
                     for e in defs.findall("extension")} if defs is not None else inherited)
            if mine:
                seventh[name] = mine
            walk(d, mine)

    root = ET.parse(data / "icd10c-tabular-April-1-2026.xml").getroot()
    for chapter in root.findall("chapter"):
        for section in chapter.findall("section"):
            walk(section, {})
    rows = []
    for c in leaves:
        if c in descs:
            rows.append((c, descs[c]))
            continue
        base = c[:-1].rstrip("X")
        while base and base not in descs:
            base = base[:-1]
        ext = seventh.get(base, {}).get(c[-1], "")
        rows.append((c, f"{descs.get(base, '')}, {ext}" if ext else descs.get(base, "")))
    with gzip.GzipFile(out, "wb", mtime=0) as f:
        f.write((HEADER + "".join(f"{c}\t{d}\n" for c, d in rows)).encode())
    print(len(rows), "billable codes,", sum(1 for _, d in rows if not d), "without description")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
