#!/usr/bin/env python3
"""Checks that the README's Inputs and Outputs tables match action.yml exactly:
the same names in the same order, the same required flag, default and description; and
that every table of the README and of docs/*.md has as many cells in each row as in its
header (a `|` inside a cell must be written `\\|`)."""
import glob
import re
import sys

import yaml

action = yaml.safe_load(open("action.yml"))
readme = open("README.md").read()


def table(heading):
    """Rows of the first table after a `### heading` line, as lists of cell texts."""
    section = readme.split(f"\n### {heading}\n", 1)[1].lstrip("\n")
    lines = section.split("\n\n", 1)[0].splitlines()
    return [[c.strip() for c in l.strip("|").split("|")] for l in lines[2:]]


def unquote(cell):
    return re.sub(r"^`(.*)`$", r"\1", cell)


problems = []
expected = [
    [name, "yes" if spec.get("required") else "no", spec.get("default", ""), spec["description"]]
    for name, spec in action["inputs"].items()
]
found = [[unquote(c) for c in row] for row in table("Inputs")]
if found != expected:
    problems.append(f"Inputs table differs from action.yml:\n  README:     {found}\n  action.yml: {expected}")
expected = [[name, spec["description"]] for name, spec in action["outputs"].items()]
found = [[unquote(c) for c in row] for row in table("Outputs")]
if found != expected:
    problems.append(f"Outputs table differs from action.yml:\n  README:     {found}\n  action.yml: {expected}")


def cells(line):
    return len(re.split(r"(?<!\\)\|", line.strip().strip("|")))


for page in ["README.md", *sorted(glob.glob("docs/*.md"))]:
    header = None
    fenced = False
    for number, line in enumerate(open(page).read().splitlines(), 1):
        fenced = fenced != line.startswith("```")
        if fenced or not line.startswith("|"):
            header = None
            continue
        if header is None:
            header = cells(line)
        elif cells(line) != header:
            problems.append(f"{page}:{number}: {cells(line)} cells in a table of {header} columns")
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
