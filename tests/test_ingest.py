"""Ingestion: every format gives documents with positions; every bad input gives one clear error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import make_docx, make_pdf, make_zip_bomb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spectrum.errors import IngestError
from spectrum.ingest import ingest, read
from spectrum.ingest.clean import clean_text
from spectrum.ingest.decode import decode_text
from spectrum.ingest.kinds import infer_role
from spectrum.models import Document


def by_name(docs: list[Document]) -> dict[str, Document]:
    return {Path(d.source).name: d for d in docs}


def test_ingest_reads_one_file_of_each_format(sample_folder: Path) -> None:
    result = ingest([sample_folder])
    assert result.problems == []
    docs = by_name(result.documents)
    assert set(docs) == {
        "curriculum-policy.md", "about.html", "review-report.pdf", "annual-report.docx",
        "head-interview.txt", "ceo.vtt", "trustee.srt", "rows.jsonl#r1", "rows.jsonl#r2",
    }


def test_ingest_markdown_headings_become_sections(sample_folder: Path) -> None:
    doc = next(read(sample_folder / "curriculum-policy.md"))
    assert [s.title for s in doc.sections] == ["Curriculum policy", "Scope", "Foundation subjects"]
    assert doc.kind == "policy"
    assert doc.title == "Curriculum policy"


def test_ingest_html_keeps_main_text_only(sample_folder: Path) -> None:
    doc = next(read(sample_folder / "about.html"))
    assert "Each school decides its own behaviour policy." in doc.text
    assert "We share what works." in doc.text
    for noise in ("var x", "Home", "Registered in England", "p{}"):
        assert noise not in doc.text
    assert doc.kind == "web_page"
    assert doc.title == "Our approach"


def test_ingest_pdf_keeps_page_numbers(sample_folder: Path) -> None:
    doc = next(read(sample_folder / "review-report.pdf"))
    assert [p.number for p in doc.pages] == [1, 2]
    second = doc.text.index("Heads told reviewers")
    assert doc.pages[1].start <= second
    assert doc.kind == "inspection"


def test_ingest_docx_reads_headings_and_tables(sample_folder: Path) -> None:
    doc = next(read(sample_folder / "annual-report.docx"))
    assert [s.title for s in doc.sections] == ["Trustees' report", "Central services"]
    assert "Finance | Top-slice of 5%" in doc.text
    assert doc.kind == "annual_report"


def test_ingest_plain_transcript_turns_and_roles(sample_folder: Path) -> None:
    doc = next(read(sample_folder / "head-interview.txt"))
    assert doc.kind == "interview"
    assert [(t.speaker, t.role) for t in doc.turns] == [
        ("Interviewer", "interviewer"), ("Jo Bell", "headteacher"),
        ("Interviewer", "interviewer"), ("Jo Bell", "headteacher"),
    ]
    assert doc.text[doc.turns[1].start:doc.turns[1].end].startswith("Honestly, we do our own thing.")


def test_ingest_exported_transcript_with_header_lines(tmp_path: Path) -> None:
    # Recording tools put the speaker and time on a line of their own and the words below it.
    path = tmp_path / "review-call.txt"
    path.write_text(
        "Review call, spring term\n\n"
        "Speaker 1  0:03\nThanks for joining. How is the curriculum decided here?\n\n"
        "Dana Okoro (Headteacher)  0:09\nThe trust gives us the long-term plans and we follow them.\n"
        "We can't change the order.\n\n"
        "Speaker 1  1:02:21\nAnd behaviour?\n\n"
        "Dana Okoro  1:02:24\nBehaviour's ours.\n",
        encoding="utf-8",
    )
    doc = next(read(path))
    assert doc.kind == "interview"
    assert [(t.speaker, t.timestamp) for t in doc.turns] == [
        ("Speaker 1", "0:03"), ("Dana Okoro", "0:09"), ("Speaker 1", "1:02:21"), ("Dana Okoro", "1:02:24"),
    ]
    assert doc.text[doc.turns[1].start:doc.turns[1].end].startswith("The trust gives us the long-term plans")
    assert {t.speaker: t.role for t in doc.turns} == {"Speaker 1": "interviewer", "Dana Okoro": "headteacher"}


def test_ingest_transcript_with_the_time_in_brackets_after_the_name(tmp_path: Path) -> None:
    # Transcription services write "Name (00:01:05):"; the brackets hold the time, not a role.
    path = tmp_path / "interview.txt"
    path.write_text(
        "Interviewer (00:00:01):\nHow is the curriculum decided across your schools?\n\n"
        "Respondent (00:00:09):\nWe all teach the same units.\n\n"
        "Interviewer (00:00:30):\nAnd assessment?\n\n"
        "Deputy Head (01:02:33.5): Each school picks its own tests.\n",
        encoding="utf-8",
    )
    doc = next(read(path))
    assert [(t.speaker, t.role, t.timestamp) for t in doc.turns] == [
        ("Interviewer", "interviewer", "00:00:01"), ("Respondent", "unknown", "00:00:09"),
        ("Interviewer", "interviewer", "00:00:30"), ("Deputy Head", "headteacher", "01:02:33.5"),
    ]


def _written(path: Path, text: str) -> Document:
    """The document read back from ``text`` written to ``path``."""
    path.write_text(text, encoding="utf-8")
    return next(read(path))


def _turns(path: Path, text: str) -> list[tuple[str, str, str]]:
    """(speaker, role, words) for each turn of the transcript ``text`` written to ``path``."""
    doc = _written(path, text)
    assert doc.kind == "interview"
    return [(t.speaker, t.role, doc.text[t.start:t.end]) for t in doc.turns]


def test_bold_speaker_labels_keep_no_markup_in_the_words(tmp_path: Path) -> None:
    # Notes written in Markdown bold the label, with the colon inside or outside the bold.
    turns = _turns(tmp_path / "notes.txt",
        "**Interviewer:** Who plans the curriculum?\n**Headteacher**: The trust writes it and we teach it.\n"
        "**Interviewer:** Can you change it?\n**Headteacher:** Only the order of units.\n")
    assert turns[1] == ("Headteacher", "headteacher", "The trust writes it and we teach it.")
    assert turns[2] == ("Interviewer", "interviewer", "Can you change it?")


def test_a_role_after_a_comma_in_the_label_is_the_role(tmp_path: Path) -> None:
    turns = _turns(tmp_path / "review.txt",
        "Ann Lowe, Peer Reviewer: How is the curriculum decided?\n"
        "Tom Reid, Headteacher: The trust writes it and every school teaches it.\n"
        "So, the CEO: she signs it off.\n"
        "Ann Lowe, Peer Reviewer: And assessment?\nTom Reid, Headteacher: We use the trust's windows.\n")
    assert [(s, r) for s, r, _ in turns] == [("Ann Lowe", "interviewer"), ("Tom Reid", "headteacher")] * 2
    assert turns[1][2].endswith("So, the CEO: she signs it off.")


def test_markdown_is_read_as_an_interview_only_when_its_name_says_so(tmp_path: Path) -> None:
    talk = ("# Notes\n\n**Interviewer:** How is the curriculum decided?\n\n**Sam:** The trust writes it.\n\n"
            "**Interviewer:** And behaviour?\n\n**Sam:** Each school decides.\n")
    doc = _written(tmp_path / "interview-ceo.md", talk)
    assert doc.kind == "interview" and doc.sections[0].title == "Notes"
    assert [(t.speaker, t.role) for t in doc.turns][:2] == [("Interviewer", "interviewer"), ("Sam", "ceo")]
    faq = talk.replace("**Interviewer:**", "**Q:**").replace("**Sam:**", "**A:**")
    assert _written(tmp_path / "joining-the-trust-faq.md", faq).turns == []


def test_a_web_page_is_read_as_an_interview_only_when_its_name_says_so(tmp_path: Path) -> None:
    page = ("<html><head><title>Five questions for our chief executive</title></head><body><main>"
            "<h1>Five questions</h1><p><strong>Q:</strong> How is the curriculum decided?</p>"
            "<p><strong>A:</strong> Every school teaches the trust curriculum.</p>"
            "<p><strong>Q:</strong> And behaviour?</p><p><strong>A:</strong> Each school decides.</p></main></body></html>")
    doc = _written(tmp_path / "interview-with-our-ceo.html", page)
    assert doc.kind == "interview" and doc.title == "Five questions for our chief executive"
    assert [(t.speaker, t.role) for t in doc.turns] == [("Q", "interviewer"), ("A", "ceo")] * 2
    doc = _written(tmp_path / "joining-the-trust-faq.html", page)
    assert doc.turns == [] and doc.kind == "web_page"


def test_question_and_answer_write_ups_are_transcripts(tmp_path: Path) -> None:
    turns = _turns(tmp_path / "qa.txt",
        "Interview with a primary head\nQ. How is behaviour managed?\nA. Each school writes its own policy.\n"
        "Q. And training?\nA. The trust runs one programme for all of us.\n")
    assert [(s, r) for s, r, _ in turns] == [("Q", "interviewer"), ("A", "headteacher")] * 2  # "a primary head"
    assert turns[3][2] == "The trust runs one programme for all of us."


def test_a_dash_starts_a_turn_only_after_a_role_or_speaker_code(tmp_path: Path) -> None:
    turns = _turns(tmp_path / "dash.txt",
        "Interviewer – How are staff trained?\n"
        "Head of School – Every teacher does the same coaching programme.\n"
        "Well – we chose it together, to be fair.\n"
        "Interviewer – Who designed it?\nR2 – A working group from all six schools.\n")
    assert [(s, r) for s, r, _ in turns] == [
        ("Interviewer", "interviewer"), ("Head of School", "headteacher"),
        ("Interviewer", "interviewer"), ("R2", "unknown")]
    assert turns[1][2].endswith("Well – we chose it together, to be fair.")


def test_speech_recognition_exports_with_bracketed_speaker_codes(tmp_path: Path) -> None:
    lines = ["[SPEAKER_00]: How is the curriculum planned?", "[SPEAKER_01]: The trust writes the units.",
             "[SPEAKER_00]: And behaviour?", "[SPEAKER_01]: Each school writes its own policy."]
    turns = _turns(tmp_path / "diarised.txt", "\n".join(lines) + "\n")
    assert turns[:2] == [("SPEAKER_00", "interviewer", "How is the curriculum planned?"),
                         ("SPEAKER_01", "unknown", "The trust writes the units.")]
    srt = "".join(f"{n}\n00:00:0{n},000 --> 00:00:0{n},900\n{line}\n\n" for n, line in enumerate(lines, 1))
    assert _turns(tmp_path / "diarised.srt", srt) == turns


def test_a_role_on_a_line_of_its_own_opens_a_turn_but_a_heading_does_not(tmp_path: Path) -> None:
    turns = _turns(tmp_path / "typed.txt",
        "Interview 6\n\nInterviewer\nHow is the curriculum planned?\n\nHeadteacher\nThe trust writes the units.\n"
        "We can change the order.\n\nInterviewer\nAnd behaviour?\n\nHeadteacher\nThat is ours.\n")
    assert [(s, r) for s, r, _ in turns] == [("Interviewer", "interviewer"), ("Headteacher", "headteacher")] * 2
    assert turns[1][2] == "The trust writes the units. We can change the order."
    path = tmp_path / "curriculum-policy.txt"
    path.write_text("Curriculum Policy\n\nPurpose\nThis policy sets out the curriculum.\n\nImplementation\n"
                    "Schools teach the units.\n\nPurpose\nThis part covers assessment.\n\nImplementation\n"
                    "Schools use common tests.\n", encoding="utf-8")
    doc = next(read(path))
    assert doc.turns == [] and [doc.text[a:b] for a, b in doc.paragraphs][3:5] == ["Implementation", "Schools teach the units."]


def test_header_lines_with_the_time_in_brackets(tmp_path: Path) -> None:
    turns = _turns(tmp_path / "edited.txt",
        "Speaker 1 [00:00:02]\nHow is the curriculum planned?\n\n"
        "Jane Smith (Headteacher) (00:00:09)\nThe trust writes the units.\n\n"
        "Speaker 1 [00:00:20]\nAnd behaviour?\n\nJane Smith (Headteacher) (00:00:25)\nThat is ours.\n")
    assert turns[:2] == [("Speaker 1", "interviewer", "How is the curriculum planned?"),
                         ("Jane Smith", "headteacher", "The trust writes the units.")]


def test_video_call_export_with_bracketed_names(tmp_path: Path) -> None:
    turns = _turns(tmp_path / "call.txt",
        "[Interviewer] 10:02:11\nHow is the curriculum planned?\n\n"
        "[Priya Shah] 10:02:30\nEach subject has a trust lead.\n\n"
        "[Interviewer] 10:03:05\nWho sets assessment windows?\n\n"
        "[Priya Shah] 10:03:15\nThe trust, three a year.\n")
    assert [(s, w) for s, _, w in turns][:2] == [
        ("Interviewer", "How is the curriculum planned?"), ("Priya Shah", "Each subject has a trust lead.")]


def test_meeting_tool_cue_layout_with_surname_first(tmp_path: Path) -> None:
    # An older meeting-tool export: a cue time line, the speaker as "Surname, First", then the words.
    path = tmp_path / "meeting.txt"
    path.write_text(
        "0:0:0.0 --> 0:0:5.120\nSmith, Jane\nHow is school improvement organised?\n\n"
        "0:0:5.120 --> 0:0:14.400\nJones, Mark\nThe director of education visits each term.\n\n"
        "0:1:2.0 --> 0:1:4.0\nSmith, Jane\nAnd the curriculum?\n\n"
        "0:1:10.0 --> 0:1:20.0\nJones, Mark\nEnglish and maths are the trust's; the rest is ours.\n",
        encoding="utf-8")
    doc = next(read(path))
    assert [(t.speaker, t.role, t.timestamp) for t in doc.turns][:2] == [
        ("Jane Smith", "interviewer", "0:00:00"), ("Mark Jones", "unknown", "0:00:05")]
    assert doc.text[doc.turns[3].start:doc.turns[3].end] == "English and maths are the trust's; the rest is ours."


def test_duties_listed_by_role_in_a_policy_are_not_a_transcript(tmp_path: Path) -> None:
    # "Role: duty" lines name roles as a transcript does, but nobody speaks twice or asks anything.
    path = tmp_path / "behaviour.txt"
    path.write_text(
        "Behaviour Policy\n\nRoles and responsibilities\n"
        "The Chair of Trustees: approve this policy and monitor exclusions each term.\n"
        "CEO: reports exclusion trends to the board.\n"
        "Headteacher: make sure the policy is applied in the academy.\n"
        "Class teacher: use the agreed routines in every lesson.\n\n"
        "Each academy keeps its own reward system.\n", encoding="utf-8")
    doc = next(read(path))
    assert doc.turns == [] and doc.kind != "interview"


def _roles(path: Path, text: str) -> dict[str, str]:
    """Each speaker's role in the transcript ``text`` written to ``path``."""
    return {t.speaker: t.role for t in _written(path, text).turns}


def test_unknown_speaker_who_mostly_asks_is_the_interviewer(tmp_path: Path) -> None:
    roles = _roles(tmp_path / "interview.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Alex Kerr>Who writes the assessments?</v>\n\n"
        "00:00:04.000 --> 00:00:08.000\n<v Sam Reid>The trust does, and every school sits them.</v>\n\n"
        "00:00:09.000 --> 00:00:10.000\n<v Alex Kerr>Every school?</v>\n\n"
        "00:00:11.000 --> 00:00:14.000\n<v Sam Reid>All of them. Why would we not?</v>\n",
    )
    assert roles == {"Alex Kerr": "interviewer", "Sam Reid": "unknown"}


def test_an_interviewer_who_prompts_and_says_right_between_answers_is_the_interviewer(tmp_path: Path) -> None:
    # Exported transcripts name no roles; interviewers prompt ("Tell me about ...") as often as they
    # ask, and "Right." or "Mm-hmm." between answers is listening, neither asking nor answering.
    roles = _roles(tmp_path / "export.txt",
        "Speaker 1  0:02\nOkay, thanks for this. Tell me how the curriculum works across the trust.\n\n"
        "Speaker 2  0:09\nIn the core subjects we all teach the units written centrally.\n\n"
        "Speaker 1  0:24\nRight.\n\nSpeaker 2  0:25\nThe foundation subjects are more up to us.\n\n"
        "Speaker 1  0:33\nMm-hmm. And talk me through how assessment is done.\n\n"
        "Speaker 2  0:38\nThree common assessment points a year.\n\n"
        "Speaker 1  0:47\nYeah.\n\nSpeaker 2  0:48\nWhich we did not have a say in.\n\n"
        "Speaker 1  0:52\nAnd behaviour, is that the same?\n\n"
        "Speaker 2  0:55\nNo. So we talk about it at heads' meetings, but each school writes its own policy.\n")
    assert roles == {"Speaker 1": "interviewer", "Speaker 2": "unknown"}


def test_the_one_person_interviewed_takes_the_role_the_file_or_heading_names(tmp_path: Path) -> None:
    qa = "Q. How is behaviour managed?\nA. Each school writes its own policy.\nQ. And training?\nA. The trust runs it.\n"
    assert _roles(tmp_path / "interview-headteacher-oak.txt", qa) == {"Q": "interviewer", "A": "headteacher"}
    assert _roles(tmp_path / "notes-3.txt", "Interview with the CEO\n" + qa) == {"Q": "interviewer", "A": "ceo"}
    # two roles named, or more than one person answering: nothing is guessed
    assert _roles(tmp_path / "ceo-and-head.txt", qa)["A"] == "unknown"
    two = qa + "B. We follow it too.\nQ. Anything else?\nB. No.\n"
    assert _roles(tmp_path / "interview-headteacher.txt", two.replace("B.", "Sam:"))["A"] == "unknown"


def test_speakers_who_all_ask_are_left_alone(tmp_path: Path) -> None:
    # Everyone asking is a discussion, not an interview.
    roles = _roles(tmp_path / "discussion.txt",
        "Ann Lowe: Should we share the plans?\n\nBen Ito: Why not?\n\nAnn Lowe: Would the heads agree?\n\n"
        "Ben Ito: Shall we ask them?\n\nAnn Lowe: Today?\n",
    )
    assert roles == {"Ann Lowe": "unknown", "Ben Ito": "unknown"}


def test_a_role_read_from_the_label_is_never_changed_by_questions(tmp_path: Path) -> None:
    roles = _roles(tmp_path / "interview.txt",
        "Cal Moss (Headteacher): Is that a question for me?\n\nDee Hart: It is.\n\n"
        "Cal Moss: Do you want my view on the trust?\n\nDee Hart: Yes, please.\n\n"
        "Cal Moss: Shall I start with the curriculum?\n",
    )
    assert roles == {"Cal Moss": "headteacher", "Dee Hart": "unknown"}


def test_ingest_vtt_voice_tags_merge_consecutive_cues(sample_folder: Path) -> None:
    doc = next(read(sample_folder / "ceo.vtt"))
    assert [(t.speaker, t.timestamp) for t in doc.turns] == [
        ("Interviewer", "00:00:01.000"), ("Sam Lee", "00:00:05.000"),
    ]
    assert doc.turns[0].role == "interviewer"
    assert "Then every school adopted it." in doc.text[doc.turns[1].start:doc.turns[1].end]


def test_ingest_srt_name_prefixes_and_roles(sample_folder: Path) -> None:
    doc = next(read(sample_folder / "trustee.srt"))
    assert [(t.speaker, t.role) for t in doc.turns] == [("Ava Price", "trustee")]


def test_ingest_jsonl_rows_carry_metadata(sample_folder: Path) -> None:
    docs = list(read(sample_folder / "rows.jsonl"))
    assert [d.id for d in docs] == ["r1", "r2"]
    assert docs[0].kind == "policy" and docs[0].metadata == {"year": "2024"}
    assert docs[1].kind == "other"


def test_ingest_content_hash_id_is_stable(sample_folder: Path) -> None:
    a = next(read(sample_folder / "curriculum-policy.md"))
    b = next(read(sample_folder / "curriculum-policy.md"))
    assert a.id == b.id and len(a.id) == 16


def test_ingest_kind_override_and_speakers_file(sample_folder: Path, tmp_path: Path) -> None:
    (sample_folder / "speakers.yml").write_text("Sam Lee: ceo\n", encoding="utf-8")
    result = ingest([sample_folder], kinds={"about.html": "strategy"})
    docs = by_name(result.documents)
    assert docs["about.html"].kind == "strategy"
    assert [t.role for t in docs["ceo.vtt"].turns] == ["interviewer", "ceo"]


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("CEO", "ceo"), ("Chief Executive", "ceo"), ("Headteacher", "headteacher"),
        ("Head of Oakfield Primary", "headteacher"), ("Head of Maths", "teacher"),
        ("Interviewer", "interviewer"), ("Peer reviewer", "interviewer"),
        ("Chair of Trustees", "trustee"), ("Director of Education", "executive"),
        ("Head of HR", "central_staff"), ("SENCo", "teacher"), ("Sam", "unknown"),
        ("Deputy CEO", "executive"), ("Interim CEO", "ceo"), ("I", "interviewer"), ("Int", "interviewer"),
        ("HT", "headteacher"), ("HT2", "headteacher"), ("DHT", "headteacher"), ("Maths lead", "teacher"),
        ("DSL", "teacher"), ("TA", "teacher"), ("R", "unknown"), ("Ian", "unknown"), ("Isla Grant", "unknown"),
    ],
)
def test_ingest_role_inference_from_labels(label: str, role: str) -> None:
    assert infer_role(label) == role


# ---- bad input: one clear error naming the file, the rest of the run kept ----

def problems_for(tmp_path: Path, name: str, content: bytes) -> list[str]:
    (tmp_path / "good.md").write_text("All academies will use the same MIS.\n", encoding="utf-8")
    (tmp_path / name).write_bytes(content)
    result = ingest([tmp_path])
    assert any(Path(d.source).name == "good.md" for d in result.documents), "the good file was lost"
    return [f"{Path(p.path).name}: {p.error}" for p in result.problems]


def test_ingest_missing_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = ingest([tmp_path / "nope.md"])
    assert result.problems[0].error == "no such file or folder"


def test_ingest_folder_without_supported_files(tmp_path: Path) -> None:
    (tmp_path / "a.xyz").write_text("x")
    result = ingest([tmp_path])
    assert "no supported files" in result.problems[0].error


def test_ingest_empty_file(tmp_path: Path) -> None:
    assert problems_for(tmp_path, "empty.txt", b"") == ["empty.txt: empty file"]


def test_ingest_binary_file_with_text_extension(tmp_path: Path) -> None:
    [msg] = problems_for(tmp_path, "photo.txt", bytes(range(256)) * 40)
    assert msg.startswith("photo.txt: binary file")


def test_ingest_windows_1252_and_utf16_are_decoded(tmp_path: Path) -> None:
    text = "The trust’s “core offer” costs £120 per pupil – café included."
    (tmp_path / "cp1252.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "utf16le.txt").write_bytes(text.encode("utf-16-le"))
    result = ingest([tmp_path])
    assert result.problems == []
    assert {d.text for d in result.documents} == {text}


def test_pdf_running_headers_dropped_and_sentences_joined_across_pages(tmp_path: Path) -> None:
    pages = [
        "Fernlea Schools Trust | Assessment Policy\nAll academies use the trust assessment calendar.\nPage 1 of 4",
        "Fernlea Schools Trust | Assessment Policy\nHeadteachers decide how often to test\nPage 2 of 4",
        "Fernlea Schools Trust | Assessment Policy\nwithin the three trust windows each year.\nPage 3 of 4",
        "Fernlea Schools Trust | Assessment Policy\nMarking is set by each school.\nPage 4 of 4",
    ]
    doc = next(read(make_pdf(tmp_path / "assessment-policy.pdf", pages)))
    paragraphs = [doc.text[a:b] for a, b in doc.paragraphs]
    assert paragraphs == [
        "All academies use the trust assessment calendar.",
        "Headteachers decide how often to test within the three trust windows each year.",
        "Marking is set by each school.",
    ]
    # The joined sentence is cited on the page it starts on; page 3 has no paragraph of its own.
    assert [p.number for p in doc.pages] == [1, 2, 4]


@given(st.lists(st.text(alphabet="abc ABC.•-–1:)", min_size=1, max_size=160).map(str.strip).filter(bool), max_size=15),
       st.sampled_from([None, 150]))
def test_every_line_is_given_an_end_and_the_last_always_ends(lines: list[str], unwrapped: int | None) -> None:
    from spectrum.ingest.lines import paragraph_ends

    ends = paragraph_ends(lines, unwrapped_width=unwrapped)
    assert len(ends) == len(lines)
    assert not lines or ends[-1]


def _paragraph_texts(path: Path, text: str) -> list[str]:
    doc = _written(path, text)
    return [doc.text[start:end] for start, end in doc.paragraphs]


_SECTION = ("Every academy teaches a shared curriculum in English, mathematics and science, developed over two "
            "years by subject networks of teachers from each school.")
_OTHER = "In the foundation subjects each school chooses its own schemes and explains its choices to governors."


def test_text_with_one_paragraph_per_line_keeps_its_paragraphs(tmp_path: Path) -> None:
    # Saved from a web page or word processor: no blank lines, each line a paragraph or heading.
    paras = _paragraph_texts(tmp_path / "web.txt", f"Curriculum\n{_SECTION}\nFoundation subjects\n{_OTHER}\n")
    assert paras == ["Curriculum", _SECTION, "Foundation subjects", _OTHER]


def test_wrapped_text_is_rejoined_but_headings_and_paragraph_ends_still_split_it(tmp_path: Path) -> None:
    import textwrap

    lines = ["Curriculum", *textwrap.wrap(_SECTION, 72), "Foundation subjects", *textwrap.wrap(_OTHER, 72)]
    paras = _paragraph_texts(tmp_path / "extracted.txt", "\n".join(lines) + "\n")
    assert paras == ["Curriculum", _SECTION, "Foundation subjects", _OTHER]


def test_pdf_headings_and_paragraphs_come_apart(tmp_path: Path) -> None:
    # The text layer of a PDF has no blank lines: headings and paragraphs arrive as one run of lines.
    page = f"3. Curriculum\n{_SECTION}\n4. Foundation subjects\n{_OTHER}"
    doc = next(read(make_pdf(tmp_path / "policy.pdf", [page])))
    assert [doc.text[start:end] for start, end in doc.paragraphs] == [
        "3. Curriculum", _SECTION, "4. Foundation subjects", _OTHER]


def test_pdf_list_items_are_paragraphs_of_their_own_and_contents_lines_go() -> None:
    # What a PDF's text layer gives for a contents page and a bulleted list: no blank lines.
    from spectrum.ingest.pdf import _paragraphs

    page = ("Contents\n1. Introduction .......... 2\n2. How schools decide their curriculum .......... 4\n"
            "All schools in the trust share the following, agreed by headteachers in 2023 and reviewed\n"
            "every year:\n• a common curriculum in English and maths\n"
            "• the same assessment calendar, set by the central team and used in\nevery academy\n"
            "• one behaviour policy\n"
            "Foundation subjects are planned by each school, with support from the trust's subject leads\n"
            "where they ask for it.")
    assert _paragraphs(page) == [
        "Contents",
        "All schools in the trust share the following, agreed by headteachers in 2023 and reviewed every year:",
        "a common curriculum in English and maths",
        "the same assessment calendar, set by the central team and used in every academy",
        "one behaviour policy",
        "Foundation subjects are planned by each school, with support from the trust's subject leads where they ask"
        " for it."]


def test_pdf_running_header_of_a_two_page_document_is_dropped(tmp_path: Path) -> None:
    header = "Oakfield Trust - Curriculum Policy 2025"
    doc = next(read(make_pdf(tmp_path / "policy.pdf", [f"{header}\n{_SECTION}", f"{header}\n{_OTHER}"])))
    assert header not in doc.text and _SECTION in doc.text and _OTHER in doc.text


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.builds(str.__add__, st.sampled_from(["The", "We", "it", "Assessment"]),
                          st.text(alphabet="abcde fgh.,?ABC", max_size=200)), min_size=1, max_size=12))
def test_text_paragraphs_keep_every_word_in_order(lines: list[str]) -> None:
    """However a block's lines are grouped into paragraphs, no word is lost, added or moved (lines here
    never open with a list marker, which is the one thing the reader takes away)."""
    from spectrum.ingest.text import read_text

    builder = read_text(Path("block.txt"), "\n".join(lines), markdown=False)
    doc = builder.build("other")
    words = " ".join(doc.text[start:end] for start, end in doc.paragraphs).split()
    assert words == " ".join(lines).split()


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.text(alphabet="abc xyz.0123", min_size=1, max_size=12), min_size=5, max_size=8),
                min_size=1, max_size=6))
def test_pdf_furniture_removal_never_touches_body_lines(pages: list[list[str]]) -> None:
    from spectrum.ingest.pdf import drop_running_lines

    texts = ["\n".join(lines) for lines in pages]
    out = drop_running_lines(texts)
    assert len(out) == len(texts)
    for before, after in zip(texts, out, strict=True):
        kept = after.split("\n")
        lines = before.split("\n")
        filled = [i for i, ln in enumerate(lines) if ln.strip()]
        body = [lines[i] for i in filled[2:-2]]
        assert all(line in kept for line in body)
        assert len(kept) <= len(lines)


def _paragraphs_of(path: Path, html: str) -> list[str]:
    path.write_text(html, encoding="utf-8")
    doc = next(read(path))
    return [doc.text[a:b] for a, b in doc.paragraphs]


def test_html_cookie_banners_breadcrumbs_and_sidebars_are_dropped(tmp_path: Path) -> None:
    html = (
        '<html><body><div id="cookie-notice"><p>We use cookies. Accept all cookies?</p></div>'
        '<a class="skip-link" href="#c">Skip to content</a>'
        '<div class="breadcrumbs"><p>Home &gt; About &gt; Curriculum</p></div>'
        "<div class=\"entry-content\"><h1>Our curriculum</h1><p>We follow the trust's curriculum in maths.</p>"
        "<p>Our history topics are planned by our own teachers.</p></div>"
        '<div class="widget-area"><p>Latest news: sports day moved to Friday.</p></div>'
        '<div class="ConsentManager"><p>Manage consent preferences</p></div></body></html>'
    )
    assert _paragraphs_of(tmp_path / "curriculum.html", html) == [
        "We follow the trust's curriculum in maths.", "Our history topics are planned by our own teachers."]


def test_html_content_wrappers_are_kept_whatever_their_class_names(tmp_path: Path) -> None:
    # Page builders and themes put these words in the class names of the wrappers around the content.
    with_main = (
        '<html><body class="has-sidebar cookies-accepted"><div class="consent-given-wrapper"><main>'
        '<div class="elementor-widget elementor-widget-text-editor"><p>Each school sets its own homework.</p>'
        "</div></main></div></body></html>"
    )
    without_main = (
        '<html><body><div class="cookie-consent-given page"><p>Each school sets its own homework.</p>'
        "<p>Behaviour policies are agreed by local governors.</p></div></body></html>"
    )
    assert _paragraphs_of(tmp_path / "a.html", with_main) == ["Each school sets its own homework."]
    assert _paragraphs_of(tmp_path / "b.html", without_main) == [
        "Each school sets its own homework.", "Behaviour policies are agreed by local governors."]


def _docx_with_table(path: Path, rows: list[list[str]]) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("Interview 3, spring term")
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.save(str(path))
    return path


def test_an_interview_kept_as_a_table_of_turns_is_read_as_turns(tmp_path: Path) -> None:
    doc = next(read(_docx_with_table(tmp_path / "interview.docx", [
        ["Time", "Speaker", "Transcript"],
        ["00:00:05", "Interviewer", "How is the curriculum planned?"],
        ["00:00:11", "Head of School", "The trust writes the units and we teach them."],
        ["00:01:02", "Interviewer", "And behaviour?"],
        ["00:01:09", "Head of School", "Behaviour is ours."],
    ])))
    assert doc.kind == "interview"
    assert [(t.speaker, t.role, t.timestamp) for t in doc.turns] == [
        ("Interviewer", "interviewer", "00:00:05"), ("Head of School", "headteacher", "00:00:11"),
        ("Interviewer", "interviewer", "00:01:02"), ("Head of School", "headteacher", "00:01:09")]
    assert doc.text[doc.turns[1].start:doc.turns[1].end] == "The trust writes the units and we teach them."


def _docx_with_bold_leads(path: Path, lines: list[tuple[str, str]]) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("Notes of a conversation")
    for lead, words in lines:
        p = d.add_paragraph()
        p.add_run(lead).bold = True
        p.add_run(" " + words)
    d.save(str(path))
    return path


def test_an_interview_typed_in_word_with_bold_speaker_names_is_read_as_turns(tmp_path: Path) -> None:
    doc = next(read(_docx_with_bold_leads(tmp_path / "conversation.docx", [
        ("Interviewer", "How is the curriculum planned?"), ("Head of School", "The trust writes the units."),
        ("Interviewer", "And behaviour?"), ("Head of School", "Behaviour is ours.")])))
    assert doc.kind == "interview"
    assert [(t.speaker, t.role, doc.text[t.start:t.end]) for t in doc.turns][:2] == [
        ("Interviewer", "interviewer", "How is the curriculum planned?"),
        ("Head of School", "headteacher", "The trust writes the units.")]


def test_bold_lead_ins_of_a_policy_stay_paragraphs(tmp_path: Path) -> None:
    doc = next(read(_docx_with_bold_leads(tmp_path / "behaviour-policy.docx", [
        ("Rewards", "Each academy keeps its own reward system."),
        ("Sanctions", "All academies use the trust's sanctions ladder."),
        ("Exclusions", "The CEO reviews every suspension.")])))
    assert doc.turns == [] and "Rewards Each academy keeps its own reward system." in doc.text


def test_a_table_of_duties_by_role_stays_a_table(tmp_path: Path) -> None:
    doc = next(read(_docx_with_table(tmp_path / "scheme-of-delegation.docx", [
        ["Role", "Responsibility"],
        ["Trust Board", "Approves the budget of every academy"],
        ["CEO", "Appoints headteachers"],
        ["Headteacher", "Sets the school timetable"],
        ["Local governing body", "Monitors attendance"],
    ])))
    assert doc.turns == [] and doc.kind != "interview"
    assert "Headteacher | Sets the school timetable" in doc.text


def test_transcripts_saved_as_word_or_pdf_are_read_as_interviews(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Transcript", level=1)
    for line in ["Speaker 1   0:03", "How is behaviour decided across the schools?",
                 "Rhian Vaughan (Headteacher)   0:10", "Each school writes its own behaviour policy.",
                 "It goes to our local governors.", "Speaker 1   0:41", "And who checks it?",
                 "Rhian Vaughan   0:44", "Nobody at the trust, honestly."]:
        d.add_paragraph(line)
    d.save(str(tmp_path / "call-recording.docx"))
    word = next(read(tmp_path / "call-recording.docx"))
    assert word.kind == "interview" and word.format == ".docx"
    assert [(t.speaker, t.role, t.timestamp) for t in word.turns][:2] == [
        ("Speaker 1", "interviewer", "0:03"), ("Rhian Vaughan", "headteacher", "0:10")]
    assert "It goes to our local governors." in word.text

    pdf = next(read(make_pdf(tmp_path / "notes.pdf", [
        "Interviewer: How is the curriculum decided?\nTom Ash (CEO): The trust writes it for every school.\n"
        "Interviewer: Can heads change it?\nTom Ash: Only the order of units.",
    ])))
    assert pdf.kind == "interview"
    assert [(t.speaker, t.role) for t in pdf.turns] == [
        ("Interviewer", "interviewer"), ("Tom Ash", "ceo"), ("Interviewer", "interviewer"), ("Tom Ash", "ceo")]


def test_a_transcript_saved_as_pdf_keeps_its_page_numbers(tmp_path: Path) -> None:
    """Quotes from a PDF transcript cite its pages, as quotes from any other PDF do; a turn that runs
    over a page break stays one turn, its sentence whole."""
    from spectrum.nlp import make_nlp
    from spectrum.segment import segment_documents

    pdf = next(read(make_pdf(tmp_path / "head-interview.pdf", [
        "Interviewer: How is the curriculum decided?\nSam Reed (Headteacher): The trust writes the long-term plans",
        "and every school teaches them in the same order.\nInterviewer: And behaviour?",
        "Sam Reed: Each school writes its own behaviour policy.",
    ])))
    assert pdf.kind == "interview" and [p.number for p in pdf.pages] == [1, 2, 3]
    assert [t.speaker for t in pdf.turns] == ["Interviewer", "Sam Reed", "Interviewer", "Sam Reed"]
    assert "\ue000" not in pdf.text
    pages = {s.text: s.page for s in segment_documents([pdf], make_nlp())}
    assert pages["The trust writes the long-term plans and every school teaches them in the same order."] == 1
    assert pages["And behaviour?"] == 2
    assert pages["Each school writes its own behaviour policy."] == 3


def test_a_focus_group_where_each_person_speaks_once_is_a_transcript(tmp_path: Path) -> None:
    roles = _roles(tmp_path / "focus-group.txt",
        "Ann Lowe (Peer reviewer): Who decides the curriculum?\n\n"
        "Tom Reid (Headteacher): The trust does, for every school.\n\n"
        "Asha Patel (Headteacher): We adapt the foundation subjects.\n\n"
        "Lee Hart (Maths lead): The maths scheme is the same everywhere.\n",
    )
    assert roles == {"Ann Lowe": "interviewer", "Tom Reid": "headteacher", "Asha Patel": "headteacher",
                     "Lee Hart": "teacher"}


def test_labelled_lines_of_a_policy_or_minutes_are_not_a_transcript(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    for line in ["Behaviour Policy", "Owner: Director of Education", "Approved by: Trust Board",
                 "Version: 3.1", "Review date: July 2026", "Scope: every academy in the trust",
                 "Action: heads to share the policy with staff.", "Action: clerk to publish the policy.",
                 "Decision: the board adopted the policy.", "Decision: the policy will be reviewed in a year.",
                 "All academies follow this policy."]:
        d.add_paragraph(line)
    d.save(str(tmp_path / "behaviour-policy.docx"))
    doc = next(read(tmp_path / "behaviour-policy.docx"))
    assert doc.kind == "policy" and doc.turns == []


def test_ingest_encrypted_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(tmp_path / "plain.pdf", ["Secret board paper."])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt("hunter2")
    with (tmp_path / "locked.pdf").open("wb") as fh:
        writer.write(fh)
    plain.unlink()
    with pytest.raises(IngestError, match=r"locked\.pdf: encrypted PDF"):
        list(read(tmp_path / "locked.pdf"))


def test_ingest_pdf_without_text_layer(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50, style="F")
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(IngestError, match="scanned, no text layer; OCR it first"):
        list(read(tmp_path / "scan.pdf"))


def test_ingest_truncated_pdf_and_docx(tmp_path: Path) -> None:
    data = make_pdf(tmp_path / "a.pdf", ["Text " * 200]).read_bytes()
    (tmp_path / "a.pdf").write_bytes(data[: len(data) // 3])
    docx_data = make_docx(tmp_path / "b.docx").read_bytes()
    (tmp_path / "b.docx").write_bytes(docx_data[: len(docx_data) // 2])
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4 nonsense")
    result = ingest([tmp_path])
    errors = {Path(p.path).name: p.error for p in result.problems}
    assert set(errors) == {"a.pdf", "b.docx", "c.pdf"}
    assert errors["b.docx"].startswith("corrupt")
    assert all(("corrupt" in e or "no text layer" in e) for e in errors.values())


def _deck(path: Path) -> Path:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])  # title and content
    slide.shapes.title.text = "Our school improvement model"
    body = slide.placeholders[1].text_frame
    body.text = "Every academy is reviewed each term by the trust's education team."
    body.add_paragraph().text = "Headteachers agree their priorities with their school improvement partner."
    deck.slides.add_slide(deck.slide_layouts[6])  # blank: no text, no page
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only, with a table
    slide.shapes.title.text = "Who decides"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1)).table
    for (r, c), text in {(0, 0): "Curriculum", (0, 1): "Trust", (1, 0): "Uniform", (1, 1): "School"}.items():
        table.cell(r, c).text = text
    deck.core_properties.title = "Strategy 2025"
    deck.save(str(path))
    return path


def test_ingest_pptx_reads_slides_as_pages_and_titles_as_sections(tmp_path: Path) -> None:
    doc = next(read(_deck(tmp_path / "strategy.pptx")))
    assert doc.title == "Strategy 2025" and doc.format == ".pptx"
    paras = [doc.text[a:b] for a, b in doc.paragraphs]
    # a slide's title heads its section, as a Word heading does, and is not a passage of its own
    assert paras == ["Every academy is reviewed each term by the trust's education team.",
                     "Headteachers agree their priorities with their school improvement partner.",
                     "Curriculum | Trust", "Uniform | School"]
    assert [s.title for s in doc.sections] == ["Our school improvement model", "Who decides"]
    assert [p.number for p in doc.pages] == [1, 3]


def test_ingest_corrupt_or_empty_pptx_is_one_clear_error(tmp_path: Path) -> None:
    from pptx import Presentation

    (tmp_path / "broken.pptx").write_bytes(_deck(tmp_path / "ok.pptx").read_bytes()[:900])
    with pytest.raises(IngestError, match=r"broken\.pptx: corrupt"):
        list(read(tmp_path / "broken.pptx"))
    Presentation().save(str(tmp_path / "empty.pptx"))
    with pytest.raises(IngestError, match=r"empty\.pptx: PPTX has no text"):
        list(read(tmp_path / "empty.pptx"))


def test_ingest_docx_zip_bomb_refused_quickly(tmp_path: Path) -> None:
    make_zip_bomb(tmp_path / "bomb.docx", declared_mb=300)
    assert (tmp_path / "bomb.docx").stat().st_size < 2_000_000
    start = time.perf_counter()
    with pytest.raises(IngestError, match="zip bomb"):
        list(read(tmp_path / "bomb.docx"))
    assert time.perf_counter() - start < 5  # refused from the zip directory, never inflated


def test_ingest_html_scripts_never_reach_text(tmp_path: Path) -> None:
    (tmp_path / "x.html").write_text(
        "<html><body><script>document.write('ALL ACADEMIES MUST')</script>"
        "<p onclick=\"evil()\">Heads decide.</p></body></html>", encoding="utf-8")
    doc = next(read(tmp_path / "x.html"))
    assert doc.text == "Heads decide."


def test_ingest_oversized_file_refused_with_size(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB declared, no memory used
    with pytest.raises(IngestError, match=r"huge.txt: file is 200 MB, over the 50 MB limit"):
        list(read(big))


def test_bad_decks_are_one_line_problems_and_the_good_files_are_kept(tmp_path: Path) -> None:
    from pptx import Presentation

    with (tmp_path / "huge.pptx").open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse
    (tmp_path / "broken.pptx").write_bytes(_deck(tmp_path / "deck.pptx").read_bytes()[:900])
    Presentation().save(str(tmp_path / "empty.pptx"))
    (tmp_path / "policy.md").write_text("All academies use one MIS.\n", encoding="utf-8")
    result = ingest([tmp_path])
    assert sorted(Path(d.source).name for d in result.documents) == ["deck.pptx", "policy.md"]
    errors = {Path(p.path).name: p.error for p in result.problems}
    assert errors["huge.pptx"].startswith("file is 200 MB, over the 50 MB limit")
    assert errors["broken.pptx"].startswith("corrupt") and errors["empty.pptx"] == "PPTX has no text on any slide"
    assert all("\n" not in e for e in errors.values())


def test_ingest_vtt_malformed_timestamp_names_line(tmp_path: Path) -> None:
    (tmp_path / "bad.vtt").write_text("WEBVTT\n\n00:00:xx.000 --> 00:00:04.000\nhi\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"bad\.vtt: malformed cue timestamp on line 3"):
        list(read(tmp_path / "bad.vtt"))


def test_ingest_jsonl_bad_rows_reported_good_rows_kept(tmp_path: Path) -> None:
    (tmp_path / "x.jsonl").write_text('{"id":"a","text":"Heads decide."}\n{oops\n{"id":"c"}\n', encoding="utf-8")
    result = ingest([tmp_path / "x.jsonl"])
    assert [d.id for d in result.documents] == ["a"]
    assert "line 2: invalid JSON" in result.problems[0].error
    assert "line 3" in result.problems[0].error


def test_ingest_unsupported_file_named_directly(tmp_path: Path) -> None:
    (tmp_path / "a.xls").write_bytes(b"x")
    result = ingest([tmp_path / "a.xls"])
    assert "unsupported file type .xls" in result.problems[0].error


def test_clean_text_shortens_punctuation_runs_so_tokenising_is_fast() -> None:
    from spectrum.nlp import make_nlp

    nasty = "Heading\n" + "=" * 16000 + " then " + "(" * 16000 + " and " + "!?" * 8000
    cleaned = clean_text(nasty)
    assert len(cleaned) < 100
    start = time.perf_counter()
    make_nlp()(cleaned)
    assert time.perf_counter() - start < 1


def test_clean_text_spells_out_ligatures_and_drops_soft_hyphens() -> None:
    # Typeset PDFs give "fi" and "fl" as single characters; rules and features need the letters.
    assert clean_text("The \ufb01nance team is \ufb02exible and e\u00adffective.") == \
        "The finance team is flexible and effective."


def test_pdf_word_split_at_a_hyphen_across_lines_is_rejoined(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "strategy.pdf", [
        "Our assessment calendar is trust-\nwide, and every academy follows the same three\nwindows each year.",
    ])
    doc = next(read(pdf))
    assert doc.text[doc.paragraphs[0][0]:doc.paragraphs[0][1]] == \
        "Our assessment calendar is trust-wide, and every academy follows the same three windows each year."


# ---- property tests: readers return documents or raise IngestError, nothing else ----

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".md", ".html", ".vtt", ".srt", ".jsonl", ".pdf", ".docx",
                                                              ".pptx"]))
def test_ingest_random_bytes_never_crash(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        docs = list(read(path))
    except IngestError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)
    else:
        assert all(d.text.strip() for d in docs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=2000), suffix=st.sampled_from([".txt", ".md", ".html", ".vtt", ".srt"]))
def test_ingest_random_text_never_crash(tmp_path: Path, text: str, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass") if False else path.write_bytes(
        text.encode("utf-8", errors="replace"))
    try:
        docs = list(read(path))
    except IngestError:
        return
    for d in docs:
        for s, e in d.paragraphs:
            assert 0 <= s < e <= len(d.text)


@given(st.binary(max_size=500))
def test_decode_text_returns_str_or_ingest_error(data: bytes) -> None:
    try:
        assert isinstance(decode_text(data, "x.txt"), str)
    except IngestError:
        pass


def test_classify_rows_keep_order_and_skip_bad_lines_with_a_warning() -> None:
    from spectrum.ingest.rows import read_rows

    lines = [b'{"id": "a", "text": "First."}\n', b"\n", b'{"id": "b", "text": \n', b"\xff\xfe\n",
             b'{"id": "c"}\n', b'{"id": "d", "text": "Last."}\n']
    warnings: list[str] = []
    rows = list(read_rows(lines, "in.jsonl", jsonl=True, warn=warnings.append))
    assert [(r.id, r.text) for r in rows] == [("a", "First."), ("d", "Last.")]
    assert [w.split(": ")[1] for w in warnings] == ["line 3", "line 4", "line 5"]


def test_classify_rows_carry_the_document_they_name() -> None:
    from spectrum.ingest.rows import read_rows

    lines = [b'{"id": "a", "text": "One.", "document": "policy.pdf"}\n', b'{"id": "b", "text": "Two.", "document_id": 7}\n',
             b'{"id": "c", "text": "Three.", "document": ""}\n', b'{"id": "d", "text": "Four.", "document": true}\n',
             b"plain text line\n"]
    assert [r.document for r in read_rows(lines, "in.jsonl", jsonl=True)] == ["policy.pdf", "7", None, None, None]


def test_classify_rows_strict_stops_at_the_first_bad_line() -> None:
    from spectrum.errors import InputError
    from spectrum.ingest.rows import read_rows

    with pytest.raises(InputError, match=r"in\.jsonl: line 2: invalid JSON"):
        list(read_rows([b'{"text": "ok"}\n', b"{nope\n"], "in.jsonl", jsonl=True, strict=True))


@given(st.lists(st.binary(max_size=200), max_size=20))
def test_classify_rows_never_crash_on_random_bytes(lines: list[bytes]) -> None:
    from spectrum.ingest.rows import read_rows

    for row_id, text, document, asked in read_rows(lines, "x.jsonl", jsonl=True):
        assert isinstance(row_id, str) and isinstance(text, str) and isinstance(asked, bool)
        assert document is None or (isinstance(document, str) and document.strip())
