"""Concurrent edits never lose text: property tests of merge_texts.

Two editors edit the same base independently. Everything they insert is
tagged with a marker unique to the editor (‹A3›, ‹B0›), so it can be traced
through the merge whatever the alignment. In the first test every base word
or CJK character is unique too, so we know exactly which base text each
editor kept.
"""

import random
import re
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.documents.diff import sentence_tokens, word_tokens
from drafting.documents.merge import merge_texts

MARKER_RE = re.compile(r"‹[AB]\d+›")
TRACE_RE = re.compile(r"‹[AB]\d+›|w\d+|[\u4e00-\u9fff]")

EDIT_KINDS = ["insert", "insert", "insert_line", "insert_sentence", "delete", "replace", "join"]


def unique_base(rng: random.Random, n_lines: int) -> list[str]:
    """Atoms of a base text: each CJK character and each word occurs once."""
    cjk = iter(range(0x4E00, 0x9FFF))
    words = iter(range(10**6))
    atoms: list[str] = []
    for _ in range(n_lines):
        kind = rng.choice(["zh", "zh", "en", "blank"])
        if kind == "zh":
            for _ in range(rng.randint(1, 30)):
                atoms.append(chr(next(cjk)))
                r = rng.random()
                if r < 0.12:
                    atoms.append("。")
                elif r < 0.2:
                    atoms.append("，")
        elif kind == "en":
            for k in range(rng.randint(1, 10)):
                if k:
                    atoms.append(" ")
                atoms.append(f"w{next(words)}")
            atoms.append(".")
        atoms.append("\n")
    return atoms


def repetitive_base(rng: random.Random, n_lines: int) -> list[str]:
    """Atoms of a realistic base with many repeats (的, 应, the, blank lines)."""
    zh = list("样品应在温度下放置的条件试验设备宜可不")
    en = ["the", "device", "shall", "be", "tested", "at", "20", "°C"]
    atoms: list[str] = []
    for _ in range(n_lines):
        kind = rng.choice(["zh", "zh", "en", "blank"])
        if kind == "zh":
            for _ in range(rng.randint(1, 25)):
                atoms.append(rng.choice(zh))
                if rng.random() < 0.15:
                    atoms.append(rng.choice("。，；"))
        elif kind == "en":
            for k in range(rng.randint(1, 8)):
                if k:
                    atoms.append(" ")
                atoms.append(rng.choice(en))
        atoms.append("\n")
    return atoms


edit_ops = st.lists(
    st.tuples(st.sampled_from(EDIT_KINDS), st.integers(0, 400), st.integers(1, 6)),
    max_size=6,
)


def apply_edits(atoms, ops, editor):
    """Apply an edit script to base atoms.

    Returns the edited text, the indices of the atoms the editor deleted and
    the editor's markers in the order they appear in the edited text.
    """
    deleted: set[int] = set()
    inserts = defaultdict(list)
    for number, (kind, pos, length) in enumerate(ops):
        pos = pos % (len(atoms) + 1)
        if kind == "join":  # delete the next line break
            breaks = [i for i in range(pos, len(atoms)) if atoms[i] == "\n"]
            deleted.update(breaks[:1])
            continue
        if kind in ("delete", "replace"):
            deleted.update(range(pos, min(pos + length, len(atoms))))
        if kind != "delete":
            marker = f"‹{editor}{number}›"
            suffix = {"insert_line": "\n", "insert_sentence": "。"}.get(kind, "")
            inserts[pos].append((marker, marker + suffix))
    out, markers = [], []
    for i in range(len(atoms) + 1):
        for marker, text in inserts.get(i, []):
            out.append(text)
            markers.append(marker)
        if i < len(atoms) and i not in deleted:
            out.append(atoms[i])
    return "".join(out), deleted, markers


def markers_of(text, editor):
    return [m for m in MARKER_RE.findall(text) if m[1] == editor]


def traced(text, keep):
    return [t for t in TRACE_RE.findall(text) if t in keep]


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_lines=st.integers(1, 8),
    ops_a=edit_ops,
    ops_b=edit_ops,
)
def test_concurrent_edits_lose_nothing(seed, n_lines, ops_a, ops_b):
    atoms = unique_base(random.Random(seed), n_lines)
    base = "".join(atoms)
    ours, deleted_a, markers_a = apply_edits(atoms, ops_a, "A")
    theirs, deleted_b, markers_b = apply_edits(atoms, ops_b, "B")
    unique = {i for i, atom in enumerate(atoms) if TRACE_RE.fullmatch(atom)}
    kept_by_both = {atoms[i] for i in unique - deleted_a - deleted_b}
    deleted_by_one = {atoms[i] for i in unique & (deleted_a | deleted_b)}

    result = merge_texts(base, ours, theirs)

    if result.clean:
        text = result.text
        # every inserted span is there exactly once, in its editor's order
        assert markers_of(text, "A") == markers_a
        assert markers_of(text, "B") == markers_b
        # base text kept by both is there exactly once and in order ...
        expected_base = [atoms[i] for i in sorted(unique - deleted_a - deleted_b)]
        assert traced(text, kept_by_both) == expected_base
        # ... and base text deleted by either editor is gone
        assert not set(TRACE_RE.findall(text)) & deleted_by_one
        # (Where an insertion lands relative to base text the *other* editor
        # moved is not asserted: when an editor joins lines, diff may count
        # the joined text as deleted in one place and inserted in another.)
    else:
        assert result.text is None and result.conflicts
        # nobody's text is lost: the marked-up text holds every insertion,
        # and resolving to either side gives that side's insertions back
        marked = result.conflict_text()
        assert sorted(markers_of(marked, "A")) == sorted(markers_a)
        assert sorted(markers_of(marked, "B")) == sorted(markers_b)
        assert markers_of(result.resolve("ours"), "A") == markers_a
        assert markers_of(result.resolve("theirs"), "B") == markers_b
        ours_lines = ours.splitlines(keepends=True)
        theirs_lines = theirs.splitlines(keepends=True)
        base_lines = base.splitlines(keepends=True)
        for conflict in result.conflicts:
            assert conflict.ours == "".join(ours_lines[slice(*conflict.ours_lines)])
            assert conflict.theirs == "".join(theirs_lines[slice(*conflict.theirs_lines)])
            assert conflict.base == "".join(base_lines[slice(*conflict.base_lines)])
            assert conflict.ours != conflict.theirs


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_lines=st.integers(1, 10),
    ops_a=edit_ops,
    ops_b=edit_ops,
)
def test_concurrent_edits_of_repetitive_text_keep_every_insertion(seed, n_lines, ops_a, ops_b):
    atoms = repetitive_base(random.Random(seed), n_lines)
    base = "".join(atoms)
    ours, _, markers_a = apply_edits(atoms, ops_a, "A")
    theirs, _, markers_b = apply_edits(atoms, ops_b, "B")

    result = merge_texts(base, ours, theirs)

    if result.clean:
        assert markers_of(result.text, "A") == markers_a
        assert markers_of(result.text, "B") == markers_b
        # a clean merge is a merge: it changes nothing neither side changed
        if ours == base:
            assert result.text == theirs
        if theirs == base or theirs == ours:
            assert result.text == ours
    else:
        assert markers_of(result.resolve("ours"), "A") == markers_a
        assert markers_of(result.resolve("theirs"), "B") == markers_b
        assert sorted(MARKER_RE.findall(result.conflict_text())) == sorted(markers_a + markers_b)


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_lines=st.integers(1, 10),
    ops=edit_ops,
)
def test_merge_with_an_unchanged_side_is_the_changed_side(seed, n_lines, ops):
    atoms = repetitive_base(random.Random(seed), n_lines)
    base = "".join(atoms)
    edited, _, _ = apply_edits(atoms, ops, "A")

    assert merge_texts(base, edited, base).text == edited
    assert merge_texts(base, base, edited).text == edited
    assert merge_texts(base, edited, edited).text == edited


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_tokenisers_are_lossless(text):
    assert "".join(word_tokens(text)) == text
    assert "".join(sentence_tokens(text)) == text


def sentence_of_atoms(atoms):
    """The sentence number of each base atom: a sentence ends with 。, . or a line break."""
    ids, k = [], 0
    for atom in atoms:
        ids.append(k)
        if atom in ("。", ".", "\n"):
            k += 1
    return ids


def sentence_edits(atoms, ops):
    """Per base sentence: does the script insert inside it, and which of its atoms it deletes."""
    ids = sentence_of_atoms(atoms)
    inserted, deleted = set(), set()
    for kind, pos, length in ops:
        pos = pos % (len(atoms) + 1)
        if kind == "join":
            breaks = [i for i in range(pos, len(atoms)) if atoms[i] == "\n"]
            deleted.update(breaks[:1])
            continue
        if kind in ("delete", "replace"):
            deleted.update(range(pos, min(pos + length, len(atoms))))
        if kind != "delete" and 0 < pos < len(atoms) and ids[pos - 1] == ids[pos]:
            inserted.add(ids[pos])
    return ids, inserted, deleted


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_lines=st.integers(1, 6),
    ops_a=edit_ops,
    ops_b=edit_ops,
)
def test_edits_that_meet_in_one_sentence_are_a_conflict(seed, n_lines, ops_a, ops_b):
    """If A inserts inside a sentence and B inserts inside it too, or deletes a
    part of it that A kept, the merged sentence would be one neither editor
    wrote: the merge must be a conflict that keeps both versions."""
    atoms = unique_base(random.Random(seed), n_lines)
    base = "".join(atoms)
    ours, _, markers_a = apply_edits(atoms, ops_a, "A")
    theirs, _, markers_b = apply_edits(atoms, ops_b, "B")
    ids, inserted_a, deleted_a = sentence_edits(atoms, ops_a)
    _, inserted_b, deleted_b = sentence_edits(atoms, ops_b)
    # A removed line break ("join") changes no wording: only deleted words and
    # characters make a deletion meet the other editor's insertion.
    deleted_a = {i for i in deleted_a if atoms[i] != "\n"}
    deleted_b = {i for i in deleted_b if atoms[i] != "\n"}
    meet = (inserted_a & inserted_b) | {
        s
        for s in set(ids)
        if (s in inserted_a and any(ids[i] == s for i in deleted_b - deleted_a))
        or (s in inserted_b and any(ids[i] == s for i in deleted_a - deleted_b))
    }

    result = merge_texts(base, ours, theirs)

    if meet:
        assert not result.clean
        assert markers_of(result.resolve("ours"), "A") == markers_a
        assert markers_of(result.resolve("theirs"), "B") == markers_b
    if result.clean:
        assert not meet


def test_edits_in_different_sentences_of_one_paragraph_merge():
    sentences = [f"第{k}句的内容在这里。" for k in range(6)]
    base = "".join(sentences) + "\n"
    for i in range(6):
        for j in range(6):
            if i == j:
                continue
            ours = base.replace(sentences[i], sentences[i].replace("内容", "甲内容"))
            theirs = base.replace(sentences[j], sentences[j].replace("在这里", "在乙处"))
            expected = base.replace(sentences[i], sentences[i].replace("内容", "甲内容")).replace(
                sentences[j], sentences[j].replace("在这里", "在乙处")
            )
            result = merge_texts(base, ours, theirs)
            assert result.clean, (i, j)
            assert result.text == expected
