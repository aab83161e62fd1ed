"""One test per principle of the offline coach, on short answers written for these tests."""

from __future__ import annotations

from coach.engine import AnswerItem, ReviewRequest
from coach.engine.offline import analyze, findings
from coach.engine.offline.job import job_terms, term_touched
from coach.engine.offline.question import QuestionInfo

SCENARIO = ("Your team lead moves your launch date up by a week, and a colleague says the new date is impossible. "
            "What would you do and why?")


def _kinds(question: str, answer: str, **kw) -> list[str]:
    item = AnswerItem(question_id="q", question=question, answer=answer)
    return [p.kind for p in analyze(ReviewRequest(items=(item,), **kw)).pointers]


def _q(question: str) -> QuestionInfo:
    return QuestionInfo.read(AnswerItem(question_id="q", question=question, answer="x"))


# 1. Read the question first.
def test_question_type_is_read_from_its_wording():
    assert _q("Tell me about a time you missed a deadline.").story
    assert _q("How would you handle a client who keeps changing the brief?").situational
    assert _q("Would you find a month on the night shift interesting or tiring? Why?").situational
    assert _q("How do you feel about this situation? What would you do?").situational
    assert _q("Why do you want to work here?").fit
    assert _q("Do you have any questions for us?").closing


def test_a_short_plan_is_too_short_not_a_missing_story():
    assert _kinds(SCENARIO, "I would talk to my lead and ask which parts matter most for launch.")[0] == "too-short"


def test_a_plan_that_never_commits_is_hedging():
    answer = ("I would maybe try to talk to the lead first, depending on how busy they are, and possibly see if "
              "we could move a few things. I might also try and ask the colleague what they think, if possible, "
              "and hopefully we would find something that works for everyone in the end.")
    assert _kinds(SCENARIO, answer)[0] == "hedging"


def test_a_plan_that_turns_on_a_colleague_is_negative():
    answer = ("I would tell the lead the colleague is just lazy and always complains about dates. Then I would "
              "do the work myself over the weekend so the launch happens, and make sure the lead knows who "
              "actually delivered it this time round.")
    assert _kinds(SCENARIO, answer)[0] == "negative"


def test_a_solid_plan_is_backed_by_a_time_it_worked():
    answer = ("I would first sit down with the lead and the colleague together and list what the launch really "
              "needs. Then I would propose shipping the core features on the new date and the rest a week later, "
              "because that keeps the promise to the customer without burning the team out, and I would write "
              "the plan down so everyone agrees.")
    kinds = _kinds(SCENARIO, answer)
    # At 56 words its brevity may be the second note, never the lead.
    assert kinds[0] == "no-example" and kinds[1:] in ([], ["too-short"])


# 2. A non-answer is a non-answer.
def test_nothing_comes_to_mind_is_a_non_answer_with_a_kind_tip():
    for answer in ("Nothing comes to mind, sorry.", "I've never been in that situation.", "No idea, sorry."):
        item = AnswerItem(question_id="q", question="Tell me about a time you disagreed with a manager.", answer=answer)
        p = analyze(ReviewRequest(items=(item,))).pointers[0]
        assert p.kind == "no-answer", answer
        assert "nearest" in p.tip or "closest" in p.tip
        assert p.evidence in answer


def test_a_story_that_mentions_having_no_idea_is_not_a_non_answer():
    answer = ("In my first week at the bakery I had no idea how the till worked, so I asked the owner to show me "
              "once, wrote the steps on a card and by Friday I was closing the shop on my own.")
    assert _kinds("Tell me about a time you learned something quickly.", answer)[0] != "no-answer"


# 3. Off-topic is conservative: a first-person story in other words is not called off-topic.
def test_a_story_in_other_words_is_not_off_topic():
    answer = ("Last summer at the cafe the espresso machine broke during the morning rush. I moved two people to "
              "the filter coffee, told the queue what was happening and called the repair line, and we lost only "
              "a handful of orders before it was fixed at ten.")
    assert "off-topic" not in _kinds("Describe a time you dealt with a problem under pressure.", answer)


# 4. Ending vs scale.
def test_a_story_with_no_ending_is_no_result_and_a_vague_ending_is_vague_impact():
    q = "Tell me about a time you improved a process at work."
    story = ("At my last job the returns desk kept losing paperwork. I noticed the forms were filed in three "
             "different places, so I asked my manager if I could set up one shared tray. I labelled it, showed "
             "everyone on the shift how it worked and checked it at the end of each day")
    assert _kinds(q, story + ".")[0] == "no-result"
    assert _kinds(q, story + ". After that things went much better and it worked well.")[0] == "vague-impact"


# 5. Ranking in a round: a pattern outranks one skipped question.
def test_a_pattern_outranks_one_skipped_question():
    story = ("Last spring our release slipped, so I looked at the plan with the lead, moved two tasks to a "
             "colleague and called the client to agree a new date for the first part of the work.")
    items = (AnswerItem(question_id="a", question="Tell me about a time you missed a deadline.", answer=story),
             AnswerItem(question_id="b", question="Tell me about a time you were under pressure.",
                        answer=story.replace("release", "launch")),
             AnswerItem(question_id="c", question="Tell me about a time you failed.", answer="", skipped=True))
    pointers = analyze(ReviewRequest(items=items)).pointers
    assert pointers[0].kind != "no-answer" and pointers[0].question_id in ("a", "b")
    assert pointers[1].kind == "no-answer"


# 6. Job fit a candidate trusts.
def test_job_terms_match_by_synonym_phrase_and_inflection():
    assert term_touched("PostgreSQL", "we ran Postgres for the orders service")
    assert term_touched("on-call", "I was on call one week a month")
    assert term_touched("incident response", "I led the response to two outages")
    assert term_touched("stakeholders", "I kept each stakeholder informed")


def test_job_terms_put_skills_first_and_drop_noise():
    terms = job_terms("- Strong communication with customers\n- Python and Go\n- PostgreSQL\n- on-call rotation\n- card")
    assert terms[:3] == ("Python", "Go", "PostgreSQL")
    assert "card" not in terms and "on-call rotation" in terms


def test_never_says_an_answer_skips_a_term_it_names():
    job = "- Python\n- PostgreSQL\n- incident response"
    answer = ("I want this role because I've spent two years writing Python services on Postgres and I enjoy "
              "being the person who is calm when something breaks.")
    item = AnswerItem(question_id="q", question="Why do you want this job?", answer=answer)
    for f in findings(ReviewRequest(items=(item,), job=job, round="phone")):
        if f.kind == "no-job-link":
            assert "Python" not in f.facts["terms"] and "PostgreSQL" not in f.facts["terms"]


def test_other_tools_than_the_job_asks_for_get_a_bridge():
    job = "- Python\n- Go\n- PostgreSQL"
    answer = ("I have built web front ends in React and JavaScript for two years, and I love shipping features "
              "that people use every day, so a product team like yours is where I want to grow next.")
    item = AnswerItem(question_id="q", question="Why do you want this job?", answer=answer)
    p = [p for p in analyze(ReviewRequest(items=(item,), job=job, round="phone")).pointers if p.kind == "no-job-link"][0]
    assert "React" in p.tip and "Python" in p.tip and "carries over" in p.tip


def test_a_strong_job_match_is_the_strength_with_its_quote():
    job = "- Python\n- PostgreSQL\n- incident response\n- on-call rotation"
    answer = ("I want this role because it is the work I already do and want to do more of. At my current job I "
              "write Python services on Postgres, I am on call one week in four, and I led our incident response "
              "for two outages last year, which cut the time to recover from hours to about forty minutes. "
              "Your team runs the same stack at a larger scale, and that is the next step I am looking for.")
    item = AnswerItem(question_id="q", question="Why do you want this job?", answer=answer)
    s = analyze(ReviewRequest(items=(item,), job=job, round="phone")).strength
    assert s is not None and "job" in s.title and s.evidence in answer and "Python" in s.evidence


# 7. Quotes read as whole words.
def test_quotes_keep_decimals_and_words_whole():
    answer = ("At the lab I checked every sample by hand and kept the error rate under 0.5 percent for the whole "
              "term, and then I wrote the steps up for the next student.")
    item = AnswerItem(question_id="q", question="Tell me about a time you ensured accuracy in your work.", answer=answer)
    fb = analyze(ReviewRequest(items=(item,)))
    for p in fb.pointers:
        assert not p.evidence.endswith("0."), p.evidence
        assert "r estimate" not in p.tip
    item = AnswerItem(question_id="q", question="Tell me about a time your estimate was wrong.", answer="It was fine.")
    assert "“r estimate" not in " ".join(p.tip for p in analyze(ReviewRequest(items=(item,))).pointers)


# 8. Short stories lead with their length; thin ones get a note.
STORY_Q = "Tell me about a time you had to win over a sceptical colleague."


def test_under_forty_words_a_story_leads_with_its_length():
    answer = "I usually just talk to people and listen to them. I make sure they feel heard and then things get better."
    kinds = _kinds(STORY_Q, answer)
    assert kinds[0] == "too-short" and "no-example" in kinds


def test_a_story_told_in_outline_gets_a_note_that_never_leads_or_blocks_the_strength():
    answer = ("Last spring a colleague in accounts doubted my new expense form. I asked her to try it for one week "
              "and I sat with her on the first day to fix the parts she found slow. By Friday she had filed "
              "twenty claims with it and asked me to show the rest of her team.")
    item = AnswerItem(question_id="q", question=STORY_Q, answer=answer)
    fb = analyze(ReviewRequest(items=(item,)))
    thin = [f for f in findings(ReviewRequest(items=(item,))) if f.kind == "too-short"]
    assert thin and thin[0].facts.get("thin") and thin[0].severity < 0.35
    assert fb.strength is not None


# 9. Ownership is about who acted, not whom the candidate acted for.
def test_everyone_is_not_the_team_acting_for_the_candidate():
    answer = ("I make sure everyone feels included in the team. I let everyone give an opinion before a decision, "
              "and everyone gets a turn to speak. It is also key not to show favourites so everyone feels equal. "
              "In group projects I found this method effective, and everyone put in their best effort.")
    item = AnswerItem(question_id="q", question="Tell me about a time you built an inclusive team.", answer=answer)
    kinds = [f.kind for f in findings(ReviewRequest(items=(item,)))]
    assert kinds[0] == "no-example" and "ownership" not in kinds


# 10. Ending vs scale: an intensifier is not a measure.
def test_a_lot_of_time_or_more_efficient_is_a_vague_ending():
    answer = ("During a group project last term I noticed nobody had planned the slides, so I wrote an outline "
              "and shared it with the team that evening. I split the sections by who knew each topic best. "
              "This saved us a lot of time and made the whole team more efficient.")
    item = AnswerItem(question_id="q", question="Tell me about a time you took the initiative.", answer=answer)
    first = findings(ReviewRequest(items=(item,)))[0]
    assert first.kind == "vague-impact" and first.facts["vague"]


def test_habits_then_one_occasion_told_judges_its_ending():
    answer = ("When I coach new staff I always ask how they learn best. I usually show them a task once and I make "
              "sure they try it straight after, and I try to stay close by. I had one trainee who was nervous with "
              "customers. I showed her the till twice, then I stood beside her while she served. After that things "
              "went well.")
    kinds = _kinds("Tell me about a time you mentored someone.", answer)
    assert kinds[0] == "vague-impact" and "no-example" in kinds


def test_a_question_asking_for_examples_alongside_an_approach_is_a_story_question():
    assert _q("Talk about your approach to accuracy, including any tools you use, with a relevant example.").story
    assert _q("Can you share strategies or experiences that have helped you stay focused?").story
    assert not _q("Walk me through your approach when assessing a new project.").story


def test_during_the_process_is_not_a_time_anchor():
    answer = ("I review my work with a peer so it is not only my view. I also run my drafts through a checker. "
              "During the process we do several passes to make sure nothing is missed, and then I always "
              "read it once more out loud before I send it to anyone.")
    kinds = _kinds("Talk about your approach to accuracy, with a relevant example.", answer)
    assert kinds[0] == "no-example"


# 11. A plan's single hedge or chain of conditions is a soft note, never the lead.
def test_one_hedge_in_a_plan_is_a_soft_second_note():
    answer = ("I would probably sit down with the lead first and ask which features the customer needs on the new "
              "date. Then I would propose shipping those on time and the rest a week later, because it keeps the "
              "promise without burning out the team, and I would write the plan down for everyone.")
    kinds = _kinds(SCENARIO, answer)
    assert kinds[0] != "hedging" and "hedging" in kinds


# An ending says what changed, not one more thing the candidate did or realised.
STORY_Q = "Tell me about a time you handled a conflict within your team."


def test_resolving_it_by_doing_something_is_an_action_not_an_ending():
    answer = ("Last spring two people on my project team kept arguing about who owned the weekly report. "
              "I sat down with both of them after the stand-up on Monday and asked each one what they needed "
              "from the report. I resolved the conflict by listening to both sides and splitting the sections.")
    kinds = _kinds(STORY_Q, answer)
    assert kinds[0] == "no-result"
    assert "vague-impact" not in kinds


def test_realising_something_is_an_insight_not_an_ending():
    answer = ("In my second year I was failing the advanced statistics class I had signed up for in September. "
              "I met the tutor twice, asked two friends who had taken both classes, and compared the two course "
              "outlines side by side during the winter break before the deadline to switch. "
              "I realized the introductory class was the one where I would actually learn the material.")
    assert _kinds(STORY_Q.replace("handled a conflict within your team", "made a hard decision"), answer)[0] == "no-result"


def test_a_stated_result_after_the_action_is_still_an_ending():
    answer = ("Last spring two people on my project team kept arguing about who owned the weekly report. "
              "I resolved the conflict by listening to both sides and splitting the sections. "
              "After that the report went out on time every week and they stopped arguing.")
    assert "no-result" not in _kinds(STORY_Q, answer)


def test_a_figure_set_as_the_goal_is_not_the_result():
    question = "Tell me about a time you set yourself a goal. How did you pursue it?"
    answer = ("Last year I joined the charity committee at my college and we planned a spring fundraiser. "
              "I made a timeline for each task, asked local shops to sponsor the raffle and booked the hall. "
              "The goal I set myself was raising $8,000 for the children's hospital ward.")
    assert "no-result" in _kinds(question, answer)


# A plan a recruiter can repeat: one position, said plainly.
def test_a_plan_in_one_run_on_sentence_is_structure():
    answer = ("I would start on the launch work the same afternoon, even if I could not finish all of it at once, "
              "and then I would check with the colleague about which parts are really at risk, so that by the "
              "new date the core is done and only the extras are left for later if the lead agrees to that.")
    assert _kinds(SCENARIO, answer)[0] == "structure"


def test_a_plan_that_says_it_would_and_would_not_do_the_same_step_gets_a_structure_note():
    answer = "I would go to the lead today. I would ask the colleague first. I would not go to the lead."
    kinds = _kinds(SCENARIO, answer)
    assert kinds[0] == "too-short"
    assert "structure" in kinds


def test_a_comparative_naming_a_thing_is_not_a_change():
    answer = ("Last spring two people on my project team kept arguing about who owned the weekly report. "
              "I sat down with both of them after the stand-up on Monday and asked each one what they needed "
              "from it. I suggested a better split of the sections and moved the draft into a shared folder.")
    assert _kinds(STORY_Q, answer)[0] == "no-result"


def test_a_plan_just_under_the_floor_leads_with_length_then_asks_for_a_time_it_worked():
    answer = ("I would ask the lead which features the launch really needs and move the rest to the next release. "
              "Then I would sit with the colleague, split the remaining work by day and tell the lead on Friday "
              "where we stand.")
    assert _kinds(SCENARIO, answer) == ["too-short", "no-example"]


def test_an_agreement_reached_or_people_helped_is_an_ending_if_a_vague_one():
    answer = ("Last spring two people on my project team kept arguing about who owned the weekly report. "
              "I sat down with both of them after the stand-up on Monday and asked each one what they needed "
              "from it. We came to an understanding about who writes which part.")
    kinds = _kinds(STORY_Q, answer)
    assert kinds[0] == "vague-impact"
    assert "no-result" not in kinds


def test_a_plan_that_tells_people_what_they_may_not_expect_or_goes_over_heads_is_negative():
    for answer in ("I would change my week this time, since the lead needs one of us here. But I would tell the "
                   "colleague that they should not expect me to give way every time, and that next time the week "
                   "is mine whatever they have planned for it.",
                   "I would go above their heads to the director the same day and explain why the date is not "
                   "possible, and I would ask the director to set the date for the whole team so that the lead "
                   "cannot change it again without telling everyone."):
        assert _kinds(SCENARIO, answer)[0] == "negative"


# An ending anyone could check needs no number; a mistake's ending is its lesson.
def test_a_grade_or_a_win_is_a_checkable_ending_not_a_vague_one():
    question = "Tell me about a time you worked with limited resources."
    answer = ("During my first year at college our lab lost its budget for the spring term. "
              "I borrowed two microscopes from the biology department, split the class into pairs "
              "and wrote a shared booking sheet so everyone got time on them. I ended that course with an A.")
    assert "vague-impact" not in _kinds(question, answer)
    vague = answer.replace("I ended that course with an A.", "It went really well in the end.")
    assert _kinds(question, vague)[0] == "vague-impact"


def test_a_mistake_put_right_without_its_lesson_asks_for_the_lesson():
    question = "Recount a time when you missed a deadline. How did you manage the situation?"
    answer = ("In my second year I missed the deadline for a statistics report because I had the wrong date in my "
              "calendar. I emailed my professor the same morning, explained what had happened and asked whether "
              "I could still hand it in. She gave me until midnight with ten percent off, so I finished it that "
              "afternoon and still ended with a 90 on the report.")
    feedback = analyze(ReviewRequest(items=(AnswerItem(question_id="q", question=question, answer=answer),)))
    assert feedback.pointers[0].kind == "no-result"
    assert "learned" in feedback.pointers[0].tip
    with_lesson = answer + " Since then I put every deadline in two calendars and check them each Monday."
    assert "no-result" not in _kinds(question, with_lesson)


def test_habits_then_one_occasion_that_stops_leads_with_its_ending():
    question = "Describe your process of setting goals. Can you recall a specific goal and how you pursued it?"
    answer = ("Setting goals is very important to me. First you have to decide what you want to accomplish, and then "
              "you have to make a list of the ways to get there. I always write my goals down and I check them every "
              "week so they stay in front of me. Specifically, I had a goal of raising money for the food bank, so I "
              "made a timeline for each task and asked local shops to sponsor a raffle.")
    assert _kinds(question, answer)[0] == "no-result"


def test_two_hedges_on_the_position_lead_a_short_plan():
    answer = "I would probably agree to the new date for the most part. I like a challenge and I would tell my lead so."
    assert _kinds(SCENARIO, answer)[0] == "hedging"


def test_a_problem_the_team_handled_without_the_candidate_leads_with_ownership():
    question = "Describe a time when a project at work was thrown off course. How did you handle it?"
    answer = ("Last autumn I was on the events crew at our student union when the band for the spring ball cancelled "
              "three days before the night. I had just put up the posters and I was worried about refunds. "
              "We handled it by calling every local act on the list and asking the venue for more time. "
              "In the end a jazz trio from the music school agreed to play and the ball went ahead as planned.")
    feedback = analyze(ReviewRequest(items=(AnswerItem(question_id="q", question=question, answer=answer),)))
    assert feedback.pointers[0].kind == "ownership"
    assert "We handled" in feedback.pointers[0].tip
    mine = answer.replace("We handled it by calling", "I handled it by calling")
    assert _kinds(question, mine)[0] != "ownership"


def test_how_often_is_a_habit_and_this_semester_is_an_occasion():
    question = "Describe an occasion where you had to manage several deadlines at once. How did you cope?"
    habits = ("In my degree I have had deadlines landing together all the time, so there have been many times when "
              "three essays were due on the same Friday. In these instances I wrote a list, started with the longest piece "
              "and kept my evenings for the rest, and I finished each one a day or two before it was due.")
    assert _kinds(question, habits)[0] == "no-example"
    occasion = ("This semester I took on the treasurer role for my hiking club and led the planning for our spring "
                "trip, booking the minibus, collecting dues and keeping every receipt, which is a lot to carry next "
                "to a full course load.")
    assert "no-example" not in _kinds("Share a story where you took the initiative.", occasion)


def test_a_change_verb_is_an_ending_when_things_change_not_when_the_candidate_acts():
    question = "Tell me about a time your plans were interrupted. How did you adjust?"
    acted = ("Last spring I was revising for my chemistry final in the library when my younger brother called to say "
             "his bike had broken on the way home from school. I packed up my notes, walked across town to meet him "
             "and pushed the bike home with him while he told me about his day. That evening I stopped what I was "
             "doing again to help him patch the tyre.")
    assert _kinds(question, acted)[0] == "no-result"
    changed = ("Last spring our choir lost its venue two weeks before the winter concert. I phoned every church and "
               "hall near campus, found a community centre that was free on the same night and rewrote the seating "
               "plan for the new room. Moving the concert there boosted our ticket sales, because the centre shared "
               "it with their members.")
    kinds = _kinds(question, changed)
    assert kinds[0] == "vague-impact" and "no-result" not in kinds


def test_weighing_the_pros_and_cons_without_naming_them_asks_for_what_was_weighed():
    question = "Tell me about a time you had to make a hard choice. How did you reach your decision?"
    answer = ("Two years ago I was offered a place on a summer research project, but I had already promised my "
              "uncle I would help run his shop while he recovered from an operation. I weighed the pros and cons "
              "over a weekend. In the end I turned the project down and worked in the shop all summer, and "
              "he was back on his feet by September.")
    feedback = analyze(ReviewRequest(items=(AnswerItem(question_id="q", question=question, answer=answer),)))
    assert feedback.pointers[0].kind == "too-short"
    assert "weighed the pros and cons" in feedback.pointers[0].tip
    shown = answer.replace("I weighed the pros and cons over a weekend.",
                           "The project would help my applications, but the shop had nobody else that summer.")
    assert _kinds(question, shown)[0] != "too-short"


def test_words_that_frame_the_story_are_not_its_ending():
    # The question's own words restated to introduce the example.
    question = "Can you give a specific example of a time you resolved a disagreement in a team?"
    answer = ("I deal with disagreements by talking about them early, before they grow, and by keeping the "
              "conversation on the work rather than on the people, because once it gets personal nobody listens. "
              "One time I resolved a disagreement was when two teammates both wanted to present our final slides "
              "for a marketing class. So I talked to each of them after the lecture, and then went back to sort it out.")
    assert _kinds(question, answer)[0] == "no-result"
    # "Ultimately, I decided…" announces the last step; it does not say what came of it.
    question = "Tell me about a time you had to make a quick decision without your manager. What did you do?"
    answer = ("Last summer I was running the front desk of a climbing gym alone when a school group arrived an hour "
              "early and the instructors were still on their break. I could not reach my manager, and the booking "
              "notes did not say what to do. Ultimately, I decided to let the group start on the easy wall with "
              "two staff watching, and I moved the safety talk forward so they would not wait.")
    assert _kinds(question, answer)[0] == "no-result"


def test_dropped_by_half_is_a_measured_change_not_an_errand():
    question = "Tell me about a time you improved a process at work."
    answer = ("Last year at the call centre our team kept losing track of callbacks. I set up a shared sheet where "
              "each agent logged the callback and the time it was due, and I checked it every morning. Complaints "
              "about missed callbacks dropped by half over the next month.")
    kinds = _kinds(question, answer)
    assert "vague-impact" not in kinds and "no-result" not in kinds


def test_together_we_solved_it_after_the_candidates_own_steps_is_not_ownership():
    question = "Describe a time when a project at work was thrown off course. How did you handle it?"
    answer = ("Last autumn our events crew lost the band for the spring ball three days before the night. I phoned "
              "the music school, I asked two of their trios to send recordings, and I booked the one the committee "
              "liked best. Together we solved the posters problem with new flyers, and the ball went ahead as planned.")
    assert "ownership" not in _kinds(question, answer)


def test_pros_and_cons_that_are_then_listed_are_shown_not_just_named():
    question = "Tell me about a time you had to make a hard choice. How did you reach your decision?"
    answer = ("Two years ago I was offered a place on a summer research project, but I had already promised my uncle "
              "I would help run his shop while he recovered from an operation. I weighed the pros and cons: the "
              "project would help my applications, but the shop had nobody else that summer. In the end I turned "
              "the project down and worked in the shop all summer, which meant he kept all his regular customers.")
    assert "too-short" not in _kinds(question, answer)


def test_a_lesson_in_the_questions_words_is_still_an_ending():
    question = "Tell me about a mistake you made at work and what you learned from it."
    answer = ("In my first month at the bakery I mixed up two cake orders for the same afternoon, and one family got "
              "a birthday cake with the wrong name on it. I called them, apologised, and remade the cake before their "
              "party started. I learned from it that I should read every order back to the customer before I write "
              "it down.")
    assert "no-result" not in _kinds(question, answer)


def test_meeting_people_or_getting_somewhere_is_a_step_not_an_ending():
    question = "Tell me about a time you helped to resolve a conflict between team members."
    answer = ("Last spring two designers on my team kept arguing over who owned the style guide, and the reviews "
              "were stalling. I met each of them on their own to hear what bothered them, and then I booked a room "
              "for the three of us. When we got there, I asked each of them to say what they needed from the other.")
    assert _kinds(question, answer)[0] == "no-result"
    ended = answer + " We met the next deadline, and they now share the guide with one owner per section."
    assert "no-result" not in _kinds(question, ended)
