#!/usr/bin/env python3
"""Checks every relative link in README.md and docs/*.md: the file exists in the repository and, when the link has a
#fragment, the target file has a heading with that GitHub slug. Also lists `code` spans that look like repository paths
(Sources/…, Tests/…, Scripts/…, Notebooks/…, docs/…) and do not exist. Run from the repository root."""
import glob, os, re, sys, unicodedata
root = os.getcwd()
files = ["README.md"] + sorted(glob.glob("docs/*.md"))
def slug(h):
    h = re.sub(r"`", "", h.strip()).lower()
    h = "".join(c for c in h if c.isalnum() or c in " -_" or unicodedata.category(c).startswith("L"))
    return h.replace(" ", "-")
def anchors(path):
    out, seen, fence = set(), {}, False
    for line in open(path, encoding="utf-8"):
        if line.startswith("```"): fence = not fence; continue
        if fence: continue
        m = re.match(r"#{1,6} (.*)", line)
        if m:
            s = slug(m.group(1)); n = seen.get(s, 0); seen[s] = n + 1
            out.add(s if n == 0 else f"{s}-{n}")
    return out
bad = ok = 0
for f in files:
    text = open(f, encoding="utf-8").read()
    text_nofence = re.sub(r"```.*?```", "", text, flags=re.S)
    for m in re.finditer(r"!?\[[^\]]*\]\(([^)\s]+)\)", text_nofence):
        target = m.group(1)
        if re.match(r"[a-z]+:", target): continue
        path, _, frag = target.partition("#")
        full = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        if not os.path.exists(full):
            print(f"{f}: missing file {target}"); bad += 1; continue
        if frag and full.endswith(".md") and frag not in anchors(full):
            print(f"{f}: missing anchor {target}"); bad += 1; continue
        ok += 1
    for m in re.finditer(r"`((?:Sources|Tests|Scripts|Notebooks|docs)/[^`\s]*)", text):
        p = m.group(1).rstrip("/").split("|")[0]
        if any(ch in p for ch in "<>*{}…"): continue
        if not os.path.exists(p): print(f"{f}: code path not in the repository: {m.group(1)}")
print(f"{ok} links resolve, {bad} broken")
sys.exit(1 if bad else 0)
