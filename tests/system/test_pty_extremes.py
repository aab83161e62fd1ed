"""Extremes: a 1 MB paste, and answers in RTL scripts, CJK and emoji.

The paste goes through a real pseudo-terminal as a bracketed paste (what a
terminal sends when the user pastes); the app must stay usable and autosave
must keep up. Unicode answers must round-trip byte-exact: typed in the app,
saved, loaded, and exported as JSON and Markdown.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.domain.models import Answer, Edit, replay_edits
from coach.store import Store, read_session_file
from tests.helpers.proc import spawn_coach, wait_for_drafts, wait_for_question_1

REPO = Path(__file__).resolve().parents[2]

UNICODE_ANSWERS = {
    "arabic": "قدت مشروع نقل نظام الفواتير، وخفضنا الأخطاء إلى النصف.",
    "hebrew": "הובלתי את המעבר למערכת החדשה, והתקלות ירדו בחצי.",
    "mixed-bidi": "I led ‏הפרויקט‏ with 3 teams — النتيجة: 50% fewer errors.",
    "cjk": "我负责了计费系统的迁移，错误减少了一半。移行を担当しました。마이그레이션을 이끌었습니다.",
    "emoji": "Shipped it 🚀🎉 — the team 👩‍💻👨‍💻 cheered 🇯🇵 👍🏽",
    "combining": "Cafe\u0301 vs Café, Ångström vs A\u030angstro\u0308m, 한글 vs \u1112\u1161\u11ab",
    "toml-special": 'He said """done""" and \'\'\'ok\'\'\' \\n \\u0000 # not a comment = [x]',
    "whitespace": "line one\n\tindented line two\r\nline three with trailing spaces   \n\n",
}


def run_coach(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "coach", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=60, cwd=REPO)


def session_with(store: Store, text: str):
    """A complete session whose one answer is `text`, typed in one edit per character."""
    edits = [Edit(t_ms=500 + 7 * i, pos=i, removed=0, text=ch) for i, ch in enumerate(text)]
    answer = Answer(question_id="gen.proud-achievement", question="What are you proud of?",
                    text=text, status="submitted", edits=edits)
    session = store.create("second", "general", answers=[answer])
    session.status = "complete"
    store.save(session)
    return session


@pytest.mark.parametrize("name", list(UNICODE_ANSWERS))
def test_unicode_round_trips_through_store_and_export(isolated_env: dict[str, Path], name: str) -> None:
    text = UNICODE_ANSWERS[name]
    store = Store(isolated_env["data"])
    session = session_with(store, text)
    loaded = read_session_file(store.path_for(session.id))
    assert loaded.answers[0].text.encode() == text.encode()
    assert replay_edits(loaded.answers[0].edits).encode() == text.encode()

    exported = run_coach("export", session.id, "--format", "json")
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["answers"][0]["text"].encode() == text.encode()

    md = run_coach("export", session.id, "--format", "md")
    assert md.returncode == 0, md.stderr
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            assert line.strip() in md.stdout, f"{line!r} not in the Markdown export"


def type_and_check(isolated_env: dict[str, Path], text: str, visible: str) -> None:
    """Type `text` into the first answer of a round; it must be saved and exported byte-exact."""
    store = Store(isolated_env["data"])
    with spawn_coach("practice", "--questions", "2") as term:
        wait_for_question_1(term)
        term.type(text)
        term.wait_for(visible)
        (session,) = wait_for_drafts(store, [text])
        term.press("ctrl+q")
        assert term.wait_exit(10) == 0
    answer = read_session_file(store.path_for(session.id)).answers[0]
    assert answer.text.encode() == text.encode()
    assert replay_edits(answer.edits) == answer.text
    exported = run_coach("export", session.id, "--format", "json")
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["answers"][0]["text"].encode() == text.encode()


@pytest.mark.pty
def test_rtl_cjk_and_emoji_typed_in_the_app_are_saved_byte_exact(isolated_env: dict[str, Path]) -> None:
    text = " ".join(UNICODE_ANSWERS[k] for k in ("arabic", "hebrew", "cjk")) + " Shipped it 🚀🎉 👍🏽 🇯🇵"
    type_and_check(isolated_env, text, visible="我负责了计费系统的迁移")


@pytest.mark.pty
def test_joined_emoji_and_bidi_marks_typed_in_the_app_are_kept(isolated_env: dict[str, Path]) -> None:
    """U+200D (zero-width joiner: 👩‍💻 is 👩 U+200D 💻) and U+200F (right-to-left mark) arrive
    from the terminal as keys of their own; dropping them changes what the candidate wrote."""
    text = "The team 👩\u200d💻👨\u200d💻 shipped ‏הפרויקט‏ on time."
    assert "\u200d" in text and "\u200f" in text
    type_and_check(isolated_env, text, visible="on time.")


@pytest.mark.pty
def test_one_megabyte_paste_stays_usable_and_autosaved(isolated_env: dict[str, Path]) -> None:
    store = Store(isolated_env["data"])
    line = "When the billing migration slipped, I split the work into weekly releases. "
    big = (line * 13 + "\n") * 1000  # about 1 MB, 1000 lines
    assert len(big.encode()) > 950_000
    with spawn_coach("practice", "--questions", "2") as term:
        wait_for_question_1(term)
        term.type("Start. ")
        term.paste(big)
        term.type("END-OF-PASTE")
        term.wait_for("END-OF-PASTE", timeout=60)  # the editor still takes keys
        (session,) = wait_for_drafts(store, ["END-OF-PASTE"], timeout=15)
        saved = read_session_file(store.path_for(session.id)).answers[0].text
        assert saved == "Start. " + big + "END-OF-PASTE"
        # Autosave keeps up with typing after the paste, too.
        term.type(" And one more sentence.")
        wait_for_drafts(store, ["END-OF-PASTE And one more sentence."], timeout=5)
        term.press("ctrl+q")
        assert term.wait_exit(15) == 0
    answer = read_session_file(store.path_for(session.id)).answers[0]
    assert answer.text == "Start. " + big + "END-OF-PASTE And one more sentence."
    assert replay_edits(answer.edits) == answer.text
