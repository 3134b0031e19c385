"""Exchange with qualitative-analysis tools (NVivo, ATLAS.ti, MAXQDA, QualCoder) through REFI-QDA.

Researchers trust an automatic coder only if they can open its codings in their own tool and
measure it against their own coders. The modules here each do one part of that: the codebook
(``codes``, ``codebook``), the engine's codings as QDA codings (``coding``), writing and reading
``.qdpx`` projects (``project_export``, ``project_import``), mapping other people's code names onto
ours (``mapping``), lining human selections up with engine segments (``align``), agreement
statistics (``agreement``) and the CSV tables researchers ask for (``tables``).
"""
