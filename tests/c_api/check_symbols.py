"""libpbgdpl_c.so exports exactly the functions pbgdpl.h declares, each at version PBGDPL_C_1.0,
and nothing else (no C++ symbol of the statically linked library, no libstdc++ template); its
SONAME is libpbgdpl_c.so.1; nothing it needs is left undefined but from the system's libraries.

usage: check_symbols.py <libpbgdpl_c.so> <pbgdpl.h>"""
import re
import subprocess
import sys


def main(lib: str, header: str) -> int:
    text = open(header, encoding="utf-8").read()
    declared = set(re.findall(r"PBGDPL_C_API\s+[^;(]*?\b(pbgdpl_\w+)\s*\(", text))
    problems = []
    if len(declared) < 20:
        problems.append(f"only {len(declared)} declarations found in {header}: the pattern is broken")

    out = subprocess.run(["readelf", "--dyn-syms", "--wide", lib], check=True, capture_output=True, text=True).stdout
    exported = {}
    for line in out.splitlines():
        f = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(f) < 8 or not f[0].endswith(":") or not f[0][:-1].isdigit():
            continue
        _, _, _, typ, bind, vis, ndx, name = f[:8]
        if ndx == "UND" or bind not in ("GLOBAL", "WEAK", "UNIQUE") or vis != "DEFAULT":
            continue
        if typ == "OBJECT" and ndx == "ABS" and name == "PBGDPL_C_1.0":
            continue  # the version node's own definition
        exported[name] = typ
    names = {}
    for full in exported:
        base, _, version = full.partition("@@") if "@@" in full else full.partition("@")
        if version != "PBGDPL_C_1.0":
            problems.append(f"exported without version PBGDPL_C_1.0: {full}")
        names[base] = version
    extra = sorted(set(names) - declared)
    missing = sorted(declared - set(names))
    if extra:
        problems.append(f"exported but not in pbgdpl.h ({len(extra)}): {extra[:20]}")
    if missing:
        problems.append(f"declared in pbgdpl.h but not exported: {missing}")

    dyn = subprocess.run(["readelf", "-d", lib], check=True, capture_output=True, text=True).stdout
    soname = re.search(r"\(SONAME\)\s+Library soname: \[(.*)\]", dyn)
    if not soname or soname.group(1) != "libpbgdpl_c.so.1":
        problems.append(f"SONAME is {soname.group(1) if soname else None}, not libpbgdpl_c.so.1")
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", dyn)

    for p in problems:
        print("FAIL:", p)
    print(f"{len(declared)} functions declared, {len(names)} exported, NEEDED: {', '.join(needed)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
