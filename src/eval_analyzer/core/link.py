"""Per-question documents joined to the results document they belong to, once every file is read.

A per-question log (`eval_results_<ts>_run<N>.jsonl`, lm-eval's `samples_<task>_<date>.jsonl`) holds answers, not
scores, and names its run only in its file name; its results file may come in the same upload, a later file of
the same folder, or not at all. So readers only record a key (`SourceDocument.attach_to`), and this step, after
all files, merges the data into the first document that offers that key (its format's `companion_keys`): the
same folder first, else the only loaded results document with that stamp. Without one, the per-question documents
of one key become a source of their own whose scores are computed from the answers.
"""

from __future__ import annotations

from eval_analyzer.core import formats
from eval_analyzer.core.document import SourceDocument
from eval_analyzer.core.errors import Problem, problem


def link_documents(documents: list[SourceDocument], problems: list[Problem]
                   ) -> tuple[list[SourceDocument], dict[int, SourceDocument]]:
    """(documents with the per-question ones merged away, id(per-question doc) -> the document holding its data)."""
    per_question = [doc for doc in documents if doc.attach_to is not None]
    if not per_question:
        return documents, {}
    others = [doc for doc in documents if doc.attach_to is None]
    exact: dict[tuple, SourceDocument] = {}
    loose: dict[tuple, list[SourceDocument]] = {}
    for name in dict.fromkeys(doc.format for doc in per_question):
        fmt = formats.BY_NAME[name]
        for doc in others:
            for key in fmt.companion_keys(doc):
                exact.setdefault(key, doc)
                candidates = loose.setdefault((key[0], key[2]), [])
                if doc not in candidates:
                    candidates.append(doc)

    seen: dict[str, SourceDocument] = {}
    groups: dict[tuple, list[SourceDocument]] = {}
    targets: dict[tuple, SourceDocument | None] = {}
    for doc in per_question:
        first = seen.get(doc.fingerprint) if doc.fingerprint else None
        if first is not None:
            problems.append(problem(doc.source_file, "source.duplicate", severity="notice", other=first.source_file))
            continue
        if doc.fingerprint:
            seen[doc.fingerprint] = doc
        key = doc.attach_to
        target = exact.get(key)
        if target is None:
            candidates = loose.get((key[0], key[2]), [])
            target = candidates[0] if len(candidates) == 1 else None
        group_key = (key, id(target)) if target is not None else (key, None)
        groups.setdefault(group_key, []).append(doc)
        targets[group_key] = target

    owner: dict[int, SourceDocument] = {}
    made: dict[int, SourceDocument] = {}  # id(first per-question doc of an orphan group) -> its own source
    for group_key, docs in groups.items():
        fmt = formats.BY_NAME[docs[0].format]
        target = targets[group_key]
        if target is not None:
            problems.extend(fmt.attach(docs, target))
            holder = target
        else:
            holder = fmt.standalone(docs)
            holder.fingerprint = ":".join(doc.fingerprint for doc in docs)
            made[id(docs[0])] = holder
        for doc in docs:
            problems.extend(doc.problems)
            doc.pending = None
            owner[id(doc)] = holder
    linked = []
    for doc in documents:
        if doc.attach_to is None:
            linked.append(doc)
        elif id(doc) in made:
            linked.append(made[id(doc)])
    return linked, owner
