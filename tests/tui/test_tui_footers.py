"""Issue 15 item 15 on the debrief, the interview and the real-interview form: the key bar keeps keys whole.

Textual's Footer cut the last key at 80 columns ("^q▏"); these screens now
draw coach's KeyBar, which leaves out a key that does not fit rather than
cutting it. At 80×24 the debrief's and the interview's keys all fit.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.app import App
from textual.widgets import Footer

from coach.banks import LoadedBanks
from coach.config import load_settings
from coach.domain.models import Answer
from coach.store import Store
from coach.tui.context import AppContext
from coach.tui.screens.debrief import DebriefScreen
from coach.tui.screens.interview import InterviewScreen
from coach.tui.screens.real_interview import RealInterviewScreen
from coach.tui.widgets.keybar import KeyBar
from tests.helpers.tui import make_app, settle


def shown_keys(screen) -> list[str]:
    app = screen.app
    seen: set[str] = set()
    out = []
    for _node, binding, _enabled, _tip in screen.active_bindings.values():
        if binding.show and binding.action not in seen and "command_palette" not in binding.action:
            seen.add(binding.action)
            out.append(f"{app.get_key_display(binding)} {binding.description}")
    return out


def check_bar(screen, width: int, *, all_fit: bool) -> None:
    assert not screen.query(Footer), "Textual's Footer cuts keys at narrow widths"
    bar = screen.query_one("#footer", KeyBar)
    drawn = bar.render().plain
    assert len(drawn) <= width
    left = drawn.split("▏")[0]
    keys = shown_keys(screen)
    rest = left
    for piece in sorted(keys, key=len, reverse=True):
        rest = rest.replace(piece, "")
    assert rest.strip() == "", (drawn, keys)  # only whole keys
    if all_fit:
        assert all(k in left for k in keys), (drawn, keys)


@pytest.mark.parametrize("width", [80, 120])
async def test_debrief_and_interview_show_every_key_whole(width: int) -> None:
    app, _ = make_app(start="practice", flags={"questions": 1})
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        check_bar(app.screen, width, all_fit=True)
        q = next(iter(app.ctx.banks.questions().values()))
        done = app.ctx.store.create("second", "general", answers=[
            Answer(question_id=q.id, question=q.text, text="We kind of just sorted it out.", status="submitted")])
        done.status = "complete"
        app.ctx.store.save(done)
        app.open_debrief(done.id)
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        check_bar(app.screen, width, all_fit=True)
        assert "t Try again" in app.screen.query_one(KeyBar).render().plain


class RealApp(App[None]):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.ctx = AppContext(load_settings(), store, LoadedBanks())

    def on_mount(self) -> None:
        self.push_screen(RealInterviewScreen(self.ctx, today=date(2026, 11, 20)))


@pytest.mark.parametrize("width", [60, 80])
async def test_real_interview_form_keeps_keys_whole(width: int) -> None:
    app = RealApp(Store.from_settings(load_settings()))
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RealInterviewScreen)
        check_bar(app.screen, width, all_fit=False)
