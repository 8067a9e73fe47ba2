#!/usr/bin/env python3
"""lib/core's rooms (docs/ARCHITECTURE.md, "Rooms of lib/core"): every source and header sits in
a room, and no include runs from a room to one after it in the order below, except the ones
listed in ALLOWED (each named in that section of docs/ARCHITECTURE.md).

usage: check_rooms.py SOURCE_DIR
"""
import pathlib
import re
import sys

ORDER = ["base", "data", "serving", "options", "finance"]
ALLOWED = {
    ("lib/core/src/options/evaluators.hpp", "finance/diff.hpp"),
    ("lib/core/src/options/evaluators.hpp", "finance/finance.hpp"),
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"(?:plan/core/)?(\w+)/(\w+\.hpp)"', re.M)


def room_of(rel: pathlib.PurePath) -> str | None:
    parts = rel.parts  # lib/core/src/ROOM/x.cpp or lib/core/include/plan/core/ROOM/x.hpp
    room = parts[3] if parts[2] == "src" else parts[5]
    return room if room in ORDER and len(parts) == (5 if parts[2] == "src" else 7) else None


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    problems = []
    files = sorted(p for p in (root / "lib/core").rglob("*") if p.suffix in (".cpp", ".hpp"))
    for path in files:
        rel = path.relative_to(root)
        room = room_of(rel)
        if room is None:
            problems.append(f"{rel}: not in a room ({', '.join(ORDER)})")
            continue
        text = path.read_text(encoding="utf-8")
        for m in INCLUDE.finditer(text):
            target, name = m.group(1), m.group(2)
            if target not in ORDER or ORDER.index(target) <= ORDER.index(room):
                continue
            if (str(rel), f"{target}/{name}") in ALLOWED:
                continue
            line = text.count("\n", 0, m.start()) + 1
            problems.append(f"{rel}:{line}: {room}/ includes {target}/{name}, a room after it")
    for p in problems:
        print(p)
    print(f"check_rooms: {len(files)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
