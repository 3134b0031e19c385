"""Trust analysis: classified segments → practice profiles → challenge findings → report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spectrum.analysis.challenges import findings
from spectrum.analysis.evidence import Item, pseudonyms
from spectrum.analysis.profiles import profiles
from spectrum.models import Classification, Document, DocumentSummary, EngineInfo, FileProblem, TrustReport


def build_report(
    trust: str,
    classified: Iterable[tuple[Document, Sequence[Classification]]],
    engine: EngineInfo,
    problems: Sequence[FileProblem] = (),
    show_names: bool = False,
) -> TrustReport:
    """Aggregate one trust's classified documents into its report."""
    items: list[Item] = []
    docs: list[DocumentSummary] = []
    for doc, cs in classified:
        items.extend(Item(c, doc) for c in cs)
        speakers = {t.speaker: t.role for t in doc.turns}
        docs.append(DocumentSummary(id=doc.id, title=doc.title, source=doc.source, kind=doc.kind,
                                    format=doc.format, segments=len(cs), speakers=speakers))
    names = {} if show_names else pseudonyms(items)
    if names:
        docs = [d.model_copy(update={"speakers": {names.get(k, k): v for k, v in d.speakers.items()}}) for d in docs]
    practices = profiles(items, names)
    return TrustReport(
        trust=trust,
        engine=engine,
        documents=sorted(docs, key=lambda d: d.source),
        practices=practices,
        findings=findings(items, practices, names),
        problems=list(problems),
    )
