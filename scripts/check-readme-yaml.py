#!/usr/bin/env python3
"""Every ```yaml block in the README and in docs/*.md parses as YAML, and those that are
whole workflows (with `on` and `jobs`) pass actionlint: a snippet users copy must work as
written. (The README's GitLab block is run by scripts/test-gitlab.sh.)"""
import glob
import os
import re
import subprocess
import sys
import tempfile

import yaml

blocks = []
for page in ["README.md", *sorted(glob.glob("docs/*.md"))]:
    found = re.findall(r"```yaml\n(.*?)```", open(page).read(), re.S)
    blocks += [(f"{page} block {n}", block) for n, block in enumerate(found, 1)]
problems = []
workflows = []
for number, block in blocks:
    try:
        doc = yaml.safe_load(block)
    except yaml.YAMLError as err:
        problems.append(f"{number} does not parse: {err}")
        continue
    # PyYAML reads the key `on` as the boolean True.
    if isinstance(doc, dict) and "jobs" in doc and (True in doc or "on" in doc):
        workflows.append((number, block))
with tempfile.TemporaryDirectory() as tmp:
    paths = []
    for number, block in workflows:
        path = os.path.join(tmp, re.sub(r"\W+", "-", number) + ".yml")
        with open(path, "w") as f:
            f.write(block)
        paths.append(path)
    if paths:
        run = subprocess.run(["actionlint", "-no-color", *paths], capture_output=True, text=True)
        if run.returncode != 0:
            problems.append("actionlint on the workflows of the README and docs/:\n" + run.stdout + run.stderr)
print(f"{len(blocks)} yaml blocks, {len(workflows)} whole workflows", file=sys.stderr)
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
